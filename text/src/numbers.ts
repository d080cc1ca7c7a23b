// Numbers as clerks and customers write them: Arabic or Chinese numerals (一百二十, 两, 俩),
// quantities with units and pack multipliers (两箱（一箱12瓶） = 24), and durations (一年半 = 18 months).
import type { Lexicon } from './lexicon.js';
import type { Span } from './fields.js';

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 俩: 2, 三: 3, 仨: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** A run of Arabic digits (with an optional decimal part) or of Chinese numeral characters. */
export const NUMERAL = '(?:\\d+(?:\\.\\d+)?|[零〇一二两俩仨三四五六七八九十百千万廿卅]+)';

/**
 * The value of a numeral: `12`, `1.5`, `十二`, `四十`, `一百`, `两百`, `一百五` (150, as said),
 * `一千零五`, `廿`. Null when the characters do not form a number.
 */
export function parseNumeral(raw: string): number | null {
  const s = raw.trim();
  if (!s) return null;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  let total = 0;
  let section = 0;
  let pending: number | null = null;
  let lastUnit = 1;
  let prevWasUnit = false;
  let prevWasDigit = false;
  for (const ch of s) {
    if (ch === '廿' || ch === '卅') {
      section += ch === '廿' ? 20 : 30;
      pending = null;
      lastUnit = 10;
      prevWasUnit = true;
      prevWasDigit = false;
      continue;
    }
    if (ch in DIGITS) {
      // 一二 is not a number; 一千零五 is (零 is a place holder).
      if (prevWasDigit && pending !== 0 && DIGITS[ch] !== 0) return null;
      pending = DIGITS[ch];
      prevWasDigit = true;
      prevWasUnit = false;
      continue;
    }
    if (ch in UNITS) {
      const u = UNITS[ch];
      if (prevWasUnit && u >= lastUnit) return null;
      section += (pending ?? 1) * u;
      pending = null;
      lastUnit = u;
      prevWasUnit = true;
      prevWasDigit = false;
      continue;
    }
    if (ch === '万') {
      total += (section + (pending ?? 0) || 1) * 10000;
      section = 0;
      pending = null;
      lastUnit = 10000;
      prevWasUnit = true;
      prevWasDigit = false;
      continue;
    }
    return null;
  }
  if (pending !== null) {
    // 一百五 = 150 and 一千二 = 1200: a trailing digit right after 百/千 counts one place lower.
    if (prevWasDigit && lastUnit >= 100 && !s.includes('零') && /[百千万]$/.test(s.slice(0, -1))) section += pending * (lastUnit / 10);
    else section += pending;
  }
  return total + section;
}

export interface QuantityMatch {
  span: Span;
  /** Pieces, after any pack multiplier; null when a pack size is needed but not given. */
  qty: number | null;
  /** The unit as written (瓶, 箱 …), null for `x20` or a bare number. */
  unit: string | null;
  /** For packs: the pack unit, how many were ordered and the size used. */
  pack?: { unit: string; count: number; size: number | null; sizeSpan: Span | null };
  /** 各 / 分别: the quantity applies to each product listed before it. */
  each: boolean;
  confidence: number;
  /** How the quantity was read: `UNIT`, `TIMES`, `PACK`, `VERB`, `IMPLIED_ONE`, `VAGUE` (几个: qty null). */
  form: string;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alt = (words: Iterable<string>) =>
  [...words]
    .sort((a, b) => b.length - a.length)
    .map(esc)
    .join('|');

interface QuantityGrammar {
  packQty: RegExp;
  packDefBefore: RegExp;
  packDefAfter: RegExp;
  packDefTrailing: RegExp;
  packDefLoose: RegExp;
  vague: RegExp;
  times: RegExp;
  unitQty: RegExp;
  verbQty: RegExp;
  implied: RegExp;
  each: RegExp;
  eachBare: RegExp;
  verbAlone: RegExp;
}

const grammars = new WeakMap<Lexicon, QuantityGrammar>();

function grammar(lex: Lexicon): QuantityGrammar {
  let g = grammars.get(lex);
  if (g) return g;
  const count = alt(lex.units.count);
  const pack = alt(lex.units.pack.keys());
  const notAfter = alt(lex.units.notAfterCount);
  // A digit numeral must not continue a model code (W712/75, 6205-2RS).
  const num = `(?<![A-Z0-9./\\-])(${NUMERAL})`;
  g = {
    packQty: new RegExp(`${num}\\s*(${pack})(?!${notAfter})`, 'g'),
    // 每箱24瓶 / 一箱12瓶 (a size stated for the pack unit)
    packDefBefore: new RegExp(`(?:每|一)\\s*(${pack})(?:装)?\\s*(${NUMERAL})\\s*(${count})`, 'g'),
    // 12瓶/箱, 12瓶一箱, 12瓶每箱
    packDefAfter: new RegExp(`(${NUMERAL})\\s*(${count})\\s*(?:/|每|一)\\s*(${pack})`, 'g'),
    // （10支） / (12瓶装) / 12瓶装 right after a pack quantity
    packDefTrailing: new RegExp(`^\\s*[,，]?\\s*(?:[(（]\\s*)?(?:(?:每|一)\\s*(?:${pack})\\s*)?(${NUMERAL})\\s*(${count})(?:装)?\\s*(?:[)）])?`),
    times: new RegExp(`(?<![A-Z0-9])[X*]\\s*(\\d+)(?:\\s*(${count}))?(?![A-Z0-9])|(?<=[A-Z0-9\\u0000])X(\\d{1,4})(?:\\s*(${count}))?(?![A-Z0-9])`, 'g'),
    unitQty: new RegExp(`${num}\\s*(${count})(?!${notAfter})`, 'g'),
    verbQty: new RegExp(`(?:${alt(lex.units.qtyVerbs)})\\s*(\\d+)(?=\\s|$|[,，。;；!！?？\\n、|/+&)）\\]】\\u0000及和跟与还另])`, 'g'),
    // 来个水泵, 带瓶WD-40: a verb and a unit with the numeral left out.
    implied: new RegExp(`(?:${alt(lex.units.oneImplied)})(${count})(?=[\\u4e00-\\u9fffA-Z\\u0000])`, 'g'),
    // （10支装） / 12瓶装 next to a pack quantity, whatever the pack unit.
    packDefLoose: new RegExp(`[(（]\\s*(${NUMERAL})\\s*(${count})(?:装)?\\s*[)）]|(${NUMERAL})\\s*(${count})装`, 'g'),
    vague: new RegExp(`(?:${alt(lex.units.vague)})\\s*(${count}|${pack})`, 'g'),
    each: new RegExp(`(?:${alt(lex.units.each)})\\s*$`),
    // 各3, 每样一 (no unit): a number after 各 is a quantity for each.
    eachBare: new RegExp(`(?:${alt(lex.units.each)})\\s*(${NUMERAL})(?![\\dA-Z.])`, 'g'),
    // 来俩, 要仨: a verb and a numeral that counts alone.
    verbAlone: new RegExp(`(?:${alt(lex.units.qtyVerbs.filter((v) => v !== ':'))})\\s*(俩|仨)`, 'g'),
  };
  grammars.set(lex, g);
  return g;
}

/**
 * Quantities in `text` (already normalised, with spans that belong to something else replaced
 * by U+0000). Packs take their size from the text next to them; a pack without a size is
 * returned with qty null so the caller reports it.
 */
export function findQuantities(text: string, lex: Lexicon): QuantityMatch[] {
  const g = grammar(lex);
  const taken = new Uint8Array(text.length);
  const free = (s: number, e: number) => {
    for (let i = s; i < e; i++) if (taken[i]) return false;
    return true;
  };
  const take = (s: number, e: number) => taken.fill(1, s, e);
  // 10:32 in a forwarded chat's header is a time of day, never a quantity after a colon.
  for (const m of text.matchAll(/(?<![A-Z0-9.\u0000])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\d)/g)) take(m.index!, m.index! + m[0].length);
  const out: QuantityMatch[] = [];
  const eachBefore = (start: number) => {
    const m = g.each.exec(text.slice(Math.max(0, start - 3), start));
    return m ? start - (m[0].length) : null;
  };
  const push = (q: QuantityMatch) => {
    const e = eachBefore(q.span[0]);
    if (e !== null) (q.each = true), (q.span = [e, q.span[1]]);
    take(q.span[0], q.span[1]);
    out.push(q);
  };

  // Sizes stated for a pack unit anywhere in the clause (每箱24瓶, 12瓶/箱).
  const sizes: Array<{ unit: string | null; size: number; span: Span; one: boolean; used?: boolean }> = [];
  for (const re of [g.packDefBefore, g.packDefAfter, g.packDefLoose]) {
    re.lastIndex = 0;
    for (let m; (m = re.exec(text)); ) {
      const [unit, n] = re === g.packDefBefore ? [m[1], m[2]] : re === g.packDefAfter ? [m[3], m[1]] : [null, m[1] ?? m[3]];
      const size = parseNumeral(n);
      const span: Span = [m.index, m.index + m[0].length];
      const one = re === g.packDefBefore && m[0].trimStart().startsWith('一');
      if (size && size > 1 && !sizes.some((s) => s.span[0] < span[1] && span[0] < s.span[1])) sizes.push({ unit, size, span, one });
    }
  }

  g.packQty.lastIndex = 0;
  for (let m; (m = g.packQty.exec(text)); ) {
    const start = m.index;
    const end = start + m[0].length;
    const count = parseNumeral(m[1]);
    if (count === null || !free(start, end) || sizes.some((s) => s.span[0] <= start && end <= s.span[1])) continue;
    const unit = m[2];
    let size: number | null = lex.units.pack.get(unit) ?? null;
    let sizeSpan: Span | null = null;
    let spanEnd = end;
    const trailing = g.packDefTrailing.exec(text.slice(end, end + 16));
    if (trailing && parseNumeral(trailing[1])) {
      size = parseNumeral(trailing[1]);
      sizeSpan = [end + trailing[0].length - trailing[0].trimStart().length, end + trailing[0].length];
      spanEnd = end + trailing[0].length;
    } else {
      const stated = sizes
        .filter((s) => (s.unit === unit || s.unit === null) && !/[\n。;；]/.test(text.slice(Math.min(s.span[1], start), Math.max(s.span[0], end))))
        .sort((a, b) => Math.abs(a.span[0] - start) - Math.abs(b.span[0] - start))[0];
      if (stated && Math.abs(stated.span[0] - start) <= 40) {
        size = stated.size;
        sizeSpan = stated.span;
        stated.used = true;
        if (stated.span[0] >= end && /^[\s,，]*$/.test(text.slice(end, stated.span[0]))) spanEnd = stated.span[1];
        take(stated.span[0], stated.span[1]);
      }
    }
    push({
      span: [start, spanEnd],
      qty: size ? count * size : null,
      unit,
      pack: { unit, count, size, sizeSpan },
      each: false,
      confidence: size ? 0.9 : 0.3,
      form: 'PACK',
    });
  }
  // 一箱12瓶 / 一箱 24瓶装 with no other count of boxes: it is itself the order, one box.
  for (const s of sizes) {
    if (s.one && !s.used && free(s.span[0], s.span[1]))
      push({ span: s.span, qty: s.size, unit: s.unit, pack: { unit: s.unit!, count: 1, size: s.size, sizeSpan: s.span }, each: false, confidence: 0.85, form: 'PACK' });
    take(s.span[0], s.span[1]);
  }

  const scan = (re: RegExp, build: (m: RegExpExecArray) => (Omit<QuantityMatch, 'each'> & { each?: boolean }) | null) => {
    re.lastIndex = 0;
    for (let m; (m = re.exec(text)); ) {
      const q = build(m);
      if (q && free(q.span[0], q.span[1])) push({ ...q, each: q.each ?? false });
    }
  };
  scan(g.times, (m) => {
    const qty = parseNumeral(m[1] ?? m[3]);
    return qty ? { span: [m.index, m.index + m[0].length], qty, unit: m[2] ?? m[4] ?? null, confidence: 0.95, form: 'TIMES' } : null;
  });
  scan(g.unitQty, (m) => {
    const qty = parseNumeral(m[1]);
    return qty ? { span: [m.index, m.index + m[0].length], qty, unit: m[2], confidence: 0.95, form: 'UNIT' } : null;
  });
  scan(g.verbQty, (m) => {
    const qty = parseNumeral(m[1]);
    const start = m.index + m[0].length - m[1].length;
    return qty ? { span: [start, m.index + m[0].length], qty, unit: null, confidence: 0.7, form: 'VERB' } : null;
  });
  scan(g.eachBare, (m) => {
    const qty = parseNumeral(m[1]);
    return qty ? { span: [m.index, m.index + m[0].length], qty, unit: null, confidence: 0.7, form: 'EACH_BARE', each: true } : null;
  });
  scan(g.verbAlone, (m) => {
    const qty = parseNumeral(m[1]);
    const start = m.index + m[0].length - m[1].length;
    return qty ? { span: [start, m.index + m[0].length], qty, unit: null, confidence: 0.7, form: 'VERB' } : null;
  });
  scan(g.implied, (m) => ({ span: [m.index, m.index + m[0].length], qty: 1, unit: m[1], confidence: 0.75, form: 'IMPLIED_ONE' }));
  scan(g.vague, (m) => ({ span: [m.index, m.index + m[0].length], qty: null, unit: m[1], confidence: 0, form: 'VAGUE' }));
  return out.sort((a, b) => a.span[0] - b.span[0]);
}

export interface DurationMatch {
  span: Span;
  months: number;
}

const DURATION = new RegExp(
  [
    `(半)(?:个)?年`,
    `(${NUMERAL})\\s*年(半)?`,
    `(${NUMERAL})?\\s*(?:个)?(半)?\\s*(?:个)?月`,
    `(${NUMERAL})\\s*(?:天|日)`,
  ]
    .map((p) => `(?:${p})`)
    .join('|'),
  'g',
);

/** Durations in months: 一年 12, 一年半 18, 半年 6, 18个月 18, 1.5年 18, 90天 3. */
export function findDurations(text: string): DurationMatch[] {
  const out: DurationMatch[] = [];
  DURATION.lastIndex = 0;
  for (let m; (m = DURATION.exec(text)); ) {
    if (!m[0].trim()) {
      DURATION.lastIndex++;
      continue;
    }
    let months: number | null = null;
    if (m[1]) months = 6;
    else if (m[2]) {
      const y = parseNumeral(m[2]);
      if (y !== null) months = y * 12 + (m[3] ? 6 : 0);
    } else if (m[0].endsWith('月')) {
      if (!m[4] && !m[5]) continue;
      const n = m[4] ? parseNumeral(m[4]) : 0;
      if (n !== null) months = n + (m[5] ? 0.5 : 0);
      // 6月 right after a year or before 份/号 is a date, not a duration.
      if (!m[0].includes('个') && /^[份号日]/.test(text.slice(m.index + m[0].length))) months = null;
    } else if (m[6]) {
      const d = parseNumeral(m[6]);
      if (d !== null) months = Math.round(d / 30.44);
    }
    if (months !== null && months > 0) out.push({ span: [m.index, m.index + m[0].length], months });
  }
  return out;
}
