// The pick flow's pure parts without a database: what a scan means for an outbound's lines, the
// seal's canonical content and its verification, the expiry rule, the per-outbound queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseScan } from '../subgraphs/fulfilment/src/picking/gs1.js';
import type { PickLineRow } from '#adapters/wms';
import { decideScan, type ScanSku } from '../subgraphs/fulfilment/src/picking/verify.js';
import { canonicalJson, sealContent, sealNoOf, sealOf, sha256Hex, verifySeal, type SealContent } from '../subgraphs/fulfilment/src/picking/seal.js';
import { minRemainingShelfLifeMonths } from '../subgraphs/fulfilment/src/picking/expiry-rule.js';
import { KeyedMutex, LockWaitTimeout } from '../subgraphs/fulfilment/src/picking/mutex.js';
import { parseOperator } from '../subgraphs/fulfilment/src/picking/service.js';

const Y = { referenceYear: 2025 };
const BRG: ScanSku = { code: 'BRG-N204', spec: 'NTN-N204', name: 'NTN圆柱滚子轴承N204', shelfLifeMonths: null };
const DOT4: ScanSku = { code: 'FLD-DOT4-1L', spec: 'DOT4-1L', name: '刹车油', shelfLifeMonths: 24 };
const skus = new Map([BRG, DOT4].map((s) => [s.code, s]));
const line = (id: number, sku: string, batch: string, loc: string, quantity: number, picked = 0): PickLineRow => ({
  id,
  lineNo: id,
  skuCode: sku,
  batchNo: batch,
  locCode: loc,
  quantity,
  pickedQuantity: picked,
});

function decide(raw: string, lines: PickLineRow[], sku: ScanSku | null, batchExpiresOn?: string | null) {
  return decideScan({
    scan: parseScan(raw, Y),
    sku,
    lines,
    skus,
    batchExpiresOn,
    today: '2025-11-10',
    minRemainingShelfLifeMonths: (s) => minRemainingShelfLifeMonths(s, { erpOrderNo: 'SO-20251110-001', customerCode: 'C00001', minShelfLifeMonths: 6 }),
  });
}

test('a quantity spans the lines of one batch in two bins, first line first, never past plan', () => {
  const lines = [line(1, 'BRG-N204', '202510A', 'F1-A01-S01', 3, 2), line(2, 'BRG-N204', '202510A', 'F2-A01-S01', 4)];
  const d = decide('WMS|BRG-N204|202510a|3', lines, BRG);
  assert.equal(d.outcome, 'OK', d.text.en);
  assert.deepEqual(d.increments, [
    { lineId: 1, quantity: 1 },
    { lineId: 2, quantity: 2 },
  ]);
  assert.equal(d.batchNo, '202510A', 'the batch as WMS writes it (the label was lower case)');
  assert.equal(decide('WMS|BRG-N204|202510A|6', lines, BRG).outcome, 'OVER_PICK', '5 still needed');
  assert.deepEqual(decide('WMS|BRG-N204|202510A|6', lines, BRG).increments, []);
});

test('the checks run in order: unreadable, unknown product, wrong SKU, complete SKU, expiry on the barcode, missing or wrong batch, expiry of the batch, quantity', () => {
  const lines = [line(1, 'BRG-N204', '202510A', 'F1-A01-S01', 2), line(2, 'FLD-DOT4-1L', '202509B', 'F1-A02-S01', 1)];
  assert.equal(decide('(01)123', lines, null).outcome, 'UNKNOWN_BARCODE');
  assert.equal(decide('(01)04582132012046', lines, null).outcome, 'UNKNOWN_BARCODE');
  const other: ScanSku = { code: 'BRG-6205', spec: 'NTN-6205-2RS', name: '', shelfLifeMonths: null };
  const wrongSku = decide('(01)04582132062058(10)202510A', lines, other);
  assert.equal(wrongSku.outcome, 'WRONG_SKU');
  assert.match(wrongSku.text.zh, /NTN-6205-2RS（BRG-6205） 不在本单中。还需拣：NTN-N204 批次 202510A ×2 @F1-A01-S01，DOT4-1L 批次 202509B ×1 @F1-A02-S01/);
  assert.equal(decide('(01)04582132012046(10)202510A', [line(1, 'BRG-N204', '202510A', 'F1-A01-S01', 2, 2)], BRG).outcome, 'OVER_PICK');
  assert.equal(decide('(01)04047025010016(10)202509B(17)251109', lines, DOT4).outcome, 'EXPIRED', 'expired yesterday');
  assert.equal(decide('(01)04047025010016(10)202509B(17)260510', lines, DOT4).outcome, 'EXPIRED', 'six months left on the day: not more than six');
  assert.equal(decide('(01)04047025010016(10)202509B(17)260511', lines, DOT4).outcome, 'OK');
  assert.equal(decide('(01)04582132012046(17)251101', lines, BRG).outcome, 'EXPIRED', 'goods without shelf life still cannot leave expired');
  assert.equal(decide('(01)04582132012046', lines, BRG).outcome, 'WRONG_BATCH');
  assert.equal(decide('(01)04582132012046(10)202511A', lines, BRG).outcome, 'WRONG_BATCH');
  assert.equal(decide('(01)04047025010016(10)202509B', lines, DOT4, '2026-03-01').outcome, 'EXPIRED', 'the batch WMS allocated is short-dated');
  assert.equal(decide('(01)04047025010016(10)202509B', lines, DOT4, '2027-09-30').outcome, 'OK');
  const over = decide('(01)04582132012046(10)202510A(37)3', lines, BRG);
  assert.equal(over.outcome, 'OVER_PICK');
  assert.match(over.text.en, /3 scanned but batch 202510A needs only 2 more/);
});

test('the expiry rule: the order\'s months for shelf-life goods, none otherwise', () => {
  const order = { erpOrderNo: 'SO-20251110-001', customerCode: 'C00001', minShelfLifeMonths: 6 };
  assert.equal(minRemainingShelfLifeMonths(DOT4, order), 6);
  assert.equal(minRemainingShelfLifeMonths(DOT4, { ...order, minShelfLifeMonths: 12 }), 12);
  assert.equal(minRemainingShelfLifeMonths(BRG, order), 0);
});

test('a seal is the SHA-256 of canonical JSON, and verification names what changed', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: 'x', c: null }], e: undefined }), '{"a":[{"c":null,"d":"x"}],"b":1}');
  const lines = [
    { skuCode: 'BRG-N204', batchNo: '202510A', pickedQuantity: 1 },
    { skuCode: 'BRG-N204', batchNo: '202510A', pickedQuantity: 2 },
    { skuCode: 'ADH-1', batchNo: 'B', pickedQuantity: 1 },
  ];
  const content = sealContent({ outboundNo: 'CK20251110-001', erpOrderNo: 'SO-20251110-001', warehouseCode: 'WH-SH01', packer: '王五', sealedAt: '2025-11-10T10:00:00+08:00', lines });
  assert.deepEqual(content.lines, [
    { skuCode: 'ADH-1', batchNo: 'B', quantity: 1 },
    { skuCode: 'BRG-N204', batchNo: '202510A', quantity: 3 },
  ]);
  const { canonical, hash, sealNo } = sealOf(content);
  assert.equal(hash, sha256Hex(canonical));
  assert.equal(sealNo, sealNoOf(hash));
  assert.equal(sealNo.length, 40);
  assert.deepEqual(sealOf({ ...content, lines: [...content.lines] }), { canonical, hash, sealNo }, 'same content, same seal');

  assert.deepEqual(verifySeal({ content: canonical, hash }, sealNo, content), { valid: true, recomputedHash: hash, problems: [] });
  const changed = verifySeal({ content: canonical, hash }, sealNo, { ...content, packer: '赵六', lines: [content.lines[0]] });
  assert.deepEqual(changed.problems.map((p) => p.code), ['CONTENT_CHANGED']);
  assert.match(changed.problems[0].en, /BRG-N204 202510A sealed 3, now 0; packer 王五 → 赵六/);
  assert.deepEqual(verifySeal({ content: canonical.replace('"quantity":3', '"quantity":4'), hash }, sealNo, content).problems.map((p) => p.code), ['HASH_MISMATCH', 'CONTENT_CHANGED']);
  assert.deepEqual(verifySeal({ content: canonical, hash }, 'SL00', content).problems.map((p) => p.code), ['SEAL_NO_MISMATCH']);
  assert.deepEqual(verifySeal({ content: canonical, hash }, null, content).problems.map((p) => p.code), ['SEAL_LOG_MISSING']);
});

test('seals made before RFC 8785 came in still verify: the same content hashes to the same text', () => {
  // Made with the hand-written canonical JSON this replaced (see the fixture's madeBy).
  const { seals } = JSON.parse(readFileSync(new URL('./fixtures/seals-before-rfc8785.json', import.meta.url), 'utf8')) as {
    seals: { canonical: string; hash: string; sealNo: string; content: SealContent }[];
  };
  assert.equal(seals.length, 2);
  for (const old of seals) {
    assert.deepEqual(verifySeal({ content: old.canonical, hash: old.hash }, old.sealNo, old.content), { valid: true, recomputedHash: old.hash, problems: [] });
    assert.deepEqual(sealOf(old.content), { canonical: old.canonical, hash: old.hash, sealNo: old.sealNo });
  }
});

test('canonical JSON is RFC 8785: keys by UTF-16 code units, ECMAScript numbers, no lone surrogates', () => {
  // RFC 8785 §3.2.3's example: sorted on UTF-16 code units, so U+20AC comes before the surrogate pair of U+1F600 and that before U+FB33.
  assert.equal(
    canonicalJson({ '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' }),
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
  // RFC 8785 §3.2.2.3 number forms.
  assert.equal(canonicalJson([333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001, -0, 1e21, 1e-7]), '[333333333.3333333,1e+30,4.5,0.002,1e-27,0,1e+21,1e-7]');
  assert.throws(() => canonicalJson({ packer: '\ud800' }), /Lone surrogate/);
  // So a packer's name is refused before it could reach a seal: a clear BAD_USER_INPUT.
  assert.throws(() => parseOperator('王\ud800五', 'packer'), (err: any) => err.extensions?.code === 'BAD_USER_INPUT' && err.extensions.argument === 'packer');
  assert.equal(parseOperator(' 王五🚚 ', 'packer'), '王五🚚');
});

test('the per-outbound queue runs one at a time and gives up waiting without running the work', async () => {
  const mutex = new KeyedMutex(40);
  const events: string[] = [];
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const first = mutex.run('CK1', async () => {
    events.push('first');
    await sleep(100);
    events.push('first done');
  });
  const other = mutex.run('CK2', async () => events.push('other outbound, not queued'));
  const late = mutex.run('CK1', async () => events.push('late ran')).catch((e) => events.push(e instanceof LockWaitTimeout ? 'late gave up' : 'late ?'));
  await Promise.all([first, other, late]);
  assert.deepEqual(events, ['first', 'other outbound, not queued', 'late gave up', 'first done']);
  assert.equal(await mutex.run('CK1', async () => 'next'), 'next', 'the queue moves on after a waiter gave up');
});
