// Live orders over NATS JetStream with a server of this test's own (stopped and started here, never
// the machine's shared one): two gateway instances each deliver every event to their own clients;
// the bus going down and coming back loses nothing — the hub keeps publishing from its log once
// the bus is back, and both gateways' subscribers get every event, in order, once; and a gateway
// that loses its own connection to the bus for a while (through a proxy this test cuts) resumes
// from the stream where it stopped: what it missed comes from JetStream, not from the hub's log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway } from '#gateway';
import type { RunningServer } from '../common/src/http-host.js';
import { createLiveOrder } from '../legacy-sim/src/live.js';
import { startStack, type Stack } from './helpers/stack.js';
import { sseSubscribe, waitFor, wsConnection, type Received } from './helpers/live-clients.js';
import { ownNats, streamState } from './helpers/nats.js';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';

const FEED = 'subscription { orderEvents { event { id orderId sequence type } order { id status } } }';

describe('live orders over NATS JetStream', () => {
  let stack: Stack;
  let nats: Awaited<ReturnType<typeof ownNats>>;
  let second: RunningServer;
  /** Between the second gateway and the bus. */
  let proxy: FaultProxy;
  let admin: string;
  before(async () => {
    nats = await ownNats();
    stack = await startStack({
      name: 'livenats',
      orders: 60,
      env: {
        LINK_POLL_MS: '200',
        EVENTS_NATS_URL: nats.url,
        EVENTS_NATS_STREAM: 'LIVE_NATS_TEST',
        EVENTS_NATS_SUBJECT: 'livetest.events',
        // Only the bus (and the gaps it shows) delivers here: no timed look at the log's end.
        EVENTS_LOG_CHECK_MS: '600000',
      },
    });
    proxy = await startFaultProxy('127.0.0.1', Number(new URL(nats.url.replace(/^nats:/, 'http:')).port));
    second = await startGateway({ ...stack.config, EVENTS_NATS_URL: `nats://127.0.0.1:${proxy.port}` }, { subgraphUrls: stack.subgraphUrls });
    admin = await stack.token('admin');
  });
  after(async () => {
    await second?.close();
    await proxy?.close();
    await stack?.close();
    await nats?.close();
  });

  const logEnd = async () => Number((await stack.query('{ orderEventLog(first: 0) { logEnd } }')).data.orderEventLog.logEnd);
  const published = async () => Number((await stack.orderLink.hubDb.query('SELECT published_to FROM hub_event_stream WHERE id = 1'))[0].published_to);
  const ids = (r: Received) => r.results.map((x) => Number(x.data.orderEvents.event.id));
  const targets = () => ({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl });

  /** Both gateways' subscribers, from now on. */
  async function subscribers() {
    const ws = wsConnection(stack.gatewayUrl, admin);
    const a = ws.subscribe(FEED);
    const b = sseSubscribe(second.url, admin, FEED);
    // Subscribed once each has started reading: a first order proves it.
    return { a, b, ws };
  }

  it('delivers every event to the clients of each of two gateway instances, in log order', async () => {
    await waitFor(async () => (await published()) === (await logEnd()), 20_000, 'the backlog published');
    const from = await logEnd();
    const { a, b, ws } = await subscribers();
    await new Promise((r) => setTimeout(r, 500));
    const made = await createLiveOrder(targets(), 4242);
    await waitFor(async () => (await stack.query(`query($id: ID!) { order(id: $id) { status } }`, { id: made.erpOrderNo })).data?.order?.status === 'IN_TRANSIT', 30_000, 'the new order linked');
    // The log numbers what the triggers recorded a moment after it commits: wait for the new order's events.
    await waitFor(async () => (await logEnd()) > from, 20_000, 'the new order\'s events numbered');
    const end = await logEnd();
    await a.until((r) => r.length > 0 && ids(a).at(-1)! >= end, 20_000);
    await b.until((r) => r.length > 0 && ids(b).at(-1)! >= end, 20_000);
    const expected = Array.from({ length: end - ids(a)[0] + 1 }, (_, i) => ids(a)[0] + i);
    assert.deepEqual(ids(a), expected, 'gateway 1: every event, in order, once');
    assert.deepEqual(ids(b).filter((id) => id >= ids(a)[0]), expected, 'gateway 2: the same');
    assert.ok(ids(a)[0] <= from + 1, 'nothing since subscribing was missed');
    await a.close();
    await b.close();
    await ws.dispose();
  });

  it('loses nothing while the bus is down: the log is published when it is back and both gateways deliver it all', async () => {
    const { a, b, ws } = await subscribers();
    await new Promise((r) => setTimeout(r, 500));
    const before = await logEnd();
    await nats.stop();
    // Orders come and go while the bus is away: recorded, numbered, not published.
    for (const seed of [7001, 7002, 7003]) await createLiveOrder(targets(), seed);
    await waitFor(async () => (await logEnd()) > before + 10, 30_000, 'events recorded while the bus is down');
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok((await published()) < (await logEnd()), 'not published while the bus is down');
    const down = await logEnd();
    await nats.start();
    await waitFor(async () => (await published()) >= down, 30_000, 'the backlog published once the bus is back');
    const end = await logEnd();
    await a.until(() => ids(a).at(-1)! >= end, 30_000);
    await b.until(() => ids(b).at(-1)! >= end, 30_000);
    for (const [name, r] of [['gateway 1 (WebSocket)', a], ['gateway 2 (SSE)', b]] as const) {
      const got = ids(r).filter((id) => id > before);
      assert.deepEqual(got, Array.from({ length: end - before }, (_, i) => before + i + 1), `${name}: every event, in order, once`);
    }
    // The bus holds them too (JetStream kept each once, by its message ID).
    const state = await streamState(nats.url, 'LIVE_NATS_TEST');
    assert.ok(state.messages >= end - before, `the stream holds the events (${state.messages})`);
    await a.close();
    await b.close();
    await ws.dispose();
  });
  it('a gateway cut off from the bus for a while resumes from the stream: every event it missed, from JetStream, in order', async () => {
    const { a, b, ws } = await subscribers();
    await new Promise((r) => setTimeout(r, 500));
    await waitFor(async () => (await published()) === (await logEnd()), 20_000, 'the backlog published');
    const before = await logEnd();
    const fromLog = async () => Number(/^gateway_live_events_total\{source="log"\} (\d+)/m.exec(await (await fetch(new URL('/metrics', second.url))).text())?.[1] ?? 0);
    const filledBefore = await fromLog();
    // Only the second gateway's connection breaks: the hub keeps publishing, JetStream keeps it all.
    proxy.setMode('down');
    for (const seed of [7101, 7102]) await createLiveOrder(targets(), seed);
    await waitFor(async () => (await logEnd()) > before + 6 && (await published()) === (await logEnd()), 30_000, 'events published while the gateway is cut off');
    const end = await logEnd();
    await a.until(() => ids(a).at(-1)! >= end, 30_000);
    assert.ok(ids(b).every((id) => id <= before), 'the cut-off gateway delivered nothing meanwhile');
    proxy.setMode('pass');
    await b.until(() => ids(b).at(-1)! >= end, 30_000);
    for (const [name, r] of [['gateway 1 (WebSocket)', a], ['gateway 2 (SSE), reconnected', b]] as const) {
      // Up to the end seen while it was cut off (the new orders' later events may follow).
      const got = ids(r).filter((id) => id > before && id <= end);
      assert.deepEqual(got, Array.from({ length: end - before }, (_, i) => before + i + 1), `${name}: every event, in order, once`);
    }
    assert.equal(await fromLog(), filledBefore, 'the events it missed came from the stream, none read from the log instead');
    await a.close();
    await b.close();
    await ws.dispose();
  });
});
