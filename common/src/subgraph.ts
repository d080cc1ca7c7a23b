// Builds a subgraph server from its schema.graphql and resolvers: one shape for all seven. A
// subgraph answers only requests signed by the gateway, and knows who the caller is from them.
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { parse } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createLegacySystem, policyFrom, type LegacySystem } from './legacy.js';
import { HttpRefusal, listen, type HostOptions, type ReadinessCheck, type RouteHandler, type RunningServer } from './http-host.js';
import { sha256Hex, verifySigned, type Verification } from './signing.js';
import { openReplayCache, type ReplayCache } from './replay-cache.js';
import { signingKeyFor } from './config.js';
import { ErrorCode } from './errors.js';
import type { Caller } from './caller.js';

export interface RequestContext {
  requestId: string;
  logger: Logger;
  /** Who the gateway says is asking; every request carries one. */
  caller: Caller;
}

/** What every subgraph server is built with: its name, config, metrics, logger and guarded legacy systems. */
export interface SubgraphKit {
  name: string;
  config: Config;
  metrics: Metrics;
  logger: Logger;
  batching: boolean;
  /** A guarded legacy system of this component (one circuit breaker per system and process). */
  legacy(system: string): LegacySystem;
  /** The nonces this subgraph has accepted (shared by its instances when SUBGRAPH_REPLAY_CACHE is Redis). */
  replay: ReplayCache;
  /** Checks a request's signature: made for this subgraph, this method and path, fresh, and not seen before. */
  verify(req: IncomingMessage, bodyHash: string): Promise<Verification>;
}

/** What a client is told when a signature is refused: never which check failed (that is logged). */
export const notSigned = () => new HttpRefusal(401, 'UNAUTHENTICATED', '子图只接受网关签名的请求', 'Subgraphs answer only requests signed by the gateway');

export function subgraphKit(name: string, config: Config): SubgraphKit {
  const metrics = createMetrics(name);
  const logger = createLogger(name);
  const systems = new Map<string, LegacySystem>();
  const replay = openReplayCache(config.SUBGRAPH_REPLAY_CACHE);
  return {
    name,
    config,
    metrics,
    logger,
    replay,
    verify: (req, bodyHash) =>
      verifySigned({
        key: signingKeyFor(config, name),
        target: { method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://localhost').pathname, subgraph: name },
        headers: req.headers,
        bodyHash,
        replay,
      }),
    batching: config.LOADER_BATCHING === 'on',
    legacy(system) {
      let s = systems.get(system);
      if (!s) systems.set(system, (s = createLegacySystem(system, metrics, policyFrom(config), logger)));
      return s;
    },
  };
}

export interface SubgraphDefinition<TContext extends RequestContext> {
  kit: SubgraphKit;
  schemaPath: URL;
  resolvers: unknown;
  createContext: (base: RequestContext, req: IncomingMessage) => TContext;
  readiness: Record<string, ReadinessCheck>;
  /** Plain HTTP endpoints beside /graphql; each checks the gateway's signature itself. */
  routes?: Record<string, RouteHandler>;
  /** Closes what the subgraph opened (database pools, pollers). */
  close: () => Promise<void>;
}

export interface Subgraph {
  name: string;
  start(port: number, host?: string): Promise<RunningServer>;
}

export function buildSubgraph<TContext extends RequestContext>(def: SubgraphDefinition<TContext>): Subgraph {
  const { kit } = def;
  const logger = kit.logger;
  const typeDefs = parse(readFileSync(def.schemaPath, 'utf8'));
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema({ typeDefs, resolvers: def.resolvers as any }),
    // Subgraphs sit behind the gateway; clients never see them, so keep errors terse and safe.
    includeStacktraceInErrorResponses: false,
    // Inline traces are for Apollo Studio, which this deployment does not report to.
    // No cache hints are set, and the cache-control plugin would wrap every field resolver to look for them.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled()],
    formatError: (formatted, error) => {
      const code = formatted.extensions?.code;
      if (code === ErrorCode.INTERNAL_SERVER_ERROR || code === undefined) {
        logger.error({ err: (error as { originalError?: unknown })?.originalError ?? error }, 'resolver failed');
        return { message: '内部错误 / Internal error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
      }
      return formatted;
    },
  });
  const host: HostOptions<TContext> = {
    name: kit.name,
    apollo,
    metrics: kit.metrics,
    logger,
    readiness: kit.replay.shared ? { ...def.readiness, 'replay-cache': () => kit.replay.check() } : def.readiness,
    routes: def.routes,
    authenticate: async (req, body) => {
      let verdict: Verification;
      try {
        verdict = await kit.verify(req, sha256Hex(body));
      } catch (err) {
        // The replay cache did not answer: refuse rather than accept what may be a replay.
        logger.error({ err: (err as Error)?.message }, 'replay cache unavailable; request refused');
        throw new HttpRefusal(503, 'UPSTREAM_UNAVAILABLE', '子图暂时无法核验请求，请稍后重试', 'The subgraph cannot check requests right now; try again shortly');
      }
      if (!verdict.ok) {
        logger.warn({ reason: verdict.reason, remote: req.socket.remoteAddress }, 'refused a request not signed by the gateway');
        throw notSigned();
      }
      return verdict.caller;
    },
    context: async (req, requestId, caller) => def.createContext({ requestId, logger: logger.child({ requestId }), caller: caller! }, req),
  };
  return {
    name: kit.name,
    async start(port, hostname) {
      const running = await listen(host, port, hostname);
      logger.info({ url: running.url }, 'subgraph listening');
      return {
        ...running,
        async close() {
          await running.close();
          await def.close();
          await kit.replay.close();
        },
      };
    },
  };
}
