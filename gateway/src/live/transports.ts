// Subscriptions on /graphql over both protocols: graphql-ws (WebSocket upgrade) and graphql-sse
// (HTTP Server-Sent Events, "distinct connections" mode: one POST with Accept: text/event-stream per
// subscription). Both libraries do the protocol; this file does what the gateway adds: the token
// checked at connection (connection_init's `authorization`, or the header), the stream closed with
// a reason when it expires, limits per connection and per token, heartbeats, and slow consumers
// cut off. What a subscription may ask and how its events are delivered is the same for both
// (operations.ts, stream.ts).
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { createHandler as createSseHandler } from 'graphql-sse';
import { GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Caller } from '../../../common/src/caller.js';
import { HttpRefusal } from '../../../common/src/http-host.js';
import type { Logger } from '../../../common/src/logger.js';
import { traceEvents } from '../../../common/src/event-trace.js';
import type { Metrics } from '../../../common/src/metrics.js';
import type { Authenticator } from '../auth.js';
import type { LiveOperation, SubscribeRequest } from './operations.js';
import { liveStream, type StreamDeps } from './stream.js';

export interface LiveLimits {
  perConnection: number;
  perToken: number;
  heartbeatMs: number;
  /** Bytes a subscriber's socket or response may hold unsent before it counts as too slow. */
  maxBufferBytes: number;
  maxBodyBytes: number;
}

export interface LiveTransportOptions {
  schema: GraphQLSchema;
  authenticate: Authenticator;
  prepare: (request: SubscribeRequest, caller: Caller) => LiveOperation;
  stream: Omit<StreamDeps, 'onDelivered'>;
  limits: LiveLimits;
  metrics: Metrics;
  logger: Logger;
}

/** What a stream is run with: set by onSubscribe, read by subscribe. */
interface Subscription extends Record<PropertyKey, unknown> {
  op: LiveOperation;
  caller: Caller;
  requestId: string;
  congested: () => boolean;
  release: () => void;
}

/** The refusal as a GraphQL error (a GraphQLError already is one; an HttpRefusal becomes one). */
function asGraphQLError(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
  if (err instanceof HttpRefusal) return new GraphQLError(err.message, { extensions: { code: err.code, messageZh: err.zh, messageEn: err.en, http: { status: err.status }, ...err.details } });
  throw err;
}

/** A WebSocket close reason is at most 123 bytes: the code and the English, cut. */
const closeReason = (code: string, en: string) => Buffer.from(`${code}: ${en}`).subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '');

export function liveTransports(options: LiveTransportOptions) {
  const { limits, logger } = options;
  const open = new Gauge({ name: 'gateway_subscriptions_open', help: 'Subscriptions open now, by protocol', labelNames: ['protocol'], registers: [options.metrics.registry] });
  const refused = new Counter({
    name: 'gateway_subscriptions_refused_total',
    help: 'Subscriptions refused or ended by the gateway, by code',
    labelNames: ['protocol', 'code'],
    registers: [options.metrics.registry],
  });
  const delay = new Histogram({
    name: 'gateway_live_event_delay_seconds',
    help: 'From the hub recording an order event to the gateway handing it to a subscriber',
    labelNames: ['protocol'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [options.metrics.registry],
  });
  const perToken = new Map<string, number>();
  const tokenKey = (authorization: string) => createHash('sha256').update(authorization).digest('hex').slice(0, 32);

  /** Counts a subscription against its connection and its token; throws the refusal when over a limit. */
  function admit(protocol: string, key: string, connection: { count: number } | null): () => void {
    if (connection && connection.count >= limits.perConnection) {
      refused.inc({ protocol, code: 'TOO_MANY_SUBSCRIPTIONS' });
      throw new GraphQLError(`每个连接最多 ${limits.perConnection} 个订阅 / At most ${limits.perConnection} subscriptions per connection`, {
        extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', messageZh: `每个连接最多 ${limits.perConnection} 个订阅`, messageEn: `At most ${limits.perConnection} subscriptions per connection`, limit: limits.perConnection, http: { status: 429 } },
      });
    }
    if ((perToken.get(key) ?? 0) >= limits.perToken) {
      refused.inc({ protocol, code: 'TOO_MANY_SUBSCRIPTIONS' });
      throw new GraphQLError(`每个令牌最多 ${limits.perToken} 个订阅 / At most ${limits.perToken} subscriptions per token`, {
        extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', messageZh: `每个令牌最多 ${limits.perToken} 个订阅`, messageEn: `At most ${limits.perToken} subscriptions per token`, limit: limits.perToken, http: { status: 429 } },
      });
    }
    perToken.set(key, (perToken.get(key) ?? 0) + 1);
    if (connection) connection.count += 1;
    open.inc({ protocol });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (perToken.get(key) ?? 1) - 1;
      if (n > 0) perToken.set(key, n);
      else perToken.delete(key);
      if (connection) connection.count -= 1;
      open.dec({ protocol });
    };
  }

  const streamFor = (protocol: string, s: Subscription) =>
    liveStream(
      {
        ...options.stream,
        onDelivered: (e, resolvedAt) => {
          delay.observe({ protocol }, Math.max(0, Date.now() - e.recordedUs / 1000) / 1000);
          traceEvents('resolved', [e.position], protocol, resolvedAt);
          traceEvents('sent', [e.position], protocol);
        },
      },
      s.op,
      {
        caller: s.caller,
        requestId: s.requestId,
        congested: s.congested,
      },
    );

  // ---- graphql-ws ------------------------------------------------------------------------------

  interface Connection {
    caller: Caller;
    key: string;
    count: number;
    expiry: NodeJS.Timeout | null;
    subscriptions: Map<string, Subscription>;
  }
  const connections = new WeakMap<WebSocket, Connection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxBodyBytes });
  const wsServer = useServer<Record<string, unknown> | undefined, { socket: WebSocket }>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const given = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const authorization = typeof given === 'string' ? given : ctx.extra.request.headers.authorization;
        try {
          const caller = await options.authenticate(authorization);
          const connection: Connection = { caller, key: tokenKey(authorization ?? ''), count: 0, expiry: null, subscriptions: new Map() };
          if (caller.expiresAt != null) {
            // The token is re-checked when it expires: the connection ends then, with the reason.
            connection.expiry = setTimeout(() => {
              refused.inc({ protocol: 'ws', code: 'TOKEN_EXPIRED' });
              socket.close(4401, closeReason('TOKEN_EXPIRED', 'token expired, sign in again'));
            }, Math.max(0, Math.min(caller.expiresAt - Date.now(), 2 ** 31 - 1)));
            connection.expiry.unref();
          }
          connections.set(socket, connection);
          return { role: caller.role };
        } catch (err) {
          const refusal = err instanceof HttpRefusal ? err : null;
          if (!refusal) throw err;
          refused.inc({ protocol: 'ws', code: refusal.code });
          socket.close(4401, closeReason(refusal.code, refusal.en));
          return false;
        }
      },
      onSubscribe: (ctx, id, payload) => {
        const connection = connections.get(ctx.extra.socket)!;
        const socket = ctx.extra.socket;
        try {
          const op = options.prepare(payload, connection.caller);
          const release = admit('ws', connection.key, connection);
          const s: Subscription = { op, caller: connection.caller, requestId: `ws-${randomUUID()}`, congested: () => socket.bufferedAmount > limits.maxBufferBytes, release };
          connection.subscriptions.set(id, s);
          return { schema: options.schema, document: op.document, operationName: op.operationName, variableValues: op.variables, contextValue: s } as ExecutionArgs;
        } catch (err) {
          const e = asGraphQLError(err);
          refused.inc({ protocol: 'ws', code: String(e.extensions.code ?? 'ERROR') });
          return [e];
        }
      },
      subscribe: (args) => streamFor('ws', args.contextValue as Subscription) as any,
      execute: () => ({ errors: [new GraphQLError('此连接只用于订阅 / This connection carries subscriptions only')] }),
      onNext: (ctx, _id, _payload, _args, result) => {
        // A subscriber whose socket holds too much unsent is cut off rather than slowing the rest.
        if (ctx.extra.socket.bufferedAmount > limits.maxBufferBytes) {
          refused.inc({ protocol: 'ws', code: 'SLOW_CONSUMER' });
          ctx.extra.socket.close(4429, closeReason('SLOW_CONSUMER', 'subscriber too slow; resubscribe with after'));
        }
        return result as any;
      },
      onComplete: (ctx, id) => {
        const connection = connections.get(ctx.extra.socket);
        connection?.subscriptions.get(id)?.release();
        connection?.subscriptions.delete(id);
      },
      onClose: (ctx) => {
        const connection = connections.get(ctx.extra.socket);
        if (!connection) return;
        if (connection.expiry) clearTimeout(connection.expiry);
        for (const s of connection.subscriptions.values()) s.release();
        connection.subscriptions.clear();
      },
    },
    wss,
    limits.heartbeatMs,
  );

  function upgrade(req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  }

  // ---- graphql-sse -----------------------------------------------------------------------------

  const sse = createSseHandler<IncomingMessage, { res: ServerResponse; caller?: Caller; authorization?: string }, Subscription>({
    schema: options.schema,
    // Distinct connections only: each subscription is its own request, authenticated by its own header.
    authenticate: (req) => (req.headers.get('x-graphql-event-stream-token') || new URL(req.url, 'http://localhost').searchParams.has('token') ? [
      JSON.stringify({ errors: [{ message: '只支持独立连接模式：每个订阅一个 POST 请求（Accept: text/event-stream） / Only distinct connections mode: one POST with Accept: text/event-stream per subscription', extensions: { code: 'BAD_REQUEST' } }] }),
      { status: 400, statusText: 'Bad Request', headers: { 'content-type': 'application/json; charset=utf-8' } },
    ] : null),
    onSubscribe: async (req, params) => {
      const res = req.context.res;
      const fail = (e: GraphQLError) => {
        refused.inc({ protocol: 'sse', code: String(e.extensions.code ?? 'ERROR') });
        const status = (e.extensions.http as { status?: number } | undefined)?.status ?? 400;
        const { http: _http, ...extensions } = e.extensions;
        return [
          JSON.stringify({ errors: [{ message: e.message, extensions }] }),
          { status, statusText: status === 401 ? 'Unauthorized' : status === 429 ? 'Too Many Requests' : status === 403 ? 'Forbidden' : 'Bad Request', headers: { 'content-type': 'application/json; charset=utf-8', ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) } },
        ] as const;
      };
      try {
        const authorization = req.raw.headers.authorization;
        const caller = await options.authenticate(authorization);
        const op = options.prepare(params as SubscribeRequest, caller);
        const release = admit('sse', tokenKey(authorization ?? ''), null);
        res.once('close', release);
        const contextValue: Subscription = { op, caller, requestId: `sse-${randomUUID()}`, congested: () => res.writableLength > limits.maxBufferBytes, release };
        return { schema: options.schema, document: op.document, operationName: op.operationName, variableValues: op.variables, contextValue };
      } catch (err) {
        return fail(asGraphQLError(err));
      }
    },
    subscribe: (args) => streamFor('sse', args.contextValue as Subscription) as any,
    execute: () => ({ errors: [new GraphQLError('此连接只用于订阅 / This connection carries subscriptions only')] }),
  });

  /** Is this request for the SSE transport? (POST /graphql asking for text/event-stream, or the protocol's other verbs.) */
  const wantsSse = (req: IncomingMessage) =>
    new URL(req.url ?? '/', 'http://localhost').pathname === '/graphql' &&
    (String(req.headers.accept ?? '') === 'text/event-stream' || req.method === 'PUT' || req.method === 'DELETE' || req.headers['x-graphql-event-stream-token'] !== undefined);

  /** Serves an SSE request (the body read within the request size limit), like graphql-sse's own http adapter. */
  async function serveSse(req: IncomingMessage, res: ServerResponse) {
    const body = await new Promise<string | null>((resolve, reject) => {
      let size = 0;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limits.maxBodyBytes) {
          resolve(null);
          req.resume();
        } else chunks.push(c);
      });
      req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.once('error', reject);
    });
    if (body === null) {
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ errors: [{ message: '请求体过大 / Request body too large', extensions: { code: 'PAYLOAD_TOO_LARGE', limit: limits.maxBodyBytes } }] }));
      return;
    }
    const [out, init] = await sse({
      method: req.method!,
      url: req.url!,
      headers: { get: (key: string) => (Array.isArray(req.headers[key]) ? (req.headers[key] as string[]).join('\n') : (req.headers[key] as string | undefined)) },
      body,
      raw: req,
      context: { res },
    });
    res.writeHead(init.status, init.statusText, init.headers);
    if (!out || typeof out === 'string') {
      res.end(out);
      return;
    }
    res.once('close', () => void out.return(undefined));
    for await (const chunk of out) {
      if (!res.writable) break;
      if (res.writableLength > limits.maxBufferBytes) {
        // Too slow to take what is sent: cut off, with the reason, rather than buffered for ever.
        refused.inc({ protocol: 'sse', code: 'SLOW_CONSUMER' });
        res.end(`event: next\ndata: ${JSON.stringify({ errors: [{ message: 'SLOW_CONSUMER', extensions: { code: 'SLOW_CONSUMER' } }] })}\n\nevent: complete\ndata:\n\n`);
        await out.return(undefined);
        return;
      }
      res.write(chunk);
    }
    res.end();
  }

  return {
    attach(server: Server) {
      server.on('upgrade', upgrade);
    },
    /** For the HTTP host's `before` hook: true when the request was an SSE subscription (now being served). */
    sse(req: IncomingMessage, res: ServerResponse): boolean {
      if (!wantsSse(req)) return false;
      serveSse(req, res).catch((err) => {
        logger.warn({ err: (err as Error)?.message }, 'SSE subscription failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end();
      });
      return true;
    },
    get open() {
      return [...perToken.values()].reduce((a, b) => a + b, 0);
    },
    async close() {
      for (const ws of wss.clients) ws.close(1001, 'gateway shutting down');
      await wsServer.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
