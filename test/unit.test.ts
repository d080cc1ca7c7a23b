// Pure logic where a mistake would be silent: numbering variants, Beijing time, money, lifecycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyDocumentNo, normalizeErpOrderNo, normalizeOutboundNo, normalizeWaybillNo } from '../common/src/docno.js';
import { beijingToIso, parseBeijing, parseIsoInstant, toIsoBeijing } from '../common/src/time.js';
import { formatFen, money, toFen } from '../common/src/money.js';
import { computeLifecycle } from '../subgraphs/order-link/src/lifecycle.js';
import { parseBin } from '#adapters/wms';
import { skuSignature } from '../subgraphs/order-link/src/linking/records.js';

test('ERP order numbers are normalized from the variants clerks type', () => {
  for (const variant of ['SO-20251108-001', 'SO20251108001', 'so-20251108-001', ' SO-20251108-001 ', 'SO20251108-001', 'SO-20251108-1']) {
    assert.equal(normalizeErpOrderNo(variant), 'SO-20251108-001', variant);
  }
  assert.equal(normalizeErpOrderNo('SO-20251108-1234'), 'SO-20251108-1234');
  assert.equal(normalizeErpOrderNo('SO2025110'), null);
  assert.equal(normalizeErpOrderNo(''), null);
  assert.equal(normalizeErpOrderNo(null), null);
});

test('outbound and waybill numbers are recognised and told apart', () => {
  assert.equal(normalizeOutboundNo('ck20251108001'), 'CK20251108-001');
  assert.equal(normalizeWaybillNo('sf123456789cn'), 'SF123456789CN');
  assert.deepEqual(classifyDocumentNo('OH0000000042'), { kind: 'ORDER', canonical: 'OH0000000042' });
  assert.deepEqual(classifyDocumentNo('SO20251108001'), { kind: 'ERP', canonical: 'SO-20251108-001' });
  assert.deepEqual(classifyDocumentNo('CK20251108-001'), { kind: 'WMS', canonical: 'CK20251108-001' });
  assert.deepEqual(classifyDocumentNo('JD100000001CN'), { kind: 'TMS', canonical: 'JD100000001CN' });
  assert.equal(classifyDocumentNo("1' OR '1'='1"), null);
  assert.deepEqual(classifyDocumentNo('ＳＯ２０２５１１０８００１'), { kind: 'ERP', canonical: 'SO-20251108-001' }, 'full-width, as an IME types it');
  assert.equal(classifyDocumentNo('SO-20251399-001'), null, 'no such date');
  assert.equal(classifyDocumentNo('CK20250230-001'), null, 'no such date');
  assert.equal(classifyDocumentNo('SO\u200B-20251108-001'), null, 'a zero-width space is not ignored');
  assert.equal(classifyDocumentNo('hello'), null);
});

test('Beijing wall-clock strings become ISO 8601 instants with +08:00', () => {
  assert.equal(beijingToIso('2025-11-08 14:03:00'), '2025-11-08T14:03:00+08:00');
  assert.equal(parseBeijing('2025-11-08 00:30:00'), Date.parse('2025-11-07T16:30:00Z'));
  assert.equal(beijingToIso('2025/11/08 23:59:59'), '2025-11-08T23:59:59+08:00');
  assert.equal(toIsoBeijing(Date.parse('2025-11-08T16:30:00Z')), '2025-11-09T00:30:00+08:00');
  assert.equal(beijingToIso(null), null);
  assert.throws(() => parseBeijing('08/11/2025'));
  assert.equal(parseIsoInstant('2025-11-08'), Date.parse('2025-11-07T16:00:00Z'));
  assert.equal(parseIsoInstant('2025-11-08T10:00:00Z'), Date.parse('2025-11-08T10:00:00Z'));
  assert.equal(parseIsoInstant('yesterday'), null);
  assert.equal(parseIsoInstant('2025-11-08T10:00:00'), null, 'an instant without offset is ambiguous');
  assert.equal(parseIsoInstant('2025-02-30'), null, 'no 30 February');
  assert.equal(parseIsoInstant('2025-11-08T25:00:00+08:00'), null);
  assert.equal(parseIsoInstant('2025-11-08T10:00:00+25:00'), null);
  assert.equal(parseIsoInstant('2025-11-08T10:00:00.5+08:00'), Date.parse('2025-11-08T02:00:00.500Z'));
  assert.equal(parseIsoInstant('2025-11-08T10:00:00-05:30'), Date.parse('2025-11-08T15:30:00Z'));
  assert.throws(() => parseBeijing('2025-02-29 00:00:00'), /not a real/);
});

test('money is exact: decimal strings and integer fen, never float arithmetic', () => {
  assert.equal(toFen('0.1'), 10);
  assert.equal(toFen(0.1 + 0.2), 30);
  assert.equal(toFen('1234.5'), 123450);
  assert.equal(toFen('12.3450'), 1235);
  assert.equal(formatFen(123450), '1234.50');
  assert.equal(formatFen(-5), '-0.05');
  assert.equal(money('86'), '86.00');
  assert.throws(() => toFen('12,50'));
});

test('a node proven by a later one but never recorded is reported missing', () => {
  const lc = computeLifecycle({
    cancelled: false,
    times: { PAID: 1, SHIPPED_OUT: 3, SIGNED: 6 },
    documents: { ERP: 'SO-20251108-001', WMS: 'CK20251108-001', TMS: 'SF100000001CN' },
  });
  assert.equal(lc.status, 'SIGNED');
  assert.deepEqual(lc.missing, ['PICKING', 'IN_TRANSIT', 'OUT_FOR_DELIVERY']);
  assert.deepEqual(
    lc.nodes.map((n) => [n.stage, n.reached, n.recorded]),
    [
      ['PAID', true, true],
      ['PICKING', true, false],
      ['SHIPPED_OUT', true, true],
      ['IN_TRANSIT', true, false],
      ['OUT_FOR_DELIVERY', true, false],
      ['SIGNED', true, true],
      ['COMPLETED', false, false],
    ],
  );
  assert.equal(computeLifecycle({ cancelled: false, times: {}, documents: { ERP: 'x', WMS: null, TMS: null } }).status, 'CREATED');
  assert.equal(computeLifecycle({ cancelled: true, times: { PAID: 1 }, documents: { ERP: 'x', WMS: null, TMS: null } }).status, 'CANCELLED');
});

test('bin codes split into floor, aisle and shelf; SKU signatures ignore order and case', () => {
  assert.deepEqual(parseBin('F2-A03-S05'), { code: 'F2-A03-S05', floor: 2, aisle: 3, shelf: 5 });
  assert.throws(() => parseBin('2-3-5'));
  assert.equal(skuSignature(['BRG-N204', 'fld-dot4-1l']), skuSignature(['FLD-DOT4-1L', 'BRG-N204', 'BRG-N204']));
  assert.notEqual(skuSignature(['BRG-N204']), skuSignature(['BRG-6205']));
});
