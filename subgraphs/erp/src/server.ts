// Builds the ERP adapter subgraph; index.ts runs it.
import type { Config } from '../../../common/src/config.js';
import { openDataSource } from '../../../common/src/db.js';
import { buildSubgraph, subgraphKit } from '../../../common/src/subgraph.js';
import { ErpDatasource, erpEntities } from '#adapters/erp';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import type { Context } from './context.js';

export async function createErpSubgraph(config: Config) {
  const kit = subgraphKit('erp', config);
  const db = await openDataSource(config.ERP_DATABASE_URL, { entities: erpEntities });
  const erp = new ErpDatasource(db, kit.legacy('erp'));
  return buildSubgraph<Context>({
    kit,
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    createContext: (base) => ({ ...base, erp, loaders: createLoaders(erp, { batching: kit.batching }) }),
    readiness: { erpDatabase: () => erp.ping() },
    close: () => db.destroy(),
  });
}
