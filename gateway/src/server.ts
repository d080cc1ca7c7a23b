// Builds the gateway: Apollo Gateway over the composed supergraph, behind JWT authentication,
// request limits and the access policy, served with /healthz, /readyz and /metrics; index.ts runs it.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';

import type { GraphQLError } from 'graphql';
import { Counter, Histogram } from 'prom-client';
import { request } from 'undici';
import { signingKeyFor, type Config } from '../../common/src/config.js';
import { encodeCaller, type Caller } from '../../common/src/caller.js';
import { CALLER_HEADER, signRequest } from '../../common/src/signing.js';
import { appError, ErrorCode } from '../../common/src/errors.js';
import { createLogger } from '../../common/src/logger.js';
import { createMetrics } from '../../common/src/metrics.js';
import { listen, type RunningServer } from '../../common/src/http-host.js';
import { loadSupergraph } from '../../common/src/composition.js';
import { authSettings } from '../../common/src/tokens.js';
import { createPooledFetcher, SUBGRAPH_HEADER, TIMEOUT_HEADER } from './fetcher.js';
import { createAuthenticator } from './auth.js';
import { asksForSlow, checkAccess, readPolicy } from './policy.js';
import { checkCost, estimateCost, limitsFrom, refuse } from './limits.js';
import { requestScreen } from './guard.js';
import { Supergraph } from '@apollo/federation-internals';
import { uploadRoute } from './uploads.js';
import { checkIntrospection } from './introspection.js';
import { createRevocationList } from './revocation.js';
import { pipelineExecutor } from './execute.js';
import { odataRoute } from './odata/route.js';
import { readModel } from './odata/model.js';
import type { Authenticator } from './auth.js';
import { trustedDocumentsPlugin, trustMode } from './trusted-documents.js';
import { readManifests } from '../../common/src/persisted-documents.js';
import { corsHandler, corsOrigins } from './cors.js';
import { webPages } from './web.js';
import { openEventBus, type OrderEventEnvelope } from '../../common/src/event-bus.js';
import { LiveFeed } from './live/feed.js';
import { eventResolver } from './live/resolve.js';
import { liveOperations } from './live/operations.js';
import { liveTransports } from './live/transports.js';

/** The client name of the gateway's own requests to itself (revocations, the live log). */
const GATEWAY_CLIENT = 'gateway';

export interface GatewayContext {
  requestId: string;
  caller: Caller;
}

export interface GatewayOptions {
  /** Subgraph name → URL, overriding rover-config's routing_url (tests bind to free ports). */
  subgraphUrls?: Record<string, string>;
  roverConfigPath?: string;
}

const ENV_URL: Record<string, keyof Config> = {
  erp: 'ERP_SUBGRAPH_URL',
  wms: 'WMS_SUBGRAPH_URL',
  tms: 'TMS_SUBGRAPH_URL',
  crm: 'CRM_SUBGRAPH_URL',
  'order-link': 'ORDER_LINK_SUBGRAPH_URL',
  fulfilment: 'FULFILMENT_SUBGRAPH_URL',
  intake: 'INTAKE_SUBGRAPH_URL',
};

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<RunningServer> {
  const logger = createLogger('gateway');
  const metrics = createMetrics('gateway');
  const requests = new Counter({
    name: 'gateway_requests_total',
    help: 'GraphQL requests served by the gateway, by outcome (ok, or the first error code)',
    labelNames: ['outcome'],
    registers: [metrics.registry],
  });
  const subgraphFetches = new Histogram({
    name: 'gateway_subgraph_fetch_seconds',
    help: 'Latency of fetches from the gateway to subgraphs',
    labelNames: ['subgraph', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics.registry],
  });
  const sharedFetches = new Counter({
    name: 'gateway_subgraph_fetches_shared_total',
    help: 'Subgraph reads answered by an identical read already in flight (same subgraph, caller and body)',
    registers: [metrics.registry],
  });
  const supergraphSdl = loadSupergraph(config, options.roverConfigPath);
  const policy = readPolicy(supergraphSdl);
  const limits = limitsFrom(config);
  const verify = createAuthenticator(authSettings(config));
  // Every request, whatever its door, is refused when its token has been revoked (revocation.ts).
  const authenticate: Authenticator = async (authorization) => {
    const caller = await verify(authorization);
    revocations.check(caller);
    return caller;
  };
  const byClient = new Counter({
    name: 'gateway_client_requests_total',
    help: 'GraphQL operations by client (a token\'s client_id, else "none") and role',
    labelNames: ['client', 'role'],
    registers: [metrics.registry],
  });
  const pooled = createPooledFetcher({
    connectionsPerOrigin: config.GATEWAY_SUBGRAPH_CONNECTIONS,
    sign: (subgraph, url, caller, body) => signRequest(signingKeyFor(config, subgraph), { method: 'POST', path: new URL(url).pathname, subgraph }, caller, body),
    timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    slowTimeoutMs: config.SUBGRAPH_SLOW_TIMEOUT_MS,
    onShared: () => sharedFetches.inc(),
  });
  const subgraphUrls = new Map<string, string>();
  const development = config.NODE_ENV !== 'production';
  const trusted = { mode: trustMode(config), documents: readManifests(config.TRUSTED_DOCUMENTS_MANIFESTS) };
  const allowCors = corsHandler(corsOrigins(config));
  const pages = webPages({ explorer: development });

  class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
    constructor(
      readonly name: string,
      url: string,
    ) {
      super({ url, fetcher: pooled.fetcher });
    }

    override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
      const { request, context } = options;
      // The request ID travels gateway → subgraph → legacy call; the caller goes signed (fetcher.ts).
      if (context?.requestId) request.http?.headers.set('x-request-id', context.requestId);
      if (context?.caller) request.http?.headers.set(CALLER_HEADER, encodeCaller(context.caller));
      request.http?.headers.set(SUBGRAPH_HEADER, this.name);
      if ('incomingRequestContext' in options && asksForSlow(policy, options.incomingRequestContext.operation)) request.http?.headers.set(TIMEOUT_HEADER, 'slow');
    }

    override async process(args: GraphQLDataSourceProcessOptions<GatewayContext>) {
      const stop = subgraphFetches.startTimer({ subgraph: this.name });
      try {
        const result = await super.process(args);
        stop({ outcome: 'ok' });
        return result;
      } catch (err) {
        stop({ outcome: 'error' });
        logger.warn({ subgraph: this.name, requestId: args.context?.requestId, err: (err as Error)?.message }, 'subgraph fetch failed');
        // A subgraph that is down, slow or refusing: its part of the answer is missing, the rest stands.
        throw appError(
          ErrorCode.UPSTREAM_UNAVAILABLE,
          { zh: `${this.name} 子图暂时不可用`, en: `The ${this.name} subgraph is unavailable right now` },
          { subgraph: this.name, system: this.name.toUpperCase(), reason: /abort|timeout|no answer within/i.test(`${(err as Error)?.name} ${(err as Error)?.message}`) ? 'TIMEOUT' : 'ERROR' },
        );
      }
    }
  }

  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls?.[name] ?? (config[ENV_URL[name]] as string | undefined) ?? url!;
      subgraphUrls.set(name, target);
      return new SubgraphSource(name, target);
    },
  });

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // Who may introspect is decided per caller (introspection.ts): BI service accounts always.
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // Behind the host's screen (guard.ts), the parser's own limit still holds.
    parseOptions: { maxTokens: limits.maxTokens },
    formatError: (formatted, error) => {
      const code = formatted.extensions?.code;
      // An error Apollo gives no code but a 4xx status is the client's mistake, not ours.
      const status = (error as GraphQLError)?.extensions?.http as { status?: number } | undefined;
      if (!(error as GraphQLError)?.extensions?.code && status?.status && status.status < 500) {
        return { ...formatted, extensions: { code: 'BAD_REQUEST' } };
      }
      if (code === ErrorCode.INTERNAL_SERVER_ERROR || code === undefined) {
        logger.error({ err: (error as { originalError?: unknown })?.originalError ?? error }, 'gateway error');
        return { ...formatted, message: '内部错误 / Internal error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
      }
      return formatted;
    },
    plugins: [
      // First: an unregistered operation is refused as such before anything else judges it.
      trustedDocumentsPlugin(trusted),
      // Apollo's landing page loads its sandbox from a CDN; a browser gets web/'s home page instead (web.ts).
      ApolloServerPluginLandingPageDisabled(),
      // The subgraphs set no cache hints; without the plugin no subgraph answer's header is parsed for them.
      ApolloServerPluginCacheControlDisabled(),
      {
        async requestDidStart({ contextValue }) {
          const started = Date.now();
          return {
            async didResolveOperation({ document, operation, schema, request }) {
              // The query planner would answer these with HTTP 500; they are the client's mistakes.
              if (!operation) {
                throw refuse(
                  'BAD_REQUEST',
                  request.operationName ? `文档中没有名为「${request.operationName}」的操作` : '文档含多个操作时必须给出 operationName',
                  request.operationName ? `The document has no operation named "${request.operationName}"` : 'A document with several operations needs an operationName',
                );
              }
              const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
              if (!root) throw refuse('GRAPHQL_VALIDATION_FAILED', `本图不支持 ${operation.operation} 操作`, `This graph has no ${operation.operation} operations`);
              if (operation.operation === 'subscription') {
                throw refuse(
                  'BAD_REQUEST',
                  '订阅请通过 WebSocket（graphql-ws）或 SSE（POST 且 Accept: text/event-stream）连接 /graphql',
                  'Subscribe over WebSocket (graphql-ws) or SSE (POST with Accept: text/event-stream) to /graphql',
                );
              }
              // Before any subgraph is asked: what it may cost, and whether this caller may ask it.
              checkIntrospection(document, contextValue.caller, config.NODE_ENV === 'production');
              checkCost(estimateCost(schema, document, operation, request.variables ?? {}), limits);
              checkAccess(policy, schema, document, contextValue.caller, { personalData: config.BI_PERSONAL_DATA === 'on' });
            },
            async willSendResponse({ response, operationName }) {
              const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
              const outcome = errors?.length ? String(errors[0].extensions?.code ?? 'ERROR') : 'ok';
              requests.inc({ outcome });
              const caller = contextValue.caller;
              byClient.inc({ client: caller?.client ?? 'none', role: caller?.role ?? 'none' });
              const entry = { requestId: contextValue.requestId, role: caller?.role, client: caller?.client ?? null, subject: caller?.subject, operationName, ms: Date.now() - started, outcome };
              if (errors?.length) logger.warn(entry, 'request answered with errors');
              // A service account's every request is on record, by name; not the gateway's own polls
              // (revocations, the live log), which would fill the log every few seconds.
              else if (caller?.client && caller.client !== GATEWAY_CLIENT) logger.info(entry, 'request');
              else logger.debug(entry, 'request');
            },
          };
        },
      },
    ],
  });

  const execute = pipelineExecutor(apollo, logger);
  const gatewayCaller = { subject: 'gateway', role: 'admin' as const, customerCode: null, client: GATEWAY_CLIENT };
  const revocations = createRevocationList({
    read: async () => {
      const r = await execute<{ revokedTokens: { jti: string }[] }>({ query: '{ revokedTokens { jti } }' }, gatewayCaller, `revocations-${Date.now()}`);
      if (!r.data?.revokedTokens) throw new Error(r.errors?.[0]?.message ?? 'no answer');
      return r.data.revokedTokens.map((t) => t.jti);
    },
    pollMs: config.TOKEN_REVOCATION_POLL_MS,
    maxStaleMs: config.TOKEN_REVOCATION_MAX_STALE_MS,
    logger,
    metrics,
  });

  // Live orders (docs/live-events.md): one reader of the event stream per instance, fanned out to
  // this instance's subscriptions over graphql-ws and graphql-sse.
  const apiSchema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  const eventBus = await openEventBus(config, logger.child({ part: 'live' }));
  const feed = new LiveFeed(
    eventBus,
    async (after, first) => {
      const r = await execute<{ orderEventLog: { events: any[]; logEnd: string } }>(
        {
          query: 'query LiveLog($after: String, $first: Int) { orderEventLog(after: $after, first: $first) { events { id orderId sequence type source at recordedAt customerCode storeCode region } logEnd } }',
          variables: { after: String(after), first },
        },
        gatewayCaller,
        `live-log-${Date.now()}`,
      );
      if (!r.data?.orderEventLog) throw new Error(r.errors?.[0]?.message ?? 'no answer');
      const events = r.data.orderEventLog.events.map(
        (e): OrderEventEnvelope => ({
          position: Number(e.id),
          orderId: e.orderId,
          seq: e.sequence,
          type: e.type,
          system: e.source,
          at: e.at ? Date.parse(e.at) : null,
          customerCode: e.customerCode,
          storeCode: e.storeCode,
          region: e.region,
          recordedUs: Date.parse(e.recordedAt) * 1000,
        }),
      );
      return { events, logEnd: Number(r.data.orderEventLog.logEnd) };
    },
    logger.child({ part: 'live' }),
    config.EVENTS_LOG_CHECK_MS,
  );
  const passedOn = new Counter({
    name: 'gateway_live_events_total',
    help: 'Order events this gateway passed on to its subscriptions, by where they came from: the bus, or the hub\'s log making up for what the bus lost',
    labelNames: ['source'],
    registers: [metrics.registry],
  });
  feed.onDelivered = (_event, source) => passedOn.inc({ source });
  const live = liveTransports({
    schema: apiSchema,
    authenticate,
    prepare: liveOperations({
      schema: apiSchema,
      policy,
      limits,
      trusted,
      production: config.NODE_ENV === 'production',
      personalData: config.BI_PERSONAL_DATA === 'on',
    }).prepare,
    stream: { feed, execute, resolveEvents: eventResolver(execute), maxPending: config.EVENTS_MAX_PENDING, checkToken: (caller) => revocations.check(caller) },
    limits: {
      perConnection: config.EVENTS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      perToken: config.EVENTS_MAX_SUBSCRIPTIONS_PER_TOKEN,
      heartbeatMs: config.EVENTS_HEARTBEAT_MS,
      maxBufferBytes: config.EVENTS_MAX_BUFFER_BYTES,
      maxBodyBytes: config.MAX_REQUEST_BYTES,
    },
    metrics,
    logger: logger.child({ part: 'live' }),
  });

  const running = await listen(
    {
      name: 'gateway',
      apollo,
      metrics,
      logger,
      maxBodyBytes: config.MAX_REQUEST_BYTES,
      screen: requestScreen(apiSchema, limits, (outcome) => requests.inc({ outcome })),
      // Before authentication: preflights carry no token, the pages are public files, and an SSE
      // subscription authenticates itself (live/transports.ts).
      before: (req, res) => allowCors(req, res) || pages(req, res) || live.sse(req, res),
      authenticate: (req) => authenticate(req.headers.authorization),
      routes: {
        '/uploads': uploadRoute({
          authenticate,
          roles: () => policy.rootRoles.get('Mutation.startRepairJob') ?? new Set(),
          intakeUrl: () => subgraphUrls.get('intake'),
          signingKey: signingKeyFor(config, 'intake'),
          maxBytes: config.UPLOAD_MAX_BYTES,
          maxNameLength: config.UPLOAD_MAX_NAME_LENGTH,
          timeoutMs: config.SUBGRAPH_SLOW_TIMEOUT_MS,
          logger,
        }),
        '/odata': odataRoute({
          sets: readModel(supergraphSdl),
          authenticate,
          execute,
          pageSize: config.ODATA_PAGE_SIZE,
          personalData: config.BI_PERSONAL_DATA === 'on',
          metrics,
          logger,
        }),
      },
      context: async (_req, requestId, caller) => ({ requestId, caller: caller! }),
      readiness: Object.fromEntries(
        ['erp', 'wms', 'tms', 'crm', 'order-link', 'fulfilment', 'intake'].map((name) => [
          name,
          async () => {
            const url = subgraphUrls.get(name);
            if (!url) throw new Error('not configured');
            const res = await request(new URL('/readyz', url), { signal: AbortSignal.timeout(1000) });
            await res.body.dump();
            if (res.statusCode !== 200) throw new Error(`not ready (HTTP ${res.statusCode})`);
          },
        ]),
      ),
    },
    config.GATEWAY_PORT,
    config.HOST,
  );
  logger.info({ url: running.url }, 'gateway listening');
  // The first list is read before the gateway is handed back: a BI token is not let in unchecked.
  await revocations.refresh();
  revocations.start();
  live.attach(running.server);
  feed.start();
  return {
    ...running,
    async close() {
      await live.close();
      await feed.stop();
      await eventBus.close();
      revocations.stop();
      await running.close();
      await pooled.close();
    },
  };
}

