// How a subgraph treats a legacy system that is slow or down: a timeout on every call, retries
// with exponential backoff and full jitter for idempotent reads, all inside one deadline, and a
// circuit breaker per system that fails fast while the system is known to be down.
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

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  state: BreakerState = 'closed';

  constructor(
    private readonly failureThreshold: number,
    private readonly cooldownMs: number,
    private readonly onChange: (state: BreakerState) => void = () => undefined,
  ) {}

  /** May a call go through now? In half-open state one trial call is let through. */
  allow(now = Date.now()): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open' && now - this.openedAt >= this.cooldownMs) {
      this.set('half-open');
      return true;
    }
    return false;
  }

  success(): void {
    this.failures = 0;
    if (this.state !== 'closed') this.set('closed');
  }

  failure(now = Date.now()): void {
    this.failures++;
    if (this.state === 'half-open' || this.failures >= this.failureThreshold) {
      this.openedAt = now;
      if (this.state !== 'open') this.set('open');
    }
  }

  private set(state: BreakerState) {
    this.state = state;
    this.onChange(state);
  }
}

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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `call` under the policy. `call` receives the time it may take, so an HTTP client can abort
 * its request instead of leaving it running.
 */
export async function guarded<T>(breaker: CircuitBreaker, policy: ResiliencePolicy, idempotent: boolean, call: (timeoutMs: number) => Promise<T>): Promise<T> {
  const deadline = Date.now() + policy.deadlineMs;
  let attempt = 0;
  for (;;) {
    if (!breaker.allow()) throw new CircuitOpenError();
    const left = deadline - Date.now();
    const timeout = Math.max(1, Math.min(policy.attemptTimeoutMs, left));
    try {
      const result = await withTimeout(call(timeout), timeout);
      breaker.success();
      return result;
    } catch (err) {
      // The system answered; the answer is a refusal for the caller (a GraphQL error with its own
      // code): neither a failure of the system nor worth a retry.
      if (isApplicationError(err)) {
        breaker.success();
        throw err;
      }
      breaker.failure();
      attempt++;
      const backoff = Math.random() * Math.min(400, 25 * 2 ** attempt);
      if (!idempotent || attempt > policy.retries || Date.now() + backoff + 50 >= deadline) throw err;
      await sleep(backoff);
    }
  }
}
