// The embedded default `npm start` runs on (SQLite, no MySQL), end to end through the gateway,
// with the linker reading its change feeds in many small pages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from './helpers/stack.js';
import { allOrders, allUnlinked, assertLifecyclesMatchTruth, assertLinksMatchTruth, expectedUnlinked } from './helpers/truth.js';
import Database from 'better-sqlite3';
import { createLiveOrder } from '../legacy-sim/src/live.js';
import { generate } from '../legacy-sim/src/generator.js';

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
    // Batch locks the rules asked for are in WMS before its stock is read below.
    await stack.outbox.runOnce();
    const res = await stack.query(
      `query($id: ID!) { order(id: $id) { erpOrderNo totalAmount customer { grade level } lines { amount sku { code spec availableQuantity } } outbound { outboundNo lines { batchNo expiresOn location { floor } } } shipment { waybillNo status } } }`,
      { id: t.waybill!.waybillNo },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const o = res.data.order;
    const codes: string[] = o.lines.map((l: any) => l.sku.code);
    assert.equal(o.erpOrderNo, t.erpOrderNo);
    assert.equal(o.totalAmount, t.totalAmount);
    assert.equal(o.outbound.outboundNo, t.outbound!.outboundNo);
    assert.equal(o.shipment.status, 'SIGNED');
    // Each SKU's spec as the catalog has it, and what is available as WMS's t_stock says: what is
    // not locked, summed over its lots (a lot locked beyond its quantity counts nothing).
    const catalog = generate(stack.seedOptions).world.sku;
    const wms = new Database(stack.targets.wmsUrl.replace(/^sqlite:/, ''), { readonly: true });
    try {
      const available = (sku: string) => Number((wms.prepare('SELECT COALESCE(SUM(MAX(0, qty - locked_qty)), 0) AS n FROM t_stock WHERE sku = ?').get(sku) as { n: number }).n);
      assert.deepEqual(
        o.lines.map((l: any) => [l.sku.spec, l.sku.availableQuantity]),
        o.lines.map((l: any, i: number) => [catalog.get(codes[i])!.model, available(codes[i])]),
      );
    } finally {
      wms.close();
    }
  });

  test('a new order written while the graph runs is linked by all its numbers', async () => {
    const known = new Set((await allOrders(stack)).map((o) => o.id));
    const live = await createLiveOrder({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, 99);
    const deadline = Date.now() + 5000;
    let orders: any[] = [];
    while (Date.now() < deadline) {
      const answers = await Promise.all([live.erpOrderNo, live.outboundNo, live.waybillNo].map((id) => stack.query(`query($id: ID!) { order(id: $id) { id erpOrderNo wmsOutboundNo tmsWaybillNo } }`, { id })));
      orders = answers.map((a) => a.data?.order ?? null);
      if (orders.every((o) => o?.tmsWaybillNo === live.waybillNo)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // One new order, the same one by each of its numbers, carrying all three.
    const id = orders[0]?.id;
    assert.match(id, /^OH\d{10}$/);
    assert.equal(known.has(id), false, `${id} is a new order`);
    const whole = { id, erpOrderNo: live.erpOrderNo, wmsOutboundNo: live.outboundNo, tmsWaybillNo: live.waybillNo };
    assert.deepEqual(orders, [whole, whole, whole]);
  });
});
