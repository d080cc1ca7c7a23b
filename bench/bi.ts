// BI extraction: every order read through the flat connection (orderFacts, pages of 1,000) and
// through the OData feed (pages of ODATA_PAGE_SIZE, following @odata.nextLink), as a BI service
// account, with the gateway in a process of its own whose memory is sampled every second while it
// serves: rows per second, page latencies, and whether the gateway's memory stays flat.
// Needs the databases bench/bi-setup.ts leaves (ohbi_n<orders>_*): an hour for a million orders.
// Run: npm run bench:bi [-- --orders 1000000 --rounds 1]
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { loadConfig } from '../common/src/config.js';
import { openDataSource } from '../common/src/db.js';
import { authSettings, mintToken } from '../common/src/tokens.js';
import { startTmsSim } from '../legacy-sim/src/tms-server.js';
import { startCrmSim } from '../legacy-sim/src/crm-server.js';
import { createErpSubgraph } from '../subgraphs/erp/src/server.js';
import { createWmsSubgraph } from '../subgraphs/wms/src/server.js';
import { createTmsSubgraph } from '../subgraphs/tms/src/server.js';
import { createCrmSubgraph } from '../subgraphs/crm/src/server.js';
import { createOrderLinkSubgraph } from '../subgraphs/order-link/src/server.js';
import { createFulfilmentSubgraph } from '../subgraphs/fulfilment/src/server.js';
import { createIntakeSubgraph } from '../subgraphs/intake/src/server.js';
import { args, machine, median, writeResult } from './lib.js';
import { percentile } from './load.js';

const opts = args({ orders: '1000000', rounds: '1', backend: 'no' });
process.env.LOG_LEVEL ??= 'warn';
const orders = Number(opts.orders);
const MYSQL = (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '');
const db = (name: string) => `${MYSQL}/${process.env.TEST_DB_PREFIX ?? 'ohbi'}_n${orders}_${name}`;
/** The columns a finance dashboard takes from every order (SQL columns: no blockers, no personal data). */
const COLUMNS = ['orderId', 'erpOrderNo', 'status', 'statusZh', 'customerCode', 'storeCode', 'region', 'orderDate', 'orderedAt', 'paidAt', 'shippedOutAt', 'deliveredAt', 'promisedAt', 'totalAmount', 'goodsLines', 'linesMatched', 'quantityState', 'tickets', 'rulesFired', 'changedAt'];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const hub = opts.backend === 'no' ? await openDataSource(db('hub'), { poolSize: 1 }).catch(() => null) : null;
const present = hub ? Number((await hub.query('SELECT COUNT(*) AS n FROM hub_order'))[0].n) : orders;
// What the hub held when measured: a setup interrupted before the rules and health facts caught up says so here.
const state = hub
  ? (
      await hub.query(
        "SELECT (SELECT COUNT(*) FROM hub_order) AS orders, (SELECT COUNT(*) FROM hub_order WHERE evaluated_at IS NOT NULL) AS evaluated, (SELECT COUNT(*) FROM hub_order_fact) AS facts, (SELECT COUNT(*) FROM hub_document WHERE state = 'LINKED') AS linked, (SELECT COUNT(*) FROM hub_decision) AS decisions",
      )
    )[0]
  : {};
await hub?.destroy();
if (present < orders * 0.9) {
  console.error(`ohbi_n${orders}_hub holds ${present} orders: prepare it first with\n  nohup npx tsx bench/bi-setup.ts --orders ${orders} > bench-bi-setup.log 2>&1 &`);
  process.exit(2);
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

// The back end in a process of its own (this file with --backend): simulators and the five
// subgraphs over the prepared databases, the linker and the outbox idle (nothing changes while
// extracting). The client (this process) and the gateway each have theirs.
const env = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  ERP_DATABASE_URL: db('erp'),
  WMS_DATABASE_URL: db('wms'),
  HUB_DATABASE_URL: db('hub'),
  REPORT_SCHEDULE: 'off',
  HEALTH_TICKET_SWEEP_MS: '600000',
  // The FactStamps migration indexes a million rows of several tables on the first start.
  LEGACY_TIMEOUT_MS: '30000',
  LEGACY_DEADLINE_MS: '60000',
};
if (opts.backend === 'yes') {
  const tms = await startTmsSim({ databaseUrl: db('tms'), port: 0 });
  const crm = await startCrmSim({ databaseUrl: db('crm'), port: 0 });
  const config = loadConfig({ ...env, TMS_API_URL: tms.url, CRM_API_URL: crm.url } as NodeJS.ProcessEnv);
  const urls: Record<string, string> = {};
  for (const [name, create] of [
    ['erp', () => createErpSubgraph(config)],
    ['wms', () => createWmsSubgraph(config)],
    ['tms', () => createTmsSubgraph(config)],
    ['crm', () => createCrmSubgraph(config)],
    ['order-link', async () => (await createOrderLinkSubgraph(config, { startLinker: false, startOutbox: false })).subgraph],
    ['fulfilment', () => createFulfilmentSubgraph(config)],
    ['intake', async () => (await createIntakeSubgraph(config, { startRepair: false, erpSubgraphUrl: urls.erp, orderLinkSubgraphUrl: urls['order-link'] })).subgraph],
  ] as const) {
    urls[name] = (await (await create()).start(0)).url;
  }
  process.send!({ kind: 'ready', urls });
  process.on('disconnect', () => process.exit(0));
  await new Promise(() => undefined);
}
const config = loadConfig(env as NodeJS.ProcessEnv);
const t0 = Date.now();
const backend = fork(new URL(import.meta.url).pathname, ['--orders', opts.orders, '--backend', 'yes'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const urls = await new Promise<Record<string, string>>((resolve, reject) => {
  backend.once('message', (m: any) => (m?.kind === 'ready' ? resolve(m.urls) : reject(new Error(String(m)))));
  backend.once('exit', (code) => reject(new Error(`the back end exited (${code})`)));
});
const startupMs = Date.now() - t0;

// The gateway alone in a child process: its memory is what is measured.
const gatewayPort = await freePort();
const gateway: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/index.ts'], {
  env: {
    ...process.env,
    ...env,
    GATEWAY_PORT: String(gatewayPort),
    ERP_SUBGRAPH_URL: urls.erp,
    WMS_SUBGRAPH_URL: urls.wms,
    TMS_SUBGRAPH_URL: urls.tms,
    CRM_SUBGRAPH_URL: urls.crm,
    ORDER_LINK_SUBGRAPH_URL: urls['order-link'],
    FULFILMENT_SUBGRAPH_URL: urls.fulfilment,
    INTAKE_SUBGRAPH_URL: urls.intake,
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
for (let i = 0; ; i++) {
  if (await fetch(`${gatewayUrl}/healthz`).then((r) => r.ok).catch(() => false)) break;
  if (i > 600) throw new Error('the gateway did not start');
  await new Promise((r) => setTimeout(r, 100));
}
const token = await mintToken(authSettings(config), 'svc:bench', 'bi', undefined, '2h', { client: 'bench-bi', jti: `bench-${Date.now()}` });
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

interface Sample {
  at: number;
  rssMb: number;
  heapMb: number;
}
/** The gateway's resident and heap memory, from its own /metrics, every second while `run` runs. */
async function sampled<T>(run: () => Promise<T>): Promise<{ result: T; samples: Sample[] }> {
  const samples: Sample[] = [];
  const start = Date.now();
  const take = async () => {
    const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
    const metric = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+]+)$`, 'm').exec(text)?.[1] ?? NaN);
    samples.push({ at: (Date.now() - start) / 1000, rssMb: metric('process_resident_memory_bytes') / 2 ** 20, heapMb: metric('nodejs_heap_size_used_bytes') / 2 ** 20 });
  };
  await take();
  const timer = setInterval(() => void take(), 1000);
  try {
    return { result: await run(), samples };
  } finally {
    clearInterval(timer);
    await take();
  }
}

interface Run {
  rows: number;
  ms: number;
  pages: number[];
  bytes: number;
}

async function viaGraphQL(): Promise<Run> {
  const query = `query($after: String) { orderFacts(first: 1000, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${COLUMNS.join(' ')} } } }`;
  const pages: number[] = [];
  let rows = 0;
  let bytes = 0;
  let after: string | null = null;
  const start = performance.now();
  for (;;) {
    const t = performance.now();
    const res = await fetch(`${gatewayUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables: { after } }) });
    const text = await res.text();
    bytes += text.length;
    const body = JSON.parse(text);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    pages.push(performance.now() - t);
    rows += body.data.orderFacts.nodes.length;
    if (!body.data.orderFacts.pageInfo.hasNextPage) break;
    after = body.data.orderFacts.pageInfo.endCursor;
  }
  return { rows, ms: performance.now() - start, pages, bytes };
}

async function viaOData(): Promise<Run> {
  const pages: number[] = [];
  let rows = 0;
  let bytes = 0;
  let next: string | null = `${gatewayUrl}/odata/Orders?$select=${COLUMNS.join(',')}`;
  const start = performance.now();
  while (next) {
    const t = performance.now();
    const res = await fetch(next, { headers: { authorization: `Basic ${Buffer.from(`bench:${token}`).toString('base64')}` } });
    const text = await res.text();
    bytes += text.length;
    if (res.status !== 200) throw new Error(`${res.status} ${text.slice(0, 300)}`);
    const body = JSON.parse(text);
    pages.push(performance.now() - t);
    rows += body.value.length;
    next = body['@odata.nextLink'] ?? null;
  }
  return { rows, ms: performance.now() - start, pages, bytes };
}

const results: { name: string; run: Run; samples: Sample[]; load: number[] }[] = [];
try {
  for (let round = 0; round < Number(opts.rounds); round++) {
    for (const [name, run] of [['flat connection (orderFacts, first: 1000)', viaGraphQL], ['OData (/odata/Orders, pages of ' + config.ODATA_PAGE_SIZE + ')', viaOData]] as const) {
      console.log(`${name}…`);
      const load = loadavg();
      const { result, samples } = await sampled(run);
      results.push({ name, run: result, samples, load });
      console.log(`  ${fmt(result.rows)} rows in ${(result.ms / 1000).toFixed(1)} s: ${fmt(result.rows / (result.ms / 1000))} rows/s; gateway RSS ${Math.min(...samples.map((s) => s.rssMb)).toFixed(0)}–${Math.max(...samples.map((s) => s.rssMb)).toFixed(0)} MiB`);
    }
  }
} finally {
  gateway.kill('SIGTERM');
  backend.kill('SIGTERM');
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** Memory over the run in tenths: the first, the middle and the last tenth's medians show whether it grows. */
const tenths = (samples: Sample[], key: 'rssMb' | 'heapMb') => {
  const n = samples.length;
  const part = (i: number) => samples.slice(Math.floor((i * n) / 10), Math.max(Math.floor((i * n) / 10) + 1, Math.floor(((i + 1) * n) / 10))).map((s) => s[key]);
  return [0, 4, 9].map((i) => median(part(i)).toFixed(0)).join(' → ');
};
const md = `# BI extraction: a million orders through the flat connection and the OData feed

\`npm run bench:bi -- --orders ${opts.orders} --rounds ${opts.rounds}\` — ${new Date().toISOString().slice(0, 10)}, ${machine()}, MariaDB on the same machine.

The databases bench/bi-setup.ts prepares (${fmt(orders)} orders generated with seed 2025 at 2,600 a day, seeded into the ERP, WMS,
TMS and CRM, then linked by the hub, evaluated by the rules and their health facts kept). When measured the hub held ${fmt(Number(state.orders))} orders,
${fmt(Number(state.linked))} linked documents, ${fmt(Number(state.evaluated))} orders evaluated by the rules (${fmt(Number(state.decisions))} decisions) and ${fmt(Number(state.facts))} rows of health facts${Number(state.facts) < Number(state.orders) ? ' — the setup had not caught up: the health-fact columns of the other orders come back null (less to send)' : ''}.
The simulators and the five subgraphs in one process
with the linker idle, the gateway alone in another, the client in a third. One client, one request at a time, as a BI tool extracts: a service
account's token (role bi), ${COLUMNS.length} columns of every order (${COLUMNS.join(', ')}).
The gateway's resident memory and V8 heap are read from its own /metrics every second. The subgraphs started in ${(startupMs / 1000).toFixed(0)} s
(the first start after bi-setup also runs the FactStamps migration over the hub's tables). The machine is shared (2 cores): the load
average at the start of each run is given.

| how | rows | time | rows/s | page p50 | page p95 | MiB sent | gateway RSS (first → middle → last tenth) | gateway heap used | load |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |
${results
  .map(
    ({ name, run, samples, load }) =>
      `| ${name} | ${fmt(run.rows)} | ${(run.ms / 1000).toFixed(1)} s | ${fmt(run.rows / (run.ms / 1000))} | ${percentile(sorted(run.pages), 50).toFixed(0)} ms | ${percentile(sorted(run.pages), 95).toFixed(0)} ms | ${fmt(run.bytes / 2 ** 20)} | ${tenths(samples, 'rssMb')} MiB (max ${Math.max(...samples.map((s) => s.rssMb)).toFixed(0)}) | ${tenths(samples, 'heapMb')} MiB (max ${Math.max(...samples.map((s) => s.heapMb)).toFixed(0)}) | ${load.map((l) => l.toFixed(1)).join(', ')} |`,
  )
  .join('\n')}

Target: the full extraction of ${fmt(orders)} orders under 5 minutes, memory flat: ${results
  .map(({ name, run, samples }) => {
    const rss = samples.map((s) => s.rssMb);
    const lastTenth = median(rss.slice(Math.floor(rss.length * 0.9)));
    const firstHalf = median(rss.slice(0, Math.max(1, Math.floor(rss.length / 2))));
    return `${name.split(' (')[0]} ${(run.ms / 60000).toFixed(1)} min (${run.ms < 300_000 ? 'met' : 'not met'}), RSS last tenth ${lastTenth.toFixed(0)} MiB against ${firstHalf.toFixed(0)} MiB over the first half (${lastTenth <= firstHalf * 1.25 ? 'flat' : 'growing'})`;
  })
  .join('; ')}.

Why it can be flat: a page of the flat connection is one keyset query (\`WHERE id > ? ORDER BY id LIMIT 1001\`) and is answered and
forgotten; an OData page is written to the socket as each connection page arrives, never held whole. Memory samples (seconds, RSS MiB):
${results.map(({ name, samples }) => `${name.split(' (')[0]}: ${samples.filter((_s, i) => i % Math.max(1, Math.floor(samples.length / 12)) === 0).map((s) => `${s.at.toFixed(0)}s ${s.rssMb.toFixed(0)}`).join(', ')}`).join('  \n')}
`;
writeResult(new URL(`./results/bi${orders === 1_000_000 ? '' : `-${orders}`}.md`, import.meta.url).pathname, md);
process.exit(0);
