// npm start: the whole graph with demo data. Seeds the simulated legacy systems on first run
// (embedded SQLite under data/, no MySQL needed), starts the TMS and CRM simulators, the seven
// subgraphs and the gateway, and keeps a trickle of new orders flowing.
//   npm start -- --reseed      seed again from scratch
//   npm start -- --no-sim      do not start simulators (adapters point at real systems)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { guardStartup, runProcess } from '../common/src/startup.js';
import { dialectOf, dropDatabase, ensureDatabase, openDataSource, sqlitePath } from '../common/src/db.js';
import type { RunningServer } from '../common/src/http-host.js';
import { seed } from '../legacy-sim/src/seed.js';
import { DEFAULT_SEED_OPTIONS } from '../legacy-sim/src/generator.js';
import { startTmsSim } from '../legacy-sim/src/tms-server.js';
import { startCrmSim } from '../legacy-sim/src/crm-server.js';
import { startLiveFeed } from '../legacy-sim/src/live.js';
import { createErpSubgraph } from '../subgraphs/erp/src/server.js';
import { createWmsSubgraph } from '../subgraphs/wms/src/server.js';
import { createTmsSubgraph } from '../subgraphs/tms/src/server.js';
import { createCrmSubgraph } from '../subgraphs/crm/src/server.js';
import { createOrderLinkSubgraph } from '../subgraphs/order-link/src/server.js';
import { createFulfilmentSubgraph } from '../subgraphs/fulfilment/src/server.js';
import { createIntakeSubgraph } from '../subgraphs/intake/src/server.js';
import { startGateway } from '#gateway';
import { authSettings, mintToken } from '../common/src/tokens.js';
import { ROLES } from '../common/src/caller.js';
import { ensureWebBuilt } from '../web/tools/build.js';
import { signInLinks } from '../web/tools/sign-in-links.js';

const args = new Set(process.argv.slice(2));
const simulate = !args.has('--no-sim');
// A setting that is wrong, or points at something that does not answer, ends start-up in one line.
const started = guardStartup();
const config = await runProcess('gateway', simulate ? 'start' : 'start-no-sim', async (c) => c);
const closers: (() => Promise<void>)[] = [];

/** Has the simulated ERP been filled yet (on SQLite or MySQL alike)? */
async function seeded(url: string): Promise<boolean> {
  await ensureDatabase(url);
  const ds = await openDataSource(url, { poolSize: 1 });
  try {
    await ds.query('SELECT 1 FROM SO_SOMain LIMIT 1');
    return true;
  } catch {
    return false;
  } finally {
    await ds.destroy();
  }
}

/** Where the demo keeps what it writes beside the data: the ERP's folder on SQLite, else data/. */
const dataDir = dialectOf(config.ERP_DATABASE_URL) === 'sqlite' ? dirname(sqlitePath(config.ERP_DATABASE_URL)) : 'data';

if (simulate) {
  if (args.has('--reseed') || !(await seeded(config.ERP_DATABASE_URL))) {
    const truthPath = `${dataDir}/ground-truth.json`;
    console.log('Seeding the simulated legacy systems (3 days × 2,600 orders)…');
    await dropDatabase(config.HUB_DATABASE_URL);
    const truth = await seed(
      { erpUrl: config.ERP_DATABASE_URL, wmsUrl: config.WMS_DATABASE_URL, tmsStoreUrl: config.TMS_SIM_DATABASE_URL, crmStoreUrl: config.CRM_SIM_DATABASE_URL },
      { ...DEFAULT_SEED_OPTIONS, truthPath },
    );
    console.log(`Seeded ${truth.orders.length} orders; ground truth in ${truthPath}`);
  }
  const port = (url: string) => Number(new URL(url).port || 80);
  const tms = await startTmsSim({ databaseUrl: config.TMS_SIM_DATABASE_URL, port: port(config.TMS_API_URL), host: config.HOST });
  const crm = await startCrmSim({ databaseUrl: config.CRM_SIM_DATABASE_URL, port: port(config.CRM_API_URL), host: config.HOST });
  closers.push(tms.close, crm.close);
}

const servers: RunningServer[] = [];
const subgraphUrls: Record<string, string> = {};
const serve = async (name: string, subgraph: { start(port: number, host?: string): Promise<RunningServer> }, port: number) => {
  const running = await subgraph.start(port, config.HOST);
  servers.push(running);
  // The gateway goes where the subgraphs really listen, whatever rover-config.yaml says.
  subgraphUrls[name] = running.url;
};
await serve('erp', await createErpSubgraph(config), config.ERP_SUBGRAPH_PORT);
await serve('wms', await createWmsSubgraph(config), config.WMS_SUBGRAPH_PORT);
await serve('tms', await createTmsSubgraph(config), config.TMS_SUBGRAPH_PORT);
await serve('crm', await createCrmSubgraph(config), config.CRM_SUBGRAPH_PORT);
const orderLink = await createOrderLinkSubgraph(config, { erpSubgraphUrl: subgraphUrls.erp });
await serve('order-link', orderLink.subgraph, config.ORDER_LINK_SUBGRAPH_PORT);
// After order-link, which migrates the hub database fulfilment and intake open.
await serve('fulfilment', await createFulfilmentSubgraph(config), config.FULFILMENT_SUBGRAPH_PORT);
await serve('intake', (await createIntakeSubgraph(config, { erpSubgraphUrl: subgraphUrls.erp, orderLinkSubgraphUrl: subgraphUrls['order-link'] })).subgraph, config.INTAKE_SUBGRAPH_PORT);
// The first sync: rounds until one reads every feed (a feed's first page of a bulk history can take
// longer than a legacy call may; the round after picks up where it stopped), then what the hub holds.
const firstSync = Date.now();
let failedFeeds = 0;
for (let round = 0; round < 5; round++) {
  failedFeeds = (await orderLink.linker.runRound()).failedFeeds;
  if (!failedFeeds) break;
}
const first = { ...(await orderLink.linker.holdings()), millis: Date.now() - firstSync, failedFeeds };
// The pages the gateway serves, built now if their sources changed since the last build.
await ensureWebBuilt({ log: console.log }).catch((err) => console.error(`web pages not built: ${err instanceof Error ? err.message : err}`));
const gateway = await startGateway(config, { subgraphUrls });
servers.push(gateway);

if (simulate && config.SIM_LIVE_ORDERS_PER_MIN > 0) {
  const feed = startLiveFeed(
    { erpUrl: config.ERP_DATABASE_URL, wmsUrl: config.WMS_DATABASE_URL, tmsApiUrl: config.TMS_API_URL, crmApiUrl: config.CRM_API_URL },
    { perMinute: config.SIM_LIVE_ORDERS_PER_MIN, onError: (err) => console.error('live orders:', err instanceof Error ? err.message : err) },
  );
  closers.push(async () => feed.stop());
}

// Development tokens, so a newcomer can query at once (loadConfig refuses the dev secret in production).
const auth = authSettings(config);
const tokens: Record<string, string> = {};
for (const role of ROLES.filter((r) => r !== 'customer')) tokens[role] = await mintToken(auth, `demo-${role}`, role);
const sample = await fetch(gateway.url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.ops}` },
  body: JSON.stringify({ query: '{ orders(first: 1, filter: { status: [IN_TRANSIT], orderedTo: "2025-11-11" }) { edges { node { erpOrderNo customer { code } } } } }' }),
}).then((r) => r.json() as Promise<any>);
const orderNo = sample?.data?.orders?.edges?.[0]?.node?.erpOrderNo ?? 'SO-20251110-001';
const demoCustomer = sample?.data?.orders?.edges?.[0]?.node?.customer?.code ?? 'C00001';
tokens.customer = await mintToken(auth, `demo-customer-${demoCustomer}`, 'customer', demoCustomer);
mkdirSync(dataDir, { recursive: true });
writeFileSync(`${dataDir}/dev-tokens.json`, JSON.stringify({ customerCode: demoCustomer, tokens }, null, 2));
const links = signInLinks(gateway.url, tokens, config.TRUSTED_DOCUMENTS_MANIFESTS);

console.log(`
Order Hub is up: ${gateway.url}
  synced in ${first.millis} ms: ${first.orders} orders, ${first.outbounds} outbounds and ${first.waybills} waybills linked${first.failedFeeds ? ` (${first.failedFeeds} legacy feed(s) not read yet: the linker keeps trying / 仍有 ${first.failedFeeds} 个数据源未读完，同步继续进行)` : ''}

Sign in to the pages (one link per role; the token rides in the #fragment, which browsers never send to a server):
${links.lines.join('\n')}

Development tokens (30 days; also in ${dataDir}/dev-tokens.json):
${Object.entries(tokens)
  .map(([role, token]) => `  ${role.padEnd(9)} ${role === 'customer' ? `(${demoCustomer}) ` : ''}${token}`)
  .join('\n')}

Try, as ops staff:
  curl -s ${gateway.url} -H 'content-type: application/json' -H 'authorization: Bearer ${tokens.ops}' \\
    -d '{"query":"{ order(id: \\"${orderNo}\\") { id erpOrderNo wmsOutboundNo tmsWaybillNo status missingNodes customer { name grade level tags } lines { sku { name spec } quantity amount } shipment { carrier { name } events { at description } } } }"}'
As customer ${demoCustomer}, the same order through the order page's registered operation (customers may send
only registered operations, by hash: TRUSTED_DOCUMENTS, see docs/web.md):
  curl -s ${gateway.url} -H 'content-type: application/json' -H 'authorization: Bearer ${tokens.customer}' \\
    -d '{"operationName":"OrderByNumber","variables":{"number":"${orderNo}"},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${links.orderByNumberHash}"}}}'

Health: ${gateway.url.replace('/graphql', '/readyz')}   Metrics: ${gateway.url.replace('/graphql', '/metrics')}
`);

started();

const shutdown = async () => {
  for (const s of servers.reverse()) await s.close().catch(() => undefined);
  for (const c of closers) await c().catch(() => undefined);
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
