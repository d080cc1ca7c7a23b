// Service calls through the gateway on MariaDB: the generated calls reach the hub from the CRM's
// change feed in counted pages and read as the ground truth says; a new call's intents act through
// the hold machinery (a change of address holds the order until sales confirms it; a return opens
// one CRM ticket and a hold; a chase raises the pick priority and tells the customer; a cancel
// after shipping only warns), all audited, and reading the feed again does nothing twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../common/src/db.js';
import { classifyDocumentNo } from '../common/src/docno.js';
import { startStack, type Stack } from './helpers/stack.js';

let stack: Stack;
let hub: DataSource;

const CALL = `query($id: ID!) { callIntents(callId: $id) {
  callId customerCode transcript orderRef orderSource
  intents { intent confidence evidence { cue span { start end text } } }
  setAside { intent reason cue span { text } }
  newAddress { value district detail span { text } }
  orders { erpOrderNo }
  actions { intent action messageZh messageEn order { erpOrderNo } hold { id state approverRole reasonCode } }
} }`;

const ORDER = `query($id: ID!) { order(id: $id) {
  erpOrderNo onHold pickPriority { level byCall }
  calls { callId intents { intent } }
  blockers { code severity messageZh messageEn customerVisible }
  tickets { ticketNo type status title }
} }`;

async function ask(query: string, variables: Record<string, unknown>, token?: string) {
  const res = await stack.query(query, variables, { token });
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data;
}

/** The call platform hands the CRM a finished call. */
async function recordCall(custCode: string, transcript: string, startedAt = Date.now()): Promise<string> {
  const res = await fetch(new URL('/crm/api/calls', stack.crmApiUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ custCode, transcript, startedAt }) });
  const body: any = await res.json();
  assert.equal(body.success, true, JSON.stringify(body));
  return body.result.callId;
}

/** One round of the intake, as its poll would run it: a round the shared database times out is run again. */
async function readFeed(): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await stack.orderLink.callIntake.runOnce();
    } catch (err) {
      if (attempt >= 5 || (err as any)?.extensions?.code !== 'UPSTREAM_UNAVAILABLE') throw err;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

const hubCount = async (sql: string, params: unknown[] = []) => Number((await hub.query(sql, params))[0].n);

before(async () => {
  // The intake polls rarely: the tests run its rounds.
  stack = await startStack({ name: 'calls', orders: 1200, days: 2, seed: 1117, env: { CALL_POLL_MS: '600000', CALL_PAGE_SIZE: '7' } });
  hub = await openDataSource(stack.config.HUB_DATABASE_URL, { poolSize: 2 });
});

after(async () => {
  await hub?.destroy();
  await stack?.close();
});

describe('service calls', () => {
  test('the generated calls reach the hub in counted pages and read as the ground truth says; old calls act on nothing', async () => {
    const truth = stack.truth.calls ?? [];
    assert.ok(truth.length >= 10, `the generator made calls (${truth.length})`);
    await readFeed();
    // Read again from the start: pages of 7, one CRM request each, and one more that finds the end.
    await hub.query("DELETE FROM hub_sync_cursor WHERE source = 'crm-calls'");
    const before = (await stack.legacyCalls())['crm-calls:calls.changes'] ?? 0;
    assert.equal(await readFeed(), truth.length);
    const crmCalls = ((await stack.legacyCalls())['crm-calls:calls.changes'] ?? 0) - before;
    assert.equal(crmCalls, Math.ceil((truth.length + 1) / 7), `CRM requests for ${truth.length} calls`);

    let agree = 0;
    for (const t of truth) {
      const { callIntents: c } = await ask(CALL, { id: t.callId });
      assert.ok(c, `${t.callId} was read`);
      if (JSON.stringify(c.intents.map((i: any) => i.intent)) === JSON.stringify(t.intents)) agree++;
      assert.equal(c.orderRef, t.orderRef ? classifyDocumentNo(t.orderRef)!.canonical : null, c.transcript);
      for (const i of c.intents) for (const e of i.evidence) assert.equal(c.transcript.slice(e.span.start, e.span.end), e.span.text);
      if (t.orderRef && t.orderRef.startsWith('SO')) assert.deepEqual(c.orders.map((o: any) => o.erpOrderNo), [t.erpOrderNo]);
      assert.deepEqual(c.actions, [], 'a call from last year places no hold today');
    }
    assert.equal(agree, truth.length, 'every generated call reads as composed');
    const someOrder = truth.find((t) => t.orderRef?.startsWith('SO'))!;
    const { order } = await ask(ORDER, { id: someOrder.erpOrderNo });
    assert.ok(order.calls.some((c: any) => c.callId === someOrder.callId), 'order.calls lists the call');
  });

  test('a change of address before packing holds the order until sales confirms it; audited; reading again adds nothing', async () => {
    const o = stack.truth.orders.find((x) => (x.expectedStatus === 'PAID' || x.expectedStatus === 'CREATED') && !x.outbound)!;
    assert.ok(o, 'an order not yet at the warehouse');
    const callId = await recordCall(o.customerCode, `客服：您好。客户：嗯，那个单子${o.erpOrderNo.replace(/-/g, '')}，地址要改一下，不送店里了，送到吴中区木渎镇金山路88号仓库。客服：好的。`);
    await readFeed();
    const { callIntents: c } = await ask(CALL, { id: callId });
    assert.deepEqual(c.intents.map((i: any) => i.intent), ['CHANGE_ADDRESS']);
    assert.equal(c.newAddress.value, '吴中区木渎镇金山路88号');
    assert.equal(c.newAddress.district, '吴中区');
    assert.equal(c.orderSource, 'SAID');
    assert.equal(c.actions.length, 1);
    const [action] = c.actions;
    assert.equal(action.action, 'HOLD_FOR_ADDRESS');
    assert.equal(action.hold.state, 'OPEN');
    assert.equal(action.hold.approverRole, 'sales');
    assert.match(action.messageZh, /吴中区木渎镇金山路88号/);

    const held = (await ask(ORDER, { id: o.erpOrderNo })).order;
    assert.equal(held.onHold, true);
    const blocker = held.blockers.find((b: any) => b.code === 'CALL_HOLD');
    assert.equal(blocker?.severity, 'BLOCKING');
    assert.match(blocker.messageEn, new RegExp(callId));
    const customer = await stack.token('customer', o.customerCode);
    const seen = await ask('query($id: ID!) { order(id: $id) { currentBlocker { code messageZh messageEn } } }', { id: o.erpOrderNo }, customer);
    assert.equal(seen.order.currentBlocker.code, 'CALL_HOLD');
    assert.match(seen.order.currentBlocker.messageZh, /改地址/);

    // …and in the order's event log, in the same words.
    let events: any[] = [];
    for (let i = 0; i < 50 && !events.some((e) => e.type === 'CALL_ACTION'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      events = (await ask('query($id: ID!) { order(id: $id) { events(first: 100) { type messageZh messageEn } } }', { id: o.erpOrderNo })).order.events;
    }
    const told = events.find((e) => e.type === 'CALL_ACTION');
    assert.match(told?.messageEn ?? '', new RegExp(`Call ${callId}: .*held until someone confirms the new address`));
    assert.ok(events.some((e) => e.type === 'HOLD_PLACED'));

    const placed = await ask('query($id: ID) { auditLog(entity: HOLD, entityId: $id, first: 5) { action actor } }', { id: action.hold.id });
    assert.deepEqual(placed.auditLog.map((a: any) => [a.action, a.actor]), [['HOLD_PLACED', 'call-reader']]);

    // The whole feed again (a crash before the cursor moved, or a second instance): nothing doubles.
    const counts = async () => [await hubCount('SELECT COUNT(*) AS n FROM hub_hold'), await hubCount('SELECT COUNT(*) AS n FROM hub_call_action'), await hubCount('SELECT COUNT(*) AS n FROM hub_outbox'), await hubCount('SELECT COUNT(*) AS n FROM hub_audit')];
    const was = await counts();
    await hub.query("DELETE FROM hub_sync_cursor WHERE source = 'crm-calls'");
    await readFeed();
    assert.deepEqual(await counts(), was);

    const sales = await stack.token('sales');
    const decided = await ask('mutation($id: ID!) { approveHold(id: $id, reason: "已与客户确认新地址") { hold { state decidedRole } userErrors { code } } }', { id: action.hold.id }, sales);
    assert.equal(decided.approveHold.hold.state, 'APPROVED');
    const released = (await ask(ORDER, { id: o.erpOrderNo })).order;
    assert.ok(!released.blockers.some((b: any) => b.code === 'CALL_HOLD'));
  });

  test('a return opens one CRM ticket through the outbox and a hold for sales', async () => {
    const o = stack.truth.orders.find((x) => x.expectedStatus === 'SIGNED' || x.expectedStatus === 'COMPLETED')!;
    const callId = await recordCall(o.customerCode, `来电：你好，昨天收到的机滤型号不对，给我换一下。\n坐席：单号能报一下吗？\n来电：S O ${[...o.erpOrderNo.slice(3, 11)].map((d) => '零一二三四五六七八九'[Number(d)]).join('')} 杠 ${[...o.erpOrderNo.slice(12)].map((d) => '零一二三四五六七八九'[Number(d)]).join('')}。`);
    await readFeed();
    const { callIntents: c } = await ask(CALL, { id: callId });
    assert.deepEqual(c.intents.map((i: any) => i.intent), ['RETURN_EXCHANGE']);
    assert.equal(c.orderRef, o.erpOrderNo, 'the number read out digit by digit');
    assert.equal(c.actions[0].action, 'RETURN_TICKET');
    await stack.outbox.runOnce();
    await stack.outbox.runOnce();
    const { order } = await ask(ORDER, { id: o.erpOrderNo });
    const tickets = order.tickets.filter((t: any) => t.title.includes(callId));
    assert.equal(tickets.length, 1, 'one ticket, however often the outbox runs');
    assert.equal(tickets[0].type, 'EXCHANGE');
    assert.equal(order.blockers.find((b: any) => b.code === 'CALL_HOLD')?.severity, 'WARNING');
  });

  test('a chase before the warehouse has packed raises the pick priority and the customer is told; a cancel after shipping only warns', async () => {
    const waiting = stack.truth.orders.find((x) => (x.expectedStatus === 'PAID' || x.expectedStatus === 'PICKING') && x.outbound === null && x.erpOrderNo !== stack.truth.orders.find((y) => (y.expectedStatus === 'PAID' || y.expectedStatus === 'CREATED') && !y.outbound)!.erpOrderNo)!;
    const chase = await recordCall(waiting.customerCode, `[客户] 那啥，我那单${waiting.erpOrderNo}咋还没发呢，帮我催催。\n[客服] 好的。`);
    // An order the hub itself has seen leave the warehouse.
    const shippedNode = (await ask('{ orders(filter: { status: [IN_TRANSIT, OUT_FOR_DELIVERY] }, first: 1) { edges { node { erpOrderNo customer { code } } } } }', {})).orders.edges[0].node;
    const shipped = { erpOrderNo: shippedNode.erpOrderNo as string, customerCode: shippedNode.customer.code as string };
    const cancel = await recordCall(shipped.customerCode, `客户：${shipped.erpOrderNo}这单不要了，帮我取消。客服：好的我看一下。`);
    await readFeed();
    const chased = (await ask(ORDER, { id: waiting.erpOrderNo })).order;
    assert.deepEqual(chased.pickPriority, { level: 'RAISED', byCall: chase });
    const info = chased.blockers.find((b: any) => b.code === 'CHASED');
    assert.equal(info?.customerVisible, true);
    const late = (await ask(CALL, { id: cancel })).callIntents;
    assert.equal(late.actions[0].action, 'CANCEL_TOO_LATE');
    const order = (await ask(ORDER, { id: shipped.erpOrderNo })).order;
    assert.equal(order.onHold, false);
    assert.equal(order.blockers.find((b: any) => b.code === 'CALL_TOO_LATE')?.customerVisible, false);
  });

  test('a number that is not the caller\'s own is recorded, never acted on; customers cannot read calls', async () => {
    const [a, b] = [stack.truth.orders[3], stack.truth.orders.find((x) => x.customerCode !== stack.truth.orders[3].customerCode)!];
    const callId = await recordCall(b.customerCode, `客户：${a.erpOrderNo}帮我取消。`);
    await readFeed();
    const { callIntents: c } = await ask(CALL, { id: callId });
    assert.deepEqual(c.intents.map((i: any) => i.intent), ['CANCEL']);
    assert.deepEqual(c.actions, []);
    const res = await stack.query('query($id: ID!) { callIntents(callId: $id) { callId } }', { id: callId }, { token: await stack.token('customer', b.customerCode) });
    assert.equal(res.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const bad = await stack.query('query($id: ID!) { callIntents(callId: $id) { callId } }', { id: "CL' OR 1=1" });
    assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(bad.errors![0].message, /来电编号/);
    assert.equal((await ask('query($id: ID!) { callIntents(callId: $id) { callId } }', { id: 'CL209901010001' })).callIntents, null, 'a call nobody made');
  });

  test('a caller who gives no number is matched to their open orders; the intents act only when there is one', async () => {
    const asOf = Date.parse(stack.truth.generator.asOf);
    const closed = ['SIGNED', 'COMPLETED', 'CANCELLED'];
    const truthOpen = (code: string) => stack.truth.orders.filter((o) => o.customerCode === code && !closed.includes(o.expectedStatus));
    const several = [...new Set(stack.truth.orders.map((o) => o.customerCode))].find((c) => truthOpen(c).length >= 3)!;
    // The hub's own view of which of them are open is what the intake reads.
    const mine = (await ask('query($c: String) { orders(filter: { customerCode: $c }, first: 200) { edges { node { erpOrderNo status } } } }', { c: several })).orders.edges.map((e: any) => e.node);
    const open = () => mine.filter((o: any) => !closed.includes(o.status));
    const callId = await recordCall(several, '客户：我那单到哪了？怎么还没到。', asOf);
    // What the intake reads of hub_order, watched on its own database handle (the real MariaDB).
    const intake = stack.orderLink.callIntake as any;
    const db = intake.db;
    const read: { sql: string; rows: any[] }[] = [];
    intake.db = new Proxy(db, {
      get: (t, prop, receiver) =>
        prop === 'query'
          ? async (sql: string, params?: unknown[]) => {
              const rows = await t.query(sql, params);
              if (/FROM hub_order\b/.test(sql)) read.push({ sql, rows });
              return rows;
            }
          : Reflect.get(t, prop, receiver),
    });
    try {
      await readFeed();
    } finally {
      intake.db = db;
    }
    const { callIntents: c } = await ask(CALL, { id: callId });
    assert.equal(c.orderSource, 'OPEN_ORDER');
    assert.ok(open().length >= 2);
    assert.deepEqual(c.orders.map((o: any) => o.erpOrderNo).sort(), open().map((o: any) => o.erpOrderNo).sort());
    // Only what it needs: named columns, and of the caller's orders the open ones, not the closed ones beside them.
    assert.ok(mine.length > open().length, `${several} has closed orders too`);
    assert.ok(read.length > 0 && read.every((r) => !/SELECT \*/i.test(r.sql)), read.map((r) => r.sql).join('\n'));
    assert.deepEqual(read.flatMap((r) => r.rows.map((o: any) => o.erp_order_no)).sort(), open().map((o: any) => o.erpOrderNo).sort());
    assert.deepEqual(c.actions, [], 'several candidates (and an old call): nothing acts');
  });

  test('while the CRM is down the intake fails on a guard of its own: its circuit opens, the one SMS delivery and tickets use stays closed; once the CRM is back it reads on', async () => {
    const metrics = async () => (await fetch(new URL('/metrics', stack.subgraphUrls['order-link']))).text();
    const circuit = (text: string, system: string) => Number(new RegExp(`^legacy_circuit_state\\{[^}]*system="${system}"[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1]);
    const customer = stack.truth.orders[0].customerCode;
    stack.setCrmFault({ down: true });
    try {
      for (let i = 0; i < 4; i++) await assert.rejects(stack.orderLink.callIntake.runOnce(), (err: any) => err?.extensions?.code === 'UPSTREAM_UNAVAILABLE');
      const text = await metrics();
      assert.equal(circuit(text, 'crm-calls'), 2, "the intake's own circuit is open");
      assert.equal(circuit(text, 'crm'), 0, 'the circuit SMS delivery, tickets and the resolvers share stays closed');
      assert.doesNotMatch(text, /^legacy_calls_total\{[^}]*system="crm",operation="calls\.changes"/m, 'the intake never calls through the shared guard');
    } finally {
      stack.setCrmFault({ down: false });
    }
    const callId = await recordCall(customer, '客户：我那单到哪了？');
    // After its cooldown the circuit lets a call through again (readFeed waits and retries).
    await readFeed();
    assert.equal((await ask(CALL, { id: callId })).callIntents.callId, callId);
    assert.equal(circuit(await metrics(), 'crm-calls'), 0);
  });
});
