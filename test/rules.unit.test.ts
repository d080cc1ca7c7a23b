// The rule kinds, stacking, blockers and the outbox backoff as pure logic, on hand-built facts:
// each kind fires on one order and stays quiet on a neighbour that differs in exactly one fact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { PARAMETERS, RULE_KINDS, evaluateRule, type OrderFacts, type RuleKind } from '../subgraphs/order-link/src/rules/kinds.js';
import { validateRule, compile, DEFAULT_RULES_FILE, type Rule } from '../subgraphs/order-link/src/rules/store.js';
import { stackDiscounts, judge } from '../subgraphs/order-link/src/rules/engine.js';
import { computeBlockers, currentBlocker, effectivePromise } from '../subgraphs/order-link/src/blockers.js';
import { OUTBOX_BACKOFF } from '../subgraphs/order-link/src/rules/outbox.js';
import { backoffMs } from '../common/src/resilience.js';

const T = (s: string) => Date.parse(s);

/** A quiet order: grade B, well within credit, fresh stock, next-day promise, ordered mid-morning. */
function facts(over: Partial<OrderFacts> = {}): OrderFacts {
  return {
    orderId: 1,
    erpOrderNo: 'SO-20251109-001',
    erpStatus: 'PAID',
    customerCode: 'C00001',
    customerPhone: '13800000000',
    grade: 'B',
    creditLineFen: 100_000_00,
    storeCode: 'MD001',
    region: '上海',
    warehouseCode: 'WH-SH01',
    orderedAt: T('2025-11-09T10:00:00+08:00'),
    promisedAt: T('2025-11-10T18:00:00+08:00'),
    totalFen: 1_000_00,
    lines: [{ rowNo: 1, skuCode: 'BRG-N204', skuName: '轴承', quantity: 10, unitPriceFen: 8170, listPriceFen: 8600, isService: false, shelfLifeMonths: null, hubGift: false }],
    otherOpenReceivablesFen: 0,
    stock: { 'BRG-N204': [{ batchNo: '202510A', expiresOn: null, quantity: 500, lockedQuantity: 0 }], 'FLD-COOL-1L': [{ batchNo: '202510A', expiresOn: '2028-10-08', quantity: 50, lockedQuantity: 0 }] },
    stockElsewhere: {},
    weatherAlerts: [],
    earlierOrders: [],
    ...over,
  };
}

const rulesFile = parseYaml(readFileSync(DEFAULT_RULES_FILE, 'utf8')) as { id: string; kind: RuleKind; parameters: unknown }[];
const params = (kind: RuleKind) => PARAMETERS[kind].parse(rulesFile.find((r) => r.kind === kind)!.parameters);
const fires = (kind: RuleKind, f: OrderFacts) => evaluateRule(kind, params(kind), f);

test('the rules file holds one valid rule of each of the 12 kinds', () => {
  assert.deepEqual(rulesFile.map((r) => r.kind).sort(), [...RULE_KINDS].sort());
  for (const r of rulesFile) assert.equal(validateRule(r as any).ok, true, r.id);
});

test('each kind refuses bad parameters, naming the field', () => {
  const bad: [RuleKind, unknown, string][] = [
    ['CUSTOMER_GRADE_HOLD', { grades: ['D'], amountOver: '50000.00', approverRole: 'director' }, 'grades.0'],
    ['CREDIT_LIMIT', { approverRole: 'customer' }, 'approverRole'],
    ['EXPIRY_CONTROL', { minRemainingMonths: 0, replenishQuantity: 200 }, 'minRemainingMonths'],
    ['WEATHER_BREAKER', { cities: ['Shang hai'], promiseZh: 'x', promiseEn: 'y' }, 'cities.0'],
    ['MANDATORY_GIFT', { triggerSkus: ['SVC-TBELT'], giftSku: 'FLD-COOL-1L', giftQuantity: 1, fallbackCredit: '30.001', smsZh: 'x' }, 'fallbackCredit'],
    ['THRESHOLD_PROMOTION', { threshold: '299.00', discount: '300.00', validFrom: '2025-11-09', validTo: '2025-11-10', stackGroup: 'promotion' }, 'discount'],
    ['REGION_RESTRICTION', { skus: [], regions: ['上海'], reasonZh: 'x', reasonEn: 'y' }, 'skus'],
    ['GRADE_DISCOUNT', { rates: { A: '1.5', B: '0.05', C: '0' }, stackGroup: 'grade' }, 'rates.A'],
    ['QUANTITY_LIMIT', { limits: { 'BAT-VARTA60': 0 }, approverRole: 'sales' }, 'limits.BAT-VARTA60'],
    ['PRICE_FLOOR', { floorRatio: 0.85, approverRole: 'director' }, 'floorRatio'],
    ['DUPLICATE_ORDER', { windowMinutes: 30, approverRole: 'sales', extra: 1 }, ''],
    ['PROMISE_FEASIBILITY', { cutoff: '25:00', extraDays: 1 }, 'cutoff'],
  ];
  assert.equal(bad.length, RULE_KINDS.length);
  for (const [kind, parameters, field] of bad) {
    const v = validateRule({ id: 'T-x', kind, name: 'test rule', parameters });
    assert.equal(v.ok, false, kind);
    if (!v.ok) assert.ok(v.errors.some((e) => e.field.slice(1).join('.') === field), `${kind}: ${JSON.stringify(v.errors.map((e) => e.field))}`);
  }
});

test('each kind fires on the order that breaks it and not on its neighbour', () => {
  const line = facts().lines[0];
  const cases: [RuleKind, OrderFacts, OrderFacts][] = [
    ['CUSTOMER_GRADE_HOLD', facts({ grade: 'C', totalFen: 50_000_01 }), facts({ grade: 'C', totalFen: 50_000_00 })],
    ['CREDIT_LIMIT', facts({ creditLineFen: 1_500_00, otherOpenReceivablesFen: 600_00 }), facts({ creditLineFen: 1_600_00, otherOpenReceivablesFen: 600_00 })],
    [
      'EXPIRY_CONTROL',
      facts({ lines: [{ ...line, skuCode: 'FLD-DOT4-1L', shelfLifeMonths: 24 }], stock: { 'FLD-DOT4-1L': [{ batchNo: '202402A', expiresOn: '2026-02-08', quantity: 100, lockedQuantity: 0 }, { batchNo: '202509A', expiresOn: '2027-09-08', quantity: 100, lockedQuantity: 0 }] } }),
      facts({ lines: [{ ...line, skuCode: 'FLD-DOT4-1L', shelfLifeMonths: 24 }], stock: { 'FLD-DOT4-1L': [{ batchNo: '202402A', expiresOn: '2026-02-08', quantity: 100, lockedQuantity: 100 }, { batchNo: '202509A', expiresOn: '2027-09-08', quantity: 100, lockedQuantity: 0 }] } }),
    ],
    [
      'WEATHER_BREAKER',
      facts({ weatherAlerts: [{ alertId: 'a', city: '上海', type: '暴雨', level: '黄', startAt: T('2025-11-09T09:00:00+08:00'), endAt: T('2025-11-09T12:00:00+08:00') }] }),
      facts({ weatherAlerts: [{ alertId: 'a', city: '上海', type: '暴雨', level: '黄', startAt: T('2025-11-09T11:00:00+08:00'), endAt: T('2025-11-09T12:00:00+08:00') }] }),
    ],
    ['MANDATORY_GIFT', facts({ lines: [line, { ...line, rowNo: 2, skuCode: 'SVC-TBELT', skuName: '更换正时皮带(工时)', isService: true, quantity: 1 }] }), facts()],
    [
      'THRESHOLD_PROMOTION',
      facts({ region: '杭州', lines: [{ ...line, quantity: 4, unitPriceFen: 7500 }] }),
      facts({ region: '杭州', lines: [{ ...line, quantity: 3, unitPriceFen: 9966 }] }),
    ],
    ['REGION_RESTRICTION', facts({ lines: [{ ...line, skuCode: 'BAT-CAMEL70' }] }), facts({ region: '苏州', lines: [{ ...line, skuCode: 'BAT-CAMEL70' }] })],
    ['GRADE_DISCOUNT', facts({ lines: [{ ...line, unitPriceFen: 8600 }] }), facts()],
    ['QUANTITY_LIMIT', facts({ lines: [{ ...line, skuCode: 'BAT-VARTA60', quantity: 3 }, { ...line, rowNo: 2, skuCode: 'BAT-VARTA60', quantity: 2 }] }), facts({ lines: [{ ...line, skuCode: 'BAT-VARTA60', quantity: 4 }] })],
    ['PRICE_FLOOR', facts({ lines: [{ ...line, unitPriceFen: 7309 }] }), facts({ lines: [{ ...line, unitPriceFen: 7310 }] })],
    [
      'DUPLICATE_ORDER',
      facts({ earlierOrders: [{ erpOrderNo: 'SO-20251109-000', orderedAt: T('2025-11-09T09:40:00+08:00'), lineSignature: 'BRG-N204x10' }] }),
      facts({ earlierOrders: [{ erpOrderNo: 'SO-20251109-000', orderedAt: T('2025-11-09T09:20:00+08:00'), lineSignature: 'BRG-N204x10' }] }),
    ],
    ['PROMISE_FEASIBILITY', facts({ orderedAt: T('2025-11-09T16:00:00+08:00') }), facts({ orderedAt: T('2025-11-09T15:59:59+08:00') })],
  ];
  // What each says about the order that breaks it: its own facts and the rule's parameters.
  const explains: Record<RuleKind, [string, string]> = {
    CUSTOMER_GRADE_HOLD: ['C级客户订单金额 50000.01 元超过 50000.00 元', "grade-C customer's order of 50000.01 CNY is over 50000.00 CNY"],
    CREDIT_LIMIT: ['未收款 600.00 元加本单 1000.00 元超过信用额度 1500.00 元', 'open receivables 600.00 plus this order 1000.00 exceed the credit line of 1500.00 CNY'],
    EXPIRY_CONTROL: ['可分配批次 FLD-DOT4-1L 202402A（2026-02-08到期） 在 6 个月内到期：锁定并补货', 'allocatable batch FLD-DOT4-1L 202402A (expires 2026-02-08) expires within 6 months: locked, replenishment ordered'],
    WEATHER_BREAKER: ['上海暴雨黄色预警期间下单：次日达改为2–3个工作日送达', 'ordered during a 黄 暴雨 alert in 上海: the next-day promise becomes delivery in 2–3 working days'],
    MANDATORY_GIFT: ['含更换正时皮带(工时)：赠送 1 × FLD-COOL-1L', 'SVC-TBELT on the order: 1 × FLD-COOL-1L added free'],
    THRESHOLD_PROMOTION: ['商品金额 300.00 元满 299.00 元：减 50.00 元并赠 CHM-WD40', 'goods of 300.00 CNY reach 299.00: 50.00 off and a free CHM-WD40'],
    REGION_RESTRICTION: ['上海不可销售：BAT-CAMEL70（该商品未取得上海地区销售备案）', 'not sellable in 上海: BAT-CAMEL70 (the product is not registered for sale in Shanghai)'],
    GRADE_DISCOUNT: ['B级折扣未计入 1 行，补抵 43.00 元', 'grade-B discount missing on 1 line(s): 43.00 CNY credited'],
    QUANTITY_LIMIT: ['BAT-VARTA60 5 件超过限购 4 件', 'BAT-VARTA60: 5 over the limit of 4'],
    PRICE_FLOOR: ['BRG-N204 单价 73.09 低于最低价 73.10', 'BRG-N204 at 73.09 is below its floor of 73.10'],
    DUPLICATE_ORDER: ['与 20 分钟前的订单 SO-20251109-000 商品和数量完全相同', 'same items and quantities as SO-20251109-000, placed 20 minutes earlier'],
    PROMISE_FEASIBILITY: ['16:00 截单后下单，承诺送达顺延至 2025-11-11 18:00', 'ordered after the 16:00 cut-off: the promise moves to 2025-11-11 18:00'],
  };
  assert.equal(cases.length, RULE_KINDS.length);
  for (const [kind, positive, negative] of cases) {
    const yes = fires(kind, positive);
    assert.equal(yes.fired, true, `${kind} fires`);
    assert.deepEqual([yes.explanation.zh, yes.explanation.en], explains[kind], `${kind} explains`);
    assert.equal(fires(kind, negative).fired, false, `${kind} stays quiet: ${fires(kind, negative).explanation.en}`);
  }
});

test('the gift falls back to a credit and an SMS when the gift is out of stock, and never after the hub gave it', () => {
  const withBelt = facts({ lines: [facts().lines[0], { ...facts().lines[0], rowNo: 2, skuCode: 'SVC-TBELT', isService: true, quantity: 1 }] });
  assert.deepEqual(fires('MANDATORY_GIFT', withBelt).effects.map((e) => e.type), ['GIFT_LINE']);
  const noCoolant = { ...withBelt, stock: { ...withBelt.stock, 'FLD-COOL-1L': [{ batchNo: '202510A', expiresOn: '2028-10-08', quantity: 50, lockedQuantity: 50 }] } };
  const fallback = fires('MANDATORY_GIFT', noCoolant);
  assert.deepEqual(fallback.effects.map((e) => e.type), ['CREDIT', 'SMS']);
  assert.match((fallback.effects[1] as any).text, /SO-20251109-001/);
  const given = { ...noCoolant, lines: [...noCoolant.lines, { ...noCoolant.lines[0], rowNo: 3, skuCode: 'FLD-COOL-1L', quantity: 1, unitPriceFen: 0, hubGift: true }] };
  assert.deepEqual(fires('MANDATORY_GIFT', given).effects.map((e) => e.type), ['GIFT_LINE'], 'the same keyed gift, no fallback');
});

test('stacking: one rule per group (lowest priority number), groups stack; the loser gives nothing', () => {
  const rule = (id: string, priority: number, discount: string, stackGroup: string): Rule & { compiled: unknown } =>
    compile({ id, kind: 'THRESHOLD_PROMOTION', name: id, description: null, priority, enabled: true, version: 1, updatedBy: 't', updatedAt: 0, parameters: { threshold: '10.00', discount, giftSku: 'CHM-WD40', validFrom: '2025-01-01', validTo: '2026-01-01', stackGroup } });
  const e = judge([rule('b', 20, '5.00', 'promo'), rule('a', 10, '3.00', 'promo'), rule('c', 30, '1.00', 'other')], facts());
  const by = Object.fromEntries(e.verdicts.map((v) => [v.rule.id, v]));
  const promotion = (fen: number, group: string, off: string) => [
    { type: 'DISCOUNT', amountFen: fen, stackGroup: group, reason: { zh: `满10.00减${off}`, en: `spend 10.00, get ${off} off` } },
    { type: 'GIFT_LINE', skuCode: 'CHM-WD40', quantity: 1 },
  ];
  assert.deepEqual(by.a.verdict.effects, promotion(300, 'promo', '3.00'));
  assert.deepEqual([by.b.supersededBy, by.b.verdict.effects], ['a', []]);
  assert.deepEqual(by.c.verdict.effects, promotion(100, 'other', '1.00'));
  assert.deepEqual(stackDiscounts([]), []);
});

test('blockers: most serious first, the specific cause before the generic one, internal ones never shown to a customer', () => {
  const now = T('2025-11-12T10:00:00+08:00');
  const blockers = computeBlockers({
    status: 'IN_TRANSIT',
    missingNodes: ['PICKING'],
    hasOutbound: true,
    paidAt: T('2025-11-09T10:05:00+08:00'),
    holds: [],
    decisions: [],
    promisedAt: T('2025-11-10T18:00:00+08:00'),
    shipment: { status: 'EXCEPTION', exception: { type: 'VEHICLE_FAULT', description: '车辆故障，延误', delayMinutes: 190 }, exceptionAt: T('2025-11-10T12:00:00+08:00') },
    ambiguousOutbounds: [],
    attachments: null,
    picking: null,
    now,
  });
  assert.deepEqual(blockers.map((b) => b.code), ['CARRIER_EXCEPTION', 'PROMISE_OVERDUE', 'LIFECYCLE_GAP']);
  assert.equal(blockers[0].expectedResolution!.en, 'about 3 hours late');
  const shown = currentBlocker(blockers)!;
  assert.equal(shown.code, 'CARRIER_EXCEPTION');
  assert.match(shown.customerMessage!.zh, /预计晚到约 3 小时/);
  const held = computeBlockers({ ...({} as any), status: 'PAID', missingNodes: [], hasOutbound: false, paidAt: null, decisions: [], promisedAt: null, shipment: null, ambiguousOutbounds: [], now, holds: [{ id: 1, ruleId: 'R02', approverRole: 'finance', reasonCode: 'CREDIT_LIMIT', internalReason: '超额 / over', state: 'OPEN', createdAt: now, decidedBy: null, decidedRole: null, decidedAt: null, decisionReason: null }] });
  assert.equal(currentBlocker(held)!.customerMessage!.en, 'Your order is being reviewed; it will ship as soon as it is approved');
  assert.ok(!currentBlocker(held)!.customerMessage!.en.includes('credit'), 'the internal reason stays internal');
  assert.equal(currentBlocker(computeBlockers({ ...({} as any), status: 'COMPLETED', missingNodes: ['PICKING'], holds: [], decisions: [], promisedAt: null, shipment: null, ambiguousOutbounds: [], now })), null);
});

test('blockers follow the pick flow and the documents the order must travel with', () => {
  const now = T('2025-11-12T10:00:00+08:00');
  const base = { missingNodes: [], hasOutbound: true, paidAt: now - 3_600_000, holds: [], decisions: [], promisedAt: null, shipment: null, ambiguousOutbounds: [], now };
  const at = (status: string, picking: Parameters<typeof computeBlockers>[0]['picking'], attachments: Parameters<typeof computeBlockers>[0]['attachments'] = null) =>
    computeBlockers({ ...base, status, picking, attachments }).map((b) => b.code);
  const pick = { outboundNo: 'CK20251112-001', pickedAt: null, sealedAt: null, waybillNo: null };
  assert.deepEqual(at('PICKING', { ...pick, status: 'PICKING' }), [], 'picking under way blocks nothing');
  assert.deepEqual(at('PICKING', { ...pick, status: 'PICKED', pickedAt: now }), ['AWAITING_SEAL']);
  assert.deepEqual(at('PICKING', { ...pick, status: 'PACKED', pickedAt: now, sealedAt: now }), ['AWAITING_WAYBILL']);
  assert.deepEqual(at('PICKING', { ...pick, status: 'PACKED', pickedAt: now, sealedAt: now, waybillNo: 'SF1' }), ['AWAITING_COLLECTION']);
  assert.deepEqual(at('IN_TRANSIT', { ...pick, status: 'SHIPPED', pickedAt: now, sealedAt: now, waybillNo: 'SF1' }), [], 'collected: nothing waits');
  const report = { outstanding: ['TEST_REPORT' as const], source: 'REMARK' as const, since: now };
  const waiting = computeBlockers({ ...base, status: 'PAID', picking: null, attachments: report });
  assert.deepEqual(waiting.map((b) => b.code), ['AWAITING_ATTACHMENT']);
  assert.match(waiting[0].message.zh, /备注要求随货附检测报告/);
  assert.equal(currentBlocker(waiting)!.customerMessage!.en, 'The test report you asked for is being prepared; your order ships with it');
  assert.deepEqual(at('PAID', null, { ...report, outstanding: [] }), [], 'confirmed packed');
  assert.deepEqual(at('SHIPPED_OUT', null, report), [], 'gone with the goods: no longer awaited');
});

test('a worded promise replaces a time; the latest corrected time wins otherwise', () => {
  const d = (ruleId: string, promisedAt: number | null) => ({ ruleId, ruleVersion: 1, kind: 'X', fired: true, facts: {}, evaluatedAt: 0, firstFiredAt: 0, effects: [{ type: 'PROMISE' as const, promisedAt, text: { zh: ruleId, en: ruleId } }] });
  assert.deepEqual(effectivePromise(100, [d('R12', 200), d('R99', 300)]).correctedPromisedAt, 300);
  const worded = effectivePromise(100, [d('R12', 200), d('R04', null)]);
  assert.deepEqual([worded.correctedPromisedAt, worded.text!.en, worded.correctedBy], [null, 'R04', ['R12', 'R04']]);
});

test('outbox retries back off exponentially with full jitter, capped at five minutes', (t) => {
  const at = (random: number, attempts: number) => (t.mock.method(Math, 'random', () => random), backoffMs(attempts, OUTBOX_BACKOFF));
  assert.equal(at(0.999, 1), 1998);
  assert.equal(at(0.5, 3), 4000);
  assert.equal(at(1, 30), 300_000);
  assert.equal(at(0, 5), 0);
});

// ---- rules see every order: the same verdicts whichever batches the orders are judged in ----------

interface GeneratedOrder {
  erpOrderNo: string;
  customerCode: string;
  orderedAt: number;
  totalFen: number;
  paid: boolean;
  lines: { skuCode: string; quantity: number }[];
}

/** The rules' facts loader over an in-memory ERP holding `orders` (no stock, no weather, no hub locks). */
async function loaderOver(orders: GeneratedOrder[], creditLineFen: (customerCode: string) => number) {
  const { FactsLoader } = await import('../subgraphs/order-link/src/rules/facts.js');
  const { formatBeijing } = await import('../common/src/time.js');
  const iso = (t: number) => `${formatBeijing(t).replace(' ', 'T')}+08:00`;
  const money = (fen: number) => (fen / 100).toFixed(2);
  const byNo = new Map(orders.map((o) => [o.erpOrderNo, o]));
  const erp = {
    ordersByNo: async (nos: string[]) =>
      nos.map((no) => {
        const o = byNo.get(no);
        return o ? { erpOrderNo: no, erpStatus: o.paid ? 'PAID' : 'APPROVED', customerCode: o.customerCode, storeCode: 'MD001', region: '上海', orderedAt: iso(o.orderedAt), promisedAt: null, totalAmount: money(o.totalFen) } : null;
      }),
    linesByOrderNo: async (nos: string[]) => nos.map((no) => byNo.get(no)!.lines.map((l, k) => ({ rowNo: k + 1, skuCode: l.skuCode, quantity: l.quantity, unitPrice: '10.00', remark: null }))),
    customersByCode: async (codes: string[]) => codes.map((c) => ({ code: c, phone: null, grade: 'B', creditLine: money(creditLineFen(c)) })),
    storesByCode: async (codes: string[]) => codes.map((c) => ({ code: c, warehouseCode: 'WH-SH01' })),
    unpaidOrdersByCustomer: async (codes: string[]) =>
      orders.filter((o) => !o.paid && codes.includes(o.customerCode)).map((o) => ({ customerCode: o.customerCode, erpOrderNo: o.erpOrderNo, orderedAt: iso(o.orderedAt), totalAmount: money(o.totalFen) })),
    ordersOfCustomersBetween: async (codes: string[], from: string, to: string) =>
      orders
        .filter((o) => codes.includes(o.customerCode) && formatBeijing(o.orderedAt) >= from && formatBeijing(o.orderedAt) <= to)
        .map((o) => ({ erpOrderNo: o.erpOrderNo, customerCode: o.customerCode, orderedAt: iso(o.orderedAt) })),
    skusByCode: async (codes: string[]) => codes.map((c) => ({ code: c, name: c, listPrice: '10.00', isService: false, shelfLifeMonths: null })),
  };
  return new FactsLoader({ query: async () => [] } as any, { name: 'hub', call: (_op: string, run: () => unknown) => run() } as any, {
    erp: erp as any,
    wms: { stockBySku: async (codes: string[]) => codes.map(() => []) } as any,
    tms: { weatherAlerts: async () => [] } as any,
  });
}

/** Each order's credit verdict (with what it was found to owe) and the order it duplicates, judged batch by batch. */
async function judgeInBatches(loader: Awaited<ReturnType<typeof loaderOver>>, batches: string[][]) {
  const out = new Map<string, { held: boolean; owed: unknown; duplicateOf: unknown }>();
  for (const batch of batches)
    for (const f of await loader.load(batch.map((no, k) => ({ id: k + 1, erpOrderNo: no })))) {
      const credit = fires('CREDIT_LIMIT', f);
      out.set(f.erpOrderNo, { held: credit.fired, owed: credit.facts.openReceivables, duplicateOf: fires('DUPLICATE_ORDER', f).facts.duplicateOf ?? null });
    }
  return out;
}

test('rules that compare an order with others judge it against every order, its own batch included, earlier first: generated batches', async () => {
  const { precedes } = await import('../subgraphs/order-link/src/rules/kinds.js');
  const { Random } = await import('../legacy-sim/src/random.js');
  const skus = ['BRG-N204', 'BLT-M8', 'FLD-COOL-1L'];
  const window = (params('DUPLICATE_ORDER') as unknown as { windowMinutes: number }).windowMinutes * 60_000;
  let judged = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const rng = new Random(seed);
    // A few customers, each with a credit line and orders placed close together: double submissions in
    // one second (numbers out of time order), repeats a few minutes apart, unpaid and paid, some twins.
    const customers = new Map(Array.from({ length: rng.int(1, 3) }, (_, k) => [`C${String(k + 1).padStart(5, '0')}`, rng.int(5, 40) * 1_000_00]));
    const t0 = T('2025-11-09T09:00:00+08:00');
    const orders: GeneratedOrder[] = [];
    const seqs = rng.shuffle(Array.from({ length: 60 }, (_, k) => 100 + k));
    for (let i = 0; i < rng.int(4, 14); i++) {
      const twin = orders.length && rng.chance(0.35) ? rng.pick(orders) : null;
      orders.push({
        erpOrderNo: `SO-20251109-${seqs.pop()}`,
        customerCode: twin?.customerCode ?? rng.pick([...customers.keys()]),
        orderedAt: twin && rng.chance(0.5) ? twin.orderedAt + rng.pick([0, 0, 60_000, 20 * 60_000, 45 * 60_000]) : t0 + rng.int(0, 180) * 60_000,
        totalFen: twin ? twin.totalFen : rng.int(1, 25) * 1_000_00,
        paid: rng.chance(0.2),
        lines: twin ? twin.lines : [{ skuCode: rng.pick(skus), quantity: rng.int(1, 3) }],
      });
    }
    const loader = await loaderOver(orders, (c) => customers.get(c)!);
    // What must be: each order against all the others, earlier first — the customer's unpaid orders
    // before it plus this one over the line; a twin placed before it within the window.
    const signature = (x: GeneratedOrder) => x.lines.map((l) => `${l.skuCode}x${l.quantity}`).sort().join('|');
    const expected = Object.fromEntries(
      orders.map((o) => {
        const mine = orders.filter((e) => e !== o && e.customerCode === o.customerCode && precedes(e, o));
        const owed = mine.filter((e) => !e.paid).reduce((s, e) => s + e.totalFen, 0);
        const twins = mine.filter((e) => o.orderedAt - e.orderedAt <= window && signature(e) === signature(o)).sort((a, b) => (precedes(a, b) ? -1 : 1));
        return [o.erpOrderNo, { held: owed + o.totalFen > customers.get(o.customerCode)!, owed: (owed / 100).toFixed(2), duplicateOf: twins[0]?.erpOrderNo ?? null }];
      }),
    );
    const byNo = new Map(orders.map((o) => [o.erpOrderNo, o]));
    const all = orders.map((o) => o.erpOrderNo);
    // One batch; each order alone, latest first; and random batches judged in a random order.
    const partitions: string[][][] = [[rng.shuffle([...all])], [...all].sort((a, b) => (precedes(byNo.get(a)!, byNo.get(b)!) ? 1 : -1)).map((no) => [no])];
    for (let k = 0; k < 4; k++) {
      const shuffled = rng.shuffle([...all]);
      const batches: string[][] = [];
      while (shuffled.length) batches.push(shuffled.splice(0, rng.int(1, 4)));
      partitions.push(batches);
    }
    for (const batches of partitions) {
      assert.deepEqual(Object.fromEntries(await judgeInBatches(loader, batches)), expected, `seed ${seed}, batches ${JSON.stringify(batches)}`);
      judged++;
    }
  }
  assert.equal(judged, 40 * 6);
});

test('two unpaid orders of one customer that together exceed the credit line: the earlier passes, the later is held, in one batch or apart', async () => {
  const at = T('2025-11-09T10:00:00+08:00');
  // Placed in the same second: the lower number came first. Different quantities: not twins.
  const pair: GeneratedOrder[] = [
    { erpOrderNo: 'SO-20251109-1000', customerCode: 'C00001', orderedAt: at, totalFen: 600_00, paid: false, lines: [{ skuCode: 'BRG-N204', quantity: 2 }] },
    { erpOrderNo: 'SO-20251109-999', customerCode: 'C00001', orderedAt: at, totalFen: 600_00, paid: false, lines: [{ skuCode: 'BRG-N204', quantity: 1 }] },
  ];
  const loader = await loaderOver(pair, () => 1_000_00);
  for (const batches of [[['SO-20251109-1000', 'SO-20251109-999']], [['SO-20251109-1000'], ['SO-20251109-999']], [['SO-20251109-999'], ['SO-20251109-1000']]]) {
    assert.deepEqual(
      Object.fromEntries(await judgeInBatches(loader, batches)),
      { 'SO-20251109-999': { held: false, owed: '0.00', duplicateOf: null }, 'SO-20251109-1000': { held: true, owed: '600.00', duplicateOf: null } },
      JSON.stringify(batches),
    );
  }
});
