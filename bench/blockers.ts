// What recording blockers costs (src/blocker-record.ts), in calls and rows rather than time: every
// order of a generated set marked due and recorded in one pass, then again with nothing changed.
// Counts each guarded call of order-link by system and operation (its /metrics), the statements a
// pass makes per 500 orders, and what it wrote. Run: npx tsx bench/blockers.ts [--orders 3000]
import { startStack } from '../test/helpers/stack.js';
import { args, LOADERS_HEADING, machine, sectionsFrom, writeResult } from './lib.js';

const opts = args({ orders: '3000', days: '3' });
process.env.LOG_LEVEL ??= 'warn';
// Counts, not times: the hub's guards are given room so a busy shared machine does not fail the start-up rounds.
const stack = await startStack({ name: 'benchblk', orders: Number(opts.orders), days: Number(opts.days), seed: 2025, dialect: 'mysql', env: { LINK_POLL_MS: '600000', LEGACY_TIMEOUT_MS: '5000', LEGACY_DEADLINE_MS: '15000' } });

async function calls(): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', stack.subgraphUrls['order-link']))).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^legacy_calls_total\{([^}]*)\} (\d+(?:\.\d+)?)$/.exec(line);
    if (!m) continue;
    const l = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    // The background work beside it (the outbox, the call intake, token revocations) is not the pass's.
    if (/^(outbox\.|SO_SODetails\.addFreeLines|calls\.changes|token\.|cursor\.)/.test(l.operation)) continue;
    out[`${l.system} ${l.operation}`] = (out[`${l.system} ${l.operation}`] ?? 0) + Number(m[2]);
  }
  return out;
}
const diff = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v - (a[k] ?? 0)]).filter(([, v]) => (v as number) > 0)) as Record<string, number>;
const count = async (sql: string) => Number((await stack.orderLink.hubDb.query(sql))[0].n);

try {
  const { hubDb, blockers, events } = stack.orderLink;
  await events.runOnce();
  const orders = await count('SELECT COUNT(*) AS n FROM hub_order');
  const open = await count('SELECT COUNT(*) AS n FROM hub_order_blocker WHERE cleared_at IS NULL');
  const passes: { label: string; orders: number; raised: number; cleared: number; calls: Record<string, number>; ms: number }[] = [];
  for (const label of ['every order, nothing changed since the last record', 'again']) {
    await hubDb.query('INSERT INTO hub_blocker_due (order_id, marked_at) SELECT id, 0 FROM hub_order');
    const before = await calls();
    const t = Date.now();
    const pass = await blockers.runOnce(Date.now(), Number.MAX_SAFE_INTEGER);
    passes.push({ label, orders: pass.orders, raised: pass.raised, cleared: pass.cleared, calls: diff(before, await calls()), ms: Date.now() - t });
  }
  // The same orders recorded from nothing: every blocker a row to write (and, the ids being above the baseline, an event).
  const eventsBefore = await count('SELECT COUNT(*) AS n FROM hub_order_event');
  await hubDb.query('DELETE FROM hub_order_blocker');
  await hubDb.query('DELETE FROM hub_blocker_check');
  await hubDb.query('INSERT INTO hub_blocker_due (order_id, marked_at) SELECT id, 0 FROM hub_order');
  const before = await calls();
  const t = Date.now();
  const fresh = await blockers.runOnce(Date.now(), Number.MAX_SAFE_INTEGER);
  passes.push({ label: 'every order, from an empty record', orders: fresh.orders, raised: fresh.raised, cleared: fresh.cleared, calls: diff(before, await calls()), ms: Date.now() - t });
  const eventsWritten = (await count('SELECT COUNT(*) AS n FROM hub_order_event')) - eventsBefore;
  const chunks = Math.ceil(orders / 500);
  const table = (c: Record<string, number>) =>
    Object.entries(c)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `| ${k} | ${v} | ${(v / chunks).toFixed(1)} |`)
      .join('\n');
  const md = `# Recording blockers: what a pass costs

\`npx tsx bench/blockers.ts --orders ${opts.orders} --days ${opts.days}\` — ${new Date().toISOString().slice(0, 10)}, ${machine()}, MariaDB 10.11 on the same machine (shared, busy: times are not the point).

${orders.toLocaleString('en-US')} orders (${chunks} chunks of at most 500), ${open.toLocaleString('en-US')} blockers open after the start-up rounds recorded them.

${passes
  .map(
    (p) => `## ${p.label}

${p.orders} orders recomputed: ${p.raised} raised, ${p.cleared} cleared (${p.ms} ms on the busy machine).

| system, operation | calls | per chunk |
| --- | ---: | ---: |
${table(p.calls)}
`,
  )
  .join('\n')}
Recording from an empty record wrote ${eventsWritten.toLocaleString('en-US')} events (the blockers of every kind but LIFECYCLE_GAP and LINE_REJECTED, whose own triggers announce them).
`;
  console.log(md);
  // bench/blocker-loaders.ts's sections stay after this one.
  writeResult('bench/results/blockers.md', md + sectionsFrom('bench/results/blockers.md', LOADERS_HEADING));
} finally {
  await stack.close();
}
