// Builds the order-link subgraph and its linker; index.ts runs them.
import type { Config } from '../../../common/src/config.js';
import { ensureDatabase, openDataSource } from '../../../common/src/db.js';
import { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { buildSubgraph, subgraphKit } from '../../../common/src/subgraph.js';
import { ErpDatasource, erpEntities } from '../../erp/src/datasource.js';
import { WmsDatasource, wmsEntities } from '../../wms/src/datasource.js';
import { TmsDatasource } from '../../tms/src/datasource.js';
import { HubStore } from './datasource.js';
import { Linker } from './linking/linker.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import { HubInit1732406400000 } from './migrations/1732406400000-HubInit.js';
import { PickByScan1764000000000 } from './migrations/1764000000000-PickByScan.js';
import { PickingService } from './picking/service.js';
import { PickingStore } from './picking/store.js';
import type { Context } from './context.js';

export async function createOrderLinkSubgraph(config: Config, options: { startLinker?: boolean } = {}) {
  const kit = subgraphKit('order-link', config);
  await ensureDatabase(config.HUB_DATABASE_URL);
  const hubDb = await openDataSource(config.HUB_DATABASE_URL, { migrations: [HubInit1732406400000, PickByScan1764000000000] });
  await hubDb.runMigrations({ transaction: 'each' });
  // The linker and the pick flow speak to the legacy systems through the adapters' own
  // datasources: one place speaks each legacy tongue. WMS gets a larger pool: the pick flow's
  // transactions hold a connection each.
  const erpDb = await openDataSource(config.ERP_DATABASE_URL, { entities: erpEntities, poolSize: 4 });
  const wmsDb = await openDataSource(config.WMS_DATABASE_URL, { entities: wmsEntities, poolSize: 12 });
  const tmsHttp = new LegacyHttpClient(kit.legacy('tms'), config.TMS_API_URL, 4);
  const hub = new HubStore(hubDb, kit.legacy('hub'));
  const sources = { erp: new ErpDatasource(erpDb, kit.legacy('erp')), wms: new WmsDatasource(wmsDb, kit.legacy('wms')), tms: new TmsDatasource(tmsHttp) };
  const picking = new PickingService({
    ...sources,
    store: new PickingStore(hubDb, kit.legacy('hub')),
    logger: kit.logger.child({ part: 'picking' }),
    // Whatever waits longer than this could not finish its own transaction before the gateway gives up.
    lockWaitMs: Math.max(200, config.SUBGRAPH_TIMEOUT_MS - config.LEGACY_TIMEOUT_MS - 200),
  });
  const linker = new Linker(
    hubDb,
    sources,
    kit.legacy('hub'),
    kit.logger.child({ part: 'linker' }),
    { batchSize: config.LINK_BATCH_SIZE, matchWindowDays: config.LINK_MATCH_WINDOW_DAYS, pollMs: config.LINK_POLL_MS },
  );
  if (options.startLinker !== false) linker.start();
  const subgraph = buildSubgraph<Context>({
    kit,
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    createContext: (base) => ({ ...base, hub, picking, loaders: createLoaders(hub, { batching: kit.batching }) }),
    readiness: {
      hubDatabase: () => hub.ping(),
      // Ready while the linker keeps up: a full round within the last 20 polls (or 10 s).
      linker: async () => {
        if (linker.lastRoundAt == null) throw new Error(linker.lastError ? 'link rounds failing' : 'first link round not finished');
        if (Date.now() - linker.lastRoundAt > Math.max(10_000, 20 * config.LINK_POLL_MS)) throw new Error('no full link round lately');
      },
    },
    close: async () => {
      await linker.stop();
      await Promise.all([hubDb.destroy(), erpDb.destroy(), wmsDb.destroy(), tmsHttp.close()]);
    },
  });
  return { subgraph, linker };
}
