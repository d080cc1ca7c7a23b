// Signed gateway → subgraph requests, on the real stack with the replay cache in Redis: a
// captured scanItem sent again is refused and counts nothing; a request captured on its way to one
// instance is refused by a second instance of the same subgraph; the signature binds method, path,
// target subgraph and nonce; a timestamp ahead of the clock is refused; each subgraph may have its
// own key; and a refusal never says which check failed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { request } from 'undici';
import { startStack, type Stack } from './helpers/stack.js';
import { openDataSource } from '../common/src/db.js';
import { loadConfig } from '../common/src/config.js';
import { encodeCaller } from '../common/src/caller.js';
import { signRequest, NONCE_HEADER, SIGNATURE_HEADER } from '../common/src/signing.js';
import { redisReplayCache } from '../common/src/replay-cache.js';
import { createErpSubgraph } from '../subgraphs/erp/src/server.js';
import { startGateway } from '#gateway';
import { createOrdersAwaitingPick, type OrderAwaitingPick } from '../legacy-sim/src/live.js';
import { loadCatalog } from '../legacy-sim/src/world.js';
import type { RunningServer } from '../common/src/http-host.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

let stack: Stack;
let wms: DataSource;
let hub: DataSource;
let orders: OrderAwaitingPick[];

before(async () => {
  stack = await startStack({ name: 'signing', orders: 150, days: 1, seed: 61, env: { SUBGRAPH_REPLAY_CACHE: REDIS_URL } });
  wms = await openDataSource(stack.targets.wmsUrl, { poolSize: 2 });
  hub = await openDataSource(stack.config.HUB_DATABASE_URL, { poolSize: 2 });
  orders = await createOrdersAwaitingPick({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, { count: 2, seed: 616 });
  // Linked once the linker has seen both documents of each order (a busy machine may need more than one round).
  for (let i = 0; i < 30; i++) {
    await stack.linker.runFreshRound();
    const linked = await Promise.all(orders.map(async (o) => (await stack.query('query($id: ID!) { order(id: $id) { wmsOutboundNo } }', { id: o.erpOrderNo })).data?.order?.wmsOutboundNo));
    if (linked.every((no, k) => no === orders[k].outboundNo)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
});

after(async () => {
  await wms?.destroy();
  await hub?.destroy();
  await stack?.close();
});

interface Captured {
  subgraph: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A proxy in front of every subgraph that forwards each request as it is and keeps a copy. */
async function capturingProxies(targets: Record<string, string>) {
  const captured: Captured[] = [];
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  for (const [subgraph, target] of Object.entries(targets)) {
    const server = createServer(async (req, res) => {
      const body = await read(req);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('x-hub-') || k === 'content-type')) as Record<string, string>;
      captured.push({ subgraph, path: req.url ?? '/', headers, body });
      const answer = await request(new URL(req.url ?? '/', target), { method: req.method as 'POST', headers, body });
      res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
      res.end(await answer.body.text());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls[subgraph] = `http://127.0.0.1:${(server.address() as AddressInfo).port}${new URL(target).pathname}`;
  }
  return { captured, urls, close: () => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))) };
}

const post = async (url: string, body: string, headers: Record<string, string>) => {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.statusCode, body: (await res.body.json()) as any };
};

const counts = async (o: OrderAwaitingPick) => ({
  wmsScans: Number((await wms.query('SELECT COUNT(*) AS n FROM t_pick_scan WHERE out_no = ?', [o.outboundNo]))[0].n),
  picked: Number((await wms.query('SELECT COALESCE(SUM(picked_qty), 0) AS n FROM t_out_line WHERE out_no = ?', [o.outboundNo]))[0].n),
  hubScans: Number((await hub.query('SELECT COUNT(*) AS n FROM hub_pick_scan WHERE out_no = ?', [o.outboundNo]))[0].n),
});

describe('replays', () => {
  test('a captured, genuinely signed scanItem sent again is refused, and nothing is counted in WMS or the hub', async () => {
    const proxies = await capturingProxies(stack.subgraphUrls);
    const gateway = await startGateway(stack.config, { subgraphUrls: proxies.urls });
    try {
      const o = orders[0];
      const token = await stack.token('warehouse');
      const ask = async (query: string, variables: Record<string, unknown>) =>
        (await (await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) })).json()) as any;
      const list = await ask('query($id: ID!) { pickList(orderId: $id) { lines { sku { code } batchNo quantity } } }', { id: o.erpOrderNo });
      assert.equal(list.errors, undefined, JSON.stringify(list.errors));
      const line = list.data.pickList.lines[0];
      const gtin = loadCatalog().find((c) => c.code === line.sku.code)!.gtin;
      const scan = await ask('mutation($id: ID!, $b: String!) { scanItem(orderId: $id, barcode: $b, picker: "replay-test") { outcome accepted } }', { id: o.erpOrderNo, b: `(01)${gtin}(10)${line.batchNo}` });
      assert.equal(scan.data.scanItem.accepted, true, JSON.stringify(scan));
      const after = await counts(o);
      assert.ok(after.wmsScans >= 1 && after.hubScans >= 1 && after.picked >= 1, JSON.stringify(after));

      const captured = proxies.captured.find((c) => c.body.includes('scanItem'))!;
      assert.ok(captured, 'the scan went through a proxy');
      const target = stack.subgraphUrls[captured.subgraph];
      for (let i = 0; i < 3; i++) {
        const replay = await post(new URL(captured.path, target).toString(), captured.body, captured.headers);
        assert.equal(replay.status, 401, JSON.stringify(replay.body));
        assert.equal(replay.body.errors[0].extensions.code, 'UNAUTHENTICATED');
        assert.equal(replay.body.data, undefined);
      }
      assert.deepEqual(await counts(o), after, 'the replays counted nothing');
    } finally {
      await gateway.close();
      await proxies.close();
    }
  });

  test('a request captured on its way to one instance is refused by another instance of the same subgraph (the nonces are in Redis)', async () => {
    const proxies = await capturingProxies(stack.subgraphUrls);
    const gateway = await startGateway(stack.config, { subgraphUrls: proxies.urls });
    const second = await (await createErpSubgraph(stack.config)).start(0);
    try {
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await stack.token('ops')}` },
        body: JSON.stringify({ query: `{ order(id: "${stack.truth.orders[0].erpOrderNo}") { erpOrderNo totalAmount customer { name } } }` }),
      });
      assert.equal(((await res.json()) as any).data.order.erpOrderNo, stack.truth.orders[0].erpOrderNo);
      const toErp = proxies.captured.find((c) => c.subgraph === 'erp')!;
      assert.ok(toErp, 'the order was read from the erp subgraph');
      const replay = await post(new URL(toErp.path, second.url).toString(), toErp.body, toErp.headers);
      assert.equal(replay.status, 401);
      // Both instances ask the same Redis: a second client of it sees the nonce taken.
      const other = redisReplayCache(REDIS_URL);
      try {
        assert.equal(await other.claim(`erp:${toErp.headers[NONCE_HEADER]}`, 60_000), false);
      } finally {
        await other.close();
      }
    } finally {
      await second.close();
      await gateway.close();
      await proxies.close();
    }
  });
});

describe('what a signature binds', () => {
  const caller = encodeCaller({ subject: 'x', role: 'admin', customerCode: null });
  const body = JSON.stringify({ query: '{ __typename }' });

  test('method, path, target subgraph, nonce and time: each changed is refused, with the same words whatever the reason', async () => {
    const secret = stack.config.SUBGRAPH_SIGNING_SECRET;
    const erp = stack.subgraphUrls.erp;
    const path = new URL(erp).pathname;
    const sign = (t: { method?: string; path?: string; subgraph?: string }, now = Date.now()) =>
      signRequest(secret, { method: t.method ?? 'POST', path: t.path ?? path, subgraph: t.subgraph ?? 'erp' }, caller, body, now);
    const good = sign({});
    // Another spelling of the same bytes: the last base64url character of a 32-byte MAC carries 4 spare bits.
    const last = good[SIGNATURE_HEADER].at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1];
    assert.deepEqual(Buffer.from(good[SIGNATURE_HEADER].slice(0, -1) + sibling, 'base64url'), Buffer.from(good[SIGNATURE_HEADER], 'base64url'), 'decodes to the same bytes');
    const refused: [string, Record<string, string>][] = [
      ['signed for the wms subgraph', sign({ subgraph: 'wms' })],
      ['signed for another path', sign({ path: '/uploads' })],
      ['signed for GET', sign({ method: 'GET' })],
      ['10 s ahead of the clock', sign({}, Date.now() + 10_000)],
      ['61 s old', sign({}, Date.now() - 61_000)],
      ['nonce changed', { ...good, [NONCE_HEADER]: good[NONCE_HEADER].replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }],
      ['non-canonical signature', { ...good, [SIGNATURE_HEADER]: good[SIGNATURE_HEADER].slice(0, -1) + sibling }],
    ];
    const messages = new Set<string>();
    for (const [name, headers] of refused) {
      const res = await post(erp, body, headers);
      assert.equal(res.status, 401, name);
      messages.add(JSON.stringify(res.body));
    }
    assert.equal(messages.size, 1, `one answer for every refusal: ${[...messages].join('\n')}`);
    assert.doesNotMatch([...messages][0], /stale|nonce|replay|future|signature is|path|method/i);
    // The genuine one is answered once, a few seconds' drift ahead is tolerated, and the genuine one again is a replay.
    assert.equal((await post(erp, body, good)).status, 200);
    assert.equal((await post(erp, body, sign({}, Date.now() + 3_000))).status, 200);
    const again = await post(erp, body, good);
    assert.equal(again.status, 401);
    assert.equal(JSON.stringify(again.body), [...messages][0]);
  });

  test('a subgraph with a key of its own refuses the shared key, and the gateway signs for it with its key', async () => {
    const erpKey = 'a-key-for-the-erp-subgraph-alone-0123456789';
    const config = loadConfig({ ...stack.config, SUBGRAPH_SIGNING_KEYS: JSON.stringify({ erp: erpKey }), GATEWAY_PORT: '0' } as any);
    const erp: RunningServer = await (await createErpSubgraph(config)).start(0);
    const gateway = await startGateway(config, { subgraphUrls: { ...stack.subgraphUrls, erp: erp.url } });
    try {
      const target = { method: 'POST', path: new URL(erp.url).pathname, subgraph: 'erp' };
      assert.equal((await post(erp.url, body, signRequest(stack.config.SUBGRAPH_SIGNING_SECRET, target, caller, body))).status, 401);
      assert.equal((await post(erp.url, body, signRequest(erpKey, target, caller, body))).status, 200);
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await stack.token('ops')}` },
        body: JSON.stringify({ query: `{ order(id: "${stack.truth.orders[1].erpOrderNo}") { erpOrderNo totalAmount } }` }),
      });
      const answer = (await res.json()) as any;
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      assert.equal(answer.data.order.erpOrderNo, stack.truth.orders[1].erpOrderNo);
      assert.ok(Number(answer.data.order.totalAmount) > 0);
    } finally {
      await gateway.close();
      await erp.close();
    }
  });
});
