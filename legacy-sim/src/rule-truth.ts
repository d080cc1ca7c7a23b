// Which orders each rule of the hub's rules file must fire for, worked out from the generated stories
// as they stand at the end of the data set. Written apart from the hub's rule engine on purpose: the
// test compares the two, so a mistake in one does not hide behind the same mistake in the other.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { formatBeijing, parseBeijing, parseIsoInstant } from '../../common/src/time.js';
import type { OrderStory } from './story.js';
import { groupInto } from '../../common/src/loader.js';
import type { World, WeatherAlertRow } from './generator.js';
import { STORES } from './world.js';

export const RULES_FILE = new URL('../../subgraphs/order-link/rules/default-rules.yaml', import.meta.url);

interface RuleSpec {
  id: string;
  kind: string;
  enabled?: boolean;
  parameters: Record<string, any>;
}

const DAY = 86_400_000;
const dateOf = (t: number) => formatBeijing(t).slice(0, 10);
const fen = (yuan: string) => Math.round(Number(yuan) * 100);

function plusMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = y * 12 + m - 1 + months;
  const last = new Date(Date.UTC(Math.floor(t / 12), (t % 12) + 1, 0)).getUTCDate();
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** ERP numbers by day, then the day's sequence as a number: which of two orders placed in the same second came first. */
const numberKey = (no: string) => {
  const m = /^SO-(\d{8})-(\d+)$/.exec(no);
  return m ? Number(m[1]) * 1e7 + Number(m[2]) : 0;
};
/** The original of two: the earlier placed, or in the same second the earlier ERP number. */
const before = (a: OrderStory, b: OrderStory) => a.orderedAt < b.orderedAt || (a.orderedAt === b.orderedAt && numberKey(a.erpOrderNo) < numberKey(b.erpOrderNo));

/** For an order: the same customer's identical orders (same SKUs and quantities) placed up to `windowMinutes` before it (a tie by ERP number), earliest first. */
function earlierTwins(orders: OrderStory[]) {
  const signature = (o: OrderStory) => o.lines.map((l) => `${l.skuCode}x${l.quantity}`).sort().join('|');
  const byCustomer = new Map<string, OrderStory[]>();
  for (const o of orders) groupInto(byCustomer, o.customerCode, o);
  return (o: OrderStory, windowMinutes: number) =>
    byCustomer
      .get(o.customerCode)!
      .filter((e) => e !== o && before(e, o) && o.orderedAt - e.orderedAt <= windowMinutes * 60_000 && signature(e) === signature(o))
      .sort((a, b) => (before(a, b) ? -1 : 1));
}

/** The duplicate-order rule's findings with the order each duplicates: duplicate → earlier twin. */
export function duplicateTruth(allOrders: OrderStory[], asOf: number, file: URL | string = RULES_FILE): Map<string, string> {
  const spec = (parseYaml(readFileSync(file, 'utf8')) as RuleSpec[]).find((r) => r.kind === 'DUPLICATE_ORDER' && r.enabled !== false);
  const out = new Map<string, string>();
  if (!spec) return out;
  const orders = allOrders.filter((o) => !(o.cancelAt != null && o.cancelAt <= asOf));
  const twins = earlierTwins(orders);
  for (const o of orders) {
    const twin = twins(o, spec.parameters.windowMinutes)[0];
    if (twin) out.set(o.erpOrderNo, twin.erpOrderNo);
  }
  return out;
}

export function ruleTruth(data: { orders: OrderStory[]; world: World; weatherAlerts: WeatherAlertRow[]; asOf: number }, file: URL | string = RULES_FILE): Record<string, string[]> {
  const specs = (parseYaml(readFileSync(file, 'utf8')) as RuleSpec[]).filter((r) => r.enabled !== false);
  const at = (t: number | null) => t != null && t <= data.asOf;
  // The engine looks at orders the ERP has not voided.
  const orders = data.orders.filter((o) => !at(o.cancelAt));
  const customer = new Map(data.world.customers.map((c) => [c.code, c]));
  const warehouseOf = new Map(STORES.map((s) => [s.code, s.warehouse]));
  const total = (o: OrderStory) => o.lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0);
  const goods = (o: OrderStory) => o.lines.filter((l) => !l.isService);
  const nextDay = (o: OrderStory) => dateOf(o.promisedAt) === dateOf(o.orderedAt + DAY);
  const unpaid = (o: OrderStory) => o.orderedAt <= data.asOf && !at(o.cancelAt) && !at(o.payAt);
  // What each order's customer owed before it: the unpaid orders placed earlier (a tie by ERP number).
  const owedBefore = new Map<string, number>();
  const unpaidOf = new Map<string, OrderStory[]>();
  for (const o of data.orders) groupInto(unpaidOf, o.customerCode, o);
  for (const list of unpaidOf.values()) {
    let sum = 0;
    for (const o of list.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))) {
      owedBefore.set(o.erpOrderNo, sum);
      if (unpaid(o)) sum += total(o);
    }
  }
  // Per warehouse, SKU and day: asked for every line of a million orders, over a few hundred lots each time.
  const lots = new Map<string, World['stock']>();
  const lotsAt = (warehouse: string, sku: string, day: string) => {
    const key = `${warehouse}|${sku}|${day}`;
    let found = lots.get(key);
    if (!found) {
      found = data.world.stock
        .filter((l) => l.warehouseCode === warehouse && l.skuCode === sku && l.qty - l.lockedQty > 0 && (l.expDate == null || l.expDate > day))
        .sort((a, b) => (a.expDate ?? '9999').localeCompare(b.expDate ?? '9999') || a.batchNo.localeCompare(b.batchNo));
      lots.set(key, found);
    }
    return found;
  };
  const availableAt = (warehouse: string, sku: string, day: string) => lotsAt(warehouse, sku, day).reduce((s, l) => s + l.qty - l.lockedQty, 0);
  const availableElsewhere = (warehouse: string, sku: string) =>
    data.world.stock.filter((l) => l.warehouseCode !== warehouse && l.skuCode === sku).reduce((s, l) => s + Math.max(0, l.qty - l.lockedQty), 0);
  const twins = earlierTwins(orders);
  // Parsed once: read per order, the alerts' times made the truth quadratic in days.
  const alerts = data.weatherAlerts.map((a) => ({ city: a.city, from: parseBeijing(a.start_time)!, to: parseBeijing(a.end_time)! }));

  const fires: Record<string, (o: OrderStory, p: Record<string, any>) => boolean> = {
    CUSTOMER_GRADE_HOLD: (o, p) => p.grades.includes(customer.get(o.customerCode)!.grade) && total(o) > fen(p.amountOver),
    CREDIT_LIMIT: (o) => owedBefore.get(o.erpOrderNo)! + total(o) > customer.get(o.customerCode)!.creditLineFen,
    EXPIRY_CONTROL: (o, p) =>
      goods(o).some((l) => {
        if (data.world.sku.get(l.skuCode)!.shelfLifeMonths == null) return false;
        const first = lotsAt(warehouseOf.get(o.storeCode)!, l.skuCode, dateOf(o.orderedAt))[0];
        return first?.expDate != null && first.expDate <= plusMonths(dateOf(o.orderedAt), p.minRemainingMonths);
      }),
    WEATHER_BREAKER: (o, p) =>
      p.cities.includes(o.region) &&
      nextDay(o) &&
      alerts.some((a) => a.city === o.region && a.from <= o.orderedAt && o.orderedAt < a.to),
    MANDATORY_GIFT: (o, p) => o.lines.some((l) => p.triggerSkus.includes(l.skuCode)),
    THRESHOLD_PROMOTION: (o, p) =>
      o.orderedAt >= parseIsoInstant(p.validFrom)! &&
      o.orderedAt < parseIsoInstant(p.validTo)! &&
      (!p.regions || p.regions.includes(o.region)) &&
      (!p.stores || p.stores.includes(o.storeCode)) &&
      goods(o).reduce((s, l) => s + l.quantity * l.unitPriceFen, 0) >= fen(p.threshold),
    REGION_RESTRICTION: (o, p) => p.regions.includes(o.region) && o.lines.some((l) => p.skus.includes(l.skuCode)),
    GRADE_DISCOUNT: (o, p) => {
      const rate = Number(p.rates[customer.get(o.customerCode)!.grade]);
      return goods(o).some((l) => l.unitPriceFen > Math.round(data.world.sku.get(l.skuCode)!.priceFen * (1 - rate)));
    },
    QUANTITY_LIMIT: (o, p) => {
      const sum = new Map<string, number>();
      for (const l of o.lines) sum.set(l.skuCode, (sum.get(l.skuCode) ?? 0) + l.quantity);
      return [...sum].some(([sku, q]) => p.limits[sku] != null && q > p.limits[sku]);
    },
    PRICE_FLOOR: (o, p) => goods(o).some((l) => l.unitPriceFen < Math.round(data.world.sku.get(l.skuCode)!.priceFen * Number(p.floorRatio))),
    DUPLICATE_ORDER: (o, p) => twins(o, p.windowMinutes).length > 0,
    PROMISE_FEASIBILITY: (o, p) => {
      if (!nextDay(o)) return false;
      if (o.orderedAt >= Date.parse(`${dateOf(o.orderedAt)}T${p.cutoff}:00+08:00`)) return true;
      const wh = warehouseOf.get(o.storeCode)!;
      return goods(o).some((l) => availableAt(wh, l.skuCode, dateOf(o.orderedAt)) < l.quantity && availableElsewhere(wh, l.skuCode) >= l.quantity);
    },
  };

  const truth: Record<string, string[]> = {};
  for (const spec of specs) {
    const test = fires[spec.kind];
    if (!test) throw new Error(`rule-truth: no reading of kind ${spec.kind}`);
    truth[spec.id] = orders.filter((o) => test(o, spec.parameters)).map((o) => o.erpOrderNo).sort();
  }
  return truth;
}
