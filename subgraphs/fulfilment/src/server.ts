// Builds the fulfilment subgraph: pick by scan (pick lists, scans, seals, pick accuracy); index.ts runs it.
import type { Config } from '../../../common/src/config.js';
import { openDataSource } from '../../../common/src/db.js';
import { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { buildSubgraph, subgraphKit } from '../../../common/src/subgraph.js';
import { ErpDatasource, erpEntities } from '#adapters/erp';
import { WmsDatasource, wmsEntities } from '#adapters/wms';
import { TmsDatasource } from '#adapters/tms';
import { expiryRuleMonths, HubStore, Ledger, RuleStore } from '#hub';
import { PickingService } from './picking/service.js';
import { PickQueue } from './picking/queue.js';
import { PickingStore } from './picking/store.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import type { Context } from './context.js';

export async function createFulfilmentSubgraph(config: Config) {
  const kit = subgraphKit('fulfilment', config);
  // The hub database is order-link's: it migrates it (its src/migrations/ create the pick tables
  // too), so fulfilment starts after order-link and only opens it. Orders, holds and the expiry
  // rule are read through #hub; the pick tables are fulfilment's own (src/picking/store.ts).
  const hubDb = await openDataSource(config.HUB_DATABASE_URL);
  // WMS: each pick transaction holds a connection, hence the larger pool.
  const erpDb = await openDataSource(config.ERP_DATABASE_URL, { entities: erpEntities, poolSize: 4 });
  const wmsDb = await openDataSource(config.WMS_DATABASE_URL, { entities: wmsEntities, poolSize: 12 });
  const tmsHttp = new LegacyHttpClient(kit.legacy('tms'), config.TMS_API_URL, 4);
  const hubSystem = kit.legacy('hub');
  const erp = new ErpDatasource(erpDb, kit.legacy('erp'));
  const wms = new WmsDatasource(wmsDb, kit.legacy('wms'));
  const tms = new TmsDatasource(tmsHttp);
  const hub = new HubStore(hubDb, hubSystem);
  const ledger = new Ledger(hubDb, hubSystem);
  const rules = new RuleStore(hubDb, hubSystem);
  const picking = new PickingService({
    erp,
    wms,
    tms,
    store: new PickingStore(hubDb, hubSystem),
    // The enabled expiry-control rule says how much shelf life a lot must keep, and the order may
    // ask for more (SO_SOMain_ExtraDefine.iMinShelfMonths, from its remark or a repair): the larger holds.
    expiryMonths: async (order) => {
      const [ruleMonths, [asked]] = await Promise.all([expiryRuleMonths(rules), erp.requirementsByOrderNo([order.erpOrderNo])]);
      return Math.max(ruleMonths, asked?.minShelfLifeMonths ?? 0);
    },
    logger: kit.logger.child({ part: 'picking' }),
    // Whatever waits longer than this could not finish its own transaction before the gateway gives up.
    lockWaitMs: Math.max(200, config.SUBGRAPH_TIMEOUT_MS - config.LEGACY_TIMEOUT_MS - 200),
  });
  const pickQueue = new PickQueue({ hub, ledger, wms });
  return buildSubgraph<Context>({
    kit,
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    createContext: (base) => ({ ...base, picking, pickQueue, loaders: createLoaders(hub, ledger, { batching: kit.batching }) }),
    readiness: { hubDatabase: () => hub.ping(), wmsDatabase: () => wms.ping() },
    close: async () => {
      await Promise.all([hubDb.destroy(), erpDb.destroy(), wmsDb.destroy(), tmsHttp.close()]);
    },
  });
}
