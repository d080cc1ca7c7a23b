// The warehouse's pick work puts chased orders first: pickQueue lists the orders whose outbound still
// waits for a picker (as the WMS says now), none held, the longest paid first; once a caller chases
// one (a CHASE read from a service call raises its pick priority), it heads the queue, named by the
// call, and the others keep their order. Through the gateway on MariaDB.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from './helpers/stack.js';
import { createOrdersAwaitingPick } from '../legacy-sim/src/live.js';
import { openDataSource } from '../common/src/db.js';

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
  // More of them than one page of candidates for a short queue (first * 4 + 50).
  await createOrdersAwaitingPick({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, { count: 70, seed: 1205 });
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
    // One warehouse only when asked: exactly the whole queue's entries of that warehouse, in the same
    // order, however short the queue asked for.
    const warehouses = [...new Set(list.map((e) => e.warehouseCode))];
    assert.ok(warehouses.length >= 2, `${warehouses.length} warehouses`);
    for (const wh of warehouses) {
      const own = list.filter((e) => e.warehouseCode === wh).map((e) => e.outboundNo);
      assert.deepEqual((await queue({ warehouse: wh, first: 200 })).map((e) => e.outboundNo), own, wh);
      assert.deepEqual((await queue({ warehouse: wh, first: 1 })).map((e) => e.outboundNo), own.slice(0, 1), `${wh}, first: 1`);
    }
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
    const chased = afterChase.filter((e) => e.chased);
    assert.deepEqual(afterChase.slice(0, chased.length), chased, 'every chased order before every unchased one');
    assert.equal(afterChase[0].byCall, callId);
    assert.ok(afterChase[0].chasedAt && Date.parse(afterChase[0].chasedAt) <= Date.now());
    assert.deepEqual(afterChase[0].order.pickPriority, { level: 'RAISED', byCall: callId });
    const others = (xs: any[]) => xs.filter((e) => e.outboundNo !== last.outboundNo).map((e) => e.outboundNo);
    // Nothing else moved (orders the linker or a picker changed meanwhile aside).
    const common = new Set(others(afterChase));
    assert.deepEqual(others(before).filter((n) => common.has(n)), others(afterChase).filter((n) => others(before).includes(n)));
  });

  test('a short queue still finds its orders behind a page of candidates the WMS has packed meanwhile', async () => {
    const whole = await queue();
    // More than a page of candidates for `first: 1` (1 × 4 + 50), packed in the WMS by a path that did
    // not touch update_time: the hub still counts them as waiting; the WMS's live status says otherwise.
    const packed = whole.slice(0, 60).map((e) => e.outboundNo);
    assert.ok(whole.length > packed.length, `${whole.length} in the queue`);
    const wms = await openDataSource(stack.targets.wmsUrl, { poolSize: 1 });
    try {
      await wms.query(`UPDATE t_out_order SET status = 50 WHERE out_no IN (${packed.map(() => '?').join(', ')})`, packed);
    } finally {
      await wms.destroy();
    }
    assert.deepEqual((await queue({ first: 1 })).map((e) => e.outboundNo), [whole[60].outboundNo]);
    const wh = whole[60].warehouseCode;
    const own = whole.slice(60).filter((e) => e.warehouseCode === wh).map((e) => e.outboundNo);
    assert.deepEqual((await queue({ warehouse: wh, first: own.length })).map((e) => e.outboundNo), own);
  });
});
