// The four numbering schemes and their variants as people actually type them. Pure functions, unit
// tested: ERP `SO-20251108-001`, WMS `CK20251108-001`, TMS waybills `SF123456789CN`, hub `OH0000001234`.
//
// One reader (`readDocumentNumbers`) serves every place a number is read from what a person typed:
// `order(id:)`, the linker's WMS ref_no and TMS customerRef, the repair runner's cells. It reads the
// way a person reads: compatibility forms folded (NFKC: full-width ＳＯ２０２５…), the punctuation a
// Chinese input method produces in place of ASCII (、。——～·), any separator or none, any case,
// numbers among words, labels and annotations (订单号：SO-20251108-001（补发）), and several numbers in
// one field (SO-20251108-001/002, SO…001、SO…002: a combined shipment).

export type DocumentKind = 'ORDER' | 'ERP' | 'WMS' | 'TMS';

export interface DocumentNumber {
  kind: DocumentKind;
  canonical: string;
}

/** A number found in text: where it starts in the folded text, to keep the order they were written in. */
export interface DocumentNumberRead extends DocumentNumber {
  at: number;
}

/**
 * NFKC, then what an input method types in Chinese mode for the ASCII a number is written with:
 * 、 (the \ key) and ，；, list separators; 。 and ·・ dots; — – ‐ − ～ 〜 ー dashes; upper case.
 * Length-preserving after NFKC, so positions in the result are positions in one text.
 */
export function foldReference(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[、，；]/g, ',')
    .replace(/[。·・]/g, '.')
    .replace(/[—–‐‑‒―−～〜ー~]/g, '-')
    .toUpperCase();
}

/** Between the parts of one number: any run of space, - _ / \ . : # (or nothing). */
const SEP = String.raw`[\s\-_/\\.:#]*`;
/** Not glued to a longer word or number: ALSO-…, 1SO-…, SO-…-0012 are not SO-…-001. */
const BEFORE = '(?<![A-Z0-9])';
/** Between two numbers of one list: SO-…-001/002, SO-…-001、002, SO-…-001 和 002. */
const LIST_SEP = String.raw`\s*(?:[/,;&+|]|和|及|与|AND)\s*`;

// A date of 8 digits (separators allowed), then a sequence of 1–6 digits: 1–2 only when joined by a dash or underscore (so-20251108-1), never
// after a bare space (SO-20251108 12箱 is a date and a quantity).
const numbered = (prefix: string) =>
  new RegExp(String.raw`${BEFORE}${prefix}${SEP}(\d{4}${SEP}\d{2}${SEP}\d{2})(?:${SEP}(\d{3,6})|[\-_]+(\d{1,2}))(?!\d)`, 'g');

const SO_RE = numbered('SO');
const CK_RE = numbered('CK');
const HUB_RE = new RegExp(String.raw`${BEFORE}OH${SEP}(\d{10})(?!\d)`, 'g');
const WAYBILL_RE = /(?<![A-Z0-9])([A-Z]{2,4})(\d{9,13})(CN)?(?![A-Z0-9])/g;

const seq = (digits: string) => String(Number(digits)).padStart(3, '0');

/** The date inside a document number must be a real one: SO-20251399-001 is nobody's order. */
function realDate(yyyymmdd: string): boolean {
  const [y, m, d] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)].map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= 2000 && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * Every document number in `text`, in the order written, each once, read as a person reads it.
 * `kinds` limits what is looked for (a WMS ref_no names ERP orders only).
 */
export function readDocumentNumbers(text: string | null | undefined, kinds: readonly DocumentKind[] = ['ORDER', 'ERP', 'WMS', 'TMS']): DocumentNumberRead[] {
  if (!text) return [];
  const folded = foldReference(text);
  const found: DocumentNumberRead[] = [];
  const taken: [number, number][] = [];
  const free = (s: number, e: number) => !taken.some(([a, b]) => s < b && a < e);
  const add = (kind: DocumentKind, canonical: string, s: number, e: number) => {
    taken.push([s, e]);
    found.push({ kind, canonical, at: s });
  };

  const scheme = (kind: 'ERP' | 'WMS', re: RegExp, format: (date: string, n: string) => string) => {
    re.lastIndex = 0;
    for (let m; (m = re.exec(folded)); ) {
      const [whole, written, long, short] = m;
      // The date may be written with separators too (SO-2025-11-08-001).
      const date = written.replace(/\D/g, '');
      if (date.length !== 8 || !realDate(date)) continue;
      const digits = long ?? short;
      add(kind, format(date, seq(digits)), m.index, m.index + whole.length);
      // SO-20251108-001/002/003: more sequences of the same day, written as wide as the first.
      const more = new RegExp(String.raw`^${LIST_SEP}(\d{${Math.max(3, digits.length)}})(?![\dA-Z])(?!\s\d)`);
      let end = m.index + whole.length;
      for (let c; (c = more.exec(folded.slice(end))); ) {
        add(kind, format(date, seq(c[1])), end + c[0].length - c[1].length, end + c[0].length);
        end += c[0].length;
      }
      re.lastIndex = end;
    }
  };
  if (kinds.includes('ERP')) scheme('ERP', SO_RE, (d, n) => `SO-${d}-${n}`);
  if (kinds.includes('WMS')) scheme('WMS', CK_RE, (d, n) => `CK${d}-${n}`);
  if (kinds.includes('ORDER')) {
    HUB_RE.lastIndex = 0;
    for (let m; (m = HUB_RE.exec(folded)); ) add('ORDER', `OH${m[1]}`, m.index, m.index + m[0].length);
  }
  if (kinds.includes('TMS')) {
    WAYBILL_RE.lastIndex = 0;
    for (let m; (m = WAYBILL_RE.exec(folded)); ) {
      const end = m.index + m[0].length;
      // An SO/CK/OH number written without separators looks like a waybill: it was read above or is none.
      if (/^(SO|CK|OH)$/.test(m[1]) || !free(m.index, end)) continue;
      add('TMS', `${m[1]}${m[2]}${m[3] ?? ''}`, m.index, end);
    }
  }
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.at - b.at)
    .filter((n) => {
      const key = `${n.kind}:${n.canonical}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
}

/** The one number of a kind a field holds; null when it holds none or several different ones. */
function theOne(text: string | null | undefined, kind: DocumentKind): string | null {
  const found = readDocumentNumbers(text, [kind]);
  return found.length === 1 ? found[0].canonical : null;
}

/** Canonical ERP order no. for any variant (`SO20251108001`, `so-20251108-1`, `订单号：SO…（补发）`), or null. */
export const normalizeErpOrderNo = (text: string | null | undefined): string | null => theOne(text, 'ERP');

/** Canonical WMS outbound no. (`CK20251108-001`) for any variant, or null. */
export const normalizeOutboundNo = (text: string | null | undefined): string | null => theOne(text, 'WMS');

export const normalizeWaybillNo = (text: string | null | undefined): string | null => theOne(text, 'TMS');

export function formatHubOrderId(n: number): string {
  return `OH${String(n).padStart(10, '0')}`;
}

export function parseHubOrderId(text: string): number | null {
  const found = readDocumentNumbers(text, ['ORDER']);
  return found.length === 1 ? Number(found[0].canonical.slice(2)) : null;
}

/** Which number a caller handed us, in canonical form; null when it holds none, or several different ones. */
export function classifyDocumentNo(input: string): DocumentNumber | null {
  const found = readDocumentNumbers(input);
  return found.length === 1 ? { kind: found[0].kind, canonical: found[0].canonical } : null;
}

/** A draft's ID (DR0000000123): intake makes them, and order-link's event log names them. */
export function formatDraftId(id: number): string {
  return `DR${String(id).padStart(10, '0')}`;
}

export function parseDraftId(text: string): number | null {
  const m = /^\s*DR(\d{1,10})\s*$/i.exec(text);
  return m ? Number(m[1]) : null;
}
