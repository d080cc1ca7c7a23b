// Subgraph fetches over pooled keep-alive connections (undici Agent), instead of a fresh
// connection per request.
import { Agent, fetch as undiciFetch } from 'undici';
import type { Fetcher } from '@apollo/utils.fetcher';

export interface PooledFetcher {
  fetcher: Fetcher;
  close(): Promise<void>;
}

export function createPooledFetcher(connectionsPerOrigin: number): PooledFetcher {
  const agent = new Agent({ connections: connectionsPerOrigin, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, pipelining: 1 });
  const fetcher = ((url: string, init?: Record<string, unknown>) => undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as Fetcher;
  return { fetcher, close: () => agent.close() };
}
