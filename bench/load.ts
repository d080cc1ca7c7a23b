// Load with autocannon: a fixed number of connections, each sending GraphQL POSTs back to back for
// a fixed time; every request's body is drawn afresh (different orders, different callers), and
// an answer counts as an error when it is not HTTP 200 or carries GraphQL errors.
import autocannon from 'autocannon';

export interface GraphQLCall {
  body: string;
  token: string;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** The slowest answer, ms. */
  max: number;
  errors: number;
  /** The first error answer seen, to say what went wrong. */
  firstError?: string;
}

export const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);

export async function runLoad(url: string, next: () => GraphQLCall, options: { connections: number; seconds: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const instance = autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: any) => {
          const call = next();
          return { ...req, body: call.body, headers: { 'content-type': 'application/json', authorization: `Bearer ${call.token}` } };
        },
        onResponse: (status: number, body: string) => {
          if (status !== 200 || body.startsWith('{"errors"') || body.includes('"errors":[')) {
            errors++;
            firstError ??= `HTTP ${status}: ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  } as any);
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  const result: any = await instance;
  latencies.sort((a, b) => a - b);
  const requests = latencies.length;
  // Non-2xx answers and socket errors (timeouts, resets) come on top of the answers counted above.
  errors += result.errors ?? 0;
  return {
    requests,
    rps: requests / (result.duration ?? options.seconds),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    errors,
    firstError,
  };
}
