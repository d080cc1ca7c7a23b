// Reads the hub's own tables for the graph. Everything cross-system was settled by the linker;
// here it is only looked up, in batches.
import type { DataSource } from 'typeorm';
import type { LegacySystem } from '../../../common/src/legacy.js';
import { placeholders } from '../../../common/src/db.js';
import { formatHubOrderId } from '../../../common/src/docno.js';
import { toIsoBeijing } from '../../../common/src/time.js';
import { byKey, groupByKey, unique } from '../../../common/src/loader.js';
import { computeLifecycle, type Lifecycle, type OrderStatus } from './lifecycle.js';
import { alsoLinkedSql, readAlsoLinked, readDocument, readOrder, type DocumentRecord, type LinkMethod, type OrderRecord, type UnlinkedReason } from './linking/records.js';

export interface HubOrder {
  id: string;
  rowId: number;
  erpOrderNo: string;
  customerCode: string;
  /** Delivery city as ERP spells it (SO_SOMain.cRegion) */
  region: string;
  wmsOutboundNo: string | null;
  tmsWaybillNo: string | null;
  status: OrderStatus;
  orderedAt: number;
  lifecycle: Lifecycle;
  createdAt: number;
  /** ERP SO_SOMain.iTotalSum, handed over by the gateway when payableAmount is asked for (@requires). */
  totalAmount?: string | null;
}

export interface HubLink {
  system: 'ERP' | 'WMS' | 'TMS';
  documentNo: string;
  method: LinkMethod;
  confidence: number;
  reference: string | null;
  linkedAt: string;
}

export interface HubUnlinkedDocument {
  system: 'WMS' | 'TMS';
  documentNo: string;
  reason: UnlinkedReason;
  reference: string | null;
  customerCode: string | null;
  candidateOrderNos: string[];
  firstSeenAt: string;
}

export interface OrderQuery {
  customerCode?: string | null;
  storeCode?: string | null;
  region?: string | null;
  orderedFrom?: number | null;
  orderedTo?: number | null;
  status?: OrderStatus[] | null;
  hasMissingNodes?: boolean | null;
  firedRule?: string | null;
  onHold?: boolean | null;
}

/** Keyset position in a newest-first list. */
export interface ListCursor {
  at: number;
  id: number;
}

export function toHubOrder(o: OrderRecord): HubOrder {
  const lifecycle = computeLifecycle({
    cancelled: o.cancelled === 1,
    times: {
      PAID: o.paid_at,
      PICKING: o.picking_at,
      SHIPPED_OUT: o.shipped_out_at,
      IN_TRANSIT: o.in_transit_at,
      OUT_FOR_DELIVERY: o.out_for_delivery_at,
      SIGNED: o.signed_at,
      COMPLETED: o.completed_at,
    },
    documents: { ERP: o.erp_order_no, WMS: o.wms_outbound_no, TMS: o.tms_waybill_no },
  });
  return {
    id: formatHubOrderId(o.id),
    rowId: o.id,
    erpOrderNo: o.erp_order_no,
    customerCode: o.customer_code,
    region: o.region,
    wmsOutboundNo: o.wms_outbound_no,
    tmsWaybillNo: o.tms_waybill_no,
    status: lifecycle.status,
    orderedAt: o.ordered_at,
    lifecycle,
    createdAt: o.created_at,
  };
}

const toLink = (d: DocumentRecord): HubLink => ({
  system: d.system,
  documentNo: d.document_no,
  method: d.method!,
  confidence: d.confidence ?? 1,
  reference: d.reference_raw,
  linkedAt: toIsoBeijing(d.linked_at ?? d.first_seen_at)!,
});

const toUnlinked = (d: DocumentRecord): HubUnlinkedDocument => ({
  system: d.system,
  documentNo: d.document_no,
  // Only UNLINKED rows are listed: a CANCELLED outbound's reason never reaches here.
  reason: (d.reason as UnlinkedReason | null) ?? 'NO_MATCH',
  reference: d.reference_raw,
  customerCode: d.customer_code,
  candidateOrderNos: d.candidates ? d.candidates.split(',') : [],
  firstSeenAt: toIsoBeijing(d.first_seen_at)!,
});

export class HubStore {
  constructor(
    readonly db: DataSource,
    readonly system: LegacySystem,
  ) {}

  private query(operation: string, sql: string, params: unknown[] = []): Promise<any[]> {
    return this.system.call(operation, () => this.db.query(sql, params));
  }

  async ordersByRowId(ids: readonly number[]): Promise<(HubOrder | null)[]> {
    const keys = unique(ids);
    const rows = await this.query('order.byId', `SELECT * FROM hub_order WHERE id IN (${placeholders(keys.length)})`, keys);
    return byKey(ids, rows.map(readOrder).map(toHubOrder), (o) => o.rowId);
  }

  async ordersByErpNo(nos: readonly string[]): Promise<(HubOrder | null)[]> {
    const keys = unique(nos);
    const rows = await this.query('order.byErpNo', `SELECT * FROM hub_order WHERE erp_order_no IN (${placeholders(keys.length)})`, keys);
    return byKey(nos, rows.map(readOrder).map(toHubOrder), (o) => o.erpOrderNo);
  }

  /**
   * Orders whose outbound may still be waiting for a picker (not cancelled, not shipped, and the
   * outbound as last read neither packed, shipped nor cancelled), each with the first call whose
   * CHASE raised its pick priority (hub_call_action PRIORITY_RAISED), in the order to pick them:
   * chased first (earliest chase first), then the longest paid (unpaid last), then the oldest order.
   * This ORDER BY is the pick order; fulfilment's queue pages through it (`offset`). A candidate
   * list: the WMS's live status has the last word.
   */
  async pickQueueCandidates(limit: number, offset = 0): Promise<{ order: HubOrder; paidAt: number | null; raisedAt: number | null; byCall: string | null }[]> {
    const rows = await this.query(
      'order.pickQueue',
      `SELECT o.*, r.raised_at, r.by_call FROM hub_order o
         JOIN hub_document d ON d.system = 'WMS' AND d.document_no = o.wms_outbound_no AND d.state = 'LINKED'
         LEFT JOIN (SELECT order_id, created_at AS raised_at, call_id AS by_call,
                           ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY created_at, call_id) AS nth
                      FROM hub_call_action WHERE action = 'PRIORITY_RAISED') r ON r.order_id = o.id AND r.nth = 1
        WHERE o.cancelled = 0 AND o.shipped_out_at IS NULL AND o.wms_outbound_no IS NOT NULL
          AND (d.doc_status IS NULL OR d.doc_status IN ('CREATED', 'ALLOCATED', 'PICKING'))
        ORDER BY CASE WHEN r.raised_at IS NULL THEN 1 ELSE 0 END, r.raised_at, CASE WHEN o.paid_at IS NULL THEN 1 ELSE 0 END, o.paid_at, o.ordered_at, o.id
        LIMIT ? OFFSET ?`,
      [limit, offset],
    );
    return rows.map((r) => {
      const record = readOrder(r);
      return { order: toHubOrder(record), paidAt: record.paid_at, raisedAt: r.raised_at == null ? null : Number(r.raised_at), byCall: r.by_call ?? null };
    });
  }

  /** Order row ids of linked documents; keys are `WMS:CK…` / `TMS:SF…`. */
  async orderIdsByDocument(keys: readonly string[]): Promise<(number | null)[]> {
    const pairs = unique(keys).map((k) => k.split(':') as [string, string]);
    const where = pairs.map(() => '(system = ? AND document_no = ?)').join(' OR ');
    const rows = await this.query('document.orderId', `SELECT system, document_no, order_id FROM hub_document WHERE state = 'LINKED' AND (${where})`, pairs.flat());
    const found = new Map(rows.map((r) => [`${r.system}:${r.document_no}`, Number(r.order_id)]));
    return keys.map((k) => found.get(k) ?? null);
  }

  async linksByOrderRowId(ids: readonly number[]): Promise<HubLink[][]> {
    const keys = unique(ids);
    const rows = (
      await this.query(
        'document.byOrder',
        `SELECT * FROM hub_document WHERE state = 'LINKED' AND order_id IN (${placeholders(keys.length)}) ORDER BY system DESC, first_seen_at, document_no`,
        keys,
      )
    ).map(readDocument);
    // A combined shipment's documents belong to each order they name.
    const also = (await this.query('document.alsoByOrder', alsoLinkedSql(placeholders(keys.length)), keys)).map(readAlsoLinked);
    return groupByKey(ids, [...rows, ...also], (d) => d.order_id!).map((docs) => docs.map(toLink));
  }

  /** A page of orders, newest first; `count`: also how many match in all (a scan of every match, so only when asked). */
  async listOrders(filter: OrderQuery, first: number, after: ListCursor | null, count = true): Promise<{ orders: HubOrder[]; hasNextPage: boolean; totalCount: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.customerCode) (where.push('customer_code = ?'), params.push(filter.customerCode));
    if (filter.storeCode) (where.push('store_code = ?'), params.push(filter.storeCode));
    if (filter.region) (where.push('region = ?'), params.push(filter.region));
    if (filter.orderedFrom != null) (where.push('ordered_at >= ?'), params.push(filter.orderedFrom));
    if (filter.orderedTo != null) (where.push('ordered_at < ?'), params.push(filter.orderedTo));
    if (filter.status?.length) (where.push(`status IN (${placeholders(filter.status.length)})`), params.push(...filter.status));
    if (filter.hasMissingNodes != null) where.push(filter.hasMissingNodes ? "missing_nodes <> ''" : "missing_nodes = ''");
    if (filter.firedRule) (where.push('id IN (SELECT order_id FROM hub_decision WHERE rule_id = ? AND fired = 1)'), params.push(filter.firedRule));
    if (filter.onHold != null) where.push(`id ${filter.onHold ? '' : 'NOT '}IN (SELECT order_id FROM hub_hold WHERE state <> 'APPROVED')`);
    const filterSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const pageWhere = [...where];
    const pageParams = [...params];
    if (after) {
      pageWhere.push('(ordered_at < ? OR (ordered_at = ? AND id < ?))');
      pageParams.push(after.at, after.at, after.id);
    }
    const [rows, total] = await Promise.all([
      this.query(
        'order.list',
        `SELECT * FROM hub_order ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''} ORDER BY ordered_at DESC, id DESC LIMIT ?`,
        [...pageParams, first + 1],
      ),
      count ? this.query('order.count', `SELECT COUNT(*) AS n FROM hub_order ${filterSql}`, params) : null,
    ]);
    const orders = rows.slice(0, first).map(readOrder).map(toHubOrder);
    return { orders, hasNextPage: rows.length > first, totalCount: total ? Number(total[0].n) : 0 };
  }

  async listUnlinked(system: string | null, first: number, after: { at: number; key: string } | null, count = true) {
    const where = ["state = 'UNLINKED'"];
    const params: unknown[] = [];
    if (system) (where.push('system = ?'), params.push(system));
    const pageWhere = [...where];
    const pageParams = [...params];
    if (after) {
      pageWhere.push("(first_seen_at < ? OR (first_seen_at = ? AND CONCAT_KEY > ?))");
      pageParams.push(after.at, after.at, after.key);
    }
    const concat = this.db.options.type === 'mysql' ? "CONCAT(system, ':', document_no)" : "(system || ':' || document_no)";
    const [rows, total] = await Promise.all([
      this.query(
        'document.unlinked',
        `SELECT * FROM hub_document WHERE ${pageWhere.join(' AND ').replace('CONCAT_KEY', concat)} ORDER BY first_seen_at DESC, ${concat} ASC LIMIT ?`,
        [...pageParams, first + 1],
      ),
      count ? this.query('document.unlinkedCount', `SELECT COUNT(*) AS n FROM hub_document WHERE ${where.join(' AND ')}`, params) : null,
    ]);
    const docs = rows.slice(0, first).map(readDocument);
    return {
      documents: docs.map((d) => ({ doc: toUnlinked(d), cursor: { at: d.first_seen_at, key: `${d.system}:${d.document_no}` } })),
      hasNextPage: rows.length > first,
      totalCount: total ? Number(total[0].n) : 0,
    };
  }

  async ping(): Promise<void> {
    await this.query('ping', 'SELECT 1');
  }
}
