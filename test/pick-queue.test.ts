// The warehouse's pick work puts chased orders first: pickQueue lists the orders whose outbound still
// waits for a picker (as the WMS says now), none held, the longest paid first; once a caller chases
// one (a CHASE read from a service call raises its pick priority), it heads the queue, named by the
// call, and the others keep their order. Through the gateway on MariaDB.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from './helpers/stack.js';
import { pickOrder, type QueueCandidate } from '../subgraphs/fulfilment/src/picking/queue.js';
import { createOrdersAwaitingPick } from '../legacy-sim/src/live.js';

let stack: Stack;

const QUEUE = `query($warehouse: String, $first: Int) { pickQueue(warehouse: $warehouse, first: $first) {
  order { id erpOrderNo onHold pickPriority { level byCall } outbound { outboundNo status } }
  outboundNo warehouseCode outboundStatus chased chasedAt byCall paidAt } }`;

async function queue(variables: Record<string, unknown> = { first: 200 }, role: 'warehouse' | 'ops' = 'warehouse') {
  const res = await stack.query(QUEUE, variables, { token: await stack.token(role) });
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data.pickQueue as any[];
}

before(async () => {
  stack = await startStack({ name: 'pickqueue', orders: 300, days: 1, seed: 1205, env: { CALL_POLL_MS: '600000' } });
  // A warehouse with work to do: orders paid a moment ago whose outbounds wait for a picker.
  await createOrdersAwaitingPick({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, { count: 6, seed: 1205 });
  await stack.linker.runRound();
  await stack.linker.runRound();
});
after(async () => stack?.close());

describe('pick queue', () => {
  test('orders waiting for a picker, as the WMS says, none held, the longest paid first', async () => {
    const list = await queue();
    assert.ok(list.length >= 8, `${list.length} orders to pick`);
    for (const e of list) {
      assert.ok(['CREATED', 'ALLOCATED', 'PICKING'].includes(e.outboundStatus), e.outboundStatus);
      assert.equal(e.order.outbound.outboundNo, e.outboundNo);
      assert.equal(e.order.outbound.status, e.outboundStatus);
      assert.equal(e.order.onHold, false);
      assert.equal(e.chased, e.order.pickPriority.level === 'RAISED');
    }
    const unchased = list.filter((e) => !e.chased);
    const paid = unchased.map((e) => (e.paidAt ? Date.parse(e.paidAt) : Infinity));
    assert.deepEqual(paid, [...paid].sort((a, b) => a - b), 'unchased orders: longest paid first');
    // One warehouse only when asked.
    const wh = list[0].warehouseCode;
    const one = await queue({ warehouse: wh, first: 200 });
    assert.deepEqual(one.map((e) => e.outboundNo), list.filter((e) => e.warehouseCode === wh).map((e) => e.outboundNo));
    // Only pickers; first is bounded.
    const refused = await stack.query(QUEUE, { first: 5 }, { token: await stack.token('finance') });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const tooMany = await stack.query(QUEUE, { first: 201 }, { token: await stack.token('ops') });
    assert.equal(tooMany.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  test('a chased order jumps to the head of the queue, named by the call; the rest keep their order', async () => {
    const before = await queue();
    const last = before.filter((e) => !e.chased).at(-1)!;
    const customer = (await stack.query(`query($id: ID!) { order(id: $id) { customer { code } } }`, { id: last.order.erpOrderNo })).data.order.customer.code;
    const res = await fetch(new URL('/crm/api/calls', stack.crmApiUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ custCode: customer, transcript: `客户：${last.order.erpOrderNo}这单怎么还没发？麻烦快点，车等着修。客服：好的，马上帮您催。`, startedAt: Date.now() }),
    });
    const callId = ((await res.json()) as any).result.callId as string;
    await stack.orderLink.callIntake.runOnce();
    const afterChase = await queue();
    assert.equal(afterChase[0].outboundNo, last.outboundNo, 'the chased order is picked first');
    assert.equal(afterChase[0].chased, true);
    assert.equal(afterChase[0].byCall, callId);
    assert.ok(afterChase[0].chasedAt && Date.parse(afterChase[0].chasedAt) <= Date.now());
    assert.deepEqual(afterChase[0].order.pickPriority, { level: 'RAISED', byCall: callId });
    const others = (xs: any[]) => xs.filter((e) => e.outboundNo !== last.outboundNo).map((e) => e.outboundNo);
    // Nothing else moved (orders the linker or a picker changed meanwhile aside).
    const common = new Set(others(afterChase));
    assert.deepEqual(others(before).filter((n) => common.has(n)), others(afterChase).filter((n) => others(before).includes(n)));
  });

  test('the order is a total one: chased before unchased, earlier chase first, then earlier paid, unpaid last', () => {
    const make = (rowId: number, raisedAt: number | null, paidAt: number | null, orderedAt = 1000 + rowId): QueueCandidate =>
      ({ order: { rowId, orderedAt } as any, raisedAt, paidAt, byCall: raisedAt ? `CL${rowId}` : null });
    const xs = [make(1, null, 50), make(2, 300, 90), make(3, null, null), make(4, 200, 10), make(5, null, 40), make(6, null, 40, 900)];
    assert.deepEqual([...xs].sort(pickOrder).map((c) => c.order.rowId), [4, 2, 6, 5, 1, 3]);
    // Generated: any shuffle sorts the same, and every chased one precedes every unchased one.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const many = Array.from({ length: 30 }, (_, i) => make(i + 1, rand() < 0.3 ? Math.floor(rand() * 50) : null, rand() < 0.9 ? Math.floor(rand() * 50) : null));
      const a = [...many].sort(pickOrder).map((c) => c.order.rowId);
      const b = [...many].sort(() => rand() - 0.5).sort(pickOrder).map((c) => c.order.rowId);
      assert.deepEqual(a, b);
      const sorted = [...many].sort(pickOrder);
      const firstUnchased = sorted.findIndex((c) => c.raisedAt == null);
      if (firstUnchased >= 0) assert.ok(sorted.slice(firstUnchased).every((c) => c.raisedAt == null));
    }
  });
});
