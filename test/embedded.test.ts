// The embedded default `npm start` runs on (SQLite, no MySQL), end to end through the gateway,
// with the linker reading its change feeds in many small pages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from './helpers/stack.js';
import { allOrders, allUnlinked, assertLifecyclesMatchTruth, assertLinksMatchTruth, expectedUnlinked } from './helpers/truth.js';
import { createLiveOrder } from '../legacy-sim/src/live.js';

let stack: Stack;

before(async () => {
  stack = await startStack({
    name: 'embedded',
    dialect: 'sqlite',
    orders: 600,
    days: 3,
    seed: 11,
    linkBatchSize: 97,
    rates: { refVariant: 0.06, refMissing: 0.05, refAmbiguous: 0.01, waybillWithoutOutbound: 0.02, outboundWithoutWaybill: 0.02, orphanWaybill: 0.01, orphanOutbound: 0.01, missingNode: 0.05 },
  });
});

after(async () => {
  await stack?.close();
});

describe('the embedded SQLite default', () => {
  test('links, lifecycles and unlinked documents match the ground truth when the feeds are read in pages of 97', async () => {
    assert.equal(stack.dialect, 'sqlite');
    const orders = await allOrders(stack);
    assertLinksMatchTruth(orders, stack.truth);
    assert.ok(assertLifecyclesMatchTruth(orders, stack.truth) >= 5);
    assert.deepEqual(await allUnlinked(stack), expectedUnlinked(stack.truth));
  });

  test('an order reads whole from all four systems', async () => {
    const t = stack.truth.orders.find((o) => o.outbound?.method === 'REFERENCE' && o.waybill?.method && o.expectedStatus === 'COMPLETED')!;
    const res = await stack.query(
      `query($id: ID!) { order(id: $id) { erpOrderNo totalAmount customer { grade level } lines { amount sku { spec availableQuantity } } outbound { outboundNo lines { batchNo expiresOn location { floor } } } shipment { waybillNo status } } }`,
      { id: t.waybill!.waybillNo },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const o = res.data.order;
    assert.equal(o.erpOrderNo, t.erpOrderNo);
    assert.equal(o.totalAmount, t.totalAmount);
    assert.equal(o.outbound.outboundNo, t.outbound!.outboundNo);
    assert.equal(o.shipment.status, 'SIGNED');
    assert.ok(o.lines.every((l: any) => l.sku.spec && l.sku.availableQuantity >= 0));
  });

  test('a new order written while the graph runs is linked by all its numbers', async () => {
    const live = await createLiveOrder({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, 99);
    const deadline = Date.now() + 5000;
    let ids: (string | undefined)[] = [];
    while (Date.now() < deadline) {
      const answers = await Promise.all([live.erpOrderNo, live.outboundNo, live.waybillNo].map((id) => stack.query(`query($id: ID!) { order(id: $id) { id tmsWaybillNo } }`, { id })));
      ids = answers.map((a) => a.data?.order?.id);
      if (ids.every((id) => id && id === ids[0]) && answers[0].data.order.tmsWaybillNo === live.waybillNo) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(ids[0] && ids.every((id) => id === ids[0]), JSON.stringify(ids));
  });
});
