// Live orders through the gateway (issue 13): subscriptions over graphql-ws and graphql-sse with real
// clients, on MariaDB, while the simulated systems write a new order's story step by step. The
// order's stages arrive in order and each carries the order as selected (resolved by the subgraphs);
// a reconnect with `after` loses nothing; a customer cannot subscribe to another's order by any of
// its numbers; an expiring token ends the stream; the same screen, limits and policy as queries.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway } from '#gateway';
import { mintToken } from '../common/src/tokens.js';
import { openLiveStory } from '../legacy-sim/src/live.js';
import { STAGES } from '../subgraphs/order-link/src/lifecycle.js';
import { startStack, type Stack } from './helpers/stack.js';
import { rawSse, sseSubscribe, waitFor, wsConnection } from './helpers/live-clients.js';
import { deleteStream, sharedNats, streamNames } from './helpers/nats.js';

const WATCH = `subscription Watch($id: ID!, $after: String) {
  orderUpdated(id: $id, after: $after) {
    event { id sequence type stage source documentNo messageZh messageEn }
    order { id status lifecycle { stage recorded } shipment { waybillNo status } }
  }
}`;

const stageIndex = (s: string) => STAGES.indexOf(s as any);

describe('live orders through the gateway', () => {
  let stack: Stack;
  let admin: string;
  let nats: string | null = null;
  // On the machine's NATS JetStream when it answers (in a stream of this run's own), else in process.
  const names = streamNames('live');
  before(async () => {
    nats = await sharedNats();
    stack = await startStack({
      name: 'live',
      orders: 120,
      env: {
        LINK_POLL_MS: '200',
        EVENTS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '4',
        EVENTS_MAX_SUBSCRIPTIONS_PER_TOKEN: '6',
        ...(nats ? { EVENTS_NATS_URL: nats, ...names } : {}),
      },
    });
    admin = await stack.token('admin');
  });
  after(async () => {
    await stack?.close();
    if (nats) await deleteStream(nats, names.EVENTS_NATS_STREAM);
  });

  /**
   * A new order written as its story unfolds, on a clock of the test's own: every step moves the
   * story an hour on and waits for the linker, so each system's records arrive as they would, one
   * after another. Resolves once the hub knows the order.
   */
  /** The stories' clock: never behind itself, so one story's records never predate the last one's (the change feeds read forward). */
  let clock = 0;
  async function liveOrder(seed: number) {
    const start = Math.max(Date.now(), clock + 1000);
    clock = start;
    const story = await openLiveStory({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, { seed, startAt: start });
    await story.step(start);
    const erpOrderNo = story.numbers().erpOrderNo!;
    await waitFor(async () => (await stack.query(`query($id: ID!) { order(id: $id) { id } }`, { id: erpOrderNo })).data?.order, 20_000, 'the hub to link the new order');
    let stopped = false;
    const driving = (async () => {
      // The default pace: an hour of the story in 15 s of its clock.
      for (let now = start + 15_000; !stopped; now += 15_000) {
        clock = now;
        if (await story.step(now)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    return {
      erpOrderNo,
      story,
      async finish() {
        stopped = true;
        await driving;
        await story.close();
      },
    };
  }

  const events = (results: any[]) => results.map((r) => r.data.orderUpdated.event);
  const signed = (results: any[]) => results.some((r) => r.data?.orderUpdated?.event.stage === 'SIGNED');

  it('delivers a live order\'s stages in order over WebSocket, each with the order as selected', async () => {
    const order = await liveOrder(7);
    const ws = wsConnection(stack.gatewayUrl, admin);
    const sub = ws.subscribe(WATCH, { id: order.erpOrderNo, after: '0' });
    try {
      await sub.until(signed, 90_000);
      assert.deepEqual(sub.results.filter((r) => r.errors), []);
      const ev = events(sub.results);
      assert.deepEqual(ev.map((e) => e.sequence), ev.map((_, i) => i + 1), 'every event, numbered without gaps');
      assert.equal(ev[0].type, 'CREATED');
      // In the order the hub learned them: each system's own stages in lifecycle order (the ERP may
      // close an order before the carrier's signature reaches the hub: then COMPLETED comes first).
      const stages = ev.filter((e) => e.type === 'STAGE_REACHED').map((e) => e.stage);
      for (const system of ['WMS', 'TMS']) {
        const own = ev.filter((e) => e.type === 'STAGE_REACHED' && e.source === system).map((e) => stageIndex(e.stage));
        assert.deepEqual(own, [...own].sort((a, b) => a - b), `${system} stages in lifecycle order`);
      }
      assert.deepEqual(stages.filter((s) => s !== 'COMPLETED'), ['PAID', 'PICKING', 'SHIPPED_OUT', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'SIGNED'].filter((s) => stages.includes(s)));
      assert.ok(['PAID', 'PICKING', 'SHIPPED_OUT', 'SIGNED'].every((s) => stages.includes(s)), `the stages: ${stages}`);
      for (const r of sub.results) {
        const { event, order: o } = r.data.orderUpdated;
        // The order is resolved when the event is delivered: it has reached at least the event's stage.
        if (event.type === 'STAGE_REACHED') assert.ok(o.lifecycle.find((n: any) => n.stage === event.stage).recorded, `${event.stage} recorded by delivery`);
        if (event.stage === 'IN_TRANSIT') assert.ok(o.shipment?.waybillNo, 'the shipment resolved by the tms subgraph');
      }
      // What was delivered is the order's log.
      const log = await stack.query(`query($id: ID!) { order(id: $id) { events(first: 500) { id } } }`, { id: order.erpOrderNo });
      const logged = log.data.order.events.map((e: any) => e.id);
      assert.deepEqual(ev.map((e) => e.id), logged.slice(0, ev.length));
    } finally {
      await order.finish();
      await sub.close();
      await ws.dispose();
    }
  });

  it('loses nothing when an SSE subscriber reconnects with the last event it saw', async () => {
    const order = await liveOrder(11);
    const first = sseSubscribe(stack.gatewayUrl, admin, WATCH, { id: order.erpOrderNo, after: '0' });
    await first.until((r) => r.length >= 3, 60_000);
    await first.close();
    const seen = events(first.results);
    // Away for a while: the story goes on.
    await new Promise((r) => setTimeout(r, 1500));
    const second = sseSubscribe(stack.gatewayUrl, admin, WATCH, { id: order.erpOrderNo, after: seen.at(-1).id });
    try {
      await second.until(signed, 90_000);
      const all = [...seen, ...events(second.results)];
      assert.deepEqual(all.map((e) => e.sequence), all.map((_, i) => i + 1), 'nothing lost, nothing twice');
      const log = await stack.query(`query($id: ID!) { order(id: $id) { events(first: 500) { id } } }`, { id: order.erpOrderNo });
      assert.deepEqual(all.map((e) => e.id), log.data.order.events.map((e: any) => e.id).slice(0, all.length));
    } finally {
      await order.finish();
      await second.close();
    }
  });

  it('never lets a customer subscribe to another customer\'s order, by any of its numbers, over either protocol', async () => {
    const r = await stack.query(`{ orders(first: 100) { edges { node { id erpOrderNo wmsOutboundNo tmsWaybillNo } } } }`);
    const seeded = new Set(stack.truth.orders.map((t) => t.erpOrderNo));
    const o = r.data.orders.edges.map((e: any) => e.node).find((n: any) => n.wmsOutboundNo && n.tmsWaybillNo && seeded.has(n.erpOrderNo));
    const owner = stack.truth.orders.find((t) => t.erpOrderNo === o.erpOrderNo)!.customerCode;
    const other = stack.truth.orders.find((t) => t.customerCode !== owner)!.customerCode;
    const stranger = await stack.token('customer', other);
    const mine = await stack.token('customer', owner);
    const nobody = 'OH0099999999';
    const refusals: any[] = [];
    for (const id of [o.id, o.erpOrderNo, o.wmsOutboundNo, o.tmsWaybillNo, nobody]) {
      const ws = wsConnection(stack.gatewayUrl, stranger);
      const sub = ws.subscribe(WATCH, { id, after: '0' });
      const end = await sub.ended;
      await ws.dispose();
      assert.deepEqual(sub.results.filter((x) => !x.errors), [], `no event of ${id}`);
      const errors = sub.results.flatMap((x) => x.errors ?? []);
      assert.equal(errors.length, 1, `${id}: one error`);
      assert.equal(errors[0].extensions.code, 'NOT_FOUND', id);
      assert.equal(end.error, undefined);
      const sse = await rawSse(stack.gatewayUrl, stranger, { query: WATCH, variables: { id, after: '0' } });
      const next = sse.events.filter((e) => e.event === 'next').map((e) => JSON.parse(e.data));
      assert.deepEqual(next.map((n) => n.errors?.[0]?.extensions?.code), ['NOT_FOUND'], `${id} over SSE`);
      refusals.push(errors[0].message.replaceAll(id, '<id>'), next[0].errors[0].message.replaceAll(id, '<id>'));
    }
    assert.equal(new Set(refusals).size, 1, 'another customer\'s order is refused exactly like a number nobody has');
    // The owner may, by the same numbers.
    const ws = wsConnection(stack.gatewayUrl, mine);
    const sub = ws.subscribe(WATCH, { id: o.wmsOutboundNo, after: '0' });
    await sub.until((x) => x.length > 0);
    assert.equal(sub.results[0].data.orderUpdated.event.type, 'CREATED');
    await sub.close();
    await ws.dispose();
    // And the staff feed is not for customers.
    const feed = await rawSse(stack.gatewayUrl, mine, { query: 'subscription { orderEvents { event { id } } }' });
    assert.equal(feed.status, 403);
    assert.equal(feed.json.errors[0].extensions.code, 'FORBIDDEN');
  });

  it('ends the stream with a reason when the token expires: WebSocket closed 4401, SSE told TOKEN_EXPIRED', async () => {
    const auth = { secret: stack.config.AUTH_JWT_SECRET, issuer: stack.config.AUTH_ISSUER, audience: stack.config.AUTH_AUDIENCE };
    const short = await mintToken(auth, 'short-lived', 'ops', undefined, '3s');
    const started = Date.now();
    const ws = wsConnection(stack.gatewayUrl, short);
    const sub = ws.subscribe('subscription { orderEvents { event { id } } }');
    const sse = rawSse(stack.gatewayUrl, short, { query: 'subscription { orderEvents { event { id } } }' }, undefined, 10_000);
    const end = await sub.ended;
    assert.equal(end.error?.code, 4401);
    assert.match(String(end.error?.reason), /^TOKEN_EXPIRED/);
    const s = await sse;
    assert.deepEqual(s.events.map((e) => e.event), ['next', 'complete'], JSON.stringify(s));
    assert.equal(JSON.parse(s.events[0].data).errors?.[0]?.extensions?.code, 'TOKEN_EXPIRED', JSON.stringify(s.events));
    assert.ok(Date.now() - started < 8000);
    await ws.dispose();
  });

  it('judges a subscription like a query: token, screen, limits, internal fields, operation kind, subscriptions per connection', async () => {
    const customer = await stack.token('customer', stack.truth.orders[0].customerCode);
    // No token: the WebSocket is closed with the reason; SSE answers 401.
    const anon = wsConnection(stack.gatewayUrl, null);
    const anonEnd = await anon.subscribe(WATCH, { id: 'OH0000000001' }).ended;
    assert.equal(anonEnd.error?.code, 4401);
    assert.match(anonEnd.error?.reason, /^UNAUTHENTICATED/);
    await anon.dispose();
    const noToken = await rawSse(stack.gatewayUrl, null, { query: WATCH, variables: { id: 'OH0000000001' } });
    assert.equal(noToken.status, 401);
    assert.equal(noToken.json.errors[0].extensions.code, 'UNAUTHENTICATED');

    const refusal = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
      const ws = wsConnection(stack.gatewayUrl, token);
      const end = await ws.subscribe(query, variables).ended;
      await ws.dispose();
      const sse = await rawSse(stack.gatewayUrl, token, { query, variables });
      assert.equal(sse.json?.errors?.[0]?.extensions?.code, end.error?.[0]?.extensions?.code, 'the same refusal over both');
      return end.error?.[0]?.extensions?.code;
    };
    assert.equal(await refusal(customer, 'subscription($id: ID!) { orderUpdated(id: $id) { order { blockers { code } } } }', { id: stack.truth.orders[0].erpOrderNo }), 'FORBIDDEN');
    assert.equal(await refusal(admin, '{ orders(first: 1) { totalCount } }'), 'BAD_REQUEST');
    assert.equal(await refusal(admin, `subscription { orderEvents { ${Array.from({ length: 40 }, (_, i) => `a${i}: event { id }`).join(' ')} } }`), 'TOO_MANY_ALIASES');
    assert.equal(await refusal(admin, 'subscription { orderEvents { event { nope } } }'), 'GRAPHQL_VALIDATION_FAILED');
    assert.equal(await refusal(admin, 'subscription($a: String) { orderEvents(after: $a) { event { id } } }', { a: 'last week' }), 'BAD_USER_INPUT');

    // Four per connection here (EVENTS_MAX_SUBSCRIPTIONS_PER_CONNECTION=4): the fifth is refused, the four stay.
    const ws = wsConnection(stack.gatewayUrl, admin);
    const subs = Array.from({ length: 5 }, () => ws.subscribe('subscription { orderEvents { event { id } } }'));
    const fifth = await subs[4].ended;
    assert.equal(fifth.error?.[0]?.extensions?.code, 'TOO_MANY_SUBSCRIPTIONS');
    for (const s of subs.slice(0, 4)) await s.close();
    // Freed: a new one is admitted on the same connection.
    const again = ws.subscribe('subscription { orderEvents(after: "0") { event { id } } }');
    await again.until((r) => r.length > 0);
    await again.close();
    await ws.dispose();
  });

  it('applies trusted documents to subscriptions: a customer may send only registered ones', async () => {
    const gateway = await startGateway({ ...stack.config, TRUSTED_DOCUMENTS: 'customers' }, { subgraphUrls: stack.subgraphUrls });
    try {
      const customer = await stack.token('customer', stack.truth.orders[0].customerCode);
      const sse = await rawSse(gateway.url, customer, { query: WATCH, variables: { id: stack.truth.orders[0].erpOrderNo } });
      assert.equal(sse.json.errors[0].extensions.code, 'PERSISTED_QUERY_NOT_IN_LIST');
      const staff = await rawSse(gateway.url, admin, { query: WATCH, variables: { id: stack.truth.orders[0].erpOrderNo, after: '0' } }, (e) => e.length > 0);
      assert.equal(staff.events[0].event, 'next');
    } finally {
      await gateway.close();
    }
  });
});
