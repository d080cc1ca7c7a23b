// Finding lexicon cues in normalised text, with the clause each sits in and whether a negation
// cancels it (不急, 发票不用开, 不是要退货). One matcher for every reader that works by cues: order
// remarks and service-call intents.
import type { CueGroup } from './lexicon.js';
import type { Span } from './fields.js';

export interface CompiledCue {
  re: RegExp;
  cue: string;
  group: CueGroup;
}

export interface CueMatch {
  span: Span;
  cue: string;
  group: CueGroup;
  negated: boolean;
}

export interface Negation {
  before: string[];
  after: string[];
  window: number;
  notNegators: string[];
}

export interface CueScope {
  breaks: Set<string>;
  negation: Negation;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const upper = (s: string) => s.replace(/[a-z]/g, (c) => c.toUpperCase());

/** Words match as written (Latin upper-cased, as normalised text is); patterns are regular expressions. */
export function compileCues(groups: CueGroup[]): CompiledCue[] {
  return groups.flatMap((group) => [
    ...group.words.map((w) => ({ re: new RegExp(escape(upper(w)), 'g'), cue: w, group })),
    ...group.patterns.map((p) => ({ re: new RegExp(p, 'g'), cue: p, group })),
  ]);
}

export function cueScope(clauseBreaks: string, negation: Negation): CueScope {
  return { breaks: new Set(clauseBreaks), negation };
}

/** The clause around `pos`: from the break before it to the break after it. */
export function clauseAt(norm: string, pos: number, breaks: Set<string>): Span {
  let s = pos;
  while (s > 0 && !breaks.has(norm[s - 1])) s--;
  let e = pos;
  while (e < norm.length && !breaks.has(norm[e])) e++;
  return [s, e];
}

/** A negation word in the same clause shortly before the cue (not one of the words that only look like one), or right after it. */
export function negatedAt(norm: string, span: Span, scope: CueScope): boolean {
  const [cs, ce] = clauseAt(norm, span[0], scope.breaks);
  const { before, after, window, notNegators } = scope.negation;
  let pre = norm.slice(cs, span[0]);
  for (const w of notNegators) pre = pre.split(w).join(' '.repeat(w.length));
  for (const n of before) {
    const at = pre.lastIndexOf(n);
    if (at >= 0 && pre.length - (at + n.length) <= window) return true;
  }
  const post = norm.slice(span[1], ce);
  // 发票不用开, 发票我不要了: a subject pronoun may stand between the cue and its negation.
  return after.some((n) => new RegExp(`^(?:我|俺|咱|我们)?[的就也都先暂]{0,2}${escape(n)}`).test(post));
}

/**
 * Every cue in `norm`, in text order. A cue inside a longer cue of the same set is the same
 * evidence (急 in 急件) and is dropped; a cue whose clause holds one of `cancelIfClauseHas`, or
 * that a negation reaches, is kept marked negated.
 */
export function matchCues(norm: string, cues: CompiledCue[], scope: CueScope, cancelIfClauseHas: string[] = [], within: (span: Span) => boolean = () => true): CueMatch[] {
  const found: CueMatch[] = [];
  for (const c of cues) {
    c.re.lastIndex = 0;
    for (let m; (m = c.re.exec(norm)); ) {
      if (!m[0]) {
        c.re.lastIndex++;
        continue;
      }
      const span: Span = [m.index, m.index + m[0].length];
      if (within(span)) found.push({ span, cue: c.cue, group: c.group, negated: false });
    }
  }
  const kept = found.filter((a) => !found.some((b) => b !== a && b.span[0] <= a.span[0] && a.span[1] <= b.span[1] && b.span[1] - b.span[0] > a.span[1] - a.span[0]));
  const unique = kept.filter((a, i) => kept.findIndex((b) => b.span[0] === a.span[0] && b.span[1] === a.span[1] && b.group.label === a.group.label) === i);
  for (const m of unique) {
    const [cs, ce] = clauseAt(norm, m.span[0], scope.breaks);
    const clause = norm.slice(cs, ce);
    if (cancelIfClauseHas.some((w) => clause.includes(w)) || m.group.unlessClauseHas.some((w) => clause.includes(w))) m.negated = true;
    else if (m.group.negatable && negatedAt(norm, m.span, scope)) m.negated = true;
  }
  return unique.sort((a, b) => a.span[0] - b.span[0]);
}
