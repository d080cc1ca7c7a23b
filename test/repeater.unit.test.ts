// common/src/repeater.ts: the loop every polling hub worker runs on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Repeater } from '../common/src/repeater.js';

test('rounds follow one another a delay apart (told how long the round took), a failed one is reported and the next comes, stop waits for the round under way', async () => {
  const log: string[] = [];
  const errors: string[] = [];
  const took: number[] = [];
  let n = 0;
  let release: (() => void) | null = null;
  const rounds = new Repeater(
    async () => {
      const i = ++n;
      log.push(`start ${i}`);
      if (i === 2) throw new Error('round 2 failed');
      if (i === 3) await sleep(30);
      if (i === 4) await new Promise<void>((r) => (release = r));
      log.push(`end ${i}`);
    },
    { delayMs: (roundMs) => (took.push(roundMs), 5), onError: (err) => errors.push((err as Error).message) },
  );
  rounds.start();
  rounds.start(); // a second start does not start a second loop
  while (n < 4) await sleep(1);
  // Round 4 is under way: stop() waits for it, and no round comes after.
  let stopped = false;
  const stopping = rounds.stop().then(() => (stopped = true));
  await sleep(20);
  assert.equal(stopped, false, 'stop waits for the round under way');
  release!();
  await stopping;
  await sleep(20);
  assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'start 3', 'end 3', 'start 4', 'end 4']);
  assert.deepEqual(errors, ['round 2 failed']);
  // The delay is told how long the round took: round 3 slept 30 ms.
  assert.equal(took.length, 3, 'asked after rounds 1–3, not after the round stop() waited for');
  assert.ok(took[2] >= 29 && took[0] < 29, `round times ${took}`);
});

test('the delay is asked after each round, and a stopped repeater starts again', async () => {
  const delays: number[] = [];
  let n = 0;
  const rounds = new Repeater(async () => void n++, { delayMs: () => (delays.push(n), 1), onError: () => assert.fail('no round fails') });
  rounds.start();
  while (n < 3) await sleep(1);
  await rounds.stop();
  const after = n;
  await sleep(10);
  assert.equal(n, after, 'nothing runs once stopped');
  assert.deepEqual(delays.slice(0, 2), [1, 2]);
  rounds.start();
  while (n < after + 2) await sleep(1);
  await rounds.stop();
});
