// HTTP JSON client for the legacy services (TMS, CRM): one pooled keep-alive undici Pool per
// system; every request is a guarded legacy call (timeout, retries for reads, circuit breaker,
// metrics) and carries the request ID it is made for.
import { Pool } from 'undici';
import type { LegacySystem } from './legacy.js';
import { currentScope } from './request-scope.js';
import { TimeoutError } from './resilience.js';

/** Signature headers for a request's exact body, method and path. */
export type Signer = (body: string, target: { method: string; path: string }) => Record<string, string>;

export class LegacyHttpClient {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(
    private readonly system: LegacySystem,
    baseUrl: string,
    connections = 16,
  ) {
    const url = new URL(baseUrl);
    this.pool = new Pool(url.origin, { connections, keepAliveTimeout: 30_000, pipelining: 1 });
    this.basePath = url.pathname.replace(/\/$/, '');
  }

  get(operation: string, path: string, query: Record<string, string> = {}): Promise<unknown> {
    const search = new URLSearchParams(query).toString();
    return this.send(operation, 'GET', `${path}${search ? `?${search}` : ''}`, undefined, true);
  }

  /**
   * A POST that only reads (batch look-ups) may be retried; one that writes may not. `sign` adds
   * headers made from the exact body, method and path sent (a subgraph's signature). `timeoutMs`
   * gives work that is known to take longer than a read (a link round) its own budget.
   */
  post(operation: string, path: string, body: unknown, options: { idempotent: boolean; sign?: Signer; timeoutMs?: number }): Promise<unknown> {
    return this.send(operation, 'POST', path, JSON.stringify(body), options.idempotent, options.sign, options.timeoutMs);
  }

  private send(operation: string, method: 'GET' | 'POST', path: string, body: string | undefined, idempotent: boolean, sign?: Signer, timeoutMs?: number): Promise<unknown> {
    const requestId = currentScope()?.requestId;
    return this.system.call(
      operation,
      async (timeoutMs, signal) => {
        let res: Awaited<ReturnType<Pool['request']>>;
        let text: string;
        try {
          res = await this.pool.request({
            method,
            path: `${this.basePath}${path}`,
            body,
            headers: {
              ...(body ? { 'content-type': 'application/json' } : {}),
              ...(requestId ? { 'x-request-id': requestId } : {}),
              // Signed per attempt: a retry's timestamp and nonce are fresh.
              ...(body && sign ? sign(body, { method, path: `${this.basePath}${path}`.split('?')[0] || '/' }) : {}),
            },
            signal,
          });
          text = await res.body.text();
        } catch (err) {
          // Aborted because the attempt's time is up: say so (the log line shows this message).
          throw signal.aborted ? new TimeoutError(timeoutMs, `${method} ${path}`) : err;
        }
        if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode}`);
        try {
          return JSON.parse(text);
        } catch {
          throw new Error(`HTTP ${res.statusCode}: response is not JSON`);
        }
      },
      { idempotent, timeoutMs },
    );
  }

  async ping(path: string): Promise<void> {
    await this.get('health', path);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
