// The benchmark's back end, in a process of its own so that the gateways under test do not share
// its event loop: seeded legacy systems on MariaDB, the simulators, the seven subgraphs (linker
// running, as in production) and a second set of the seven with DataLoader batching off, on the
// same databases. Started by bench/gateways.ts with fork(); it answers with a `ready` message and
// stops on `stop`.
import { createErpSubgraph } from '../subgraphs/erp/src/server.js';
import { createWmsSubgraph } from '../subgraphs/wms/src/server.js';
import { createTmsSubgraph } from '../subgraphs/tms/src/server.js';
import { createCrmSubgraph } from '../subgraphs/crm/src/server.js';
import { createOrderLinkSubgraph } from '../subgraphs/order-link/src/server.js';
import { createFulfilmentSubgraph } from '../subgraphs/fulfilment/src/server.js';
import { createIntakeSubgraph } from '../subgraphs/intake/src/server.js';
import type { Config } from '../common/src/config.js';
import type { RunningServer } from '../common/src/http-host.js';
import { startStack } from '../test/helpers/stack.js';

export interface StackReady {
  kind: 'ready';
  subgraphUrls: Record<string, string>;
  unbatchedUrls: Record<string, string>;
  erpUrl: string;
  wmsUrl: string;
  hubUrl: string;
  tmsApiUrl: string;
  orders: number;
  seedMs: number;
  linkMs: number;
  /** Every ERP order no. the hub linked, and for shipped orders their waybill and customer. */
  erpOrderNos: string[];
  waybills: { waybillNo: string; customerCode: string }[];
}

const orders = Number(process.env.BENCH_ORDERS ?? 20_000);
const started = Date.now();
const stack = await startStack({
  name: 'bench',
  orders,
  days: Math.max(1, Math.ceil(orders / 2600)),
  seed: 2025,
  dialect: 'mysql',
  env: { LOG_LEVEL: 'warn', REPORT_SCHEDULE: 'off', LEGACY_TIMEOUT_MS: '20000', LEGACY_DEADLINE_MS: '60000' },
});
const seedMs = Date.now() - started;
// startStack ran two link rounds; a large set needs more before every document is settled.
for (let round = 0; round < 20; round++) {
  const r = await stack.linker.runRound();
  if (!r.failedFeeds && !r.ordersRefreshed) break;
}
while ((await stack.orderLink.engine.evaluatePending()) > 0);
const linkMs = Date.now() - started - seedMs;

// The same subgraphs with one legacy call per entity: what the graph would cost without DataLoader.
const unbatched: Config = { ...stack.config, LOADER_BATCHING: 'off' };
const servers: RunningServer[] = [];
const unbatchedUrls: Record<string, string> = {};
for (const [name, create] of [
  ['erp', () => createErpSubgraph(unbatched)],
  ['wms', () => createWmsSubgraph(unbatched)],
  ['tms', () => createTmsSubgraph(unbatched)],
  ['crm', () => createCrmSubgraph(unbatched)],
  ['order-link', async () => (await createOrderLinkSubgraph(unbatched, { startLinker: false, startOutbox: false })).subgraph],
  ['fulfilment', () => createFulfilmentSubgraph(unbatched)],
  ['intake', async () => (await createIntakeSubgraph(unbatched, { startRepair: false, erpSubgraphUrl: stack.subgraphUrls.erp, orderLinkSubgraphUrl: stack.subgraphUrls['order-link'] })).subgraph],
] as const) {
  const running = await (await create()).start(0);
  servers.push(running);
  unbatchedUrls[name] = running.url;
}

const hub = stack.orderLink.hubDb;
const linked: { erp_order_no: string; tms_waybill_no: string | null; customer_code: string }[] = await hub.query(
  'SELECT erp_order_no, tms_waybill_no, customer_code FROM hub_order ORDER BY id',
);
const ready: StackReady = {
  kind: 'ready',
  subgraphUrls: stack.subgraphUrls,
  unbatchedUrls,
  erpUrl: stack.targets.erpUrl,
  wmsUrl: stack.targets.wmsUrl,
  hubUrl: stack.config.HUB_DATABASE_URL,
  tmsApiUrl: stack.tmsApiUrl,
  orders: linked.length,
  seedMs,
  linkMs,
  erpOrderNos: linked.map((o) => o.erp_order_no),
  waybills: linked.filter((o) => o.tms_waybill_no).map((o) => ({ waybillNo: o.tms_waybill_no!, customerCode: o.customer_code })),
};
process.send!(ready);
// Orphaned (the bench died): go too.
process.on('disconnect', () => process.exit(0));
process.on('message', async (message) => {
  if (message !== 'stop') return;
  for (const s of servers) await s.close().catch(() => undefined);
  await stack.close();
  process.exit(0);
});
