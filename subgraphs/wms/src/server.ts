// Builds the WMS adapter subgraph; index.ts runs it.
import type { Config } from '../../../common/src/config.js';
import { openDataSource } from '../../../common/src/db.js';
import { createMetrics } from '../../../common/src/metrics.js';
import { buildSubgraph } from '../../../common/src/subgraph.js';
import { WmsDatasource, wmsEntities } from './datasource.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import type { Context } from './context.js';

export async function createWmsSubgraph(config: Config) {
  const db = await openDataSource(config.WMS_DATABASE_URL, { entities: wmsEntities });
  const metrics = createMetrics('wms');
  const wms = new WmsDatasource(db, metrics);
  const batching = config.LOADER_BATCHING === 'on';
  return buildSubgraph<Context>({
    name: 'wms',
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    metrics,
    createContext: (base) => ({ ...base, loaders: createLoaders(wms, { batching }) }),
    readiness: { wmsDatabase: () => wms.ping() },
    close: () => db.destroy(),
  });
}
