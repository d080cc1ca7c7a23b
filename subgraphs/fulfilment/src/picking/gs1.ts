// Turns what a picker's phone scanner returns into a structured scan: a GS1 element string, a bare
// product barcode (GTIN) or the warehouse's own bin/lot label.
//
// Accepted inputs (leading/trailing whitespace and CR/LF from the scanner are ignored):
//
// 1. GS1 element strings (GS1-128, GS1 DataMatrix, GS1 QR, GS1 DataBar), in either form:
//    - raw, as the scanner transmits it: `0104582132012046` `10202510A` <GS> `17271031` `3012`,
//      where <GS> (ASCII 29, \x1d) is FNC1 ending a variable-length field. It may start with a
//      symbology identifier (`]C1` GS1-128, `]d2` DataMatrix, `]Q3` QR, `]e0` DataBar, `]J1`
//      DotCode) or with a lone GS (FNC1 in first position, as some scanners send it).
//    - human-readable, with the AIs in parentheses: `(01)04582132012046(10)202510A(17)271031(30)12`.
//      Blanks around the parentheses are tolerated; a value cannot itself contain `(NN)`.
//    Application identifiers understood (anything else is UNKNOWN_AI, never skipped, since a
//    skipped field could be the batch the picker was meant to check):
//      00 SSCC (18 digits, check digit) · 01 GTIN (14, check digit) · 02 GTIN of contained items
//      10 batch/lot (≤ 20) · 11 production date · 15 best before · 17 expiry date (YYMMDD)
//      21 serial (≤ 20) · 30 variable count (≤ 8 digits) · 37 count of trade items (≤ 8 digits)
//    Fixed-length AIs (00, 01, 02, 11, 15, 17) need no separator after them; a variable-length one
//    (10, 21, 30, 37) runs to the next GS or the end. A redundant GS is tolerated anywhere between
//    elements. A missing GS after a variable field cannot be detected in general (the next AI is
//    read as part of the value); GS1 encoders never omit it.
//    Dates: DD = 00 means "only year and month": for 15/17 the last day of that month (GS1 rule),
//    for 11 the first day (the oldest the goods can be). The century follows the GS1 General
//    Specifications sliding window (7.12): a year more than 50 years ahead of `referenceYear`
//    belongs to the previous century, one 50 or more years behind it to the next; with 2025 that
//    is 1976–2075.
// 2. A bare GTIN: 8, 12, 13 or 14 digits (EAN-8, UPC-A, EAN-13, GTIN-14), check digit verified,
//    optionally after `]E0`/`]E4`. This is the product barcode on the box: no batch.
// 3. The warehouse label, printed by the WMS on bins and repacked cartons:
//      WMS|<sku code>|<batch no>|<qty>      e.g. WMS|BRG-N204|202510A|12
//    `WMS` in any case; sku code as in ERP cInvCode (letters, digits, `-`, `.`, `_`, `/`, ≤ 30,
//    returned in upper case as ERP writes it); batch as in t_stock.batch_no (≤ 20, GS1 character
//    set without `|`, kept exactly as printed, lower case included); qty optional (a positive
//    integer of ≤ 8 digits; `WMS|X|B|` with an empty qty counts as no qty).

export const GS = '\x1d';
/** Longer than any real label; refusing early keeps a stuck scanner from feeding us megabytes. */
export const MAX_SCAN_LENGTH = 512;

export type ScanFormat = 'GS1' | 'GTIN' | 'WAREHOUSE_LABEL';

export interface ParsedScan {
  ok: true;
  format: ScanFormat;
  /** AI 01 or the bare barcode, always 14 digits (GTIN-13 gets a leading 0). */
  gtin?: string;
  /** AI 02: the GTIN of the items inside a logistic unit (then `quantity` is AI 37). */
  contentGtin?: string;
  /** AI 00. */
  sscc?: string;
  /** Warehouse label only. */
  skuCode?: string;
  batchNo?: string;
  /** YYYY-MM-DD. */
  expiresOn?: string;
  bestBefore?: string;
  producedOn?: string;
  serial?: string;
  /** AI 30 or 37, or the label's qty. */
  quantity?: number;
  /** The symbology identifier the scanner sent (`]C1` …), if any. */
  symbology?: string;
}

export type ScanFailureReason =
  | 'EMPTY'
  | 'TOO_LONG'
  | 'MALFORMED'
  | 'BAD_CHECK_DIGIT'
  | 'UNKNOWN_AI'
  | 'BAD_DATE'
  | 'BAD_QUANTITY'
  | 'CONFLICTING_AI';

export interface ScanFailure {
  ok: false;
  reason: ScanFailureReason;
  detail: string;
}

export type ScanResult = ParsedScan | ScanFailure;

export interface ParseScanOptions {
  /** The year two-digit GS1 years are read around; defaults to the current year. */
  referenceYear?: number;
}

type AiKind = 'GTIN' | 'SSCC' | 'DATE' | 'TEXT' | 'COUNT';
interface AiDef {
  name: string;
  kind: AiKind;
  /** Value length for predefined-length AIs. */
  fixed?: number;
  /** Maximum value length for variable-length AIs. */
  max?: number;
}

const AIS: Record<string, AiDef> = {
  '00': { name: 'SSCC', kind: 'SSCC', fixed: 18 },
  '01': { name: 'GTIN', kind: 'GTIN', fixed: 14 },
  '02': { name: 'CONTENT', kind: 'GTIN', fixed: 14 },
  '10': { name: 'BATCH/LOT', kind: 'TEXT', max: 20 },
  '11': { name: 'PROD DATE', kind: 'DATE', fixed: 6 },
  '15': { name: 'BEST BEFORE', kind: 'DATE', fixed: 6 },
  '17': { name: 'USE BY', kind: 'DATE', fixed: 6 },
  '21': { name: 'SERIAL', kind: 'TEXT', max: 20 },
  '30': { name: 'VAR. COUNT', kind: 'COUNT', max: 8 },
  '37': { name: 'COUNT', kind: 'COUNT', max: 8 },
};

/** GS1 AI encodable character set 82 (the characters allowed in batch and serial). */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;
const GS1_SYMBOLOGIES = new Set([']C1', ']d2', ']Q3', ']e0', ']J1']);
const GTIN_SYMBOLOGIES = new Set([']E0', ']E4']);
const GTIN_LENGTHS = new Set([8, 12, 13, 14]);

class ScanError extends Error {
  constructor(
    readonly reason: ScanFailureReason,
    detail: string,
  ) {
    super(detail);
  }
}

const fail = (reason: ScanFailureReason, detail: string): ScanFailure => ({ ok: false, reason, detail });

/** True when `gtin` is 8, 12, 13 or 14 digits and its last digit is the GS1 mod-10 check digit. */
export function gtinCheckDigitValid(gtin: string): boolean {
  return typeof gtin === 'string' && GTIN_LENGTHS.has(gtin.length) && /^\d+$/.test(gtin) && mod10Valid(gtin);
}

/** The 14-digit form of an 8/12/13/14-digit GTIN (left-padded with zeros); null when `gtin` is not
 * one of those lengths of digits. Does not verify the check digit: see gtinCheckDigitValid. */
export function toGtin14(gtin: string): string | null {
  if (typeof gtin !== 'string') return null;
  const digits = gtin.trim();
  if (!GTIN_LENGTHS.has(digits.length) || !/^\d+$/.test(digits)) return null;
  return digits.padStart(14, '0');
}

// GS1 check digit: weights 3,1,3,… from the digit left of the check digit, sum to a multiple of 10.
function mod10Valid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += (digits.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(digits.length - 1) - 48;
}

/** Parses one scan; never throws. */
export function parseScan(raw: string, options: ParseScanOptions = {}): ScanResult {
  if (typeof raw !== 'string') return fail('EMPTY', 'no scan');
  if (raw.length > MAX_SCAN_LENGTH * 4) return fail('TOO_LONG', `scan is ${raw.length} characters; at most ${MAX_SCAN_LENGTH}`);
  let text = raw.trim();
  if (!text) return fail('EMPTY', 'empty scan');
  if (text.length > MAX_SCAN_LENGTH) return fail('TOO_LONG', `scan is ${text.length} characters; at most ${MAX_SCAN_LENGTH}`);
  const referenceYear = options.referenceYear ?? new Date().getUTCFullYear();

  try {
    let symbology: string | undefined;
    const sym = /^\][A-Za-z][0-9A-Za-z]/.exec(text);
    if (sym) {
      symbology = sym[0];
      text = text.slice(3);
      if (!text.replaceAll(GS, '')) return fail('EMPTY', `only the symbology identifier ${symbology}`);
    }
    const withSymbology = (scan: ParsedScan): ParsedScan => (symbology ? { ...scan, symbology } : scan);

    if (symbology && GTIN_SYMBOLOGIES.has(symbology)) return withSymbology(parseGtin(text));
    if (symbology && GS1_SYMBOLOGIES.has(symbology)) return withSymbology(parseGs1(text, referenceYear));
    if (/^wms\|/i.test(text)) return withSymbology(parseWarehouseLabel(text));
    if (text.startsWith('(') || text.startsWith(GS) || text.includes(GS)) return withSymbology(parseGs1(text, referenceYear));
    if (/^\d+$/.test(text) && GTIN_LENGTHS.has(text.length)) return withSymbology(parseGtin(text));
    // Scanners set up without symbology identifiers send GS1-128 as plain digits and letters.
    if (/^\d\d/.test(text)) return withSymbology(parseGs1(text, referenceYear));
    return fail('MALFORMED', `not a GS1 barcode, a GTIN or a warehouse label: ${preview(text)}`);
  } catch (e) {
    if (e instanceof ScanError) return fail(e.reason, e.message);
    throw e;
  }
}

function parseGtin(text: string): ParsedScan {
  if (!/^\d+$/.test(text) || !GTIN_LENGTHS.has(text.length)) {
    throw new ScanError('MALFORMED', `a product barcode is 8, 12, 13 or 14 digits: ${preview(text)}`);
  }
  if (!mod10Valid(text)) throw new ScanError('BAD_CHECK_DIGIT', `GTIN ${text} fails its check digit`);
  return { ok: true, format: 'GTIN', gtin: text.padStart(14, '0') };
}

function parseWarehouseLabel(text: string): ParsedScan {
  const parts = text.split('|');
  if (parts.length === 4 && parts[3] === '') parts.pop();
  if (parts.length < 3 || parts.length > 4) {
    throw new ScanError('MALFORMED', `a warehouse label is WMS|<sku>|<batch>|<qty>: ${preview(text)}`);
  }
  const [, sku, batch, qty] = parts;
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,29}$/.test(sku)) throw new ScanError('MALFORMED', `bad SKU code in warehouse label: ${preview(sku)}`);
  if (batch.length > 20 || !CSET82.test(batch)) throw new ScanError('MALFORMED', `bad batch number in warehouse label: ${preview(batch)}`);
  const scan: ParsedScan = { ok: true, format: 'WAREHOUSE_LABEL', skuCode: sku.toUpperCase(), batchNo: batch };
  if (qty !== undefined) scan.quantity = parseCount(qty, 'warehouse label qty');
  return scan;
}

function parseCount(value: string, what: string): number {
  if (!/^\d{1,8}$/.test(value)) throw new ScanError('BAD_QUANTITY', `${what} must be 1 to 8 digits: ${preview(value)}`);
  const n = Number(value);
  if (n === 0) throw new ScanError('BAD_QUANTITY', `${what} is zero`);
  return n;
}

interface Element {
  ai: string;
  value: string;
}

function parseGs1(text: string, referenceYear: number): ParsedScan {
  const elements = text.startsWith('(') || /^[\s\x1d]*\(/.test(text) ? splitBracketed(text) : splitRaw(text);
  if (elements.length === 0) throw new ScanError('MALFORMED', 'GS1 barcode without any element');

  const scan: ParsedScan = { ok: true, format: 'GS1' };
  const seen = new Map<string, string>();
  for (const { ai, value } of elements) {
    const before = seen.get(ai);
    // GS1 allows an AI twice only with the same value.
    if (before !== undefined && before !== value) throw new ScanError('CONFLICTING_AI', `(${ai}) appears twice with different values`);
    seen.set(ai, value);
    const def = AIS[ai];
    switch (def.kind) {
      case 'GTIN':
      case 'SSCC':
        if (!/^\d+$/.test(value)) throw new ScanError('MALFORMED', `(${ai}) must be ${def.fixed} digits: ${preview(value)}`);
        if (!mod10Valid(value)) throw new ScanError('BAD_CHECK_DIGIT', `(${ai}) ${value} fails its check digit`);
        if (ai === '00') scan.sscc = value;
        else if (ai === '01') scan.gtin = value;
        else scan.contentGtin = value;
        break;
      case 'DATE': {
        const date = gs1Date(value, ai === '11' ? 'FIRST' : 'LAST', referenceYear);
        if (ai === '11') scan.producedOn = date;
        else if (ai === '15') scan.bestBefore = date;
        else scan.expiresOn = date;
        break;
      }
      case 'TEXT':
        if (!CSET82.test(value)) throw new ScanError('MALFORMED', `(${ai}) has characters GS1 does not allow: ${preview(value)}`);
        if (ai === '10') scan.batchNo = value;
        else scan.serial = value;
        break;
      case 'COUNT':
        scan.quantity = parseCount(value, `(${ai})`);
        break;
    }
  }
  // A logistic unit carries (02)+(37), a trade item (01): both at once says two different things.
  if (seen.has('01') && seen.has('02')) throw new ScanError('CONFLICTING_AI', '(01) and (02) cannot appear together');
  if (seen.has('30') && seen.has('37')) throw new ScanError('CONFLICTING_AI', '(30) and (37) cannot appear together');
  return scan;
}

function splitRaw(text: string): Element[] {
  const elements: Element[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (text[pos] === GS) {
      pos++;
      continue;
    }
    const ai = text.slice(pos, pos + 2);
    if (!/^\d\d$/.test(ai)) throw new ScanError('MALFORMED', `expected an application identifier at position ${pos}: ${preview(text.slice(pos))}`);
    const def = AIS[ai];
    if (!def) throw new ScanError('UNKNOWN_AI', `unknown application identifier starting ${ai} at position ${pos}: ${preview(text.slice(pos))}`);
    pos += 2;
    let value: string;
    if (def.fixed) {
      value = text.slice(pos, pos + def.fixed);
      if (value.length < def.fixed || value.includes(GS)) throw new ScanError('MALFORMED', `(${ai}) needs ${def.fixed} characters, got ${preview(value.split(GS)[0])}`);
      pos += def.fixed;
    } else {
      const end = text.indexOf(GS, pos);
      value = text.slice(pos, end < 0 ? text.length : end);
      pos += value.length;
    }
    elements.push({ ai, value: checkLength(ai, def, value) });
  }
  return elements;
}

function splitBracketed(text: string): Element[] {
  const elements: Element[] = [];
  // Blanks and stray GS between elements are noise; a value itself never holds a blank (set 82).
  const body = text.replace(/[\s\x1d]*(\(\d+\))[\s\x1d]*/g, '$1').replace(/[\s\x1d]+$/, '');
  const re = /\((\d+)\)/y;
  let pos = 0;
  while (pos < body.length) {
    re.lastIndex = pos;
    const m = re.exec(body);
    if (!m) throw new ScanError('MALFORMED', `expected "(AI)" at position ${pos}: ${preview(body.slice(pos))}`);
    const ai = m[1];
    if (ai.length < 2 || ai.length > 4) throw new ScanError('MALFORMED', `an application identifier has 2 to 4 digits: (${preview(ai)})`);
    const def = AIS[ai];
    if (!def) throw new ScanError('UNKNOWN_AI', `unknown application identifier (${ai})`);
    pos = re.lastIndex;
    const next = body.slice(pos).search(/\(\d{2,4}\)/);
    const end = next < 0 ? body.length : pos + next;
    const value = body.slice(pos, end);
    pos = end;
    if (def.fixed && value.length !== def.fixed) {
      throw new ScanError('MALFORMED', `(${ai}) needs ${def.fixed} characters, got ${value.length}: ${preview(value)}`);
    }
    elements.push({ ai, value: checkLength(ai, def, value) });
  }
  return elements;
}

function checkLength(ai: string, def: AiDef, value: string): string {
  if (value.length === 0) throw new ScanError('MALFORMED', `(${ai}) is empty`);
  if (def.max && value.length > def.max) {
    throw new ScanError(def.kind === 'COUNT' ? 'BAD_QUANTITY' : 'MALFORMED', `(${ai}) is longer than ${def.max} characters: ${preview(value)}`);
  }
  return value;
}

/** YYMMDD → YYYY-MM-DD; DD 00 → the first or last day of the month. */
function gs1Date(value: string, dayZero: 'FIRST' | 'LAST', referenceYear: number): string {
  const m = /^(\d\d)(\d\d)(\d\d)$/.exec(value);
  if (!m) throw new ScanError('BAD_DATE', `a GS1 date is YYMMDD: ${preview(value)}`);
  const yy = Number(m[1]);
  const month = Number(m[2]);
  let day = Number(m[3]);
  const year = gs1Century(yy, referenceYear);
  if (month < 1 || month > 12) throw new ScanError('BAD_DATE', `no month ${m[2]} in ${value}`);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > last) throw new ScanError('BAD_DATE', `${year}-${m[2]} has no day ${m[3]}`);
  if (day === 0) day = dayZero === 'LAST' ? last : 1;
  return `${String(year).padStart(4, '0')}-${m[2]}-${String(day).padStart(2, '0')}`;
}

/** GS1 General Specifications 7.12: the two-digit year nearest to the reference year, −49…+50. */
export function gs1Century(yy: number, referenceYear: number): number {
  const century = Math.floor(referenceYear / 100) * 100;
  const diff = yy - (referenceYear % 100);
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

/** A short, printable excerpt for error details (GS shown as <GS>). */
function preview(s: string): string {
  const shown = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return JSON.stringify(shown.replaceAll(GS, '<GS>'));
}
