// Keeps hub_order_fact current: one row per order with what the health figures and reconciliation
// are computed from. It follows hub_order's own changes (updated_at, id) — every order the linker
// touches — and reads, per 500 orders, ERP lines and SKUs, WMS outbound lines, stock and bins, and
// CRM tickets in a fixed number of batched calls. CRM has no change feed, so the tickets of recent
// orders are also read again on a timer (HEALTH_TICKET_SWEEP_MS).
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import type { Logger } from '../../../../common/src/logger.js';
import { placeholders, upsertRows } from '../../../../common/src/db.js';
import { toFen } from '../../../../common/src/money.js';
import { beijingDate } from '../../../../common/src/time.js';
import { groupInto, unique } from '../../../../common/src/loader.js';
import { HUB_GIFT_MEMO, type ErpDatasource, type SalesOrderLine, type SkuRecord } from '#adapters/erp';
import type { OutboundOrderLine, StockRow, WmsDatasource } from '#adapters/wms';
import type { CrmDatasource, Ticket } from '#adapters/crm';
import { allocateFefo, type StockLot } from '#adapters/wms';
import { readOrder, type OrderRecord } from '../linking/records.js';
import { firedMask } from './metrics.js';

export interface HealthFactSources {
  erp: ErpDatasource;
  wms: WmsDatasource;
  crm: CrmDatasource;
  /** Lots the hub locked itself → the locked quantity they had before (the rules' view of stock). */
  hubLocks: () => Promise<Map<string, number>>;
  /** Months of shelf life a dated lot must keep to serve an order (the enabled expiry rule's). */
  expiryMonths: () => Promise<number>;
}

const BATCH = 500;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A hub_order_fact row: the order's own columns as hub_order has them, and what health adds. */
type FactRow = Pick<OrderRecord, 'erp_order_no' | 'customer_code' | 'store_code' | 'region' | 'ordered_at' | 'order_date' | 'promised_at' | 'cancelled' | 'paid_at' | 'total_fen'> & {
  order_id: number;
  promise_date: string | null;
  paid: number;
  outbound_no: string | null;
  outbound_method: string | null;
  waybill_no: string | null;
  shipped_out_at: number | null;
  completion_at: number | null;
  decided_at: number | null;
  late_from: number | null;
  goods_lines: number;
  lines_matched: number;
  inventory_basis: string | null;
  inventory_detail: string | null;
  qty_state: string | null;
  qty_diff_fen: number | null;
  qty_detail: string | null;
  tickets: number;
  returns_exchanges: number;
  response_hours: number | null;
  tickets_at: number | null;
  fired_mask: number;
  source_updated_at: number;
  refreshed_at: number;
};

/** What the CRM's tickets on one order say for the satisfaction model. */
export function ticketFacts(tickets: Ticket[], now: number): Pick<FactRow, 'tickets' | 'returns_exchanges' | 'response_hours'> {
  if (!tickets.length) return { tickets: 0, returns_exchanges: 0, response_hours: null };
  const hours = tickets.map((t) => {
    const opened = Date.parse(t.openedAt);
    const reply = t.transcript.find((e) => e.speaker === 'AGENT');
    // Never answered: it has waited until it was closed, or until now.
    const answered = reply ? Date.parse(reply.at) : t.closedAt ? Date.parse(t.closedAt) : now;
    return Math.max(0, answered - opened) / HOUR;
  });
  return {
    tickets: tickets.length,
    returns_exchanges: tickets.filter((t) => t.type === 'RETURN' || t.type === 'EXCHANGE').length,
    response_hours: Math.round((hours.reduce((s, h) => s + h, 0) / hours.length) * 10_000) / 10_000,
  };
}

/**
 * When a paid order's delivery can be judged, and from when it counts as late, as instants that do
 * not depend on when one asks: judged from its completion if that came by the promise (never late),
 * else from just after the promise, and late from then on — delivered late, or not yet delivered.
 */
export function deliveryInstants(promisedAt: number | null, completionAt: number | null): { decided_at: number | null; late_from: number | null } {
  if (promisedAt == null) return { decided_at: null, late_from: null };
  const onTime = completionAt != null && completionAt <= promisedAt;
  return { decided_at: onTime ? completionAt : promisedAt + 1, late_from: onTime ? null : promisedAt };
}

/** The goods the customer ordered: services are never picked and the hub's own gifts are not the customer's. */
export function goodsLines(lines: SalesOrderLine[], sku: Map<string, SkuRecord>): SalesOrderLine[] {
  return lines.filter((l) => !sku.get(l.skuCode)?.isService && !l.remark?.startsWith(HUB_GIFT_MEMO));
}

/**
 * The outbound against the order, SKU by SKU: what WMS ships (picked once shipped, planned before)
 * against what the order's goods lines ask; the amount at stake is each difference at the order's
 * unit price (ERP list price for a SKU the order does not have).
 */
export function compareQuantities(goods: SalesOrderLine[], outbound: OutboundOrderLine[], shipped: boolean, sku: Map<string, SkuRecord>) {
  const ordered = new Map<string, { qty: number; priceFen: number }>();
  for (const l of goods) {
    const seen = ordered.get(l.skuCode);
    ordered.set(l.skuCode, { qty: (seen?.qty ?? 0) + l.quantity, priceFen: seen?.priceFen ?? toFen(l.unitPrice)! });
  }
  const onOutbound = new Map<string, number>();
  for (const l of outbound) onOutbound.set(l.skuCode, (onOutbound.get(l.skuCode) ?? 0) + (shipped ? (l.pickedQuantity ?? l.quantity) : l.quantity));
  const differences: { sku: string; ordered: number; shipped: number; amountFen: number }[] = [];
  for (const code of unique([...ordered.keys(), ...onOutbound.keys()])) {
    const want = ordered.get(code)?.qty ?? 0;
    const got = onOutbound.get(code) ?? 0;
    if (want === got) continue;
    const price = ordered.get(code)?.priceFen ?? toFen(sku.get(code)?.listPrice) ?? 0;
    differences.push({ sku: code, ordered: want, shipped: got, amountFen: Math.abs(got - want) * price });
  }
  return { agree: differences.length === 0, amountFen: differences.reduce((s, d) => s + d.amountFen, 0), differences };
}

const shortJson = (value: unknown[]) => {
  let list = value;
  while (list.length && JSON.stringify(list).length > 1000) list = list.slice(0, -1);
  return list.length ? JSON.stringify(list) : null;
};

export class HealthFacts {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
    private readonly sources: HealthFactSources,
    private readonly logger: Logger,
  ) {}

  private query(operation: string, sql: string, params: unknown[] = []): Promise<any[]> {
    return this.hub.call(operation, () => this.db.query(sql, params));
  }

  /** Brings the facts of every order changed since the last call up to date; returns how many were refreshed. */
  async refreshChanged(now = Date.now()): Promise<number> {
    const saved = await this.query('cursor.get', "SELECT position FROM hub_sync_cursor WHERE source = 'health'");
    let cursor: { at: number; id: number } = saved.length ? JSON.parse(saved[0].position) : { at: -1, id: 0 };
    let refreshed = 0;
    for (;;) {
      const rows = (
        // Spelt so that MariaDB seeks to (updated_at, id): with `updated_at >= ? AND (…)` it read every
        // row of the cursor's instant again per page, and a first sync gives a million orders one instant.
        await this.query(
          'order.changedSince',
          'SELECT * FROM hub_order WHERE updated_at > ? OR (updated_at = ? AND id > ?) ORDER BY updated_at, id LIMIT ?',
          [cursor.at, cursor.at, cursor.id, BATCH],
        )
      ).map(readOrder);
      if (!rows.length) break;
      await this.refresh(rows, now);
      const last = rows[rows.length - 1];
      cursor = { at: last.updated_at, id: last.id };
      await this.hub.call('cursor.save', () => upsertRows(this.db, 'hub_sync_cursor', [{ source: 'health', position: JSON.stringify(cursor), updated_at: now }], ['source']));
      refreshed += rows.length;
    }
    return refreshed;
  }

  /** Re-reads the CRM tickets of the orders placed in [from, to) and records what changed. */
  async refreshTickets(from: number, to: number, now = Date.now()): Promise<number> {
    let afterId = 0;
    let changed = 0;
    for (;;) {
      const rows = await this.query(
        'fact.ticketsBetween',
        'SELECT order_id, erp_order_no, tickets, returns_exchanges, response_hours FROM hub_order_fact WHERE ordered_at >= ? AND ordered_at < ? AND order_id > ? ORDER BY order_id LIMIT ?',
        [from, to, afterId, BATCH],
      );
      if (!rows.length) return changed;
      afterId = Number(rows[rows.length - 1].order_id);
      const tickets = await this.sources.crm.ticketsByOrderNo(rows.map((r: any) => r.erp_order_no));
      const updates = rows
        .map((r: any, i: number) => ({ id: Number(r.order_id), was: r, now: ticketFacts(tickets[i], now) }))
        .filter((u: any) => Number(u.was.tickets) !== u.now.tickets || Number(u.was.returns_exchanges) !== u.now.returns_exchanges || (u.was.response_hours == null ? null : Number(u.was.response_hours)) !== u.now.response_hours);
      if (updates.length) {
        await this.hub.call('fact.tickets', () =>
          this.db.transaction(async (em) => {
            for (const u of updates) {
              await em.query('UPDATE hub_order_fact SET tickets = ?, returns_exchanges = ?, response_hours = ?, tickets_at = ? WHERE order_id = ?', [u.now.tickets, u.now.returns_exchanges, u.now.response_hours, now, u.id]);
            }
          }),
        );
      }
      changed += updates.length;
    }
  }

  /** The kinds of rule that fired for each order, as a mask (see KIND_BITS). */
  private async firedMasks(ids: number[]): Promise<Map<number, number>> {
    const rows = await this.query('decision.firedKinds', `SELECT order_id, kind FROM hub_decision WHERE fired = 1 AND order_id IN (${placeholders(ids.length)})`, ids);
    const kinds = new Map<number, string[]>();
    for (const r of rows) kinds.set(Number(r.order_id), [...(kinds.get(Number(r.order_id)) ?? []), r.kind]);
    return new Map([...kinds].map(([id, k]) => [id, firedMask(k)]));
  }

  /** After the rules recorded decisions for these orders: their interceptions, at once (no legacy call). */
  async refreshInterceptions(ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += BATCH) {
      const chunk = ids.slice(i, i + BATCH);
      const masks = await this.firedMasks(chunk);
      const cases = chunk.map(() => 'WHEN ? THEN ?').join(' ');
      await this.query(
        'fact.interceptions',
        `UPDATE hub_order_fact SET fired_mask = CASE order_id ${cases} ELSE fired_mask END WHERE order_id IN (${placeholders(chunk.length)})`,
        [...chunk.flatMap((id) => [id, masks.get(id) ?? 0]), ...chunk],
      );
    }
  }

  /** Re-reads recent orders' tickets every `everyMs`. */
  startTicketSweep(everyMs: number, days: number): void {
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      const now = Date.now();
      this.sweeping = this.refreshTickets(now - days * DAY, now + DAY, now)
        .catch((err) => this.logger.warn({ err: (err as Error)?.message }, 'ticket sweep failed; tried again next time'))
        .finally(() => {
          this.sweeping = null;
        });
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  /** The facts of these orders, from their hub rows and batched legacy reads. */
  private async refresh(orders: OrderRecord[], now: number): Promise<void> {
    const { erp, wms, crm } = this.sources;
    const ids = orders.map((o) => o.id);
    const nos = orders.map((o) => o.erp_order_no);
    const outboundNos = unique(orders.map((o) => o.wms_outbound_no).filter((n): n is string => !!n));
    const [known, lineLists, outboundLines, methods, stores, masks] = await Promise.all([
      this.query('fact.byOrder', `SELECT order_id, inventory_basis, goods_lines, lines_matched, inventory_detail, tickets, returns_exchanges, response_hours, tickets_at FROM hub_order_fact WHERE order_id IN (${placeholders(ids.length)})`, ids),
      erp.linesByOrderNo(nos, 'SO_SODetails.forHealth'),
      outboundNos.length ? wms.linesByOutboundNo(outboundNos, 't_out_line.forHealth') : Promise.resolve([] as OutboundOrderLine[][]),
      outboundNos.length
        ? this.query('document.methods', `SELECT document_no, method FROM hub_document WHERE system = 'WMS' AND document_no IN (${placeholders(outboundNos.length)})`, outboundNos)
        : Promise.resolve([]),
      erp.storesByCode(unique(orders.map((o) => o.store_code))),
      this.firedMasks(ids),
    ]);
    // CRM down must not hold the other facts back: the tickets keep what was known, and the sweep catches up.
    let tickets: Ticket[][] | null = null;
    try {
      tickets = await crm.ticketsByOrderNo(nos);
    } catch (err) {
      this.logger.warn({ err: (err as Error)?.message }, 'CRM tickets not read; kept as they were');
    }
    const before = new Map(known.map((r: any) => [Number(r.order_id), r]));
    const position = new Map(ids.map((id, i) => [id, i]));
    const lines = new Map(nos.map((no, i) => [no, lineLists[i]]));
    const shipLines = new Map(outboundNos.map((no, i) => [no, outboundLines[i]]));
    const method = new Map(methods.map((m: any) => [m.document_no as string, m.method as string]));
    const warehouse = new Map(stores.filter((s) => s != null).map((s) => [s!.code, s!.warehouseCode]));
    const skuCodes = unique([...lineLists.flat(), ...outboundLines.flat()].map((l) => l.skuCode));
    const sku = new Map((skuCodes.length ? await erp.skusByCode(skuCodes) : []).filter((s) => s != null).map((s) => [s!.code, s!]));

    const goods = new Map(orders.map((o) => [o.id, goodsLines(lines.get(o.erp_order_no) ?? [], sku)]));
    const basisOf = (o: OrderRecord) =>
      createHash('sha1')
        .update(`${warehouse.get(o.store_code) ?? ''}|${goods.get(o.id)!.map((l) => `${l.skuCode}x${l.quantity}`).join(',')}`)
        .digest('hex')
        .slice(0, 40);
    // Inventory is judged once, against the stock when the order arrived; again only when its goods change.
    const judge = orders.filter((o) => !o.cancelled && before.get(o.id)?.inventory_basis !== basisOf(o));
    const inventory = await this.judgeInventory(judge, goods, warehouse);

    const rows: FactRow[] = orders.map((o) => {
      const was = before.get(o.id);
      const mine = goods.get(o.id)!;
      const judged = inventory.get(o.id);
      const outbound = o.wms_outbound_no ? shipLines.get(o.wms_outbound_no) ?? [] : null;
      const quantities = outbound ? compareQuantities(mine, outbound, o.shipped_out_at != null, sku) : null;
      const crmFacts = tickets ? ticketFacts(tickets[position.get(o.id)!], now) : null;
      const paid = o.paid_at != null || o.erp_status === 'PAID' || o.erp_status === 'CLOSED';
      const completion = o.signed_at ?? o.completed_at;
      return {
        order_id: o.id,
        erp_order_no: o.erp_order_no,
        customer_code: o.customer_code,
        store_code: o.store_code,
        region: o.region,
        ordered_at: o.ordered_at,
        order_date: o.order_date,
        promised_at: o.promised_at,
        promise_date: o.promised_at == null ? null : beijingDate(o.promised_at),
        cancelled: o.cancelled,
        paid: paid ? 1 : 0,
        paid_at: o.paid_at,
        total_fen: o.total_fen,
        outbound_no: o.wms_outbound_no,
        outbound_method: o.wms_outbound_no ? method.get(o.wms_outbound_no) ?? null : null,
        waybill_no: o.tms_waybill_no,
        shipped_out_at: o.shipped_out_at,
        completion_at: completion,
        ...deliveryInstants(paid && !o.cancelled ? o.promised_at : null, completion),
        goods_lines: judged ? judged.lines : was ? Number(was.goods_lines) : 0,
        lines_matched: judged ? judged.matched : was ? Number(was.lines_matched) : 0,
        inventory_basis: judged ? basisOf(o) : (was?.inventory_basis ?? null),
        inventory_detail: judged ? judged.detail : (was?.inventory_detail ?? null),
        qty_state: quantities ? (quantities.agree ? 'AGREE' : 'MISMATCH') : null,
        qty_diff_fen: quantities ? quantities.amountFen : null,
        qty_detail: quantities ? shortJson(quantities.differences) : null,
        tickets: crmFacts?.tickets ?? Number(was?.tickets ?? 0),
        returns_exchanges: crmFacts?.returns_exchanges ?? Number(was?.returns_exchanges ?? 0),
        response_hours: crmFacts ? crmFacts.response_hours : was?.response_hours == null ? null : Number(was.response_hours),
        tickets_at: crmFacts ? now : was?.tickets_at == null ? null : Number(was.tickets_at),
        fired_mask: masks.get(o.id) ?? 0,
        source_updated_at: o.updated_at,
        refreshed_at: now,
      };
    });
    await this.hub.call('fact.upsert', () => upsertRows(this.db, 'hub_order_fact', rows, ['order_id']));
  }

  /**
   * Per order, how many of its goods lines the warehouse that serves its store could allocate when
   * it arrived: FEFO over the lots on hand less what is locked (as without the hub's own locks),
   * skipping lots in disabled bins and lots that expire within the expiry rule's months of the
   * order date — or the order's own minimum shelf life where it asks for more
   * (SO_SOMain_ExtraDefine.iMinShelfMonths), as the pick flow takes it. The same allocation the pick
   * flow uses, so a line that counts as matched here is one the pick list could serve.
   */
  private async judgeInventory(orders: OrderRecord[], goods: Map<number, SalesOrderLine[]>, warehouse: Map<string, string>) {
    const out = new Map<number, { lines: number; matched: number; detail: string | null }>();
    if (!orders.length) return out;
    const { wms } = this.sources;
    const skuCodes = unique(orders.flatMap((o) => goods.get(o.id)!.map((l) => l.skuCode)));
    const [stock, locks, months, requirements] = await Promise.all([
      skuCodes.length ? wms.stockBySku(skuCodes) : Promise.resolve([] as StockRow[][]),
      this.sources.hubLocks(),
      this.sources.expiryMonths(),
      this.sources.erp.requirementsByOrderNo(orders.map((o) => o.erp_order_no)),
    ]);
    const asked = new Map(orders.map((o, i) => [o.id, requirements[i]?.minShelfLifeMonths ?? 0]));
    const rows = stock.flat();
    const usable = new Map<string, boolean>();
    for (const wh of unique(rows.map((r) => r.warehouseCode))) {
      const codes = unique(rows.filter((r) => r.warehouseCode === wh).map((r) => r.location.code));
      const bins = await wms.binsByCode(wh, codes);
      codes.forEach((code, i) => usable.set(`${wh}|${code}`, bins[i]?.usable ?? false));
    }
    // Per warehouse and SKU: an order is allocated against its own SKUs' lots only (FEFO never
    // crosses SKUs), not the whole warehouse's — a first sync judges every order there is.
    const lotsAt = new Map<string, StockLot[]>();
    for (const r of rows) {
      const lot: StockLot = {
        skuCode: r.skuCode,
        batchNo: r.batchNo,
        expiresOn: r.expiresOn,
        locCode: r.location.code,
        floor: r.location.floor,
        aisle: r.location.aisle,
        shelf: r.location.shelf,
        quantity: r.quantity,
        lockedQuantity: locks.get(`${r.warehouseCode}|${r.skuCode}|${r.batchNo}`) ?? r.lockedQuantity,
        binUsable: usable.get(`${r.warehouseCode}|${r.location.code}`) ?? false,
      };
      groupInto(lotsAt, `${r.warehouseCode}|${r.skuCode}`, lot);
    }
    for (const o of orders) {
      const demand = goods.get(o.id)!.filter((l) => l.quantity > 0).map((l) => ({ lineKey: String(l.rowNo), skuCode: l.skuCode, quantity: l.quantity }));
      const lots = unique(demand.map((d) => d.skuCode)).flatMap((sku) => lotsAt.get(`${warehouse.get(o.store_code) ?? ''}|${sku}`) ?? []);
      const result = allocateFefo(demand, lots, { asOf: o.order_date, minRemainingShelfLifeMonths: Math.max(months, asked.get(o.id)!) });
      const short = result.lines.filter((l) => l.shortfall);
      out.set(o.id, {
        lines: demand.length,
        matched: demand.length - short.length,
        detail: shortJson(short.map((l) => ({ sku: l.skuCode, quantity: l.requested, short: l.shortfall!.quantity, reason: l.shortfall!.reason }))),
      });
    }
    return out;
  }
}
