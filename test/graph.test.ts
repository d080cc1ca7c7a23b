// The federated order graph end to end: seeded MariaDB legacy databases and real simulator
// servers behind the seven subgraphs, queried through the gateway, checked against the
// generator's ground truth.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mysqlAvailable, startStack, type Stack } from './helpers/stack.js';
import { callsBetween } from './helpers/legacy-calls.js';
import { allOrders, allUnlinked, assertLifecyclesMatchTruth, assertLinksMatchTruth, expectedUnlinked } from './helpers/truth.js';
import { createLiveOrder } from '../legacy-sim/src/live.js';
import type { TruthOrder } from '../legacy-sim/src/types.js';
import { generate } from '../legacy-sim/src/generator.js';
import { visibleTracks } from '../legacy-sim/src/story.js';
import { CUSTOMER_TAGS } from '../legacy-sim/src/world.js';

let stack: Stack;
const byNo = new Map<string, TruthOrder>();
/** Every order in the graph, fetched once by paging through `orders`. */
let graphOrders: any[] = [];

before(async () => {
  stack = await startStack({
    name: 'graph',
    orders: 800,
    days: 2,
    seed: 7,
    // Raised rates so every anomaly kind appears several times in a small set.
    rates: {
      refVariant: 0.06,
      refMissing: 0.04,
      refAmbiguous: 0.01,
      waybillWithoutOutbound: 0.02,
      outboundWithoutWaybill: 0.02,
      orphanWaybill: 0.01,
      orphanOutbound: 0.01,
      missingNode: 0.05,
      quantityMismatch: 0.03,
    },
  });
  for (const o of stack.truth.orders) byNo.set(o.erpOrderNo, o);
  graphOrders = await allOrders(stack);
});

after(async () => {
  await stack?.close();
});

describe('the federated order graph', () => {
  test('runs against the database the environment asks for, with every order seeded in the graph', async () => {
    // MariaDB when it is reachable (and always under REQUIRE_MYSQL=1), SQLite only as the fallback.
    assert.equal(stack.dialect, process.env.REQUIRE_MYSQL === '1' || (await mysqlAvailable()) ? 'mysql' : 'sqlite');
    assert.equal(stack.truth.orders.length, 800);
    assert.equal(graphOrders.length, 800);
    assert.deepEqual(graphOrders.map((o) => o.erpOrderNo).sort(), stack.truth.orders.map((o) => o.erpOrderNo).sort());
  });

  test('order(id) finds the same order by unified ID, SO, CK and waybill numbers', async () => {
    const full = stack.truth.orders.filter((o) => o.outbound?.method && o.waybill?.method).slice(0, 25);
    assert.equal(full.length, 25, 'the first 25 orders linked to both an outbound and a waybill');
    for (const t of full) {
      const bySo = await stack.query(`query($id: ID!) { order(id: $id) { id erpOrderNo wmsOutboundNo tmsWaybillNo } }`, { id: t.erpOrderNo });
      const order = bySo.data.order;
      assert.equal(order.erpOrderNo, t.erpOrderNo);
      assert.match(order.id, /^OH\d{10}$/);
      const variant = t.erpOrderNo.replace(/-/g, '');
      for (const id of [order.id, t.outbound!.outboundNo, t.waybill!.waybillNo, variant]) {
        const res = await stack.query(`query($id: ID!) { order(id: $id) { id erpOrderNo } }`, { id });
        assert.deepEqual(res.data.order, { id: order.id, erpOrderNo: t.erpOrderNo }, `by ${id}`);
      }
    }
  });

  test('every true link is found with the right method and no false link is made', () => {
    assertLinksMatchTruth(graphOrders, stack.truth);
  });

  test('unlinkedDocuments lists exactly the documents that cannot be linked, with the reason', async () => {
    const expected = expectedUnlinked(stack.truth);
    assert.ok(expected.length >= 5, 'the set has unlinkable documents');
    assert.deepEqual(await allUnlinked(stack), expected);
    const wmsOnly = await stack.query(`{ unlinkedDocuments(system: WMS, first: 200) { totalCount edges { node { system } } } }`);
    assert.equal(wmsOnly.data.unlinkedDocuments.totalCount, stack.truth.unlinked.filter((u) => u.system === 'WMS').length);
    assert.ok(wmsOnly.data.unlinkedDocuments.edges.every((e: any) => e.node.system === 'WMS'));
  });

  test('lifecycle shows recorded nodes with their times and reports the status black holes', () => {
    const withMissing = assertLifecyclesMatchTruth(graphOrders, stack.truth);
    assert.ok(withMissing >= 10, `black holes present (${withMissing})`);
  });

  test('orders filters by customer, store, region, date range and status, and pages without gaps', async () => {
    const sample = stack.truth.orders[17];
    const cases: [Record<string, unknown>, (o: TruthOrder) => boolean][] = [
      [{ customerCode: sample.customerCode }, (o) => o.customerCode === sample.customerCode],
      [{ storeCode: sample.storeCode }, (o) => o.storeCode === sample.storeCode],
      [{ region: sample.region }, (o) => o.region === sample.region],
      [{ status: ['SIGNED', 'COMPLETED'] }, (o) => o.expectedStatus === 'SIGNED' || o.expectedStatus === 'COMPLETED'],
      [{ status: ['CANCELLED'] }, (o) => o.expectedStatus === 'CANCELLED'],
      [{ hasMissingNodes: true }, (o) => o.missing.length > 0],
      [
        { orderedFrom: '2025-11-09', orderedTo: '2025-11-09T12:00:00+08:00' },
        (o) => o.orderedAt >= '2025-11-09T00:00:00+08:00' && o.orderedAt < '2025-11-09T12:00:00+08:00',
      ],
      [{ region: sample.region, status: ['PAID', 'PICKING', 'SHIPPED_OUT', 'IN_TRANSIT'] }, (o) => o.region === sample.region && ['PAID', 'PICKING', 'SHIPPED_OUT', 'IN_TRANSIT'].includes(o.expectedStatus)],
    ];
    for (const [filter, keep] of cases) {
      const expected = stack.truth.orders.filter(keep).map((o) => o.erpOrderNo).sort();
      assert.ok(expected.length > 0, `case ${JSON.stringify(filter)} selects something`);
      const got: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const res: any = await stack.query(
          `query($f: OrderFilter, $after: String) { orders(filter: $f, first: 37, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { erpOrderNo } } } }`,
          { f: filter, after },
        );
        assert.equal(res.errors, undefined, JSON.stringify(res.errors));
        assert.equal(res.data.orders.totalCount, expected.length, JSON.stringify(filter));
        got.push(...res.data.orders.edges.map((e: any) => e.node.erpOrderNo));
        after = res.data.orders.pageInfo.hasNextPage ? res.data.orders.pageInfo.endCursor : null;
        pages++;
      } while (after && pages < 100);
      assert.deepEqual(got.sort(), expected, JSON.stringify(filter));
    }
  });

  test('an order carries every system: ERP header and lines, customer, SKUs, outbound, shipment, tickets', async () => {
    // What the legacy systems were seeded with, regenerated: the CRM's tags and levels, the
    // catalog, the outbound's lines and the warehouse's bins.
    const data = generate(stack.seedOptions);
    const crmOf = new Map(data.crmCustomers.map((c) => [c.cust_code, c]));
    const tagsOf = (code: string) => {
      const list = crmOf.get(code)?.tag_list ?? '';
      return CUSTOMER_TAGS.filter((tag) => list.includes(tag)).sort((a, b) => list.indexOf(a) - list.indexOf(b));
    };
    // A customer with two tags or more, so that their order and separators are checked too.
    const t = stack.truth.orders.find((o) => o.outbound?.method && o.waybill?.method && o.expectedStatus === 'COMPLETED' && tagsOf(o.customerCode).length >= 2)!;
    const story = data.orders.find((s) => s.erpOrderNo === t.erpOrderNo)!;
    const res = await stack.query(
      `query($id: ID!) { order(id: $id) {
        orderedAt promisedAt totalAmount region remark erpStatus store { code name region warehouseCode }
        customer { code name grade creditLine level tags }
        lines { rowNo quantity unitPrice amount sku { code name spec category shelfLifeMonths isService availableQuantity batches { batchNo expiresOn location { code floor aisle shelf } } } }
        outbound { outboundNo status warehouseCode createdAt pickStartedAt pickedAt shippedAt lines { sku { code name } batchNo expiresOn quantity location { code floor aisle shelf } } }
        shipment { waybillNo carrier { code name } status customerReference events { code at city description } }
        tickets { ticketNo }
      } }`,
      { id: t.erpOrderNo },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const o = res.data.order;
    assert.equal(o.orderedAt, t.orderedAt);
    assert.equal(o.totalAmount, t.totalAmount);
    assert.match(o.totalAmount, /^\d+\.\d{2}$/);
    assert.equal(o.region, t.region);
    assert.equal(o.store.code, t.storeCode);
    assert.equal(o.erpStatus, 'CLOSED');
    assert.equal(o.customer.code, t.customerCode);
    assert.match(o.customer.grade, /^[ABC]$/);
    assert.match(o.customer.creditLine, /^\d+\.\d{2}$/);
    assert.equal(o.customer.level, ['NORMAL', 'SILVER', 'GOLD', 'DIAMOND'][crmOf.get(t.customerCode)!.level_code! - 1]);
    assert.deepEqual(o.customer.tags, tagsOf(t.customerCode));
    // Money adds up exactly, in fen.
    const fen = (s: string) => Math.round(Number(s) * 100);
    assert.equal(o.lines.reduce((sum: number, l: any) => sum + fen(l.amount), 0), fen(o.totalAmount));
    for (const l of o.lines) assert.equal(fen(l.amount), fen(l.unitPrice) * l.quantity);
    // The order's own lines (a rule may have added a gift line after them), each SKU as the catalog names it.
    assert.deepEqual(
      o.lines.slice(0, story.lines.length).map((l: any) => [l.rowNo, l.sku.code, l.quantity]),
      story.lines.map((l) => [l.rowNo, l.skuCode, l.quantity]),
    );
    for (const l of o.lines) assert.deepEqual([l.sku.name, l.sku.spec], [data.world.sku.get(l.sku.code)!.nameZh, data.world.sku.get(l.sku.code)!.model], l.sku.code);
    assert.equal(o.outbound.outboundNo, t.outbound!.outboundNo);
    assert.equal(o.outbound.status, 'SHIPPED');
    const bin = new Map(data.world.locations.filter((b) => b.warehouseCode === story.outbound!.warehouseCode).map((b) => [b.locCode, b]));
    const line = (sku: string, batch: string, quantity: number, code: string) => [sku, batch, quantity, code, bin.get(code)?.floor, bin.get(code)?.aisle, bin.get(code)?.shelf].join(' ');
    assert.deepEqual(
      o.outbound.lines.map((l: any) => [l.sku.code, l.batchNo, l.quantity, l.location.code, l.location.floor, l.location.aisle, l.location.shelf].join(' ')).sort(),
      story.outbound!.lines.map((l) => line(l.skuCode, l.batchNo, l.planQty, l.locCode)).sort(),
    );
    assert.equal(o.shipment.waybillNo, t.waybill!.waybillNo);
    assert.equal(o.shipment.customerReference, t.outbound!.outboundNo);
    assert.equal(o.shipment.events.length, visibleTracks(story.waybill!, data.asOf).length);
    const times = [o.orderedAt, o.promisedAt, o.outbound.createdAt, o.outbound.shippedAt, ...o.shipment.events.map((e: any) => e.at)];
    for (const time of times) assert.match(time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    assert.equal(o.shipment.events.at(-1).code, 'SIGNED');
    assert.equal(o.shipment.events.find((e: any) => e.code === 'SIGNED').at, t.recorded.SIGNED);
  });

  test('tickets come from the CRM by order number', async () => {
    const nos = stack.truth.orders.map((o) => o.erpOrderNo);
    const crm = (await (
      await fetch(new URL('/crm/api/tickets/search', stack.crmApiUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderRefs: nos.slice(0, 500) }) })
    ).json()) as any;
    const withTicket = crm.result[0];
    assert.ok(withTicket, 'the data set has tickets');
    const res = await stack.query(`query($id: ID!) { order(id: $id) { tickets { ticketNo type status openedAt transcript { speaker at text } } } }`, { id: withTicket.orderRef });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const expected = crm.result.filter((t: any) => t.orderRef === withTicket.orderRef).map((t: any) => t.ticketId).sort();
    assert.deepEqual(res.data.order.tickets.map((t: any) => t.ticketNo).sort(), expected);
    assert.match(res.data.order.tickets[0].openedAt, /\+08:00$/);
  });

  for (const first of [20, 100, 200]) {
    test(`orders(first: ${first}) with every system's fields makes at most 2 legacy calls per system and entity type`, async () => {
      const before = await stack.legacyCalls();
      const res = await stack.query(`{ orders(first: ${first}) { edges { node {
        id erpOrderNo status links { method } lifecycle { stage at }
        orderedAt totalAmount store { name } customer { name grade creditLine level tags satisfaction }
        lines { quantity amount sku { name spec shelfLifeMonths availableQuantity batches { batchNo expiresOn } } }
        outbound { status shippedAt lines { batchNo expiresOn location { floor aisle shelf } sku { name } } }
        shipment { status carrier { name } events { code at } exception { type } }
        tickets { ticketNo }
      } } } }`);
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      assert.equal(res.data.orders.edges.length, Math.min(first, stack.truth.orders.length));
      const after = await stack.legacyCalls();
      const used = callsBetween(before, after);
      const systems = new Set(Object.keys(used).map((k) => k.split(':')[0]));
      assert.deepEqual([...systems].sort(), ['crm', 'erp', 'tms', 'wms'], JSON.stringify(used));
      for (const [operation, calls] of Object.entries(used)) assert.ok((calls as number) <= 2, `${operation} made ${calls} calls: ${JSON.stringify(used)}`);
    });
  }

  test('identical reads in flight together share their subgraph requests; different callers do not', async () => {
    const page = `{ orders(first: 50) { edges { node { erpOrderNo customer { name } lines { quantity sku { name } } shipment { status } } } } }`;
    const shared = async () => Number(/^gateway_subgraph_fetches_shared_total\S* (\d+)/m.exec(await (await fetch(new URL('/metrics', stack.gatewayUrl))).text())?.[1] ?? 0);
    const before = await shared();
    const alone = await stack.query(page);
    const callsBefore = await stack.legacyCalls();
    const together = await Promise.all(Array.from({ length: 6 }, () => stack.query(page)));
    const used = Object.values(callsBetween(callsBefore, await stack.legacyCalls())).reduce((a, b) => a + b, 0);
    for (const answer of together) assert.deepEqual(answer, alone);
    const afterTogether = await shared();
    assert.ok(afterTogether > before, 'some subgraph reads were shared');
    // Six pages at once cost the legacy systems less than six pages one after another would.
    const oneCallsBefore = await stack.legacyCalls();
    await stack.query(page);
    const one = Object.values(callsBetween(oneCallsBefore, await stack.legacyCalls())).reduce((a, b) => a + b, 0);
    assert.ok(used < 6 * one, `6 pages at once made ${used} legacy calls, one page ${one}`);
    // Another caller's identical read is its own: what a subgraph answers depends on who asks.
    const [asOps, asFinance] = await Promise.all([stack.query(page, {}, { token: await stack.token('ops') }), stack.query(page, {}, { token: await stack.token('finance') })]);
    assert.deepEqual(asOps.data, asFinance.data);
    assert.equal(await shared(), afterTogether, 'nothing shared between two callers');
  });

  test('bad input gets BAD_USER_INPUT with a message in Chinese and English', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['query($id: ID!) { order(id: $id) { id } }', { id: 'not-a-number' }],
      ['query($id: ID!) { order(id: $id) { id } }', { id: "SO' OR 1=1 --" }],
      ['{ orders(first: 201) { totalCount } }', {}],
      ['{ orders(first: -1) { totalCount } }', {}],
      ['{ orders(after: "garbage") { totalCount } }', {}],
      ['{ orders(filter: { orderedFrom: "last tuesday" }) { totalCount } }', {}],
      ['{ orders(filter: { orderedFrom: "2025-11-09", orderedTo: "2025-11-08" }) { totalCount } }', {}],
      ['{ orders(filter: { customerCode: "" }) { totalCount } }', {}],
    ];
    for (const [q, variables] of cases) {
      const res = await stack.query(q, variables);
      assert.equal(res.data?.order ?? res.data?.orders ?? null, null, q);
      assert.equal(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `${q}: ${JSON.stringify(res.errors)}`);
      assert.match(res.errors![0].message, /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/, res.errors![0].message);
    }
    const unknown = await stack.query('{ order(id: "SO-20991231-999") { id } }');
    assert.deepEqual(unknown, { data: { order: null } });
  });

  test('a document inserted into the legacy systems is linked and queryable by every number within 2 seconds', async () => {
    const started = Date.now();
    const live = await createLiveOrder({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl });
    let found: any = null;
    while (Date.now() - started < 5000) {
      const answers = await Promise.all(
        [live.erpOrderNo, live.outboundNo, live.waybillNo].map((id) => stack.query(`query($id: ID!) { order(id: $id) { id erpOrderNo wmsOutboundNo tmsWaybillNo status } }`, { id })),
      );
      const ids = answers.map((a) => a.data?.order?.id);
      if (ids.every((id) => id && id === ids[0]) && answers[0].data.order.tmsWaybillNo) {
        found = answers[0].data.order;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const elapsed = Date.now() - started;
    assert.ok(found, 'linked within 5 s');
    assert.deepEqual([found.erpOrderNo, found.wmsOutboundNo, found.tmsWaybillNo], [live.erpOrderNo, live.outboundNo, live.waybillNo]);
    assert.ok(elapsed < 2000, `linked in ${elapsed} ms`);
  });

  test('health, readiness and metrics are served by the gateway and every subgraph', async () => {
    // Each component's own readiness checks, and the circuits of the systems it calls.
    const checks: Record<string, string[]> = { gateway: Object.keys(stack.subgraphUrls), erp: ['erpDatabase'], wms: ['wmsDatabase'], tms: ['tmsApi'], crm: ['crmApi'], 'order-link': ['hubDatabase', 'linker'], fulfilment: ['hubDatabase', 'wmsDatabase'], intake: ['hubDatabase', 'erpDatabase'] };
    const circuits: Record<string, string[]> = { gateway: [], erp: ['erp'], wms: ['wms'], tms: ['erp', 'tms'], crm: ['crm'], 'order-link': ['crm', 'crm-calls', 'erp', 'hub', 'hub-events', 'tms', 'wms'], fulfilment: ['erp', 'hub', 'tms', 'wms'], intake: ['erp', 'hub', 'order-link'] };
    const families: Record<string, string[]> = { gateway: ['gateway_requests_total counter', 'gateway_subgraph_fetch_seconds histogram', 'gateway_subgraph_fetches_shared_total counter'] };
    const legacyFamilies = ['legacy_calls_total counter', 'legacy_call_duration_seconds histogram', 'legacy_circuit_state gauge'];
    for (const [name, url] of [['gateway', stack.gatewayUrl], ...Object.entries(stack.subgraphUrls)]) {
      assert.ok(checks[name], `${name}: a component this test does not know`);
      assert.deepEqual(await (await fetch(new URL('/healthz', url))).json(), { status: 'ok', component: name });
      const ready = await fetch(new URL('/readyz', url));
      assert.deepEqual([ready.status, await ready.json()], [200, { status: 'ready', component: name, checks: Object.fromEntries(checks[name].map((c) => [c, 'ok'])) }], name);
      const metrics = await (await fetch(new URL('/metrics', url))).text();
      for (const family of families[name] ?? legacyFamilies) assert.match(metrics, new RegExp(`^# TYPE ${family}$`, 'm'), `${name}: ${family}`);
      const states = [...metrics.matchAll(/^legacy_circuit_state\{([^}]*)\} (\S+)$/gm)].map((m) => [/system="([^"]+)"/.exec(m[1])![1], /component="([^"]+)"/.exec(m[1])![1], Number(m[2])]);
      assert.deepEqual(states.sort(), circuits[name].map((system) => [system, name, 0]), `${name}: every circuit closed`);
    }
    const erpMetrics = await (await fetch(new URL('/metrics', stack.subgraphUrls.erp))).text();
    assert.match(erpMetrics, /legacy_calls_total\{[^}]*system="erp"/);
  });
});
