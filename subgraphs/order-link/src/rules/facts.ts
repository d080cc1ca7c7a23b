// Gathers what the rules need to know about a batch of orders, from the ERP, the WMS, the TMS and
// the hub, in a fixed number of batched calls whatever the batch size (about ten for 500 orders).
import type { DataSource } from 'typeorm';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import { placeholders } from '../../../../common/src/db.js';
import { toFen } from '../../../../common/src/money.js';
import { formatBeijing } from '../../../../common/src/time.js';
import { groupInto, unique } from '../../../../common/src/loader.js';
import { HUB_GIFT_MEMO, type ErpDatasource, type SalesOrderLine } from '#adapters/erp';
import type { WmsDatasource } from '#adapters/wms';
import type { TmsDatasource } from '#adapters/tms';
import { lineSignature, precedes, type FactLine, type FactLot, type OrderFacts } from './kinds.js';

export interface FactSources {
  erp: ErpDatasource;
  wms: WmsDatasource;
  tms: TmsDatasource;
}

const DAY = 86_400_000;

/** An order the hub knows, as the facts loader needs it. */
export interface OrderRef {
  id: number;
  erpOrderNo: string;
}

export class FactsLoader {
  constructor(
    private readonly hubDb: DataSource,
    private readonly hub: LegacySystem,
    private readonly sources: FactSources,
  ) {}

  /**
   * Facts for each order that still exists in the ERP (a voided order is left out). `extraSkus`:
   * SKUs the rules hand out (gifts), whose stock matters though no line names them.
   */
  async load(orders: OrderRef[], extraSkus: readonly string[] = []): Promise<OrderFacts[]> {
    if (!orders.length) return [];
    const { erp, wms, tms } = this.sources;
    const nos = orders.map((o) => o.erpOrderNo);
    const headers = (await erp.ordersByNo(nos)).filter((h) => h != null && h.erpStatus !== 'CANCELLED');
    if (!headers.length) return [];
    const customerCodes = unique(headers.map((h) => h!.customerCode));
    const orderedAt = headers.map((h) => Date.parse(h!.orderedAt));
    const from = Math.min(...orderedAt);
    const to = Math.max(...orderedAt);

    const [lines, customers, stores, unpaid, neighbours, alerts, hubLocks] = await Promise.all([
      erp.linesByOrderNo(headers.map((h) => h!.erpOrderNo)),
      erp.customersByCode(customerCodes),
      erp.storesByCode(unique(headers.map((h) => h!.storeCode))),
      erp.unpaidOrdersByCustomer(customerCodes),
      // The same customers' orders up to a day before the earliest: the duplicate rule looks back.
      erp.ordersOfCustomersBetween(customerCodes, formatBeijing(from - DAY), formatBeijing(to)),
      tms.weatherAlerts(unique(headers.map((h) => h!.region)), from - DAY, to + DAY),
      this.hubLocks(),
    ]);
    const neighbourLines = new Map<string, SalesOrderLine[]>();
    const lineByOrder = new Map(headers.map((h, i) => [h!.erpOrderNo, lines[i]]));
    const missing = neighbours.map((n) => n.erpOrderNo).filter((no) => !lineByOrder.has(no));
    if (missing.length) (await erp.linesByOrderNo(missing)).forEach((l, i) => neighbourLines.set(missing[i], l));
    const linesOf = (no: string) => lineByOrder.get(no) ?? neighbourLines.get(no) ?? [];

    const skuCodes = unique([...[...lines.flat(), ...[...neighbourLines.values()].flat()].map((l) => l.skuCode), ...extraSkus]);
    const [skus, stock] = await Promise.all([erp.skusByCode(skuCodes), wms.stockBySku(skuCodes)]);
    const sku = new Map(skus.filter((s) => s != null).map((s) => [s!.code, s!]));
    const stockBySku = new Map(skuCodes.map((c, i) => [c, stock[i]]));
    const customer = new Map(customers.filter((c) => c != null).map((c) => [c!.code, c!]));
    const store = new Map(stores.filter((s) => s != null).map((s) => [s!.code, s!]));
    const byNo = new Map(orders.map((o) => [o.erpOrderNo, o.id]));
    // By customer: scanning every customer's rows for each order of the batch made a batch quadratic.
    const unpaidOf = new Map<string, typeof unpaid>();
    for (const u of unpaid) groupInto(unpaidOf, u.customerCode, u);
    const neighboursOf = new Map<string, typeof neighbours>();
    for (const n of neighbours) groupInto(neighboursOf, n.customerCode, n);

    return headers.flatMap((h) => {
      const c = customer.get(h!.customerCode);
      const s = store.get(h!.storeCode);
      if (!c || !s) return [];
      const at = Date.parse(h!.orderedAt);
      const factLines: FactLine[] = linesOf(h!.erpOrderNo).map((l) => {
        const item = sku.get(l.skuCode);
        return {
          rowNo: l.rowNo,
          skuCode: l.skuCode,
          skuName: item?.name ?? l.skuCode,
          quantity: l.quantity,
          unitPriceFen: toFen(l.unitPrice)!,
          listPriceFen: item ? toFen(item.listPrice)! : toFen(l.unitPrice)!,
          isService: item?.isService ?? false,
          shelfLifeMonths: item?.shelfLifeMonths ?? null,
          hubGift: l.remark?.startsWith(HUB_GIFT_MEMO) ?? false,
        };
      });
      const lots: Record<string, FactLot[]> = {};
      const elsewhere: Record<string, number> = {};
      for (const code of unique([...factLines.map((l) => l.skuCode), ...extraSkus])) {
        for (const lot of stockBySku.get(code) ?? []) {
          // Judged as without the hub's own locks, so a decision does not undo itself once delivered.
          const locked = hubLocks.get(`${lot.warehouseCode}|${lot.skuCode}|${lot.batchNo}`) ?? lot.lockedQuantity;
          if (lot.warehouseCode === s.warehouseCode) (lots[code] ??= []).push({ batchNo: lot.batchNo, expiresOn: lot.expiresOn, quantity: lot.quantity, lockedQuantity: locked });
          else elsewhere[code] = (elsewhere[code] ?? 0) + Math.max(0, lot.quantity - locked);
        }
      }
      // What the customer owes before this order: its unpaid orders placed earlier (same second: by
      // number), this batch's included. A later order does not count against an earlier one, so two
      // orders that together exceed the credit line hold the later, whichever batch each is judged in.
      const owed = (unpaidOf.get(h!.customerCode) ?? [])
        .filter((u) => u.erpOrderNo !== h!.erpOrderNo && precedes({ orderedAt: Date.parse(u.orderedAt), erpOrderNo: u.erpOrderNo }, { orderedAt: at, erpOrderNo: h!.erpOrderNo }))
        .reduce((sum, u) => sum + toFen(u.totalAmount)!, 0);
      const earlier = (neighboursOf.get(h!.customerCode) ?? [])
        // Every order the ERP has, this batch's included, that came before this one (same second: by number).
        .filter((n) => n.erpOrderNo !== h!.erpOrderNo && precedes({ orderedAt: Date.parse(n.orderedAt), erpOrderNo: n.erpOrderNo }, { orderedAt: at, erpOrderNo: h!.erpOrderNo }) && at - Date.parse(n.orderedAt) <= DAY)
        .map((n) => ({
          erpOrderNo: n.erpOrderNo,
          orderedAt: Date.parse(n.orderedAt),
          lineSignature: lineSignature(linesOf(n.erpOrderNo).map((l) => ({ skuCode: l.skuCode, quantity: l.quantity, hubGift: l.remark?.startsWith(HUB_GIFT_MEMO) }))),
        }));
      return [
        {
          orderId: byNo.get(h!.erpOrderNo)!,
          erpOrderNo: h!.erpOrderNo,
          erpStatus: h!.erpStatus,
          customerCode: h!.customerCode,
          customerPhone: c.phone,
          grade: c.grade,
          creditLineFen: toFen(c.creditLine)!,
          storeCode: h!.storeCode,
          region: h!.region,
          warehouseCode: s.warehouseCode,
          orderedAt: at,
          promisedAt: h!.promisedAt ? Date.parse(h!.promisedAt) : null,
          totalFen: toFen(h!.totalAmount)!,
          lines: factLines,
          otherOpenReceivablesFen: owed,
          stock: lots,
          stockElsewhere: elsewhere,
          weatherAlerts: alerts.filter((a) => a.city === h!.region),
          earlierOrders: earlier,
        },
      ];
    });
  }

  /** Lots the hub locked itself, with the locked quantity they had before: `warehouse|sku|batch` → locked. */
  async hubLocks(): Promise<Map<string, number>> {
    const rows = await this.hub.call('outbox.locks', () => this.hubDb.query("SELECT payload FROM hub_outbox WHERE kind = 'LOCK_BATCH'"));
    const locks = new Map<string, number>();
    for (const r of rows) {
      const p = JSON.parse(r.payload);
      locks.set(`${p.warehouseCode}|${p.skuCode}|${p.batchNo}`, p.lockedBefore);
    }
    return locks;
  }

  /** Hub orders ordered within [from, to), oldest first, for a dry run. */
  async ordersBetween(from: number, to: number, limit: number): Promise<OrderRef[]> {
    const rows = await this.hub.call('order.between', () =>
      this.hubDb.query('SELECT id, erp_order_no FROM hub_order WHERE ordered_at >= ? AND ordered_at < ? AND cancelled = 0 ORDER BY ordered_at, id LIMIT ?', [from, to, limit]),
    );
    return rows.map((r: any) => ({ id: Number(r.id), erpOrderNo: r.erp_order_no }));
  }

  async ordersById(ids: number[]): Promise<OrderRef[]> {
    if (!ids.length) return [];
    const rows = await this.hub.call('order.refs', () => this.hubDb.query(`SELECT id, erp_order_no FROM hub_order WHERE id IN (${placeholders(ids.length)})`, ids));
    return rows.map((r: any) => ({ id: Number(r.id), erpOrderNo: r.erp_order_no }));
  }
}
