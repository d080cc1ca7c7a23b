// Builds the order-link subgraph and its linker; index.ts runs them.
import type { Config } from '../../../common/src/config.js';
import { ensureDatabase, openDataSource } from '../../../common/src/db.js';
import { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { createLogger } from '../../../common/src/logger.js';
import { createMetrics } from '../../../common/src/metrics.js';
import { buildSubgraph } from '../../../common/src/subgraph.js';
import { ErpDatasource, erpEntities } from '../../erp/src/datasource.js';
import { WmsDatasource, wmsEntities } from '../../wms/src/datasource.js';
import { TmsDatasource } from '../../tms/src/datasource.js';
import { HubStore } from './datasource.js';
import { Linker } from './linking/linker.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import { HubInit1732406400000 } from './migrations/1732406400000-HubInit.js';
import type { Context } from './context.js';

export async function createOrderLinkSubgraph(config: Config, options: { startLinker?: boolean } = {}) {
  await ensureDatabase(config.HUB_DATABASE_URL);
  const hubDb = await openDataSource(config.HUB_DATABASE_URL, { migrations: [HubInit1732406400000] });
  await hubDb.runMigrations({ transaction: 'each' });
  // The linker reads the legacy change feeds through the adapters' own datasources: one place
  // speaks each legacy tongue.
  const erpDb = await openDataSource(config.ERP_DATABASE_URL, { entities: erpEntities, poolSize: 4 });
  const wmsDb = await openDataSource(config.WMS_DATABASE_URL, { entities: wmsEntities, poolSize: 4 });
  const metrics = createMetrics('order-link');
  const tmsHttp = new LegacyHttpClient('tms', config.TMS_API_URL, metrics, config.LEGACY_TIMEOUT_MS, 4);
  const hub = new HubStore(hubDb, metrics);
  const linker = new Linker(
    hubDb,
    { erp: new ErpDatasource(erpDb, metrics), wms: new WmsDatasource(wmsDb, metrics), tms: new TmsDatasource(tmsHttp) },
    metrics,
    createLogger('order-link.linker'),
    { batchSize: config.LINK_BATCH_SIZE, matchWindowDays: config.LINK_MATCH_WINDOW_DAYS, pollMs: config.LINK_POLL_MS },
  );
  if (options.startLinker !== false) linker.start();
  const batching = config.LOADER_BATCHING === 'on';
  const subgraph = buildSubgraph<Context>({
    name: 'order-link',
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    metrics,
    createContext: (base) => ({ ...base, hub, loaders: createLoaders(hub, { batching }) }),
    readiness: {
      hubDatabase: () => hub.ping(),
      linker: async () => {
        if (linker.lastRoundAt == null) throw new Error(linker.lastError ? String(linker.lastError) : 'first link round not finished');
      },
    },
    close: async () => {
      await linker.stop();
      await Promise.all([hubDb.destroy(), erpDb.destroy(), wmsDb.destroy(), tmsHttp.close()]);
    },
  });
  return { subgraph, linker };
}
