// Builds the TMS adapter subgraph; index.ts runs it.
import type { Config } from '../../../common/src/config.js';
import { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { createMetrics } from '../../../common/src/metrics.js';
import { buildSubgraph } from '../../../common/src/subgraph.js';
import { TmsDatasource } from './datasource.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import type { Context } from './context.js';

export async function createTmsSubgraph(config: Config) {
  const metrics = createMetrics('tms');
  const http = new LegacyHttpClient('tms', config.TMS_API_URL, metrics, config.LEGACY_TIMEOUT_MS);
  const tms = new TmsDatasource(http);
  const batching = config.LOADER_BATCHING === 'on';
  return buildSubgraph<Context>({
    name: 'tms',
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    metrics,
    createContext: (base) => ({ ...base, loaders: createLoaders(tms, { batching }) }),
    readiness: { tmsApi: () => tms.ping() },
    close: () => http.close(),
  });
}
