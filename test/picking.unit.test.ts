// Pick-by-scan logic without a database: scan parsing (GS1, GTIN, warehouse label), pick routes, FEFO.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GS, gs1Century, gtinCheckDigitValid, parseScan, toGtin14, type ScanResult } from '../subgraphs/fulfilment/src/picking/gs1.js';
import {
  AISLE_SPACING_M,
  LIFT_RIDE_M,
  SHELF_PITCH_M,
  planRoute,
  routeLength,
  sShapeLength,
  sShapeRoute,
  walkDistance,
  type PickStop,
  type PlannedRoute,
  type Position,
} from '../subgraphs/fulfilment/src/picking/route.js';
import { allocateFefo, compareFefo, type AllocationResult, type StockLot } from '#adapters/wms';
import { addMonths } from '../common/src/time.js';
import { parseBin } from '#adapters/wms';
import { Random } from '../legacy-sim/src/random.js';

const Y = { referenceYear: 2025 };

function ok(result: ScanResult) {
  assert.equal(result.ok, true, JSON.stringify(result));
  if (!result.ok) throw new Error('unreachable');
  return result;
}

function failure(result: ScanResult, reason: string) {
  assert.equal(result.ok, false, `expected ${reason}, got ${JSON.stringify(result)}`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.reason, reason, result.detail);
  assert.ok(result.detail.length > 0);
  return result;
}

// ---- GS1 and scans --------------------------------------------------------------------------------

test('a human-readable GS1 string gives GTIN, batch, expiry and count', () => {
  assert.deepEqual(parseScan('(01)04582132012046(10)202510A(17)271031(30)12', Y), {
    ok: true,
    format: 'GS1',
    gtin: '04582132012046',
    batchNo: '202510A',
    expiresOn: '2027-10-31',
    quantity: 12,
  });
});

test('the raw GS1 form with FNC1 as GS reads the same as the bracketed form', () => {
  const raw = `0104582132012046` + `10202510A${GS}` + `17271031` + `3012`;
  const { symbology, ...withoutPrefix } = ok(parseScan(`]C1${raw}`, Y));
  assert.equal(symbology, ']C1');
  assert.deepEqual(withoutPrefix, ok(parseScan('(01)04582132012046(10)202510A(17)271031(30)12', Y)));
  assert.deepEqual(parseScan(raw, Y), withoutPrefix, 'no symbology identifier');
});

test('every GS1 symbology identifier is accepted and reported', () => {
  const raw = `0104582132012046172710311012A${GS}2100042`;
  for (const prefix of [']C1', ']d2', ']Q3', ']e0', ']J1']) {
    const scan = ok(parseScan(prefix + raw, Y));
    assert.equal(scan.symbology, prefix);
    assert.equal(scan.gtin, '04582132012046');
    assert.equal(scan.batchNo, '12A');
    assert.equal(scan.serial, '00042');
    assert.equal(scan.expiresOn, '2027-10-31');
  }
});

test('fixed-length AIs need no separator; a variable one ends at GS or the end', () => {
  // 01 and 17 are predefined-length, so 10 can follow 17 directly and run to the end.
  assert.equal(ok(parseScan('01045821320120461727103110202510A', Y)).batchNo, '202510A');
  // A variable field followed by another needs the GS: batch, then serial.
  const scan = ok(parseScan(`10LOT-7${GS}21SN0001${GS}3099999999`, Y));
  assert.equal(scan.batchNo, 'LOT-7');
  assert.equal(scan.serial, 'SN0001');
  assert.equal(scan.quantity, 99999999);
  // A GS after a fixed-length field is redundant but harmless.
  assert.equal(ok(parseScan(`0104582132012046${GS}17271031${GS}10A`, Y)).batchNo, 'A');
});

test('FNC1 in first position, doubled or trailing GS and scanner CR/LF are tolerated', () => {
  const expected = ok(parseScan('(01)04582132012046(10)202510A', Y));
  for (const raw of [
    `${GS}0104582132012046${GS}10202510A`,
    `]C1${GS}0104582132012046${GS}${GS}10202510A${GS}`,
    `0104582132012046${GS}10202510A\r\n`,
    `  0104582132012046${GS}10202510A\t`,
  ]) {
    const { symbology: _s, ...scan } = ok(parseScan(raw, Y));
    assert.deepEqual(scan, expected, JSON.stringify(raw));
  }
});

test('blanks around bracketed AIs are tolerated; lower-case batch letters are kept', () => {
  const scan = ok(parseScan(' (01) 04582132012046 (10) 2025l0a (17) 271031 ', Y));
  assert.equal(scan.batchNo, '2025l0a');
  assert.equal(scan.expiresOn, '2027-10-31');
  assert.equal(ok(parseScan(`0104582132012046${GS}10abc`, Y)).batchNo, 'abc');
});

test('each supported AI lands in its field', () => {
  assert.equal(ok(parseScan('(00)106141411234567897', Y)).sscc, '106141411234567897');
  assert.deepEqual(parseScan('(02)04582132012046(37)48(10)202510A', Y), {
    ok: true,
    format: 'GS1',
    contentGtin: '04582132012046',
    quantity: 48,
    batchNo: '202510A',
  });
  assert.deepEqual(parseScan(`]d2010404702501001611250315152703311721033110202503B${GS}21X9`, Y), {
    ok: true,
    format: 'GS1',
    symbology: ']d2',
    gtin: '04047025010016',
    producedOn: '2025-03-15',
    bestBefore: '2027-03-31',
    expiresOn: '2021-03-31',
    batchNo: '202503B',
    serial: 'X9',
  });
  assert.equal(ok(parseScan('(01)14582132012043(30)3', Y)).gtin, '14582132012043', 'a GTIN-14 with packaging indicator 1');
});

test('expiry day 00 means the last day of the month; production day 00 the first', () => {
  assert.equal(ok(parseScan('(17)271000', Y)).expiresOn, '2027-10-31');
  assert.equal(ok(parseScan('(17)270200', Y)).expiresOn, '2027-02-28');
  assert.equal(ok(parseScan('(17)280200', Y)).expiresOn, '2028-02-29', 'leap year');
  assert.equal(ok(parseScan('(17)270400', Y)).expiresOn, '2027-04-30');
  assert.equal(ok(parseScan('(15)261200', Y)).bestBefore, '2026-12-31');
  assert.equal(ok(parseScan('(11)251000', Y)).producedOn, '2025-10-01');
});

test('two-digit years follow the GS1 sliding window around the reference year', () => {
  // 2025: from 50 years ahead back to 49 years behind → 1976…2075.
  assert.equal(gs1Century(75, 2025), 2075);
  assert.equal(gs1Century(76, 2025), 1976);
  assert.equal(gs1Century(0, 2025), 2000);
  assert.equal(gs1Century(30, 2080), 2130);
  assert.equal(gs1Century(99, 2001), 1999);
  assert.equal(ok(parseScan('(17)750101', Y)).expiresOn, '2075-01-01');
  assert.equal(ok(parseScan('(11)991231', Y)).producedOn, '1999-12-31');
});

test('impossible dates are BAD_DATE', () => {
  for (const raw of ['(17)271301', '(17)270230', '(17)271032', '(11)250000', ']C117270431', '(17)27AB31', `1727O131${GS}`]) {
    failure(parseScan(raw, Y), 'BAD_DATE');
  }
});

test('8, 12, 13 or 14 bare digits are a GTIN unless a GS1 symbology identifier says otherwise', () => {
  // "17271031" could be an EAN-8 or a lone expiry date; only the scanner's prefix can tell.
  failure(parseScan('17271031', Y), 'BAD_CHECK_DIGIT');
  assert.equal(ok(parseScan(']C117271031', Y)).expiresOn, '2027-10-31');
  assert.equal(ok(parseScan(`${GS}17271031`, Y)).expiresOn, '2027-10-31', 'FNC1 in first position marks GS1 too');
});

test('an unknown AI is an error, never skipped, in either form', () => {
  failure(parseScan('(99)ABC', Y), 'UNKNOWN_AI');
  failure(parseScan('(01)04582132012046(3103)000500', Y), 'UNKNOWN_AI');
  failure(parseScan('01045821320120463103000500', Y), 'UNKNOWN_AI');
  failure(parseScan(`]C1${GS}4200310`, Y), 'UNKNOWN_AI');
  failure(parseScan(`10202510A${GS}99XYZ`, Y), 'UNKNOWN_AI');
});

test('malformed GS1 strings are refused with a detail', () => {
  for (const raw of [
    '(01)0458213201204', // 13 digits in a 14-digit AI
    '(01)045821320120461', // 15
    '010458213201204', // raw and truncated
    '(01)04582132012046(10)', // empty batch
    `0104582132012046${GS}10${GS}17271031`, // empty batch between separators
    '(10)123456789012345678901', // batch over 20
    '(10)AB CD', // a blank inside a value
    '(10)批号', // outside GS1's character set
    '(1)23', // a one-digit AI
    '(01)ABCDEFGHIJKLMN',
    '04582132012046(10)X',
    ']C1',
    'hello',
    '12345', // too short for a GTIN, not a GS1 string either
  ]) {
    const r = parseScan(raw, Y);
    assert.equal(r.ok, false, `${JSON.stringify(raw)} → ${JSON.stringify(r)}`);
  }
  failure(parseScan('(01)0458213201204', Y), 'MALFORMED');
  failure(parseScan('(10)123456789012345678901', Y), 'MALFORMED');
  failure(parseScan('hello', Y), 'MALFORMED');
});

test('check digits are verified for GTIN, content GTIN and SSCC', () => {
  failure(parseScan('4582132012047', Y), 'BAD_CHECK_DIGIT');
  failure(parseScan('(01)04582132012047(10)A', Y), 'BAD_CHECK_DIGIT');
  failure(parseScan('(02)04582132012047(37)5', Y), 'BAD_CHECK_DIGIT');
  failure(parseScan('(00)106141411234567890', Y), 'BAD_CHECK_DIGIT');
  failure(parseScan(']E04582132012040', Y), 'BAD_CHECK_DIGIT');
});

test('counts must be 1 to 8 digits and not zero', () => {
  failure(parseScan('(30)123456789', Y), 'BAD_QUANTITY');
  failure(parseScan('(30)0', Y), 'BAD_QUANTITY');
  failure(parseScan('(37)1A', Y), 'BAD_QUANTITY');
  assert.equal(ok(parseScan('(37)00000012', Y)).quantity, 12);
});

test('an AI repeated with another value, or contradicting AIs, is CONFLICTING_AI', () => {
  failure(parseScan('(10)A(10)B', Y), 'CONFLICTING_AI');
  assert.equal(ok(parseScan('(10)A(10)A', Y)).batchNo, 'A', 'the same value twice is allowed');
  failure(parseScan('(01)04582132012046(02)04582132012046', Y), 'CONFLICTING_AI');
  failure(parseScan('(02)04582132012046(30)1(37)1', Y), 'CONFLICTING_AI');
});

test('a bare product barcode is a GTIN normalized to 14 digits, without batch', () => {
  assert.deepEqual(parseScan('4582132012046', Y), { ok: true, format: 'GTIN', gtin: '04582132012046' });
  assert.deepEqual(parseScan('04582132012046\r\n', Y), { ok: true, format: 'GTIN', gtin: '04582132012046' });
  assert.equal(ok(parseScan('036000291452', Y)).gtin, '00036000291452', 'UPC-A');
  assert.equal(ok(parseScan('96385074', Y)).gtin, '00000096385074', 'EAN-8');
  assert.deepEqual(parseScan(']E04582132012046', Y), { ok: true, format: 'GTIN', gtin: '04582132012046', symbology: ']E0' });
  failure(parseScan(']E0WMS|A|B', Y), 'MALFORMED');
});

test('gtinCheckDigitValid and toGtin14 handle every GTIN length and refuse the rest', () => {
  assert.equal(gtinCheckDigitValid('4582132012046'), true);
  assert.equal(gtinCheckDigitValid('04582132012046'), true);
  assert.equal(gtinCheckDigitValid('96385074'), true);
  assert.equal(gtinCheckDigitValid('4582132012045'), false);
  assert.equal(gtinCheckDigitValid('458213201204'), false, '12 digits, wrong check');
  assert.equal(gtinCheckDigitValid('45821320120'), false, '11 digits is no GTIN');
  assert.equal(gtinCheckDigitValid('458213201204X'), false);
  assert.equal(gtinCheckDigitValid(''), false);
  assert.equal(toGtin14('4582132012046'), '04582132012046');
  assert.equal(toGtin14(' 96385074 '), '00000096385074');
  assert.equal(toGtin14('14582132012043'), '14582132012043');
  assert.equal(toGtin14('123'), null);
  assert.equal(toGtin14('45821320120AB'), null);
});

test('the warehouse label WMS|sku|batch|qty is read, qty optional', () => {
  assert.deepEqual(parseScan('WMS|BRG-N204|202510A|12', Y), {
    ok: true,
    format: 'WAREHOUSE_LABEL',
    skuCode: 'BRG-N204',
    batchNo: '202510A',
    quantity: 12,
  });
  assert.deepEqual(parseScan('WMS|FLD-DOT4-1L|202503B\r\n', Y), { ok: true, format: 'WAREHOUSE_LABEL', skuCode: 'FLD-DOT4-1L', batchNo: '202503B' });
  assert.deepEqual(parseScan('WMS|FLT-W712|202510A|', Y), { ok: true, format: 'WAREHOUSE_LABEL', skuCode: 'FLT-W712', batchNo: '202510A' });
  const lower = ok(parseScan('wms|oil-m1-0w20|202510a|2', Y));
  assert.equal(lower.skuCode, 'OIL-M1-0W20', 'SKU codes are upper case in ERP');
  assert.equal(lower.batchNo, '202510a', 'batch kept as printed');
  assert.equal(ok(parseScan(']C0WMS|BRG-6205|202509A|1', Y)).symbology, ']C0');
});

test('a broken warehouse label is refused', () => {
  failure(parseScan('WMS|BRG-N204', Y), 'MALFORMED');
  failure(parseScan('WMS|BRG-N204||3', Y), 'MALFORMED');
  failure(parseScan('WMS||202510A|3', Y), 'MALFORMED');
  failure(parseScan('WMS|BRG N204|202510A', Y), 'MALFORMED');
  failure(parseScan('WMS|BRG-N204|202510A|3|X', Y), 'MALFORMED');
  failure(parseScan('WMS|BRG-N204|123456789012345678901', Y), 'MALFORMED');
  failure(parseScan('WMS|BRG-N204|202510A|0', Y), 'BAD_QUANTITY');
  failure(parseScan('WMS|BRG-N204|202510A|-3', Y), 'BAD_QUANTITY');
  failure(parseScan('WMS|BRG-N204|202510A|123456789', Y), 'BAD_QUANTITY');
  failure(parseScan('WMS|BRG-N204|202510A|1.5', Y), 'BAD_QUANTITY');
});

test('empty and oversized scans are refused early', () => {
  failure(parseScan('', Y), 'EMPTY');
  failure(parseScan(' \r\n\t', Y), 'EMPTY');
  failure(parseScan(undefined as unknown as string, Y), 'EMPTY');
  failure(parseScan('(10)' + 'A'.repeat(600), Y), 'TOO_LONG');
  const started = performance.now();
  failure(parseScan('1'.repeat(5_000_000), Y), 'TOO_LONG');
  assert.ok(performance.now() - started < 500);
  // A few hundred characters of valid data are fine.
  const long = Array.from({ length: 15 }, () => `10ABCDEFGHIJKLMNOPQRST${GS}`).join('');
  assert.equal(ok(parseScan(long, Y)).batchNo, 'ABCDEFGHIJKLMNOPQRST');
});

const catalog = readFileSync(new URL('../legacy-sim/data/catalog.csv', import.meta.url), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((line) => line.split(','))
  .map((cols) => ({ code: cols[0], gtin: cols[9] }))
  .filter((item) => item.gtin);

test('every GTIN in the catalog is valid and round-trips through every scan form', () => {
  assert.ok(catalog.length >= 30, `catalog has ${catalog.length} GTINs`);
  for (const { code, gtin } of catalog) {
    assert.equal(gtin.length, 14, code);
    assert.equal(gtinCheckDigitValid(gtin), true, `${code} ${gtin}`);
    assert.equal(toGtin14(gtin.replace(/^0/, '')), gtin);
    assert.equal(ok(parseScan(gtin, Y)).gtin, gtin, code);
    assert.equal(ok(parseScan(gtin.slice(1), Y)).gtin, gtin, `${code} as GTIN-13`);
    const hri = ok(parseScan(`(01)${gtin}(10)202510A(17)270600`, Y));
    assert.deepEqual([hri.gtin, hri.batchNo, hri.expiresOn], [gtin, '202510A', '2027-06-30'], code);
    const raw = ok(parseScan(`]d201${gtin}10202510A${GS}17270600\r`, Y));
    assert.deepEqual([raw.gtin, raw.batchNo, raw.expiresOn], [gtin, '202510A', '2027-06-30'], code);
    const wrong = gtin.slice(0, 13) + String((Number(gtin[13]) + 1) % 10);
    failure(parseScan(wrong, Y), 'BAD_CHECK_DIGIT');
    failure(parseScan(`(01)${wrong}`, Y), 'BAD_CHECK_DIGIT');
  }
});

test('parseScan never throws, whatever the scanner sends', () => {
  const rng = new Random(4711);
  const alphabet = `0123456789()|${GS}]CdQeWMSwms ABZaz-/.\r\n\u0000批`;
  for (let i = 0; i < 2000; i++) {
    const length = rng.int(0, 60);
    let s = '';
    for (let k = 0; k < length; k++) s += alphabet[rng.int(0, alphabet.length - 1)];
    const r = parseScan(s, Y);
    assert.equal(typeof r.ok, 'boolean');
    if (r.ok && r.gtin) assert.equal(gtinCheckDigitValid(r.gtin), true);
  }
});

// ---- routes ---------------------------------------------------------------------------------------

const stop = (key: string, floor: number, aisle: number, shelf: number): PickStop => ({ key, floor, aisle, shelf });
const near = (actual: number, expected: number, message?: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${message ?? ''} expected ${expected}, got ${actual}`);

test('the layout constants are 3 m between aisles, 1.2 m between shelves, 30 m per lift ride', () => {
  assert.equal(AISLE_SPACING_M, 3);
  assert.equal(SHELF_PITCH_M, 1.2);
  assert.equal(LIFT_RIDE_M, 30);
});

test('walking distance takes the shorter cross-aisle and the lift between floors', () => {
  const layout = { shelvesPerAisle: 10 }; // back cross-aisle at "shelf" 11 = 13.2 m
  const p = (floor: number, aisle: number, shelf: number): Position => ({ floor, aisle, shelf });
  near(walkDistance(p(1, 2, 3), p(1, 2, 9), layout), 6 * 1.2);
  near(walkDistance(p(1, 1, 2), p(1, 3, 1), layout), 2 * 3 + (2 + 1) * 1.2, 'via the front');
  near(walkDistance(p(1, 1, 9), p(1, 3, 10), layout), 2 * 3 + (2 + 1) * 1.2, 'via the back');
  near(walkDistance(p(1, 1, 0), p(1, 4, 11), layout), 3 * 3 + 11 * 1.2, 'front of 1 to back of 4');
  near(walkDistance(p(1, 2, 1), p(3, 1, 2), layout), 3 + 1.2 + 30 + 2.4, 'to the lift, up, out');
  assert.throws(() => walkDistance(p(1, 1, 12), p(1, 1, 1), layout), RangeError);
});

test('a small floor is routed to the hand-computed optimum, far shorter than the S-shape', () => {
  // 4 aisles of 10 shelves: aisle length (10 + 1) × 1.2 = 13.2 m, aisles 3 m apart.
  const stops = [stop('A1', 1, 1, 2), stop('A2', 1, 2, 1), stop('A3', 1, 3, 10), stop('A4', 1, 4, 3), stop('A3b', 1, 3, 10)];
  const layout = { shelvesPerAisle: 10, aislesPerFloor: 4 };

  // S-shape: up 1, down 2, up 3, down 4, back along the front:
  //   4 × 13.2 (aisles) + 3 (back 1→2) + 3 (front 2→3) + 3 (back 3→4) + 9 (front 4→1) = 70.8
  const s = sShapeRoute(stops, layout);
  assert.deepEqual(s.order, ['A1', 'A2', 'A3', 'A3b', 'A4']);
  near(s.lengthMeters, 70.8);
  near(sShapeLength(stops, layout), 70.8);
  assert.equal(s.method, 'S_SHAPE');

  // Optimum: traverse aisles 1 and 4 only; reach A3 (shelf 10) from the back, A2 (shelf 1) from the front:
  //   up aisle 1 picking A1: 13.2; back 1→3: 6; A3 and back: 2 × 1.2 = 2.4; back 3→4: 3;
  //   down aisle 4 picking A4: 13.2; front 4→2: 6; A2 and back: 2 × 1.2 = 2.4; front 2→1: 3
  //   = 13.2 + 6 + 2.4 + 3 + 13.2 + 6 + 2.4 + 3 = 49.2
  // Next best (traverse 2 and 4, or 3 and 4) is 51.6; all from the front is 56.4. Walked the
  // other way round it is as long; A1 (2.4 m from the depot) is nearer than A2 (4.2 m), so it is first.
  const r = planRoute(stops, layout);
  assert.deepEqual(r.order, ['A1', 'A3', 'A3b', 'A4', 'A2']);
  near(r.lengthMeters, 49.2);
  assert.equal(r.method, 'OPTIMAL');
  assert.deepEqual(r.perFloor, [{ floor: 1, lengthMeters: 49.2, method: 'OPTIMAL' }]);
  assert.deepEqual(
    r.path.map((w) => [w.aisle, w.shelf, w.picks.join('+')]),
    [[1, 0, ''], [1, 2, 'A1'], [1, 11, ''], [3, 11, ''], [3, 10, 'A3+A3b'], [3, 11, ''], [4, 11, ''], [4, 3, 'A4'], [4, 0, ''], [2, 0, ''], [2, 1, 'A2'], [2, 0, ''], [1, 0, '']],
  );
  near(routeLength(r.path, layout), 49.2, 'the reported length is the length of the path');
});

test('an aisle with picks near both ends is entered from both cross-aisles (largest gap)', () => {
  const layout = { shelvesPerAisle: 10 };
  const stops = [stop('a', 1, 1, 5), stop('front', 1, 2, 1), stop('back', 1, 2, 10), stop('c', 1, 3, 5)];
  // Traverse aisles 1 and 3; aisle 2 is reached from the back for shelf 10 and from the front for
  // shelf 1, leaving out the 9-shelf gap between them:
  //   13.2 (aisle 1) + 3 + 2.4 (spur to shelf 10) + 3 + 13.2 (aisle 3) + 3 + 2.4 (spur to shelf 1) + 3 = 43.2
  // S-shape: 13.2 + 3 + 13.2 + 3 + 2 × 6 (aisle 3 in and out) + 6 = 50.4. The pick nearest the
  // depot, `front` (3 + 1.2 = 4.2 m; `a` is 6 m), comes first.
  const r = planRoute(stops, layout);
  near(r.lengthMeters, 43.2);
  assert.deepEqual(r.order, ['front', 'c', 'back', 'a']);
  near(sShapeLength(stops, layout), 50.4);
});

test('picks in a single aisle are walked in and out from the front', () => {
  const stops = [stop('x', 1, 1, 7), stop('y', 1, 1, 2)];
  const r = planRoute(stops, { shelvesPerAisle: 20 });
  assert.deepEqual(r.order, ['y', 'x']);
  near(r.lengthMeters, 2 * 7 * 1.2);
  near(sShapeLength(stops, { shelvesPerAisle: 20 }), 2 * 7 * 1.2, 'odd number of aisles: in and back');
});

test('the S-shape enters the last of an odd number of aisles from the front and returns', () => {
  const layout = { shelvesPerAisle: 10 };
  const s = sShapeRoute([stop('a', 1, 1, 5), stop('b', 1, 2, 5), stop('c', 1, 5, 4)], layout);
  // up 1 (13.2), back 1→2 (3), down 2 (13.2), front 2→5 (9), into 5 to shelf 4 and out (9.6), front 5→1 (12)
  near(s.lengthMeters, 13.2 + 3 + 13.2 + 9 + 9.6 + 12);
  assert.deepEqual(s.order, ['a', 'b', 'c']);
});

test('stops in one bin are picked together, in the order given', () => {
  const stops = [stop('l1', 1, 3, 4), stop('l2', 1, 1, 9), stop('l3', 1, 3, 4), stop('l4', 1, 2, 2), stop('l5', 1, 3, 4)];
  for (const r of [planRoute(stops, { shelvesPerAisle: 12 }), sShapeRoute(stops, { shelvesPerAisle: 12 })]) {
    const at = r.order.indexOf('l1');
    assert.deepEqual(r.order.slice(at, at + 3), ['l1', 'l3', 'l5']);
    assert.equal(r.path.filter((w) => w.picks.length > 0).length, 3, 'three bins, three stops');
  }
});

test('floors are visited in ascending order, with a lift ride per change and one back down', () => {
  const layout = { shelvesPerAisle: 20 };
  const stops = [stop('up3', 3, 2, 1), stop('up2', 2, 1, 5)];
  const r = planRoute(stops, layout);
  assert.deepEqual(r.order, ['up2', 'up3']);
  // floor 2: aisle 1 to shelf 5 and back = 12; floor 3: to aisle 2 and shelf 1 and back = 2 × (3 + 1.2) = 8.4;
  // lift rides 1→2, 2→3, 3→1 = 3 × 30
  near(r.lengthMeters, 12 + 8.4 + 90);
  assert.deepEqual(r.perFloor.map((f) => [f.floor, f.lengthMeters]), [[2, 12], [3, 8.4]]);
  assert.deepEqual(r.path[0], { floor: 1, aisle: 1, shelf: 0, picks: [] });
  assert.deepEqual(r.path[r.path.length - 1], { floor: 1, aisle: 1, shelf: 0, picks: [] });
  near(routeLength(r.path, layout), r.lengthMeters);

  // Starting on floor 2, that floor comes first; the others follow in ascending order.
  const fromTwo = planRoute([stop('f3', 3, 1, 1), stop('f1', 1, 1, 1), stop('f2', 2, 1, 1)], layout, { startFloor: 2, liftRideM: 10 });
  assert.deepEqual(fromTwo.order, ['f2', 'f1', 'f3']);
  near(fromTwo.lengthMeters, 3 * 2.4 + 3 * 10);
});

test('an empty pick list is an empty route', () => {
  assert.deepEqual(planRoute([], { shelvesPerAisle: 20 }), { order: [], path: [], lengthMeters: 0, method: 'OPTIMAL', perFloor: [] });
});

test('stops outside the layout or with a repeated key are refused', () => {
  const layout = { shelvesPerAisle: 20, aislesPerFloor: 12 };
  assert.throws(() => planRoute([stop('a', 1, 1, 0)], layout), RangeError);
  assert.throws(() => planRoute([stop('a', 1, 1, 21)], layout), RangeError);
  assert.throws(() => planRoute([stop('a', 1, 13, 1)], layout), /aisle 13/);
  assert.throws(() => planRoute([stop('a', 0, 1, 1)], layout), RangeError);
  assert.throws(() => planRoute([stop('a', 1, 1.5, 1)], layout), RangeError);
  assert.throws(() => planRoute([stop('a', 1, 1, 1), stop('a', 1, 2, 2)], layout), /twice/);
  assert.throws(() => planRoute([stop('a', 1, 1, 1)], { shelvesPerAisle: 0 }), RangeError);
});

test('bins of a WMS pick list route directly from their loc codes', () => {
  const stops = ['F1-A03-S05', 'F2-A01-S20', 'F1-A12-S18', 'F1-A03-S05'].map((code, i) => ({ key: `${i}`, ...parseBin(code) }));
  const r = planRoute(stops, { shelvesPerAisle: 20, aislesPerFloor: 12 }); // WH-SH01
  assert.deepEqual([...r.order].sort(), ['0', '1', '2', '3']);
  assert.ok(r.lengthMeters <= sShapeLength(stops, { shelvesPerAisle: 20 }));
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/** The shortest closed walk from the depot of floor 1 through the bins of one floor, by trying every order. */
function bruteForce(bins: Position[], layout: { shelvesPerAisle: number }): number {
  const depot = { floor: bins[0].floor, aisle: 1, shelf: 0 };
  let best = Infinity;
  for (const order of permutations(bins)) best = Math.min(best, routeLength([depot, ...order, depot], layout));
  return best;
}

function checkWalk(r: PlannedRoute, stops: PickStop[], back: number) {
  // Every stop exactly once, picked where it is.
  assert.deepEqual([...r.order].sort(), stops.map((s) => s.key).sort());
  const byKey = new Map(stops.map((s) => [s.key, s]));
  for (const w of r.path) for (const key of w.picks) assert.deepEqual([w.floor, w.aisle, w.shelf], [byKey.get(key)!.floor, byKey.get(key)!.aisle, byKey.get(key)!.shelf]);
  // A real walk: each leg runs along one aisle or one cross-aisle, and floors change at the lift.
  for (let i = 1; i < r.path.length; i++) {
    const [a, b] = [r.path[i - 1], r.path[i]];
    if (a.floor !== b.floor) assert.ok(a.aisle === 1 && a.shelf === 0 && b.aisle === 1 && b.shelf === 0, 'lift at the depot');
    else assert.ok(a.aisle === b.aisle || (a.shelf === b.shelf && (a.shelf === 0 || a.shelf === back)), `leg ${JSON.stringify([a, b])}`);
  }
}

test('on random warehouses the planned route is optimal, never longer than S-shape, and visits each stop once', () => {
  const rng = new Random(20251108);
  let strictlyShorter = 0;
  for (let t = 0; t < 300; t++) {
    const layout = { shelvesPerAisle: rng.int(1, 12), aislesPerFloor: rng.int(1, 8) };
    const floors = rng.int(1, 3);
    const stops = Array.from({ length: rng.int(1, 9) }, (_, i) =>
      stop(`s${i}`, rng.int(1, floors), rng.int(1, layout.aislesPerFloor), rng.int(1, layout.shelvesPerAisle)),
    );
    const options = { startFloor: rng.int(1, floors), liftRideM: rng.pick([0, 30]) };
    const r = planRoute(stops, layout, options);
    const s = sShapeRoute(stops, layout, options);
    const label = JSON.stringify({ layout, stops, options });
    checkWalk(r, stops, layout.shelvesPerAisle + 1);
    checkWalk(s, stops, layout.shelvesPerAisle + 1);
    assert.ok(r.lengthMeters <= s.lengthMeters + 1e-9, label);
    if (r.lengthMeters < s.lengthMeters - 1e-9) strictlyShorter++;
    near(routeLength(r.path, layout, options), r.lengthMeters, label);
    near(routeLength(s.path, layout, options), s.lengthMeters, label);

    // Per floor, against every possible order of its bins (at most 6 → 720 orders).
    const usedFloors = [...new Set(stops.map((x) => x.floor))];
    const rides = usedFloors.length - (usedFloors.includes(options.startFloor) ? 1 : 0) + (usedFloors.some((f) => f !== options.startFloor) ? 1 : 0);
    near(r.perFloor.reduce((sum, f) => sum + f.lengthMeters, 0) + rides * options.liftRideM, r.lengthMeters, label);
    for (const f of r.perFloor) {
      const bins = [...new Map(stops.filter((x) => x.floor === f.floor).map((x) => [`${x.aisle}:${x.shelf}`, x])).values()];
      if (bins.length <= 6) near(f.lengthMeters, bruteForce(bins, layout), `${label} floor ${f.floor}`);
    }
  }
  assert.ok(strictlyShorter > 100, `the optimum beat S-shape in only ${strictlyShorter} of 300`);
});

test('a large pick list over the biggest warehouse plans fast', () => {
  const rng = new Random(7);
  const stops = Array.from({ length: 400 }, (_, i) => stop(`p${i}`, rng.int(1, 3), rng.int(1, 12), rng.int(1, 20)));
  const started = performance.now();
  const r = planRoute(stops, { shelvesPerAisle: 20, aislesPerFloor: 12 });
  assert.ok(performance.now() - started < 1000);
  checkWalk(r, stops, 21);
  assert.ok(r.lengthMeters <= sShapeLength(stops, { shelvesPerAisle: 20 }));
});

// ---- FEFO allocation ------------------------------------------------------------------------------

let lotSeq = 0;
function lot(skuCode: string, batchNo: string, expiresOn: string | null, quantity: number, extra: Partial<StockLot> = {}): StockLot {
  const locCode = extra.locCode ?? `F1-A${String((lotSeq % 12) + 1).padStart(2, '0')}-S${String((lotSeq++ % 20) + 1).padStart(2, '0')}`;
  const { floor, aisle, shelf } = parseBin(locCode);
  return { skuCode, batchNo, expiresOn, locCode, floor, aisle, shelf, quantity, lockedQuantity: 0, binUsable: true, ...extra };
}

const asOf = '2025-11-08';
const picks = (r: AllocationResult, lineKey: string) => r.lines.find((l) => l.lineKey === lineKey)!.allocations.map((a) => [a.batchNo, a.quantity]);

test('FEFO takes the earliest expiry first and splits a line over lots', () => {
  const lots = [
    lot('FLD-DOT4-1L', '202504A', '2027-04-30', 40),
    lot('FLD-DOT4-1L', '202502A', '2027-02-28', 30),
    lot('FLD-DOT4-1L', '202509B', '2027-09-30', 500),
    lot('BRG-N204', '202501A', null, 999),
  ];
  const r = allocateFefo([{ lineKey: '1', skuCode: 'FLD-DOT4-1L', quantity: 100 }], lots, { asOf });
  assert.deepEqual(picks(r, '1'), [['202502A', 30], ['202504A', 40], ['202509B', 30]]);
  assert.equal(r.lines[0].allocated, 100);
  assert.equal(r.lines[0].shortfall, null);
  assert.equal(r.complete, true);
  assert.deepEqual(r.lines[0].allocations[0], { batchNo: '202502A', locCode: lots[1].locCode, floor: 1, aisle: lots[1].aisle, shelf: lots[1].shelf, quantity: 30, expiresOn: '2027-02-28' });
});

test('locked quantity is never allocated', () => {
  const lots = [lot('SKU', '202501A', '2027-01-31', 50, { lockedQuantity: 50 }), lot('SKU', '202502A', '2027-02-28', 50, { lockedQuantity: 20 })];
  const r = allocateFefo([{ lineKey: 'a', skuCode: 'SKU', quantity: 40 }], lots, { asOf });
  assert.deepEqual(picks(r, 'a'), [['202502A', 30]]);
  assert.deepEqual(r.lines[0].shortfall, { quantity: 10, reason: 'ONLY_LOCKED', blocked: { expired: 0, shortDated: 0, unusableBin: 0, locked: 70, takenByEarlierLines: 0 } });
  // More locked than on hand (a legacy glitch) offers nothing rather than a negative amount.
  const odd = allocateFefo([{ lineKey: 'b', skuCode: 'SKU', quantity: 1 }], [lot('SKU', 'X', null, 5, { lockedQuantity: 9 })], { asOf });
  assert.equal(odd.lines[0].allocated, 0);
  assert.equal(odd.lines[0].shortfall!.reason, 'ONLY_LOCKED');
  assert.equal(odd.lines[0].shortfall!.blocked.locked, 5);
});

test('a minimum remaining shelf life keeps short-dated lots back', () => {
  // asOf 2025-11-08 + 6 months = 2026-05-08: a lot must expire after that day.
  const lots = [lot('FLD', 'A', '2026-05-08', 100), lot('FLD', 'B', '2026-05-09', 10), lot('FLD', 'C', '2026-01-31', 100)];
  const r = allocateFefo([{ lineKey: '1', skuCode: 'FLD', quantity: 15 }], lots, { asOf, minRemainingShelfLifeMonths: 6 });
  assert.deepEqual(picks(r, '1'), [['B', 10]]);
  assert.equal(r.lines[0].shortfall!.reason, 'ONLY_SHORT_DATED');
  assert.equal(r.lines[0].shortfall!.blocked.shortDated, 200);
  // Without the rule both older lots are fine, earliest first.
  assert.deepEqual(picks(allocateFefo([{ lineKey: '1', skuCode: 'FLD', quantity: 15 }], lots, { asOf }), '1'), [['C', 15]]);
  // Month arithmetic clamps to the month's end: 2025-08-31 + 6 months = 2026-02-28.
  assert.equal(addMonths('2025-08-31', 6), '2026-02-28');
  assert.equal(addMonths('2024-02-29', 12), '2025-02-28');
  assert.equal(addMonths('2025-11-08', -11), '2024-12-08');
  const feb = [lot('X', 'F', '2026-02-28', 5), lot('X', 'M', '2026-03-01', 5)];
  assert.deepEqual(picks(allocateFefo([{ lineKey: '1', skuCode: 'X', quantity: 10 }], feb, { asOf: '2025-08-31', minRemainingShelfLifeMonths: 6 }), '1'), [['M', 5]]);
});

test('expired lots are never used; a lot expiring today is short-dated', () => {
  const lots = [lot('FLD', 'OLD', '2025-11-07', 100), lot('FLD', 'TODAY', '2025-11-08', 100)];
  const r = allocateFefo([{ lineKey: '1', skuCode: 'FLD', quantity: 1 }], lots, { asOf });
  assert.equal(r.lines[0].allocated, 0);
  assert.deepEqual(r.lines[0].shortfall, { quantity: 1, reason: 'MIXED', blocked: { expired: 100, shortDated: 100, unusableBin: 0, locked: 0, takenByEarlierLines: 0 } });
  const onlyExpired = allocateFefo([{ lineKey: '1', skuCode: 'FLD', quantity: 1 }], [lots[0]], { asOf, minRemainingShelfLifeMonths: 0 });
  assert.equal(onlyExpired.lines[0].shortfall!.reason, 'ONLY_EXPIRED');
});

test('lots in disabled bins are not allocated', () => {
  const lots = [lot('BRG', 'A', null, 100, { binUsable: false }), lot('BRG', 'B', null, 5)];
  const r = allocateFefo([{ lineKey: '1', skuCode: 'BRG', quantity: 8 }], lots, { asOf });
  assert.deepEqual(picks(r, '1'), [['B', 5]]);
  assert.deepEqual(r.lines[0].shortfall, { quantity: 3, reason: 'ONLY_IN_UNUSABLE_BINS', blocked: { expired: 0, shortDated: 0, unusableBin: 100, locked: 0, takenByEarlierLines: 0 } });
});

test('two lines of one SKU never share the same stock', () => {
  const lots = [lot('FLT', '202503A', null, 10), lot('FLT', '202506A', null, 10)];
  const r = allocateFefo(
    [
      { lineKey: '1', skuCode: 'FLT', quantity: 6 },
      { lineKey: '2', skuCode: 'FLT', quantity: 6 },
      { lineKey: '3', skuCode: 'FLT', quantity: 10 },
    ],
    lots,
    { asOf },
  );
  assert.deepEqual(picks(r, '1'), [['202503A', 6]]);
  assert.deepEqual(picks(r, '2'), [['202503A', 4], ['202506A', 2]]);
  assert.deepEqual(picks(r, '3'), [['202506A', 8]]);
  assert.deepEqual(r.lines[2].shortfall, { quantity: 2, reason: 'TAKEN_BY_EARLIER_LINES', blocked: { expired: 0, shortDated: 0, unusableBin: 0, locked: 0, takenByEarlierLines: 12 } });
  assert.equal(r.complete, false);
});

test('undated lots come after dated ones, oldest batch first', () => {
  const lots = [lot('M', '202509A', null, 5), lot('M', '202411B', null, 5), lot('M', '202411A', null, 5), lot('M', '202601A', '2030-01-31', 5)];
  const r = allocateFefo([{ lineKey: '1', skuCode: 'M', quantity: 20 }], lots, { asOf });
  assert.deepEqual(picks(r, '1'), [['202601A', 5], ['202411A', 5], ['202411B', 5], ['202509A', 5]]);
  // Same batch in two bins: the bin nearer the front first.
  const twoBins = [lot('M', 'A', null, 5, { locCode: 'F2-A01-S01' }), lot('M', 'A', null, 5, { locCode: 'F1-A07-S03' })];
  assert.deepEqual(allocateFefo([{ lineKey: '1', skuCode: 'M', quantity: 6 }], twoBins, { asOf }).lines[0].allocations.map((a) => [a.locCode, a.quantity]), [['F1-A07-S03', 5], ['F2-A01-S01', 1]]);
});

test('a shortfall says whether there was no stock, too little, or a mix of causes', () => {
  const none = allocateFefo([{ lineKey: '1', skuCode: 'NOPE', quantity: 3 }], [lot('OTHER', 'A', null, 9)], { asOf });
  assert.deepEqual(none.lines[0].shortfall, { quantity: 3, reason: 'NO_STOCK', blocked: { expired: 0, shortDated: 0, unusableBin: 0, locked: 0, takenByEarlierLines: 0 } });
  const zero = allocateFefo([{ lineKey: '1', skuCode: 'S', quantity: 3 }], [lot('S', 'A', null, 0)], { asOf });
  assert.equal(zero.lines[0].shortfall!.reason, 'NO_STOCK');
  const little = allocateFefo([{ lineKey: '1', skuCode: 'S', quantity: 30 }], [lot('S', 'A', null, 12)], { asOf });
  assert.deepEqual([little.lines[0].allocated, little.lines[0].shortfall!.quantity, little.lines[0].shortfall!.reason], [12, 18, 'INSUFFICIENT_STOCK']);
  const mixed = allocateFefo(
    [{ lineKey: '1', skuCode: 'S', quantity: 100 }],
    [lot('S', 'A', '2025-01-31', 7), lot('S', 'B', null, 9, { binUsable: false }), lot('S', 'C', null, 20, { lockedQuantity: 4 })],
    { asOf },
  );
  assert.equal(mixed.lines[0].allocated, 16);
  assert.deepEqual(mixed.lines[0].shortfall, { quantity: 84, reason: 'MIXED', blocked: { expired: 7, shortDated: 0, unusableBin: 9, locked: 4, takenByEarlierLines: 0 } });
});

test('allocation is deterministic and leaves its inputs alone', () => {
  const lots = [lot('A', '1', '2026-06-30', 10), lot('A', '2', '2026-03-31', 10, { lockedQuantity: 3 }), lot('B', '1', null, 4), lot('A', '3', null, 50)];
  const lines = [{ lineKey: 'x', skuCode: 'A', quantity: 25 }, { lineKey: 'y', skuCode: 'B', quantity: 2 }];
  const snapshot = JSON.stringify([lines, lots]);
  const first = allocateFefo(lines, lots, { asOf });
  assert.deepEqual(allocateFefo(lines, [...lots].reverse(), { asOf }), first);
  assert.deepEqual(allocateFefo(lines, [lots[2], lots[0], lots[3], lots[1]], { asOf }), first);
  assert.equal(JSON.stringify([lines, lots]), snapshot);
});

test('bad allocation input is refused', () => {
  assert.throws(() => allocateFefo([{ lineKey: '1', skuCode: 'A', quantity: 0 }], [], { asOf }), RangeError);
  assert.throws(() => allocateFefo([{ lineKey: '1', skuCode: 'A', quantity: 1.5 }], [], { asOf }), RangeError);
  assert.throws(() => allocateFefo([{ lineKey: '1', skuCode: 'A', quantity: 1 }, { lineKey: '1', skuCode: 'B', quantity: 1 }], [], { asOf }), /twice/);
  assert.throws(() => allocateFefo([], [], { asOf: '2025-11-31' }), RangeError);
  assert.throws(() => allocateFefo([], [], { asOf: '08/11/2025' }), RangeError);
  assert.throws(() => allocateFefo([], [], { asOf, minRemainingShelfLifeMonths: -1 }), RangeError);
  assert.throws(() => allocateFefo([{ lineKey: '1', skuCode: 'A', quantity: 1 }], [lot('A', 'X', '2026-13-01', 5)], { asOf }), RangeError);
});

test('an allocation feeds the route planner', () => {
  const lots = [lot('A', '1', null, 3, { locCode: 'F2-A05-S10' }), lot('A', '2', null, 9, { locCode: 'F1-A02-S03' }), lot('B', '1', null, 9, { locCode: 'F1-A02-S03' })];
  const r = allocateFefo([{ lineKey: 'L1', skuCode: 'A', quantity: 5 }, { lineKey: 'L2', skuCode: 'B', quantity: 1 }], lots, { asOf });
  const stops = r.lines.flatMap((l) => l.allocations.map((a, i) => ({ key: `${l.lineKey}/${i}`, floor: a.floor, aisle: a.aisle, shelf: a.shelf })));
  const route = planRoute(stops, { shelvesPerAisle: 20 });
  assert.deepEqual(route.order, ['L1/1', 'L2/0', 'L1/0'], 'floor 1 (one bin, both lines) before floor 2');
});

test('on random stock, allocation never exceeds what a lot can give and follows FEFO', () => {
  const rng = new Random(31337);
  const dates = [null, '2025-10-31', '2025-11-08', '2025-12-31', '2026-03-31', '2026-05-08', '2026-05-09', '2027-01-31'];
  for (let t = 0; t < 400; t++) {
    const skus = ['A', 'B', 'C'].slice(0, rng.int(1, 3));
    const lots = Array.from({ length: rng.int(0, 8) }, () => {
      const quantity = rng.int(0, 30);
      return lot(rng.pick(skus), `2025${rng.int(10, 12)}${rng.pick(['A', 'B'])}`, rng.pick(dates), quantity, {
        lockedQuantity: rng.chance(0.3) ? rng.int(0, 35) : 0,
        binUsable: !rng.chance(0.15),
      });
    });
    const lines = Array.from({ length: rng.int(1, 5) }, (_, i) => ({ lineKey: `l${i}`, skuCode: rng.pick([...skus, 'Z']), quantity: rng.int(1, 40) }));
    const rule = { asOf, minRemainingShelfLifeMonths: rng.pick([0, 1, 6]) };
    const r = allocateFefo(lines, lots, rule);
    const label = JSON.stringify({ lines, lots, rule });
    assert.deepEqual(allocateFefo(lines, lots, rule), r, 'same input, same answer');

    const cutoff = addMonths(asOf, rule.minRemainingShelfLifeMonths);
    const usable = (l: StockLot) => l.binUsable && (l.expiresOn === null || l.expiresOn > cutoff);
    const given = new Map<StockLot, number>();
    for (const [i, line] of r.lines.entries()) {
      assert.equal(line.lineKey, lines[i].lineKey);
      assert.equal(line.allocated + (line.shortfall?.quantity ?? 0), line.requested, label);
      assert.equal(line.allocations.reduce((s, a) => s + a.quantity, 0), line.allocated, label);
      const fromLots = line.allocations.map((a) => lots.find((l) => l.skuCode === line.skuCode && l.batchNo === a.batchNo && l.locCode === a.locCode && usable(l))!);
      fromLots.forEach((l, k) => {
        assert.ok(l, `allocated from an unusable or unknown lot: ${label}`);
        assert.ok(line.allocations[k].quantity > 0);
        given.set(l, (given.get(l) ?? 0) + line.allocations[k].quantity);
      });
      for (let k = 1; k < fromLots.length; k++) assert.ok(compareFefo(fromLots[k - 1], fromLots[k]) < 0, `FEFO order: ${label}`);
      if (line.shortfall) {
        // Nothing usable of the SKU may be left over, and every unit on hand is accounted for.
        for (const l of lots.filter((x) => x.skuCode === line.skuCode && usable(x))) {
          assert.equal(given.get(l) ?? 0, Math.max(0, l.quantity - l.lockedQuantity), `left over while short: ${label}`);
        }
        const onHand = lots.filter((x) => x.skuCode === line.skuCode).reduce((s, x) => s + x.quantity, 0);
        const b = line.shortfall.blocked;
        assert.equal(line.allocated + b.expired + b.shortDated + b.unusableBin + b.locked + b.takenByEarlierLines, onHand, label);
      }
    }
    for (const [l, q] of given) assert.ok(q <= Math.max(0, l.quantity - l.lockedQuantity), `over-allocated: ${label}`);
  }
});
