// Prometheus metrics, one registry per component so each subgraph's /metrics shows its own
// counters even when several components share a process (npm start, tests).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** One per attempt at a legacy system (SQL query or HTTP request), by system, operation and outcome. */
  legacyCalls: Counter<'system' | 'operation' | 'outcome'>;
  legacyDuration: Histogram<'system' | 'operation'>;
  /** 0 closed, 1 half-open, 2 open. */
  circuitState: Gauge<'system'>;
  /** Every request this component turned away (4xx), by HTTP status and error code. */
  refusals: Counter<'status' | 'code'>;
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
  return {
    registry,
    legacyCalls: new Counter({
      name: 'legacy_calls_total',
      help: 'Calls to legacy systems (SQL queries or HTTP requests), by system and operation; each retry counts',
      labelNames: ['system', 'operation', 'outcome'],
      registers: [registry],
    }),
    legacyDuration: new Histogram({
      name: 'legacy_call_duration_seconds',
      help: 'Latency of legacy calls',
      labelNames: ['system', 'operation'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    circuitState: new Gauge({
      name: 'legacy_circuit_state',
      help: 'Circuit breaker per legacy system: 0 closed, 1 half-open, 2 open',
      labelNames: ['system'],
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'http_refusals_total',
      help: 'Requests refused with a 4xx (401 tokens and signatures, 403 roles, 400 limits and bad input, 413 sizes …), by status and code',
      labelNames: ['status', 'code'],
      registers: [registry],
    }),
  };
}
