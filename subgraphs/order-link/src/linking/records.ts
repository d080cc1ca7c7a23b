// Rows of the hub's own tables and their mapping to and from the database.
import { createHash } from 'node:crypto';

export type DocSystem = 'WMS' | 'TMS';
export type LinkMethod = 'REFERENCE' | 'NORMALIZED_REFERENCE' | 'MATCHED';
export type UnlinkedReason = 'REFERENCE_NOT_FOUND' | 'AMBIGUOUS_MATCH' | 'NO_MATCH' | 'OUTBOUND_UNLINKED';

export interface OrderRecord {
  id: number;
  erp_order_no: string;
  customer_code: string;
  store_code: string;
  region: string;
  ordered_at: number;
  order_date: string;
  sku_signature: string;
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

export interface DocumentRecord {
  system: DocSystem;
  document_no: string;
  order_id: number | null;
  state: 'LINKED' | 'UNLINKED';
  method: LinkMethod | null;
  confidence: number | null;
  reason: UnlinkedReason | null;
  candidates: string | null;
  reference_raw: string | null;
  reference_doc: string | null;
  customer_code: string | null;
  doc_date: string | null;
  sku_signature: string | null;
  /** JSON: stage → epoch ms */
  milestones: string;
  /** WMS update_time / TMS updateTime of the version last read (Beijing text). */
  src_modified: string | null;
  first_seen_at: number;
  linked_at: number | null;
  updated_at: number;
}

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
