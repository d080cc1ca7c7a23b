// Blockers as events (issue 13): every kind of blocker the graph computes is recorded as a fact of
// the hub (hub_order_blocker), so that one raised or cleared reaches subscribers — through the
// gateway, over WebSocket and SSE, from NATS JetStream when it answers — once and in order, whatever
// raised it: a person deciding a hold, the warehouse confirming documents, a carrier's exception,
// the clock bringing a promise near. Recording again with nothing changed says nothing; a customer
// is not told which document a blocker only staff see is about. On MariaDB.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatBeijing } from '../common/src/time.js';
import { STAFF_BLOCKER_TOLD_CUSTOMER } from '../subgraphs/order-link/src/events/text.js';
import { formatHubOrderId } from '../common/src/docno.js';
import { DUE_SCAN } from '../subgraphs/order-link/src/blocker-record.js';
import { startStack, type Stack } from './helpers/stack.js';
import { openLegacy, type LegacyWriter } from './helpers/legacy-writes.js';
import { sseSubscribe, wsConnection, type Received } from './helpers/live-clients.js';
import { deleteStream, sharedNats, streamNames, streamState } from './helpers/nats.js';

const FEED = `subscription Blockers($filter: OrderEventFilter) {
  orderEvents(filter: $filter) { event { id orderId sequence type code documentNo messageZh messageEn } }
}`;
const WATCH = `subscription Watch($id: ID!, $after: String) {
  orderUpdated(id: $id, after: $after) { event { id sequence type code documentNo messageZh messageEn } order { id } }
}`;
const HOUR = 3_600_000;

describe('blockers raised and cleared as order events', () => {
  let stack: Stack;
  let legacy: LegacyWriter;
  let admin: string;
  let nats: string | null = null;
  const names = streamNames('blockers');
  let ws: ReturnType<typeof wsConnection>;
  let feed: Received;

  const hubDb = () => stack.orderLink.hubDb;
  /** A link round now (the feeds, the rules, the blockers recorded), then the log numbered and published. */
  const round = async () => {
    await stack.linker.runRound();
    await stack.orderLink.events.runOnce();
  };
  const head = async () => Number((await stack.query('{ orderEventLog(first: 0) { logEnd } }')).data.orderEventLog.logEnd);
  const blockerEvents = (results: any[]) => results.map((r) => r.data.orderEvents.event);
  const open = async (code: string): Promise<{ rowId: number; key: string; erpOrderNo: string; customerCode: string; status: string }[]> =>
    (await hubDb().query('SELECT b.order_id, b.blocker_key, o.erp_order_no, o.customer_code, o.status FROM hub_order_blocker b JOIN hub_order o ON o.id = b.order_id WHERE b.code = ? AND b.cleared_at IS NULL ORDER BY b.order_id', [code])).map(
      (r: any) => ({ rowId: Number(r.order_id), key: String(r.blocker_key), erpOrderNo: String(r.erp_order_no), customerCode: String(r.customer_code), status: String(r.status) }),
    );
  const unifiedId = async (erpOrderNo: string) => (await stack.query('query($id: ID!) { order(id: $id) { id } }', { id: erpOrderNo })).data.order.id as string;

  before(async () => {
    nats = await sharedNats();
    // Rounds only when the test runs one: what each step raised or cleared is then known.
    // Nor does the log poll: what a write outside the rounds announces goes out because it says so.
    stack = await startStack({ name: 'blockev', orders: 240, seed: 77, env: { LINK_POLL_MS: '600000', EVENTS_PUBLISH_MS: '600000', ...(nats ? { EVENTS_NATS_URL: nats, ...names } : {}) } });
    await stack.orderLink.events.runOnce();
    legacy = await openLegacy(stack);
    admin = await stack.token('admin');
    ws = wsConnection(stack.gatewayUrl, admin);
    feed = ws.subscribe(FEED, { filter: { types: ['BLOCKER_RAISED', 'BLOCKER_CLEARED'] } });
    // The subscription is live once an event reaches it: a harmless one, a blocker on a test order.
    await new Promise((r) => setTimeout(r, 500));
  });
  after(async () => {
    await feed?.close();
    await ws?.dispose();
    await legacy?.close();
    await stack?.close();
    if (nats) await deleteStream(nats, names.EVENTS_NATS_STREAM);
  });

  it('records each order\'s blockers exactly as the graph computes them, each raised once in its log', async () => {
    const graph = new Map<string, string[]>();
    for (let after: string | null = null; ; ) {
      const r: any = await stack.query('query($after: String) { orders(first: 50, after: $after) { edges { node { id blockers { code } } } pageInfo { hasNextPage endCursor } } }', { after });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      for (const e of r.data.orders.edges) graph.set(e.node.id, e.node.blockers.map((b: any) => b.code).sort());
      if (!r.data.orders.pageInfo.hasNextPage) break;
      after = r.data.orders.pageInfo.endCursor;
    }
    const recorded = new Map<string, string[]>();
    for (const r of await hubDb().query('SELECT o.id, b.code FROM hub_order_blocker b JOIN hub_order o ON o.id = b.order_id WHERE b.cleared_at IS NULL')) {
      const id = formatHubOrderId(Number(r.id));
      recorded.set(id, [...(recorded.get(id) ?? []), r.code]);
    }
    const kinds = new Set<string>();
    for (const [id, codes] of graph) {
      assert.deepEqual((recorded.get(id) ?? []).sort(), codes, `${id}: recorded = computed`);
      codes.forEach((c) => kinds.add(c));
    }
    assert.ok(kinds.size >= 6, `the seed raises several kinds: ${[...kinds]}`);
    // Replaying each blocker's events gives what is recorded: raised, cleared, raised … never twice
    // the same in a row, and open exactly when recorded open (all but the two kinds whose own tables announce them).
    const json = (path: string) => (stack.dialect === 'mysql' ? `JSON_VALUE(detail, '$.${path}')` : `json_extract(detail, '$.${path}')`);
    const replay = new Map<string, string>();
    for (const e of await hubDb().query(`SELECT order_id, type, ${json('code')} AS code, ${json('key')} AS k FROM hub_order_event WHERE type LIKE 'BLOCKER_%' AND ${json('key')} IS NOT NULL ORDER BY position`)) {
      const k = `${e.order_id}:${e.code}:${e.k}`;
      assert.notEqual(replay.get(k), e.type, `${k}: ${e.type} twice in a row`);
      assert.ok(replay.has(k) || e.type === 'BLOCKER_RAISED', `${k}: raised first`);
      replay.set(k, e.type);
    }
    const rows = await hubDb().query("SELECT order_id, code, blocker_key, cleared_at FROM hub_order_blocker WHERE code NOT IN ('LIFECYCLE_GAP', 'LINE_REJECTED')");
    assert.ok(rows.length > 0);
    for (const r of rows) assert.equal(replay.get(`${r.order_id}:${r.code}:${r.blocker_key}`), r.cleared_at == null ? 'BLOCKER_RAISED' : 'BLOCKER_CLEARED', `${r.order_id} ${r.code} ${r.blocker_key}`);
    assert.equal(replay.size, rows.length, 'no event for a blocker never recorded');
  });

  it('records nothing and announces nothing when every order is recomputed with nothing changed', async () => {
    const before = await head();
    const seen = feed.results.length;
    await hubDb().query('INSERT INTO hub_blocker_due (order_id, marked_at) SELECT id, 0 FROM hub_order');
    // Twice at once (one instance runs them one after the other): the second finds nothing to do either.
    const passes = await Promise.all([stack.orderLink.blockers.runOnce(), stack.orderLink.blockers.runOnce()]);
    assert.equal(passes[0].orders + passes[1].orders >= stack.truth.orders.length, true, 'every order recomputed');
    assert.deepEqual(
      passes.map((p) => [p.raised, p.cleared]),
      [
        [0, 0],
        [0, 0],
      ],
    );
    await round();
    assert.equal(await head(), before, 'no event');
    assert.equal(Number((await hubDb().query('SELECT COUNT(*) AS n FROM hub_blocker_due'))[0].n), 0, 'every mark taken');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(feed.results.length, seen, 'nothing delivered');
  });

  it('records each order once when its marks lie further apart than one scan (a bulk load marks an order at its insert, its documents, its decisions)', async () => {
    const [{ n }] = await hubDb().query('SELECT COUNT(*) AS n FROM hub_order');
    const copies = Math.ceil(DUE_SCAN / Number(n)) + 2;
    for (let c = 0; c < copies; c++) await hubDb().query('INSERT INTO hub_blocker_due (order_id, marked_at) SELECT id, 0 FROM hub_order');
    const pass = await stack.orderLink.blockers.runOnce(undefined, Number(n));
    assert.deepEqual([pass.orders, pass.marks], [Number(n), Number(n) * copies], 'every order once, every mark taken');
    assert.equal(Number((await hubDb().query('SELECT COUNT(*) AS n FROM hub_blocker_due'))[0].n), 0);
  });

  it('delivers a hold approved and documents confirmed at once, and a carrier exception at the next round, as blockers cleared and raised, once each, over WebSocket and SSE', async () => {
    const ops = await stack.token('ops');
    // A rule's hold, approved by the role it waits for.
    const [held] = (await stack.query('{ holds(state: OPEN, first: 50) { id ruleId approverRole order { id erpOrderNo } } }', {}, { token: ops })).data.holds.filter((h: any) => !h.ruleId.startsWith('CALL:'));
    assert.ok(held, 'the seed holds an order');
    // Documents an order must travel with, not yet confirmed packed.
    const [owed] = await open('AWAITING_ATTACHMENT');
    assert.ok(owed, 'the seed has an order owing documents');
    const owedId = await unifiedId(owed.erpOrderNo);
    const outstanding = (await stack.query('query($id: ID!) { order(id: $id) { attachments { outstanding } } }', { id: owedId })).data.order.attachments.outstanding;
    // A waybill on its way without an exception.
    const [moving] = await hubDb().query(
      `SELECT o.id, o.erp_order_no, o.tms_waybill_no FROM hub_order o WHERE o.status IN ('IN_TRANSIT', 'SHIPPED_OUT') AND o.tms_waybill_no IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM hub_order_blocker b WHERE b.order_id = o.id AND b.code = 'CARRIER_EXCEPTION') ORDER BY o.id LIMIT 1`,
    );
    assert.ok(moving, 'the seed has a parcel in transit');
    const movingId = await unifiedId(moving.erp_order_no);
    const sse = sseSubscribe(stack.gatewayUrl, admin, WATCH, { id: owedId, after: String(await head()) });
    const from = feed.results.length;
    try {
      const decider = await stack.token(held.approverRole);
      const approved = await stack.query('mutation($id: ID!) { approveHold(id: $id, reason: "已核实 / checked") { hold { state } } }', { id: held.id }, { token: decider });
      assert.equal(approved.data.approveHold.hold.state, 'APPROVED');
      const warehouse = await stack.token('warehouse');
      const confirmed = await stack.query('mutation($id: ID!, $a: [RequiredAttachment!]!) { confirmAttachments(orderId: $id, attachments: $a) { userErrors { code } } }', { id: owedId, a: outstanding }, { token: warehouse });
      assert.deepEqual(confirmed.data.confirmAttachments.userErrors, []);
      // No round, no poll: the mutations' own nudge records the blockers they cleared and publishes.
      const cleared = (evs: any[]) =>
        evs.some((e) => e.type === 'BLOCKER_CLEARED' && e.code === 'RULE_HOLD' && e.orderId === held.order.id) && evs.some((e) => e.type === 'BLOCKER_CLEARED' && e.code === 'AWAITING_ATTACHMENT' && e.orderId === owedId);
      await feed.until((r) => cleared(blockerEvents(r.slice(from))), 10_000);
      const res = await fetch(`${stack.tmsApiUrl.replace(/\/$/, '')}/api/v1/waybill/${moving.tms_waybill_no}/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ opCode: 50, opTime: formatBeijing(Date.now()), opCity: '杭州', opDesc: '车辆故障', exception: { code: 'VEHICLE_FAULT', desc: '车辆故障', delayMinutes: 180 } }),
      });
      assert.equal(((await res.json()) as any).code, 0);
      // The carrier's exception reaches the hub by the next link round.
      await round();
      const expected = [
        ['BLOCKER_CLEARED', 'RULE_HOLD', held.order.id],
        ['BLOCKER_CLEARED', 'AWAITING_ATTACHMENT', owedId],
        ['BLOCKER_RAISED', 'CARRIER_EXCEPTION', movingId],
      ];
      const has = (evs: any[]) => expected.every(([t, c, o]) => evs.some((e) => e.type === t && e.code === c && e.orderId === o));
      await feed.until((r) => has(blockerEvents(r.slice(from))), 20_000);
      await sse.until((r) => r.some((x) => x.data.orderUpdated.event.type === 'BLOCKER_CLEARED'), 20_000);
      await round();
      await new Promise((r) => setTimeout(r, 500));
      const got = blockerEvents(feed.results.slice(from));
      for (const [t, c, o] of expected) assert.equal(got.filter((e) => e.type === t && e.code === c && e.orderId === o).length, 1, `${t} ${c} once`);
      assert.deepEqual(new Set(got.map((e) => e.id)).size, got.length, 'no event twice');
      const exception = got.find((e) => e.code === 'CARRIER_EXCEPTION');
      assert.match(exception.messageEn, /^Blocker raised: carrier exception/);
      assert.match(exception.messageZh, /出现阻碍：承运异常/);
      // The order's own stream: the documents confirmed, as that order's next event.
      const own = sse.results.map((r) => r.data.orderUpdated.event).filter((e) => e.type.startsWith('BLOCKER_'));
      assert.deepEqual(
        own.map((e) => [e.type, e.code]),
        [['BLOCKER_CLEARED', 'AWAITING_ATTACHMENT']],
      );
      assert.match(own[0].messageZh, /阻碍已解除：随货资料尚未确认装入/);
      if (nats) assert.ok((await streamState(nats, names.EVENTS_NATS_STREAM)).lastSeq >= Number(exception.id), 'carried by NATS JetStream');
    } finally {
      await sse.close();
    }
  });

  it('raises a promise at risk when its time comes, and clears it when the ERP moves the promise, in that order', async () => {
    const [order] = (await open('PROMISE_OVERDUE')).filter((o) => o.status === 'PAID' || o.status === 'CREATED');
    assert.ok(order, 'an order not yet picked and past its promise');
    const id = await unifiedId(order.erpOrderNo);
    const setPromise = (at: number) =>
      legacy.erp.query('UPDATE SO_SOMain SET dPreDate = ?, dModifyTime = ? WHERE cSOCode = ?', [formatBeijing(at), formatBeijing(Date.now()), order.erpOrderNo]);
    const from = feed.results.length;
    // Due in six hours and ten seconds (room for a round on a busy machine): no longer overdue, not yet at risk …
    const due = Date.now() + 6 * HOUR + 10_000;
    await setPromise(due);
    await round();
    const codes = async () => ((await stack.query('query($id: ID!) { order(id: $id) { blockers { code } } }', { id })).data.order.blockers as any[]).map((b) => b.code);
    assert.ok(!(await codes()).includes('PROMISE_AT_RISK'));
    // … until the clock says so: the next round looks at it again, nothing else having changed.
    await new Promise((r) => setTimeout(r, Math.max(0, due - 6 * HOUR + 1500 - Date.now())));
    await round();
    assert.ok((await codes()).includes('PROMISE_AT_RISK'));
    await setPromise(Date.now() + 72 * HOUR);
    await round();
    await feed.until((r) => blockerEvents(r.slice(from)).some((e) => e.orderId === id && e.type === 'BLOCKER_CLEARED' && e.code === 'PROMISE_AT_RISK'), 20_000);
    const mine = blockerEvents(feed.results.slice(from)).filter((e) => e.orderId === id);
    assert.deepEqual(
      mine.map((e) => `${e.type} ${e.code}`),
      ['BLOCKER_CLEARED PROMISE_OVERDUE', 'BLOCKER_RAISED PROMISE_AT_RISK', 'BLOCKER_CLEARED PROMISE_AT_RISK'],
    );
    assert.deepEqual(
      mine.map((e) => e.sequence),
      [...mine.map((e) => e.sequence)].sort((a, b) => a - b),
      'numbered in the order they happened',
    );
  });

  it('tells a customer only that there is news when a blocker only staff see is raised: not which one, nor its document', async () => {
    const staffOnly = [...(await open('CONTRADICTING_REFERENCE')), ...(await open('UNLINKED_DOCUMENT')), ...(await open('AWAITING_SEAL'))];
    assert.ok(staffOnly.length, 'the seed has a blocker only staff see, about a document');
    const o = staffOnly[0];
    const id = await unifiedId(o.erpOrderNo);
    const customer = await stack.token('customer', o.customerCode);
    const fields = 'type code documentNo messageZh messageEn';
    const asStaff = (await stack.query(`query($id: ID!) { order(id: $id) { events(first: 500) { ${fields} } } }`, { id })).data.order.events.filter((e: any) => e.type === 'BLOCKER_RAISED' && e.documentNo);
    assert.ok(asStaff.length, 'staff see the document');
    const doc = asStaff[0].documentNo;
    assert.ok(asStaff[0].messageZh.includes(doc) && asStaff[0].messageEn.includes(doc));
    // Over SSE from the start of the order's log, as the customer.
    const sub = sseSubscribe(stack.gatewayUrl, customer, WATCH, { id: o.erpOrderNo, after: '0' });
    try {
      // The staff-only blocker reaches the customer as news without which blocker nor which document.
      await sub.until((r) => r.some((x) => x.data?.orderUpdated?.event.type === 'BLOCKER_RAISED' && x.data.orderUpdated.event.code === null), 20_000);
      const theirs = sub.results.map((r) => r.data.orderUpdated.event).filter((e) => e.type === 'BLOCKER_RAISED' || e.type === 'BLOCKER_CLEARED');
      for (const e of theirs) {
        assert.ok(!JSON.stringify(e).includes(doc), `the customer is not told ${doc}: ${JSON.stringify(e)}`);
        assert.notEqual(e.code, asStaff[0].code, 'nor the staff-only blocker\'s code');
        if (e.code === null) assert.deepEqual([e.documentNo, e.messageZh, e.messageEn], [null, STAFF_BLOCKER_TOLD_CUSTOMER.zh, STAFF_BLOCKER_TOLD_CUSTOMER.en]);
      }
    } finally {
      await sub.close();
    }
  });
});
