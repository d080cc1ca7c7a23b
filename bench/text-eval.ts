// Scores the chat-draft parser and the remark interpreter on labelled sets (the shared dev
// samples and our own fixtures): field-level precision/recall and exact-match accuracy per
// record. Run: npx tsx bench/text-eval.ts  → prints and writes bench/results/text-eval.md
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../legacy-sim/src/world.js';
import { parseChatDraft, interpretRemark, remarkValues, type RemarkValues } from '#text';

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

const sections: string[] = [];
const summary: string[] = [];
const sets: Array<[string, string]> = [];
if (existsSync(SHARED + 'chat-drafts.jsonl')) sets.push(['shared dev samples', SHARED]);
sets.push(['our labelled set (test/fixtures/text)', OURS]);
// Written by another author after the engine was built, and never tuned on: the honest figure.
sets.push(['held-out set (test/fixtures/text-holdout, never tuned on)', new URL('../test/fixtures/text-holdout/', import.meta.url).pathname]);
for (const [name, dir] of sets) {
  if (existsSync(dir + 'chat-drafts.jsonl')) {
    const s = scoreChat(name, readJsonl<ChatRecord>(dir + 'chat-drafts.jsonl'));
    sections.push(chatSection(s));
    summary.push(`| chat drafts | ${name} | ${s.records} | ${pct(s.exact / Math.max(1, s.records))} |`);
  }
  if (existsSync(dir + 'remarks.jsonl')) {
    const s = scoreRemarks(name, readJsonl<RemarkRecord>(dir + 'remarks.jsonl'));
    sections.push(remarkSection(s));
    summary.push(`| remarks | ${name} | ${s.records} | ${pct(s.exact / Math.max(1, s.records))} |`);
  }
}

const report = [
  '# Text understanding — evaluation',
  '',
  `Command: \`npx tsx bench/text-eval.ts\`  `,
  `Date: ${new Date().toISOString()}  `,
  `Node ${process.version}; lexicon: text/lexicon/; catalog: legacy-sim/data/catalog.csv`,
  '',
  '| task | set | records | exact-match accuracy |',
  '| --- | --- | ---: | ---: |',
  ...summary,
  '',
  'Field precision = correct non-empty values / non-empty values produced; recall = correct non-empty values / non-empty values in the labels. A field left empty where the label is empty counts for accuracy only.',
  '',
  'Read the figures for our set with care: it was written by hand while the rules were being built, so it flatters them. Two later batches were written after the rules and run once before any change: 15 chats / 20 remarks scored 11/15 and 20/20 exact, a further 12 chats / 15 remarks 6/12 and 14/15. Their misses were fixed with general rules (a shop ending 之家, a name after 给, addresses continued across spaces, 联系方式 not a name, list quantities after a colon or a bare number, a bracketed brand, chained spec inheritance, 提前…确认), never per example; one miss is kept (a shop name with no known ending, 车友汇). Expect roughly 60–90 % exact on new chat styles and above 90 % on remarks until the lexicon has seen real traffic.',
  '',
  ...sections,
].join('\n');

mkdirSync(root + 'bench/results', { recursive: true });
writeFileSync(OUT, report + '\n');
console.log(report);
console.log(`\nwritten to ${OUT}`);
