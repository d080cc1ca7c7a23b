// What the BI change horizon costs (common/src/facts/horizon.ts): it trusts INNODB_TRX only when the copy
// shows its own snapshot transaction, so a horizon asked for within 0.1 s of another read of INNODB_TRX
// waits for a fresh copy; one answered serves further askers for 150 ms. An extraction asks for one
// horizon on its first page only.
// Run: npx tsx bench/horizon.ts [-- --calls 40]
import { loadavg } from 'node:os';
import { createConnection } from 'mysql2/promise';
import { openDataSource } from '../common/src/db.js';
import { createHorizon } from '../common/src/facts/horizon.js';
import { args, machine, median, writeResult } from './lib.js';
import { percentile } from './load.js';

const opts = args({ calls: '40' });
const calls = Number(opts.calls);
const MYSQL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const admin = await createConnection(`${MYSQL}/`);
await admin.query('CREATE DATABASE IF NOT EXISTS ohbench_horizon');
const db = await openDataSource(`${MYSQL}/ohbench_horizon`);
const warnings: string[] = [];
const horizon = createHorizon(db, { lagMs: 10_000, logger: { warn: (_o: unknown, msg: string) => warnings.push(msg) } as any });

async function timed(spacingMs: number, hammer: boolean): Promise<{ ms: number[]; lag: number }> {
  const reader = hammer ? await createConnection(`${MYSQL}/ohbench_horizon`) : null;
  let reading = hammer;
  const reads = (async () => {
    while (reading) {
      await reader!.query('SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX');
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const ms: number[] = [];
  let lag = 0;
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await horizon();
    ms.push(performance.now() - t);
    if (horizon.method() === 'lag') lag++;
    if (spacingMs) await new Promise((r) => setTimeout(r, spacingMs));
  }
  reading = false;
  await reads;
  await reader?.end();
  return { ms, lag };
}

const cases: [string, number, boolean][] = [
  ['one every 1.5 s (a BI tool refreshing)', 1500, false],
  ['back to back (extractions of several fact sets in a row)', 0, false],
  ['one every 200 ms (just past the reuse)', 200, false],
  ['back to back while another client reads INNODB_TRX every 20 ms', 0, true],
  ['one every 1.5 s while another client reads INNODB_TRX every 20 ms', 1500, true],
];
const rows: string[] = [];
for (const [what, spacing, hammer] of cases) {
  // Past the reuse window: the case's first call computes afresh.
  await new Promise((r) => setTimeout(r, 300));
  const { ms, lag } = await timed(spacing, hammer);
  const line = `| ${what} | ${calls} | ${median(ms).toFixed(1)} ms | ${percentile([...ms].sort((a, b) => a - b), 95).toFixed(1)} ms | ${Math.max(...ms).toFixed(1)} ms | ${lag} |`;
  console.log(line);
  rows.push(line);
}
await db.destroy();
await admin.query('DROP DATABASE ohbench_horizon');
await admin.end();

writeResult(
  'bench/results/horizon.md',
  `# The BI change horizon: what proving INNODB_TRX fresh costs

\`npx tsx bench/horizon.ts --calls ${calls}\` — ${new Date().toISOString().slice(0, 10)}, ${machine()}, load ${loadavg().map((l) => l.toFixed(1)).join(', ')}.

The horizon (common/src/facts/horizon.ts, docs/bi.md) opens a snapshot transaction of its own and trusts INNODB_TRX
only when the copy shows that transaction running the very statement that reads it; InnoDB refills the copy only
once nobody has read it for 0.1 s, so a horizon asked for right after another read waits (110 ms a try, five tries,
then that mark falls back to FACTS_COMMIT_LAG_MS); a horizon answered serves further askers for 150 ms (still a true
horizon, only less fresh). One horizon per extraction, on its first page.

| asked | calls | p50 | p95 | max | answers from the lag (fresh or reused) |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}
`,
);
