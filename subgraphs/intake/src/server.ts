// Builds the intake subgraph: orders from words — drafts from chat, remark reading and the data-repair
// wizard with its uploads; index.ts runs it.
import { signingKeyFor, type Config } from '../../../common/src/config.js';
import { openDataSource } from '../../../common/src/db.js';
import { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { readRoverConfig } from '../../../common/src/rover-config.js';
import { buildSubgraph, subgraphKit } from '../../../common/src/subgraph.js';
import { ErpDatasource, ErpOrders, erpEntities } from '#adapters/erp';
import { HubStore } from '#hub';
import { TextDirectory } from './drafts/directory.js';
import { DraftService } from './drafts/service.js';
import { RepairStore } from './repair/store.js';
import { RepairRunner } from './repair/runner.js';
import { UploadRetention } from './repair/retention.js';
import { uploadReceiver } from './repair/uploads.js';
import { LinkRounds } from './link-rounds.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import type { Context } from './context.js';

export interface IntakeOptions {
  /** Pick up unfinished repair jobs (default on). */
  startRepair?: boolean;
  /** Where the erp and order-link subgraphs listen, when not at ERP_SUBGRAPH_URL / ORDER_LINK_SUBGRAPH_URL (tests and npm start pick ports as they go). */
  erpSubgraphUrl?: string;
  orderLinkSubgraphUrl?: string;
}

export async function createIntakeSubgraph(config: Config, options: IntakeOptions = {}) {
  const kit = subgraphKit('intake', config);
  // The hub database is order-link's: it migrates it (the draft, upload and repair tables too), so
  // intake starts after order-link and only opens it. Its tables here are intake's own; orders are
  // read through #hub.
  const hubDb = await openDataSource(config.HUB_DATABASE_URL);
  const erpDb = await openDataSource(config.ERP_DATABASE_URL, { entities: erpEntities, poolSize: 4 });
  const hubSystem = kit.legacy('hub');
  const erp = new ErpDatasource(erpDb, kit.legacy('erp'));
  const hub = new HubStore(hubDb, hubSystem);
  // The same addresses the gateway uses: the variables, else rover-config.yaml's routing_url.
  const routed = (name: string) => readRoverConfig('rover-config.yaml').find((s) => s.name === name)!.url;
  const erpSubgraph = new LegacyHttpClient(kit.legacy('erp'), options.erpSubgraphUrl ?? config.ERP_SUBGRAPH_URL ?? routed('erp'), 2);
  const orderLink = new LegacyHttpClient(kit.legacy('order-link'), options.orderLinkSubgraphUrl ?? config.ORDER_LINK_SUBGRAPH_URL ?? routed('order-link'), 2);
  const linkRounds = new LinkRounds(orderLink, signingKeyFor(config, 'order-link'), config.SUBGRAPH_TIMEOUT_MS);
  const drafts = new DraftService(hubDb, hubSystem, erp, new ErpOrders(erpSubgraph, signingKeyFor(config, 'erp')), new TextDirectory(erp), (caller) => linkRounds.run(caller));
  const repairStore = new RepairStore(hubDb, hubSystem);
  const repairRunner = new RepairRunner(
    repairStore,
    erp,
    { uploadDir: config.UPLOAD_DIR, batchRows: config.REPAIR_BATCH_ROWS, applyBatch: config.REPAIR_APPLY_BATCH, autoAccept: config.REPAIR_AUTO_ACCEPT },
    kit.logger.child({ part: 'repair' }),
  );
  if (options.startRepair !== false) repairRunner.start();
  const uploadRetention = new UploadRetention(hubDb, config.UPLOAD_DIR, config.UPLOAD_RETENTION_HOURS * 3_600_000, kit.logger.child({ part: 'uploads' }));
  uploadRetention.start();
  const subgraph = buildSubgraph<Context>({
    kit,
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    createContext: (base) => ({ ...base, drafts, repair: { store: repairStore, runner: repairRunner }, loaders: createLoaders(hub, { batching: kit.batching }) }),
    routes: {
      '/uploads': uploadReceiver({ store: repairStore, dir: config.UPLOAD_DIR, maxBytes: config.UPLOAD_MAX_BYTES, maxNameLength: config.UPLOAD_MAX_NAME_LENGTH, verify: kit.verify, logger: kit.logger.child({ part: 'uploads' }) }),
    },
    readiness: { hubDatabase: () => hub.ping(), erpDatabase: () => erp.ping() },
    close: async () => {
      uploadRetention.stop();
      await repairRunner.stop();
      await Promise.all([hubDb.destroy(), erpDb.destroy(), erpSubgraph.close(), orderLink.close()]);
    },
  });
  return { subgraph, repairRunner, uploadRetention };
}
