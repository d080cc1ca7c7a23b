// Builds the WMS adapter subgraph; index.ts runs it.
import type { Config } from '../../../common/src/config.js';
import { openDataSource } from '../../../common/src/db.js';
import { buildSubgraph, subgraphKit } from '../../../common/src/subgraph.js';
import { WmsDatasource, wmsEntities } from '#adapters/wms';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import type { Context } from './context.js';

export async function createWmsSubgraph(config: Config) {
  const kit = subgraphKit('wms', config);
  const db = await openDataSource(config.WMS_DATABASE_URL, { entities: wmsEntities });
  const wms = new WmsDatasource(db, kit.legacy('wms'));
  return buildSubgraph<Context>({
    kit,
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    createContext: (base) => ({ ...base, loaders: createLoaders(wms, { batching: kit.batching }) }),
    readiness: { wmsDatabase: () => wms.ping() },
    close: () => db.destroy(),
  });
}
