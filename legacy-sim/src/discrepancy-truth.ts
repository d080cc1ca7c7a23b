// Every difference between ERP, WMS and TMS that reconciliation must report, worked out from the
// generated stories as they stand at the end of the data set — apart from the hub's code on purpose,
// as rule-truth.ts is: the test compares the two.
import { formatBeijing } from '../../common/src/time.js';
import { formatFen } from '../../common/src/money.js';
import { orderTotalFen, type OrderStory, type OutboundStory, type WaybillStory } from './story.js';
import { groupInto } from '../../common/src/loader.js';
import type { InvoiceRow, World } from './generator.js';
import type { DiscrepancyClass, TruthDiscrepancy } from './types.js';

const HOUR = 3_600_000;
const dateOf = (t: number) => formatBeijing(t).slice(0, 10);

export function discrepancyTruth(p: {
  orders: OrderStory[];
  orphanOutbounds: OutboundStory[];
  orphanWaybills: WaybillStory[];
  invoices: InvoiceRow[];
  /** Orders whose outbounds fit two orders (never linked) → the other order each fits. */
  ambiguous: Map<string, string>;
  world: World;
  asOf: number;
  outboundSlaHours: number;
  /** The duplicate-order rule's findings: duplicate → the order it repeats. */
  duplicates: Map<string, string>;
  /**
   * Orders whose outbound's ref_no names another customer's order — written so, or re-pointed after
   * the hub had linked it (generator: refContradicts, editedAfterLink) — → the order named. The hub
   * does not link such an outbound: it is a CONTRADICTING_REFERENCE (with its waybill), and its own
   * order is as one without outbound.
   */
  contradicting?: Map<string, string>;
  /** Orders whose outbound was deleted from the WMS after the first sync (deletedRow): the order is without outbound, its waybill names nothing that exists. */
  deletedOutbounds?: Set<string>;
  // Late commits (lateCommit) need nothing here: once read (by the late lane or the sweep) such an
  // order reconciles like any other, which is what measuring them against this truth checks.
}): TruthDiscrepancy[] {
  const due = (t: number | null | undefined): t is number => t != null && t <= p.asOf;
  const out: TruthDiscrepancy[] = [];
  const add = (cls: DiscrepancyClass, date: string, documents: string[], amountFen: number | null) =>
    out.push({ class: cls, date, documents: [...documents].sort(), amount: amountFen == null ? null : formatFen(amountFen) });
  const listValue = (ob: OutboundStory) => ob.lines.reduce((s, l) => s + l.planQty * p.world.sku.get(l.skuCode)!.priceFen, 0);

  const contradicting = p.contradicting ?? new Map<string, string>();
  const deleted = p.deletedOutbounds ?? new Set<string>();
  // A cancelled order whose outbound the hub linked by its reference and the WMS has not shipped:
  // the warehouse may still ship what nobody will pay for.
  for (const o of p.orders.filter((x) => due(x.cancelAt))) {
    const ob = o.outbound && due(o.outbound.createAt) ? o.outbound : null;
    if (ob?.reference && !contradicting.has(o.erpOrderNo) && !deleted.has(o.erpOrderNo) && !due(ob.shipAt))
      add('CANCELLED_ORDER_OUTBOUND_LIVE', dateOf(o.orderedAt), [o.erpOrderNo, ob.outboundNo], orderTotalFen(o));
  }

  const live = p.orders.filter((o) => !due(o.cancelAt));
  for (const o of live) {
    const date = dateOf(o.orderedAt);
    let ob = o.outbound && due(o.outbound.createAt) ? o.outbound : null;
    let wb = o.waybill && due(o.waybill.createAt) ? o.waybill : null;
    const named = contradicting.get(o.erpOrderNo);
    if (ob && named) {
      // Not linked: the outbound with the order it names and the waybill that names it.
      add('CONTRADICTING_REFERENCE', dateOf(ob.createAt), [ob.outboundNo, named, ...(wb && wb.customerRef === ob.outboundNo ? [wb.waybillNo] : [])], listValue(ob));
      if (wb?.customerRef === ob.outboundNo) wb = null; // it follows its outbound: unlinked, not listed on its own
      ob = null;
    } else if (ob && deleted.has(o.erpOrderNo)) {
      // Gone from the WMS: the waybill names an outbound that does not exist.
      if (wb?.customerRef === ob.outboundNo) {
        add('WAYBILL_WITHOUT_OUTBOUND', dateOf(wb.createAt), [wb.waybillNo], null);
        wb = null;
      }
      ob = null;
    }
    const total = orderTotalFen(o);
    const twin = p.duplicates.get(o.erpOrderNo);
    if (twin) add('DUPLICATE_ORDER', date, [o.erpOrderNo, twin], total);
    if (ob && p.ambiguous.has(o.erpOrderNo)) {
      // The outbound and its waybill belong to nobody the hub can name: the orders that fit it are listed.
      add('AMBIGUOUS_OUTBOUND', dateOf(ob.createAt), [ob.outboundNo, o.erpOrderNo, p.ambiguous.get(o.erpOrderNo)!, ...(wb ? [wb.waybillNo] : [])], listValue(ob));
      continue;
    }
    if (ob) {
      const ordered = new Map<string, { qty: number; price: number }>();
      for (const l of o.lines.filter((x) => !x.isService)) {
        const seen = ordered.get(l.skuCode);
        ordered.set(l.skuCode, { qty: (seen?.qty ?? 0) + l.quantity, price: seen?.price ?? l.unitPriceFen });
      }
      const shipped = new Map<string, number>();
      for (const l of ob.lines) shipped.set(l.skuCode, (shipped.get(l.skuCode) ?? 0) + l.planQty);
      let atStake = 0;
      for (const sku of new Set([...ordered.keys(), ...shipped.keys()])) {
        const diff = Math.abs((shipped.get(sku) ?? 0) - (ordered.get(sku)?.qty ?? 0));
        atStake += diff * (ordered.get(sku)?.price ?? p.world.sku.get(sku)!.priceFen);
      }
      if (atStake > 0) add('QUANTITY_MISMATCH', date, [o.erpOrderNo, ob.outboundNo], atStake);
      if (due(ob.shipAt) && !wb) add('OUTBOUND_WITHOUT_WAYBILL', date, [o.erpOrderNo, ob.outboundNo], total);
    } else if (wb) {
      add('WAYBILL_WITHOUT_OUTBOUND', date, [o.erpOrderNo, wb.waybillNo], total);
    } else if (due(o.payAt) && o.payAt + p.outboundSlaHours * HOUR <= p.asOf) {
      add('ORDER_WITHOUT_OUTBOUND', date, [o.erpOrderNo], total);
    }
  }

  const invoices = new Map<string, InvoiceRow[]>();
  for (const inv of p.invoices) groupInto(invoices, inv.cSOCode, inv);
  for (const o of live) {
    const mine = invoices.get(o.erpOrderNo);
    if (!mine) continue;
    const invoiced = mine.reduce((s, i) => s + Math.round(Number(i.iSum) * 100), 0);
    if (invoiced !== orderTotalFen(o)) add('INVOICE_AMOUNT_MISMATCH', dateOf(o.orderedAt), [o.erpOrderNo, ...mine.map((i) => i.cSBVCode)], Math.abs(invoiced - orderTotalFen(o)));
  }

  for (const ob of p.orphanOutbounds) if (due(ob.createAt)) add('OUTBOUND_WITHOUT_ORDER', dateOf(ob.createAt), [ob.outboundNo], listValue(ob));
  for (const wb of p.orphanWaybills) if (due(wb.createAt)) add('WAYBILL_WITHOUT_OUTBOUND', dateOf(wb.createAt), [wb.waybillNo], null);
  // Each key joined once, not at every comparison of the sort.
  const keyed = out.map((d) => ({ d, documents: d.documents.join() }));
  keyed.sort((a, b) => a.d.class.localeCompare(b.d.class) || a.documents.localeCompare(b.documents));
  return keyed.map((k) => k.d);
}
