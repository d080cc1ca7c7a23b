// An experiment, not part of the reader: does a small statistical model of the caller's words
// generalise to unseen calls better than the rule reader (text/src/call-intents.ts), or help it?
// One-vs-rest naive Bayes over character 1–3-grams of the caller's turns (digits folded to 0), trained
// at run time, offline, on the generator's calls plus every labelled set except the one scored
// (leave-one-set-out), then scored like bench:text. Also the rules alone, rules ∪ model, rules ∩ model, and the
// model only where the rules hear nothing.
// Run: npx tsx bench/intent-model.ts [--also FILE…]   (prints; writes nothing)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCall, splitTurns, normalizeText } from '#text';
import { generatedCalls, type CallRecord } from './generated-calls.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = process.env.TEXT_SAMPLES_DIR ?? fileURLToPath(new URL('../../shared/text-samples/', import.meta.url));
const readJsonl = (path: string): CallRecord[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CallRecord);
const also = process.argv.includes('--also') ? process.argv.slice(process.argv.indexOf('--also') + 1) : [];
const SETS: [string, string][] = [
  ['shared calls.jsonl', shared + 'calls.jsonl'],
  ...['calls.jsonl', 'calls-2.jsonl', 'calls-3.jsonl', 'calls-4.jsonl', 'calls-5.jsonl'].map((f): [string, string] => [f, root + 'test/fixtures/text-holdout/' + f]),
  ['calls-heldout-6.jsonl', root + 'test/fixtures/calls-heldout-6.jsonl'],
];
const LABELS = ['CHASE', 'CHANGE_ADDRESS', 'RETURN_EXCHANGE', 'CANCEL', 'INVOICE', 'COMPLAINT'];

/** The caller's words, as the reader splits the turns; numbers folded so they carry no signal. */
function callerText(call: string): string {
  const norm = normalizeText(call);
  return splitTurns(norm)
    .filter((t) => t.speaker === 'CUSTOMER')
    .map((t) => norm.slice(...t.span))
    .join('|')
    .replace(/[0-9]/g, '0')
    .replace(/[A-Z]{2,4}0{6,}(?:CN)?/g, '#');
}
function grams(text: string): Set<string> {
  const out = new Set<string>();
  for (let n = 1; n <= 3; n++) for (let i = 0; i + n <= text.length; i++) out.add(text.slice(i, i + n));
  return out;
}

/** Bernoulli naive Bayes, one model per intent. */
class IntentModel {
  private models = new Map<string, { pos: Map<string, number>; neg: Map<string, number>; nPos: number; nNeg: number }>();
  private vocab = new Set<string>();
  constructor(train: CallRecord[]) {
    const docs = train.map((r) => ({ g: grams(callerText(r.call)), y: new Set(r.expect.intents) }));
    for (const d of docs) for (const g of d.g) this.vocab.add(g);
    for (const label of LABELS) {
      const m = { pos: new Map<string, number>(), neg: new Map<string, number>(), nPos: 0, nNeg: 0 };
      for (const d of docs) {
        const side = d.y.has(label) ? m.pos : m.neg;
        d.y.has(label) ? m.nPos++ : m.nNeg++;
        for (const g of d.g) side.set(g, (side.get(g) ?? 0) + 1);
      }
      this.models.set(label, m);
    }
  }
  predict(call: string): string[] {
    const g = grams(callerText(call));
    const out: string[] = [];
    for (const [label, m] of this.models) {
      let score = Math.log((m.nPos + 1) / (m.nNeg + 1));
      // Only the grams present (a multinomial-style shortcut: absent grams ignored, which keeps long calls comparable).
      for (const x of g) {
        if (!this.vocab.has(x)) continue;
        score += Math.log(((m.pos.get(x) ?? 0) + 0.5) / (m.nPos + 1)) - Math.log(((m.neg.get(x) ?? 0) + 0.5) / (m.nNeg + 1));
      }
      if (score > 0) out.push(label);
    }
    return out.length ? out.sort() : ['OTHER'];
  }
}

function score(records: CallRecord[], predict: (r: CallRecord) => string[]) {
  let tp = 0, predicted = 0, gold = 0, exact = 0;
  for (const r of records) {
    const got = predict(r);
    const want = r.expect.intents;
    predicted += got.length;
    gold += want.length;
    tp += got.filter((x) => want.includes(x)).length;
    if ([...got].sort().join() === [...want].sort().join()) exact++;
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return `${pct(tp / predicted)} / ${pct(tp / gold)} / ${pct(exact / records.length)}`;
}

const generated = generatedCalls(3000, 424242);
const rules = (r: CallRecord) => readCall(r.call).intents.map((i) => i.intent as string);
const combine = (a: string[], b: string[], how: 'union' | 'meet') => {
  const x = (how === 'union' ? [...new Set([...a, ...b])] : a.filter((i) => b.includes(i))).filter((i) => i !== 'OTHER');
  return x.length ? x.sort() : ['OTHER'];
};
const sets: [string, CallRecord[]][] = [...SETS, ...also.map((f): [string, string] => [f, f])].map(([n, f]) => [n, readJsonl(f)]);
console.log('| scored set | calls | rules P / R / exact | model (generated only) | model (generated + other sets) | rules ∪ model | rules ∩ model | rules, the model when they hear nothing |');
console.log('| --- | ---: | --- | --- | --- | --- | --- | --- |');
const genOnly = new IntentModel(generated);
for (const [name, records] of sets) {
  const others = sets.filter(([n]) => n !== name).flatMap(([, r]) => r);
  const model = new IntentModel([...generated, ...others]);
  const fallback = (r: CallRecord) => {
    const said = rules(r);
    return said.join() === 'OTHER' ? model.predict(r.call) : said;
  };
  const both = (how: 'union' | 'meet') => (r: CallRecord) => combine(rules(r), model.predict(r.call), how);
  console.log(`| ${name} | ${records.length} | ${score(records, rules)} | ${score(records, (r) => genOnly.predict(r.call))} | ${score(records, (r) => model.predict(r.call))} | ${score(records, both('union'))} | ${score(records, both('meet'))} | ${score(records, fallback)} |`);
}
