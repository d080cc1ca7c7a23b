// Live orders, measured (issue 13): from the last legacy write to the subscriber receiving the event,
// over WebSocket and SSE, at a trickle and at ten times it; and the gateway's memory per idle
// subscription at 1,000 and 10,000 open subscriptions.
//
// Each write is a TMS track the carrier posts (a delay exception on a linked waybill, through the
// TMS API as the carrier's system would): the hub reads it on its next link round, records the
// SHIPMENT_EXCEPTION event, publishes it on NATS JetStream (a server of the bench's own), and the
// gateway delivers it — with the order's status and shipment resolved through the subgraphs — to
// one graphql-ws and one graphql-sse subscriber. Delay = receipt − the write's HTTP answer, broken
// down by stage (common/src/event-trace.ts: the hub and the gateway run in this process and mark
// when each event was numbered, published, received, resolved and sent).
// Run: npm run bench:events [-- --orders 3000 --trickle 1 --seconds 40 --idle 1000,10000]
// (nice -n 19 on a shared machine: the load average is printed with every figure.)
import { spawn } from 'node:child_process';
import { getPriority, loadavg } from 'node:os';
import { once } from 'node:events';
import { formatBeijing } from '../common/src/time.js';
import { startStack } from '../test/helpers/stack.js';
import { ownNats } from '../test/helpers/nats.js';
import { sseSubscribe, wsConnection } from '../test/helpers/live-clients.js';
import { setEventTracer, type EventStage } from '../common/src/event-trace.js';
import { args, machine, writeResult } from './lib.js';

const opts = args({ orders: '3000', days: '2', trickle: '1', seconds: '40', idle: '1000,10000', out: 'bench/results/events.md' });
process.env.LOG_LEVEL ??= 'warn';
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const uptimeBefore = load();
const command = `npm run bench:events -- ${process.argv.slice(2).join(' ')}`.trim();

// Every link round's start, and when each event (by its log position) reached each stage.
const rounds: number[] = [];
const roundsWritten: number[] = [];
const marks = new Map<number, Partial<Record<EventStage, number>> & { by: Record<string, Partial<Record<EventStage, number>>> }>();
setEventTracer({
  round: (phase, at) => void (phase === 'started' ? rounds : roundsWritten).push(at),
  stage: (stage, positions, at, protocol) => {
    for (const p of positions) {
      let m = marks.get(p);
      if (!m) marks.set(p, (m = { by: {} }));
      if (protocol) (m.by[protocol] ??= {})[stage] ??= at;
      else m[stage] ??= at;
    }
  },
});

const nats = await ownNats();
const stack = await startStack({
  name: 'benchevents',
  orders: Number(opts.orders),
  days: Number(opts.days),
  seed: 2027,
  dialect: 'mysql',
  env: {
    EVENTS_NATS_URL: nats.url,
    EVENTS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '1000',
    EVENTS_MAX_SUBSCRIPTIONS_PER_TOKEN: '20000',
    REPORT_SCHEDULE: 'off',
    LEGACY_TIMEOUT_MS: '5000',
    LEGACY_DEADLINE_MS: '15000',
    SUBGRAPH_TIMEOUT_MS: '15000',
  },
});
const admin = await stack.token('admin');
const pollMs = stack.config.LINK_POLL_MS;

// Waybills linked to an order: each gets one write, so every write is news to the hub.
const waybills: { orderId: string; waybillNo: string }[] = [];
for (let after: string | null = null; ; ) {
  const r: any = await stack.query(`query($after: String) { orders(first: 200, after: $after) { edges { node { id tmsWaybillNo } } pageInfo { hasNextPage endCursor } } }`, { after });
  for (const e of r.data.orders.edges) if (e.node.tmsWaybillNo) waybills.push({ orderId: e.node.id, waybillNo: e.node.tmsWaybillNo });
  if (!r.data.orders.pageInfo.hasNextPage) break;
  after = r.data.orders.pageInfo.endCursor;
}
console.log(`${waybills.length} linked waybills; link poll ${pollMs} ms`);

const FEED = 'subscription Bench { orderEvents(filter: { types: [SHIPMENT_EXCEPTION] }) { event { id orderId type } order { status shipment { status } } } }';
type Sample = { orderId: string; at: number };
type Receipt = { at: number; position: number };
const written = new Map<string, number>();
const delays: Record<'ws' | 'sse', Map<string, Receipt>> = { ws: new Map(), sse: new Map() };
const ws = wsConnection(stack.gatewayUrl, admin);
const wsSub = ws.subscribe(FEED);
const sseSub = sseSubscribe(stack.gatewayUrl, admin, FEED);
// Receipt times, as each result arrives.
const watch = (results: any[], into: Map<string, Receipt>) => {
  const push = results.push.bind(results);
  results.push = (...items: any[]) => {
    const now = Date.now();
    for (const r of items) {
      const event = r?.data?.orderEvents?.event;
      if (event?.orderId && !into.has(event.orderId)) into.set(event.orderId, { at: now, position: Number(event.id) });
    }
    return push(...items);
  };
};
watch(wsSub.results, delays.ws);
watch(sseSub.results, delays.sse);
await new Promise((r) => setTimeout(r, 1500));

async function write(w: { orderId: string; waybillNo: string }): Promise<void> {
  const res = await fetch(`${stack.tmsApiUrl.replace(/\/$/, '')}/api/v1/waybill/${w.waybillNo}/track`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ opCode: 50, opTime: formatBeijing(Date.now()), opCity: '杭州', opDesc: '天气原因延误', exception: { code: 'WEATHER_DELAY', desc: '暴雨', delayMinutes: 120 } }),
  });
  const body = (await res.json()) as { code: number };
  if (body.code !== 0) throw new Error(`TMS track: ${JSON.stringify(body)}`);
  written.set(w.orderId, Date.now());
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};

let next = 0;
let phaseLoad = load();
async function phase(name: string, perSecond: number, seconds: number) {
  const mine: Sample[] = [];
  const started = Date.now();
  const total = Math.floor(perSecond * seconds);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    const w = waybills[next++ % waybills.length];
    void write(w).then(() => mine.push({ orderId: w.orderId, at: written.get(w.orderId)! }));
  }
  // Everything written is delivered (or given up on after 20 s).
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !mine.every((s) => delays.ws.has(s.orderId) && delays.sse.has(s.orderId))) await new Promise((r) => setTimeout(r, 200));
  const row = (protocol: 'ws' | 'sse') => {
    const got = mine.filter((s) => delays[protocol].has(s.orderId));
    const total = got.map((s) => delays[protocol].get(s.orderId)!.at - s.at);
    // Where each delivered event's time went, stage by stage (ms; a stage that overlaps the one
    // before it — a write made while the round that read it was under way — counts from the later).
    const stages = new Map<string, number[]>();
    const add = (stage: string, ms: number | undefined) => {
      if (ms == null || !Number.isFinite(ms)) return;
      if (!stages.has(stage)) stages.set(stage, []);
      stages.get(stage)!.push(Math.max(0, ms));
    };
    for (const s of got) {
      const r = delays[protocol].get(s.orderId)!;
      const m = marks.get(r.position);
      const recorded = m?.recorded;
      const roundStart = recorded != null ? rounds.filter((t) => t <= recorded).at(-1) : undefined;
      const entered = roundStart != null ? Math.max(roundStart, s.at) : s.at;
      add('write → the round that reads it starts (feed poll)', roundStart != null ? roundStart - s.at : undefined);
      add('round: reading the feeds until the event is recorded', recorded! - entered);
      const roundWritten = recorded != null ? roundsWritten.find((t) => t >= recorded) : undefined;
      add('recorded → the round has written all it read', roundWritten! - recorded!);
      add('→ numbered (the sequencer, woken by the round)', m?.numbered! - roundWritten!);
      add('numbered → published (bus acknowledged)', m?.published! - m?.numbered!);
      add('published → the gateway receives it', m?.received! - m?.published!);
      add('received → selection resolved (planner, subgraphs)', m?.by[protocol]?.resolved! - m?.received!);
      add('resolved → sent to the transport', m?.by[protocol]?.sent! - m?.by[protocol]?.resolved!);
      add('sent → the client receives it', r.at - m?.by[protocol]?.sent!);
    }
    const breakdown = [...stages].map(([stage, xs]) => ({ stage, p50: pct(xs, 50), p99: pct(xs, 99) }));
    return { protocol, writes: mine.length, delivered: got.length, p50: pct(total, 50), p99: pct(total, 99), max: Math.max(...total), breakdown };
  };
  const loadBefore = phaseLoad;
  phaseLoad = load();
  return { name, perSecond, seconds, rows: [row('ws'), row('sse')], loadBefore, load: phaseLoad };
}

const trickle = Number(opts.trickle);
const latency = [await phase('trickle', trickle, Number(opts.seconds)), await phase('10× trickle', trickle * 10, Number(opts.seconds) / 2)];
await wsSub.close();
await sseSub.close();
await ws.dispose();
for (const p of latency) for (const r of p.rows) console.log(`${p.name} ${r.protocol}: ${r.delivered}/${r.writes} p50 ${r.p50} ms p99 ${r.p99} ms (load ${p.loadBefore} → ${p.load})`);

// Memory per idle subscription: the gateway's heap and RSS with N open, against none (after GC).
const gc = (globalThis as { gc?: () => void }).gc;
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 300));
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
};
const openNow = async () => {
  const text = await (await fetch(new URL('/metrics', stack.gatewayUrl))).text();
  return [...text.matchAll(/^gateway_subscriptions_open\{[^}]*protocol="ws"[^}]*\} (\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
};
const memory: { count: number; connections: number; heapPerSub: number; rssPerSub: number; openMs: number; load: string }[] = [];
for (const count of opts.idle === 'none' ? [] : opts.idle.split(',').map(Number)) {
  const base = await settle();
  const perConnection = 100;
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/events-clients.ts', stack.gatewayUrl, admin, String(count), String(perConnection)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  console.log(String(line).trim());
  const deadline = Date.now() + 300_000;
  while ((await openNow()) < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  const openMs = Date.now() - started;
  const open = await openNow();
  const held = await settle();
  memory.push({ count: open, connections: Math.ceil(count / perConnection), heapPerSub: (held.heap - base.heap) / open, rssPerSub: (held.rss - base.rss) / open, openMs, load: load() });
  child.stdin!.end();
  await once(child, 'exit');
  while ((await openNow()) > 0) await new Promise((r) => setTimeout(r, 200));
}
for (const m of memory) console.log(`${m.count} idle: ${(m.heapPerSub / 1024).toFixed(1)} KiB heap, ${(m.rssPerSub / 1024).toFixed(1)} KiB RSS per subscription`);

await stack.close();
await nats.close();

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const protocolName = (p: string) => (p === 'ws' ? 'WebSocket (graphql-ws)' : 'SSE (graphql-sse)');
const breakdown = (p: (typeof latency)[number]) => {
  const [ws, sse] = p.rows;
  return `**${p.name} (${p.perSecond} writes/s)** — p50 / p99 of each stage, ms:

| stage | WebSocket p50 | WebSocket p99 | SSE p50 | SSE p99 |
| --- | ---: | ---: | ---: | ---: |
${ws.breakdown.map((b) => { const o = sse.breakdown.find((x) => x.stage === b.stage); return `| ${b.stage} | ${b.p50} | ${b.p99} | ${o?.p50 ?? '—'} | ${o?.p99 ?? '—'} |`; }).join('\n')}
| **write → the client receives it** | **${ws.p50}** | **${ws.p99}** | **${sse.p50}** | **${sse.p99}** |`;
};
const markdown = `# Live orders: event delivery latency and idle subscription memory

Command: \`${command}\` (\`node --expose-gc --import tsx bench/events.ts\`, niceness ${getPriority()}), ${new Date().toISOString().slice(0, 16)}Z.
Machine: ${machine()}; load average (1, 5, 15 min) at start: ${uptimeBefore}, at the end: ${load()}.
Stack: MariaDB, NATS JetStream (a nats-server of the bench's own), the hub polling the change feeds every ${pollMs} ms (\`LINK_POLL_MS\`), one gateway; the subscribers run in the bench's process.

## From the last legacy write to the subscriber

A write is a carrier's delay exception posted to the TMS API on a linked waybill (one write per
waybill). The delay runs from the TMS API's answer to the subscriber receiving the
\`SHIPMENT_EXCEPTION\` event with the order's \`status\` and \`shipment { status }\` (resolved by
order-link and tms). It includes waiting for the hub's next link round: at most \`LINK_POLL_MS\`.

| phase | writes/s | protocol | delivered | p50 | p99 | max | load average before → after |
| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |
${latency.flatMap((p) => p.rows.map((r) => `| ${p.name} | ${p.perSecond} | ${protocolName(r.protocol)} | ${r.delivered} / ${r.writes} | ${r.p50} ms | ${r.p99} ms | ${r.max} ms | ${p.loadBefore} → ${p.load} |`)).join('\n')}

### Where the time goes

Each delivered event's delay split at the marks the hub and the gateway leave (the start of the
link round that recorded it, the trigger's record time, numbering, the bus's acknowledgement, the
gateway's feed, the resolved selection, the hand-over to the transport) and the client's receipt.
Percentiles of the stages do not add up to the total's.

${latency.map(breakdown).join('\n\n')}
${
  memory.length
    ? `
## Memory per idle subscription

Idle \`orderEvents\` subscriptions over graphql-ws, 100 per WebSocket connection, opened by a separate
process; the gateway's process (which here also runs the subgraphs) measured after garbage
collection, against the same process with none open.

| open subscriptions | connections | heap per subscription | RSS per subscription | time to open all | load average |
| ---: | ---: | ---: | ---: | ---: | --- |
${memory.map((m) => `| ${m.count.toLocaleString('en')} | ${m.connections} | ${kib(m.heapPerSub)} | ${kib(m.rssPerSub)} | ${(m.openMs / 1000).toFixed(1)} s | ${m.load} |`).join('\n')}
`
    : ''
}`;
console.log(`\n${markdown}`);
writeResult(opts.out ?? 'bench/results/events.md', markdown);
process.exit(0);
