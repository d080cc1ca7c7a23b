// Serves an Apollo Server over node:http together with the operational endpoints every component
// has: /healthz (alive), /readyz (dependencies reachable), /metrics (Prometheus).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Metrics } from './metrics.js';
import type { Logger } from './logger.js';
import type { Caller } from './caller.js';
import { runInScope } from './request-scope.js';

export type ReadinessCheck = () => Promise<void>;

/** A plain HTTP endpoint beside /graphql (uploads, the OData feed), for its path and below; it authenticates for itself. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void>;

/** Thrown by an authenticate hook: answered as plain HTTP, before any GraphQL runs. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly zh: string,
    readonly en: string,
    /** More for the client, beside the code (a limit and what was found). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${zh} / ${en}`);
  }
}

export interface HostOptions<TContext extends BaseContext> {
  name: string;
  apollo: ApolloServer<TContext>;
  context: (req: IncomingMessage, requestId: string, caller: Caller | null) => Promise<TContext>;
  /** Who is calling, from the request and its raw body; throws HttpRefusal to turn the caller away. */
  authenticate?: (req: IncomingMessage, body: string) => Promise<Caller | null>;
  metrics: Metrics;
  logger: Logger;
  /** Named dependency checks for /readyz; each throws when its dependency is unreachable. */
  readiness?: Record<string, ReadinessCheck>;
  maxBodyBytes?: number;
  /** Path → handler, e.g. `/uploads`. */
  routes?: Record<string, RouteHandler>;
  /** Looks at a GraphQL request (POST body, or GET parameters) before Apollo Server does; throws HttpRefusal to refuse it. */
  screen?: (request: { query?: unknown; extensions?: unknown }) => void;
  /**
   * Runs first, before authentication: may answer the request itself (returns true: CORS
   * preflights, the web pages) or only add headers to the answer to come (false).
   */
  before?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop keeping it, but let it drain so the 413 reaches the client instead of a reset.
        req.off('data', onData);
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The code of the first error in a GraphQL-shaped answer, for counting refusals. */
function firstCode(body: unknown): string {
  const code = (body as { errors?: { extensions?: { code?: unknown } }[] } | null)?.errors?.[0]?.extensions?.code;
  return typeof code === 'string' ? code.slice(0, 60) : 'NONE';
}

/** The component's metrics, for each response it is writing: every 4xx is counted however it is answered. */
const answering = new WeakMap<ServerResponse, Metrics>();

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (status >= 400 && status < 500) answering.get(res)?.refusals.inc({ status: String(status), code: firstCode(body) });
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function createHandler<TContext extends BaseContext>(opts: HostOptions<TContext>) {
  const limit = opts.maxBodyBytes ?? 1_000_000;
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // A request ID from outside is kept only when it looks like one (it goes into logs and headers).
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && /^[\w.:-]{1,80}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    answering.set(res, opts.metrics);
    try {
      if (opts.before?.(req, res)) return;
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok', component: opts.name });
      if (url.pathname === '/readyz') {
        const results: Record<string, string> = {};
        let ok = true;
        for (const [name, check] of Object.entries(opts.readiness ?? {})) {
          try {
            await check();
            results[name] = 'ok';
          } catch (err) {
            ok = false;
            results[name] = err instanceof Error ? err.message : String(err);
          }
        }
        return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', component: opts.name, checks: results });
      }
      if (url.pathname === '/metrics') {
        const text = await opts.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': opts.metrics.registry.contentType });
        return res.end(text);
      }
      // A route serves its path and what lies below it (/odata/Orders).
      const route = opts.routes?.[url.pathname] ?? Object.entries(opts.routes ?? {}).find(([path]) => url.pathname.startsWith(`${path}/`))?.[1];
      if (route) return await route(req, res, requestId);
      if (url.pathname !== '/graphql' && url.pathname !== '/') {
        return sendJson(res, 404, { error: 'not found', paths: ['/graphql', '/healthz', '/readyz', '/metrics', ...Object.keys(opts.routes ?? {})] });
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const text = req.method === 'POST' ? await readBody(req, limit) : '';
      // A browser asking for the landing page gets it; it holds no data.
      const landingPage = req.method === 'GET' && !url.search && String(req.headers.accept ?? '').includes('text/html');
      const caller = opts.authenticate && !landingPage ? await opts.authenticate(req, text) : null;
      let body: unknown = undefined;
      if (req.method === 'POST') {
        try {
          body = text.length ? JSON.parse(text) : {};
        } catch {
          return sendJson(res, 400, {
            errors: [{ message: '请求体不是合法的 JSON / Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
          });
        }
      }
      if (opts.screen) {
        if (req.method === 'POST' && body && typeof body === 'object' && !Array.isArray(body)) opts.screen(body as object);
        else if (req.method === 'GET' && url.searchParams.has('query')) {
          let extensions: unknown;
          try {
            extensions = JSON.parse(url.searchParams.get('extensions') ?? 'null') ?? undefined;
          } catch {
            // Apollo Server refuses it
          }
          opts.screen({ query: url.searchParams.get('query'), extensions });
        }
      }
      const logger = opts.logger.child({ requestId });
      const response = await runInScope({ requestId, logger, caller }, () =>
        opts.apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
          context: () => opts.context(req, requestId, caller),
        }),
      );
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (res.statusCode >= 400 && res.statusCode < 500 && response.body.kind === 'complete') {
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(response.body.string);
        } catch {
          // not JSON: counted without a code
        }
        opts.metrics.refusals.inc({ status: String(res.statusCode), code: firstCode(parsed) });
      }
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (err) {
      if (err instanceof HttpRefusal) {
        return sendJson(
          res,
          err.status,
          { errors: [{ message: err.message, extensions: { code: err.code, messageZh: err.zh, messageEn: err.en, ...err.details } }] },
          err.status === 401 ? { 'www-authenticate': 'Bearer' } : {},
        );
      }
      if (err instanceof BodyTooLarge) {
        return sendJson(
          res,
          413,
          { errors: [{ message: `请求体超过 ${limit} 字节 / Request body exceeds ${limit} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE', limit } }] },
          { connection: 'close' },
        );
      }
      opts.logger.error({ err, requestId }, 'unhandled error');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    }
  };
}

export async function listen<TContext extends BaseContext>(
  opts: HostOptions<TContext>,
  port: number,
  host = '127.0.0.1',
): Promise<RunningServer> {
  await opts.apollo.start();
  const handler = createHandler(opts);
  const server = createServer((req, res) => void handler(req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}/graphql`,
    port: actual,
    server,
    async close() {
      await opts.apollo.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
