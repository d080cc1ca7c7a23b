// Starts the whole stack for a test file: seeded legacy databases on MariaDB (or SQLite), the TMS
// and CRM simulators, the seven subgraphs and the gateway, each on a free port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { loadConfig, type Config } from '../../common/src/config.js';
import { dropDatabase } from '../../common/src/db.js';
import type { RunningServer } from '../../common/src/http-host.js';
import { seed } from '../../legacy-sim/src/seed.js';
import { startTmsSim } from '../../legacy-sim/src/tms-server.js';
import { startCrmSim } from '../../legacy-sim/src/crm-server.js';
import type { AnomalyRates, GroundTruth, SeedOptions, SeedTargets } from '../../legacy-sim/src/types.js';
import { createErpSubgraph } from '../../subgraphs/erp/src/server.js';
import { createWmsSubgraph } from '../../subgraphs/wms/src/server.js';
import { createTmsSubgraph } from '../../subgraphs/tms/src/server.js';
import { createCrmSubgraph } from '../../subgraphs/crm/src/server.js';
import { createOrderLinkSubgraph, type OrderLinkOptions } from '../../subgraphs/order-link/src/server.js';
import { createFulfilmentSubgraph } from '../../subgraphs/fulfilment/src/server.js';
import { createIntakeSubgraph } from '../../subgraphs/intake/src/server.js';
import type { Linker } from '../../subgraphs/order-link/src/linking/linker.js';
import type { OutboxWorker } from '../../subgraphs/order-link/src/rules/outbox.js';
import { startGateway } from '#gateway';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { legacyCallTotals } from './legacy-calls.js';
import { authSettings, mintToken } from '../../common/src/tokens.js';
import type { Role } from '../../common/src/caller.js';

export const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
/** Lets two checkouts run their tests on one MariaDB at once without sharing databases. */
const DB_PREFIX = process.env.TEST_DB_PREFIX ?? 'oh';

export interface StackOptions {
  /** Short name: database names are oh_<name>_erp … (TEST_DB_PREFIX replaces `oh`) */
  name: string;
  orders?: number;
  days?: number;
  seed?: number;
  /** CRM/ERP customers; by default one per 10 orders (at least 20). */
  customers?: number;
  rates?: Partial<AnomalyRates>;
  batching?: boolean;
  /** Force a dialect; by default MariaDB when reachable (and required under REQUIRE_MYSQL=1). */
  dialect?: 'mysql' | 'sqlite';
  /** Rows per change-feed page for the linker (small values force many pages). */
  linkBatchSize?: number;
  /** Put a fault proxy between the adapters and the ERP and WMS databases (MariaDB only). */
  faultProxies?: boolean;
  /** More configuration for every component. */
  env?: Record<string, string>;
  /** Order history before the seeded days (legacy-sim/src/history.ts). */
  history?: SeedOptions['history'];
  /** Link rounds run before the stack is handed over (default 2); 0 for tests that never ask the hub about orders. */
  linkRounds?: number;
  /** order-link's background work to leave unstarted (a bench that runs the parts itself). */
  orderLink?: Pick<OrderLinkOptions, 'startLinker' | 'startOutbox' | 'startCalls' | 'startEvents'>;
}

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface Stack {
  dialect: 'mysql' | 'sqlite';
  config: Config;
  truth: GroundTruth;
  /** What the legacy systems were seeded with: generate(seedOptions) gives the same stories again. */
  seedOptions: SeedOptions;
  targets: SeedTargets;
  /** How long start-up took: seeding the legacy systems, and the first link rounds (rules and health facts included). */
  timings: { seedMs: number; linkMs: number };
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  tmsApiUrl: string;
  crmApiUrl: string;
  linker: Linker;
  /** The rules' outbox worker, to deliver now rather than on its next poll. */
  outbox: OutboxWorker;
  /** order-link's parts, for benchmarks that time them directly. */
  orderLink: Awaited<ReturnType<typeof createOrderLinkSubgraph>>;
  /** Asks the gateway as admin, or with the token given. */
  query<T = any>(query: string, variables?: Record<string, unknown>, options?: { token?: string }): Promise<GraphQLResponse<T>>;
  /** POSTs a file to the gateway's /uploads as admin (or with the token given): the HTTP status and JSON answer. */
  upload(body: Buffer | string, fileName: string, options?: { token?: string; contentType?: string }): Promise<{ status: number; body: any }>;
  /** A development token for a role (customers need their code). */
  token(role: Role, customerCode?: string): Promise<string>;
  /** Sum of legacy_calls_total per `system` label across all subgraphs, excluding the linker's sync.* calls. */
  legacyCalls(): Promise<Record<string, number>>;
  setTmsFault(f: { down?: boolean; latencyMs?: number }): void;
  setCrmFault(f: { down?: boolean; latencyMs?: number }): void;
  /** Present with `faultProxies`: the ERP and WMS databases as the adapters reach them. */
  proxies: { erp?: FaultProxy; wms?: FaultProxy };
  close(): Promise<void>;
}

/** MariaDB when reachable; CI sets REQUIRE_MYSQL=1 so that an unreachable server fails instead. */
export async function mysqlAvailable(): Promise<boolean> {
  try {
    const conn = await createConnection({ uri: MYSQL_URL, connectTimeout: 2000 });
    await conn.end();
    return true;
  } catch (err) {
    if (process.env.REQUIRE_MYSQL === '1') throw new Error(`REQUIRE_MYSQL=1 but MariaDB at ${MYSQL_URL} is unreachable: ${String(err)}`);
    console.warn(`MariaDB at ${MYSQL_URL} unreachable; running on embedded SQLite instead`);
    return false;
  }
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const dialect = options.dialect ?? ((await mysqlAvailable()) ? 'mysql' : 'sqlite');
  const tmp = mkdtempSync(join(tmpdir(), `oh-${options.name}-`));
  const url = (db: string) => (dialect === 'mysql' ? `${MYSQL_URL.replace(/\/$/, '')}/${DB_PREFIX}_${options.name}_${db}` : `sqlite:${join(tmp, `${db}.sqlite`)}`);
  const targets: SeedTargets = { erpUrl: url('erp'), wmsUrl: url('wms'), tmsStoreUrl: url('tms'), crmStoreUrl: url('crm') };
  const hubUrl = url('hub');
  await dropDatabase(hubUrl);
  const seedOptions: SeedOptions = {
    orders: options.orders ?? 400,
    days: options.days ?? 2,
    seed: options.seed ?? 42,
    start: '2025-11-08',
    customers: options.customers ?? Math.max(20, Math.round((options.orders ?? 400) / 10)),
    rates: options.rates ?? {},
    ...(options.history ? { history: options.history } : {}),
  };
  let t = Date.now();
  const truth = await seed(targets, seedOptions);
  const timings = { seedMs: Date.now() - t, linkMs: 0 };
  const tms = await startTmsSim({ databaseUrl: targets.tmsStoreUrl, port: 0 });
  const crm = await startCrmSim({ databaseUrl: targets.crmStoreUrl, port: 0 });
  const proxies: Stack['proxies'] = {};
  const viaProxy = async (url: string, system: 'erp' | 'wms') => {
    if (!options.faultProxies || dialect !== 'mysql') return url;
    const u = new URL(url);
    const proxy = (proxies[system] = await startFaultProxy(u.hostname, Number(u.port || 3306)));
    u.hostname = '127.0.0.1';
    u.port = String(proxy.port);
    return u.toString();
  };
  const config = loadConfig({
    NODE_ENV: 'test',
    ERP_DATABASE_URL: await viaProxy(targets.erpUrl, 'erp'),
    WMS_DATABASE_URL: await viaProxy(targets.wmsUrl, 'wms'),
    HUB_DATABASE_URL: hubUrl,
    TMS_API_URL: tms.url,
    CRM_API_URL: crm.url,
    GATEWAY_PORT: '0',
    LOADER_BATCHING: options.batching === false ? 'off' : 'on',
    UPLOAD_DIR: join(tmp, 'uploads'),
    // The access-policy tests send documents of their own as customers; trusted documents are
    // tested on their own (web-trusted-documents.test.ts) and by the browser tests.
    TRUSTED_DOCUMENTS: 'off',
    ...(options.linkBatchSize ? { LINK_BATCH_SIZE: String(options.linkBatchSize) } : {}),
    ...options.env,
  });
  const servers: RunningServer[] = [];
  const subgraphUrls: Record<string, string> = {};
  const start = async (name: string, subgraph: { start(port: number): Promise<RunningServer> }) => {
    const running = await subgraph.start(0);
    servers.push(running);
    subgraphUrls[name] = running.url;
  };
  await start('erp', await createErpSubgraph(config));
  await start('wms', await createWmsSubgraph(config));
  await start('tms', await createTmsSubgraph(config));
  await start('crm', await createCrmSubgraph(config));
  const orderLink = await createOrderLinkSubgraph(config, { ...options.orderLink, erpSubgraphUrl: subgraphUrls.erp });
  await start('order-link', orderLink.subgraph);
  // After order-link, which migrates the hub database fulfilment and intake open.
  await start('fulfilment', await createFulfilmentSubgraph(config));
  const intake = await createIntakeSubgraph(config, { erpSubgraphUrl: subgraphUrls.erp, orderLinkSubgraphUrl: subgraphUrls['order-link'] });
  await start('intake', intake.subgraph);
  // The first round links the whole seeded set; a second one settles documents woken by the first.
  t = Date.now();
  // A round whose after-round step (rules, health facts) did not finish — a busy hub database times out
  // like any legacy system — is retried by the next round in production; here too, before the tests look.
  for (let round = 0, failed = 0; round < (options.linkRounds ?? 2) || (failed > 0 && round < 12); round++) failed = (await orderLink.linker.runRound()).failedFeeds;
  timings.linkMs = Date.now() - t;
  const gateway = await startGateway(config, { subgraphUrls });
  servers.push(gateway);

  const auth = authSettings(config);
  const token = (role: Role, customerCode?: string) => mintToken(auth, `test-${role}`, role, customerCode);
  const adminToken = await token('admin');
  const query = async <T>(q: string, variables?: Record<string, unknown>, options: { token?: string } = {}): Promise<GraphQLResponse<T>> => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token ?? adminToken}` },
      body: JSON.stringify({ query: q, variables }),
    });
    return (await res.json()) as GraphQLResponse<T>;
  };

  const upload: Stack['upload'] = async (body, fileName, opts = {}) => {
    const res = await fetch(new URL('/uploads', gateway.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${opts.token ?? adminToken}`,
        'content-type': opts.contentType ?? 'text/csv',
        'x-file-name': encodeURIComponent(fileName),
      },
      body: typeof body === "string" ? body : new Uint8Array(body),
    });
    return { status: res.status, body: await res.json() };
  };

  const legacyCalls = () => legacyCallTotals(Object.values(subgraphUrls));

  return {
    dialect,
    config,
    truth,
    seedOptions,
    targets,
    timings,
    gatewayUrl: gateway.url,
    subgraphUrls,
    tmsApiUrl: tms.url,
    crmApiUrl: crm.url,
    linker: orderLink.linker,
    outbox: orderLink.outbox,
    orderLink,
    query,
    upload,
    token,
    legacyCalls,
    setTmsFault: (f) => tms.setFault(f),
    setCrmFault: (f) => crm.setFault(f),
    proxies,
    async close() {
      for (const s of servers.reverse()) await s.close();
      await tms.close();
      await crm.close();
      for (const p of Object.values(proxies)) await p?.close();
      if (dialect === 'mysql') for (const u of [...Object.values(targets), hubUrl]) await dropDatabase(u);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
