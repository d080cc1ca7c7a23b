// How we treat a system that is slow or down, on cockatiel's policies: a timeout on every attempt,
// retries with exponential backoff and full jitter for idempotent reads, all inside one deadline,
// and a circuit breaker per system that fails fast while the system is known to be down. Also the
// backoff and retry loops of the hub's own deliveries (outbox, daily report). Nothing else in the
// code imports cockatiel: this file is where its vocabulary turns into ours.
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  IsolatedCircuitError,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  fullJitterGenerator,
  handleAll,
  handleWhen,
  retry,
  timeout,
} from 'cockatiel';

export interface ResiliencePolicy {
  /** One attempt may take this long. */
  attemptTimeoutMs: number;
  /** All attempts together finish within this. */
  deadlineMs: number;
  retries: number;
  breakerFailures: number;
  breakerCooldownMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** An error meant for the caller (FORBIDDEN, BAD_USER_INPUT …), not a sign the system is unwell. */
export function isApplicationError(err: unknown): boolean {
  const code = (err as { extensions?: { code?: unknown } })?.extensions?.code;
  return typeof code === 'string' && code !== 'UPSTREAM_UNAVAILABLE';
}

export class TimeoutError extends Error {
  constructor(ms: number, what = '') {
    super(`${what ? `${what}: ` : ''}no answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

export class CircuitOpenError extends Error {
  constructor() {
    super('circuit open: the system failed repeatedly and is rested before the next try');
  }
}

/**
 * An abort signal that fires after `ms` unless cleared first. Not AbortSignal.timeout: that one fires
 * (and builds a DOMException, stack and all) for every request, long after most have been answered.
 */
export function abortAfter(ms: number, what: string): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(ms, what)), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Exponential backoff with full jitter: a random wait in [0, min(maxMs, initialMs × 2^(attempt−1))). */
export function backoffMs(attempt: number, bounds: { initialMs: number; maxMs: number }): number {
  const [delay] = fullJitterGenerator(Math.max(0, attempt - 1), { generator: fullJitterGenerator, initialDelay: bounds.initialMs, maxDelay: bounds.maxMs, exponent: 2 });
  return delay;
}

export interface RetryOptions<T> {
  /** Tries at most, the first included. */
  attempts: number;
  /** The wait before the n-th retry (n from 1); none by default. */
  delayMs?: (retry: number) => number;
  /** Errors worth another try; an error it refuses is thrown at once. None by default. */
  retryOn?: (err: Error) => boolean;
  /** Answers worth another try (a refusal the caller can wait out); none by default. */
  retryIf?: (value: T) => boolean;
}

/**
 * Runs `work` (given the attempt's number, from 1) until it answers with something `retryIf` does
 * not refuse, or throws something `retryOn` does not forgive, or the attempts run out: then the last
 * answer is returned or the last error thrown.
 */
export function retrying<T>(options: RetryOptions<T>, work: (attempt: number) => Promise<T>): Promise<T> {
  const retryOn = options.retryOn ?? (() => false);
  const retryIf = options.retryIf ?? (() => false);
  const delayMs = options.delayMs ?? (() => 0);
  const policy = retry(handleWhen(retryOn).orWhenResult((value) => retryIf(value as T)), {
    maxAttempts: Math.max(0, options.attempts - 1),
    backoff: new DelegateBackoff((context) => delayMs(context.attempt)),
  });
  return policy.execute(({ attempt }) => work(attempt + 1));
}

/** A refusal the system answered with, carried past the breaker and the retries as a value. */
class Refusal {
  constructor(readonly error: unknown) {}
}

/** Between a try the deadline leaves room for and the deadline itself, at least this. */
const LAST_TRY_MS = 50;
/** Retries of a read wait 50, 100, 200, 400 ms at most (full jitter). */
const READ_BACKOFF = { initialMs: 50, maxMs: 400 };

const STATE: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'open',
};

export interface Guard {
  readonly state: BreakerState;
  /**
   * Runs `call` under the policy. `call` receives the time the attempt may take and a signal that
   * fires when it is up, so an HTTP client can abort its request instead of leaving it running.
   * Reads (`idempotent`, the default) are retried; `timeoutMs` gives one call a longer budget.
   */
  run<T>(call: (timeoutMs: number, signal: AbortSignal) => Promise<T>, options?: { idempotent?: boolean; timeoutMs?: number }): Promise<T>;
}

/** One system's guard: its breaker is shared by every call made through it. */
export function createGuard(policy: ResiliencePolicy, onStateChange: (state: BreakerState) => void = () => undefined): Guard {
  // A refusal is an answer: it counts as a success, and a half-open trial that gets one closes.
  const breaker = circuitBreaker(handleAll, { halfOpenAfter: policy.breakerCooldownMs, breaker: new ConsecutiveBreaker(policy.breakerFailures) });
  breaker.onStateChange((state) => onStateChange(STATE[state]));

  return {
    get state() {
      return STATE[breaker.state];
    },
    async run<T>(call: (timeoutMs: number, signal: AbortSignal) => Promise<T>, options: { idempotent?: boolean; timeoutMs?: number } = {}): Promise<T> {
      const attemptMs = options.timeoutMs ?? policy.attemptTimeoutMs;
      const deadline = Date.now() + (options.timeoutMs ? Math.max(policy.deadlineMs, options.timeoutMs) : policy.deadlineMs);
      const attempt = () =>
        breaker.execute(async () => {
          const ms = Math.max(1, Math.min(attemptMs, deadline - Date.now()));
          try {
            return await timeout(ms, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }).execute(({ signal }) => call(ms, signal));
          } catch (err) {
            if (isApplicationError(err)) return new Refusal(err);
            throw err instanceof TaskCancelledError ? new TimeoutError(ms) : err;
          }
        });
      // The retry waits only when the deadline leaves room for the wait and one more try; the wait
      // is drawn when the failure is judged, so that judgement and wait agree.
      let nextWait = 0;
      let failures = 0;
      const worthRetrying = (err: Error) => {
        if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) return false;
        nextWait = backoffMs(++failures, READ_BACKOFF);
        return Date.now() + nextWait + LAST_TRY_MS < deadline;
      };
      const retries = options.idempotent === false ? 0 : policy.retries;
      let outcome: unknown;
      try {
        outcome = retries ? await retry(handleWhen(worthRetrying), { maxAttempts: retries, backoff: new DelegateBackoff(() => nextWait) }).execute(attempt) : await attempt();
      } catch (err) {
        throw err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError ? new CircuitOpenError() : err;
      }
      if (outcome instanceof Refusal) throw outcome.error;
      return outcome as T;
    },
  };
}
