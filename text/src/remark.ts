// Reads a free-text order remark (ERP SO_SOMain.cMemo) into structured fields for the
// data-repair wizard: priority, attachments, purpose, minimum shelf life, call before delivery,
// delivery constraint — each with the evidence spans, negation included (不急, 无需发票).
import { defaultLexicon, normalizeText, type Lexicon, type RemarkFieldCues } from './lexicon.js';
import { compileCues, cueScope, matchCues, type CompiledCue, type CueMatch } from './cues.js';
import type { Evidence, Span } from './fields.js';
import { findDurations } from './numbers.js';

import type { Attachment, DeliveryConstraint, Priority, Purpose } from '../../common/src/requirements.js';

export type { Attachment, DeliveryConstraint, Priority, Purpose };

export interface RemarkField<T> {
  value: T;
  /** 0..1; a default value with no evidence at all gets 0.8: silence usually means "nothing asked". */
  confidence: number;
  /** Every cue found for this field, negated ones too, in text order. */
  evidence: Evidence[];
}

export interface RemarkInterpretation {
  priority: RemarkField<Priority>;
  attachments: RemarkField<Attachment[]>;
  purpose: RemarkField<Purpose | null>;
  minShelfLifeMonths: RemarkField<number | null>;
  callBeforeDelivery: RemarkField<boolean>;
  deliveryConstraint: RemarkField<DeliveryConstraint | null>;
}

/** The plain values, shaped as remarks.jsonl's `expect`. */
export interface RemarkValues {
  priority: Priority;
  attachments: Attachment[];
  purpose: Purpose | null;
  minShelfLifeMonths: number | null;
  callBeforeDelivery: boolean;
  deliveryConstraint: DeliveryConstraint | null;
}

export function remarkValues(r: RemarkInterpretation): RemarkValues {
  return {
    priority: r.priority.value,
    attachments: r.attachments.value,
    purpose: r.purpose.value,
    minShelfLifeMonths: r.minShelfLifeMonths.value,
    callBeforeDelivery: r.callBeforeDelivery.value,
    deliveryConstraint: r.deliveryConstraint.value,
  };
}

const compiled = new WeakMap<Lexicon, Map<string, CompiledCue[]>>();

function cuesOf(lex: Lexicon, name: string, f: RemarkFieldCues): CompiledCue[] {
  let byField = compiled.get(lex);
  if (!byField) compiled.set(lex, (byField = new Map()));
  let list = byField.get(name);
  if (!list) byField.set(name, (list = compileCues(f.groups)));
  return list;
}

/** Interprets one remark. Pure: no I/O. */
export function interpretRemark(text: string | null | undefined, lexicon?: Lexicon): RemarkInterpretation {
  const lex = lexicon ?? defaultLexicon();
  const raw = text ?? '';
  const norm = normalizeText(raw, lex);
  const cues = lex.remark;
  const scope = cueScope(cues.clauseBreaks, cues.negation);
  const matchField = (name: keyof typeof cues.fields): CueMatch[] => {
    const f = cues.fields[name];
    return matchCues(norm, cuesOf(lex, name, f), scope, f.cancelIfClauseHas);
  };

  const evidence = (ms: CueMatch[]): Evidence[] =>
    ms.map((m) => ({ span: m.span, text: raw.slice(m.span[0], m.span[1]), cue: m.cue, label: m.group.label, negated: m.negated }));

  /** The label with the highest total weight among cues that are not negated; ties go to the first. */
  const strongest = (ms: CueMatch[]): string | boolean | number | null => {
    const totals = new Map<string | boolean | number, { weight: number; first: number }>();
    for (const m of ms.filter((x) => !x.negated)) {
      const t = totals.get(m.group.label) ?? { weight: 0, first: m.span[0] };
      t.weight += m.group.weight;
      totals.set(m.group.label, t);
    }
    let best: [string | boolean | number, { weight: number; first: number }] | null = null;
    for (const e of totals) if (!best || e[1].weight > best[1].weight || (e[1].weight === best[1].weight && e[1].first < best[1].first)) best = e;
    return best ? best[0] : null;
  };

  const conf = (ms: CueMatch[], hasValue: boolean) => {
    const positive = ms.filter((m) => !m.negated).length;
    if (hasValue) return positive > 1 ? 0.95 : 0.88;
    return ms.length ? 0.9 : 0.8;
  };

  const pr = matchField('priority');
  const urgent = pr.some((m) => !m.negated && m.group.label === 'URGENT');

  const at = matchField('attachments');
  const order = (cues.fields.attachments.order ?? []) as Attachment[];
  const wanted = new Set(at.filter((m) => !m.negated).map((m) => m.group.label as Attachment));
  const attachments = [...order.filter((a) => wanted.has(a)), ...[...wanted].filter((a) => !order.includes(a))];

  const pu = matchField('purpose');
  const purpose = strongest(pu) as Purpose | null;

  const cb = matchField('callBeforeDelivery');
  const call = cb.some((m) => !m.negated);

  const dc = matchField('deliveryConstraint');
  const constraint = strongest(dc) as DeliveryConstraint | null;

  return {
    priority: { value: urgent ? 'URGENT' : 'NORMAL', confidence: conf(pr, urgent), evidence: evidence(pr) },
    attachments: { value: attachments, confidence: conf(at, attachments.length > 0), evidence: evidence(at) },
    purpose: { value: purpose, confidence: conf(pu, purpose !== null), evidence: evidence(pu) },
    minShelfLifeMonths: shelfLife(raw, norm, lex),
    callBeforeDelivery: { value: call, confidence: conf(cb, call), evidence: evidence(cb) },
    deliveryConstraint: { value: constraint, confidence: conf(dc, constraint !== null), evidence: evidence(dc) },
  };
}

/**
 * The least remaining shelf life asked for: a duration near a shelf-life word (效期, 保质期 …).
 * 一年以上 = 12; 2年内的不要 = 24. Where several are given, those with a comparator (以上, 不少于,
 * 内的不要) win, and the largest of them is taken, since every one of them must hold.
 */
function shelfLife(raw: string, norm: string, lex: Lexicon): RemarkField<number | null> {
  const cfg = lex.remark.shelfLife;
  const keywords: Span[] = [];
  const sorted = [...cfg.keywords].sort((a, b) => b.length - a.length);
  // 质保期 is the warranty, not the shelf life: blank it out before looking for 保期.
  let searchable = norm;
  for (const w of cfg.notKeywords) searchable = searchable.split(w).join(' '.repeat(w.length));
  for (let i = 0; i < searchable.length; i++) {
    const k = sorted.find((w) => searchable.startsWith(w, i));
    if (k) keywords.push([i, i + k.length]), (i += k.length - 1);
  }
  if (!keywords.length) return { value: null, confidence: 0.8, evidence: [] };

  const startsWithAny = (s: string, words: string[]) => words.some((w) => s.startsWith(w));
  const endsWithAny = (s: string, words: string[]) => words.some((w) => s.endsWith(w));
  const reachable = (a: number, b: number) => {
    const between = norm.slice(Math.min(a, b), Math.max(a, b));
    return !/[。;\n!?]/.test(between) && (between.match(/,/g)?.length ?? 0) <= 1 && between.length <= cfg.window;
  };

  const found: Array<{ months: number; span: Span; keyword: Span; comparator: boolean }> = [];
  for (const d of findDurations(norm)) {
    const k = keywords
      .filter((kw) => reachable(kw[1] <= d.span[0] ? kw[1] : kw[0], kw[1] <= d.span[0] ? d.span[0] : d.span[1]))
      .sort((a, b) => Math.abs(a[0] - d.span[0]) - Math.abs(b[0] - d.span[0]))[0];
    if (!k) continue;
    const after = norm.slice(d.span[1], d.span[1] + 8);
    const before = norm.slice(Math.max(0, d.span[0] - 5), d.span[0]).replace(/\s+$/, '');
    let end = d.span[1];
    let comparator = false;
    const atLeastAfter = cfg.atLeast.find((w) => after.startsWith(w));
    if (atLeastAfter) (comparator = true), (end += atLeastAfter.length);
    else if (startsWithAny(after, cfg.rejectBelow)) {
      const rest = after.slice(cfg.rejectBelow.find((w) => after.startsWith(w))!.length).replace(/^的/, '');
      if (startsWithAny(rest, cfg.rejectWords)) (comparator = true), (end = d.span[1] + (after.length - rest.length) + cfg.rejectWords.find((w) => rest.startsWith(w))!.length);
    }
    let start = d.span[0];
    const atLeastBefore = cfg.atLeast.find((w) => before.endsWith(w));
    if (atLeastBefore) (comparator = true), (start = Math.max(0, d.span[0] - atLeastBefore.length));
    else if (endsWithAny(before, cfg.rejectBelow) && startsWithAny(after.replace(/^的/, ''), cfg.rejectWords)) comparator = true;
    found.push({ months: d.months, span: [start, end], keyword: k, comparator });
  }
  if (!found.length) return { value: null, confidence: 0.8, evidence: [] };
  const pool = found.some((f) => f.comparator) ? found.filter((f) => f.comparator) : found;
  const best = pool.reduce((a, b) => (b.months > a.months ? b : a));
  const ev = (span: Span, label: number | null): Evidence => ({ span, text: raw.slice(span[0], span[1]), cue: norm.slice(span[0], span[1]), label, negated: false });
  return {
    value: best.months,
    confidence: best.comparator ? 0.92 : 0.75,
    evidence: [ev(best.keyword, null), ev(best.span, best.months)].sort((a, b) => a.span[0] - b.span[0]),
  };
}
