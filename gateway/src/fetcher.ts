// Subgraph fetches over pooled keep-alive connections (undici Agent), each signed for the subgraph
// (HMAC over method, path, target, a timestamp, a one-time nonce, the caller and the exact body
// bytes) and bounded by a timeout.
// undici's request() rather than its fetch(): the WHATWG streams behind fetch cost more CPU than
// the subgraph call itself on small answers (bench/results/gateways.md). Identical reads in flight
// at once — the same subgraph, caller and body — share one request: a page many people open
// together costs the legacy systems once.
import { Agent, request } from 'undici';
import type { Fetcher } from '@apollo/utils.fetcher';
import { CALLER_HEADER } from '../../common/src/signing.js';
import { abortAfter } from '../../common/src/resilience.js';

/** Set by the gateway for an operation that may be slow; read and removed here. */
export const TIMEOUT_HEADER = 'x-hub-timeout-ms';
/** Set by the gateway to the target subgraph's name, which the signature binds; read and removed here. */
export const SUBGRAPH_HEADER = 'x-hub-subgraph';

export interface PooledFetcher {
  fetcher: Fetcher;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** What RemoteGraphQLDataSource reads of a fetch Response, over an answer already read. */
function asResponse(url: string, answer: Answer) {
  const header = (name: string) => {
    const v = answer.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : (v ?? null);
  };
  return {
    url,
    ok: answer.status >= 200 && answer.status < 300,
    status: answer.status,
    statusText: '',
    headers: { get: header, has: (name: string) => header(name) != null },
    json: async () => JSON.parse(answer.text),
    text: async () => answer.text,
  };
}

/** A pooled connection lost under a request (its subgraph replica stopped or restarted). */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** A read the gateway may share: a query, never a mutation (whose every call must reach the subgraph). */
const isRead = (body: string) => /^\{"query":"(query\b|\{)/.test(body);

export function createPooledFetcher(options: {
  connectionsPerOrigin: number;
  /** Signature headers for one request (common/src/signing.ts), made per request: each has its own nonce. */
  sign: (subgraph: string, url: string, callerHeader: string, body: string) => Record<string, string>;
  timeoutMs: number;
  slowTimeoutMs: number;
  /** Told of each subgraph request answered by an identical one already in flight. */
  onShared?: () => void;
}): PooledFetcher {
  const agent = new Agent({ connections: options.connectionsPerOrigin, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, pipelining: 1 });
  const inFlight = new Map<string, Promise<Answer>>();

  const once = (url: string, subgraph: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Answer> => {
    // Signed per attempt: each has its own nonce.
    const signed = { ...headers, ...options.sign(subgraph, url, headers[CALLER_HEADER] ?? '', body) };
    const deadline = abortAfter(timeoutMs, 'subgraph request');
    return request(url, { method: 'POST', headers: signed, body, dispatcher: agent, signal: deadline.signal })
      .then(async (res) => ({ status: res.statusCode, headers: res.headers, text: await res.body.text() }))
      .finally(deadline.clear);
  };

  // A subgraph run as several replicas under one name (order-link in docker-compose.yml) is reached
  // through whichever address a new connection resolves to. When a replica goes away, requests on
  // its pooled connections fail at the connection: a read is sent once more on a new connection
  // (resolved again, so to a replica that is there); a mutation only when it never reached the
  // subgraph (the connection was refused), never twice.
  const send = (url: string, subgraph: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Answer> =>
    once(url, subgraph, headers, body, timeoutMs).catch((err) => {
      const code = (err as { code?: string })?.code ?? '';
      const refused = code === 'ECONNREFUSED';
      const dropped = CONNECTION_LOST.has(code);
      if (refused || (dropped && isRead(body))) return once(url, subgraph, headers, body, timeoutMs);
      throw err;
    });

  const fetcher = (async (url: string, init: { headers?: Record<string, string>; body?: string } = {}) => {
    const headers = { ...(init.headers ?? {}) };
    const timeoutMs = headers[TIMEOUT_HEADER] === 'slow' ? options.slowTimeoutMs : options.timeoutMs;
    delete headers[TIMEOUT_HEADER];
    const subgraph = headers[SUBGRAPH_HEADER] ?? '';
    delete headers[SUBGRAPH_HEADER];
    const body = typeof init.body === 'string' ? init.body : '';
    if (!isRead(body)) return asResponse(url, await send(url, subgraph, headers, body, timeoutMs));
    // Shared only with the same caller: what a subgraph answers depends on who asks.
    const key = `${url}\n${headers[CALLER_HEADER] ?? ''}\n${body}`;
    let answer = inFlight.get(key);
    if (answer) options.onShared?.();
    else {
      answer = send(url, subgraph, headers, body, timeoutMs).finally(() => inFlight.delete(key));
      inFlight.set(key, answer);
    }
    return asResponse(url, await answer);
  }) as unknown as Fetcher;
  return { fetcher, close: () => agent.close() };
}
