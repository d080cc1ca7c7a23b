// Every cache in the code base is an lru-cache with both bounds spelled out: how many entries it
// holds (the least recently used goes first) and how long an entry is trusted. None grows without
// bound, none answers with something older than its owner allows.
import { LRUCache } from 'lru-cache';

export interface CacheBounds {
  max: number;
  /**
   * How long an entry is trusted, in ms; `set(k, v, { ttl })` may shorten it per entry. `null`
   * only for what cannot go stale: a pure function's result, a fact that never changes back.
   */
  ttlMs: number | null;
  /** The clock ages are read from, when the owner has its own (tests of time-dependent flows). */
  clock?: () => number;
}

/** A cache that fills itself: `fetch(key)` loads what is missing or stale, once for all who ask meanwhile. */
export type LoadingCache<K extends {}, V extends {}> = LRUCache<K, V, unknown>;

export type Cache<K extends {}, V extends {}> = LRUCache<K, V>;

const options = (bounds: CacheBounds) => ({
  max: bounds.max,
  ...(bounds.ttlMs ? { ttl: bounds.ttlMs } : {}),
  // lru-cache reuses a reading of its clock for 1 ms of real time; an owner's clock is read each time.
  ...(bounds.clock ? { perf: { now: bounds.clock }, ttlResolution: 0 } : {}),
});

export function boundedCache<K extends {}, V extends {}>(bounds: CacheBounds): Cache<K, V> {
  return new LRUCache<K, V>(options(bounds));
}

export function loadingCache<K extends {}, V extends {}>(bounds: CacheBounds, load: (key: K) => Promise<V>): LoadingCache<K, V> {
  return new LRUCache<K, V, unknown>({ ...options(bounds), fetchMethod: (key) => load(key) });
}
