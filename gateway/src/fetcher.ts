// Subgraph fetches over pooled keep-alive connections (undici Agent), each signed for the subgraph
// (HMAC over the exact body bytes, a timestamp and the caller) and bounded by a timeout.
import { Agent, fetch as undiciFetch } from 'undici';
import type { Fetcher } from '@apollo/utils.fetcher';
import { CALLER_HEADER, signRequest } from '../../common/src/signing.js';

/** Set by the gateway for an operation that may be slow; read and removed here. */
export const TIMEOUT_HEADER = 'x-hub-timeout-ms';

export interface PooledFetcher {
  fetcher: Fetcher;
  close(): Promise<void>;
}

export function createPooledFetcher(options: { connectionsPerOrigin: number; signingSecret: string; timeoutMs: number; slowTimeoutMs: number }): PooledFetcher {
  const agent = new Agent({ connections: options.connectionsPerOrigin, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, pipelining: 1 });
  const fetcher = ((url: string, init: { headers?: Record<string, string>; body?: string } & Record<string, unknown> = {}) => {
    const headers = { ...(init.headers ?? {}) };
    const timeoutMs = headers[TIMEOUT_HEADER] === 'slow' ? options.slowTimeoutMs : options.timeoutMs;
    delete headers[TIMEOUT_HEADER];
    const body = typeof init.body === 'string' ? init.body : '';
    Object.assign(headers, signRequest(options.signingSecret, headers[CALLER_HEADER] ?? '', body));
    return undiciFetch(url, { ...init, headers, body, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) } as any);
  }) as unknown as Fetcher;
  return { fetcher, close: () => agent.close() };
}
