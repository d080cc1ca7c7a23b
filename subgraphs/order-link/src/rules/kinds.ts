// The 12 kinds of business rule: for each, the parameters a rule of that kind takes (validated
// when a rule is saved) and a pure evaluation of one order's facts into a verdict: did it fire,
// why (the facts that made it fire, in words), and what must happen (effects). No I/O here.
import { z } from 'zod';
import { formatFen, toFen } from '../../../../common/src/money.js';
import { STAFF_ROLES } from '../../../../common/src/caller.js';
import { addMonths, beijingDate, formatBeijing, parseIsoInstant } from '../../../../common/src/time.js';
import type { Bilingual } from '../../../../common/src/errors.js';

/**
 * Which of two orders came first, the same on every instance and in every batch: the earlier placed,
 * then — placed in the same second, as a double submission is — the earlier ERP number of the day.
 */
export function precedes(a: { orderedAt: number; erpOrderNo: string }, b: { orderedAt: number; erpOrderNo: string }): boolean {
  return a.orderedAt !== b.orderedAt ? a.orderedAt < b.orderedAt : compareOrderNos(a.erpOrderNo, b.erpOrderNo) < 0;
}

/** ERP numbers in the order the ERP gave them: by day, then by the day's sequence as a number (…-999 before …-1000). */
export function compareOrderNos(a: string, b: string): number {
  const [pa, pb] = [/^SO-(\d{8})-(\d+)$/.exec(a), /^SO-(\d{8})-(\d+)$/.exec(b)];
  if (pa && pb) return pa[1].localeCompare(pb[1]) || Number(pa[2]) - Number(pb[2]);
  return a < b ? -1 : a > b ? 1 : 0;
}

export const RULE_KINDS = [
  'CUSTOMER_GRADE_HOLD',
  'CREDIT_LIMIT',
  'EXPIRY_CONTROL',
  'WEATHER_BREAKER',
  'MANDATORY_GIFT',
  'THRESHOLD_PROMOTION',
  'REGION_RESTRICTION',
  'GRADE_DISCOUNT',
  'QUANTITY_LIMIT',
  'PRICE_FLOOR',
  'DUPLICATE_ORDER',
  'PROMISE_FEASIBILITY',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

// ---- the facts a rule sees --------------------------------------------------------------------

export interface FactLine {
  rowNo: number;
  skuCode: string;
  skuName: string;
  quantity: number;
  unitPriceFen: number;
  listPriceFen: number;
  isService: boolean;
  shelfLifeMonths: number | null;
  /** A line the hub itself added (a gift): never counted as the customer's goods. */
  hubGift: boolean;
}

export interface FactLot {
  batchNo: string;
  expiresOn: string | null;
  quantity: number;
  /** Locked as the WMS had it before any lock of the hub's own (a decision must not undo itself). */
  lockedQuantity: number;
}

export interface OrderFacts {
  orderId: number;
  erpOrderNo: string;
  erpStatus: string;
  customerCode: string;
  customerPhone: string | null;
  grade: 'A' | 'B' | 'C';
  creditLineFen: number;
  storeCode: string;
  region: string;
  warehouseCode: string;
  orderedAt: number;
  promisedAt: number | null;
  totalFen: number;
  lines: FactLine[];
  /** Unpaid (open, approved) orders of the same customer other than this one. */
  otherOpenReceivablesFen: number;
  /** Lots at the store's warehouse, per SKU. */
  stock: Record<string, FactLot[]>;
  /** Available quantity per SKU in the other warehouses. */
  stockElsewhere: Record<string, number>;
  /** TMS weather alerts for the order's region that overlap the day it was ordered. */
  weatherAlerts: { alertId: string; city: string; type: string; level: string; startAt: number; endAt: number }[];
  /** The customer's earlier orders (not cancelled) within a day before this one. */
  earlierOrders: { erpOrderNo: string; orderedAt: number; lineSignature: string }[];
}

// ---- what a rule can ask for ------------------------------------------------------------------

export type Effect =
  | { type: 'HOLD'; approverRole: string; reasonCode: string; reason: Bilingual }
  | { type: 'LOCK_BATCH'; warehouseCode: string; skuCode: string; batchNo: string; expiresOn: string; lockedBefore: number }
  | { type: 'WORK_ORDER'; warehouseCode: string; skuCode: string; batchNo: string; quantity: number }
  | { type: 'PROMISE'; promisedAt: number | null; text: Bilingual }
  | { type: 'GIFT_LINE'; skuCode: string; quantity: number }
  | { type: 'DISCOUNT'; amountFen: number; reason: Bilingual; stackGroup: string }
  | { type: 'CREDIT'; amountFen: number; reason: Bilingual }
  | { type: 'SMS'; mobile: string; text: string }
  | { type: 'REJECT_LINE'; rowNo: number; skuCode: string; reason: Bilingual };

export interface Verdict {
  fired: boolean;
  /** Why, in words a person checks: the facts that decided it. */
  explanation: Bilingual;
  facts: Record<string, unknown>;
  effects: Effect[];
}

// ---- parameter types --------------------------------------------------------------------------

const money = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, 'a CNY amount such as "50000.00"')
  .transform((s) => toFen(s)!);
const approver = z.enum(STAFF_ROLES as [string, ...string[]]);
const sku = z.string().regex(/^[A-Z0-9-]{2,30}$/, 'a SKU code such as BRG-N204');
const city = z.string().regex(/^\p{L}{1,20}$/u, 'a city as ERP writes it, such as 苏州');
const ratio = z
  .string()
  .regex(/^0(\.\d{1,4})?$|^1(\.0{1,4})?$/, 'a ratio between 0 and 1 written as a decimal string such as "0.85"')
  .transform(Number);
const instant = z.string().refine((s) => parseIsoInstant(s) != null, 'an ISO 8601 time with offset').transform((s) => parseIsoInstant(s)!);
const text = (max: number) => z.string().min(1).max(max);

export const PARAMETERS = {
  CUSTOMER_GRADE_HOLD: z.strictObject({ grades: z.array(z.enum(['A', 'B', 'C'])).min(1), amountOver: money, approverRole: approver }),
  CREDIT_LIMIT: z.strictObject({ approverRole: approver }),
  EXPIRY_CONTROL: z.strictObject({ minRemainingMonths: z.number().int().min(1).max(60), replenishQuantity: z.number().int().min(1).max(100_000) }),
  WEATHER_BREAKER: z.strictObject({ cities: z.array(city).min(1), promiseZh: text(60), promiseEn: text(80) }),
  MANDATORY_GIFT: z.strictObject({
    triggerSkus: z.array(sku).min(1),
    giftSku: sku,
    giftQuantity: z.number().int().min(1).max(100),
    fallbackCredit: money,
    smsZh: text(300),
  }),
  THRESHOLD_PROMOTION: z
    .strictObject({
      threshold: money,
      discount: money,
      giftSku: sku.optional(),
      giftQuantity: z.number().int().min(1).max(100).default(1),
      validFrom: instant,
      validTo: instant,
      regions: z.array(city).optional(),
      stores: z.array(z.string().regex(/^[A-Z0-9]{2,12}$/)).optional(),
      stackGroup: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/),
    })
    .refine((p) => p.validFrom < p.validTo, { message: 'validFrom must be before validTo', path: ['validTo'] })
    .refine((p) => p.discount < p.threshold, { message: 'the discount must be below the threshold', path: ['discount'] }),
  REGION_RESTRICTION: z.strictObject({ skus: z.array(sku).min(1), regions: z.array(city).min(1), reasonZh: text(100), reasonEn: text(160) }),
  GRADE_DISCOUNT: z.strictObject({
    rates: z.strictObject({ A: ratio, B: ratio, C: ratio }),
    stackGroup: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/),
  }),
  QUANTITY_LIMIT: z.strictObject({ limits: z.record(sku, z.number().int().min(1).max(100_000)).refine((r) => Object.keys(r).length > 0, 'name at least one SKU'), approverRole: approver }),
  PRICE_FLOOR: z.strictObject({ floorRatio: ratio, approverRole: approver }),
  DUPLICATE_ORDER: z.strictObject({ windowMinutes: z.number().int().min(1).max(24 * 60), approverRole: approver }),
  PROMISE_FEASIBILITY: z.strictObject({
    cutoff: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a Beijing time of day such as "16:00"'),
    extraDays: z.number().int().min(1).max(14),
  }),
} satisfies Record<RuleKind, z.ZodType>;

export type Parameters<K extends RuleKind> = z.output<(typeof PARAMETERS)[K]>;

// ---- helpers ----------------------------------------------------------------------------------

const DAY = 86_400_000;
const yuan = (fen: number) => formatFen(fen);
const goods = (f: OrderFacts) => f.lines.filter((l) => !l.isService && !l.hubGift);
const orderDate = (f: OrderFacts) => beijingDate(f.orderedAt);
const notFired = (zh: string, en: string, facts: Record<string, unknown> = {}): Verdict => ({ fired: false, explanation: { zh, en }, facts, effects: [] });

/** Lots that can serve the line on the day of the order, first expiry first. */
export function allocatableLots(f: OrderFacts, skuCode: string): FactLot[] {
  const day = orderDate(f);
  return (f.stock[skuCode] ?? [])
    .filter((l) => l.quantity - l.lockedQuantity > 0 && (l.expiresOn == null || l.expiresOn > day))
    .sort((a, b) => (a.expiresOn ?? '9999').localeCompare(b.expiresOn ?? '9999') || a.batchNo.localeCompare(b.batchNo));
}

const available = (f: OrderFacts, skuCode: string) => allocatableLots(f, skuCode).reduce((s, l) => s + l.quantity - l.lockedQuantity, 0);

/** Was the delivery promised for the day after the order (next-day delivery)? */
const nextDayPromise = (f: OrderFacts) => f.promisedAt != null && beijingDate(f.promisedAt) === beijingDate(f.orderedAt + DAY);

/** The customer's lines as a comparable fingerprint: SKU × quantity, in any order. */
export const lineSignature = (lines: { skuCode: string; quantity: number; hubGift?: boolean }[]) =>
  lines
    .filter((l) => !l.hubGift)
    .map((l) => `${l.skuCode}x${l.quantity}`)
    .sort()
    .join('|');

// ---- the kinds --------------------------------------------------------------------------------

type Evaluate<K extends RuleKind> = (p: Parameters<K>, f: OrderFacts) => Verdict;

export const EVALUATE: { [K in RuleKind]: Evaluate<K> } = {
  CUSTOMER_GRADE_HOLD: (p, f) => {
    const facts = { grade: f.grade, orderTotal: yuan(f.totalFen), threshold: yuan(p.amountOver) };
    if (!p.grades.includes(f.grade) || f.totalFen <= p.amountOver) return notFired('客户等级或金额未达条件', 'grade or amount below the condition', facts);
    const reason = { zh: `${f.grade}级客户订单金额 ${yuan(f.totalFen)} 元超过 ${yuan(p.amountOver)} 元`, en: `grade-${f.grade} customer's order of ${yuan(f.totalFen)} CNY is over ${yuan(p.amountOver)} CNY` };
    return { fired: true, explanation: reason, facts, effects: [{ type: 'HOLD', approverRole: p.approverRole, reasonCode: 'GRADE_LARGE_ORDER', reason }] };
  },

  CREDIT_LIMIT: (p, f) => {
    const exposure = f.otherOpenReceivablesFen + f.totalFen;
    const facts = { creditLine: yuan(f.creditLineFen), openReceivables: yuan(f.otherOpenReceivablesFen), orderTotal: yuan(f.totalFen), exposure: yuan(exposure) };
    if (exposure <= f.creditLineFen) return notFired('未超过信用额度', 'within the credit line', facts);
    const reason = {
      zh: `未收款 ${yuan(f.otherOpenReceivablesFen)} 元加本单 ${yuan(f.totalFen)} 元超过信用额度 ${yuan(f.creditLineFen)} 元`,
      en: `open receivables ${yuan(f.otherOpenReceivablesFen)} plus this order ${yuan(f.totalFen)} exceed the credit line of ${yuan(f.creditLineFen)} CNY`,
    };
    return { fired: true, explanation: reason, facts, effects: [{ type: 'HOLD', approverRole: p.approverRole, reasonCode: 'CREDIT_LIMIT', reason }] };
  },

  EXPIRY_CONTROL: (p, f) => {
    const limit = addMonths(orderDate(f), p.minRemainingMonths);
    const short: { skuCode: string; batchNo: string; expiresOn: string; lockedBefore: number }[] = [];
    for (const line of goods(f)) {
      if (line.shelfLifeMonths == null) continue;
      const first = allocatableLots(f, line.skuCode)[0];
      if (first?.expiresOn && first.expiresOn <= limit && !short.some((s) => s.skuCode === line.skuCode)) {
        short.push({ skuCode: line.skuCode, batchNo: first.batchNo, expiresOn: first.expiresOn, lockedBefore: first.lockedQuantity });
      }
    }
    const facts = { mustExpireAfter: limit, shortDated: short };
    if (!short.length) return notFired('可分配批次效期充足', 'the allocatable batches have enough shelf life', facts);
    return {
      fired: true,
      explanation: {
        zh: `可分配批次 ${short.map((s) => `${s.skuCode} ${s.batchNo}（${s.expiresOn}到期）`).join('、')} 在 ${p.minRemainingMonths} 个月内到期：锁定并补货`,
        en: `allocatable batch ${short.map((s) => `${s.skuCode} ${s.batchNo} (expires ${s.expiresOn})`).join(', ')} expires within ${p.minRemainingMonths} months: locked, replenishment ordered`,
      },
      facts,
      effects: short.flatMap((s): Effect[] => [
        { type: 'LOCK_BATCH', warehouseCode: f.warehouseCode, ...s },
        { type: 'WORK_ORDER', warehouseCode: f.warehouseCode, skuCode: s.skuCode, batchNo: s.batchNo, quantity: p.replenishQuantity },
      ]),
    };
  },

  WEATHER_BREAKER: (p, f) => {
    const alert = f.weatherAlerts.find((a) => a.city === f.region && a.startAt <= f.orderedAt && f.orderedAt < a.endAt);
    const facts = { region: f.region, nextDayPromise: nextDayPromise(f), alert: alert ?? null };
    if (!p.cities.includes(f.region) || !alert || !nextDayPromise(f)) return notFired('无影响次日达的天气预警', 'no weather alert affecting a next-day promise', facts);
    const text = { zh: p.promiseZh, en: p.promiseEn };
    return {
      fired: true,
      explanation: { zh: `${f.region}${alert.type}${alert.level}色预警期间下单：次日达改为${p.promiseZh}`, en: `ordered during a ${alert.level} ${alert.type} alert in ${f.region}: the next-day promise becomes ${p.promiseEn}` },
      facts,
      effects: [{ type: 'PROMISE', promisedAt: null, text }],
    };
  },

  MANDATORY_GIFT: (p, f) => {
    const trigger = f.lines.find((l) => p.triggerSkus.includes(l.skuCode));
    const facts: Record<string, unknown> = { trigger: trigger?.skuCode ?? null, giftSku: p.giftSku, giftAvailable: available(f, p.giftSku) };
    if (!trigger) return notFired('订单不含触发商品', 'no triggering item on the order', facts);
    if (f.lines.some((l) => l.skuCode === p.giftSku && l.unitPriceFen === 0 && !l.hubGift)) {
      return { fired: true, explanation: { zh: '赠品已在订单上', en: 'the gift is already on the order' }, facts, effects: [] };
    }
    // Our own gift line is there already: the rule stands as it did (its effect is keyed, nothing repeats).
    if (f.lines.some((l) => l.skuCode === p.giftSku && l.hubGift)) {
      return { fired: true, explanation: { zh: `已赠送 ${p.giftQuantity} × ${p.giftSku}`, en: `${p.giftQuantity} × ${p.giftSku} added free` }, facts, effects: [{ type: 'GIFT_LINE', skuCode: p.giftSku, quantity: p.giftQuantity }] };
    }
    if (available(f, p.giftSku) >= p.giftQuantity) {
      return {
        fired: true,
        explanation: { zh: `含${trigger.skuName}：赠送 ${p.giftQuantity} × ${p.giftSku}`, en: `${trigger.skuCode} on the order: ${p.giftQuantity} × ${p.giftSku} added free` },
        facts,
        effects: [{ type: 'GIFT_LINE', skuCode: p.giftSku, quantity: p.giftQuantity }],
      };
    }
    const effects: Effect[] = [{ type: 'CREDIT', amountFen: p.fallbackCredit, reason: { zh: `赠品${p.giftSku}缺货抵扣`, en: `${p.giftSku} gift out of stock: credit` } }];
    if (f.customerPhone) effects.push({ type: 'SMS', mobile: f.customerPhone, text: p.smsZh.replaceAll('{orderNo}', f.erpOrderNo) });
    return {
      fired: true,
      explanation: { zh: `赠品${p.giftSku}缺货：改为抵扣 ${yuan(p.fallbackCredit)} 元并短信通知`, en: `gift ${p.giftSku} out of stock: ${yuan(p.fallbackCredit)} CNY credit instead, customer told by SMS` },
      facts,
      effects,
    };
  },

  THRESHOLD_PROMOTION: (p, f) => {
    const goodsTotal = goods(f).reduce((s, l) => s + l.quantity * l.unitPriceFen, 0);
    const facts = { orderedAt: formatBeijing(f.orderedAt), region: f.region, store: f.storeCode, goodsTotal: yuan(goodsTotal), threshold: yuan(p.threshold) };
    const inWindow = f.orderedAt >= p.validFrom && f.orderedAt < p.validTo;
    const inPlace = (!p.regions || p.regions.includes(f.region)) && (!p.stores || p.stores.includes(f.storeCode));
    if (!inWindow || !inPlace || goodsTotal < p.threshold) return notFired('不在活动时间、地区或未满额', 'outside the promotion, or below the threshold', facts);
    const effects: Effect[] = [{ type: 'DISCOUNT', amountFen: p.discount, stackGroup: p.stackGroup, reason: { zh: `满${yuan(p.threshold)}减${yuan(p.discount)}`, en: `spend ${yuan(p.threshold)}, get ${yuan(p.discount)} off` } }];
    if (p.giftSku) effects.push({ type: 'GIFT_LINE', skuCode: p.giftSku, quantity: p.giftQuantity });
    return {
      fired: true,
      explanation: { zh: `商品金额 ${yuan(goodsTotal)} 元满 ${yuan(p.threshold)} 元：减 ${yuan(p.discount)} 元${p.giftSku ? `并赠 ${p.giftSku}` : ''}`, en: `goods of ${yuan(goodsTotal)} CNY reach ${yuan(p.threshold)}: ${yuan(p.discount)} off${p.giftSku ? ` and a free ${p.giftSku}` : ''}` },
      facts,
      effects,
    };
  },

  REGION_RESTRICTION: (p, f) => {
    const banned = p.regions.includes(f.region) ? f.lines.filter((l) => p.skus.includes(l.skuCode)) : [];
    const facts = { region: f.region, restrictedLines: banned.map((l) => ({ rowNo: l.rowNo, sku: l.skuCode })) };
    if (!banned.length) return notFired('没有限售商品', 'no restricted item', facts);
    const reason = { zh: p.reasonZh, en: p.reasonEn };
    return {
      fired: true,
      explanation: { zh: `${f.region}不可销售：${banned.map((l) => l.skuCode).join('、')}（${p.reasonZh}）`, en: `not sellable in ${f.region}: ${banned.map((l) => l.skuCode).join(', ')} (${p.reasonEn})` },
      facts,
      effects: banned.map((l) => ({ type: 'REJECT_LINE', rowNo: l.rowNo, skuCode: l.skuCode, reason })),
    };
  },

  GRADE_DISCOUNT: (p, f) => {
    const rate = p.rates[f.grade];
    const missing = goods(f)
      .map((l) => ({ rowNo: l.rowNo, sku: l.skuCode, price: l.unitPriceFen, expected: Math.round(l.listPriceFen * (1 - rate)), quantity: l.quantity }))
      .filter((l) => l.price > l.expected);
    const amount = missing.reduce((s, l) => s + (l.price - l.expected) * l.quantity, 0);
    const facts = { grade: f.grade, rate, linesAboveDiscountedPrice: missing.map((l) => ({ ...l, price: yuan(l.price), expected: yuan(l.expected) })) };
    if (amount === 0) return notFired('等级折扣已体现在单价中', 'the grade discount is already in the prices', facts);
    const explanation = { zh: `${f.grade}级折扣未计入 ${missing.length} 行，补抵 ${yuan(amount)} 元`, en: `grade-${f.grade} discount missing on ${missing.length} line(s): ${yuan(amount)} CNY credited` };
    // The effect's reason becomes the adjustment a customer reads; their grade is internal (Customer.grade).
    const reason = { zh: `客户等级折扣（${missing.length} 行）`, en: `customer discount (${missing.length} line${missing.length > 1 ? 's' : ''})` };
    return { fired: true, explanation, facts, effects: [{ type: 'DISCOUNT', amountFen: amount, stackGroup: p.stackGroup, reason }] };
  },

  QUANTITY_LIMIT: (p, f) => {
    const perSku = new Map<string, number>();
    for (const l of f.lines) perSku.set(l.skuCode, (perSku.get(l.skuCode) ?? 0) + l.quantity);
    const over = [...perSku].filter(([s, q]) => p.limits[s] != null && q > p.limits[s]).map(([s, q]) => ({ sku: s, quantity: q, limit: p.limits[s] }));
    const facts = { overLimit: over };
    if (!over.length) return notFired('未超过限购数量', 'within the quantity limits', facts);
    const reason = { zh: over.map((o) => `${o.sku} ${o.quantity} 件超过限购 ${o.limit} 件`).join('；'), en: over.map((o) => `${o.sku}: ${o.quantity} over the limit of ${o.limit}`).join('; ') };
    return { fired: true, explanation: reason, facts, effects: [{ type: 'HOLD', approverRole: p.approverRole, reasonCode: 'QUANTITY_LIMIT', reason }] };
  },

  PRICE_FLOOR: (p, f) => {
    const below = goods(f)
      .map((l) => ({ rowNo: l.rowNo, sku: l.skuCode, price: l.unitPriceFen, floor: Math.round(l.listPriceFen * p.floorRatio) }))
      .filter((l) => l.price < l.floor);
    const facts = { floorRatio: p.floorRatio, linesBelowFloor: below.map((l) => ({ ...l, price: yuan(l.price), floor: yuan(l.floor) })) };
    if (!below.length) return notFired('单价不低于最低售价', 'no price below its floor', facts);
    const reason = { zh: below.map((l) => `${l.sku} 单价 ${yuan(l.price)} 低于最低价 ${yuan(l.floor)}`).join('；'), en: below.map((l) => `${l.sku} at ${yuan(l.price)} is below its floor of ${yuan(l.floor)}`).join('; ') };
    return { fired: true, explanation: reason, facts, effects: [{ type: 'HOLD', approverRole: p.approverRole, reasonCode: 'PRICE_FLOOR', reason }] };
  },

  DUPLICATE_ORDER: (p, f) => {
    const mine = lineSignature(f.lines);
    // The original is the first of the twins within the window: orders placed in the same second
    // (a double submission) are ordered by their ERP number, so exactly one of them passes.
    const twin = f.earlierOrders
      .filter((o) => o.lineSignature === mine && precedes(o, f) && f.orderedAt - o.orderedAt <= p.windowMinutes * 60_000)
      .sort((a, b) => (precedes(a, b) ? -1 : 1))[0];
    const facts = { windowMinutes: p.windowMinutes, duplicateOf: twin?.erpOrderNo ?? null };
    if (!twin) return notFired('没有相同的近期订单', 'no identical recent order', facts);
    const minutes = Math.round((f.orderedAt - twin.orderedAt) / 60_000);
    const reason = { zh: `与 ${minutes} 分钟前的订单 ${twin.erpOrderNo} 商品和数量完全相同`, en: `same items and quantities as ${twin.erpOrderNo}, placed ${minutes} minutes earlier` };
    return { fired: true, explanation: reason, facts, effects: [{ type: 'HOLD', approverRole: p.approverRole, reasonCode: 'DUPLICATE_ORDER', reason }] };
  },

  PROMISE_FEASIBILITY: (p, f) => {
    const [h, m] = p.cutoff.split(':').map(Number);
    const cutoffAt = Date.parse(`${orderDate(f)}T${p.cutoff}:00+08:00`);
    const late = f.orderedAt >= cutoffAt;
    const farOnly = goods(f)
      .filter((l) => available(f, l.skuCode) < l.quantity && (f.stockElsewhere[l.skuCode] ?? 0) >= l.quantity)
      .map((l) => l.skuCode);
    const facts = { nextDayPromise: nextDayPromise(f), orderedAt: formatBeijing(f.orderedAt), cutoff: `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`, onlyInAFarWarehouse: farOnly };
    if (!nextDayPromise(f) || (!late && !farOnly.length)) return notFired('次日达可以兑现', 'the next-day promise can be kept', facts);
    const promisedAt = f.promisedAt! + p.extraDays * DAY;
    const why = late ? { zh: `${p.cutoff} 截单后下单`, en: `ordered after the ${p.cutoff} cut-off` } : { zh: `${farOnly.join('、')} 仅外地仓有货`, en: `${farOnly.join(', ')} in stock only in a far warehouse` };
    const text = { zh: `${why.zh}，承诺送达顺延至 ${formatBeijing(promisedAt).slice(0, 16)}`, en: `${why.en}: the promise moves to ${formatBeijing(promisedAt).slice(0, 16)}` };
    return { fired: true, explanation: text, facts, effects: [{ type: 'PROMISE', promisedAt, text }] };
  },
};

/** Evaluates one rule for one order (parameters already validated). */
export function evaluateRule(kind: RuleKind, parameters: unknown, facts: OrderFacts): Verdict {
  return (EVALUATE[kind] as Evaluate<RuleKind>)(parameters as never, facts);
}
