// Every call a component makes to a legacy system (or the hub's own database) goes through one of
// these: counted and timed in /metrics, bounded by a timeout, retried with jitter when it is an
// idempotent read, cut off by a circuit breaker while the system is known to be down, logged with
// the request ID, and turned into UPSTREAM_UNAVAILABLE naming the system when it fails.
import type { GraphQLError } from 'graphql';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { CircuitOpenError, createGuard, isApplicationError, type BreakerState, type ResiliencePolicy } from './resilience.js';
import { currentScope } from './request-scope.js';
import { upstreamUnavailable } from './errors.js';

export interface LegacySystem {
  /** Lower case, as in metrics: erp, wms, tms, crm, hub. */
  readonly name: string;
  /**
   * Runs one legacy call. `run` gets the time one attempt may take and a signal that fires when it
   * is up (an HTTP client aborts with it). Reads are idempotent and retried; pass `idempotent: false`
   * for writes. `timeoutMs` gives one call a longer budget than the system's default (bulk work in
   * the background, not a page read).
   */
  call<T>(operation: string, run: (timeoutMs: number, signal: AbortSignal) => Promise<T>, options?: { idempotent?: boolean; timeoutMs?: number }): Promise<T>;
}

export const policyFrom = (config: Config): ResiliencePolicy => ({
  attemptTimeoutMs: config.LEGACY_TIMEOUT_MS,
  deadlineMs: config.LEGACY_DEADLINE_MS,
  retries: config.LEGACY_RETRIES,
  breakerFailures: config.BREAKER_FAILURE_THRESHOLD,
  breakerCooldownMs: config.BREAKER_COOLDOWN_MS,
});

/**
 * What one call of bulk work may take: work in the background that no request waits on (a link
 * round's writes, the rules' decisions for a batch of orders, numbering a backlog of events), or a
 * root field tagged slow. On a busy database such a transaction takes seconds; under the read
 * timeout every attempt timed out and was tried again while the first still held its locks.
 */
export const BULK_MS = 30_000;

/** The same system (its breaker, its metrics) with BULK_MS for every call that does not ask for its own budget. */
export function inBackground(system: LegacySystem): LegacySystem {
  return {
    name: system.name,
    call: (operation, run, options = {}) => system.call(operation, run, { ...options, timeoutMs: options.timeoutMs ?? BULK_MS }),
  };
}

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export function createLegacySystem(name: string, metrics: Metrics, policy: ResiliencePolicy, logger: Logger): LegacySystem {
  const guard = createGuard(policy, (state) => {
    metrics.circuitState.set({ system: name }, STATE_VALUE[state]);
    logger.warn({ system: name, state }, `circuit ${state}`);
  });
  metrics.circuitState.set({ system: name }, 0);
  return {
    name,
    async call(operation, run, options = {}) {
      const scope = currentScope();
      try {
        return await guard.run(async (timeoutMs, signal) => {
          const stop = metrics.legacyDuration.startTimer({ system: name, operation });
          try {
            const result = await run(timeoutMs, signal);
            metrics.legacyCalls.inc({ system: name, operation, outcome: 'ok' });
            return result;
          } catch (err) {
            if (isApplicationError(err)) {
              metrics.legacyCalls.inc({ system: name, operation, outcome: 'ok' });
              throw err;
            }
            metrics.legacyCalls.inc({ system: name, operation, outcome: 'error' });
            (scope?.logger ?? logger).warn({ system: name, operation, requestId: scope?.requestId, err: (err as Error)?.message }, 'legacy call failed');
            throw err;
          } finally {
            stop();
          }
        }, options);
      } catch (err) {
        if ((err as GraphQLError)?.extensions?.code === 'UPSTREAM_UNAVAILABLE' || isApplicationError(err)) throw err;
        throw upstreamUnavailable(name.toUpperCase(), err instanceof CircuitOpenError ? 'circuit open: failing fast while the system recovers' : err);
      }
    },
  };
}
