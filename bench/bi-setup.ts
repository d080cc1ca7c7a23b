// Prepares the databases bench/bi.ts extracts from: N orders seeded into the legacy systems, linked
// by the hub, evaluated by the rules and their health facts kept — then left in place (ohbi_n<N>_*),
// because at a million orders this takes about an hour and the extraction is measured many times.
// `--resume` links what is already seeded (after the database was restarted under it, say).
// Run (in the background): nohup npx tsx bench/bi-setup.ts --orders 1000000 > bench-bi-setup.log 2>&1 &
import type { DataSource } from 'typeorm';
import { args } from './lib.js';
import { loadConfig } from '../common/src/config.js';
import { startTmsSim } from '../legacy-sim/src/tms-server.js';
import { startCrmSim } from '../legacy-sim/src/crm-server.js';
import { createOrderLinkSubgraph } from '../subgraphs/order-link/src/server.js';
import type { Linker } from '../subgraphs/order-link/src/linking/linker.js';

const opts = args({ orders: '1000000', resume: 'no' });
process.env.TEST_DB_PREFIX ??= 'ohbi';
process.env.LOG_LEVEL ??= 'warn';

/** Orders a day, as the distributor takes them now (DESIGN.md): more orders means more days. */
const PER_DAY = 2600;
const orders = Number(opts.orders);
const secs = (ms: number) => `${Math.round(ms / 1000)} s`;
const started = Date.now();
// As bench/scale.ts: the bulk first sync runs large statements; no daily report, no ticket sweep.
const env = { REPORT_SCHEDULE: 'off', LEGACY_TIMEOUT_MS: '60000', LEGACY_DEADLINE_MS: '120000', HEALTH_TICKET_SWEEP_MS: '600000' };
let hubDb: DataSource;
let linker: Linker;
if (opts.resume === 'no') {
  const { startStack } = await import('../test/helpers/stack.js');
  const stack = await startStack({ name: `n${orders}`, orders, days: Math.max(2, Math.ceil(orders / PER_DAY)), seed: 2025, dialect: 'mysql', env });
  console.log(`seeded in ${secs(stack.timings.seedMs)}, first two link rounds ${secs(stack.timings.linkMs)}`);
  ({ hubDb } = stack.orderLink);
  linker = stack.linker;
} else {
  const db = (name: string) => `${(process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '')}/${process.env.TEST_DB_PREFIX}_n${orders}_${name}`;
  const tms = await startTmsSim({ databaseUrl: db('tms'), port: 0 });
  const crm = await startCrmSim({ databaseUrl: db('crm'), port: 0 });
  const config = loadConfig({ NODE_ENV: 'test', ERP_DATABASE_URL: db('erp'), WMS_DATABASE_URL: db('wms'), HUB_DATABASE_URL: db('hub'), TMS_API_URL: tms.url, CRM_API_URL: crm.url, ...env } as NodeJS.ProcessEnv);
  const orderLink = await createOrderLinkSubgraph(config, { startLinker: false });
  ({ hubDb, linker } = orderLink);
}
const count = async (sql: string) => Number((await hubDb.query(sql))[0].n);
// Caught up: every order evaluated, the outbox delivered, the health facts of every changed order kept.
// A database restarted under it (another checkout's fault tests restart the shared MariaDB) only pauses it.
for (let round = 0; round < 5000; round++) {
  let r: Awaited<ReturnType<Linker['runRound']>>;
  let left: number;
  try {
    r = await linker.runRound();
    left = await count('SELECT COUNT(*) AS n FROM hub_order WHERE evaluated_at IS NULL');
  } catch (err) {
    console.log(`  round ${round} failed (${(err as Error).message.slice(0, 120)}); again in 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    continue;
  }
  if (round % 20 === 0) console.log(`  round ${round}: ${await count('SELECT COUNT(*) AS n FROM hub_order')} orders linked, ${left} not evaluated yet (${secs(Date.now() - started)})`);
  const outbox = left ? 1 : await count("SELECT COUNT(*) AS n FROM hub_outbox WHERE state = 'PENDING'");
  if (!left && !outbox && !r.ordersRefreshed && !r.failedFeeds) break;
  if (!left) await new Promise((resolve) => setTimeout(resolve, 500));
}
const hubOrders = await count('SELECT COUNT(*) AS n FROM hub_order');
console.log(`ready: ${hubOrders} hub orders in ${secs(Date.now() - started)}; databases ${process.env.TEST_DB_PREFIX}_n${orders}_* kept`);
// The databases stay; the servers go with the process.
process.exit(0);
