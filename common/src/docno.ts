// The four numbering schemes and their variants as people actually type them. Pure functions, unit
// tested: ERP `SO-20251108-001`, WMS `CK20251108-001`, TMS waybills `SF123456789CN`, hub `OH0000001234`.

export type DocumentKind = 'ORDER' | 'ERP' | 'WMS' | 'TMS';

const SO_RE = /^\s*SO[\s\-_/]*(\d{8})[\s\-_/]*(\d{1,6})\s*$/i;
const CK_RE = /^\s*CK[\s\-_/]*(\d{8})[\s\-_/]*(\d{1,6})\s*$/i;
const WAYBILL_RE = /^\s*([A-Z]{2,4})(\d{9,13})(CN)?\s*$/i;
const HUB_RE = /^\s*OH(\d{10})\s*$/i;

const seq = (digits: string) => String(Number(digits)).padStart(3, '0');

/** The date inside a document number must be a real one: SO-20251399-001 is nobody's order. */
function realDate(yyyymmdd: string): boolean {
  const [y, m, d] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)].map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= 2000 && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Canonical ERP order no. for any variant (`SO20251108001`, `so-20251108-1`), or null. */
export function normalizeErpOrderNo(text: string | null | undefined): string | null {
  const m = text == null ? null : SO_RE.exec(text);
  return m && realDate(m[1]) ? `SO-${m[1]}-${seq(m[2])}` : null;
}

/** Canonical WMS outbound no. (`CK20251108-001`) for any variant, or null. */
export function normalizeOutboundNo(text: string | null | undefined): string | null {
  const m = text == null ? null : CK_RE.exec(text);
  return m && realDate(m[1]) ? `CK${m[1]}-${seq(m[2])}` : null;
}

export function normalizeWaybillNo(text: string | null | undefined): string | null {
  const m = text == null ? null : WAYBILL_RE.exec(text);
  return m ? `${m[1].toUpperCase()}${m[2]}${(m[3] ?? '').toUpperCase()}` : null;
}

export function formatHubOrderId(n: number): string {
  return `OH${String(n).padStart(10, '0')}`;
}

export function parseHubOrderId(text: string): number | null {
  const m = HUB_RE.exec(text);
  return m ? Number(m[1]) : null;
}

/** Which number a caller handed us, in canonical form; null when it is none of the four. */
export function classifyDocumentNo(input: string): { kind: DocumentKind; canonical: string } | null {
  // Full-width letters and digits (ＳＯ－２０２５…) are what a Chinese IME types: NFKC makes them ASCII.
  const text = input.normalize('NFKC');
  const hub = parseHubOrderId(text);
  if (hub != null) return { kind: 'ORDER', canonical: formatHubOrderId(hub) };
  const so = normalizeErpOrderNo(text);
  if (so) return { kind: 'ERP', canonical: so };
  const ck = normalizeOutboundNo(text);
  if (ck) return { kind: 'WMS', canonical: ck };
  const wb = normalizeWaybillNo(text);
  if (wb) return { kind: 'TMS', canonical: wb };
  return null;
}
