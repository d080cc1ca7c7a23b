// The one way the code base caches (common/src/cache.ts, on lru-cache): a size bound that drops
// the least recently used, an age bound (per entry too), and a cache that loads once for many.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundedCache, loadingCache } from '../common/src/cache.js';

test('a full cache drops the least recently used entry', () => {
  const cache = boundedCache<string, number>({ max: 3, ttlMs: null });
  cache.set('a', 1).set('b', 2).set('c', 3);
  assert.equal(cache.get('a'), 1);
  cache.set('d', 4);
  assert.deepEqual([...cache.keys()].sort(), ['a', 'c', 'd']);
  assert.equal(cache.size, 3);
});

test('an entry is trusted for the age bound of its cache, or for its own shorter one', () => {
  let now = 1_000_000;
  const cache = boundedCache<string, string>({ max: 10, ttlMs: 60_000, clock: () => now });
  cache.set('long', 'x');
  cache.set('short', 'y', { ttl: 5_000 });
  now += 4_999;
  assert.deepEqual([cache.get('long'), cache.get('short')], ['x', 'y']);
  now += 2;
  assert.deepEqual([cache.get('long'), cache.get('short')], ['x', undefined]);
  now += 55_000;
  assert.equal(cache.get('long'), undefined);
});

test('a loading cache loads once for everyone who asks meanwhile, and again when the entry is stale', async () => {
  let now = 1_000_000; // lru-cache takes a start time of 0 for "none"
  let loads = 0;
  const cache = loadingCache<string, { n: number }>({ max: 1, ttlMs: 60_000, clock: () => now }, async () => {
    loads++;
    await new Promise((r) => setTimeout(r, 10));
    return { n: loads };
  });
  const [a, b, c] = await Promise.all([cache.fetch('k'), cache.fetch('k'), cache.fetch('k')]);
  assert.equal(loads, 1);
  assert.ok(a === b && b === c && a!.n === 1);
  now += 59_999;
  assert.equal((await cache.fetch('k'))!.n, 1);
  now += 2;
  assert.equal((await cache.fetch('k'))!.n, 2);
  assert.equal(loads, 2);
});
