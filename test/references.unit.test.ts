// The one reader of order and document numbers (common/src/docno.ts), over generated numbers ×
// generated ways of writing them (legacy-sim/src/references.ts): every form a person reads as the
// number is read as it, lookup and linker alike; look-alikes are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyDocumentNo, readDocumentNumbers } from '../common/src/docno.js';
import { Random } from '../legacy-sim/src/random.js';
import { decoys, writeNumber, writeReference } from '../legacy-sim/src/references.js';

const rng = new Random(20251108);
const NUMBERS = 400;
const VARIANTS = 25;

function randomNumber(r: Random, prefix = r.pick(['SO', 'CK'])): string {
  const day = new Date(Date.UTC(2024, 0, 1) + r.int(0, 900) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const seq = String(r.int(1, r.chance(0.9) ? 999 : 4000)).padStart(3, '0');
  return prefix === 'SO' ? `SO-${day}-${seq}` : `CK${day}-${seq}`;
}
const read = (text: string) => readDocumentNumbers(text, ['ERP', 'WMS']).map((n) => n.canonical);

test(`${NUMBERS} numbers × ${VARIANTS} ways of writing each are read as that number, by the lookup too`, () => {
  let checked = 0;
  for (let i = 0; i < NUMBERS; i++) {
    const no = randomNumber(rng);
    for (let k = 0; k < VARIANTS; k++) {
      const bare = writeNumber(no, rng);
      const field = writeReference([no], rng);
      for (const text of [bare, field]) {
        assert.deepEqual(read(text), [no], JSON.stringify(text));
        assert.equal(classifyDocumentNo(text)?.canonical, no, `order(id: ${JSON.stringify(text)})`);
        checked++;
      }
    }
  }
  assert.equal(checked, NUMBERS * VARIANTS * 2);
});

test('a field naming several orders (a combined or split shipment) is read as each of them, in the order written', () => {
  for (let i = 0; i < 2000; i++) {
    const first = randomNumber(rng, 'SO');
    const count = rng.int(2, 3);
    const nos = [first];
    while (nos.length < count) {
      // Often the same day's next orders, which people write as SO-…-001/002.
      const next = rng.chance(0.6) ? `${first.slice(0, -3)}${String(rng.int(1, 999)).padStart(3, '0')}` : randomNumber(rng, 'SO');
      if (!nos.includes(next)) nos.push(next);
    }
    const text = writeReference(nos, rng);
    assert.deepEqual(read(text), nos, JSON.stringify(text));
    // The lookup takes one number: a field naming several is no answer to order(id:).
    assert.equal(classifyDocumentNo(text), null, JSON.stringify(text));
  }
});

test('look-alikes are not read as the number: longer numbers, numbers glued to words, phones, dates, impossible days', () => {
  let checked = 0;
  for (let i = 0; i < NUMBERS * 5; i++) {
    const no = randomNumber(rng);
    for (const decoy of decoys(no, rng)) {
      assert.deepEqual(read(decoy.text), decoy.names, `${JSON.stringify(decoy.text)} (made from ${no})`);
      checked++;
    }
  }
  assert.ok(checked >= NUMBERS * 5 * 10);
});

test('hub IDs and waybill numbers are read by the same reader, and an SO number written without separators is not a waybill', () => {
  for (let i = 0; i < 500; i++) {
    const id = `OH${String(rng.int(1, 99_999_999)).padStart(10, '0')}`;
    const waybill = `${rng.pick(['SF', 'JD', 'ZTO', 'DB'])}${rng.int(100_000_000, 999_999_999)}${rng.pick(['CN', ''])}`;
    assert.deepEqual(classifyDocumentNo(` ${id.toLowerCase()} `), { kind: 'ORDER', canonical: id });
    assert.deepEqual(classifyDocumentNo(`运单：${waybill}`), { kind: 'TMS', canonical: waybill });
    const so = randomNumber(rng, 'SO');
    assert.deepEqual(classifyDocumentNo(so.replaceAll('-', '')), { kind: 'ERP', canonical: so });
  }
});
