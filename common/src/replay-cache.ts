// The nonces of signed requests a subgraph has already accepted, for as long as a signature is
// good: a second request with the same nonce is a replay. Several instances of a subgraph must
// share it (SUBGRAPH_REPLAY_CACHE=redis://…, ioredis; SET NX PX claims a nonce atomically). The
// embedded default keeps nonces in the process (@isaacs/ttlcache): right for `npm start`, where
// each subgraph runs once, and wrong for two instances — production refuses it (config.ts).
import { TTLCache } from '@isaacs/ttlcache';
import { Redis } from 'ioredis';

export interface ReplayCache {
  /** True the first time a key is claimed within `ttlMs`; false when it was claimed before. Throws when the cache cannot answer. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Throws, naming the failure, when the cache does not answer (start-up and /readyz). */
  check(): Promise<void>;
  /** Whether other processes see the same nonces. */
  readonly shared: boolean;
  close(): Promise<void>;
}

export function memoryReplayCache(): ReplayCache {
  const seen = new TTLCache<string, true>({ max: Infinity });
  return {
    shared: false,
    async claim(key, ttlMs) {
      if (seen.has(key)) return false;
      seen.set(key, true, { ttl: ttlMs });
      return true;
    },
    async check() {},
    async close() {
      seen.clear();
    },
  };
}

export function redisReplayCache(url: string, prefix = 'oh:nonce:'): ReplayCache {
  // No offline queue and one try per command: while Redis is away a request is refused at once
  // (fail closed), not held until it returns.
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 1000 });
  // The connection retries by itself; the last error says why it is down (a failed connect() only says "closed").
  let lastError: Error | null = null;
  redis.on('error', (err) => (lastError = err));
  let connecting: Promise<void> | null = null;
  const ready = () => {
    if (redis.status === 'ready') return Promise.resolve();
    if (redis.status === 'wait') connecting ??= redis.connect().finally(() => (connecting = null));
    return connecting ?? Promise.resolve();
  };
  return {
    shared: true,
    async claim(key, ttlMs) {
      await ready();
      return (await redis.set(prefix + key, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
    async check() {
      try {
        await ready();
        await redis.ping();
      } catch (err) {
        throw lastError ?? err;
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}

/** `memory`, or a redis:// (rediss://) URL. */
export function openReplayCache(setting: string): ReplayCache {
  return setting === 'memory' ? memoryReplayCache() : redisReplayCache(setting);
}
