// Builds the CRM adapter subgraph; index.ts runs it.
import type { Config } from '../../../common/src/config.js';
import { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { createMetrics } from '../../../common/src/metrics.js';
import { buildSubgraph } from '../../../common/src/subgraph.js';
import { CrmDatasource } from './datasource.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import type { Context } from './context.js';

export async function createCrmSubgraph(config: Config) {
  const metrics = createMetrics('crm');
  const http = new LegacyHttpClient('crm', config.CRM_API_URL, metrics, config.LEGACY_TIMEOUT_MS);
  const crm = new CrmDatasource(http);
  const batching = config.LOADER_BATCHING === 'on';
  return buildSubgraph<Context>({
    name: 'crm',
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    metrics,
    createContext: (base) => ({ ...base, loaders: createLoaders(crm, { batching }) }),
    readiness: { crmApi: () => crm.ping() },
    close: () => http.close(),
  });
}
