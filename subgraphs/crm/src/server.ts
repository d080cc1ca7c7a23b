// Builds the CRM adapter subgraph; index.ts runs it.
import type { Config } from '../../../common/src/config.js';
import { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { buildSubgraph, subgraphKit } from '../../../common/src/subgraph.js';
import { CrmDatasource } from '#adapters/crm';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import type { Context } from './context.js';

export async function createCrmSubgraph(config: Config) {
  const kit = subgraphKit('crm', config);
  const http = new LegacyHttpClient(kit.legacy('crm'), config.CRM_API_URL);
  const crm = new CrmDatasource(http);
  return buildSubgraph<Context>({
    kit,
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    createContext: (base) => ({ ...base, loaders: createLoaders(crm, { batching: kit.batching }) }),
    readiness: { crmApi: () => crm.ping() },
    close: () => http.close(),
  });
}
