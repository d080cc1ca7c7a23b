// Builds a subgraph server from its schema.graphql and resolvers: one shape for all five.
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { parse } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createLogger, type Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { listen, type HostOptions, type ReadinessCheck, type RunningServer } from './http-host.js';
import { ErrorCode } from './errors.js';

export interface RequestContext {
  requestId: string;
  logger: Logger;
}

export interface SubgraphDefinition<TContext extends RequestContext> {
  name: string;
  schemaPath: URL;
  resolvers: unknown;
  metrics: Metrics;
  createContext: (base: RequestContext, req: IncomingMessage) => TContext;
  readiness: Record<string, ReadinessCheck>;
  /** Closes what the subgraph opened (database pools, pollers). */
  close: () => Promise<void>;
}

export interface Subgraph {
  name: string;
  start(port: number, host?: string): Promise<RunningServer>;
}

export function buildSubgraph<TContext extends RequestContext>(def: SubgraphDefinition<TContext>): Subgraph {
  const logger = createLogger(def.name);
  const typeDefs = parse(readFileSync(def.schemaPath, 'utf8'));
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema({ typeDefs, resolvers: def.resolvers as any }),
    // Subgraphs sit behind the gateway; clients never see them, so keep errors terse and safe.
    includeStacktraceInErrorResponses: false,
    // Inline traces are for Apollo Studio, which this deployment does not report to.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
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
    name: def.name,
    apollo,
    metrics: def.metrics,
    logger,
    readiness: def.readiness,
    context: async (req, requestId) => def.createContext({ requestId, logger: logger.child({ requestId }) }, req),
  };
  return {
    name: def.name,
    async start(port, hostname) {
      const running = await listen(host, port, hostname);
      logger.info({ url: running.url }, 'subgraph listening');
      return {
        ...running,
        async close() {
          await running.close();
          await def.close();
        },
      };
    },
  };
}
