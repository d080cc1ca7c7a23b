// One way to build per-request DataLoaders, so every adapter batches the same way and the bench can
// switch batching off (LOADER_BATCHING=off) to show what N+1 costs.
import DataLoader from 'dataloader';
import { appError, ErrorCode } from './errors.js';

export interface LoaderOptions {
  batching: boolean;
}

/** A loader whose batch function returns one value (or null) per key, in key order. */
export function oneEach<K extends string, V>(
  options: LoaderOptions,
  load: (keys: readonly K[]) => Promise<(V | null)[]>,
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(load, { batch: options.batching, maxBatchSize: 500 });
}

/** Orders rows by the keys asked for: `null` where a key has no row. */
export function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map<K, V>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((k) => map.get(k) ?? null);
}

/** Appends to the list under `key` in place (copying the list on every append is quadratic per key). */
export function groupInto<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}

/** Groups rows by the keys asked for: `[]` where a key has no rows. */
export function groupByKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>();
  for (const row of rows) groupInto(map, keyOf(row), row);
  return keys.map((k) => map.get(k) ?? []);
}

export const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

/** Loads a record another record points at; a dangling pointer in legacy data is a NOT_FOUND error on that field. */
export async function need<V>(loader: DataLoader<string, V | null>, key: string, what: string): Promise<V> {
  const value = await loader.load(key);
  if (value == null) {
    throw appError(ErrorCode.NOT_FOUND, { zh: `找不到${what} ${key}`, en: `${what} ${key} not found` }, { key });
  }
  return value;
}

/** Field resolvers that read one property of a lazily loaded record behind a `{ code }` reference. */
export function lazyFields<R, K extends keyof R>(
  pick: (ctx: any) => DataLoader<string, R | null>,
  what: string,
  keys: readonly K[],
): { [P in K]: (ref: { code: string }, args: unknown, ctx: any) => Promise<R[P]> } {
  return Object.fromEntries(
    keys.map((k) => [k, async (ref: { code: string }, _args: unknown, ctx: any) => (await need(pick(ctx), ref.code, what))[k]]),
  ) as any;
}
