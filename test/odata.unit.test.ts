// The $filter translation on its own: OData's precedence (not before and before or), a literal on
// either side, null, functions, and the literals some clients send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readModel } from '../gateway/src/odata/model.js';
import { translate, ODataError } from '../gateway/src/odata/query.js';
import { readFileSync } from 'node:fs';

const orders = readModel(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8')).find((s) => s.name === 'Orders')!;
const where = (filter: string) => translate(orders, new URLSearchParams({ $filter: filter }), orders.properties).where;

test('not binds tighter than and, and than or, whatever the parser would read greedily', () => {
  assert.deepEqual(where("not (status eq 'PAID') or region eq '苏州'"), { or: [{ not: { status: { eq: 'PAID' } } }, { region: { eq: '苏州' } }] });
  assert.deepEqual(where("status eq 'PAID' and not tickets gt 1 or cancelled eq true"), {
    or: [{ and: [{ status: { eq: 'PAID' } }, { not: { tickets: { gt: 1 } } }] }, { cancelled: { eq: true } }],
  });
  assert.deepEqual(where("not (status eq 'PAID' or cancelled eq true)"), { not: { or: [{ status: { eq: 'PAID' } }, { cancelled: { eq: true } }] } });
  assert.deepEqual(where("a1 eq 1".replace('a1', 'tickets') + " or tickets eq 2 and tickets eq 3"), { or: [{ tickets: { eq: 1 } }, { and: [{ tickets: { eq: 2 } }, { tickets: { eq: 3 } }] }] });
});

test('literals: on either side, null, quotes, decimals, dates and times (v2 style too), functions', () => {
  assert.deepEqual(where('5 lt goodsLines'), { goodsLines: { gt: 5 } });
  assert.deepEqual(where('promisedAt eq null'), { promisedAt: { isNull: true } });
  assert.deepEqual(where('null ne promisedAt'), { promisedAt: { isNull: false } });
  assert.deepEqual(where("region eq 'O''Hare'"), { region: { eq: "O'Hare" } });
  assert.deepEqual(where('totalAmount ge 1234.5'), { totalAmount: { ge: '1234.5' } });
  assert.deepEqual(where('orderDate le 2025-11-09'), { orderDate: { le: '2025-11-09' } });
  assert.deepEqual(where('orderedAt lt 2025-11-09T08:00:00.1234567+08:00'), { orderedAt: { lt: '2025-11-09T08:00:00.123456+08:00' } });
  assert.deepEqual(where("orderedAt gt datetimeoffset'2025-11-08T07%3A20%3A28Z'"), { orderedAt: { gt: '2025-11-08T07:20:28Z' } });
  assert.deepEqual(where("contains(region,'州') and startswith(storeCode,'MD')"), { and: [{ region: { contains: '州' } }, { storeCode: { startsWith: 'MD' } }] });
});

test('what cannot be translated is refused with the option it is about', () => {
  const refused = (filter: string, status: number) =>
    assert.throws(() => where(filter), (e: unknown) => e instanceof ODataError && e.status === status && e.target === '$filter', filter);
  refused("totalAmount eq 'x'", 400);
  refused("status eq 5", 400);
  refused('tickets gt null', 400);
  refused('tickets eq goodsLines', 501);
  refused("tolower(region) eq 'x'", 501);
  refused('nosuch eq 1', 400);
  refused("status eq 'PAID' and", 400);
  refused('('.repeat(3000) + 'tickets eq 1' + ')'.repeat(3000), 400);
});
