// Rows of the hub's own tables and their mapping to and from the database.
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertRows, placeholders, upsertRows } from '../../../../common/src/db.js';

export type DocSystem = 'WMS' | 'TMS';
export type LinkMethod = 'REFERENCE' | 'NORMALIZED_REFERENCE' | 'MATCHED';
export type UnlinkedReason = 'REFERENCE_NOT_FOUND' | 'AMBIGUOUS_MATCH' | 'NO_MATCH' | 'OUTBOUND_UNLINKED' | ContradictionReason;
/**
 * A reference that names a document which contradicts it: what disagrees. CUSTOMER_MISMATCH: the
 * outbound's consignee is not the order's customer; GOODS_MISMATCH: the outbound carries none of
 * the order's goods; CONSIGNEE_MISMATCH: the waybill's consignee and destination city are neither
 * the order's customer nor its city.
 */
export type ContradictionReason = 'CUSTOMER_MISMATCH' | 'GOODS_MISMATCH' | 'CONSIGNEE_MISMATCH';
export const CONTRADICTION_REASONS: readonly ContradictionReason[] = ['CUSTOMER_MISMATCH', 'GOODS_MISMATCH', 'CONSIGNEE_MISMATCH'];

export interface OrderRecord {
  id: number;
  erp_order_no: string;
  customer_code: string;
  store_code: string;
  region: string;
  ordered_at: number;
  order_date: string;
  sku_signature: string;
  /** The goods' SKU codes, sorted, `|`-separated (null: read before the hub kept them). */
  sku_codes: string | null;
  cancelled: number;
  status: string;
  wms_outbound_no: string | null;
  tms_waybill_no: string | null;
  paid_at: number | null;
  picking_at: number | null;
  shipped_out_at: number | null;
  in_transit_at: number | null;
  out_for_delivery_at: number | null;
  signed_at: number | null;
  completed_at: number | null;
  missing_nodes: string;
  /** ERP dPreDate, iStatus (as the ERP adapter names it) and iTotalSum in fen, for health and reconciliation. */
  promised_at: number | null;
  erp_status: string | null;
  total_fen: number | null;
  /** ERP dModifyTime of the version last read (Beijing text): the late-commit lane and the sweep compare it. */
  src_modified: string | null;
  /** When the sweep found the order deleted in ERP (epoch ms); null while it exists. */
  src_deleted_at: number | null;
  created_at: number;
  updated_at: number;
}

/**
 * LINKED: joined to `order_id`. UNLINKED: not joined, `reason` says why (listed for staff).
 * CANCELLED: an outbound cancelled in the WMS — joined to nothing; `order_id` keeps the order it was
 * the outbound of (null if it never was one), for that order's history. Not listed as unlinked.
 */
export type DocumentState = 'LINKED' | 'UNLINKED' | 'CANCELLED';

export interface DocumentRecord {
  system: DocSystem;
  document_no: string;
  order_id: number | null;
  state: DocumentState;
  method: LinkMethod | null;
  confidence: number | null;
  /** Why it is not linked: an UnlinkedReason, or OUTBOUND_CANCELLED for a CANCELLED outbound. */
  reason: UnlinkedReason | 'OUTBOUND_CANCELLED' | null;
  candidates: string | null;
  reference_raw: string | null;
  reference_doc: string | null;
  customer_code: string | null;
  doc_date: string | null;
  sku_signature: string | null;
  /** WMS: the goods' SKU codes, sorted, `|`-separated. */
  sku_codes: string | null;
  /** TMS: who the waybill is for and where, as the carrier has them. */
  consignee: string | null;
  dest_city: string | null;
  /** JSON: stage → epoch ms */
  milestones: string;
  /** WMS update_time / TMS updateTime of the version last read (Beijing text). */
  src_modified: string | null;
  /** WMS: the outbound's status as last read (CREATED … SHIPPED, CANCELLED); null for waybills. */
  doc_status: string | null;
  first_seen_at: number;
  linked_at: number | null;
  updated_at: number;
}

/** A document first seen now, unlinked and not yet decided. */
export const newDocument = (system: DocSystem, documentNo: string, now: number): DocumentRecord => ({
  system,
  document_no: documentNo,
  order_id: null,
  state: 'UNLINKED',
  method: null,
  confidence: null,
  reason: null,
  candidates: null,
  reference_raw: null,
  reference_doc: null,
  customer_code: null,
  doc_date: null,
  sku_signature: null,
  sku_codes: null,
  consignee: null,
  dest_city: null,
  milestones: '{}',
  src_modified: null,
  doc_status: null,
  first_seen_at: now,
  linked_at: null,
  updated_at: now,
});

/**
 * Writes documents, and the orders each names (its `candidates`) as rows of hub_document_candidate,
 * in one transaction: the blocker loaders find an order's ambiguous and contradicting documents
 * through those rows by its number, and the blocker triggers mark it due from the same write. The
 * only writer of either; the rows always say what the lists say.
 */
export async function saveDocuments(db: DataSource, docs: DocumentRecord[]): Promise<void> {
  if (!docs.length) return;
  // The same document twice in one write: the last one is what the upsert leaves.
  const latest = new Map(docs.map((d) => [`${d.system}\u0000${d.document_no}`, d]));
  const bySystem = new Map<DocSystem, string[]>();
  for (const d of latest.values()) {
    const nos = bySystem.get(d.system) ?? [];
    nos.push(d.document_no);
    bySystem.set(d.system, nos);
  }
  await db.transaction(async (em) => {
    await upsertRows(em, 'hub_document', docs, ['system', 'document_no']);
    for (const [system, nos] of bySystem)
      for (let i = 0; i < nos.length; i += 500) {
        const chunk = nos.slice(i, i + 500);
        await em.query(`DELETE FROM hub_document_candidate WHERE system = ? AND document_no IN (${placeholders(chunk.length)})`, [system, ...chunk]);
      }
    await insertRows(em, 'hub_document_candidate', [...latest.values()].flatMap(candidateRows));
  });
}

/** Drops documents (gone from their system) and the orders they named, in one transaction. */
export async function deleteDocuments(db: DataSource, system: DocSystem, nos: string[]): Promise<void> {
  if (!nos.length) return;
  await db.transaction(async (em) => {
    for (let i = 0; i < nos.length; i += 500) {
      const chunk = nos.slice(i, i + 500);
      await em.query(`DELETE FROM hub_document WHERE system = ? AND document_no IN (${placeholders(chunk.length)})`, [system, ...chunk]);
      await em.query(`DELETE FROM hub_document_candidate WHERE system = ? AND document_no IN (${placeholders(chunk.length)})`, [system, ...chunk]);
    }
  });
}

/** A document's candidates as rows: each order number once (the list may be cut at 255 characters; its last piece is kept as it reads). */
export const candidateRows = (d: Pick<DocumentRecord, 'system' | 'document_no' | 'candidates'>) =>
  [...new Set((d.candidates ?? '').split(',').filter(Boolean))].map((order_no) => ({ system: d.system, document_no: d.document_no, order_no }));

const num = (v: unknown): number | null => (v == null ? null : Number(v));

/** MySQL hands BIGINT and DOUBLE back as strings; SQLite as numbers. */
export function readOrder(r: any): OrderRecord {
  return {
    ...r,
    id: Number(r.id),
    ordered_at: Number(r.ordered_at),
    cancelled: Number(r.cancelled),
    paid_at: num(r.paid_at),
    picking_at: num(r.picking_at),
    shipped_out_at: num(r.shipped_out_at),
    in_transit_at: num(r.in_transit_at),
    out_for_delivery_at: num(r.out_for_delivery_at),
    signed_at: num(r.signed_at),
    completed_at: num(r.completed_at),
    promised_at: num(r.promised_at),
    total_fen: num(r.total_fen),
    src_deleted_at: num(r.src_deleted_at),
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
  };
}

export function readDocument(r: any): DocumentRecord {
  return {
    ...r,
    order_id: num(r.order_id),
    confidence: num(r.confidence),
    first_seen_at: Number(r.first_seen_at),
    linked_at: num(r.linked_at),
    updated_at: Number(r.updated_at),
  };
}

/** SKU codes as kept in sku_codes: trimmed, upper case, unique, sorted. */
export function skuList(skuCodes: string[]): string {
  return [...new Set(skuCodes.map((c) => c.trim().toUpperCase()))].sort().join('|');
}

/** Do two documents carry any of the same goods? Unknown (null or empty) on either side is no contradiction. */
export function shareGoods(a: string | null, b: string | null): boolean {
  if (!a || !b) return true;
  const mine = new Set(a.split('|'));
  return b.split('|').some((c) => mine.has(c));
}

/** A name or city as written by two systems: compatibility forms, spaces and case do not count. */
export const samePlaceOrName = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.normalize('NFKC').replace(/\s+/g, '').toUpperCase() === b.normalize('NFKC').replace(/\s+/g, '').toUpperCase();

/**
 * Documents linked to more than one order (a combined shipment whose reference names several):
 * hub_document.order_id holds the first, hub_document_order the others. Rows read as documents
 * linked to the other order.
 */
export const alsoLinkedSql = (inList: string) =>
  `SELECT d.*, l.order_id AS also_order_id, l.method AS also_method, l.confidence AS also_confidence, l.linked_at AS also_linked_at
   FROM hub_document_order l JOIN hub_document d ON d.system = l.system AND d.document_no = l.document_no
   WHERE d.state = 'LINKED' AND l.order_id IN (${inList})`;

export function readAlsoLinked(r: any): DocumentRecord {
  const { also_order_id, also_method, also_confidence, also_linked_at, ...doc } = r;
  return readDocument({ ...doc, order_id: also_order_id, method: also_method, confidence: also_confidence, linked_at: also_linked_at });
}

/** The set of SKU codes on a document, as a short comparable fingerprint (quantities ignored). */
export function skuSignature(skuCodes: string[]): string {
  const canonical = [...new Set(skuCodes.map((c) => c.trim().toUpperCase()))].sort().join('|');
  return createHash('sha1').update(canonical).digest('hex');
}

export const DAY_MS = 86_400_000;

/** Whole days from date a to date b ('YYYY-MM-DD'). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
