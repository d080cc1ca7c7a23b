// Builds the gateway: Apollo Gateway over the composed supergraph, served with /healthz, /readyz
// and /metrics; index.ts runs it.
import { existsSync, readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { Counter, Histogram } from 'prom-client';
import { request } from 'undici';
import type { Config } from '../../common/src/config.js';
import { createLogger } from '../../common/src/logger.js';
import { createMetrics } from '../../common/src/metrics.js';
import { listen, type RunningServer } from '../../common/src/http-host.js';
import { composeSubgraphs, readRoverConfig } from './supergraph.js';
import { createPooledFetcher } from './fetcher.js';

export interface GatewayContext {
  requestId: string;
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
};

/** The committed supergraph.graphql, or, when it is missing, a fresh composition of rover-config.yaml. */
export function loadSupergraph(config: Config, roverConfigPath = 'rover-config.yaml'): string {
  if (existsSync(config.SUPERGRAPH_PATH)) return readFileSync(config.SUPERGRAPH_PATH, 'utf8');
  const outcome = composeSubgraphs(readRoverConfig(roverConfigPath));
  if (!outcome.supergraphSdl) throw new Error(`composition failed:\n${outcome.errors.join('\n')}`);
  return outcome.supergraphSdl;
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<RunningServer> {
  const logger = createLogger('gateway');
  const metrics = createMetrics('gateway');
  const requests = new Counter({
    name: 'gateway_requests_total',
    help: 'GraphQL requests served by the gateway',
    labelNames: ['outcome'],
    registers: [metrics.registry],
  });
  const subgraphFetches = new Histogram({
    name: 'gateway_subgraph_fetch_seconds',
    help: 'Latency of fetches from the gateway to subgraphs',
    labelNames: ['subgraph'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics.registry],
  });
  const pooled = createPooledFetcher(config.GATEWAY_SUBGRAPH_CONNECTIONS);
  const subgraphUrls = new Map<string, string>();

  const gateway = new ApolloGateway({
    supergraphSdl: loadSupergraph(config, options.roverConfigPath),
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls?.[name] ?? (config[ENV_URL[name]] as string | undefined) ?? url!;
      subgraphUrls.set(name, target);
      return new (class extends RemoteGraphQLDataSource<GatewayContext> {
        override willSendRequest(options: Parameters<RemoteGraphQLDataSource<GatewayContext>['willSendRequest'] & {}>[0]) {
          // The request ID travels gateway → subgraph → logs, so one query can be followed end to end.
          const requestId = (options.context as Partial<GatewayContext>)?.requestId;
          if (requestId) options.request.http?.headers.set('x-request-id', requestId);
        }
        override async process(args: Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0]) {
          const stop = subgraphFetches.startTimer({ subgraph: name });
          try {
            return await super.process(args);
          } finally {
            stop();
          }
        }
      })({ url: target, fetcher: pooled.fetcher });
    },
  });

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.NODE_ENV !== 'production',
    includeStacktraceInErrorResponses: false,
    plugins: [
      {
        async requestDidStart() {
          return {
            async willSendResponse({ response }) {
              const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
              requests.inc({ outcome: errors?.length ? 'error' : 'ok' });
            },
          };
        },
      },
    ],
  });

  const running = await listen(
    {
      name: 'gateway',
      apollo,
      metrics,
      logger,
      context: async (_req, requestId) => ({ requestId }),
      readiness: Object.fromEntries(
        ['erp', 'wms', 'tms', 'crm', 'order-link'].map((name) => [
          name,
          async () => {
            const url = subgraphUrls.get(name);
            if (!url) throw new Error('not configured');
            const res = await request(new URL('/healthz', url), { signal: AbortSignal.timeout(1000) });
            await res.body.dump();
            if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
          },
        ]),
      ),
    },
    config.GATEWAY_PORT,
    config.HOST,
  );
  logger.info({ url: running.url }, 'gateway listening');
  return {
    ...running,
    async close() {
      await running.close();
      await pooled.close();
    },
  };
}
