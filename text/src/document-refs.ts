// Document numbers inside running text as people type and say them: SO-20251110-042, SO20251110042,
// "SO 2025 1110 042", "S O 二零二五一一一零 杠 零四二", CK，二零二五一一一零，杠，零零九, ZTO 1002 6915 9CN,
// full-width ＳＯ－２０２５…. This only finds where a number is and puts its pieces together; whether
// it is a number at all, and its canonical form, is the project's one reader of document numbers
// (common/src/docno.ts).
import { classifyDocumentNo, type DocumentKind } from '../../common/src/docno.js';
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

/**
 * The text as the number finder reads it, one character per original character: full-width made
 * ASCII, Latin upper-case, runs of three or more spoken digits made digits (一下 or 两桶 stay as
 * they are), 杠 a dash.
 */
function readable(text: string): string {
  const out = text.split('').map((c, i) => {
    const code = c.charCodeAt(0);
    if (code >= 0xff01 && code <= 0xff5e) c = String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000) c = ' ';
    if (c === '杠' || (c === '横' && text[i + 1] === '杠')) return '-';
    return c >= 'a' && c <= 'z' ? c.toUpperCase() : c;
  });
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
  return out.join('');
}

const SEP = '[\\s\\-,，、:：]';
// A prefix (letters may be spaced: S O), then up to five groups of digits with separators between.
const ORDER_LIKE = new RegExp(`(S\\s?O|C\\s?K)${SEP}*((?:\\d+${SEP}{0,4}){1,5})`, 'g');
const WAYBILL_LIKE = new RegExp(`(?<![A-Z])([A-Z]{2,4})\\s?((?:\\d\\s?){9,13})\\s?(CN)?(?![A-Z])`, 'g');

/** Puts the groups of digits of an SO/CK number back together: an 8-digit date, then the day's sequence. */
function orderNumber(prefix: string, body: string): { candidate: string; used: number } | null {
  const groups: { digits: string; end: number }[] = [];
  const re = /\d+/g;
  for (let m; (m = re.exec(body)); ) groups.push({ digits: m[0], end: m.index + m[0].length });
  let digits = '';
  let i = 0;
  // The date: whole groups up to 8 digits (2025 1110 or 20251110), or the first 8 of one long group.
  while (i < groups.length && digits.length < 8) digits += groups[i++].digits;
  if (digits.length < 8) return null;
  let used = groups[i - 1].end;
  let seq: string;
  if (digits.length > 8) {
    seq = digits.slice(8);
  } else {
    if (i >= groups.length) return null;
    seq = groups[i].digits;
    used = groups[i].end;
  }
  if (seq.length < 1 || seq.length > 6) return null;
  return { candidate: `${prefix}-${digits.slice(0, 8)}-${seq}`, used };
}

/** Every document number in `text`, in the order said. */
export function findDocumentRefs(text: string): DocumentRef[] {
  const r = readable(text);
  const found: DocumentRef[] = [];
  const taken = new Uint8Array(r.length);
  ORDER_LIKE.lastIndex = 0;
  for (let m; (m = ORDER_LIKE.exec(r)); ) {
    const prefix = m[1].replace(/\s/g, '');
    const bodyStart = m.index + m[0].length - m[2].length;
    const n = orderNumber(prefix, m[2]);
    if (!n) continue;
    const parsed = classifyDocumentNo(n.candidate);
    if (!parsed || (parsed.kind !== 'ERP' && parsed.kind !== 'WMS')) continue;
    const span: Span = [m.index, bodyStart + n.used];
    taken.fill(1, span[0], span[1]);
    found.push({ kind: parsed.kind, canonical: parsed.canonical, span, text: text.slice(span[0], span[1]) });
  }
  WAYBILL_LIKE.lastIndex = 0;
  for (let m; (m = WAYBILL_LIKE.exec(r)); ) {
    if (taken[m.index]) continue;
    const parsed = classifyDocumentNo(`${m[1]}${m[2].replace(/\s/g, '')}${m[3] ?? ''}`);
    if (!parsed) continue;
    const span: Span = [m.index, m.index + m[0].trimEnd().length];
    found.push({ kind: parsed.kind, canonical: parsed.canonical, span, text: text.slice(span[0], span[1]) });
  }
  return found.sort((a, b) => a.span[0] - b.span[0]);
}
