// The rule engine through the gateway, on 5,200 generated orders: each of the 12 rules intercepts
// exactly the orders the generator made break it; decisions explain themselves; holds are decided by
// the right role and audited; effects reach the legacy systems once, through the outbox, with
// retries; rule changes are validated, versioned and audited; a dry run writes nothing; blockers
// say why an order is not moving.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { insertRows, openDataSource } from '../common/src/db.js';
import { startStack, type Stack } from './helpers/stack.js';
import { createLiveOrder } from '../legacy-sim/src/live.js';

let stack: Stack;
let erp: DataSource;
let wms: DataSource;
let tokens: Record<string, string>;

/** Every order the rule fired for, paging through orders(filter: { firedRule }). */
async function firedFor(ruleId: string): Promise<string[]> {
  const out: string[] = [];
  let after: string | null = null;
  do {
    const res: any = await stack.query(
      'query($f: OrderFilter, $a: String) { orders(filter: $f, first: 200, after: $a) { pageInfo { hasNextPage endCursor } edges { node { erpOrderNo } } } }',
      { f: { firedRule: ruleId }, a: after },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    out.push(...res.data.orders.edges.map((e: any) => e.node.erpOrderNo));
    after = res.data.orders.pageInfo.hasNextPage ? res.data.orders.pageInfo.endCursor : null;
  } while (after);
  return out.sort();
}

const ORDER = `query($id: ID!) { order(id: $id) {
  id erpOrderNo status onHold totalAmount payableAmount
  decisions { ruleId ruleVersion kind fired explanationZh explanationEn facts effects { type detail } supersededBy }
  holds { id ruleId state approverRole reasonCode internalReason decidedBy decisionReason }
  adjustments { ruleId kind amount description }
  promise { promisedAt correctedPromisedAt textZh textEn correctedByRules }
  blockers { code severity since expectedBy expectedResolutionEn sourceSystem messageZh messageEn customerVisible }
  currentBlocker { code messageZh messageEn }
  lines { skuCode: sku { code } quantity unitPrice amount remark }
} }`;

const order = async (id: string, token?: string) => {
  const res = await stack.query(ORDER, { id }, { token });
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data.order;
};

const sample = (ruleId: string, pick: (no: string) => boolean = () => true) => {
  const no = stack.truth.rules[ruleId].find(pick);
  assert.ok(no, `the data set has an order for ${ruleId}`);
  return no!;
};

before(async () => {
  stack = await startStack({ name: 'rules', orders: 5200, days: 2, seed: 2025 });
  erp = await openDataSource(stack.targets.erpUrl, { poolSize: 2 });
  wms = await openDataSource(stack.targets.wmsUrl, { poolSize: 2 });
  tokens = Object.fromEntries(await Promise.all(['ops', 'sales', 'director', 'finance', 'warehouse', 'admin'].map(async (r) => [r, await stack.token(r as any)])));
  await stack.outbox.runOnce();
});

after(async () => {
  await erp?.destroy();
  await wms?.destroy();
  await stack?.close();
});

describe('rules as data', () => {
  test('the 12 rules are seeded from rules/default-rules.yaml, at version 1, audited as seeded', async () => {
    const res = await stack.query('{ rules { id kind version enabled parameters audit { action actor } } }');
    assert.equal(res.data.rules.length, 12);
    assert.equal(new Set(res.data.rules.map((r: any) => r.kind)).size, 12, 'one of each kind');
    for (const r of res.data.rules) {
      assert.equal(r.version, 1);
      assert.deepEqual(r.audit.map((a: any) => a.action), ['RULE_SEEDED']);
    }
    assert.equal(res.data.rules.find((r: any) => r.id === 'R01-grade-c-large-order').parameters.amountOver, '50000.00');
  });
});

/** The generator's rules file, read apart from the hub: the test names each rule itself. */
const RULES = ['R01-grade-c-large-order', 'R02-credit-limit', 'R03-expiry-control', 'R04-weather-breaker', 'R05-timing-belt-gift', 'R06-hangzhou-promotion', 'R07-battery-shanghai', 'R08-grade-discount', 'R09-quantity-limit', 'R10-price-floor', 'R11-duplicate-order', 'R12-promise-feasibility'];

describe('the engine on 5,200 orders: each rule fires for exactly the orders that break it (positives caught, negatives left alone)', () => {
  test('the data set is large enough and names all 12 rules', () => {
    assert.ok(stack.truth.orders.length >= 5000);
    assert.deepEqual(Object.keys(stack.truth.rules).sort(), RULES);
  });

  for (const ruleId of RULES) {
    test(`${ruleId}: every order that breaks it is intercepted, and no other`, async () => {
      const expected = stack.truth.rules[ruleId];
      const live = stack.truth.orders.filter((o) => o.expectedStatus !== 'CANCELLED').length;
      assert.ok(expected.length > 0, 'positive cases exist');
      assert.ok(expected.length < live / 2, 'negative cases exist (most orders pass)');
      const got = await firedFor(ruleId);
      const missed = expected.filter((n) => !got.includes(n));
      const extra = got.filter((n) => !expected.includes(n));
      assert.deepEqual({ missed, extra }, { missed: [], extra: [] }, `${expected.length} expected, ${got.length} fired`);
    });
  }
});

describe('decisions', () => {
  test('a decision says which rule, which version, and which facts made it fire', async () => {
    const o = await order(sample('R01-grade-c-large-order'));
    const d = o.decisions.find((x: any) => x.ruleId === 'R01-grade-c-large-order');
    assert.equal(d.fired, true);
    assert.equal(d.ruleVersion, 1);
    assert.equal(d.facts.grade, 'C');
    assert.equal(d.facts.orderTotal, o.totalAmount);
    assert.match(d.explanationZh, /C级客户订单金额 [\d.]+ 元超过 50000\.00 元/);
    assert.match(d.explanationEn, /grade-C customer's order of [\d.]+ CNY is over 50000\.00 CNY/);
    assert.deepEqual(d.effects.map((e: any) => e.type), ['HOLD']);
    assert.equal(d.effects[0].detail.approverRole, 'director');
    const notFired = o.decisions.find((x: any) => x.ruleId === 'R09-quantity-limit');
    assert.equal(notFired.fired, false);
    assert.equal(o.decisions.length, 12, 'every enabled rule looked at the order');
  });
});

describe('holds', () => {
  test('a hold blocks the order until the right role decides; the decision is audited and cannot flip', async () => {
    const no = sample('R01-grade-c-large-order');
    const held = await order(no);
    assert.equal(held.onHold, true);
    const hold = held.holds.find((h: any) => h.ruleId === 'R01-grade-c-large-order');
    assert.deepEqual([hold.state, hold.approverRole, hold.reasonCode], ['OPEN', 'director', 'GRADE_LARGE_ORDER']);
    assert.equal(held.blockers[0].code, 'RULE_HOLD');
    assert.equal(held.blockers[0].severity, 'BLOCKING');
    const customer = stack.truth.orders.find((o) => o.erpOrderNo === no)!.customerCode;
    const asCustomer = await stack.query(`query($id: ID!) { order(id: $id) { onHold currentBlocker { code messageZh messageEn } } }`, { id: no }, { token: await stack.token('customer', customer) });
    assert.deepEqual(asCustomer.data.order.currentBlocker, { code: 'RULE_HOLD', messageZh: '您的订单正在审核中，审核通过后即安排发货', messageEn: 'Your order is being reviewed; it will ship as soon as it is approved' });
    const approve = `mutation($id: ID!, $r: String!) { approveHold(id: $id, reason: $r) { hold { state decidedBy decidedRole decisionReason } userErrors { code field messageEn } } }`;
    const bySales = await stack.query(approve, { id: hold.id, r: 'looks fine' }, { token: tokens.sales });
    assert.equal(bySales.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.match(bySales.errors![0].message, /director/);
    const noReason = await stack.query(approve, { id: hold.id, r: ' ' }, { token: tokens.director });
    assert.equal(noReason.data.approveHold.userErrors[0].code, 'INVALID_REASON');
    const ok = await stack.query(approve, { id: hold.id, r: '老客户，已电话确认' }, { token: tokens.director });
    assert.deepEqual(ok.data.approveHold, { hold: { state: 'APPROVED', decidedBy: 'test-director', decidedRole: 'director', decisionReason: '老客户，已电话确认' }, userErrors: [] });
    const again = await stack.query(approve, { id: hold.id, r: '老客户，已电话确认' }, { token: tokens.director });
    assert.deepEqual(again.data.approveHold.userErrors, [], 'a retried approval is answered as it stands');
    const flip = await stack.query(`mutation($id: ID!) { rejectHold(id: $id, reason: "changed my mind") { hold { state } userErrors { code } } }`, { id: hold.id }, { token: tokens.director });
    assert.deepEqual(flip.data.rejectHold, { hold: { state: 'APPROVED' }, userErrors: [{ code: 'ALREADY_DECIDED' }] });
    const after = await order(no);
    assert.equal(after.onHold, after.holds.some((h: any) => h.state !== 'APPROVED'));
    assert.ok(!after.blockers.some((b: any) => b.code === 'RULE_HOLD' && b.messageEn.includes('R01')));
    const log = await stack.query(`query($id: ID) { auditLog(entity: HOLD, entityId: $id) { action actor actorRole before after reason } }`, { id: hold.id }, { token: tokens.ops });
    // Newest first: the approval, and before it the rule engine placing the hold.
    assert.deepEqual(log.data.auditLog.map((e: any) => [e.action, e.actor, e.actorRole]), [['HOLD_APPROVED', 'test-director', 'director'], ['HOLD_PLACED', 'rule-engine', 'system']]);
    assert.deepEqual([log.data.auditLog[0].before.state, log.data.auditLog[0].after.state], ['OPEN', 'APPROVED']);
    assert.deepEqual(log.data.auditLog[1].after, { erpOrderNo: no, ruleId: 'R01-grade-c-large-order', ruleVersion: 1, approverRole: 'director', reasonCode: hold.reasonCode, state: 'OPEN' });
  });

  test('a rejected credit hold keeps the order blocked and tells the customer', async () => {
    const no = sample('R02-credit-limit');
    const o = await order(no);
    const hold = o.holds.find((h: any) => h.ruleId === 'R02-credit-limit');
    assert.equal(hold.approverRole, 'finance');
    const res = await stack.query(`mutation($id: ID!) { rejectHold(id: $id, reason: "超额未回款") { hold { state } userErrors { code } } }`, { id: hold.id }, { token: tokens.finance });
    assert.equal(res.data.rejectHold.hold.state, 'REJECTED');
    const after = await order(no);
    assert.equal(after.onHold, true);
    assert.ok(after.blockers.some((b: any) => b.code === 'ORDER_REJECTED' && b.customerVisible));
    // On hold now: every order a holding rule fired for (the generator says which), less the one
    // whose only hold the test before approved; the rejected one stays.
    const holding = (await stack.query('{ rules { id parameters } }')).data.rules.filter((r: any) => r.parameters.approverRole).map((r: any) => r.id).sort();
    assert.deepEqual(holding, ['R01-grade-c-large-order', 'R02-credit-limit', 'R09-quantity-limit', 'R10-price-floor', 'R11-duplicate-order']);
    const held = new Set(holding.flatMap((r: string) => stack.truth.rules[r]));
    const approved = sample('R01-grade-c-large-order');
    if (!holding.some((r: string) => r !== 'R01-grade-c-large-order' && stack.truth.rules[r].includes(approved))) held.delete(approved);
    assert.ok(held.has(no));
    const onHold = await stack.query('{ orders(filter: { onHold: true }, first: 1) { totalCount } }');
    assert.equal(onHold.data.orders.totalCount, held.size);
  });
});

describe('effects', () => {
  test('a free coolant line reaches the ERP once for a timing-belt order, however often it is evaluated', async () => {
    const no = sample('R05-timing-belt-gift');
    const gifts = async () => erp.query("SELECT cInvCode, iQuantity, iTaxUnitPrice, cMemo FROM SO_SODetails WHERE cSOCode = ? AND cMemo LIKE 'HUB-GIFT:%'", [no]);
    await stack.outbox.runOnce();
    assert.equal((await gifts()).length, 1);
    for (let i = 0; i < 2; i++) {
      const res = await stack.query(`mutation($id: ID!) { evaluateOrder(id: $id) { fired { ruleId } } }`, { id: no }, { token: tokens.ops });
      assert.ok(res.data.evaluateOrder.fired.some((d: any) => d.ruleId === 'R05-timing-belt-gift'));
      await stack.outbox.runOnce();
    }
    const rows = await gifts();
    assert.equal(rows.length, 1, 'still one gift line');
    assert.deepEqual([rows[0].cInvCode, Number(rows[0].iQuantity), Number(rows[0].iTaxUnitPrice), rows[0].cMemo], ['FLD-COOL-1L', 1, 0, 'HUB-GIFT:R05-timing-belt-gift']);
    const o = await order(no);
    assert.ok(o.lines.some((l: any) => l.skuCode.code === 'FLD-COOL-1L' && l.unitPrice === '0.00' && l.remark === 'HUB-GIFT:R05-timing-belt-gift'));
    const outbox = await stack.query('query($id: ID) { outbox(orderId: $id, first: 200) { key state order { erpOrderNo } } }', { id: no }, { token: tokens.ops });
    assert.deepEqual(outbox.data.outbox.filter((m: any) => m.key.startsWith('GIFT_LINE:')).map((m: any) => [m.key, m.state, m.order.erpOrderNo]), [[`GIFT_LINE:${no}:R05-timing-belt-gift:FLD-COOL-1L`, 'DELIVERED', no]]);
  });

  test('free lines reach the ERP a page at a time: 151 messages in two transactions, each line once however often delivered, and one for an order the ERP never had fails alone', async () => {
    await stack.outbox.runOnce();
    const hub = stack.orderLink.hubDb;
    const orders: { id: number; no: string }[] = (await hub.query('SELECT id, erp_order_no FROM hub_order ORDER BY id LIMIT 75')).map((r: any) => ({ id: Number(r.id), no: r.erp_order_no }));
    const now = Date.now();
    const message = (orderId: number | null, no: string, ruleId: string) => ({
      kind: 'GIFT_LINE',
      idem_key: `GIFT_LINE:${no}:${ruleId}:BRG-6204`,
      order_id: orderId,
      rule_id: ruleId,
      payload: JSON.stringify({ type: 'GIFT_LINE', skuCode: 'BRG-6204', quantity: 2, erpOrderNo: no, ruleId }),
      state: 'PENDING',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    });
    // Two rules' gifts for each of 75 orders, and one for an order number the ERP never had.
    const rows = [...orders.flatMap((o) => [message(o.id, o.no, 'T-page-a'), message(o.id, o.no, 'T-page-b')]), message(null, 'SO-20991231-999', 'T-page-a')];
    await insertRows(hub, 'hub_outbox', rows);
    const calls = async () => {
      const text = await (await fetch(new URL('/metrics', stack.subgraphUrls['order-link']))).text();
      return Number(/^legacy_calls_total\{[^}]*system="erp",operation="SO_SODetails\.addFreeLines"[^}]*\} (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    const before = await calls();
    await stack.outbox.runOnce(now);
    assert.equal((await calls()) - before, Math.ceil(rows.length / 100), 'one ERP transaction per page of 100 messages');

    const lines = async () =>
      (await erp.query(`SELECT cSOCode, cMemo, iQuantity FROM SO_SODetails WHERE cMemo LIKE 'HUB-GIFT:T-page-%' ORDER BY cSOCode, cMemo`)).map((r: any) => [r.cSOCode, r.cMemo, Number(r.iQuantity)]);
    const wanted = orders.flatMap((o) => [[o.no, 'HUB-GIFT:T-page-a', 2], [o.no, 'HUB-GIFT:T-page-b', 2]]).sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));
    assert.deepEqual(await lines(), wanted);
    const [{ n: sameRowNo }] = await erp.query(`SELECT COUNT(*) AS n FROM (SELECT cSOCode, iRowNo FROM SO_SODetails WHERE cSOCode IN (${orders.map(() => '?').join(', ')}) GROUP BY cSOCode, iRowNo HAVING COUNT(*) > 1) x`, orders.map((o) => o.no));
    assert.equal(Number(sameRowNo), 0, 'two lines added to one order in one transaction get their own row numbers');
    const states = await hub.query("SELECT idem_key, state, attempts, last_error FROM hub_outbox WHERE rule_id LIKE 'T-page-%' ORDER BY id");
    assert.deepEqual(states.filter((m: any) => m.state !== 'DELIVERED').map((m: any) => [m.idem_key, m.state, Number(m.attempts), m.last_error]), [['GIFT_LINE:SO-20991231-999:T-page-a:BRG-6204', 'PENDING', 1, 'ERP: no order SO-20991231-999']]);
    assert.equal(states.filter((m: any) => m.state === 'DELIVERED').length, 150);

    // Delivered again (a crash before they were marked, a second instance): nothing more is written.
    await hub.query("UPDATE hub_outbox SET state = 'PENDING', next_attempt_at = ? WHERE rule_id LIKE 'T-page-%' AND state = 'DELIVERED'", [now]);
    await stack.outbox.runOnce(now);
    assert.deepEqual(await lines(), wanted, 'still one line per order and rule');
    // Made up for this test: gone again, so that no later test meets them.
    await hub.query("DELETE FROM hub_outbox WHERE rule_id LIKE 'T-page-%'");
    await erp.query("DELETE FROM SO_SODetails WHERE cMemo LIKE 'HUB-GIFT:T-page-%'");
  });

  test('a short-dated batch is locked in the WMS and one purchase requisition raised in the ERP, however many orders find it', async () => {
    const no = sample('R03-expiry-control');
    const d = (await order(no)).decisions.find((x: any) => x.ruleId === 'R03-expiry-control');
    const lock = d.effects.find((e: any) => e.type === 'LOCK_BATCH').detail;
    await stack.outbox.runOnce();
    const lots = await wms.query('SELECT qty, locked_qty FROM t_stock WHERE warehouse_code = ? AND sku = ? AND batch_no = ?', [lock.warehouseCode, lock.skuCode, lock.batchNo]);
    assert.ok(lots.length > 0 && lots.every((l: any) => Number(l.locked_qty) === Number(l.qty)), 'the whole batch is locked');
    const requisitions = async () => erp.query("SELECT cCode, cInvCode, iQuantity, cWhCode FROM PU_AppVouch WHERE cInvCode = ? AND cWhCode = ?", [lock.skuCode, lock.warehouseCode]);
    assert.equal((await requisitions()).length, 1);
    const sameLot = stack.truth.rules['R03-expiry-control'].length;
    assert.ok(sameLot > 1, 'several orders found a short-dated lot');
    // Judged as without its own lock: evaluating again keeps the decision, and adds nothing.
    const again = await stack.query(`mutation($id: ID!) { evaluateOrder(id: $id) { fired { ruleId } } }`, { id: no }, { token: tokens.ops });
    assert.ok(again.data.evaluateOrder.fired.some((x: any) => x.ruleId === 'R03-expiry-control'));
    await stack.outbox.runOnce();
    assert.equal((await requisitions()).length, 1);
    // An order not shipped yet shows the lock to staff, never to the customer.
    const waiting = sample('R03-expiry-control', (n) => ['CREATED', 'PAID', 'PICKING'].includes(stack.truth.orders.find((o) => o.erpOrderNo === n)!.expectedStatus));
    const locked = (await order(waiting)).blockers.find((b: any) => b.code === 'BATCH_LOCKED');
    assert.equal(locked.customerVisible, false);
    assert.equal(locked.sourceSystem, 'WMS');
  });

  test('out of the gift: a credit and one SMS instead, delivered with retries while the CRM is down', async () => {
    await wms.query("UPDATE t_stock SET locked_qty = qty WHERE sku = 'FLD-COOL-4L'");
    const rule = {
      id: 'T-alignment-gift',
      kind: 'MANDATORY_GIFT',
      name: '测试：四轮定位送4L冷却液 / test: 4 L coolant with an alignment',
      parameters: { triggerSkus: ['SVC-ALIGN'], giftSku: 'FLD-COOL-4L', giftQuantity: 1, fallbackCredit: '30.00', smsZh: '订单{orderNo}赠品缺货，已抵扣30元' },
      priority: 5,
    };
    const saved = await stack.query(`mutation($i: RuleInput!) { upsertRule(input: $i) { rule { id version } userErrors { code } } }`, { i: rule }, { token: tokens.ops });
    assert.deepEqual(saved.data.upsertRule, { rule: { id: 'T-alignment-gift', version: 1 }, userErrors: [] });
    try {
      const orders = await stack.query(`{ orders(first: 200) { edges { node { erpOrderNo lines { sku { code } } customer { phone } } } } }`);
      const target = orders.data.orders.edges.map((e: any) => e.node).find((o: any) => o.lines.some((l: any) => l.sku.code === 'SVC-ALIGN') && o.customer.phone);
      assert.ok(target, 'an order with a wheel alignment');
      stack.setCrmFault({ down: true });
      const evaluated = await stack.query(`mutation($id: ID!) { evaluateOrder(id: $id) { fired { ruleId effects { type detail } } } }`, { id: target.erpOrderNo }, { token: tokens.ops });
      const mine = evaluated.data.evaluateOrder.fired.find((d: any) => d.ruleId === 'T-alignment-gift');
      assert.deepEqual(mine.effects.map((e: any) => e.type), ['CREDIT', 'SMS']);
      const delivering = Date.now();
      await stack.outbox.runOnce();
      const delivered = Date.now();
      const key = `SMS:${target.erpOrderNo}:T-alignment-gift`;
      const pending = (await stack.query('query($id: ID) { outbox(orderId: $id, state: PENDING) { key attempts lastError nextAttemptAt } }', { id: target.erpOrderNo }, { token: tokens.ops })).data.outbox.find((m: any) => m.key === key);
      assert.equal(pending.attempts, 1);
      // Failed because the CRM is down (its circuit may have opened by then), and due again within the
      // first backoff: up to 2 s after the failure.
      assert.ok(
        ['CRM 系统暂时不可用（返回错误） / CRM is unavailable right now (answered with an error)', 'CRM 系统暂时不可用（近期连续失败，暂停调用等待恢复） / CRM is unavailable right now (failed repeatedly and is rested before the next try)'].includes(pending.lastError),
        pending.lastError,
      );
      const due = Date.parse(pending.nextAttemptAt);
      assert.ok(due > delivering - 1000 && due <= delivered + 2000, `${pending.nextAttemptAt} within a backoff of [${new Date(delivering).toISOString()}, ${new Date(delivered).toISOString()}]`);
      stack.setCrmFault({});
      // The CRM's circuit may have opened while it was down (the service-call intake asks it too):
      // delivery waits out its cool-down, as the outbox's next attempts would.
      // Each round is run an hour past the last one, so a retry the open circuit refused (and that was
      // rescheduled up to the longest backoff past that round) is due again in the next.
      const smsSent = async () => ((await (await fetch(new URL(`/crm/api/sms?mobile=${target.customer.phone}`, stack.crmApiUrl))).json()) as any).result.filter((m: any) => m.bizKey === key).length;
      let round = Date.now();
      for (const until = Date.now() + 3 * 5_000; (await smsSent()) === 0 && Date.now() < until; ) {
        round = Math.max(round, Date.now()) + 3_600_000;
        await stack.outbox.runOnce(round);
        if ((await smsSent()) === 0) await new Promise((r) => setTimeout(r, 500));
      }
      const sent = (await (await fetch(new URL(`/crm/api/sms?mobile=${target.customer.phone}`, stack.crmApiUrl))).json()) as any;
      assert.equal(sent.result.filter((m: any) => m.bizKey === key).length, 1);
      assert.match(sent.result.find((m: any) => m.bizKey === key).content, new RegExp(target.erpOrderNo));
      // Once more, and nothing is sent or credited twice.
      await stack.query(`mutation($id: ID!) { evaluateOrder(id: $id) { fired { ruleId } } }`, { id: target.erpOrderNo }, { token: tokens.ops });
      await stack.outbox.runOnce(Date.now() + 3_600_000);
      const resent = (await (await fetch(new URL(`/crm/api/sms?mobile=${target.customer.phone}`, stack.crmApiUrl))).json()) as any;
      assert.equal(resent.result.filter((m: any) => m.bizKey === key).length, 1);
      const o = await order(target.erpOrderNo);
      const credits = o.adjustments.filter((a: any) => a.ruleId === 'T-alignment-gift');
      assert.deepEqual(credits.map((a: any) => [a.kind, a.amount]), [['CREDIT', '-30.00']]);
      const fen = (s: string) => Math.round(Number(s) * 100);
      assert.equal(fen(o.payableAmount), fen(o.totalAmount) + o.adjustments.reduce((s: number, a: any) => s + fen(a.amount), 0));
    } finally {
      stack.setCrmFault({});
      await stack.query(`mutation { setRuleEnabled(id: "T-alignment-gift", enabled: false) { rule { enabled } } }`, {}, { token: tokens.ops });
      await wms.query("UPDATE t_stock SET locked_qty = 0 WHERE sku = 'FLD-COOL-4L'");
    }
  });

  test('stacking is explicit: one discount per stacking group, the lower priority number wins, groups stack', async () => {
    const live = await createLiveOrder({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, 31);
    const placed = await until(async () => (await stack.query(`{ order(id: "${live.erpOrderNo}") { id erpOrderNo } }`)).data?.order);
    assert.match(placed.id, /^OH\d{10}$/);
    assert.equal(placed.erpOrderNo, live.erpOrderNo);
    const now = Date.now();
    const window = { validFrom: new Date(now - 86_400_000).toISOString(), validTo: new Date(now + 86_400_000).toISOString() };
    const promo = (id: string, priority: number, discount: string, stackGroup: string) => ({
      id,
      kind: 'THRESHOLD_PROMOTION',
      name: `测试促销 ${id} / test promotion`,
      priority,
      parameters: { threshold: '1.00', discount, ...window, stackGroup },
    });
    const ids = ['T-promo-a', 'T-promo-b', 'T-promo-c'];
    try {
      for (const input of [promo('T-promo-a', 1, '0.20', 'test-promo'), promo('T-promo-b', 2, '0.30', 'test-promo'), promo('T-promo-c', 3, '0.10', 'test-other')]) {
        const r = await stack.query(`mutation($i: RuleInput!) { upsertRule(input: $i) { userErrors { code messageEn } } }`, { i: input }, { token: tokens.ops });
        assert.deepEqual(r.data.upsertRule.userErrors, []);
      }
      await stack.query(`mutation($id: ID!) { evaluateOrder(id: $id) { fired { ruleId } } }`, { id: live.erpOrderNo }, { token: tokens.ops });
      const o = await order(live.erpOrderNo);
      assert.deepEqual(
        o.adjustments.filter((a: any) => ids.includes(a.ruleId)).map((a: any) => [a.ruleId, a.amount]).sort(),
        [['T-promo-a', '-0.20'], ['T-promo-c', '-0.10']],
      );
      const b = o.decisions.find((d: any) => d.ruleId === 'T-promo-b');
      assert.deepEqual([b.fired, b.supersededBy, b.effects], [true, 'T-promo-a', []]);
    } finally {
      for (const id of ids) await stack.query(`mutation($id: ID!) { setRuleEnabled(id: $id, enabled: false) { rule { enabled } } }`, { id }, { token: tokens.ops });
    }
  });
});

describe('changing rules', () => {
  const UPSERT = `mutation($i: RuleInput!) { upsertRule(input: $i) { rule { id version parameters } userErrors { code field messageZh messageEn } } }`;
  const r01 = { id: 'R01-grade-c-large-order', kind: 'CUSTOMER_GRADE_HOLD', name: 'C级客户大额订单需销售总监审批 / Grade-C orders over 50,000 CNY need a sales director', priority: 10 };

  test('a bad rule is refused whole, with every problem named, and nothing is saved', async () => {
    const before = await stack.query(`{ rule(id: "R01-grade-c-large-order") { version audit { action } } }`, {}, { token: tokens.ops });
    const bad = await stack.query(UPSERT, { i: { ...r01, parameters: { grades: [], amountOver: 'lots', approverRole: 'customer', colour: 'red' } } }, { token: tokens.ops });
    const fields = bad.data.upsertRule.userErrors.map((e: any) => e.field.join('.')).sort();
    assert.deepEqual(fields, ['parameters', 'parameters.amountOver', 'parameters.approverRole', 'parameters.grades']);
    assert.ok(bad.data.upsertRule.userErrors.every((e: any) => e.code === 'INVALID_PARAMETER' && /[\u4e00-\u9fff]/.test(e.messageZh)));
    assert.equal(bad.data.upsertRule.rule, null);
    const kind = await stack.query(UPSERT, { i: { ...r01, kind: 'PRICE_FLOOR', parameters: { floorRatio: '0.8', approverRole: 'director' } } }, { token: tokens.ops });
    assert.equal(kind.data.upsertRule.userErrors[0].code, 'KIND_IMMUTABLE');
    const stale = await stack.query(UPSERT, { i: { ...r01, expectedVersion: 99, parameters: { grades: ['C'], amountOver: '40000.00', approverRole: 'director' } } }, { token: tokens.ops });
    assert.equal(stale.data.upsertRule.userErrors[0].code, 'CONFLICT');
    const after = await stack.query(`{ rule(id: "R01-grade-c-large-order") { version audit { action } } }`, {}, { token: tokens.ops });
    assert.deepEqual(after.data.rule, before.data.rule, 'nothing half-saved');
    const bySales = await stack.query(UPSERT, { i: { ...r01, parameters: { grades: ['C'], amountOver: '1.00', approverRole: 'director' } } }, { token: tokens.sales });
    assert.equal(bySales.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  test('a change is versioned and audited with before and after; saving it again changes nothing', async () => {
    const input = { ...r01, expectedVersion: 1, parameters: { grades: ['C'], amountOver: '60000.00', approverRole: 'director' } };
    const changed = await stack.query(UPSERT, { i: input }, { token: tokens.ops });
    assert.deepEqual(changed.data.upsertRule.userErrors, []);
    assert.equal(changed.data.upsertRule.rule.version, 2);
    const repeat = await stack.query(UPSERT, { i: { ...input, expectedVersion: 2 } }, { token: tokens.ops });
    assert.equal(repeat.data.upsertRule.rule.version, 2, 'a retried save is harmless');
    const audit = await stack.query(`{ rule(id: "R01-grade-c-large-order") { audit { action actor before after } } }`, {}, { token: tokens.ops });
    const [last] = audit.data.rule.audit;
    assert.deepEqual([last.action, last.actor, last.before.parameters.amountOver, last.after.parameters.amountOver, audit.data.rule.audit.length], ['RULE_CHANGED', 'test-ops', '50000.00', '60000.00', 2]);
    // Back as it was, so the other tests see the seeded rule.
    await stack.query(UPSERT, { i: { ...input, expectedVersion: 2, parameters: { grades: ['C'], amountOver: '50000.00', approverRole: 'director' } } }, { token: tokens.ops });
  });

  test('a disabled rule no longer speaks for an order it is evaluated again for', async () => {
    const no = sample('R07-battery-shanghai');
    await stack.query(`mutation { setRuleEnabled(id: "R07-battery-shanghai", enabled: false) { rule { enabled version } } }`, {}, { token: tokens.ops });
    try {
      await stack.query(`mutation($id: ID!) { evaluateOrder(id: $id) { fired { ruleId } } }`, { id: no }, { token: tokens.ops });
      const o = await order(no);
      assert.ok(!o.decisions.some((d: any) => d.ruleId === 'R07-battery-shanghai'));
    } finally {
      await stack.query(`mutation { setRuleEnabled(id: "R07-battery-shanghai", enabled: true) { rule { enabled } } }`, {}, { token: tokens.ops });
      await stack.query(`mutation($id: ID!) { evaluateOrder(id: $id) { fired { ruleId } } }`, { id: no }, { token: tokens.ops });
    }
    const back = await order(no);
    assert.ok(back.decisions.some((d: any) => d.ruleId === 'R07-battery-shanghai' && d.fired));
    assert.ok(back.blockers.some((b: any) => b.code === 'LINE_REJECTED' && b.customerVisible));
  });

  test('simulateRule runs a changed rule over past orders and says what would change, writing nothing', async () => {
    const before = await stack.query(`{ rule(id: "R01-grade-c-large-order") { version } holds(first: 200) { id } }`, {}, { token: tokens.ops });
    const res = await stack.query(
      `query($r: RuleInput!) { simulateRule(rule: $r, from: "2025-11-08", to: "2025-11-10", first: 200) {
        userErrors { code } evaluated truncated affected affectedNow newlyAffected noLongerAffected effectCounts { type count }
        orders { erpOrderNo explanationEn facts effects { type } order { totalAmount customer { grade } } } } }`,
      { r: { ...r01, parameters: { grades: ['C'], amountOver: '5000.00', approverRole: 'director' } } },
      { token: tokens.director },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const s = res.data.simulateRule;
    assert.equal(s.evaluated, stack.truth.orders.length - stack.truth.orders.filter((o) => o.expectedStatus === 'CANCELLED').length);
    assert.equal(s.truncated, false);
    assert.equal(s.affectedNow, stack.truth.rules['R01-grade-c-large-order'].length);
    assert.ok(s.newlyAffected.length > 0, 'a lower threshold catches more orders');
    assert.deepEqual(s.noLongerAffected, []);
    assert.equal(s.affected, s.affectedNow + s.newlyAffected.length);
    assert.deepEqual(s.effectCounts, [{ type: 'HOLD', count: s.affected }]);
    for (const o of s.orders) {
      assert.equal(o.order.customer.grade, 'C');
      assert.ok(Number(o.order.totalAmount) > 5000, o.erpOrderNo);
    }
    const after = await stack.query(`{ rule(id: "R01-grade-c-large-order") { version } holds(first: 200) { id } }`, {}, { token: tokens.ops });
    assert.deepEqual(after.data, before.data, 'a dry run writes nothing');
    const bad = await stack.query(`query($r: RuleInput!) { simulateRule(rule: $r, from: "2025-11-08", to: "2025-11-10") { userErrors { code field } affected } }`, { r: { ...r01, parameters: { grades: ['D'] } } }, { token: tokens.director });
    assert.deepEqual(bad.data.simulateRule, {
      affected: 0,
      userErrors: [
        { code: 'INVALID_PARAMETER', field: ['parameters', 'grades', '0'] },
        { code: 'INVALID_PARAMETER', field: ['parameters', 'amountOver'] },
        { code: 'INVALID_PARAMETER', field: ['parameters', 'approverRole'] },
      ],
    });
    // A sample: the oldest orders only, and it says so.
    const sampled = await stack.query(`query($r: RuleInput!) { simulateRule(rule: $r, from: "2025-11-08", to: "2025-11-10", maxOrders: 100) { evaluated truncated } }`, { r: { ...r01, parameters: { grades: ['C'], amountOver: '5000.00', approverRole: 'director' } } }, { token: tokens.director });
    assert.deepEqual(sampled.data.simulateRule, { evaluated: 100, truncated: true });
    const tooMany = await stack.query(`query($r: RuleInput!) { simulateRule(rule: $r, from: "2025-11-08", to: "2025-11-10", maxOrders: 50001) { evaluated } }`, { r: { ...r01, parameters: { grades: ['C'], amountOver: '5000.00', approverRole: 'director' } } }, { token: tokens.director });
    assert.equal(tooMany.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });
});

describe('blockers', () => {
  test('a carrier exception on an order in transit is a blocker the customer is told about, with how late', async () => {
    // Not on hold, so that the carrier's delay is what the customer is told.
    const res = await stack.query(`{ orders(filter: { status: [IN_TRANSIT, OUT_FOR_DELIVERY], onHold: false }, first: 200) { edges { node { erpOrderNo customer { code } shipment { exception { type delayMinutes } } } } } }`);
    const hit = res.data.orders.edges.map((e: any) => e.node).find((o: any) => o.shipment?.exception);
    assert.ok(hit, 'an order in transit with a carrier exception');
    const o = await order(hit.erpOrderNo);
    const b = o.blockers.find((x: any) => x.code === 'CARRIER_EXCEPTION');
    const hours = Math.max(1, Math.round(hit.shipment.exception.delayMinutes / 60));
    assert.equal(b.sourceSystem, 'TMS');
    assert.equal(b.expectedResolutionEn, `about ${hours} hour${hours > 1 ? 's' : ''} late`);
    const asCustomer = await stack.query(`query($id: ID!) { order(id: $id) { currentBlocker { code messageZh messageEn } } }`, { id: hit.erpOrderNo }, { token: await stack.token('customer', hit.customer.code) });
    assert.equal(o.onHold, false);
    assert.equal(asCustomer.data.order.currentBlocker.code, 'CARRIER_EXCEPTION');
    assert.match(asCustomer.data.order.currentBlocker.messageZh, new RegExp(`预计晚到约 ${hours} 小时`));
    const refused = await stack.query(`query($id: ID!) { order(id: $id) { blockers { code } } }`, { id: hit.erpOrderNo }, { token: await stack.token('customer', hit.customer.code) });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN', 'the full list is internal');
  });

  test('a status black hole and an ambiguous outbound are internal blockers; a corrected promise is the customer\'s', async () => {
    const gap = stack.truth.orders.find((o) => o.missing.length > 0)!;
    const withGap = await order(gap.erpOrderNo);
    const b = withGap.blockers.find((x: any) => x.code === 'LIFECYCLE_GAP');
    assert.equal(b.customerVisible, false);
    assert.ok(gap.missing.every((n) => b.messageEn.includes(n)));
    const ambiguous = stack.truth.anomalies.find((a) => a.kind === 'refAmbiguous')!;
    const twin = await order(ambiguous.erpOrderNo!);
    assert.ok(twin.blockers.some((x: any) => x.code === 'UNLINKED_DOCUMENT' && x.sourceSystem === 'WMS' && !x.customerVisible));
    const late = stack.truth.rules['R12-promise-feasibility'].find((no) => !['SIGNED', 'COMPLETED'].includes(stack.truth.orders.find((o) => o.erpOrderNo === no)!.expectedStatus))!;
    const moved = await order(late);
    assert.ok(moved.promise.correctedPromisedAt > moved.promise.promisedAt);
    assert.deepEqual(moved.promise.correctedByRules, ['R12-promise-feasibility']);
    assert.ok(moved.blockers.some((x: any) => x.code === 'PROMISE_CHANGED' && x.customerVisible));
  });
});

describe('as orders arrive', () => {
  test('a new order is evaluated by every rule as it is linked', async () => {
    const live = await createLiveOrder({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, 77);
    const decisions = await until(async () => {
      const res = await stack.query(`{ order(id: "${live.waybillNo}") { decisions { ruleId } } }`);
      return res.data?.order?.decisions?.length ? res.data.order.decisions : null;
    });
    // One decision per enabled rule, and only those: every rule looked at the new order once.
    const enabled = (await stack.query('{ rules { id enabled } }')).data.rules.filter((r: any) => r.enabled).map((r: any) => r.id);
    assert.deepEqual(decisions.map((d: any) => d.ruleId).sort(), enabled.sort());
  });
});

async function until<T>(probe: () => Promise<T | null | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
