// The guard every legacy call goes through (common/src/resilience.ts, on cockatiel): timeouts per
// attempt inside one deadline, retries of reads only, a breaker that opens, fails fast, lets one
// trial through and closes, refusals that are answers; and the backoff of the hub's deliveries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphQLError } from 'graphql';
import { CircuitOpenError, TimeoutError, backoffMs, createGuard, retrying, type BreakerState, type ResiliencePolicy } from '../common/src/resilience.js';

const POLICY: ResiliencePolicy = { attemptTimeoutMs: 100, deadlineMs: 1000, retries: 2, breakerFailures: 5, breakerCooldownMs: 200 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const down = () => Promise.reject(new Error('ECONNREFUSED'));

test('a read is tried three times (two retries) and answers when a retry gets through', async () => {
  const guard = createGuard(POLICY);
  let calls = 0;
  const value = await guard.run(async () => {
    calls++;
    if (calls < 3) throw new Error('ECONNRESET');
    return 'ok';
  });
  assert.equal(value, 'ok');
  assert.equal(calls, 3);
});

test('a read that keeps failing is tried exactly 1 + retries times and rejects with its own error', async () => {
  const guard = createGuard(POLICY);
  let calls = 0;
  await assert.rejects(
    guard.run(() => (calls++, down())),
    /ECONNREFUSED/,
  );
  assert.equal(calls, 3);
});

test('a write is tried once', async () => {
  const guard = createGuard(POLICY);
  let calls = 0;
  await assert.rejects(guard.run(() => (calls++, down()), { idempotent: false }), /ECONNREFUSED/);
  assert.equal(calls, 1);
});

test('an attempt that hangs is cut off at the attempt timeout, and its signal fires', async () => {
  const guard = createGuard({ ...POLICY, retries: 0 });
  let aborted = false;
  let given = 0;
  const started = Date.now();
  await assert.rejects(
    guard.run((ms, signal) => {
      given = ms;
      signal.addEventListener('abort', () => (aborted = true));
      return new Promise(() => undefined);
    }),
    (err: Error) => err instanceof TimeoutError && err.message === 'no answer within 100 ms',
  );
  const took = Date.now() - started;
  assert.equal(given, 100);
  assert.equal(aborted, true);
  assert.ok(took >= 99 && took < 400, `took ${took} ms`);
});

test('all attempts together end within the deadline: the last attempt gets only what is left', async () => {
  // 300 ms for the first try, a wait of under 50 ms, then what is left of 500 ms: under 200 ms.
  const guard = createGuard({ attemptTimeoutMs: 300, deadlineMs: 500, retries: 5, breakerFailures: 100, breakerCooldownMs: 1000 });
  const budgets: number[] = [];
  const started = Date.now();
  await assert.rejects(
    guard.run((ms) => (budgets.push(ms), new Promise(() => undefined))),
    TimeoutError,
  );
  const took = Date.now() - started;
  assert.ok(took >= 490 && took < 500 + 250, `took ${took} ms`);
  assert.equal(budgets.length, 2, `budgets: ${budgets}`);
  assert.equal(budgets[0], 300);
  assert.ok(budgets[1] > 140 && budgets[1] <= 200, `the second try had ${budgets[1]} ms`);
});

test('the breaker opens after the threshold of failures in a row, fails fast without calling, lets one trial through after its cool-down and closes on success', async () => {
  const states: BreakerState[] = [];
  const guard = createGuard({ ...POLICY, retries: 0 }, (s) => states.push(s));
  for (let i = 0; i < 4; i++) await assert.rejects(guard.run(down), /ECONNREFUSED/);
  assert.equal(guard.state, 'closed');
  await assert.rejects(guard.run(down), /ECONNREFUSED/);
  assert.equal(guard.state, 'open');
  let calls = 0;
  const started = Date.now();
  await assert.rejects(guard.run(async () => (calls++, 'never')), CircuitOpenError);
  assert.equal(calls, 0);
  assert.ok(Date.now() - started < 20);
  await sleep(220);
  assert.equal(await guard.run(async () => (calls++, 'back')), 'back');
  assert.equal(calls, 1);
  assert.equal(guard.state, 'closed');
  assert.deepEqual(states, ['open', 'half-open', 'closed']);
});

test('a failed trial opens the breaker again for a full cool-down', async () => {
  const guard = createGuard({ ...POLICY, retries: 0, breakerFailures: 1 });
  await assert.rejects(guard.run(down), /ECONNREFUSED/);
  await sleep(220);
  await assert.rejects(guard.run(down), /ECONNREFUSED/);
  assert.equal(guard.state, 'open');
  await assert.rejects(guard.run(async () => 'x'), CircuitOpenError);
});

test('a refusal (a GraphQL error with its own code) is an answer: passed through untouched, not retried, and it resets the failure count', async () => {
  const guard = createGuard({ ...POLICY, breakerFailures: 3, retries: 2 });
  const refusal = new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } });
  let calls = 0;
  await assert.rejects(guard.run(() => (calls++, Promise.reject(refusal))), (err) => err === refusal);
  assert.equal(calls, 1);
  for (let i = 0; i < 2; i++) await assert.rejects(guard.run(down, { idempotent: false }), /ECONNREFUSED/);
  await assert.rejects(guard.run(() => Promise.reject(refusal), { idempotent: false }), (err) => err === refusal);
  for (let i = 0; i < 2; i++) await assert.rejects(guard.run(down, { idempotent: false }), /ECONNREFUSED/);
  assert.equal(guard.state, 'closed', '2 + 2 failures with a refusal between never make 3 in a row');
  await assert.rejects(guard.run(down, { idempotent: false }), /ECONNREFUSED/);
  assert.equal(guard.state, 'open');
});

test('timeoutMs gives one call a longer attempt and deadline', async () => {
  const guard = createGuard({ ...POLICY, retries: 0 });
  let given = 0;
  assert.equal(await guard.run(async (ms) => ((given = ms), await sleep(150), 'slow but in time'), { timeoutMs: 300 }), 'slow but in time');
  assert.equal(given, 300);
});

test('backoff is exponential with full jitter, capped', (t) => {
  const bounds = { initialMs: 1000, maxMs: 300_000 };
  t.mock.method(Math, 'random', () => 0.999);
  assert.equal(backoffMs(1, bounds), 999);
  assert.equal(backoffMs(2, bounds), 1998);
  assert.equal(backoffMs(20, bounds), 299_700);
  t.mock.method(Math, 'random', () => 0.5);
  assert.equal(backoffMs(3, bounds), 2000);
  t.mock.method(Math, 'random', () => 0);
  assert.equal(backoffMs(5, bounds), 0);
});

test('retrying tries again on the errors and answers it is told to, waiting the given delay before each retry', async () => {
  const waits: number[] = [];
  const seen: number[] = [];
  const value = await retrying({ attempts: 4, delayMs: (n) => (waits.push(n), 5), retryOn: (err) => /busy/.test(err.message) }, async (attempt) => {
    seen.push(attempt);
    if (attempt < 3) throw new Error(`attempt ${attempt}: busy`);
    return attempt;
  });
  assert.equal(value, 3);
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(waits, [1, 2]);

  // Out of attempts: the last error.
  await assert.rejects(retrying({ attempts: 2, retryOn: () => true }, async (attempt) => Promise.reject(new Error(`attempt ${attempt}: busy`))), /attempt 2: busy/);
  // An error not worth another try is thrown at once.
  let tries = 0;
  await assert.rejects(retrying({ attempts: 5, retryOn: (err) => /busy/.test(err.message) }, async () => (tries++, Promise.reject(new Error('broken')))), /broken/);
  assert.equal(tries, 1);
  // An answer worth another try; out of attempts, the last answer.
  const answers: boolean[] = [];
  assert.equal(await retrying({ attempts: 3, retryIf: (ok) => !ok }, async () => (answers.push(false), false)), false);
  assert.equal(answers.length, 3);
  assert.equal(await retrying({ attempts: 3, retryIf: (ok) => !ok }, async (attempt) => attempt === 2), true);
});
