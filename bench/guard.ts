// What the guard around every legacy call (common/src/resilience.ts, cockatiel) costs by itself:
// a call that answers at once, bare and guarded, in nanoseconds of this process's time per call.
// Run: npx tsx bench/guard.ts [--calls 200000] [--rounds 5]
import { loadavg } from 'node:os';
import { createGuard } from '../common/src/resilience.js';
import { args, machine, median, writeResult } from './lib.js';

const opts = args({ calls: '200000', rounds: '5' });
const calls = Number(opts.calls);
const policy = { attemptTimeoutMs: 700, deadlineMs: 1500, retries: 2, breakerFailures: 5, breakerCooldownMs: 5000 };
const answer = async () => 1;

async function nsPerCall(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < calls / 10; i++) await run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await run();
  return Number(process.hrtime.bigint() - started) / calls;
}

const guard = createGuard(policy);
const cases: [string, () => Promise<unknown>][] = [
  ['bare call', answer],
  ['guarded read (timeout, retry, breaker)', () => guard.run(answer)],
  ['guarded write (timeout, breaker)', () => guard.run(answer, { idempotent: false })],
];
const figures = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (let r = 0; r < Number(opts.rounds); r++) for (const [name, run] of cases) figures.get(name)!.push(await nsPerCall(run));

const rows = cases.map(([name]) => `| ${name} | ${Math.round(median(figures.get(name)!)).toLocaleString('en-US')} |`);
const markdown = `# The guard of a legacy call

\`npx tsx bench/guard.ts --calls ${calls} --rounds ${opts.rounds}\` — ${new Date().toISOString().slice(0, 10)}, ${machine()}; load average ${loadavg()
  .map((l) => l.toFixed(1))
  .join(', ')} (the machine is shared).

A call that answers at once, ${calls.toLocaleString('en-US')} times in a row, median of ${opts.rounds} rounds:

| call | ns per call |
| --- | ---: |
${rows.join('\n')}

Most of the guard's cost is cockatiel's timeout, which derives an AbortController per attempt (Node 20's
EventTarget is not cheap); a legacy call is a SQL round trip or an HTTP request of a millisecond or more.
`;
console.log(markdown);
writeResult('bench/results/guard.md', markdown);
