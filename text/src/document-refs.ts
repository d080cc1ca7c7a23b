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
  s = s.replace(/(?<![\dA-Z])\d(?: \d){7,}(?![\dA-Z])/g, (m) => m.replace(/ /g, '').padEnd(m.length, ' '));
  // Letters spelt apart: S O → SO (the gap moves behind them).
  s = s.replace(/(?<![A-Z])([SC])[\s\-]([OK])(?=[\s\-,]*\d)/g, (m, a, b) => (`${a}${b}`.match(/^(SO|CK)$/) ? `${a}${b}${m[1]}` : m));
  // A pause read as a comma between the parts of one number: CK，20251110，-，009.
  s = s.replace(/(?<=[A-Z0-9\-])\s*,[\s,\-]*(?=[\d\-])/g, (m) => ' '.repeat(m.length));
  // A waybill read in groups: ZTO 1002 6915 9CN → ZTO100269159CN (the gaps move behind it).
  s = s.replace(/(?<![A-Z0-9])([A-Z]{2,4})((?:\s?\d){9,13})(\s?CN)?(?![A-Z0-9])/g, (m, prefix: string, digits: string, cn: string | undefined) =>
    /^(SO|CK|OH)$/.test(prefix) ? m : `${prefix}${digits.replace(/\s/g, '')}${(cn ?? '').trim()}`.padEnd(m.length, ' '),
  );
  return s;
}

/** Where a number found at `at` ends: over letters, digits and the separators a number is written with. */
function endOf(s: string, at: number): number {
  let e = at;
  while (e < s.length && /[A-Z0-9\s\-_/\\.:#]/.test(s[e])) e++;
  while (e > at && /[\s\-_/\\.:#]/.test(s[e - 1])) e--;
  return e;
}

// The digits first and the prefix after: 二零二五一一一零零四二，SO开头的.
const PREFIX_AFTER = /(?<![\dA-Z])(\d{8})[\s\-]*(\d{3,6})(?!\d)[^\dA-Z]{0,4}?(SO|CK)\s?(?:开头|打头)/g;

/** Every document number said in `text`, in the order said. */
export function findDocumentRefs(text: string): DocumentRef[] {
  const s = written(text);
  const found: DocumentRef[] = readDocumentNumbers(s).map((n) => {
    const span: Span = [n.at, endOf(s, n.at)];
    return { kind: n.kind, canonical: n.canonical, span, text: text.slice(span[0], span[1]) };
  });
  PREFIX_AFTER.lastIndex = 0;
  for (let m; (m = PREFIX_AFTER.exec(s)); ) {
    const parsed = classifyDocumentNo(`${m[3]}-${m[1]}-${m[2]}`);
    if (!parsed || found.some((f) => f.span[0] < m!.index + m![0].length && m!.index < f.span[1])) continue;
    const span: Span = [m.index, m.index + m[0].length];
    found.push({ kind: parsed.kind, canonical: parsed.canonical, span, text: text.slice(span[0], span[1]) });
  }
  return found.sort((a, b) => a.span[0] - b.span[0]);
}
