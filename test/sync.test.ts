// The sync loses nothing: rows that become visible in a legacy system with a modify time older than
// what the hub has already read (a long transaction, a batch import, an application server whose
// clock is behind) are still read, within a few rounds, and re-reading doubles nothing.
// Written straight into the legacy tables and the TMS store, checked through the gateway.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from './helpers/stack.js';
import { copyOrderStory, feedPosition, openLegacy, shiftBeijing, type CopiedOrder, type LegacyWriter } from './helpers/legacy-writes.js';
import { Random } from '../legacy-sim/src/random.js';
import { formatBeijing } from '../common/src/time.js';
import type { TruthOrder } from '../legacy-sim/src/types.js';

let stack: Stack;
let legacy: LegacyWriter;
const LATE_COMMIT_MS = 600_000;
const EVERY_ROUNDS = 4;

const ORDER = `query($id: ID!) { order(id: $id) { erpOrderNo wmsOutboundNo tmsWaybillNo links { system documentNo method } } }`;

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(new URL('/metrics', stack.subgraphUrls['order-link']))).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) && want.every((w) => line.includes(w))) sum += Number(line.split(' ').pop());
  return sum;
}

async function orderCount(): Promise<number> {
  const res = await stack.query('{ orders(first: 1) { totalCount } }');
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data.orders.totalCount;
}

/** Waits until every copy reads back whole through the gateway; returns how long it took. */
async function untilLinked(copies: CopiedOrder[], timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const answers = await Promise.all(copies.map((c) => stack.query(ORDER, { id: c.erpOrderNo })));
    const done = answers.every((a, i) => a.data?.order?.wmsOutboundNo === copies[i].outboundNo && a.data?.order?.tmsWaybillNo === copies[i].waybillNo);
    if (done) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) {
      const missing = answers.map((a, i) => [copies[i], a.data?.order]).filter(([c, o]: any) => o?.wmsOutboundNo !== c.outboundNo || o?.tmsWaybillNo !== c.waybillNo);
      assert.fail(`not read within ${timeoutMs} ms: ${JSON.stringify(missing.slice(0, 3))}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stories the hub links by exact reference end to end: their copies must link the same way. */
function referenceStories(): TruthOrder[] {
  return stack.truth.orders.filter((o) => o.outbound?.method === 'REFERENCE' && o.waybill?.method === 'REFERENCE' && o.expectedStatus !== 'CANCELLED');
}

before(async () => {
  stack = await startStack({
    name: 'sync',
    orders: 300,
    env: { SYNC_LATE_COMMIT_MS: String(LATE_COMMIT_MS), SYNC_LATE_EVERY_ROUNDS: String(EVERY_ROUNDS), LINK_POLL_MS: '250' },
  });
  legacy = await openLegacy(stack);
});

after(async () => {
  await legacy?.close();
  await stack?.close();
});

describe('late commits', () => {
  test('rows stamped up to SYNC_LATE_COMMIT_MS behind the feed position are read within a few rounds, each once', async () => {
    const rng = new Random(1207);
    const stories = referenceStories();
    assert.ok(stories.length >= 40, `enough stories linked by reference (${stories.length})`);
    // The rules' effects written into ERP move its feed on: settle them before taking the positions.
    while ((await stack.outbox.runOnce()) > 0);
    await stack.linker.runFreshRound();
    await stack.linker.runFreshRound();
    const before = await orderCount();
    const lateBefore = { erp: await metric('sync_late_rows_total', { source: 'erp' }), wms: await metric('sync_late_rows_total', { source: 'wms' }), tms: await metric('sync_late_rows_total', { source: 'tms' }) };
    const position = { erp: await feedPosition(stack, 'erp'), wms: await feedPosition(stack, 'wms'), tms: await feedPosition(stack, 'tms') };
    // Written while no round runs, so that what counts as late is exactly what was stamped late.
    await stack.linker.stop();
    // Generated variants: which systems commit late, and by how much (beyond the 3 s overlap, within the horizon).
    const late = { erp: 0, wms: 0, tms: 0 };
    const copies: CopiedOrder[] = [];
    for (let i = 0; i < 24; i++) {
      const original = stories[rng.int(0, stories.length - 1)];
      const which = { erp: rng.chance(0.6), wms: rng.chance(0.6), tms: rng.chance(0.6) };
      if (!which.erp && !which.wms && !which.tms) which[(['erp', 'wms', 'tms'] as const)[i % 3]] = true;
      const stamp = (s: 'erp' | 'wms' | 'tms') => {
        if (!which[s]) return shiftBeijing(position[s], 1_000); // on time: just ahead of the position
        late[s]++;
        return shiftBeijing(position[s], -rng.int(5_000, LATE_COMMIT_MS - 30_000));
      };
      copies.push(await copyOrderStory(legacy, original, i, { erp: stamp('erp'), wms: stamp('wms'), tms: stamp('tms') }));
    }
    // Rounds driven one by one: the late lane looks every EVERY_ROUNDS rounds, so by then all is read.
    let rounds = 0;
    const linked = async () =>
      (await Promise.all(copies.map((c) => stack.query(ORDER, { id: c.erpOrderNo })))).every(
        (a, i) => a.data?.order?.wmsOutboundNo === copies[i].outboundNo && a.data?.order?.tmsWaybillNo === copies[i].waybillNo,
      );
    do {
      await stack.linker.runFreshRound();
      rounds++;
    } while (!(await linked()) && rounds < 3 * EVERY_ROUNDS);
    assert.ok(rounds <= EVERY_ROUNDS, `late rows read within ${rounds} rounds`);
    stack.linker.start();
    for (const c of copies) {
      const res = await stack.query(ORDER, { id: c.erpOrderNo });
      assert.deepEqual(
        res.data.order.links.map((l: any) => [l.system, l.documentNo, l.method]).sort(),
        [['ERP', c.erpOrderNo, 'REFERENCE'], ['TMS', c.waybillNo, 'REFERENCE'], ['WMS', c.outboundNo, 'REFERENCE']],
        `${c.erpOrderNo} links`,
      );
    }
    // Every late row counted as such, and nothing else.
    for (const s of ['erp', 'wms', 'tms'] as const) {
      assert.equal((await metric('sync_late_rows_total', { source: s })) - lateBefore[s], late[s], `${s} late rows counted`);
    }
    // Re-read every few rounds from now on: nothing doubles, nothing more is counted late.
    const looks = await metric('legacy_calls_total', { system: 'erp', operation: 'sync.SO_SOMain.versions' });
    for (let i = 0; i < 3 * EVERY_ROUNDS; i++) await stack.linker.runFreshRound();
    assert.ok((await metric('legacy_calls_total', { system: 'erp', operation: 'sync.SO_SOMain.versions' })) > looks, 'the late lane kept looking');
    assert.equal(await orderCount(), before + copies.length, 'one order per ERP order');
    const [{ n }] = await stack.orderLink.hubDb.query(
      `SELECT COUNT(*) AS n FROM hub_document WHERE document_no IN (${copies.flatMap((c) => [c.outboundNo, c.waybillNo]).map(() => '?').join(', ')})`,
      copies.flatMap((c) => [c.outboundNo, c.waybillNo]),
    );
    assert.equal(Number(n), copies.length * 2, 'one hub document per legacy document');
    for (const s of ['erp', 'wms', 'tms'] as const) {
      assert.equal((await metric('sync_late_rows_total', { source: s })) - lateBefore[s], late[s], `${s}: nothing counted late twice`);
    }
  });
});

const SWEEP = `mutation($from: Date!, $to: Date!) { runSyncSweep(from: $from, to: $to) {
  id trigger from to finishedAt daysCompared daysDiffering keysCompared repaired failedSystems
  repairs { system documentNo kind legacyVersion hubVersion messageZh messageEn }
} }`;

describe('completeness sweep', () => {
  test('rows beyond the horizon, stale versions and deleted rows are found by keys, repaired, counted and listed for ops', async () => {
    const rng = new Random(4099);
    const ops = await stack.token('ops');
    while ((await stack.outbox.runOnce()) > 0);
    await stack.linker.runFreshRound();
    await stack.linker.runFreshRound();
    const position = { erp: await feedPosition(stack, 'erp'), wms: await feedPosition(stack, 'wms'), tms: await feedPosition(stack, 'tms') };
    const beyond = (s: 'erp' | 'wms') => shiftBeijing(position[s], -(LATE_COMMIT_MS + rng.int(60_000, 7_200_000)));
    const expected: string[] = [];
    const used = new Set<string>();
    const pick = (ok: (o: TruthOrder) => boolean) => {
      const pool = stack.truth.orders.filter((o) => !used.has(o.erpOrderNo) && ok(o));
      const o = pool[rng.int(0, pool.length - 1)];
      used.add(o.erpOrderNo);
      return o;
    };
    const stories = referenceStories();

    // Beyond the horizon: the order and its outbound committed far too late for the feeds; the
    // waybill (TMS writes through its API, at once) on time, naming an outbound the hub does not know.
    const copies: CopiedOrder[] = [];
    for (let i = 0; i < 6; i++) {
      const original = stories[rng.int(0, stories.length - 1)];
      const copy = await copyOrderStory(legacy, original, 100 + i, { erp: beyond('erp'), wms: beyond('wms'), tms: shiftBeijing(position.tms, 1_000) });
      copies.push(copy);
      expected.push(`ERP ${copy.erpOrderNo} MISSING`, `WMS ${copy.outboundNo} MISSING`);
    }
    // Stale: orders cancelled in ERP by a writer stamping an old modify time (still newer than the version the hub read).
    const cancelled: string[] = [];
    for (let i = 0; i < 3; i++) {
      const o = pick((t) => t.expectedStatus !== 'CANCELLED' && t.expectedStatus !== 'COMPLETED' && !t.outbound);
      const [{ dModifyTime }] = await legacy.erp.query('SELECT dModifyTime FROM SO_SOMain WHERE cSOCode = ?', [o.erpOrderNo]);
      const stamped = shiftBeijing(String(dModifyTime).slice(0, 19), 1_000);
      assert.ok(stamped < shiftBeijing(position.erp, -LATE_COMMIT_MS), 'stamped beyond the horizon');
      await legacy.erp.query('UPDATE SO_SOMain SET iStatus = 9, dModifyTime = ? WHERE cSOCode = ?', [stamped, o.erpOrderNo]);
      cancelled.push(o.erpOrderNo);
      expected.push(`ERP ${o.erpOrderNo} STALE`);
    }
    // Deleted: an outbound whose waybill names it, a waybill, an order with no documents.
    const lostOutbound = pick((t) => t.outbound?.method === 'REFERENCE' && t.waybill?.method === 'REFERENCE');
    await legacy.wms.query('DELETE FROM t_out_line WHERE out_no = ?', [lostOutbound.outbound!.outboundNo]);
    await legacy.wms.query('DELETE FROM t_out_order WHERE out_no = ?', [lostOutbound.outbound!.outboundNo]);
    expected.push(`WMS ${lostOutbound.outbound!.outboundNo} DELETED`);
    const lostWaybill = pick((t) => t.outbound?.method === 'REFERENCE' && t.waybill?.method === 'REFERENCE');
    await legacy.tms.query('DELETE FROM tms_track WHERE waybill_no = ?', [lostWaybill.waybill!.waybillNo]);
    await legacy.tms.query('DELETE FROM tms_waybill WHERE waybill_no = ?', [lostWaybill.waybill!.waybillNo]);
    expected.push(`TMS ${lostWaybill.waybill!.waybillNo} DELETED`);
    const lostOrder = pick((t) => !t.outbound && !t.waybill);
    await legacy.erp.query('DELETE FROM SO_SODetails WHERE cSOCode = ?', [lostOrder.erpOrderNo]);
    await legacy.erp.query('DELETE FROM SO_SOMain WHERE cSOCode = ?', [lostOrder.erpOrderNo]);
    expected.push(`ERP ${lostOrder.erpOrderNo} DELETED`);

    // The feeds alone never see any of it.
    for (let i = 0; i < 2 * EVERY_ROUNDS; i++) await stack.linker.runFreshRound();
    for (const c of copies) assert.equal((await stack.query(ORDER, { id: c.erpOrderNo })).data.order, null, `${c.erpOrderNo} not read by the feeds`);

    const before = await metric('sync_sweep_repairs_total', {});
    const res = await stack.query(SWEEP, { from: '2025-11-07', to: '2025-11-10' }, { token: ops });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const sweep = res.data.runSyncSweep;
    assert.equal(sweep.trigger, 'MANUAL');
    assert.deepEqual(sweep.failedSystems, []);
    assert.deepEqual(sweep.repairs.map((r: any) => `${r.system} ${r.documentNo} ${r.kind}`).sort(), expected.sort());
    assert.equal(sweep.repaired, expected.length);
    for (const r of sweep.repairs) assert.ok(r.messageZh && r.messageEn.includes(r.documentNo));
    assert.equal((await metric('sync_sweep_repairs_total', {})) - before, expected.length, 'repairs counted in /metrics');

    // Repaired, as the graph shows it.
    await untilLinked(copies, 10_000);
    for (const no of cancelled) assert.equal((await stack.query(`query($id: ID!) { order(id: $id) { status } }`, { id: no })).data.order.status, 'CANCELLED', `${no} cancelled`);
    const afterOutbound = (await stack.query(ORDER, { id: lostOutbound.erpOrderNo })).data.order;
    assert.equal(afterOutbound.wmsOutboundNo, null, 'a deleted outbound is no longer the order’s');
    assert.equal(afterOutbound.tmsWaybillNo, null, 'nor is the waybill that named it');
    const unlinked = await stack.query('{ unlinkedDocuments(system: TMS, first: 200) { edges { node { documentNo reason } } } }');
    assert.ok(
      unlinked.data.unlinkedDocuments.edges.some((e: any) => e.node.documentNo === lostOutbound.waybill!.waybillNo && e.node.reason === 'REFERENCE_NOT_FOUND'),
      'the waybill naming a deleted outbound is listed unlinked',
    );
    assert.equal((await stack.query(ORDER, { id: lostWaybill.erpOrderNo })).data.order.tmsWaybillNo, null, 'a deleted waybill is no longer the order’s');

    // Everything agrees now: the next sweep compares digests only and repairs nothing.
    const again = (await stack.query(SWEEP, { from: '2025-11-07', to: '2025-11-10' }, { token: ops })).data.runSyncSweep;
    assert.equal(again.repaired, 0, JSON.stringify(again.repairs));
    assert.equal(again.daysDiffering, 0);
    const listed = await stack.query('{ syncSweeps(first: 2) { id trigger repaired repairs { kind } } }', {}, { token: ops });
    assert.deepEqual(listed.data.syncSweeps.map((s: any) => [s.id, s.repaired]), [[again.id, 0], [sweep.id, expected.length]]);
    // Not for everyone.
    const denied = await stack.query('{ syncSweeps { id } }', {}, { token: await stack.token('sales') });
    assert.equal(denied.data?.syncSweeps ?? null, null);
    assert.ok(denied.errors?.length);
  });
});

describe('documents changing after linking', () => {
  test('an order given to another customer loses its outbound to CUSTOMER_MISMATCH and gets it back when corrected; a re-pointed waybill follows its new reference', async () => {
    const rng = new Random(31);
    const stories = referenceStories().filter((o) => !stack.truth.orders.some((x) => x !== o && x.outbound?.outboundNo === o.outbound?.outboundNo));
    const customers: string[] = (await legacy.erp.query('SELECT cCusCode FROM Customer')).map((r: any) => r.cCusCode);
    const moved = Array.from({ length: 4 }, () => stories.splice(rng.int(0, stories.length - 1), 1)[0]);
    const repointed = stories.splice(rng.int(0, stories.length - 1), 1)[0];
    const now = () => formatBeijing(Date.now());
    const owner = new Map<string, string>();
    for (const o of moved) {
      const [{ cCusCode }] = await legacy.erp.query('SELECT cCusCode FROM SO_SOMain WHERE cSOCode = ?', [o.erpOrderNo]);
      owner.set(o.erpOrderNo, cCusCode);
      const other = customers.filter((c) => c !== cCusCode)[rng.int(0, customers.length - 2)];
      await legacy.erp.query('UPDATE SO_SOMain SET cCusCode = ?, dModifyTime = ? WHERE cSOCode = ?', [other, now(), o.erpOrderNo]);
    }
    await legacy.tms.query('UPDATE tms_waybill SET customer_ref = ?, update_time = ? WHERE waybill_no = ?', ['CK20991231-001', now(), repointed.waybill!.waybillNo]);

    const unlinked = async () => {
      const res = await stack.query('{ unlinkedDocuments(first: 200) { edges { node { system documentNo reason } } } }');
      return new Map<string, string>(res.data.unlinkedDocuments.edges.map((e: any) => [`${e.node.system}:${e.node.documentNo}`, e.node.reason]));
    };
    await until(async () => {
      const orders = await Promise.all([...moved, repointed].map((o) => stack.query(ORDER, { id: o.erpOrderNo })));
      return orders.slice(0, moved.length).every((r) => r.data.order.wmsOutboundNo == null) && orders[moved.length].data.order.tmsWaybillNo == null;
    }, 20_000, 'the link decisions made again');
    const listed = await unlinked();
    for (const o of moved) {
      assert.equal(listed.get(`WMS:${o.outbound!.outboundNo}`), 'CUSTOMER_MISMATCH', `${o.outbound!.outboundNo} no longer agrees with ${o.erpOrderNo}`);
      assert.equal(listed.get(`TMS:${o.waybill!.waybillNo}`), 'OUTBOUND_UNLINKED', `${o.waybill!.waybillNo} follows its outbound`);
    }
    assert.equal(listed.get(`TMS:${repointed.waybill!.waybillNo}`), 'REFERENCE_NOT_FOUND');

    // Corrected back: the same decision, made again, links them as before.
    for (const o of moved) await legacy.erp.query('UPDATE SO_SOMain SET cCusCode = ?, dModifyTime = ? WHERE cSOCode = ?', [owner.get(o.erpOrderNo), now(), o.erpOrderNo]);
    await until(async () => {
      const orders = await Promise.all(moved.map((o) => stack.query(ORDER, { id: o.erpOrderNo })));
      return orders.every((r, i) => r.data.order.wmsOutboundNo === moved[i].outbound!.outboundNo && r.data.order.tmsWaybillNo === moved[i].waybill!.waybillNo);
    }, 20_000, 'linked again once corrected');
  });

  test('an outbound cancelled in the WMS after linking is no longer the order\'s outbound: the order records it, and a replacement links (by reference, or matched)', async () => {
    const rng = new Random(47);
    const { hubDb } = stack.orderLink;
    // Stories whole in the hub now (the test before re-points a waybill for good).
    const whole = new Set(
      (await hubDb.query('SELECT erp_order_no, wms_outbound_no, tms_waybill_no FROM hub_order')).map((r: any) => `${r.erp_order_no}|${r.wms_outbound_no}|${r.tms_waybill_no}`),
    );
    const stories = referenceStories().filter(
      (o) => !stack.truth.orders.some((x) => x !== o && x.outbound?.outboundNo === o.outbound?.outboundNo) && whole.has(`${o.erpOrderNo}|${o.outbound!.outboundNo}|${o.waybill!.waybillNo}`),
    );
    const byReference = stories.splice(rng.int(0, stories.length - 1), 1)[0];
    // The matched replacement must have exactly one order to fit: none other of the customer with the same goods and no outbound.
    let matched: TruthOrder | undefined;
    for (const o of stories.sort(() => rng.next() - 0.5)) {
      const [{ n }] = await hubDb.query(
        `SELECT COUNT(*) AS n FROM hub_order o JOIN hub_order me ON me.erp_order_no = ? WHERE o.customer_code = me.customer_code AND o.sku_signature = me.sku_signature AND o.id <> me.id AND o.cancelled = 0`,
        [o.erpOrderNo],
      );
      if (Number(n) === 0) {
        matched = o;
        break;
      }
    }
    assert.ok(matched, 'a story whose goods no other order of its customer has');
    const now = () => formatBeijing(Date.now());
    const ORDER_FULL = `query($id: ID!) { order(id: $id) { erpOrderNo wmsOutboundNo tmsWaybillNo links { system documentNo method } events(first: 500) { type documentNo messageEn } } }`;
    const cancelled = [byReference, matched!].map((o) => o.outbound!.outboundNo);
    for (const no of cancelled) await legacy.wms.query('UPDATE t_out_order SET status = 90, update_time = ? WHERE out_no = ?', [now(), no]);

    await until(async () => {
      const orders = await Promise.all([byReference, matched!].map((o) => stack.query(ORDER, { id: o.erpOrderNo })));
      return orders.every((r) => r.data.order.wmsOutboundNo == null);
    }, 20_000, 'the cancelled outbounds no longer the orders\' outbounds');
    const listed = await stack.query('{ unlinkedDocuments(system: WMS, first: 200) { edges { node { system documentNo reason } } } }');
    assert.equal(listed.errors, undefined, JSON.stringify(listed.errors));
    const listedNos = new Set(listed.data.unlinkedDocuments.edges.map((e: any) => `${e.node.system}:${e.node.documentNo}`));
    for (const [i, o] of [byReference, matched!].entries()) {
      const res = await stack.query(ORDER_FULL, { id: o.erpOrderNo });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const order = res.data.order;
      assert.ok(!order.links.some((l: any) => l.documentNo === cancelled[i]), `${cancelled[i]} is no link of ${o.erpOrderNo} any more`);
      const unlinkedEvents = order.events.filter((e: any) => e.type === 'DOCUMENT_UNLINKED' && e.documentNo === cancelled[i]);
      assert.equal(unlinkedEvents.length, 1, `${o.erpOrderNo} records the cancellation once: ${JSON.stringify(order.events)}`);
      assert.match(unlinkedEvents[0].messageEn, /cancelled in the warehouse system/);
      // A cancelled outbound is nothing for staff to link by hand.
      assert.ok(!listedNos.has(`WMS:${cancelled[i]}`), `${cancelled[i]} is not listed as unlinked`);
    }
    const [state] = await hubDb.query("SELECT state, reason, order_id, doc_status FROM hub_document WHERE system = 'WMS' AND document_no = ?", [cancelled[0]]);
    const [{ id: orderId }] = await hubDb.query('SELECT id FROM hub_order WHERE erp_order_no = ?', [byReference.erpOrderNo]);
    assert.deepEqual({ ...state, order_id: Number(state.order_id) }, { state: 'CANCELLED', reason: 'OUTBOUND_CANCELLED', order_id: Number(orderId), doc_status: 'CANCELLED' });

    // Replacements, as the warehouse makes them: the same lines under a new number — one naming the
    // order, one naming nothing (matched by customer, day and goods) — and the waybill re-pointed.
    const replacements: string[] = [];
    for (const [i, o] of [byReference, matched!].entries()) {
      const no = `CK${o.outbound!.outboundNo.slice(2, 10)}-${String(950_000 + i)}`;
      replacements.push(no);
      const [row] = await legacy.wms.query('SELECT * FROM t_out_order WHERE out_no = ?', [o.outbound!.outboundNo]);
      const { id: _id, ...copy } = row;
      await legacy.wms.query(
        `INSERT INTO t_out_order (${Object.keys(copy).join(', ')}) VALUES (${Object.keys(copy).map(() => '?').join(', ')})`,
        Object.values({ ...copy, out_no: no, ref_no: i === 0 ? o.erpOrderNo : null, status: 10, pick_start_time: null, pick_end_time: null, ship_time: null, update_time: now() }),
      );
      await legacy.wms.query(
        'INSERT INTO t_out_line (out_no, line_no, sku, batch_no, loc_code, plan_qty, picked_qty) SELECT ?, line_no, sku, batch_no, loc_code, plan_qty, NULL FROM t_out_line WHERE out_no = ?',
        [no, o.outbound!.outboundNo],
      );
      const [{ customer_ref }] = await legacy.tms.query('SELECT customer_ref FROM tms_waybill WHERE waybill_no = ?', [o.waybill!.waybillNo]);
      if (customer_ref === o.outbound!.outboundNo) await legacy.tms.query('UPDATE tms_waybill SET customer_ref = ?, update_time = ? WHERE waybill_no = ?', [no, now(), o.waybill!.waybillNo]);
    }
    await until(async () => {
      const orders = await Promise.all([byReference, matched!].map((o) => stack.query(ORDER, { id: o.erpOrderNo })));
      return orders.every((r, i) => r.data.order.wmsOutboundNo === replacements[i]);
    }, 20_000, 'the replacement outbounds linked');
    for (const [i, o] of [byReference, matched!].entries()) {
      const res = await stack.query(ORDER_FULL, { id: o.erpOrderNo });
      const wms = res.data.order.links.filter((l: any) => l.system === 'WMS');
      assert.deepEqual(wms, [{ system: 'WMS', documentNo: replacements[i], method: i === 0 ? 'REFERENCE' : 'MATCHED' }]);
      assert.equal(res.data.order.tmsWaybillNo, o.waybill!.waybillNo, `${o.waybill!.waybillNo} follows to the replacement`);
      assert.equal(res.data.order.events.filter((e: any) => e.type === 'DOCUMENT_LINKED' && e.documentNo === replacements[i]).length, 1);
    }
  });
});

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a lease holder killed between its writes and the wake-ups they owed', () => {
  /** Stories the tests above left as the generator wrote them: linked whole, by reference. */
  async function untouched(count: number, seed: number, fits: (o: TruthOrder) => Promise<boolean> = async () => true): Promise<TruthOrder[]> {
    const rng = new Random(seed);
    const stories = referenceStories().filter((o) => !stack.truth.orders.some((x) => x !== o && x.outbound?.outboundNo === o.outbound?.outboundNo));
    const found: TruthOrder[] = [];
    while (found.length < count && stories.length) {
      const o = stories.splice(rng.int(0, stories.length - 1), 1)[0];
      const res = await stack.query(ORDER, { id: o.erpOrderNo });
      if (res.data.order.wmsOutboundNo === o.outbound!.outboundNo && res.data.order.tmsWaybillNo === o.waybill!.waybillNo && (await fits(o))) found.push(o);
    }
    assert.equal(found.length, count, 'enough untouched stories');
    return found;
  }
  const unlink = "UPDATE hub_document SET state = 'UNLINKED', order_id = NULL, method = NULL, confidence = NULL, linked_at = NULL, candidates = NULL, reason = ? WHERE system = ? AND document_no = ?";
  const wokenMark = async () => JSON.parse((await stack.orderLink.hubDb.query("SELECT position FROM hub_sync_cursor WHERE source = 'link-woken'"))[0].position) as { orderId: number; changedUs: number };
  const setMark = (mark: { orderId: number; changedUs: number }) => stack.orderLink.hubDb.query("UPDATE hub_sync_cursor SET position = ? WHERE source = 'link-woken'", [JSON.stringify(mark)]);

  async function relinkedByNextTerm(owed: TruthOrder[]) {
    stack.orderLink.linker.start();
    await untilLinked(owed.map((o) => ({ erpOrderNo: o.erpOrderNo, outboundNo: o.outbound!.outboundNo, waybillNo: o.waybill!.waybillNo }) as CopiedOrder), 20_000);
    for (const o of owed) {
      const res = await stack.query(ORDER, { id: o.erpOrderNo });
      assert.deepEqual(
        res.data.order.links.map((l: any) => [l.system, l.documentNo, l.method]).sort(),
        [['ERP', o.erpOrderNo, 'REFERENCE'], ['TMS', o.waybill!.waybillNo, 'REFERENCE'], ['WMS', o.outbound!.outboundNo, 'REFERENCE']],
        `${o.erpOrderNo} linked by reference again`,
      );
    }
  }

  /** Every document's link but the owed ones': the look must decide nothing else differently. */
  const linksBesides = async (owed: TruthOrder[]) => {
    const skip = new Set(owed.flatMap((o) => [o.outbound!.outboundNo, o.waybill!.waybillNo]));
    const rows = await stack.orderLink.hubDb.query('SELECT system, document_no, state, order_id, method, reason FROM hub_document ORDER BY system, document_no');
    return rows.filter((r: any) => !skip.has(r.document_no)).map((r: any) => [r.system, r.document_no, r.state, r.order_id == null ? null : Number(r.order_id), r.method, r.reason].join(' '));
  };

  test("orders it inserted: their waiting outbounds and waybills are linked by the next term's first round, though no feed names them again", async () => {
    const hub = stack.orderLink.hubDb;
    const idOf = async (o: TruthOrder) => Number((await hub.query('SELECT id FROM hub_order WHERE erp_order_no = ?', [o.erpOrderNo]))[0].id);
    // The last three orders the hub inserted among those left as generated: a kill owes only what came after the mark.
    const candidates = await untouched(12, 47);
    const withIds = await Promise.all(candidates.map(async (o) => ({ o, id: await idOf(o) })));
    const owed = withIds.sort((a, b) => b.id - a.id).slice(0, 3).map((x) => x.o);
    const ids = withIds.sort((a, b) => b.id - a.id).slice(0, 3).map((x) => x.id);
    await stack.orderLink.linker.stop();
    const others = await linksBesides(owed);
    // What a holder killed after inserting the orders and before waking their documents leaves: the
    // orders known and written after the last clean round's mark, their outbounds and waybills waiting
    // as they were decided before the orders arrived, the feeds' cursors past all of them.
    const mark = await wokenMark();
    assert.ok(Math.min(...ids) <= mark.orderId, 'the last clean round had woken them');
    for (const o of owed) {
      await hub.query(unlink, ['REFERENCE_NOT_FOUND', 'WMS', o.outbound!.outboundNo]);
      await hub.query(unlink, ['OUTBOUND_UNLINKED', 'TMS', o.waybill!.waybillNo]);
      await hub.query('UPDATE hub_order SET wms_outbound_no = NULL, tms_waybill_no = NULL WHERE erp_order_no = ?', [o.erpOrderNo]);
    }
    await setMark({ ...mark, orderId: Math.min(...ids) - 1 });
    for (const o of owed) {
      const res = await stack.query(ORDER, { id: o.erpOrderNo });
      assert.deepEqual([res.data.order.wmsOutboundNo, res.data.order.tmsWaybillNo], [null, null], `${o.erpOrderNo} waits as the killed holder left it`);
    }
    await relinkedByNextTerm(owed);
    assert.deepEqual(await linksBesides(owed), others, 'no other document decided differently');
  });

  test("outbounds it linked: their waybills follow in the next term's first round", async () => {
    const hub = stack.orderLink.hubDb;
    // Waybills that name their outbound, not the order: only the outbound's link wakes them.
    const owed = await untouched(2, 48, async (o) => (await hub.query("SELECT reference_doc FROM hub_document WHERE system = 'TMS' AND document_no = ?", [o.waybill!.waybillNo]))[0]?.reference_doc === o.outbound!.outboundNo);
    await stack.orderLink.linker.stop();
    const mark = await wokenMark();
    const others = await linksBesides(owed);
    for (const o of owed) {
      // Linked again by the killed holder (the database stamps the write past the mark), its waybill not followed.
      await hub.query("UPDATE hub_document SET linked_at = linked_at + 1 WHERE system = 'WMS' AND document_no = ?", [o.outbound!.outboundNo]);
      await hub.query(unlink, ['OUTBOUND_UNLINKED', 'TMS', o.waybill!.waybillNo]);
      await hub.query('UPDATE hub_order SET tms_waybill_no = NULL WHERE erp_order_no = ?', [o.erpOrderNo]);
      const res = await stack.query(ORDER, { id: o.erpOrderNo });
      assert.deepEqual([res.data.order.wmsOutboundNo, res.data.order.tmsWaybillNo], [o.outbound!.outboundNo, null], `${o.erpOrderNo}'s waybill waits as the killed holder left it`);
    }
    assert.equal((await wokenMark()).changedUs, mark.changedUs, 'nothing moved the mark meanwhile');
    await relinkedByNextTerm(owed);
    assert.deepEqual(await linksBesides(owed), others, 'no other document decided differently');
  });
});
