// Prometheus metrics, one registry per component so each subgraph's /metrics shows its own
// counters even when several components share a process (npm start, tests).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Wraps one call to a legacy system (one SQL query or one HTTP request) and counts it. */
  legacyCall<T>(system: string, operation: string, call: () => Promise<T>): Promise<T>;
}

let defaultMetricsTaken = false;

export function createMetrics(component: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  if (!defaultMetricsTaken) {
    // Process metrics belong to the process: register them once.
    defaultMetricsTaken = true;
    collectDefaultMetrics({ register: registry });
  }
  const calls = new Counter({
    name: 'legacy_calls_total',
    help: 'Calls to legacy systems (SQL queries or HTTP requests), by system and operation',
    labelNames: ['system', 'operation', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'legacy_call_duration_seconds',
    help: 'Latency of legacy calls',
    labelNames: ['system', 'operation'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    async legacyCall(system, operation, call) {
      const stop = duration.startTimer({ system, operation });
      try {
        const result = await call();
        calls.inc({ system, operation, outcome: 'ok' });
        return result;
      } catch (err) {
        calls.inc({ system, operation, outcome: 'error' });
        throw err;
      } finally {
        stop();
      }
    },
  };
}
