// Real subscription clients for the live-order tests and the benchmark: graphql-ws over a WebSocket
// (the `ws` package) and graphql-sse over fetch, each collecting what it receives.
import WebSocket from 'ws';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';

export interface Received {
  results: any[];
  /** Resolves when the stream ends: completed, or with the error / close event that ended it. */
  ended: Promise<{ error?: any }>;
  /** Until `predicate(results)` holds (or throws after `ms`). */
  until(predicate: (results: any[]) => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function waitFor<T>(probe: () => Promise<T> | T, ms = 20_000, label = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function collector(subscribe: (sink: { next: (r: any) => void; error: (e: any) => void; complete: () => void }) => void, close: () => Promise<void>): Received {
  const results: any[] = [];
  const waiters = new Set<() => void>();
  let settled = false;
  const ended = new Promise<{ error?: any }>((resolve) => {
    subscribe({
      next: (r) => {
        results.push(r);
        for (const w of waiters) w();
      },
      error: (error) => {
        settled = true;
        resolve({ error });
        for (const w of waiters) w();
      },
      complete: () => {
        settled = true;
        resolve({});
        for (const w of waiters) w();
      },
    });
  });
  return {
    results,
    ended,
    until(predicate, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(results)) {
            cleanup();
            resolve();
          } else if (settled) {
            cleanup();
            reject(new Error(`stream ended before the condition held; got ${JSON.stringify(results).slice(0, 800)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out; got ${results.length} results: ${JSON.stringify(results).slice(-800)}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close,
  };
}

/** One graphql-ws connection (several subscriptions may share it). */
export function wsConnection(gatewayUrl: string, token: string | null) {
  const closes: { code: number; reason: string }[] = [];
  const client: WsClient = createWsClient({
    url: gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: { closed: (e: any) => void closes.push({ code: e?.code, reason: String(e?.reason ?? '') }) },
  });
  return {
    closes,
    subscribe(query: string, variables: Record<string, unknown> = {}): Received {
      let unsubscribe = () => {};
      return collector(
        (sink) => (unsubscribe = client.subscribe({ query, variables }, sink)),
        async () => unsubscribe(),
      );
    },
    dispose: () => client.dispose(),
  };
}

/** One subscription over SSE (distinct connections mode). */
export function sseSubscribe(gatewayUrl: string, token: string, query: string, variables: Record<string, unknown> = {}): Received {
  const client = createSseClient({ url: gatewayUrl, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0, singleConnection: false });
  let unsubscribe = () => {};
  return collector(
    (sink) => (unsubscribe = client.subscribe({ query, variables }, sink)),
    async () => {
      unsubscribe();
      client.dispose();
    },
  );
}

/** What `curl -N` sees: a raw SSE POST, its status, and the events as they come (until `stop`). */
export async function rawSse(gatewayUrl: string, token: string | null, body: unknown, stopAfter = (events: { event: string; data: string }[]) => events.some((e) => e.event === 'complete'), ms = 10_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const res = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const events: { event: string; data: string }[] = [];
  if (!String(res.headers.get('content-type')).startsWith('text/event-stream')) {
    clearTimeout(timer);
    return { status: res.status, json: await res.json(), events };
  }
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let i: number;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        if (event) events.push({ event, data: (/^data: ?(.*)$/m.exec(block)?.[1] ?? '').trim() });
      }
      if (stopAfter(events)) break;
    }
  } catch {
    // aborted
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: res.status, json: null, events };
}
