// npm run bench: our gateway side by side with a stock @apollo/gateway, Hive Gateway, and our own
// stack with DataLoader batching off, on the same subgraphs and the same supergraph, in the same
// run; then the sync latency from new legacy documents to a linked, evaluated hub order.
//   npm run bench -- [--orders 20000] [--rounds 3] [--seconds 5] [--connections 4,16] [--sync 300]
//                    [--only ours,apollo] [--profile .scratch/prof] [--out bench/results/gateways.md]
// --profile writes a V8 CPU profile of every process (gateways and back end) into that folder.
// Each gateway and the back end run in processes of their own; the load generator (autocannon)
// runs here. Rounds visit the contenders in rotating order, and ratios are taken round by round
// (ours against each, under the same conditions) before the median: the machine is shared.
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { createPool } from 'mysql2/promise';
import { loadConfig } from '../common/src/config.js';
import { authSettings, mintToken } from '../common/src/tokens.js';
import { createLiveOrder } from '../legacy-sim/src/live.js';
import { callsBetween, legacyCallTotals } from '../test/helpers/legacy-calls.js';
import { args, machine, median, writeResult } from './lib.js';
import { percentile, runLoad, type GraphQLCall, type LoadResult } from './load.js';
import { Q1, Q2, Q3 } from './queries.js';
import type { StackReady } from './stack-process.js';

const opts = args({ orders: '20000', rounds: '3', seconds: '5', connections: '4,16', sync: '300', only: 'ours,apollo,hive,unbatched', profile: '', out: 'bench/results/gateways.md' });
const rounds = Number(opts.rounds);
const seconds = Number(opts.seconds);
const connectionLevels = opts.connections.split(',').map(Number);
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
const loadAtStart = loadavg();
const children: ChildProcess[] = [];

/** Forks a bench process and waits for its first message. */
function forkReady<T>(script: string, argv: string[], env: Record<string, string>): Promise<{ child: ChildProcess; message: T }> {
  const profile = opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${opts.profile}`] : [];
  const child = fork(new URL(script, import.meta.url), argv, { execArgv: ['--import', 'tsx', ...profile], env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env } });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, message: message as T }));
    child.once('exit', (code) => reject(new Error(`${script} ${argv.join(' ')} exited (${code}) before it was ready`)));
  });
}

// Asked, not killed: a profiled process writes its profile as it exits.
const stopAll = () => {
  for (const c of children) if (c.exitCode == null) c.send('stop');
};
process.on('exit', () => children.forEach((c) => c.exitCode == null && c.kill('SIGKILL')));

console.log(`seeding ${opts.orders} orders and linking them…`);
const { message: stack } = await forkReady<StackReady>('./stack-process.ts', [], { BENCH_ORDERS: opts.orders });
console.log(`seeded in ${stack.seedMs} ms, linked and evaluated in ${stack.linkMs} ms: ${stack.orders} orders`);

interface Contender {
  name: string;
  label: string;
  url: string;
  subgraphUrls: string[];
  child: ChildProcess;
}

/** CPU time the contender's process has used so far, µs. */
const cpuOf = (c: Contender) =>
  new Promise<number>((resolve) => {
    const answer = (m: any) => {
      if (typeof m?.cpu !== 'number') return;
      c.child.off('message', answer);
      resolve(m.cpu);
    };
    c.child.on('message', answer);
    c.child.send('cpu');
  });
const contenderSpecs = [
  { name: 'ours', label: 'Order Hub gateway', kind: 'ours', urls: stack.subgraphUrls, env: {} as Record<string, string> },
  { name: 'apollo', label: 'stock @apollo/gateway', kind: 'apollo', urls: stack.subgraphUrls, env: {} },
  { name: 'hive', label: 'Hive Gateway', kind: 'hive', urls: stack.subgraphUrls, env: {} },
  // Without batching a page of 100 orders takes seconds: it gets the time rather than a timeout.
  { name: 'unbatched', label: 'ours, batching off', kind: 'ours', urls: stack.unbatchedUrls, env: { SUBGRAPH_TIMEOUT_MS: '60000' } },
].filter((c) => c.name === 'ours' || opts.only.split(',').includes(c.name));
const contenders: Contender[] = [];
for (const spec of contenderSpecs) {
  const { child, message } = await forkReady<{ url: string }>('./contenders/serve.ts', [spec.kind], { BENCH_SUBGRAPH_URLS: JSON.stringify(spec.urls), ...spec.env });
  contenders.push({ name: spec.name, label: spec.label, url: message.url, subgraphUrls: Object.values(spec.urls), child });
}

// Callers: operations staff for the whole-order queries, each order's own customer for Q3.
const config = loadConfig({ NODE_ENV: 'test' });
const auth = authSettings(config);
const opsToken = await mintToken(auth, 'bench-ops', 'ops');
let seed = 2025;
const pick = <T>(items: T[]) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return items[seed % items.length];
};
const customerTokens = new Map<string, string>();
const shipped = stack.waybills.filter((_, i) => i % Math.max(1, Math.floor(stack.waybills.length / 500)) === 0);
for (const w of shipped) if (!customerTokens.has(w.customerCode)) customerTokens.set(w.customerCode, await mintToken(auth, `bench-${w.customerCode}`, 'customer', w.customerCode));

// Q2 asks for different pages, so that no gateway is flattered by identical requests in flight together.
const pageCursors: (string | null)[] = [null];
while (pageCursors.length < 50) {
  const res = await fetch(contenders[0].url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${opsToken}` },
    body: JSON.stringify({ query: 'query($after: String) { orders(first: 100, after: $after) { pageInfo { hasNextPage endCursor } } }', variables: { after: pageCursors.at(-1) } }),
  });
  const page = ((await res.json()) as any).data.orders.pageInfo;
  if (!page.hasNextPage) break;
  pageCursors.push(page.endCursor);
}

const queries: { name: string; describe: string; next: () => GraphQLCall }[] = [
  { name: 'Q1', describe: 'one order by ERP number, every system\'s fields', next: () => ({ token: opsToken, body: JSON.stringify({ query: Q1, variables: { id: pick(stack.erpOrderNos) } }) }) },
  { name: 'Q2', describe: 'a page of 100 orders, every system\'s fields (one of the first 50 pages)', next: () => ({ token: opsToken, body: JSON.stringify({ query: Q2, variables: { after: pick(pageCursors) } }) }) },
  {
    name: 'Q3',
    describe: 'an order by waybill number, customer-shaped, as its customer',
    next: () => {
      const w = pick(shipped);
      return { token: customerTokens.get(w.customerCode)!, body: JSON.stringify({ query: Q3, variables: { id: w.waybillNo } }) };
    },
  },
];

/** Where two answers differ (key order aside), or null. */
function firstDifference(a: unknown, b: unknown, path = 'data'): string | null {
  if (a === b) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as any)[k], (b as any)[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

// Every answer must be right before any is timed: the same data from every contender.
for (const q of queries) {
  const call = q.next();
  const answers = await Promise.all(
    contenders.map(async (c) => {
      const res = await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${call.token}` }, body: call.body });
      return { name: c.name, status: res.status, json: (await res.json()) as any };
    }),
  );
  for (const a of answers) {
    if (a.status !== 200 || a.json.errors) throw new Error(`${q.name} on ${a.name}: HTTP ${a.status} ${JSON.stringify(a.json).slice(0, 500)}`);
    const difference = firstDifference(a.json.data, answers[0].json.data);
    if (difference) throw new Error(`${q.name}: ${a.name} answers differently from ${answers[0].name} at ${difference}`);
  }
}
console.log('every contender gives the same answers; warming up…');
for (const c of contenders) for (const q of queries) await runLoad(c.url, q.next, { connections: 2, seconds: 2 });

interface Sample extends LoadResult {
  /** The gateway process's own CPU time per request, ms. */
  gatewayCpuMs: number;
  callsPerRequest: number;
  callsBySystem: Record<string, number>;
}
const samples = new Map<string, Sample[]>(); // `${query}|${connections}|${contender}`
for (let round = 0; round < rounds; round++) {
  for (const q of queries) {
    for (const connections of connectionLevels) {
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
      for (const c of order) {
        const before = await legacyCallTotals(c.subgraphUrls);
        const cpuBefore = await cpuOf(c);
        const result = await runLoad(c.url, q.next, { connections, seconds });
        // Requests cut off by the end of the run still run in the gateway and the back end: let them
        // finish here, counted to this contender, rather than slow the next one down.
        await new Promise((r) => setTimeout(r, Math.min(15_000, result.max + 250)));
        const gatewayCpuMs = ((await cpuOf(c)) - cpuBefore) / 1000 / Math.max(1, result.requests);
        const used = callsBetween(before, await legacyCallTotals(c.subgraphUrls));
        const callsBySystem: Record<string, number> = {};
        for (const [key, n] of Object.entries(used)) callsBySystem[key.split(':')[0]] = (callsBySystem[key.split(':')[0]] ?? 0) + n / Math.max(1, result.requests);
        const callsPerRequest = Object.values(callsBySystem).reduce((a, b) => a + b, 0);
        const key = `${q.name}|${connections}|${c.name}`;
        samples.set(key, [...(samples.get(key) ?? []), { ...result, gatewayCpuMs, callsPerRequest, callsBySystem }]);
        console.log(
          `round ${round + 1} ${q.name} c=${connections} ${c.name.padEnd(9)} ${result.rps.toFixed(1).padStart(7)} req/s  p50 ${result.p50} p95 ${result.p95} p99 ${result.p99} ms  errors ${result.errors}  gateway CPU ${gatewayCpuMs.toFixed(2)} ms/req  calls/req ${callsPerRequest.toFixed(2)}`,
        );
        if (result.firstError) console.log(`  first error: ${result.firstError}`);
      }
    }
  }
}

// One Q2 on our gateway, call by call: the batching bound is per system and entity type.
const q2Before = await legacyCallTotals(contenders[0].subgraphUrls);
await fetch(contenders[0].url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${opsToken}` }, body: JSON.stringify({ query: Q2 }) });
const q2Calls = callsBetween(q2Before, await legacyCallTotals(contenders[0].subgraphUrls));

// The same page with batching off, alone: what N+1 costs one request.
const unbatchedContender = contenders.find((c) => c.name === 'unbatched');
let q2UnbatchedCalls: Record<string, number> = {};
if (unbatchedContender) {
  const before = await legacyCallTotals(unbatchedContender.subgraphUrls);
  await fetch(unbatchedContender.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${opsToken}` }, body: JSON.stringify({ query: Q2 }) });
  q2UnbatchedCalls = callsBetween(before, await legacyCallTotals(unbatchedContender.subgraphUrls));
}

// Sync latency: new orders written into ERP, WMS and TMS as they happen; the time until the hub
// has linked all three documents and the rules have judged the order.
console.log(`sync latency over ${opts.sync} new orders…`);
const hubPool = createPool({ uri: stack.hubUrl, connectionLimit: 2 });
const pending = new Map<string, number>();
const syncLatencies: number[] = [];
let writing = true;
const watcher = (async () => {
  while (writing || pending.size) {
    if (pending.size) {
      const nos = [...pending.keys()];
      const [rows] = (await hubPool.query(
        `SELECT h.erp_order_no FROM hub_order h WHERE h.erp_order_no IN (?) AND h.wms_outbound_no IS NOT NULL AND h.tms_waybill_no IS NOT NULL
           AND EXISTS (SELECT 1 FROM hub_decision d WHERE d.order_id = h.id)`,
        [nos],
      )) as any[];
      const now = Date.now();
      for (const r of rows) {
        syncLatencies.push(now - pending.get(r.erp_order_no)!);
        pending.delete(r.erp_order_no);
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
})();
const targets = { erpUrl: stack.erpUrl, wmsUrl: stack.wmsUrl, tmsApiUrl: stack.tmsApiUrl };
for (let i = 0; i < Number(opts.sync); i++) {
  const live = await createLiveOrder(targets, 7_000 + i);
  pending.set(live.erpOrderNo, Date.now());
  // Orders arrive a few a second, not all at once: each waits for the next link round.
  await new Promise((r) => setTimeout(r, 100 + (i % 7) * 30));
}
writing = false;
await Promise.race([watcher, new Promise((r) => setTimeout(r, 15_000))]);
const unsynced = pending.size;
await hubPool.end();
syncLatencies.sort((a, b) => a - b);

stopAll();
await Promise.all(children.map((c) => (c.exitCode == null ? new Promise((r) => c.once('exit', r)) : null)));

// ---- the report ----------------------------------------------------------------------------------
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const med = (xs: Sample[], f: (s: Sample) => number) => median(xs.map(f));
const lines: string[] = [];
const ratioRows: string[] = [];
const headline: Record<string, Record<string, number>> = {};
for (const q of queries) {
  lines.push(`\n### ${q.name}: ${q.describe}\n`);
  lines.push('| connections | gateway | req/s | p50 ms | p95 ms | p99 ms | errors | gateway CPU ms / request | legacy calls / request (erp, wms, tms, crm) | ours ÷ this, req/s |');
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const connections of connectionLevels) {
    const ours = samples.get(`${q.name}|${connections}|ours`)!;
    for (const c of contenders) {
      const s = samples.get(`${q.name}|${connections}|${c.name}`)!;
      const ratio = c.name === 'ours' ? NaN : median(s.map((x, round) => ours[round].rps / x.rps));
      if (c.name !== 'ours') (headline[`${q.name}`] ??= {})[`${c.name}@${connections}`] = ratio;
      const bySystem = ['erp', 'wms', 'tms', 'crm'].map((sys) => fmt(med(s, (x) => x.callsBySystem[sys] ?? 0), 2)).join(', ');
      lines.push(
        `| ${connections} | ${c.label} | ${fmt(med(s, (x) => x.rps), 1)} | ${fmt(med(s, (x) => x.p50))} | ${fmt(med(s, (x) => x.p95))} | ${fmt(med(s, (x) => x.p99))} | ${s.reduce((a, x) => a + x.errors, 0)} | ${fmt(med(s, (x) => x.gatewayCpuMs), 2)} | ${fmt(med(s, (x) => x.callsPerRequest), 2)} (${bySystem}) | ${c.name === 'ours' ? '1' : `${fmt(ratio, 2)}×`} |`,
      );
    }
  }
}
for (const q of queries) {
  for (const c of contenders.filter((x) => x.name !== 'ours')) {
    const ratios = connectionLevels.map((n) => headline[q.name][`${c.name}@${n}`]);
    ratioRows.push(`| ${q.name} | ${c.label} | ${ratios.map((r) => `${fmt(r, 2)}×`).join(' | ')} |`);
  }
}
const loadAtEnd = loadavg();
const markdown = `# Gateways side by side, and sync latency

Command: \`${command}\`
Machine: ${machine()}; load average at start ${loadAtStart.map((x) => x.toFixed(2)).join(' / ')}, at end ${loadAtEnd.map((x) => x.toFixed(2)).join(' / ')} (the machine is shared: read ratios, not absolutes)
Date: ${new Date().toISOString().slice(0, 10)}

Data: ${stack.orders} orders linked in the hub (seed 2025) on MariaDB; seeding took ${fmt(stack.seedMs / 1000, 1)} s, linking and evaluating ${fmt(stack.linkMs / 1000, 1)} s.
Back end: the TMS and CRM simulators and the five subgraphs in one process, with a second set of
the five (DataLoader batching off) beside them on the same databases. Each gateway runs in a process
of its own; autocannon drives ${seconds} s per run at each connection count, ${rounds} rounds, contenders
in rotating order. Every contender serves the same \`supergraph.graphql\`, verifies the same JWT and
signs its subgraph requests; before timing, each gave the same answer to each query.
Figures are medians over rounds; errors are summed; ratios are ours ÷ contender in req/s, taken
per round and then the median.

## Ratios (ours ÷ contender, req/s, by connections ${connectionLevels.join(' / ')})

| query | contender | ${connectionLevels.map((n) => `c=${n}`).join(' | ')} |
|---|---|${connectionLevels.map(() => '---:').join('|')}|
${ratioRows.join('\n')}

## Per query
${lines.join('\n')}

## One Q2 (100 orders) on our gateway, legacy calls by operation

${Object.entries(q2Calls)
  .sort()
  .map(([op, n]) => `- \`${op}\`: ${n}`)
  .join('\n')}

${unbatchedContender ? `The same Q2 with batching off made ${Object.values(q2UnbatchedCalls).reduce((a, b) => a + b, 0)} legacy calls (${Object.entries(q2UnbatchedCalls).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([op, n]) => `\`${op}\` ${n}`).join(', ')}, …).
` : ''}
## Sync latency

${syncLatencies.length} new orders written into ERP, WMS and TMS (\`createLiveOrder\`, a few a second), timed from
the last of their documents being written to the hub holding the order with its outbound and waybill
linked and the rules' decisions recorded (polled every 10 ms; link rounds every LINK_POLL_MS =
${config.LINK_POLL_MS} ms). ${unsynced ? `**${unsynced} were not linked within 15 s.**` : 'Every one was linked.'}

| p50 | p90 | p99 | max |
|---:|---:|---:|---:|
| ${percentile(syncLatencies, 50)} ms | ${percentile(syncLatencies, 90)} ms | ${percentile(syncLatencies, 99)} ms | ${syncLatencies.at(-1)} ms |
`;
writeResult(opts.out, markdown);
process.exit(0);
