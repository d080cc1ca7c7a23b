// Scale: Q1 (one whole order) and Q2 (a page of 100 whole orders) through the gateway with 20k, 200k
// and 1M orders in the legacy tables — how latency grows with data, what seeding and linking that
// much cost, and which index each key statement of the adapters and the hub uses at each size; and the
// completeness sweep at each size (periodic window, whole previous day): its duration, the documents it
// compared per system, the repairs it found, and Q1 while sweeps run back to back.
// Run: npm run bench:scale [-- --sizes 20000,200000,1000000 --requests 300]
import { loadavg } from 'node:os';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../common/src/db.js';
import type { LegacySystem } from '../common/src/legacy.js';
import { Random } from '../legacy-sim/src/random.js';
import { ErpDatasource, erpEntities } from '#adapters/erp';
import { WmsDatasource, wmsEntities } from '#adapters/wms';
import { HubStore } from '../subgraphs/order-link/src/datasource.js';
import type { SweepResult, SweepTrigger } from '../subgraphs/order-link/src/linking/sweep.js';
import { shiftDate } from '../subgraphs/order-link/src/linking/records.js';
import { parseBeijing } from '../common/src/time.js';
import { callsBetween } from '../test/helpers/legacy-calls.js';
import { args, machine, writeResult } from './lib.js';
import { percentile } from './load.js';
import { Q1, Q2 } from './queries.js';

const opts = args({ sizes: '20000,200000,1000000', requests: '300', 'catch-up': 'on' });
/**
 * `--catch-up off`: after the first two link rounds nothing runs in the background — no linker
 * rounds (so the rules and health facts of the orders beyond those rounds are never caught up), no
 * outbox, no call intake, no event numbering — and Q1, Q2 and the sweeps are measured on that hub.
 * For the sweep and Q1 at a size whose catch-up takes longer than the time there is.
 */
const catchUp = opts['catch-up'] !== 'off';
// Databases of this bench only (ohscale_n20000_erp …), whoever else uses the server.
process.env.TEST_DB_PREFIX ??= 'ohscale';
process.env.LOG_LEVEL ??= 'warn';
const { startStack } = await import('../test/helpers/stack.js');

/** Orders a day, as the distributor takes them now (DESIGN.md): more orders means more days, not busier ones. */
const PER_DAY = 2600;
const sizes = opts.sizes.split(',').map(Number);
const q1Requests = Number(opts.requests);
const q2Requests = Math.max(20, Math.round(q1Requests / 6));
const fmt = (n: number) => n.toLocaleString('en-US');
const ms = (x: number) => x.toFixed(1);
const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

interface Statement {
  label: string;
  sql: string;
  params: unknown[];
}

interface SizeResult {
  orders: number;
  days: number;
  customers: number;
  seedMs: number;
  linkMs: number;
  catchUpMs: number;
  /** Orders the rules had not evaluated when measuring (0 when caught up). */
  unevaluated: number;
  heapMb: number;
  setupCalls: { operation: string; seconds: number; calls: number }[];
  rows: Record<string, number>;
  dataMb: Record<string, number>;
  q1: number[];
  q2: number[];
  q1Calls: Record<string, number>;
  q2Calls: Record<string, number>;
  errors: Record<string, { count: number; first: string }>;
  plans: { label: string; sql: string; table: string; type: string; key: string | null; rows: number; extra: string }[];
  load: number[];
  sweeps: SweepMeasure[];
  q1Sweeping: number[];
  q1SweepingErrors: number;
  sweepsDuringQ1: { periodic: number; daily: number };
  loadSweeping: number[];
}

/** One kind of completeness sweep at one size: its runs' durations and what the last run compared and found. */
interface SweepMeasure {
  label: string;
  days: string;
  millis: number[];
  last: Pick<SweepResult, 'daysCompared' | 'daysDiffering' | 'keysCompared' | 'bySystem' | 'failedSystems'> & { repairs: number };
}

/** Clean sweeps timed this many times each (the median is reported). */
const SWEEP_RUNS = 3;

/** Guarded calls as the subgraphs make them, without the guard: the bench only wants the SQL. */
const direct: LegacySystem = { name: 'bench', call: (_op, run) => run(60_000, new AbortController().signal) };

/** Records every SELECT a DataSource runs (TypeORM's finds and raw queries alike go through a query runner). */
function recordSelects(ds: DataSource, into: Statement[], label: () => string) {
  const create = ds.createQueryRunner.bind(ds);
  ds.createQueryRunner = ((mode) => {
    const runner = create(mode);
    const query = runner.query.bind(runner);
    runner.query = ((sql: string, params?: unknown[], structured?: boolean) => {
      if (/^\s*SELECT/i.test(sql)) into.push({ label: label(), sql, params: params ?? [] });
      return query(sql, params, structured as any);
    }) as typeof runner.query;
    return runner;
  }) as typeof ds.createQueryRunner;
}

/** Time order-link spent per legacy (and hub) operation so far, most first: where seeding's aftermath goes. */
async function timeByOperation(orderLinkUrl: string): Promise<{ operation: string; seconds: number; calls: number }[]> {
  const text = await (await fetch(new URL('/metrics', orderLinkUrl))).text();
  const by = new Map<string, { operation: string; seconds: number; calls: number }>();
  for (const m of text.matchAll(/^legacy_call_duration_seconds_(sum|count)\{(?:component="[^"]*",)?system="(\w+)",operation="([^"]+)"\} ([\d.e+-]+)$/gm)) {
    const key = `${m[2]}:${m[3]}`;
    const entry = by.get(key) ?? { operation: key, seconds: 0, calls: 0 };
    if (m[1] === 'sum') entry.seconds += Number(m[4]);
    else entry.calls += Number(m[4]);
    by.set(key, entry);
  }
  return [...by.values()].sort((a, b) => b.seconds - a.seconds);
}

const TABLES: Record<string, string[]> = {
  erp: ['SO_SOMain', 'SO_SODetails', 'Customer', 'SaleBillVouch'],
  wms: ['t_out_order', 't_out_line', 't_stock'],
  tms: ['tms_waybill', 'tms_track'],
  crm: ['crm_customer', 'crm_ticket'],
  hub: ['hub_order', 'hub_document', 'hub_decision', 'hub_order_fact'],
};

async function measureSize(orders: number): Promise<SizeResult> {
  const days = Math.max(2, Math.ceil(orders / PER_DAY));
  console.log(`\n== ${fmt(orders)} orders over ${days} days`);
  const started = Date.now();
  const stack = await startStack({
    name: `n${orders}`,
    orders,
    days,
    seed: 2025,
    dialect: 'mysql',
    // The bulk first sync runs statements far larger than a live round's: they get time. No daily
    // report, and no ticket sweep while measuring (its CRM calls would count against the queries).
    env: { REPORT_SCHEDULE: 'off', LEGACY_TIMEOUT_MS: '60000', LEGACY_DEADLINE_MS: '120000', HEALTH_TICKET_SWEEP_MS: '600000' },
    ...(catchUp ? {} : { orderLink: { startLinker: false, startOutbox: false, startCalls: false, startEvents: false } }),
  });
  const customers = stack.seedOptions.customers;
  console.log(`seeded in ${secs(stack.timings.seedMs)}, first two link rounds ${secs(stack.timings.linkMs)} (up ${secs(Date.now() - started)})`);
  try {
    const { hubDb } = stack.orderLink;
    // Caught up: every document linked, every order evaluated by the rules (a round evaluates 5,000),
    // the outbox's gift lines written back to the ERP and linked again, every order's health facts kept,
    // every order's blockers recorded.
    // Rounds only, as the running linker makes them (a round asked for while one runs is that round).
    const t = Date.now();
    const count = async (sql: string) => Number((await hubDb.query(sql))[0].n);
    const unevaluated = () => count('SELECT COUNT(*) AS n FROM hub_order WHERE evaluated_at IS NULL');
    let left = await unevaluated();
    const evaluatedBefore = orders - left;
    for (let round = 0; catchUp && round < 5000; round++) {
      const r = await stack.linker.runRound();
      const now = await unevaluated();
      if (Math.floor(now / 100_000) < Math.floor(left / 100_000)) console.log(`  rules: ${fmt(orders - now)} orders evaluated (${secs(Date.now() - t)})`);
      left = now;
      const outbox = left ? 1 : await count("SELECT COUNT(*) AS n FROM hub_outbox WHERE state = 'PENDING'");
      // Blockers are recorded after each round, 2,000 orders a round: a bulk load leaves them all due.
      const blockersDue = left || outbox ? 1 : await count('SELECT COUNT(*) AS n FROM hub_blocker_due');
      if (!left && !outbox && !blockersDue && !r.ordersRefreshed && !r.failedFeeds) break;
      if (!left) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // And the order events those rounds wrote, numbered and published, so nothing catching up runs
    // beside the queries (the event loop numbers them on its own schedule, not in rounds).
    for (const deadline = Date.now() + 3_600_000; catchUp && Date.now() < deadline; ) {
      const [stream] = await hubDb.query('SELECT numbered_to, published_to, EXISTS (SELECT 1 FROM hub_order_event WHERE position IS NULL) AS unnumbered FROM hub_event_stream WHERE id = 1');
      if (!stream || (!Number(stream.unnumbered) && (!stack.config.EVENTS_NATS_URL || Number(stream.published_to) >= Number(stream.numbered_to)))) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const catchUpMs = Date.now() - t;
    console.log(catchUp ? `caught up (rules over ${fmt(orders - evaluatedBefore)} more orders, outbox, health facts, recorded blockers, order events) in ${secs(catchUpMs)}` : `no catch-up: ${fmt(left)} orders not evaluated by the rules`);
    const heapMb = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
    const setupCalls = await timeByOperation(stack.subgraphUrls['order-link']);
    console.log(setupCalls.slice(0, 25).map((c) => `  ${c.operation}: ${c.seconds.toFixed(1)} s in ${fmt(c.calls)} calls`).join('\n'));

    const urls: Record<string, string> = { erp: stack.targets.erpUrl, wms: stack.targets.wmsUrl, tms: stack.targets.tmsStoreUrl, crm: stack.targets.crmStoreUrl, hub: stack.config.HUB_DATABASE_URL };
    const dbs: Record<string, DataSource> = {};
    for (const [system, url] of Object.entries(urls)) dbs[system] = await openDataSource(url, { entities: system === 'erp' ? erpEntities : system === 'wms' ? wmsEntities : [], poolSize: 2 });
    const rows: Record<string, number> = {};
    const dataMb: Record<string, number> = {};
    for (const [system, tables] of Object.entries(TABLES)) {
      for (const table of tables) rows[table] = Number((await dbs[system].query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
      const [size] = await dbs[system].query('SELECT SUM(DATA_LENGTH + INDEX_LENGTH) AS bytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
      dataMb[system] = Math.round(Number(size.bytes) / 2 ** 20);
    }

    // The statements Q1 and Q2 make the adapters and the hub run, caught as they run them, and their plans.
    const statements: Statement[] = [];
    let label = '';
    for (const ds of Object.values(dbs)) recordSelects(ds, statements, () => label);
    const erp = new ErpDatasource(dbs.erp, direct);
    const wms = new WmsDatasource(dbs.wms, direct);
    const hub = new HubStore(dbs.hub, direct);
    const sample = stack.truth.orders.find((o) => o.outbound?.method === 'REFERENCE' && o.waybill?.method === 'REFERENCE')!;
    const page = await hub.listOrders({}, 100, null);
    statements.length = 0;
    const pageNos = page.orders.map((o) => o.erpOrderNo);
    const pageOutbounds = page.orders.map((o) => o.wmsOutboundNo).filter((n): n is string => !!n);
    const steps: [string, () => Promise<unknown>][] = [
      ['Q1 hub: order by ERP no.', () => hub.ordersByErpNo([sample.erpOrderNo])],
      ['Q1 hub: order by waybill no. (Q3)', () => hub.orderIdsByDocument([`TMS:${sample.waybill!.waybillNo}`])],
      ['Q1 hub: links of the order', async () => hub.linksByOrderRowId([(await hub.ordersByErpNo([sample.erpOrderNo]))[0]!.rowId])],
      ['Q1 ERP: order by no.', () => erp.ordersByNo([sample.erpOrderNo])],
      ['Q1 ERP: lines by order no.', () => erp.linesByOrderNo([sample.erpOrderNo])],
      ['Q1 ERP: customer by code', () => erp.customersByCode([sample.customerCode])],
      ['Q1 WMS: outbound by no.', () => wms.outboundsByNo([sample.outbound!.outboundNo])],
      ['Q1 WMS: outbound lines by no.', () => wms.linesByOutboundNo([sample.outbound!.outboundNo])],
      // As Q2 asks it: no totalCount, so no COUNT(*).
      ['Q2 hub: orders page', () => hub.listOrders({}, 100, null, false)],
      ['Q2 ERP: 100 orders by no.', () => erp.ordersByNo(pageNos)],
      ['Q2 ERP: lines of 100 orders', () => erp.linesByOrderNo(pageNos)],
      ['Q2 WMS: lines of 100 outbounds', () => wms.linesByOutboundNo(pageOutbounds)],
    ];
    for (const [name, run] of steps) {
      label = name;
      await run();
    }
    // TMS and CRM are HTTP simulators: their SQL, as tms-server.ts and crm-server.ts run it.
    const simulated: [string, string, string, unknown[]][] = [
      ['Q1 TMS sim: waybill by no.', 'tms', 'SELECT * FROM tms_waybill WHERE waybill_no IN (?)', [sample.waybill!.waybillNo]],
      ['Q1 TMS sim: tracks of the waybill', 'tms', 'SELECT * FROM tms_track WHERE waybill_no IN (?) ORDER BY waybill_no, op_time, id', [sample.waybill!.waybillNo]],
      ['Q1 CRM sim: tickets by order no.', 'crm', 'SELECT * FROM crm_ticket WHERE order_ref IN (?) ORDER BY created_at, ticket_id', [sample.erpOrderNo]],
      ['Q1 CRM sim: customer by code', 'crm', 'SELECT * FROM crm_customer WHERE cust_code IN (?)', [sample.customerCode]],
    ];
    const plans: SizeResult['plans'] = [];
    const seen = new Set<string>();
    const explain = async (name: string, system: string, sql: string, params: unknown[]) => {
      // TypeORM names a table by its entity: the plan shows the legacy table's own name instead.
      const aliases = new Map([...sql.matchAll(/FROM `(\w+)` `(\w+)`/g)].map((m) => [m[2], m[1]]));
      for (const p of await dbs[system].query(`EXPLAIN ${sql}`, params)) {
        plans.push({ label: name, sql, table: aliases.get(p.table) ?? p.table, type: p.type, key: p.key ?? null, rows: Number(p.rows), extra: p.Extra ?? '' });
      }
    };
    const systemOf = (sql: string) => (/hub_/.test(sql) ? 'hub' : /`(SO_\w+|Customer|Inventory|Department)`/.test(sql) ? 'erp' : 'wms');
    for (const s of statements) {
      const key = `${s.label}|${s.sql}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await explain(s.label, systemOf(s.sql), s.sql, s.params);
    }
    for (const [name, system, sql, params] of simulated) await explain(name, system, sql, params);
    for (const ds of Object.values(dbs)) await ds.destroy();

    // Latency: one client, one request at a time, after a warm-up; every Q1 another order.
    const rng = new Random(orders);
    const orderNos = stack.truth.orders.map((o) => o.erpOrderNo);
    // An answer with errors is timed like the others, and counted: a timeout is a finding, not a crash.
    const errors: Record<string, { count: number; first: string }> = {};
    const ask = async (query: string, variables?: Record<string, unknown>) => {
      const t0 = performance.now();
      const res = await stack.query(query, variables);
      const ms = performance.now() - t0;
      if (res.errors) {
        const name = query.slice(6, 8);
        errors[name] ??= { count: 0, first: JSON.stringify(res.errors.map((e) => e.extensions?.code ?? e.message)).slice(0, 200) };
        errors[name].count++;
      }
      return ms;
    };
    for (let i = 0; i < 30; i++) await ask(Q1, { id: rng.pick(orderNos) });
    for (let i = 0; i < 5; i++) await ask(Q2);
    for (const k of Object.keys(errors)) delete errors[k];
    const load = loadavg();
    let before = await stack.legacyCalls();
    const q1: number[] = [];
    for (let i = 0; i < q1Requests; i++) q1.push(await ask(Q1, { id: rng.pick(orderNos) }));
    let after = await stack.legacyCalls();
    const q1Calls = callsBetween(before, after);
    before = after;
    const q2: number[] = [];
    for (let i = 0; i < q2Requests; i++) q2.push(await ask(Q2));
    after = await stack.legacyCalls();
    const q2Calls = callsBetween(before, after);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    console.log(`Q1 p50 ${percentile(sorted(q1), 50).toFixed(1)} ms, Q2 p50 ${percentile(sorted(q2), 50).toFixed(1)} ms; errors ${JSON.stringify(errors)}; load ${load.map((l) => l.toFixed(1)).join(' ')}`);

    // The completeness sweep at this size, as the lease holder runs it (linking/sweep.ts), at the
    // moments its schedule would: the periodic sweep over the last SYNC_SWEEP_WINDOW_DAYS days, its
    // clock on the last generated day; the daily sweep over the whole previous day, its clock on the
    // day after. The sweep itself is timed (not the linker applying what it found).
    const { sweep } = stack.orderLink;
    const lastDay = shiftDate(stack.seedOptions.start, days - 1);
    const clockOf: Record<'PERIODIC' | 'DAILY', number> = {
      PERIODIC: parseBeijing(`${lastDay} 12:00:00`)!,
      DAILY: parseBeijing(`${shiftDate(lastDay, 1)} 01:40:00`)!,
    };
    const sweepOnce = (trigger: 'PERIODIC' | 'DAILY') => sweep.run(trigger, undefined, clockOf[trigger]);
    const summary = (r: SweepResult): SweepMeasure['last'] => ({
      daysCompared: r.daysCompared,
      daysDiffering: r.daysDiffering,
      keysCompared: r.keysCompared,
      bySystem: r.bySystem,
      failedSystems: r.failedSystems,
      repairs: r.repairs.length,
    });
    const sweeps: SweepMeasure[] = [];
    for (const [trigger, label] of [
      ['PERIODIC', `periodic (last ${stack.config.SYNC_SWEEP_WINDOW_DAYS} days)`],
      ['DAILY', 'daily (the whole previous day)'],
    ] as const) {
      const millis: number[] = [];
      let last: SweepResult | null = null;
      for (let i = 0; i < SWEEP_RUNS; i++) {
        const t0 = performance.now();
        last = await sweepOnce(trigger);
        millis.push(performance.now() - t0);
      }
      sweeps.push({ label, days: `${last!.dayFrom} – ${last!.dayTo}`, millis: sorted(millis), last: summary(last!) });
    }

    // Q1 while sweeps run back to back (periodic and daily in turn), against Q1 alone above.
    const loadSweeping = loadavg();
    const sweepsDuringQ1: Record<SweepTrigger, number> = { PERIODIC: 0, DAILY: 0, MANUAL: 0 };
    let sweeping = true;
    const backToBack = (async () => {
      for (let i = 0; sweeping; i++) {
        const trigger = i % 2 ? 'DAILY' : 'PERIODIC';
        await sweepOnce(trigger);
        sweepsDuringQ1[trigger]++;
      }
    })();
    const q1Sweeping: number[] = [];
    // Errors while sweeping are counted apart (the table above keeps Q1 alone's).
    const errorCount = () => Object.values(errors).reduce((n, e) => n + e.count, 0);
    const errorsBefore = errorCount();
    const errorsKept = JSON.parse(JSON.stringify(errors)) as typeof errors;
    try {
      for (let i = 0; i < q1Requests; i++) q1Sweeping.push(await ask(Q1, { id: rng.pick(orderNos) }));
    } finally {
      sweeping = false;
      await backToBack;
    }
    const q1SweepingErrors = errorCount() - errorsBefore;
    for (const k of Object.keys(errors)) delete errors[k];
    Object.assign(errors, errorsKept);

    // The same window once more with the hub's versions of its documents forgotten: every day's digest
    // differs, so every key is compared one by one and every document is found STALE — what a sweep
    // costs when it has the most to do (after a restore of the hub, say).
    const windowFrom = shiftDate(lastDay, -(stack.config.SYNC_SWEEP_WINDOW_DAYS - 1));
    await hubDb.query('UPDATE hub_order SET src_modified = NULL WHERE order_date >= ? AND order_date <= ?', [windowFrom, lastDay]);
    await hubDb.query("UPDATE hub_document SET src_modified = NULL WHERE system IN ('WMS', 'TMS') AND doc_date >= ? AND doc_date <= ?", [windowFrom, lastDay]);
    const t1 = performance.now();
    const forgotten = await sweepOnce('PERIODIC');
    sweeps.push({
      label: `periodic, hub versions forgotten`,
      days: `${forgotten.dayFrom} – ${forgotten.dayTo}`,
      millis: [performance.now() - t1],
      last: summary(forgotten),
    });
    for (const m of sweeps) console.log(`sweep ${m.label}: ${ms(percentile(m.millis, 50))} ms, ${JSON.stringify(m.last)}`);
    console.log(`Q1 while sweeping p50 ${percentile(sorted(q1Sweeping), 50).toFixed(1)} ms (${JSON.stringify(sweepsDuringQ1)} sweeps)`);
    return {
      orders,
      days,
      customers,
      errors,
      seedMs: stack.timings.seedMs,
      linkMs: stack.timings.linkMs,
      catchUpMs,
      unevaluated: left,
      heapMb,
      setupCalls,
      rows,
      dataMb,
      q1: sorted(q1),
      q2: sorted(q2),
      q1Calls,
      q2Calls,
      plans,
      load,
      sweeps,
      q1Sweeping: sorted(q1Sweeping),
      q1SweepingErrors,
      sweepsDuringQ1: { periodic: sweepsDuringQ1.PERIODIC, daily: sweepsDuringQ1.DAILY },
      loadSweeping,
    };
  } finally {
    await stack.close();
  }
}

const [bufferPool] = await (async () => {
  const ds = await openDataSource(`${(process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '')}/mysql`, { poolSize: 1 });
  try {
    return await ds.query('SELECT @@innodb_buffer_pool_size AS bytes, @@version AS version');
  } finally {
    await ds.destroy();
  }
})();


const total = (calls: Record<string, number>, n: number) => Object.values(calls).reduce((s, c) => s + c, 0) / n;
const perSystem = (calls: Record<string, number>, n: number) => {
  const by: Record<string, number> = {};
  for (const [k, c] of Object.entries(calls)) by[k.split(':')[0]] = (by[k.split(':')[0]] ?? 0) + c;
  return Object.entries(by).sort().map(([s, c]) => `${s} ${+(c / n).toFixed(2)}`).join(', ');
};
/** The report of the sizes measured so far: written after each size, so a long run that is stopped keeps what it measured. */
function writeReport(results: SizeResult[]): void {
  const first = results[0];
  const last = results[results.length - 1];
  const ratio = percentile(last.q1, 50) / percentile(first.q1, 50);
  const planTables = results.map((r) => {
    const lines = r.plans.map((p) => `| ${p.label} | ${p.table} | ${p.type} | ${p.key ?? '—'} | ${fmt(p.rows)} | ${p.extra} |`);
    return `### ${fmt(r.orders)} orders\n\n| statement | table | type | key | rows (estimate) | Extra |\n| --- | --- | --- | --- | ---: | --- |\n${lines.join('\n')}`;
  });
  const sqlOf = new Map(last.plans.map((p) => [p.label, p.sql]));

  const md = `# Scale: Q1 and Q2 over 20k, 200k and 1M orders

\`npm run bench:scale -- --sizes ${opts.sizes} --requests ${opts.requests}${catchUp ? '' : ' --catch-up off'}\` — ${new Date().toISOString().slice(0, 10)}, ${machine()}, MariaDB ${bufferPool.version} on the same machine (InnoDB buffer pool ${Math.round(Number(bufferPool.bytes) / 2 ** 20)} MiB, the server's default).

Each size is generated (seed 2025, ${fmt(PER_DAY)} orders a day as DESIGN.md says, so more orders means more days; one customer per
10 orders), seeded into the ERP and WMS tables and the TMS/CRM simulators' stores, linked by the hub, evaluated by the 12 rules and
its health facts kept — then Q1 and Q2 (bench/queries.ts: every system's fields) go through the gateway, one request at a time
from one client in the same process as the stack, after a warm-up of 30 Q1 and 5 Q2: ${q1Requests} Q1, each for another order drawn at random
from the whole set, and ${q2Requests} Q2. ${catchUp ? 'The linker keeps polling every 500 ms while measuring, as in production.' : `**Run with \`--catch-up off\`:** after the first two link rounds nothing ran in the background (no linker rounds, outbox, call intake or event numbering), so the rules and health facts of ${results.map((r) => `${fmt(r.unevaluated)} of ${fmt(r.orders)}`).join(', ')} orders were never evaluated; Q1 and Q2 read those orders without decisions.`} The machine is shared
(2 cores): the load average when each size was measured is given.

## Latency and legacy calls

| orders | days | Q1 p50 | Q1 p95 | Q1 p99 | Q2 p50 | Q2 p95 | Q2 p99 | legacy calls per Q1 | per Q2 | errors | load (1, 5, 15 min) |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |
${results.map((r) => `| ${fmt(r.orders)} | ${r.days} | ${ms(percentile(r.q1, 50))} ms | ${ms(percentile(r.q1, 95))} ms | ${ms(percentile(r.q1, 99))} ms | ${ms(percentile(r.q2, 50))} ms | ${ms(percentile(r.q2, 95))} ms | ${ms(percentile(r.q2, 99))} ms | ${+total(r.q1Calls, q1Requests).toFixed(2)} | ${+total(r.q2Calls, q2Requests).toFixed(2)} | ${Object.entries(r.errors).map(([q, e]) => `${q}: ${e.count} ${e.first}`).join('; ') || 'none'} | ${r.load.map((l) => l.toFixed(1)).join(', ')} |`).join('\n')}

${results.length > 1 ? `Target: Q1 p50 at ${fmt(last.orders)} orders within 1.5× of Q1 p50 at ${fmt(first.orders)}: **${ratio.toFixed(2)}×, ${ratio <= 1.5 ? 'met' : 'not met'}**.` : 'Target (Q1 p50 at the largest size within 1.5× of the smallest): not judged, one size only.'}

Legacy calls per request by system (the hub's own database not counted): ${results.map((r) => `${fmt(r.orders)}: Q1 ${perSystem(r.q1Calls, q1Requests)}; Q2 ${perSystem(r.q2Calls, q2Requests)}`).join(' · ')}.

## The completeness sweep at each size

The sweep (linking/sweep.ts) as the lease holder runs it, called in-process at the moments its schedule would call it: the periodic
sweep over the last SYNC_SWEEP_WINDOW_DAYS days with its clock on the last generated day, the daily sweep over the whole previous
day with its clock on the day after. Per system and day one grouped query on each side (count and sum of modify times); only days
whose digests differ are compared key by key. Clean runs: ${SWEEP_RUNS} each, the median; the last row forgets the hub's versions of the
window's documents first, so every key is compared and every document found STALE (one run). Documents per system: ERP and WMS the
legacy rows of the window in the digests, TMS the hub's waybills of the window asked for by number; "by key" counts keys on both sides.

| orders | sweep | days | duration | ERP documents / by key | WMS documents / by key | TMS documents / by key | days compared / differing | repairs found | systems failed |
| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${results.flatMap((r) => r.sweeps.map((m) => `| ${fmt(r.orders)} | ${m.label} | ${m.days} | ${ms(percentile(m.millis, 50))} ms${m.millis.length > 1 ? ` (${ms(m.millis[0])}–${ms(m.millis[m.millis.length - 1])})` : ''} | ${(['erp', 'wms', 'tms'] as const).map((sys) => `${fmt(m.last.bySystem[sys].documents)} / ${fmt(m.last.bySystem[sys].keysCompared)}`).join(' | ')} | ${m.last.daysCompared} / ${m.last.daysDiffering} | ${fmt(m.last.repairs)} | ${m.last.failedSystems.join(', ') || 'none'} |`)).join('\n')}

Q1 alone (the table above) and Q1 while sweeps run back to back — periodic and daily in turn, clean (nothing differs), as
many as fit in the time of ${q1Requests} Q1 — same client, same way of drawing orders:

| orders | Q1 alone p50 | p99 | Q1 while sweeping p50 | p99 | errors while sweeping | sweeps during (periodic / daily) | load (1, 5, 15 min) while sweeping |
| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |
${results.map((r) => `| ${fmt(r.orders)} | ${ms(percentile(r.q1, 50))} ms | ${ms(percentile(r.q1, 99))} ms | ${ms(percentile(r.q1Sweeping, 50))} ms | ${ms(percentile(r.q1Sweeping, 99))} ms | ${r.q1SweepingErrors} | ${r.sweepsDuringQ1.periodic} / ${r.sweepsDuringQ1.daily} | ${r.loadSweeping.map((l) => l.toFixed(1)).join(', ')} |`).join('\n')}

## Getting there: seed, link, catch up

| orders | customers | seed (generate + insert) | first two link rounds | catch-up (rules, health facts, blockers, events) | total | heap after |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${results.map((r) => `| ${fmt(r.orders)} | ${fmt(r.customers)} | ${secs(r.seedMs)} | ${secs(r.linkMs)} | ${secs(r.catchUpMs)} | ${secs(r.seedMs + r.linkMs + r.catchUpMs)} | ${fmt(r.heapMb)} MiB |`).join('\n')}

Where order-link's time went from start-up to caught up, by legacy (and hub) operation — summed call durations, so
calls that overlap count twice, and a call waiting for a pooled connection or a busy event loop counts its wait:

| operation | ${results.map((r) => fmt(r.orders)).join(' | ')} |
| --- | ${results.map(() => '---:').join(' | ')} |
${[...new Set(results.flatMap((r) => r.setupCalls.slice(0, 12).map((c) => c.operation)))].map((op) => `| ${op} | ${results.map((r) => { const c = r.setupCalls.find((x) => x.operation === op); return c ? `${c.seconds.toFixed(0)} s / ${fmt(c.calls)}` : '—'; }).join(' | ')} |`).join('\n')}

Rows per table:

| table | ${results.map((r) => fmt(r.orders)).join(' | ')} |
| --- | ${results.map(() => '---:').join(' | ')} |
${Object.keys(first.rows).map((t) => `| ${t} | ${results.map((r) => fmt(r.rows[t])).join(' | ')} |`).join('\n')}
| MiB on disk (erp/wms/tms/crm/hub) | ${results.map((r) => Object.values(r.dataMb).join(' / ')).join(' | ')} |

## Indexes the statements use

The statements Q1 and Q2 make the adapters and the hub run, caught at their connections as they run them (TypeORM's SQL for the
ERP and WMS adapters), and for the TMS and CRM simulators the SQL their servers run; the plans are MariaDB's EXPLAIN at each size.

${planTables.join('\n\n')}

<details><summary>The SQL (${fmt(last.orders)} orders; IN lists as long as the request made them)</summary>

${[...sqlOf].map(([l, s]) => `- ${l}: \`${s.replace(/\s+/g, ' ').replace(/^SELECT .{80,}? FROM /, 'SELECT … FROM ').replace(/(\?, ){3,}\?/g, '?, …, ?')}\``).join('\n')}

</details>
`;
  writeResult(new URL('./results/scale.md', import.meta.url).pathname, md);
}

const results: SizeResult[] = [];
for (const size of sizes) {
  results.push(await measureSize(size));
  writeReport(results);
}
