// The pure parts of health and reconciliation: the report's Markdown and its instant, CSV quoting,
// percentiles, the quantity comparison and what tickets say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../common/src/csv.js';
import { datesIn, percentile, total, type DayFigures } from '../subgraphs/order-link/src/health/metrics.js';
import { viewOf } from '../subgraphs/order-link/src/health/service.js';
import { renderMarkdown, reportAsOf } from '../subgraphs/order-link/src/health/report.js';
import { CLASS_LABEL, RECONCILIATION_CLASSES, reconciliationCsv, totalsOf, type ReconItem } from '../subgraphs/order-link/src/health/reconciliation.js';
import { compareQuantities, goodsLines, ticketFacts } from '../subgraphs/order-link/src/health/facts.js';
import type { SalesOrderLine, SkuRecord } from '#adapters/erp';
import type { Ticket } from '#adapters/crm';

const day = (date: string, over: Partial<DayFigures> = {}): DayFigures => ({
  date,
  orders: 1000,
  delivery: { decided: 800, onTime: 780, latenessHours: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
  inventory: { lines: 2000, matched: 1990, ordersShort: 8 },
  consistency: { count: 990, consistent: 950, byReason: { WAYBILL_WITHOUT_OUTBOUND: 10, NO_OUTBOUND: 5, OUTBOUND_UNREFERENCED: 10, QUANTITY_MISMATCH: 10, NO_WAYBILL: 5 } },
  interceptions: { orders: 120, byKind: { PRICE_FLOOR: 3, PROMISE_FEASIBILITY: 100 } },
  satisfaction: { count: 980, sum: 4802, atRisk: 30 },
  ...over,
});

test('percentiles are nearest-rank over sorted values; none for no values', () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(ten, 0.5), 5);
  assert.equal(percentile(ten, 0.9), 9);
  assert.equal(percentile([4], 0.9), 4);
  assert.equal(percentile([], 0.5), null);
});

test('a window covers every Beijing date it touches; totals are the sums of its days', () => {
  const from = Date.parse('2025-11-08T00:00:00+08:00');
  assert.deepEqual(datesIn(from, from + 2 * 86_400_000), ['2025-11-08', '2025-11-09']);
  assert.deepEqual(datesIn(from + 3_600_000, from + 25 * 3_600_000), ['2025-11-08', '2025-11-09']);
  const t = total([day('2025-11-08'), day('2025-11-09', { orders: 10 })]);
  assert.equal(t.orders, 1010);
  assert.equal(t.delivery.latenessHours.length, 20);
  assert.equal(t.interceptions.byKind.PRICE_FLOOR, 6);
  assert.equal(t.consistency.byReason.NO_WAYBILL, 10);
});

test("a day's report is as of 02:00 the next morning, or now when that is still to come", () => {
  const at2 = Date.parse('2025-11-10T02:00:00+08:00');
  assert.equal(reportAsOf('2025-11-09', Date.parse('2026-01-01T00:00:00Z')), at2);
  assert.equal(reportAsOf('2025-11-09', at2 - 60_000), at2 - 60_000);
});

test('the report is WeCom markdown within 4096 bytes, with every headline and every class found', () => {
  const scope = { from: Date.parse('2025-11-09T00:00:00+08:00'), to: Date.parse('2025-11-10T00:00:00+08:00'), region: null, storeCode: null, asOf: Date.parse('2025-11-10T02:00:00+08:00') };
  const items: ReconItem[] = RECONCILIATION_CLASSES.map((c, i) => ({ class: c, date: '2025-11-09', documents: [{ system: 'ERP', documentNo: `SO-20251109-00${i}`, role: 'ORDER' }], erpOrderNo: null, amountFen: 12345 * (i + 1), detail: { zh: '差异', en: 'difference' } }));
  const md = renderMarkdown('2025-11-09', viewOf(scope, [day('2025-11-09')]), { totals: totalsOf(items), asOf: scope.asOf });
  assert.ok(Buffer.byteLength(md, 'utf8') <= 4096);
  assert.match(md, /^# 订单健康日报 Order health · 2025-11-09\n> 截至 as of 2025-11-10 02:00/);
  assert.match(md, /准时交付 On-time\*\*: <font color="info">97\.5%<\/font>/);
  assert.match(md, /p50 5 h · p90 9 h/);
  assert.match(md, /库存匹配 Inventory match\*\*: <font color="info">99\.5%/);
  assert.match(md, /PROMISE_FEASIBILITY 100，PRICE_FLOOR 3/);
  for (const c of RECONCILIATION_CLASSES) assert.ok(md.includes(`${CLASS_LABEL[c].zh} ${CLASS_LABEL[c].en}: <font color="warning">1</font> 笔`), c);
  assert.match(md, /开票金额≠订单金额 Invoiced amount ≠ order amount: <font color="warning">1<\/font> 笔，¥246\.90/);
  const quiet = renderMarkdown('2025-11-09', viewOf(scope, [day('2025-11-09')]), { totals: totalsOf([]), asOf: scope.asOf });
  assert.match(quiet, /无差异 No differences/);
});

test('the CSV quotes what must be quoted, defuses formulas, and parses back', () => {
  const items: ReconItem[] = [
    {
      class: 'AMBIGUOUS_OUTBOUND',
      date: '2025-11-09',
      documents: [
        { system: 'WMS', documentNo: 'CK20251109-001', role: 'OUTBOUND' },
        { system: 'ERP', documentNo: 'SO-20251109-001', role: 'CANDIDATE_ORDER' },
        { system: 'ERP', documentNo: 'SO-20251109-002', role: 'CANDIDATE_ORDER' },
        { system: 'TMS', documentNo: 'SF100000001CN', role: 'WAYBILL' },
      ],
      erpOrderNo: null,
      amountFen: 100050,
      detail: { zh: '出库单没有订单号，"两个"订单符合', en: 'fits 2 orders, a person must decide\nplease' },
    },
    { class: 'WAYBILL_WITHOUT_OUTBOUND', date: '2025-11-09', documents: [{ system: 'TMS', documentNo: 'SF1CN', role: 'WAYBILL' }], erpOrderNo: null, amountFen: null, detail: { zh: '=HYPERLINK("x")', en: "-2+3+cmd|' /C calc'!A0" } },
    { class: 'INVOICE_AMOUNT_MISMATCH', date: '2025-11-09', documents: [{ system: 'ERP', documentNo: 'SO-20251109-003', role: 'ORDER' }], erpOrderNo: 'SO-20251109-003', amountFen: -1250, detail: { zh: '＝1+1', en: '+86 138 0000 0000' } },
  ];
  const csv = reconciliationCsv(items);
  assert.ok(csv.startsWith('\uFEFFclass,'));
  const rows = parseCsv(csv);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[1].slice(0, 9), ['AMBIGUOUS_OUTBOUND', '出库单对应多个订单无法确认', '2025-11-09', '', 'CK20251109-001', 'SF100000001CN', '', 'CANDIDATE_ORDER:SO-20251109-001 CANDIDATE_ORDER:SO-20251109-002', '1000.50']);
  assert.equal(rows[1][9], '出库单没有订单号，"两个"订单符合');
  assert.equal(rows[1][10], 'fits 2 orders, a person must decide\nplease');
  assert.equal(rows[2][8], '', 'no amount is an empty cell');
  assert.equal(rows[2][9], `'=HYPERLINK("x")`);
  assert.equal(rows[2][10], `'-2+3+cmd|' /C calc'!A0`);
  // A negative amount and a phone number stay what they are; a full-width = is a formula too.
  assert.deepEqual(rows[3].slice(8), ['-12.50', `'＝1+1`, '+86 138 0000 0000']);
  assert.ok(csv.endsWith('\r\n') && csv.split('\r\n').length === 5, 'CRLF after each of the 4 records, the line break inside quotes kept');
});

const sku = (code: string, isService = false, listPrice = '10.00'): SkuRecord => ({ code, name: code, nameEn: null, spec: code, category: 'x', unit: '个', listPrice, shelfLifeMonths: null, isService, gtin: null, leadTimeDays: null });
const line = (rowNo: number, skuCode: string, quantity: number, unitPrice = '5.00', remark: string | null = null): SalesOrderLine => ({ erpOrderNo: 'SO-1', rowNo, skuCode, quantity, unitPrice, amount: '0', remark });

test('quantities compare the goods ordered with what the outbound ships, SKU by SKU, at the order price', () => {
  const skus = new Map([sku('A'), sku('B'), sku('SVC', true), sku('X', false, '7.50')].map((s) => [s.code, s]));
  const goods = goodsLines([line(1, 'A', 4), line(2, 'SVC', 1), line(3, 'B', 2), line(4, 'A', 1), line(5, 'B', 1, '0.00', 'HUB-GIFT:R05')], skus);
  assert.deepEqual(goods.map((l) => l.rowNo), [1, 3, 4], 'services and the hub\'s gifts are not goods');
  const out = (skuCode: string, quantity: number, pickedQuantity: number | null = null) => ({ outboundNo: 'CK1', lineNo: 1, skuCode, batchNo: 'b', location: { code: 'F1-A01-S01', floor: 1, aisle: 1, shelf: 1 }, quantity, pickedQuantity });
  assert.deepEqual(compareQuantities(goods, [out('A', 3), out('A', 2), out('B', 2)], false, skus), { agree: true, amountFen: 0, differences: [] });
  const wrong = compareQuantities(goods, [out('A', 5, 4), out('B', 2), out('X', 1)], true, skus);
  assert.equal(wrong.agree, false);
  assert.deepEqual(wrong.differences, [
    { sku: 'A', ordered: 5, shipped: 4, amountFen: 500 },
    { sku: 'X', ordered: 0, shipped: 1, amountFen: 750 },
  ]);
  assert.equal(wrong.amountFen, 1250);
});

test('tickets give returns and exchanges and the mean hours to the first agent reply', () => {
  const t = (type: Ticket['type'], openedAt: string, replyAt: string | null): Ticket => ({
    ticketNo: 'T1',
    orderRef: 'SO-1',
    customerCode: 'C1',
    type,
    status: 'CLOSED',
    title: '',
    openedAt,
    closedAt: '2025-11-09T20:00:00+08:00',
    satisfaction: null,
    transcript: [{ speaker: 'CUSTOMER', at: openedAt, text: '?' }, ...(replyAt ? [{ speaker: 'AGENT' as const, at: replyAt, text: '!' }] : [])],
  });
  assert.deepEqual(ticketFacts([], 0), { tickets: 0, returns_exchanges: 0, response_hours: null });
  const facts = ticketFacts([t('RETURN', '2025-11-09T10:00:00+08:00', '2025-11-09T10:30:00+08:00'), t('INQUIRY', '2025-11-09T10:00:00+08:00', '2025-11-09T11:30:00+08:00'), t('EXCHANGE', '2025-11-09T12:00:00+08:00', null)], 0);
  assert.equal(facts.tickets, 3);
  assert.equal(facts.returns_exchanges, 2);
  // 0.5 h, 1.5 h, and 8 h for the one never answered (until it was closed).
  assert.equal(facts.response_hours, 3.3333);
});
