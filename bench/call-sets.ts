// Every labelled call set in one table (precision / recall / right order / new address), and the
// mismatches of the sets named on the command line: how a change to the call reader is checked
// against every set before it lands. Run: npx tsx bench/call-sets.ts [--misses NAME…]
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCall } from '#text';
import { classifyDocumentNo } from '../common/src/docno.js';

interface CallRecord {
  call: string;
  expect: { intents: string[]; orderRef: string | null; newAddress: string | null };
}
const root = fileURLToPath(new URL('..', import.meta.url));
const SHARED = process.env.TEXT_SAMPLES_DIR ?? fileURLToPath(new URL('../../shared/text-samples/', import.meta.url));
const files: string[] = [];
if (existsSync(SHARED + 'calls.jsonl')) files.push(SHARED + 'calls.jsonl');
for (const dir of [root + 'test/fixtures/text/', root + 'test/fixtures/text-holdout/', root + 'test/fixtures/'])
  if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (/^calls.*\.jsonl$/.test(f)) files.push(dir + f);
const canon = (r: string | null) => (r ? (classifyDocumentNo(r)?.canonical ?? r) : null);
const overlap = (a: string[], b: string[]) => {
  const left = [...a];
  let n = 0;
  for (const x of b) {
    const i = left.indexOf(x);
    if (i >= 0) left.splice(i, 1), n++;
  }
  return n;
};
const misses = process.argv.slice(2).filter((a) => a !== '--misses');
const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '100.0');
console.log('| set | calls | P | R | order | address |');
for (const file of files) {
  const name = file.replace(root, '').replace(SHARED, 'shared/');
  const records = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as CallRecord);
  let tp = 0, pred = 0, gold = 0, order = 0, addr = 0;
  const out: string[] = [];
  for (const r of records) {
    const reading = readCall(r.call);
    const got = reading.intents.map((i) => i.intent as string);
    const want = r.expect.intents;
    tp += overlap(want, got), pred += got.length, gold += want.length;
    const ref = reading.orderRef?.canonical ?? null;
    const okRef = ref === canon(r.expect.orderRef);
    const okAddr = (reading.newAddress?.value ?? null) === r.expect.newAddress;
    order += okRef ? 1 : 0;
    addr += okAddr ? 1 : 0;
    if (got.join() !== want.join() || !okRef || !okAddr)
      out.push(`${r.call}\n  got ${got.join(',')} want ${want.join(',')}${okRef ? '' : ` ref ${ref} want ${r.expect.orderRef}`}${okAddr ? '' : ` addr ${reading.newAddress?.value ?? null} want ${r.expect.newAddress}`}`);
  }
  console.log(`| ${name} | ${records.length} | ${pct(tp, pred)} | ${pct(tp, gold)} | ${pct(order, records.length)} | ${pct(addr, records.length)} |`);
  if (misses.some((m) => name.includes(m))) console.log(out.join('\n'));
}
