// Every difference between ERP, WMS and TMS in a window, classified, with the documents involved
// and the amount at stake. Read from the hub's own tables (links, unlinked documents, the order
// facts and the duplicate rule's decisions) plus three batched legacy reads: ERP invoices that do
// not add up, and the lines (and list prices) of outbounds that belong to no order.
import type { DataSource } from 'typeorm';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import { placeholders } from '../../../../common/src/db.js';
import { formatFen, toFen } from '../../../../common/src/money.js';
import { beijingDate, formatBeijing } from '../../../../common/src/time.js';
import { unique } from '../../../../common/src/loader.js';
import { spreadsheetCsv } from '../../../../common/src/csv.js';
import type { ErpDatasource } from '#adapters/erp';
import type { WmsDatasource } from '#adapters/wms';
import { LIVE_OUTBOUND } from '../blockers.js';

export const RECONCILIATION_CLASSES = [
  'QUANTITY_MISMATCH',
  'INVOICE_AMOUNT_MISMATCH',
  'OUTBOUND_WITHOUT_ORDER',
  'ORDER_WITHOUT_OUTBOUND',
  'WAYBILL_WITHOUT_OUTBOUND',
  'OUTBOUND_WITHOUT_WAYBILL',
  'AMBIGUOUS_OUTBOUND',
  'DUPLICATE_ORDER',
  'CONTRADICTING_REFERENCE',
  'CANCELLED_ORDER_OUTBOUND_LIVE',
] as const;
export type ReconciliationClass = (typeof RECONCILIATION_CLASSES)[number];

export const CLASS_LABEL: Record<ReconciliationClass, { zh: string; en: string }> = {
  QUANTITY_MISMATCH: { zh: '出库数量≠订单数量', en: 'Shipped quantity ≠ ordered' },
  INVOICE_AMOUNT_MISMATCH: { zh: '开票金额≠订单金额', en: 'Invoiced amount ≠ order amount' },
  OUTBOUND_WITHOUT_ORDER: { zh: '出库单无对应销售订单', en: 'Outbound with no sales order' },
  ORDER_WITHOUT_OUTBOUND: { zh: '销售订单超时未出库', en: 'Sales order with no outbound past its SLA' },
  WAYBILL_WITHOUT_OUTBOUND: { zh: '运单无对应出库单', en: 'Waybill with no outbound' },
  OUTBOUND_WITHOUT_WAYBILL: { zh: '已出库无运单', en: 'Shipped outbound with no waybill' },
  AMBIGUOUS_OUTBOUND: { zh: '出库单对应多个订单无法确认', en: 'Outbound that fits several orders' },
  DUPLICATE_ORDER: { zh: '重复订单', en: 'Duplicate order' },
  CONTRADICTING_REFERENCE: { zh: '单据引用的订单与单据本身矛盾', en: 'Document naming an order it contradicts' },
  CANCELLED_ORDER_OUTBOUND_LIVE: { zh: '订单已作废，出库单仍有效', en: 'Cancelled order whose outbound is still live' },
};

export type DocumentRole = 'ORDER' | 'OUTBOUND' | 'WAYBILL' | 'INVOICE' | 'CANDIDATE_ORDER' | 'ORIGINAL_ORDER' | 'NAMED_ORDER';

/** What a contradicting document disagrees with the order it names about. */
const CONTRADICTION_DETAIL: Record<string, { zh: string; en: string }> = {
  CUSTOMER_MISMATCH: { zh: '出库单引用的订单属于另一个客户：未关联', en: 'the outbound names an order of another customer: not linked' },
  GOODS_MISMATCH: { zh: '出库单没有一件所引用订单的商品：未关联', en: 'the outbound carries none of the goods of the order it names: not linked' },
  CONSIGNEE_MISMATCH: { zh: '运单的收货人和目的城市都不是所引用订单的：未关联', en: "neither the waybill's consignee nor its city is that of the order it names: not linked" },
};

export interface ReconDocument {
  system: 'ERP' | 'WMS' | 'TMS';
  documentNo: string;
  role: DocumentRole;
}

export interface ReconItem {
  class: ReconciliationClass;
  /** The order's Beijing date, or the document's for a document without order. */
  date: string;
  documents: ReconDocument[];
  erpOrderNo: string | null;
  /** Null when no document says what goods were involved (a waybill naming nothing known). */
  amountFen: number | null;
  detail: { zh: string; en: string };
}

export interface ReconTotal {
  class: ReconciliationClass;
  count: number;
  amountFen: number;
}

export interface ReconciliationView {
  from: number;
  to: number;
  asOf: number;
  items: ReconItem[];
  totals: ReconTotal[];
}

const HOUR = 3_600_000;

export function totalsOf(items: ReconItem[]): ReconTotal[] {
  return RECONCILIATION_CLASSES.map((c) => {
    const mine = items.filter((i) => i.class === c);
    return { class: c, count: mine.length, amountFen: mine.reduce((s, i) => s + (i.amountFen ?? 0), 0) };
  });
}

/** The whole list for a spreadsheet (RFC 4180, UTF-8 with BOM, formula-like cells defused). */
export function reconciliationCsv(items: ReconItem[]): string {
  const header = ['class', 'class_zh', 'date', 'erp_order_no', 'outbound_no', 'waybill_no', 'invoice_no', 'other_documents', 'amount', 'detail_zh', 'detail_en'];
  const docs = (i: ReconItem, roles: DocumentRole[]) => i.documents.filter((d) => roles.includes(d.role)).map((d) => d.documentNo).join(' ');
  const rows = items.map((i) => [
    i.class,
    CLASS_LABEL[i.class].zh,
    i.date,
    docs(i, ['ORDER']),
    docs(i, ['OUTBOUND']),
    docs(i, ['WAYBILL']),
    docs(i, ['INVOICE']),
    i.documents.filter((d) => d.role === 'CANDIDATE_ORDER' || d.role === 'ORIGINAL_ORDER').map((d) => `${d.role}:${d.documentNo}`).join(' '),
    i.amountFen == null ? '' : formatFen(i.amountFen),
    i.detail.zh,
    i.detail.en,
  ]);
  return spreadsheetCsv([header, ...rows]);
}

export class Reconciler {
  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
    private readonly sources: { erp: ErpDatasource; wms: WmsDatasource },
    private readonly slaHours: number,
  ) {}

  private query(operation: string, sql: string, params: unknown[] = []): Promise<any[]> {
    return this.hub.call(operation, () => this.db.query(sql, params));
  }

  async run(from: number, to: number, asOf: number): Promise<ReconciliationView> {
    const t = Math.trunc(asOf);
    const [orders, unlinked, ambiguous, duplicates, invoices] = await Promise.all([
      this.query(
        'recon.orders',
        `SELECT f.erp_order_no, f.order_date, f.total_fen, f.outbound_no, f.waybill_no, f.qty_state, f.qty_diff_fen, f.qty_detail, f.shipped_out_at, f.paid, f.paid_at, f.ordered_at
         FROM hub_order_fact f WHERE f.ordered_at >= ? AND f.ordered_at < ? AND f.cancelled = 0 AND (f.qty_state = 'MISMATCH'
           OR (f.outbound_no IS NULL AND (f.waybill_no IS NOT NULL OR (f.paid = 1 AND COALESCE(f.paid_at, f.ordered_at) + ${this.slaHours * HOUR} <= ${t})))
           OR (f.outbound_no IS NOT NULL AND f.waybill_no IS NULL AND f.shipped_out_at IS NOT NULL AND f.shipped_out_at <= ${t}))`,
        [from, to],
      ),
      this.query(
        'recon.unlinked',
        "SELECT system, document_no, reason, candidates, reference_raw, doc_date FROM hub_document WHERE state = 'UNLINKED' AND doc_date >= ? AND doc_date <= ?",
        [beijingDate(from), beijingDate(to - 1)],
      ),
      // Orders an ambiguous outbound may belong to, whatever its date: they are not "without outbound".
      this.query('recon.ambiguous', "SELECT candidates FROM hub_document WHERE system = 'WMS' AND state = 'UNLINKED' AND reason = 'AMBIGUOUS_MATCH'"),
      this.query(
        'recon.duplicates',
        `SELECT f.erp_order_no, f.order_date, f.total_fen, d.facts FROM hub_decision d JOIN hub_order_fact f ON f.order_id = d.order_id
         WHERE d.kind = 'DUPLICATE_ORDER' AND d.fired = 1 AND f.ordered_at >= ? AND f.ordered_at < ? AND f.cancelled = 0`,
        [from, to],
      ),
      this.sources.erp.invoiceDifferences(formatBeijing(from), formatBeijing(to)),
    ]);
    const items: ReconItem[] = [];
    const so = (no: string, role: DocumentRole = 'ORDER'): ReconDocument => ({ system: 'ERP', documentNo: no, role });
    const ck = (no: string): ReconDocument => ({ system: 'WMS', documentNo: no, role: 'OUTBOUND' });
    const wb = (no: string): ReconDocument => ({ system: 'TMS', documentNo: no, role: 'WAYBILL' });
    const fen = (v: unknown) => (v == null ? null : Number(v));

    const candidates = new Set(ambiguous.flatMap((r) => String(r.candidates ?? '').split(',').filter(Boolean)));
    for (const o of orders) {
      const base = { date: o.order_date as string, erpOrderNo: o.erp_order_no as string };
      if (o.qty_state === 'MISMATCH') {
        const diffs: { sku: string; ordered: number; shipped: number }[] = o.qty_detail ? JSON.parse(o.qty_detail) : [];
        items.push({
          ...base,
          class: 'QUANTITY_MISMATCH',
          documents: [so(o.erp_order_no), ck(o.outbound_no)],
          amountFen: fen(o.qty_diff_fen),
          detail: {
            zh: diffs.map((d) => `${d.sku} 订购 ${d.ordered}，出库 ${d.shipped}`).join('；'),
            en: diffs.map((d) => `${d.sku} ordered ${d.ordered}, outbound ${d.shipped}`).join('; '),
          },
        });
      }
      if (o.outbound_no == null && o.waybill_no != null) {
        items.push({ ...base, class: 'WAYBILL_WITHOUT_OUTBOUND', documents: [so(o.erp_order_no), wb(o.waybill_no)], amountFen: fen(o.total_fen), detail: { zh: '运单直接引用销售订单，仓库没有出库记录', en: 'The waybill names the sales order; the warehouse has no outbound for it' } });
      } else if (o.outbound_no == null && !candidates.has(o.erp_order_no)) {
        const paidAt = Number(o.paid_at ?? o.ordered_at);
        items.push({
          ...base,
          class: 'ORDER_WITHOUT_OUTBOUND',
          documents: [so(o.erp_order_no)],
          amountFen: fen(o.total_fen),
          detail: { zh: `付款后 ${Math.floor((t - paidAt) / HOUR)} 小时仍无出库单（时限 ${this.slaHours} 小时）`, en: `no outbound ${Math.floor((t - paidAt) / HOUR)} h after payment (SLA ${this.slaHours} h)` },
        });
      } else if (o.outbound_no != null && o.waybill_no == null && o.shipped_out_at != null && Number(o.shipped_out_at) <= t) {
        items.push({ ...base, class: 'OUTBOUND_WITHOUT_WAYBILL', documents: [so(o.erp_order_no), ck(o.outbound_no)], amountFen: fen(o.total_fen), detail: { zh: '货物已出库，承运商没有运单', en: 'The goods left the warehouse; the carrier has no waybill' } });
      }
    }

    for (const d of duplicates) {
      const original = (JSON.parse(d.facts) as { duplicateOf?: string | null }).duplicateOf;
      items.push({
        class: 'DUPLICATE_ORDER',
        date: d.order_date,
        erpOrderNo: d.erp_order_no,
        documents: [so(d.erp_order_no), ...(original ? [so(original, 'ORIGINAL_ORDER')] : [])],
        amountFen: fen(d.total_fen),
        detail: { zh: `与 ${original ?? '更早的订单'} 商品和数量完全相同`, en: `same items and quantities as ${original ?? 'an earlier order'}` },
      });
    }

    for (const inv of invoices) {
      const diff = Math.abs(toFen(inv.invoiced)! - toFen(inv.orderTotal)!);
      items.push({
        class: 'INVOICE_AMOUNT_MISMATCH',
        date: inv.orderedAt.slice(0, 10),
        erpOrderNo: inv.erpOrderNo,
        documents: [so(inv.erpOrderNo), ...inv.invoiceNos.map((n) => ({ system: 'ERP' as const, documentNo: n, role: 'INVOICE' as const }))],
        amountFen: diff,
        detail: { zh: `订单金额 ${inv.orderTotal}，开票 ${inv.invoiced}`, en: `order ${inv.orderTotal}, invoiced ${inv.invoiced}` },
      });
    }

    // Documents that belong to no order the hub can name; their waybills go with them.
    const outbounds = unlinked.filter((d) => d.system === 'WMS');
    const value = await this.listValue(outbounds.map((d) => d.document_no));
    const waybills = outbounds.length
      ? await this.query('recon.waybillsOf', `SELECT document_no, reference_doc FROM hub_document WHERE system = 'TMS' AND reference_doc IN (${placeholders(outbounds.length)})`, outbounds.map((d) => d.document_no))
      : [];
    for (const d of outbounds) {
      const mine = waybills.filter((w) => w.reference_doc === d.document_no).map((w) => wb(w.document_no));
      if (CONTRADICTION_DETAIL[d.reason]) {
        const named = String(d.candidates ?? '').split(',').filter(Boolean);
        items.push({
          class: 'CONTRADICTING_REFERENCE',
          date: d.doc_date,
          erpOrderNo: named[0] ?? null,
          documents: [ck(d.document_no), ...named.map((n) => so(n, 'NAMED_ORDER')), ...mine],
          amountFen: value.get(d.document_no) ?? null,
          detail: CONTRADICTION_DETAIL[d.reason],
        });
        continue;
      }
      const ambiguousOne = d.reason === 'AMBIGUOUS_MATCH';
      const fits = String(d.candidates ?? '').split(',').filter(Boolean);
      items.push({
        class: ambiguousOne ? 'AMBIGUOUS_OUTBOUND' : 'OUTBOUND_WITHOUT_ORDER',
        date: d.doc_date,
        erpOrderNo: null,
        documents: [ck(d.document_no), ...fits.map((n) => so(n, 'CANDIDATE_ORDER')), ...mine],
        amountFen: value.get(d.document_no) ?? null,
        detail: ambiguousOne
          ? { zh: `出库单没有订单号，${fits.join('、')} 同样符合，需人工确认`, en: `no order number on the outbound, and ${fits.join(', ')} fit equally: a person must decide` }
          : d.reason === 'NO_MATCH'
            ? { zh: '出库单没有订单号，也没有符合的订单', en: 'no order number on the outbound, and no order fits' }
            : { zh: `出库单引用的「${d.reference_raw ?? ''}」不存在`, en: `the outbound names "${d.reference_raw ?? ''}", which does not exist` },
      });
    }
    for (const d of unlinked.filter((x) => x.system === 'TMS' && CONTRADICTION_DETAIL[x.reason])) {
      const named = String(d.candidates ?? '').split(',').filter(Boolean);
      items.push({ class: 'CONTRADICTING_REFERENCE', date: d.doc_date, erpOrderNo: named[0] ?? null, documents: [wb(d.document_no), ...named.map((n) => so(n, 'NAMED_ORDER'))], amountFen: null, detail: CONTRADICTION_DETAIL[d.reason] });
    }
    for (const d of unlinked.filter((x) => x.system === 'TMS' && x.reason !== 'OUTBOUND_UNLINKED' && !CONTRADICTION_DETAIL[x.reason])) {
      items.push({
        class: 'WAYBILL_WITHOUT_OUTBOUND',
        date: d.doc_date,
        erpOrderNo: null,
        documents: [wb(d.document_no)],
        amountFen: null,
        detail: d.reference_raw?.trim()
          ? { zh: `运单引用的「${d.reference_raw}」不存在`, en: `the waybill names "${d.reference_raw}", which does not exist` }
          : { zh: '运单没有引用任何单号', en: 'the waybill names no document' },
      });
    }

    // Cancelled in the ERP, still meant to ship in the WMS: asked of the WMS itself, one call.
    const cancelled = await this.query(
      'recon.cancelledWithOutbound',
      'SELECT erp_order_no, order_date, total_fen, wms_outbound_no FROM hub_order WHERE cancelled = 1 AND wms_outbound_no IS NOT NULL AND ordered_at >= ? AND ordered_at < ?',
      [from, to],
    );
    if (cancelled.length) {
      const live = await this.sources.wms.outboundsByNo(cancelled.map((o) => o.wms_outbound_no));
      cancelled.forEach((o, i) => {
        const outbound = live[i];
        if (!outbound || !LIVE_OUTBOUND.has(outbound.status)) return;
        items.push({
          class: 'CANCELLED_ORDER_OUTBOUND_LIVE',
          date: o.order_date,
          erpOrderNo: o.erp_order_no,
          documents: [so(o.erp_order_no), ck(o.wms_outbound_no)],
          amountFen: fen(o.total_fen),
          detail: { zh: `订单已在 ERP 作废，出库单在 WMS 中仍为 ${outbound.status}`, en: `the order was cancelled in the ERP; the outbound is still ${outbound.status} in the WMS` },
        });
      });
    }

    items.sort((a, b) => RECONCILIATION_CLASSES.indexOf(a.class) - RECONCILIATION_CLASSES.indexOf(b.class) || a.date.localeCompare(b.date) || a.documents[0].documentNo.localeCompare(b.documents[0].documentNo));
    return { from, to, asOf, items, totals: totalsOf(items) };
  }

  /** What the goods on each outbound are worth at ERP list price (an outbound has no prices of its own). */
  private async listValue(outboundNos: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!outboundNos.length) return out;
    const lines = await this.sources.wms.linesByOutboundNo(outboundNos, 't_out_line.forReconciliation');
    const codes = unique(lines.flat().map((l) => l.skuCode));
    const skus = codes.length ? await this.sources.erp.skusByCode(codes) : [];
    const price = new Map(skus.filter((s) => s != null).map((s) => [s!.code, toFen(s!.listPrice)!]));
    outboundNos.forEach((no, i) => out.set(no, lines[i].reduce((s, l) => s + l.quantity * (price.get(l.skuCode) ?? 0), 0)));
    return out;
  }
}
