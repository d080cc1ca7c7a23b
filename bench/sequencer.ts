// How fast the order event log numbers a backlog (events/log.ts), as the lease holder does it in
// service: its own rounds, its own guard on the hub (hub-events, LEGACY_TIMEOUT_MS as configured),
// its backoff after a failed round. A backlog like a bulk load's is written unnumbered at once,
// then the log is started and its numbered_to watched every second until it has caught up.
// Counts events and seconds; prints the load average beside them (the machine may be shared).
// With --writers N, N writers go on recording events meanwhile as a bulk load's link rounds do: 500
// at a time in transactions held open for --holdMs (a trigger's rows commit with their round's).
// With --numbered N the log first holds N events numbered already (a first sync's), before the backlog.
// Run: npx tsx bench/sequencer.ts [--backlog 200000] [--numbered 0] [--orders 400] [--writers 0] [--holdMs 300]
import { loadavg } from 'node:os';
import { startStack } from '../test/helpers/stack.js';
import { args, machine } from './lib.js';

const opts = args({ backlog: '200000', numbered: '0', orders: '400', limit: '900', writers: '0', holdMs: '300' });
process.env.LOG_LEVEL ??= 'warn';
const stack = await startStack({ name: 'benchseq', orders: Number(opts.orders), seed: 2025, dialect: 'mysql', env: { LINK_POLL_MS: '600000' } });
try {
  const { hubDb, events } = stack.orderLink;
  await events.runOnce();
  await events.stop();
  const ids = (await hubDb.query('SELECT id FROM hub_order ORDER BY id')).map((r: any) => Number(r.id));
  const backlog = Number(opts.backlog);
  // A log that has numbered many events already, as after a first sync: written numbered (and published) at once.
  const [stream] = await hubDb.query('SELECT numbered_to FROM hub_event_stream WHERE id = 1');
  const base = Number(stream.numbered_to);
  const already = Number(opts.numbered);
  for (let i = 0; i < already; i += 5000) {
    const n = Math.min(5000, already - i);
    const rows = Array.from({ length: n }, (_, k) => [ids[(i + k) % ids.length], 'STAGE_REACHED', 'ERP', 0, '{"stage":"PAID"}', 0, 1_000_000 + i + k, base + i + k + 1]);
    await hubDb.query(`INSERT INTO hub_order_event (order_id, type, system, at, detail, recorded_us, seq, position) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`, rows.flat());
  }
  if (already) await hubDb.query('UPDATE hub_event_stream SET numbered_to = ?, published_to = ? WHERE id = 1', [base + already, base + already]);
  // STAGE_REACHED-like rows, spread over the orders as a bulk load's are (a few per order, interleaved).
  const now = Date.now();
  for (let i = 0; i < backlog; i += 5000) {
    const n = Math.min(5000, backlog - i);
    const rows = Array.from({ length: n }, (_, k) => [ids[(i + k) % ids.length], 'STAGE_REACHED', 'WMS', now, '{"stage":"PICKING"}', (now + i + k) * 1000]);
    await hubDb.query(`INSERT INTO hub_order_event (order_id, type, system, at, detail, recorded_us) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`, rows.flat());
  }
  const head = async () => Number((await hubDb.query('SELECT numbered_to FROM hub_event_stream WHERE id = 1'))[0].numbered_to);
  const from = await head();
  const target = from + backlog;
  const started = Date.now();
  const load = [loadavg()[0]];
  let writing = true;
  let written = 0;
  const writers = Array.from({ length: Number(opts.writers) }, async (_, w) => {
    while (writing) {
      await hubDb.transaction(async (em) => {
        const t = Date.now();
        const rows = Array.from({ length: 500 }, (_, k) => [ids[(w * 500 + k + written) % ids.length], 'STAGE_REACHED', 'TMS', t, '{"stage":"IN_TRANSIT"}', t * 1000]);
        await em.query(`INSERT INTO hub_order_event (order_id, type, system, at, detail, recorded_us) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`, rows.flat());
        await new Promise((r) => setTimeout(r, Number(opts.holdMs)));
      });
      written += 500;
    }
  });
  events.start();
  let numbered = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    numbered = (await head()) - from;
    if (numbered >= backlog) writing = false;
    load.push(loadavg()[0]);
    const s = (Date.now() - started) / 1000;
    if (Math.round(s) % 10 === 0) console.log(`${s.toFixed(0)} s: ${numbered} numbered (${Math.round(numbered / s)}/s), load ${loadavg()[0].toFixed(1)}`);
    if (numbered >= backlog || s > Number(opts.limit)) break;
  }
  const seconds = (Date.now() - started) / 1000;
  writing = false;
  await Promise.all(writers);
  await events.stop();
  console.log(
    `\n${numbered.toLocaleString('en-US')} of ${backlog.toLocaleString('en-US')} events numbered in ${seconds.toFixed(1)} s: ${Math.round(numbered / seconds)} events/s` +
      `${written ? `, ${written.toLocaleString('en-US')} more written meanwhile by ${opts.writers} writers` : ''}` +
      ` (load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}; ${machine()}; reached ${target <= from + numbered ? 'the end' : 'the time limit'})`,
  );
} finally {
  await stack.close();
}
