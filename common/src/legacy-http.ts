// HTTP JSON client for the legacy services (TMS, CRM): one pooled keep-alive undici Pool per
// system, a hard timeout on every call, each call counted in metrics.
import { Pool } from 'undici';
import type { Metrics } from './metrics.js';
import { upstreamUnavailable } from './errors.js';

export class LegacyHttpClient {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(
    private readonly system: string,
    baseUrl: string,
    private readonly metrics: Metrics,
    private readonly timeoutMs: number,
    connections = 16,
  ) {
    const url = new URL(baseUrl);
    this.pool = new Pool(url.origin, { connections, keepAliveTimeout: 30_000, pipelining: 1 });
    this.basePath = url.pathname.replace(/\/$/, '');
  }

  get(operation: string, path: string, query: Record<string, string> = {}): Promise<unknown> {
    const search = new URLSearchParams(query).toString();
    return this.send(operation, 'GET', `${path}${search ? `?${search}` : ''}`);
  }

  post(operation: string, path: string, body: unknown): Promise<unknown> {
    return this.send(operation, 'POST', path, JSON.stringify(body));
  }

  private send(operation: string, method: 'GET' | 'POST', path: string, body?: string): Promise<unknown> {
    return this.metrics.legacyCall(this.system, operation, async () => {
      try {
        const res = await this.pool.request({
          method,
          path: `${this.basePath}${path}`,
          body,
          headers: body ? { 'content-type': 'application/json' } : {},
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await res.body.text();
        if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode}`);
        try {
          return JSON.parse(text);
        } catch {
          throw new Error(`HTTP ${res.statusCode}: response is not JSON`);
        }
      } catch (err) {
        throw upstreamUnavailable(this.system.toUpperCase(), err);
      }
    });
  }

  async ping(path: string): Promise<void> {
    await this.get('health', path);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
