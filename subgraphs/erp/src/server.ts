// Builds the ERP adapter subgraph; index.ts runs it.
import type { Config } from '../../../common/src/config.js';
import { openDataSource } from '../../../common/src/db.js';
import { createMetrics } from '../../../common/src/metrics.js';
import { buildSubgraph } from '../../../common/src/subgraph.js';
import { ErpDatasource, erpEntities } from './datasource.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import type { Context } from './context.js';

export async function createErpSubgraph(config: Config) {
  const db = await openDataSource(config.ERP_DATABASE_URL, { entities: erpEntities });
  const metrics = createMetrics('erp');
  const erp = new ErpDatasource(db, metrics);
  const batching = config.LOADER_BATCHING === 'on';
  return buildSubgraph<Context>({
    name: 'erp',
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    metrics,
    createContext: (base) => ({ ...base, loaders: createLoaders(erp, { batching }) }),
    readiness: { erpDatabase: () => erp.ping() },
    close: () => db.destroy(),
  });
}
