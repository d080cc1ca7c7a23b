// Document numbers as callers *say* them, for the project's one reader of document numbers
// (readDocumentNumbers, common/src/docno.ts), which reads them as people type them. Speech adds what
// typing does not: digits read out one by one (二零二五一一一零, 幺 and 洞 for 1 and 0), 杠 for the
// dash, letters spelt apart (S O, S-O), a waybill read in groups (ZTO 1002 6915 9CN), commas where
// the caller paused, and the prefix said after the digits (…零四二，SO开头的). This file only turns
// speech into writing, character for character, so that positions stay positions in the
// transcript; what is a number, and its canonical form, is the one reader's to say.
import { classifyDocumentNo, readDocumentNumbers, type DocumentKind } from '../../common/src/docno.js';
import type { Span } from './fields.js';

export interface DocumentRef {
  kind: DocumentKind;
  canonical: string;
  /** Where it was said, in the original text. */
  span: Span;
  text: string;
}

/** Digits read out one at a time; 幺 and 洞 are how 1 and 0 are said over the phone. */
const SPOKEN_DIGIT: Record<string, string> = { 零: '0', 〇: '0', 洞: '0', 一: '1', 幺: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/** The transcript written as the number was meant, one character per character. */
function written(text: string): string {
  const out = text.split('').map((c, i) => {
    const code = c.charCodeAt(0);
    if (code >= 0xff01 && code <= 0xff5e) c = String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000) c = ' ';
    if (c === '杠' || (c === '横' && text[i + 1] === '杠')) return '-';
    return c >= 'a' && c <= 'z' ? c.toUpperCase() : c;
  });
  // Spoken digits read in groups with pauses (二零二五 一一 二零 零 幺 三, 幺二三 四五六 七八九 零): groups of
  // digits, spoken or written, apart only by spaces or commas, that make eight digits or more are one
  // number read out, however short each group (一一 alone stays a word).
  // Not 两: in 两天, 两箱 after a number it is a quantity (YT 7788 9900 1122，两天没动了).
  const isDigit = (c: string) => (c in SPOKEN_DIGIT && c !== '两') || (c >= '0' && c <= '9');
  for (let i = 0; i < out.length; ) {
    if (!isDigit(out[i])) {
      i++;
      continue;
    }
    let j = i;
    let digits = 0;
    let end = i;
    while (j < out.length) {
      if (isDigit(out[j])) digits++, (end = ++j);
      else if (/[\s,，、]/.test(out[j])) j++;
      else break;
    }
    if (digits >= 8) for (let k = i; k < end; k++) if (out[k] in SPOKEN_DIGIT) out[k] = SPOKEN_DIGIT[out[k]];
    i = end + 1;
  }
  // Runs of three or more spoken digits are digits (一下 or 两桶 stay words).
  for (let i = 0; i < out.length; ) {
    if (!(out[i] in SPOKEN_DIGIT)) {
      i++;
      continue;
    }
    let j = i;
    while (j < out.length && out[j] in SPOKEN_DIGIT) j++;
    if (j - i >= 3) for (let k = i; k < j; k++) out[k] = SPOKEN_DIGIT[out[k]];
    i = j;
  }
  let s = out.join('');
  // A prefix heard with a zero for its O (S0 2025…): SO.
  s = s.replace(/(?<![A-Z0-9])S0(?=\s?\d{8})/g, 'SO');
  // Digits read out one by one with a pause between each (S O 2 0 2 5 1 1 1 1 0 3 3): the gaps move behind them.
  // With a pause between groups too (2 2 4 7 1 8 4 3，9 1 7 1 7), and the last digit glued to a CN suffix (…4 0 1CN).
  s = s.replace(/(?<![\dA-Z])\d(?:(?: ?, ?| )\d){7,}(?![\dA-BD-Z]|C(?! ?N))/g, (m) => m.replace(/[ ,]/g, '').padEnd(m.length, ' '));
  // Letters spelt apart before the digits: S O, S F, Z T O → SO, SF, ZTO (the gaps move behind them); C N after them.
  s = s.replace(/(?<![A-Z])[A-Z](?:[ \-,]{1,2}[A-Z]){1,3}(?![A-Z])(?=[\s\-,]*\d)/g, (m) => m.replace(/[ \-,]/g, '').padEnd(m.length, ' '));
  // …9 0 1，C N: the suffix said after a pause too (a comma where the caller paused).
  s = s.replace(/(?<=\d)\s*(?:,\s*)?C[ ,]?N(?![A-Z])/g, (m) => 'CN'.padEnd(m.length, ' '));
  // A number read in groups after its prefix (SO 2025 11 20 0 1 3, CK 2025 1119 106): the groups are one number.
  s = s.replace(/(?<![A-Z0-9])(SO|CK|OH)([\s\-:,]{0,3})(\d+(?:[ ,]+\d+){2,})(?![\dA-Z])/g, (m, prefix: string, gap: string, groups: string) =>
    groups.replace(/[ ,]/g, '').length >= 11 ? `${prefix}${gap}${groups.replace(/[ ,]/g, '')}`.padEnd(m.length, ' ') : m,
  );
  // The sequence said after a word (SO 20251123，后面是 057) or after a dash with gaps (SO20251124 - 9,
  // SO-20261201-0 3 3 read out digit by digit): one number. A word written right after typed digits
  // (SO-20261205-032一模一样) is no digit of it.
  s = s.replace(
    /(?<![A-Z0-9])(SO|CK)[\s\-]*(\d{4}[\s,\-]*\d{2}[\s,\-]*\d{2})[\s,]{0,2}(?:后面是|后面|然后是|接着是|后三位是?|最后是|-)[\s:,]*((?:\d(?![零〇洞一幺二两三四五六七八九])|[零〇洞一幺二两三四五六七八九])(?:\s*(?:\d(?![零〇洞一幺二两三四五六七八九])|[零〇洞一幺二两三四五六七八九])){0,5})(?![\d零〇洞一幺二两三四五六七八九])/g,
    (m, prefix: string, date: string, seq: string) => `${prefix}${date.replace(/[\s,\-]/g, '')}-${[...seq.replace(/\s/g, '')].map((c) => SPOKEN_DIGIT[c] ?? c).join('')}`.padEnd(m.length, ' '),
  );
  // The dash said in English (SO dash 20251127 dash 101).
  s = s.replace(/(?<=[A-Z0-9])\s*DASH\s*(?=\d)/g, (m) => '-'.padEnd(m.length, ' '));
  // A pause read as a comma between the parts of one number: CK，20251110，-，009.
  s = s.replace(/(?<=[A-Z0-9\-])\s*,[\s,\-]*(?=[\d\-])/g, (m) => ' '.repeat(m.length));
  // A waybill read in groups: ZTO 1002 6915 9CN → ZTO100269159CN (the gaps move behind it).
  s = s.replace(/(?<![A-Z0-9])([A-Z]{2,4})\s*((?:\s?\d){9,13})(\s?CN)?(?![A-Z0-9])/g, (m, prefix: string, digits: string, cn: string | undefined) =>
    /^(SO|CK|OH)$/.test(prefix) ? m : `${prefix}${digits.replace(/\s/g, '')}${(cn ?? '').trim()}`.padEnd(m.length, ' '),
  );
  return s;
}

/** Where a number found at `at` ends: over letters, digits and the separators a number is written with. */
function endOf(s: string, at: number, text: string): number {
  let e = at;
  while (e < s.length && /[A-Z0-9\s\-_/\\.:#]/.test(s[e])) e++;
  // Trailing gaps are not the number's, unless they stand where it was said (S O 2 0 2 5… moved its gaps behind).
  while (e > at && /[\s\-_/\\.:#]/.test(s[e - 1]) && !/[A-Za-z0-9Ａ-Ｚａ-ｚ０-９零〇洞一幺二两三四五六七八九]/.test(text[e - 1])) e--;
  return e;
}

// The digits first and the prefix after: 二零二五一一一零零四二，SO开头的.
const PREFIX_AFTER = /(?<![\dA-Z])(\d{8})[\s\-]*(\d{3,6})(?!\d)[^\dA-Z]{0,4}?(S\s?O|C\s?K)\s?(?:开头|打头)/g;

/** Every document number said in `text`, in the order said. */
export function findDocumentRefs(text: string): DocumentRef[] {
  const s = written(text);
  const found: DocumentRef[] = readDocumentNumbers(s).map((n) => {
    const span: Span = [n.at, endOf(s, n.at, text)];
    return { kind: n.kind, canonical: n.canonical, span, text: text.slice(span[0], span[1]) };
  });
  PREFIX_AFTER.lastIndex = 0;
  for (let m; (m = PREFIX_AFTER.exec(s)); ) {
    const parsed = classifyDocumentNo(`${m[3].replace(/\s/g, '')}-${m[1]}-${m[2]}`);
    if (!parsed || found.some((f) => f.span[0] < m!.index + m![0].length && m!.index < f.span[1])) continue;
    const span: Span = [m.index, m.index + m[0].length];
    found.push({ kind: parsed.kind, canonical: parsed.canonical, span, text: text.slice(span[0], span[1]) });
  }
  return found.sort((a, b) => a.span[0] - b.span[0]);
}
