// The order event log (issue 13): every change the hub learns of an order is an event, recorded in
// the writer's transaction, numbered per order and across orders, said in Chinese and English, and
// recorded once however often the same thing is read again. Checked over every seeded order against
// what the graph says about it, on MariaDB (and the triggers once on SQLite).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDataSource } from '../common/src/db.js';
import { holdToldCustomer } from '../subgraphs/order-link/src/blockers.js';
import { createLogger } from '../common/src/logger.js';
import type { LegacySystem } from '../common/src/legacy.js';
import { HUB_MIGRATIONS } from '../subgraphs/order-link/src/server.js';
import { EventLog } from '../subgraphs/order-link/src/events/log.js';
import { startStack, type Stack } from './helpers/stack.js';

const EVENT_FIELDS = 'id orderId sequence type source at recordedAt stage documentNo code messageZh messageEn customerCode storeCode region';
const CJK = /[\u4e00-\u9fff]/;

async function ordersWithEvents(stack: Stack): Promise<any[]> {
  const out: any[] = [];
  let after: string | null = null;
  for (;;) {
    const r: any = await stack.query(
      `query($after: String) { orders(first: 25, after: $after) { edges { node { id erpOrderNo status links { system documentNo } lifecycle { stage recorded at sourceSystem } events(first: 100) { ${EVENT_FIELDS} } } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    out.push(...r.data.orders.edges.map((e: any) => e.node));
    if (!r.data.orders.pageInfo.hasNextPage) return out;
    after = r.data.orders.pageInfo.endCursor;
  }
}

async function head(stack: Stack): Promise<number> {
  const r = await stack.query(`{ orderEventLog(first: 0) { logEnd } }`);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return Number(r.data.orderEventLog.logEnd);
}

describe('order event log', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ name: 'evlog', orders: 400, seed: 2025, env: { LINK_POLL_MS: '60000' } });
    await stack.orderLink.events.runOnce();
  });
  after(async () => stack?.close());

  it('tells each order\'s story: created first, numbered 1..n, every recorded stage by its system, links as they stand, in both languages', async () => {
    const orders = await ordersWithEvents(stack);
    assert.equal(orders.length, stack.truth.orders.length);
    let stages = 0;
    for (const o of orders) {
      const ev = o.events;
      assert.deepEqual(
        ev.map((e: any) => e.sequence),
        ev.map((_: any, i: number) => i + 1),
        `${o.erpOrderNo}: numbered without gaps`,
      );
      for (let i = 1; i < ev.length; i++) assert.ok(Number(ev[i].id) > Number(ev[i - 1].id), `${o.erpOrderNo}: log order within the order`);
      assert.equal(ev[0].type, 'CREATED', o.erpOrderNo);
      assert.ok(ev.every((e: any) => e.orderId === o.id));
      // Every recorded lifecycle node was announced once, by the system that records it, with its time.
      const reached = ev.filter((e: any) => e.type === 'STAGE_REACHED' && e.stage !== 'CANCELLED');
      const recorded = o.lifecycle.filter((n: any) => n.recorded);
      assert.deepEqual(
        reached.map((e: any) => `${e.stage}:${e.source}`).sort(),
        recorded.map((n: any) => `${n.stage}:${n.sourceSystem}`).sort(),
        `${o.erpOrderNo}: stages announced = stages recorded`,
      );
      for (const n of recorded) assert.equal(reached.find((e: any) => e.stage === n.stage).at, n.at, `${o.erpOrderNo} ${n.stage} time`);
      stages += reached.length;
      assert.equal(ev.some((e: any) => e.type === 'STAGE_REACHED' && e.stage === 'CANCELLED'), o.status === 'CANCELLED', `${o.erpOrderNo}: cancellation`);
      // Replaying links and unlinks gives the documents linked now.
      const linked = new Set<string>();
      for (const e of ev) {
        if (e.type === 'DOCUMENT_LINKED') linked.add(`${e.source}:${e.documentNo}`);
        if (e.type === 'DOCUMENT_UNLINKED') linked.delete(`${e.source}:${e.documentNo}`);
      }
      assert.deepEqual([...linked].sort(), o.links.filter((l: any) => l.system !== 'ERP').map((l: any) => `${l.system}:${l.documentNo}`).sort(), `${o.erpOrderNo}: links`);
      for (const e of ev) {
        assert.match(e.messageZh, CJK, `${e.type} in Chinese`);
        assert.match(e.messageEn, /^[A-Z][a-z]+ /, `${e.type} in English: ${e.messageEn}`);
        if (e.documentNo) assert.ok(e.messageZh.includes(e.documentNo) && e.messageEn.includes(e.documentNo), `${e.type} names ${e.documentNo}`);
      }
    }
    assert.ok(stages > orders.length, 'the seeded orders reached stages');
  });

  it('records nothing more when every change feed is read again from the start', async () => {
    const before = await head(stack);
    assert.ok(before > 0);
    await stack.orderLink.hubDb.query('DELETE FROM hub_sync_cursor');
    await stack.linker.runRound();
    await stack.linker.runRound();
    await stack.orderLink.events.runOnce();
    assert.equal(await head(stack), before);
  });

  it('records a hold decided by a person, after the hold, with its rule and decision', async () => {
    const ops = await stack.token('ops');
    const open = await stack.query(`{ holds(state: OPEN, first: 1) { id ruleId approverRole order { id } } }`, {}, { token: ops });
    const hold = open.data.holds[0];
    assert.ok(hold, 'the seed holds some orders');
    const decider = await stack.token(hold.approverRole);
    const r = await stack.query(`mutation($id: ID!) { approveHold(id: $id, reason: "客户已确认 / confirmed with the customer") { hold { state } } }`, { id: hold.id }, { token: decider });
    assert.equal(r.data.approveHold.hold.state, 'APPROVED');
    // The decision nudged the recording of the order's blockers (its hold no longer blocks it): let
    // it finish here, not in the middle of the next test's count.
    await stack.orderLink.blockers.runOnce();
    await stack.orderLink.events.runOnce();
    const o = await stack.query(`query($id: ID!) { order(id: $id) { events(first: 500) { ${EVENT_FIELDS} } } }`, { id: hold.order.id });
    const ev = o.data.order.events;
    const placed = ev.findIndex((e: any) => e.type === 'HOLD_PLACED' && e.code === hold.ruleId);
    const decided = ev.findIndex((e: any) => e.type === 'HOLD_DECIDED' && e.code === hold.ruleId);
    assert.ok(placed >= 0 && decided > placed, 'placed, then decided');
    assert.equal(ev[decided].source, 'HUB');
    assert.match(ev[decided].messageEn, /approved by test-/);
    assert.match(ev[decided].messageZh, /批准/);
    // The customer reads the same two events in customer words: not the rule's internal reason, nor who decided.
    const owner = (await stack.query(`query($id: ID!) { order(id: $id) { customer { code } } }`, { id: hold.order.id }, { token: ops })).data.order.customer.code;
    const mine = await stack.query(`query($id: ID!) { order(id: $id) { events(first: 500) { ${EVENT_FIELDS} } } }`, { id: hold.order.id }, { token: await stack.token('customer', owner) });
    assert.equal(mine.errors, undefined, JSON.stringify(mine.errors));
    const told = mine.data.order.events.filter((e: any) => e.type === 'HOLD_PLACED' || e.type === 'HOLD_DECIDED');
    assert.deepEqual(
      told.map((e: any) => [e.type, e.messageZh, e.messageEn]),
      [
        ['HOLD_PLACED', holdToldCustomer(hold.ruleId, null, 'OPEN').zh, holdToldCustomer(hold.ruleId, null, 'OPEN').en],
        ['HOLD_DECIDED', holdToldCustomer(hold.ruleId, null, 'APPROVED').zh, holdToldCustomer(hold.ruleId, null, 'APPROVED').en],
      ],
    );
    assert.deepEqual(told.map((e: any) => e.code), [null, null], 'which rule held it is not the customer\'s to know');
    const internal = (await stack.orderLink.hubDb.query('SELECT internal_reason FROM hub_hold WHERE id = ?', [Number(hold.id.replace(/\D/g, ''))]))[0]?.internal_reason as string | undefined;
    for (const e of told) for (const text of [e.messageZh, e.messageEn]) assert.ok(!internal || !internal.split(' / ').some((half) => text.includes(half)), text);
  });

  it('numbers concurrent writers\' events without gaps or repeats when two instances number at once', async () => {
    const hubDb = stack.orderLink.hubDb;
    const logger = createLogger('test');
    const second = new EventLog(hubDb, stack.orderLink.hubSystem, null, logger, 100);
    const first = stack.orderLink.events;
    const start = await head(stack);
    const ids: number[] = (await hubDb.query("SELECT id FROM hub_order WHERE missing_nodes = '' ORDER BY id LIMIT 60")).map((r: any) => Number(r.id));
    // Lifecycle gaps raised and cleared on 60 orders by six writers, while both instances number.
    const writers = Array.from({ length: 6 }, async (_, w) => {
      for (const id of ids.filter((_: number, i: number) => i % 6 === w)) {
        await hubDb.query("UPDATE hub_order SET missing_nodes = 'PICKING' WHERE id = ? AND missing_nodes = ''", [id]);
        await hubDb.query("UPDATE hub_order SET missing_nodes = '' WHERE id = ? AND missing_nodes = 'PICKING'", [id]);
      }
    });
    const numbering = Array.from({ length: 8 }, (_, i) => (i % 2 ? second.sequence() : first.sequence()));
    await Promise.all([...writers, ...numbering]);
    await first.sequence();
    const rows = await hubDb.query('SELECT order_id, seq, position FROM hub_order_event WHERE position > ? ORDER BY position', [start]);
    assert.deepEqual(
      rows.map((r: any) => Number(r.position)),
      rows.map((_: unknown, i: number) => start + i + 1),
      'positions contiguous',
    );
    assert.equal(rows.length, 120);
    assert.equal(Number((await hubDb.query('SELECT COUNT(*) AS n FROM hub_order_event WHERE position IS NULL'))[0].n), 0);
    const seqs = new Map<number, number[]>();
    for (const r of await hubDb.query('SELECT order_id, seq FROM hub_order_event ORDER BY order_id, seq')) seqs.set(Number(r.order_id), [...(seqs.get(Number(r.order_id)) ?? []), Number(r.seq)]);
    for (const [id, list] of seqs) assert.deepEqual(list, list.map((_: number, i: number) => i + 1), `order ${id} numbered 1..n`);
  });
});

describe('order event triggers on the embedded SQLite default', () => {
  it('record the same events from the same writes', async () => {
    const db = await openDataSource('sqlite::memory:', { migrations: HUB_MIGRATIONS });
    try {
      await db.runMigrations({ transaction: 'each' });
      const now = Date.now();
      await db.query(
        `INSERT INTO hub_order (erp_order_no, customer_code, store_code, region, ordered_at, order_date, sku_signature, cancelled, status, paid_at, missing_nodes, created_at, updated_at)
         VALUES ('SO-20251108-001', 'C001', 'S01', '华东', ?, '2025-11-08', 'x', 0, 'PAID', ?, '', ?, ?)`,
        [now, now + 1, now, now],
      );
      const upsertDoc = (orderId: number | null, state: string) =>
        db.query(
          `INSERT INTO hub_document (system, document_no, order_id, state, milestones, first_seen_at, updated_at) VALUES ('WMS', 'CK20251108-001', ?, ?, '{}', ?, ?)
           ON CONFLICT (system, document_no) DO UPDATE SET order_id = excluded.order_id, state = excluded.state`,
          [orderId, state, now, now],
        );
      await upsertDoc(1, 'LINKED');
      await upsertDoc(1, 'LINKED'); // the same again: nothing new
      await db.query('UPDATE hub_order SET picking_at = ?, promised_at = ? WHERE id = 1', [now + 2, now + 3]);
      await db.query('UPDATE hub_order SET picking_at = ?, promised_at = ? WHERE id = 1', [now + 2, now + 4]);
      await upsertDoc(null, 'UNLINKED');
      const direct = { call: (_op: string, fn: () => Promise<unknown>) => fn() } as unknown as LegacySystem;
      const log = new EventLog(db, direct, null, createLogger('test'), 100);
      await log.sequence();
      const rows = await db.query('SELECT type, system, seq, position, detail FROM hub_order_event ORDER BY position');
      assert.deepEqual(
        rows.map((r: any) => [r.type, r.system, Number(r.seq), JSON.parse(r.detail).stage ?? JSON.parse(r.detail).documentNo ?? null]),
        [
          ['CREATED', 'ERP', 1, null],
          ['STAGE_REACHED', 'ERP', 2, 'PAID'],
          ['DOCUMENT_LINKED', 'WMS', 3, 'CK20251108-001'],
          ['STAGE_REACHED', 'WMS', 4, 'PICKING'],
          ['PROMISE_CORRECTED', 'ERP', 5, null],
          ['DOCUMENT_UNLINKED', 'WMS', 6, 'CK20251108-001'],
        ],
      );
    } finally {
      await db.destroy();
    }
  });
});
