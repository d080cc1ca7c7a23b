// Scores the chat-draft parser and the remark interpreter on labelled sets (the shared dev
// samples and our own fixtures): field-level precision/recall and exact-match accuracy per
// record. Run: npx tsx bench/text-eval.ts  → prints and writes bench/results/text-eval.md
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { loadCatalog } from '../legacy-sim/src/world.js';
import { parseChatDraft, interpretRemark, remarkValues, type RemarkValues } from '#text';
import { readCall } from '#text';
import { classifyDocumentNo } from '../common/src/docno.js';
import { generatedCalls, type CallRecord } from './generated-calls.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SHARED = process.env.TEXT_SAMPLES_DIR ?? fileURLToPath(new URL('../../shared/text-samples/', import.meta.url));
const OURS = root + 'test/fixtures/text/';
const OUT = root + 'bench/results/text-eval.md';

const CHAT_FIELDS = ['contactName', 'mobile', 'province', 'city', 'district', 'detail', 'deliveryHint', 'customerHint'] as const;
const REMARK_FIELDS = ['priority', 'attachments', 'purpose', 'minShelfLifeMonths', 'callBeforeDelivery', 'deliveryConstraint'] as const;

interface Item {
  model: string;
  qty: number | null;
}
interface ChatRecord {
  text: string;
  expect: Record<(typeof CHAT_FIELDS)[number], string | null> & { items: Item[] };
  unresolved?: string[];
}
interface RemarkRecord {
  remark: string;
  expect: RemarkValues;
}

class Counts {
  tp = 0;
  predicted = 0;
  gold = 0;
  correct = 0;
  total = 0;
  get precision() {
    return this.predicted ? this.tp / this.predicted : 1;
  }
  get recall() {
    return this.gold ? this.tp / this.gold : 1;
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const readJsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

function multisetOverlap(a: string[], b: string[]): number {
  const left = new Map<string, number>();
  for (const x of a) left.set(x, (left.get(x) ?? 0) + 1);
  let n = 0;
  for (const x of b) {
    const c = left.get(x) ?? 0;
    if (c > 0) left.set(x, c - 1), n++;
  }
  return n;
}

interface ChatScore {
  name: string;
  records: number;
  exact: number;
  fields: Map<string, Counts>;
  unresolvedExpected: number;
  unresolvedFound: number;
  unexpectedUnresolved: number;
  misses: string[];
  msPerRecord: number;
}

function scoreChat(name: string, records: ChatRecord[]): ChatScore {
  const catalog = loadCatalog();
  const fields = new Map<string, Counts>([...CHAT_FIELDS, 'items (model+qty)', 'items (model)'].map((f) => [f, new Counts()]));
  const s: ChatScore = { name, records: records.length, exact: 0, fields, unresolvedExpected: 0, unresolvedFound: 0, unexpectedUnresolved: 0, misses: [], msPerRecord: 0 };
  let ms = 0;
  for (const r of records) {
    const t0 = performance.now();
    const d = parseChatDraft(r.text, { catalog });
    ms += performance.now() - t0;
    let exact = true;
    const diffs: string[] = [];
    for (const f of CHAT_FIELDS) {
      const c = fields.get(f)!;
      const got = d[f].value;
      const want = r.expect[f];
      c.total++;
      if (got === want) c.correct++;
      else exact = false, diffs.push(`${f}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      if (got !== null) c.predicted++;
      if (want !== null) c.gold++;
      if (got !== null && got === want) c.tp++;
    }
    const gotItems = d.items.map((i) => `${i.model.value}×${i.qty.value}`);
    const wantItems = r.expect.items.map((i) => `${i.model}×${i.qty}`);
    const both = fields.get('items (model+qty)')!;
    both.predicted += gotItems.length;
    both.gold += wantItems.length;
    both.tp += multisetOverlap(wantItems, gotItems);
    both.total++;
    const models = fields.get('items (model)')!;
    models.predicted += d.items.length;
    models.gold += r.expect.items.length;
    models.tp += multisetOverlap(r.expect.items.map((i) => i.model), d.items.map((i) => i.model.value));
    models.total++;
    const sameItems = [...gotItems].sort().join() === [...wantItems].sort().join();
    if (sameItems) both.correct++, models.correct++;
    else exact = false, diffs.push(`items: got ${gotItems.join(', ') || '—'}, want ${wantItems.join(', ') || '—'}`);

    const reasons = d.unresolved.map((u) => u.reason as string);
    const expected = r.unresolved ?? [];
    s.unresolvedExpected += expected.length;
    s.unresolvedFound += expected.filter((e) => reasons.includes(e)).length;
    if (!expected.length && reasons.length) s.unexpectedUnresolved++;
    if (exact) s.exact++;
    else s.misses.push(`${JSON.stringify(r.text)}\n  - ${diffs.join('\n  - ')}`);
  }
  s.msPerRecord = ms / Math.max(1, records.length);
  return s;
}

interface RemarkScore {
  name: string;
  records: number;
  exact: number;
  fields: Map<string, Counts>;
  misses: string[];
  msPerRecord: number;
}

/** A prediction counts when it is not the field's "nothing asked" value (NORMAL, [], null, false). */
function remarkPositives(field: (typeof REMARK_FIELDS)[number], v: RemarkValues): string[] {
  const x = v[field];
  if (field === 'attachments') return x as string[];
  if (x === null || x === false || x === 'NORMAL') return [];
  return [String(x)];
}

function scoreRemarks(name: string, records: RemarkRecord[]): RemarkScore {
  const fields = new Map<string, Counts>(REMARK_FIELDS.map((f) => [f, new Counts()]));
  const s: RemarkScore = { name, records: records.length, exact: 0, fields, misses: [], msPerRecord: 0 };
  let ms = 0;
  for (const r of records) {
    const t0 = performance.now();
    const got = remarkValues(interpretRemark(r.remark));
    ms += performance.now() - t0;
    const diffs: string[] = [];
    for (const f of REMARK_FIELDS) {
      const c = fields.get(f)!;
      const g = remarkPositives(f, got);
      const w = remarkPositives(f, r.expect);
      c.predicted += g.length;
      c.gold += w.length;
      c.tp += multisetOverlap(w, g);
      c.total++;
      if (JSON.stringify(got[f]) === JSON.stringify(r.expect[f])) c.correct++;
      else diffs.push(`${f}: got ${JSON.stringify(got[f])}, want ${JSON.stringify(r.expect[f])}`);
    }
    if (!diffs.length) s.exact++;
    else s.misses.push(`${JSON.stringify(r.remark)}\n  - ${diffs.join('\n  - ')}`);
  }
  s.msPerRecord = ms / Math.max(1, records.length);
  return s;
}


interface CallScore {
  name: string;
  records: number;
  intents: Counts;
  /** Without OTHER: the intents that act. */
  acting: Counts;
  perIntent: Map<string, Counts>;
  exactIntents: number;
  rightOrder: number;
  rightAddress: number;
  misses: string[];
  msPerRecord: number;
}

/** Numbers compare as the project's one reader writes them (SO-20251109-0233 is SO-20251109-233). */
const canonicalRef = (ref: string | null) => (ref ? (classifyDocumentNo(ref)?.canonical ?? ref) : null);

function scoreCalls(name: string, records: CallRecord[]): CallScore {
  const s: CallScore = { name, records: records.length, intents: new Counts(), acting: new Counts(), perIntent: new Map(), exactIntents: 0, rightOrder: 0, rightAddress: 0, misses: [], msPerRecord: 0 };
  let ms = 0;
  for (const r of records) {
    const t0 = performance.now();
    const reading = readCall(r.call);
    ms += performance.now() - t0;
    const got = reading.intents.map((i) => i.intent as string);
    const want = r.expect.intents;
    for (const [c, keep] of [
      [s.intents, () => true],
      [s.acting, (x: string) => x !== 'OTHER'],
    ] as const) {
      const g = got.filter(keep);
      const w = want.filter(keep);
      c.predicted += g.length;
      c.gold += w.length;
      c.tp += multisetOverlap(w, g);
    }
    for (const intent of new Set([...got, ...want])) {
      const c = s.perIntent.get(intent) ?? new Counts();
      s.perIntent.set(intent, c);
      c.predicted += got.includes(intent) ? 1 : 0;
      c.gold += want.includes(intent) ? 1 : 0;
      c.tp += got.includes(intent) && want.includes(intent) ? 1 : 0;
    }
    const diffs: string[] = [];
    if (got.join() === want.join()) s.exactIntents++;
    else diffs.push(`intents: got ${got.join(', ')}, want ${want.join(', ')}`);
    const ref = reading.orderRef?.canonical ?? null;
    if (ref === canonicalRef(r.expect.orderRef)) s.rightOrder++;
    else diffs.push(`order: got ${ref}, want ${r.expect.orderRef}`);
    const address = reading.newAddress?.value ?? null;
    if (address === r.expect.newAddress) s.rightAddress++;
    else diffs.push(`new address: got ${address}, want ${r.expect.newAddress}`);
    if (diffs.length) s.misses.push(`${JSON.stringify(r.call)}${r.class ? ` [${r.class}]` : ''}\n  - ${diffs.join('\n  - ')}`);
  }
  s.msPerRecord = ms / Math.max(1, records.length);
  return s;
}

function callSection(s: CallScore): string {
  const n = Math.max(1, s.records);
  const rows = [...s.perIntent].sort(([a], [b]) => a.localeCompare(b)).map(([i, c]) => `| ${i} | ${c.tp} | ${c.predicted} | ${c.gold} | ${pct(c.precision)} | ${pct(c.recall)} |`);
  const lines = [
    `### Service calls — ${s.name}`,
    '',
    `${s.records} calls; ${s.msPerRecord.toFixed(2)} ms per call. Intent precision **${pct(s.intents.precision)}**, recall **${pct(s.intents.recall)}** (the six acting intents alone: ${pct(s.acting.precision)} / ${pct(s.acting.recall)}); the intent set exactly right ${s.exactIntents}/${s.records} = ${pct(s.exactIntents / n)}; the right order ${s.rightOrder}/${s.records} = **${pct(s.rightOrder / n)}**; the new address right ${s.rightAddress}/${s.records} = ${pct(s.rightAddress / n)}.`,
    '',
    '| intent | TP | predicted | gold | precision | recall |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ];
  if (s.misses.length) lines.push('<details><summary>Mismatches</summary>', '', '```', ...s.misses, '```', '', '</details>', '');
  return lines.join('\n');
}

function fieldTable(fields: Map<string, Counts>): string {
  const rows = [...fields].map(
    ([f, c]) => `| ${f} | ${c.tp} | ${c.predicted} | ${c.gold} | ${pct(c.precision)} | ${pct(c.recall)} | ${c.total ? pct(c.correct / c.total) : '—'} |`,
  );
  return ['| field | TP | predicted | gold | precision | recall | accuracy (per record) |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}

function chatSection(s: ChatScore): string {
  const lines = [
    `### Chat drafts — ${s.name}`,
    '',
    `${s.records} messages; exact match (every field and the item list): **${s.exact}/${s.records} = ${pct(s.exact / Math.max(1, s.records))}**; ${s.msPerRecord.toFixed(2)} ms per message.`,
    '',
    fieldTable(s.fields),
    '',
  ];
  if (s.unresolvedExpected || s.unexpectedUnresolved)
    lines.push(
      `Unresolved reporting: ${s.unresolvedFound}/${s.unresolvedExpected} expected reasons reported; ${s.unexpectedUnresolved} messages labelled as fully resolvable still listed something unresolved.`,
      '',
    );
  if (s.misses.length) lines.push('<details><summary>Mismatches</summary>', '', '```', ...s.misses, '```', '', '</details>', '');
  return lines.join('\n');
}

function remarkSection(s: RemarkScore): string {
  const lines = [
    `### Remarks — ${s.name}`,
    '',
    `${s.records} remarks; exact match (all six fields): **${s.exact}/${s.records} = ${pct(s.exact / Math.max(1, s.records))}** (business reference for remark-based repair: 92.4 %); ${s.msPerRecord.toFixed(3)} ms per remark.`,
    '',
    'Precision/recall count the values that say something (URGENT, each attachment, a purpose, a shelf life, true, a constraint); accuracy is per field over all records.',
    '',
    fieldTable(s.fields),
    '',
  ];
  if (s.misses.length) lines.push('<details><summary>Mismatches</summary>', '', '```', ...s.misses, '```', '', '</details>', '');
  return lines.join('\n');
}

/** Chat fields right per message: the eight fields and the item list, each right or not. */
function fieldsRight(s: ChatScore): number {
  const fields = [...CHAT_FIELDS, 'items (model+qty)'].map((f) => s.fields.get(f)!);
  return fields.reduce((n, c) => n + c.correct, 0) / Math.max(1, fields.reduce((n, c) => n + c.total, 0));
}

// `--calls FILE…` / `--chat FILE…`: score only these call or chat-draft files and print, writing nothing —
// how a fresh held-out set is run once, before anything is changed after seeing it.
const only = process.argv.findIndex((a) => a === '--calls' || a === '--chat');
if (only >= 0) {
  const chat = process.argv[only] === '--chat';
  for (const file of process.argv.slice(only + 1)) {
    if (!chat) console.log(callSection(scoreCalls(file, readJsonl<CallRecord>(file))));
    else {
      const s = scoreChat(file, readJsonl<ChatRecord>(file));
      console.log(chatSection(s), `\nfields right: ${pct(fieldsRight(s))}`);
    }
  }
  process.exit(0);
}

const sections: string[] = [];
const callScores: CallScore[] = [];
const summary: string[] = [];
const sets: Array<[string, string]> = [];
if (existsSync(SHARED + 'chat-drafts.jsonl')) sets.push(['shared dev samples', SHARED]);
sets.push(['our labelled set (test/fixtures/text)', OURS]);
// Written by another author after the engine was built, and never tuned on: the honest figure.
// One label changed since (2026-12-05): 急 with no time is the delivery hint, as the shared samples count 尽快.
sets.push(['held-out set (test/fixtures/text-holdout, never tuned on)', new URL('../test/fixtures/text-holdout/', import.meta.url).pathname]);
/** What each held-out file is: when it was written, against what. */
const HOLDOUT_NOTES: Record<string, string> = {
  'calls.jsonl': 'calls.jsonl, written before the call reader existed',
  'calls-2.jsonl': 'calls-2.jsonl, written after the reader, run once, then its missed classes fixed',
  'calls-3.jsonl': 'calls-3.jsonl, written after those fixes, before running anything on it',
  'calls-4.jsonl': 'calls-4.jsonl, 65 calls in new styles (dialects, ASR errors, speaker labels, spoken digits, orders by date or goods, several intents, negations), written before running it; first run 84.9 % / 89.9 %, then its missed classes generalised — tuned',
  'calls-5.jsonl': 'calls-5.jsonl, 30 calls written after the calls-4 fixes, before running anything on it',
  'chat-drafts-2.jsonl': 'chat-drafts-2.jsonl, the four draft miss classes, written after the fixes, before running them',
};
for (const [name, dir] of sets) {
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  const label = (file: string) => (HOLDOUT_NOTES[file] && name.startsWith('held-out') ? `held-out (test/fixtures/text-holdout/${HOLDOUT_NOTES[file]})` : name);
  for (const file of files.filter((f) => /^chat-drafts(-\d+)?\.jsonl$/.test(f))) {
    const s = scoreChat(label(file), readJsonl<ChatRecord>(dir + file));
    sections.push(chatSection(s));
    summary.push(`| chat drafts | ${s.name} | ${s.records} | ${pct(s.exact / Math.max(1, s.records))} | ${pct(fieldsRight(s))} |`);
  }
  if (existsSync(dir + 'remarks.jsonl')) {
    const s = scoreRemarks(name, readJsonl<RemarkRecord>(dir + 'remarks.jsonl'));
    sections.push(remarkSection(s));
    summary.push(`| remarks | ${name} | ${s.records} | ${pct(s.exact / Math.max(1, s.records))} | — |`);
  }
  for (const file of files.filter((f) => /^calls(-\d+)?\.jsonl$/.test(f))) callScores.push(scoreCalls(label(file), readJsonl<CallRecord>(dir + file)));
}
// Fresh held-out calls, each written in new styles and run once before any change after seeing it
// (bench/results/call-intents-heldout.md has every first run); later figures for a set already run are tuned.
const FRESH: Record<string, string> = {
  'calls-heldout-6.jsonl': '75 calls in new styles written before this round of changes; first run 71.1 % / 74.7 % / 94.7 %, then its classes generalised — tuned',
  'calls-heldout-7.jsonl': '45 calls written after those changes; first run 71.4 % / 72.9 % / 95.6 %, then its classes generalised — tuned',
  'calls-heldout-8.jsonl': '42 calls written after the calls-heldout-7 changes; first run 63.6 % / 62.2 % / 97.6 %, then its classes generalised — tuned',
  'calls-heldout-9.jsonl': '42 calls written after the calls-heldout-8 changes; first run 76.1 % / 79.5 % / 95.2 %, then its classes generalised — tuned',
  'calls-heldout-10.jsonl': '42 calls written after the calls-heldout-9 changes; first run 71.1 % / 69.6 % / 97.6 %, then its classes generalised — tuned',
  'calls-heldout-11.jsonl': '40 calls, mostly plain Mandarin, written after the calls-heldout-10 changes; first run 77.3 % / 77.3 % / 100 %, kept untuned until the 2026-12-05 widening by meaning (its misses were listed, so partly informed)',
  // Written by the reader's own author between rounds of widening by meaning: held out from the rules of the
  // round before, not from the author's sense of what to cover — a self-check, not a held-out figure.
  'calls-rules-author-12.jsonl': '58 whole calls written by the rules\' author after the second enumeration of wordings; first run 72.3 % / 77.0 %, then its classes generalised — tuned, and not independent',
  'calls-rules-author-13.jsonl': '57 whole calls written by the rules\' author after the calls-rules-author-12 changes; first run 86.9 % / 88.3 % / 100 %, then its classes generalised — tuned, and not independent',
  'calls-rules-author-14.jsonl': '48 calls in eight dialects (Cantonese, Sichuan, Dongbei, Wu, Henan, Hunan, Tianjin, Shaanxi) and Taiwan-style Mandarin, written by the rules\' author after the calls-rules-author-13 changes; first run 87.8 % / 87.8 % / 100 %, then its classes generalised — tuned, and not independent',
  'calls-rules-author-15.jsonl': '36 calls, two thirds OTHER with near-miss words (policy, reschedules, settled refunds, praise), written by the rules\' author to find the precision the widening cost; first run 89.2 % / 86.8 % / 100 % (3 false intents in 24 OTHER calls), then its classes generalised — tuned, and not independent',
  'calls-rules-author-16.jsonl': '40 calls, mostly agent-caller dialogues with consent in new words and implicit requests, written by the rules\' author after the calls-rules-author-15 changes; first run 71.4 % / 71.4 % / 100 % (acting intents 95.0 / 61.3 %), then its classes generalised — tuned, and not independent',
  'calls-rules-author-17.jsonl': '34 calls as speech-to-text writes them, most without punctuation, written by the rules\' author after the calls-rules-author-16 changes; first run 89.2 % / 91.7 % / 100 %, then its classes generalised — tuned, and not independent',
  'calls-rules-author-18.jsonl': '25 calls in formal business register and plain speech mixed, with near misses, written by the rules\' author after the calls-rules-author-17 changes; first run 72.0 % / 69.2 % / 100 %, then its classes generalised (96.0 / 92.3 %, two label disputes kept) — tuned, and not independent',
  // Written by a helper who never read the readers, their word lists, benches or tests (only the
  // labelling rules and five sample lines for the format), after every change above: the one
  // independent first run, scored once at 10:59 UTC 2026-12-05 and kept untuned.
  'calls-heldout-12.jsonl': '60 calls by an independent writer who never read the readers; first run 84.8 % / 95.7 % / 98.3 % (new address 95.0 %), then its classes generalised (withdrawals, chases about other things, 换/退 of non-goods, redirects, corrections) — tuned',
  'calls-heldout-16.jsonl': '60 calls by a fifth independent writer who read neither the readers nor any earlier set, written 15:31–15:36 UTC 2026-12-05 and scored once after the round that tuned on calls-heldout-15 (16:33); first run 98.6 % / 98.6 % / 100 % (new address 98.3 %) — kept untuned',
  'calls-heldout-15.jsonl': '60 calls by a fourth independent writer who read neither the readers nor any earlier set, written 14:10–14:20 UTC 2026-12-05 and scored once after the round that tuned on calls-heldout-14 (14:36); first run 94.9 % / 94.9 % / 98.3 % (new address 93.3 %) — then its classes generalised, tuned',
  'calls-heldout-14.jsonl': '60 calls by a third independent writer who read neither the readers nor any earlier set, written before the 2026-12-05 afternoon round and scored once after it (14:05 UTC); first run 89.4 % / 95.0 % / 93.3 % (new address 86.7 %); then its classes generalised (a sequence read out digit by digit after the dash; requests withdrawn later in the call; words that look like another intent; addresses said piece by piece or after the agent asks; paperwork hurried, a need of goods in hand, a fear of what may come; 032一模一样 read as …-321) — development data now, tuned',
  'calls-heldout-13.jsonl': '60 calls by a second independent writer who never read the readers (nor calls-heldout-12), after the round that tuned on calls-heldout-12; first run 88.2 % / 95.7 % / 100 % (new address 100 %), then its classes generalised in the 2026-12-05 afternoon round (settled matters, offers declined, a delay beside a cancel, Cantonese V咗未) — development data now, tuned',
};
const FRESH_CHAT: Record<string, string> = {
  'chat-drafts-heldout-5.jsonl': '30 chats by an independent writer who never read the readers; first run 95.9 % of fields right (22/30 exact); tuned since the 2026-12-05 round after that run (its misses were fixed as classes)',
  'chat-drafts-heldout-8.jsonl': '30 chats by a fourth independent writer who read neither the readers nor any earlier set, written 15:31–15:36 UTC 2026-12-05 and scored once after the round that tuned on chat-drafts-heldout-7 (16:33); first run 98.5 % of fields right (26/30 exact) — kept untuned',
  'chat-drafts-heldout-7.jsonl': '30 chats by a third independent writer who read neither the readers nor any earlier set, written before the 2026-12-05 afternoon round and scored once after it (14:06 UTC); first run 97.8 % of fields right (24/30 exact) — then its classes generalised, tuned',
  'chat-drafts-heldout-6.jsonl': '30 chats by a second independent writer who never read the readers (nor chat-drafts-heldout-5), after the round that tuned on it; first run 98.1 % of fields right (26/30 exact); development data since the 2026-12-05 afternoon round (its misses were fixed as classes) — tuned',
  'chat-drafts-heldout-3.jsonl': '16 chats on the four miss classes, written before this round; first run 91.7 % of fields right, then its classes generalised — tuned',
  'chat-drafts-heldout-4.jsonl': '12 chats written after those fixes; first run 92.6 % of fields right, then its shop-name classes generalised — tuned',
};
for (const [file, note] of Object.entries(FRESH)) {
  const path = root + 'test/fixtures/' + file;
  if (existsSync(path)) callScores.push(scoreCalls(`held-out (test/fixtures/${file}, ${note})`, readJsonl<CallRecord>(path)));
}
for (const [file, note] of Object.entries(FRESH_CHAT)) {
  const path = root + 'test/fixtures/' + file;
  if (!existsSync(path)) continue;
  const s = scoreChat(`held-out (test/fixtures/${file}, ${note})`, readJsonl<ChatRecord>(path));
  sections.push(chatSection(s));
  summary.push(`| chat drafts | ${s.name} | ${s.records} | ${pct(s.exact / Math.max(1, s.records))} | ${pct(fieldsRight(s))} |`);
}
callScores.push(scoreCalls('generated by legacy-sim (seed 20251108, labelled by the generator)', generatedCalls(1000, 20251108)));
for (const c of callScores) sections.push(callSection(c));
const callSummary = callScores.map((c) => `| ${c.name} | ${c.records} | ${pct(c.intents.precision)} | ${pct(c.intents.recall)} | ${pct(c.rightOrder / Math.max(1, c.records))} | ${pct(c.exactIntents / Math.max(1, c.records))} |`);

const report = [
  '# Text understanding — evaluation',
  '',
  `Command: \`npm run bench:text\` (\`npx tsx bench/text-eval.ts\`)  `,
  `Date: ${new Date().toISOString()}  `,
  `Load average at the run: ${loadavg().map((x) => x.toFixed(2)).join(', ')} (a shared machine; the figures are about correctness, the per-record times only indicative)  `,
  `Node ${process.version}; lexicon: text/lexicon/; catalog: legacy-sim/data/catalog.csv`,
  '',
  '| task | set | records | exact-match accuracy | fields right (chat: 8 fields + the item list, per message) |',
  '| --- | --- | ---: | ---: | ---: |',
  ...summary,
  '',
  'Service calls. Precision and recall count each intent of each call against its label (OTHER included: a call read as OTHER that asked for something is a miss both ways); the right order compares the number the reader took with the label, both as the one reader of document numbers writes them (SO-20251109-0233 is SO-20251109-233). The honest figure for each held-out file is its FIRST run, before anything was changed after seeing it — kept here because later runs no longer measure generalisation:',
  '',
  '| held-out calls | first run: precision | recall | right order | what happened next |',
  '| --- | ---: | ---: | ---: | --- |',
  '| calls.jsonl (44, written before the reader existed) | 95.7 % | 95.7 % | 100.0 % | its 3 misses were classes later fixed from calls-2 |',
  '| calls-2.jsonl (36, written after the reader) | 64.3 % | 71.1 % | 94.4 % | missed classes fixed (consent to the agent, English words, prefix after the digits …) |',
  '| calls-3.jsonl (24, written after those fixes) | 69.2 % | 72.0 % | 100.0 % | missed classes fixed (a request mentioned not made, pickup not cancel, shortage …) |',
  '| calls-4.jsonl (65, new styles: dialect words, ASR errors, speaker labels, spoken digits, negations; written before running it) | 84.9 % | 89.9 % | 96.9 % | missed classes generalised AFTER seeing its misses (dialect arrival negations and exchange words, numbered and English speaker tags, digits read one by one or with a zero for the O, a refusal between topic and verb, a premise 还没发吧 before a cancel, 没问题 not a question, 态度…不好); its later figure below is tuned, not held-out |',
  '| calls-5.jsonl (30, written after the calls-4 fixes, before running it) | 76.5 % | 78.8 % | 100.0 % | left untuned at first; its misses were classes later generalised with those of calls-heldout-6, so its later figure is partly tuned |',
  '| test/fixtures/calls-heldout-6.jsonl (75, new styles: unknown speaker tags, five dialects, self-corrections, dialect negations, numbers in spoken groups; written before the round of changes) | 71.1 % | 74.7 % | 94.7 % | classes generalised: role-word and neutral speaker tags, digits in spoken groups, cues composed from word classes by meaning, 不是X是Y, settled and past matters, missed deadlines, cues that give way |',
  '| test/fixtures/calls-heldout-7.jsonl (45, written after those changes) | 71.4 % | 72.9 % | 95.6 % | classes generalised: V-not-V questions, stale tracking, closing an order, an invoice\'s mailing address, policy questions, a move, split and short sequences |',
  '| test/fixtures/calls-heldout-8.jsonl (42, written after the calls-heldout-7 changes) | 63.6 % | 62.2 % | 97.6 % | classes generalised, and the word classes widened by meaning beyond its misses |',
  '| test/fixtures/calls-heldout-9.jsonl (42, written after the calls-heldout-8 changes: formal register, implicit chases, agent-informed calls, dialect consent) | 76.1 % | 79.5 % | 95.2 % | classes generalised (formal chases, 变更为, dialect consent, reported requests, English dash) |',
  '| test/fixtures/calls-heldout-10.jsonl (42, written after the calls-heldout-9 changes: chat-style typing, business logistics terms, pauses, warranty, redirects) | 71.1 % | 69.6 % | 97.6 % | classes generalised (questions about the parcel, pausing, after-sales, 改派) |',
  '| test/fixtures/calls-heldout-11.jsonl (40, mostly plain Mandarin in new wordings, written after the calls-heldout-10 changes) | 77.3 % | 77.3 % | 100.0 % | kept untuned until the 2026-12-05 widening by meaning (100 / 97.7 % after it, partly informed: its misses had been listed) |',
  '',
  'Six fresh sets written one after another, each after the previous round of fixes, read 71.1/74.7, 71.4/72.9, 63.6/62.2, 76.1/79.5, 71.1/69.6 and 77.3/77.3 % on their first run: generalising by classes did not bring the next unseen set near 95 %; each new set finds new words for the same intents. A character n-gram model trained offline on generated and labelled calls did worse (bench/results/call-intents-heldout.md). A second round (2026-12-05) widened the cues by meaning from the language instead of from misses; the sets its author wrote between its steps read 72.3/77.0, 86.9/88.3, 87.8/87.8, 89.2/86.8, 71.4/71.4, 89.2/91.7 and 72.0/69.2 % on their first run — not independent; the independent figure is the private set the lead scores after it landed. ',
  'So on text nobody tuned on, expect intent precision and recall around 65–90 % on a new speaking style (calls-4 read 84.9 % / 89.9 % the first time; calls-5, written after the reader was generalised on the classes calls-4 showed, 76.5 % / 78.8 %) and 95 % on a familiar one, and the right order ≥ 94 %; generalising by classes (lexicon, negation, scope) moved the next unseen set less than the tuned figures suggest; the 95 % target for intents is met only on sets already seen. Generated calls are labelled by the generator (legacy-sim/src/calls.ts), written by the same hand as the reader: 100 % there says the reader handles every class the generator composes, nothing more.',
  '',
  '| service calls: set | calls | intent precision | intent recall | right order | intent set exact |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...callSummary,
  '',
  'Field precision = correct non-empty values / non-empty values produced; recall = correct non-empty values / non-empty values in the labels. A field left empty where the label is empty counts for accuracy only.',
  '',
  'Read the figures for our set with care: it was written by hand while the rules were being built, so it flatters them. Two later batches were written after the rules and run once before any change: 15 chats / 20 remarks scored 11/15 and 20/20 exact, a further 12 chats / 15 remarks 6/12 and 14/15. Their misses were fixed with general rules (a shop ending 之家, a name after 给, addresses continued across spaces, 联系方式 not a name, list quantities after a colon or a bare number, a bracketed brand, chained spec inheritance, 提前…确认), never per example; one miss is kept (a shop name with no known ending, 车友汇). Expect roughly 60–90 % exact on new chat styles and above 90 % on remarks until the lexicon has seen real traffic. The held-out chat-drafts-2.jsonl (the four miss classes: services with parts, repeated products, unusual separators, long shop names) was written after those fixes; its first run read 15/16 exactly and 99.3 % of fields right (the miss, 换个 + a product after another part word, was then fixed as a class). The issue\'s 94.1 % was measured on a held-out set this repository does not have; "fields right" here is the same kind of figure on our own sets. Two more fresh chat sets (test/fixtures/chat-drafts-heldout-3 and -4, bench/results/drafts-heldout.md) read 91.7 % and 92.6 % of fields right on their first run, shop names the field most missed; their classes were then generalised, and the held-out set\'s one miss above (1L的 after a -35℃ 4L coolant) was one of those classes, so its 100 % is no longer untuned. A later round (the drafts helper, 2026-12-05) read shop names, quantities, separators, contacts and addresses as classes over generated variants (test/draft-classes.unit.test.ts) and fixed the kept misses above as classes (a quantity after a service and +, 下午 alone, a shop in brackets after the house number): every chat set here now reads 100 % of fields, all of them tuned or dev; the figure for unseen messages is the next fresh set\'s first run.',
  '',
  ...sections,
].join('\n');

mkdirSync(root + 'bench/results', { recursive: true });
writeFileSync(OUT, report + '\n');
console.log(report);
console.log(`\nwritten to ${OUT}`);
