// The OData v4 feed at /odata/, as Excel, Power BI and an OData client library use it: the CSDL is
// valid against OASIS's own schema, an OData client (@odata/client) reads with Basic credentials,
// server-driven paging gives every row once, generated $filter expressions select what the rows
// say, and every mistake gets an OData error body with a code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { OData } from '@odata/client';
import { startStack, type Stack } from './helpers/stack.js';
import { mintToken } from '../common/src/tokens.js';
import { Random } from '../legacy-sim/src/random.js';
import { legacyCallTotals, callsBetween } from './helpers/legacy-calls.js';

let stack: Stack;
let bi: string;
let base: string;
/** Every order as the flat connection gives it (facts.test proves it equals hub_order). */
let orders: any[];

const COLUMNS = ['orderId', 'erpOrderNo', 'status', 'statusZh', 'region', 'storeCode', 'totalAmount', 'orderedAt', 'orderDate', 'promisedAt', 'goodsLines', 'cancelled', 'tmsWaybillNo', 'quantityState'];

before(async () => {
  stack = await startStack({ name: 'odata', orders: 500, days: 2, seed: 17, env: { ODATA_PAGE_SIZE: '150' } });
  const auth = { secret: stack.config.AUTH_JWT_SECRET, issuer: stack.config.AUTH_ISSUER, audience: stack.config.AUTH_AUDIENCE };
  bi = await mintToken(auth, 'svc:excel', 'bi', undefined, '1h', { client: 'excel-finance', jti: 'odata-test-token' });
  base = new URL('/odata/', stack.gatewayUrl).toString();
  orders = [];
  let after: string | null = null;
  do {
    const res: any = await stack.query(`query($after: String) { orderFacts(first: 1000, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${COLUMNS.join(' ')} } } }`, { after }, { token: bi });
    orders.push(...res.data.orderFacts.nodes);
    after = res.data.orderFacts.pageInfo.hasNextPage ? res.data.orderFacts.pageInfo.endCursor : null;
  } while (after);
});

after(async () => {
  await stack?.close();
});

const basic = (token: string, user = 'excel') => `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
async function get(path: string, headers: Record<string, string> = { authorization: basic(bi) }) {
  const res = await fetch(path.startsWith('http') ? path : base + path, { headers });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // $metadata and /$count are not JSON
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** An OData JSON number from the feed against the connection's decimal string. */
const sameAmount = (odata: unknown, graph: unknown) => (graph == null ? odata === null : Number(graph) === odata);

describe('the OData feed', () => {
  test('$metadata is valid CSDL by OASIS\'s own XML schema, and describes every fact set with its key', async () => {
    const res = await get('$metadata');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('odata-version'), '4.0');
    // OASIS's EDMX and EDM schemas (v4.01, which take a Version="4.0" document), as the TC publishes them in odata-csdl.
    const schemas = join(dirname(createRequire(import.meta.url).resolve('odata-csdl/package.json')), 'schemas');
    const result = await validateXML({
      xml: [{ fileName: 'metadata.xml', contents: res.text }],
      schema: [readFileSync(join(schemas, 'edmx.xsd'), 'utf8')],
      preload: [{ fileName: 'edm.xsd', contents: readFileSync(join(schemas, 'edm.xsd'), 'utf8') }],
    });
    assert.deepEqual(result.errors, [], result.rawOutput);
    assert.equal(result.valid, true);
    // And what a client relies on beyond the schema: every set, a key naming its own properties, types it knows.
    const sets = [...res.text.matchAll(/<EntitySet Name="(\w+)" EntityType="OrderHub\.(\w+)"/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(sets.map(([s]) => s).sort(), ['Documents', 'Holds', 'OrderLines', 'Orders', 'ReconciliationItems', 'RuleDecisions', 'Scans']);
    for (const [, type] of sets) {
      const body = new RegExp(`<EntityType Name="${type}">(.*?)</EntityType>`).exec(res.text)![1];
      const props = new Set([...body.matchAll(/<Property Name="(\w+)" Type="(Edm\.\w+)"/g)].map((m) => m[1]));
      const keys = [...body.matchAll(/<PropertyRef Name="(\w+)"\/>/g)].map((m) => m[1]);
      assert.ok(keys.length && keys.every((k) => props.has(k)), `${type}: key ${keys} among its properties`);
    }
    assert.match(res.text, /<Property Name="totalAmount" Type="Edm.Decimal" Nullable="true" Precision="18" Scale="2"/);
    assert.match(res.text, /<Property Name="orderedAt" Type="Edm.DateTimeOffset" Nullable="false"/);
    // Personal columns are not offered to a BI client (BI_PERSONAL_DATA is off); staff see them.
    assert.doesNotMatch(res.text, /receiverMobile/);
    assert.match((await get('$metadata', { authorization: `Bearer ${await stack.token('finance')}` })).text, /receiverMobile/);
  });

  test('an OData client library reads the feed with Basic credentials, as Excel sends them', async () => {
    const client = OData.New4({ serviceEndpoint: base, credential: { username: 'excel', password: bi } });
    const set = client.getEntitySet<any>('Orders');
    const since = new Date(Date.parse(orders[Math.floor(orders.length / 10)].orderedAt));
    const signed = orders.filter((o) => o.status !== 'CANCELLED' && Number(o.totalAmount) > 300 && Date.parse(o.orderedAt) > since.getTime());
    assert.ok(signed.length > 20, `the filter leaves more than a page of $top (${signed.length})`);
    const filter = client.newFilter().property('status').ne('CANCELLED').property('totalAmount').gt(300).gtDateTimeOffset('orderedAt', since);
    const page = await set.query(client.newParam().filter(filter).select(['orderId', 'totalAmount']).orderby('totalAmount', 'desc').top(20));
    const want = [...signed].sort((a, b) => Number(b.totalAmount) - Number(a.totalAmount) || (a.orderId < b.orderId ? -1 : 1)).slice(0, 20);
    assert.deepEqual(page.map((o: any) => o.orderId), want.map((o) => o.orderId));
    assert.ok(page.every((o: any, i: number) => sameAmount(o.totalAmount, want[i].totalAmount)));
    assert.equal(await set.count(client.newFilter().property('status').eq('SIGNED')), orders.filter((o) => o.status === 'SIGNED').length);
    const one = await set.retrieve(orders[7].orderId);
    assert.equal(one.erpOrderNo, orders[7].erpOrderNo);
    assert.equal(one.statusZh, orders[7].statusZh);
  });

  test('server-driven paging gives every row once, whatever the page size, and $top/$skip cut where they say', async () => {
    for (const prefer of [undefined, 'odata.maxpagesize=97']) {
      const seen: string[] = [];
      let next: string | null = `Orders?$select=orderId,totalAmount&$count=true`;
      let pages = 0;
      while (next) {
        const res = await get(next, { authorization: basic(bi), ...(prefer ? { prefer } : {}) });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(res.body.value.length <= (prefer ? 97 : 150), 'a page holds at most the page size');
        if (prefer) assert.equal(res.headers.get('preference-applied'), prefer);
        assert.equal(res.body['@odata.count'], orders.length);
        seen.push(...res.body.value.map((o: any) => o.orderId));
        next = res.body['@odata.nextLink'] ?? null;
        pages++;
      }
      assert.deepEqual(seen, orders.map((o) => o.orderId), 'every order once, in key order');
      assert.equal(pages, Math.ceil(orders.length / (prefer ? 97 : 150)));
    }
    // $top across pages, and $skip: the rows they name.
    const seen: string[] = [];
    let next: string | null = 'Orders?$select=orderId&$skip=40&$top=230';
    while (next) {
      const res = await get(next);
      seen.push(...res.body.value.map((o: any) => o.orderId));
      next = res.body['@odata.nextLink'] ?? null;
    }
    assert.deepEqual(seen, orders.slice(40, 270).map((o) => o.orderId));
  });

  test('generated $filter expressions select exactly the rows their values say', async () => {
    const rng = new Random(4242);
    const pick = <T>(xs: T[]) => xs[Math.floor(rng.next() * xs.length)];
    const valueOf = (col: string) => pick(orders.map((o) => o[col]).filter((v) => v != null));
    const present = (col: string) => orders.some((o) => o[col] != null);
    const literal = (col: string, v: unknown) =>
      col === 'totalAmount' || col === 'goodsLines' ? String(v) : col === 'cancelled' ? String(v) : col === 'orderDate' ? String(v) : col.endsWith('At') ? String(v) : `'${String(v).replace(/'/g, "''")}'`;
    type Node = { text: string; test: (o: any) => boolean };
    const leaf = (): Node => {
      const col = pick(['status', 'statusZh', 'region', 'storeCode', 'totalAmount', 'orderedAt', 'orderDate', 'promisedAt', 'goodsLines', 'cancelled', 'tmsWaybillNo'].filter(present));
      const ordered = ['totalAmount', 'orderedAt', 'orderDate', 'promisedAt', 'goodsLines'].includes(col);
      const op = col === 'cancelled' ? pick(['eq', 'ne']) : ordered ? pick(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'null']) : pick(['eq', 'ne', 'null', 'contains', 'startswith']);
      const num = (v: unknown) => (v == null ? null : col === 'totalAmount' || col === 'goodsLines' ? Number(v) : col.endsWith('At') ? Date.parse(String(v)) : v);
      if (op === 'null') {
        const eq = rng.next() < 0.5;
        return { text: `${col} ${eq ? 'eq' : 'ne'} null`, test: (o) => (o[col] == null) === eq };
      }
      if (op === 'contains' || op === 'startswith') {
        const part = String(valueOf(col)).slice(op === 'contains' ? 1 : 0, 3);
        return { text: `${op}(${col},'${part.replace(/'/g, "''")}')`, test: (o) => o[col] != null && (op === 'contains' ? String(o[col]).toLowerCase().includes(part.toLowerCase()) : String(o[col]).toLowerCase().startsWith(part.toLowerCase())) };
      }
      const v = valueOf(col);
      const x = num(v) as any;
      const cmp = (o: any) => {
        const y = num(o[col]) as any;
        if (y == null) return op === 'ne';
        return op === 'eq' ? y === x : op === 'ne' ? y !== x : op === 'gt' ? y > x : op === 'ge' ? y >= x : op === 'lt' ? y < x : y <= x;
      };
      // Sometimes the literal on the left: 5 lt goodsLines.
      const flip: Record<string, string> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };
      return { text: rng.next() < 0.2 ? `${literal(col, v)} ${flip[op]} ${col}` : `${col} ${op} ${literal(col, v)}`, test: cmp };
    };
    const tree = (depth: number): Node => {
      const r = rng.next();
      if (depth >= 3 || r < 0.4) return leaf();
      const [a, b] = [tree(depth + 1), tree(depth + 1)];
      if (r < 0.65) return { text: `(${a.text}) and (${b.text})`, test: (o) => a.test(o) && b.test(o) };
      if (r < 0.9) return { text: `(${a.text} or ${b.text})`, test: (o) => a.test(o) || b.test(o) };
      return { text: `not (${a.text})`, test: (o) => !a.test(o) };
    };
    let nonTrivial = 0;
    for (let i = 0; i < 40; i++) {
      const t = tree(0);
      const want = orders.filter(t.test).map((o) => o.orderId);
      const seen: string[] = [];
      let next: string | null = `Orders?$select=orderId&$filter=${encodeURIComponent(t.text)}`;
      while (next) {
        const res = await get(next);
        assert.equal(res.status, 200, `${t.text}: ${JSON.stringify(res.body)}`);
        seen.push(...res.body.value.map((o: any) => o.orderId));
        next = res.body['@odata.nextLink'] ?? null;
      }
      assert.deepEqual(seen, want, t.text);
      if (want.length && want.length < orders.length) nonTrivial++;
    }
    assert.ok(nonTrivial >= 15, `most expressions select some rows but not all (${nonTrivial})`);
  });

  test('every request is GraphQL through the gateway\'s own pipeline: attributed, and batched like any other', async () => {
    const metrics = async () => (await (await fetch(new URL('/metrics', stack.gatewayUrl))).text()).match(/gateway_client_requests_total\{[^}]*client="excel-finance"[^}]*\} (\d+)/)?.[1];
    const before = Number((await metrics()) ?? 0);
    const calls = await legacyCallTotals(Object.values(stack.subgraphUrls));
    const lines: any[] = [];
    let next: string | null = 'OrderLines?$select=orderId,lineNo,skuCode,skuName,amount&$top=300';
    while (next) {
      const res = await get(next);
      assert.equal(res.status, 200);
      lines.push(...res.body.value);
      next = res.body['@odata.nextLink'] ?? null;
    }
    assert.equal(lines.length, 300);
    assert.equal(new Set(lines.map((l) => `${l.orderId}#${l.lineNo}`)).size, 300);
    const spent = callsBetween(calls, await legacyCallTotals(Object.values(stack.subgraphUrls)));
    // 300 lines = 2 connection pages of 150 (ODATA_PAGE_SIZE): a few ERP reads each, never one per order.
    assert.ok((spent['erp:SO_SODetails.facts'] ?? 0) <= 6, JSON.stringify(spent));
    assert.ok(Number(await metrics()) > before, 'the feed\'s reads are counted as the client\'s GraphQL operations');
    const odataRows = (await (await fetch(new URL('/metrics', stack.gatewayUrl))).text()).match(/gateway_odata_rows_total\{[^}]*set="OrderLines"[^}]*client="excel-finance"[^}]*\} (\d+)/)?.[1];
    assert.ok(Number(odataRows) >= 300);
  });

  test('decimals as strings when asked, /$count, keys, dates and the service document', async () => {
    const strings = await get('Orders?$select=orderId,totalAmount&$top=3', { authorization: basic(bi), accept: 'application/json;odata.metadata=minimal;IEEE754Compatible=true' });
    assert.deepEqual(strings.body.value.map((o: any) => o.totalAmount), orders.slice(0, 3).map((o) => o.totalAmount));
    assert.match(strings.headers.get('content-type')!, /IEEE754Compatible=true/);
    const day = orders[0].orderDate;
    const count = await get(`Orders/$count?$filter=${encodeURIComponent(`orderDate eq ${day} and orderedAt ge ${day}T12:00:00+08:00`)}`);
    assert.equal(count.text, String(orders.filter((o) => o.orderDate === day && Date.parse(o.orderedAt) >= Date.parse(`${day}T12:00:00+08:00`)).length));
    const line = await get(`OrderLines(orderId='${orders[3].orderId}',lineNo=1)`);
    assert.equal(line.status, 200);
    assert.equal(line.body.orderId, orders[3].orderId);
    assert.equal(line.body['@odata.context'], `${base}$metadata#OrderLines/$entity`);
    const service = await get('');
    assert.equal(service.body['@odata.context'], `${base}$metadata`);
    assert.ok(service.body.value.some((s: any) => s.name === 'Orders' && s.kind === 'EntitySet'));
  });

  test('every mistake is an OData error body with a code, and credentials are asked for the way Excel understands', async () => {
    const none = await get('Orders', {});
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate')!, /Basic realm="Order Hub OData"/);
    assert.equal(none.body.error.code, 'UNAUTHENTICATED');
    assert.equal((await get('Orders', { authorization: basic('not-a-token') })).status, 401);
    const cases: [string, number, string, string | undefined][] = [
      ['Nowhere', 404, 'NOT_FOUND', undefined],
      ["Orders?$filter=status eq", 400, 'BAD_REQUEST', '$filter'],
      ["Orders?$filter=nosuch eq 'x'", 400, 'BAD_REQUEST', '$filter'],
      ["Orders?$filter=totalAmount eq 'x'", 400, 'BAD_REQUEST', '$filter'],
      ['Orders?$filter=orderedAt gt 2025-13-45T00:00:00Z', 400, 'BAD_REQUEST', '$filter'],
      ['Orders?$filter=length(region) gt 2', 501, 'NOT_IMPLEMENTED', '$filter'],
      ['Orders?$orderby=blockersCount', 400, 'BAD_REQUEST', '$orderby'],
      ['Orders?$select=nosuch', 400, 'BAD_REQUEST', '$select'],
      ['Orders?$expand=lines', 501, 'NOT_IMPLEMENTED', '$expand'],
      ['Orders?$format=xml', 406, 'NOT_ACCEPTABLE', '$format'],
      ['Orders?$top=-1', 400, 'BAD_REQUEST', '$top'],
      ['OrderLines?$skip=10', 501, 'NOT_IMPLEMENTED', '$skip'],
      ['OrderLines?$count=true', 501, 'NOT_IMPLEMENTED', '$count'],
      ['Orders?$skiptoken=garbage', 400, 'BAD_REQUEST', '$skiptoken'],
      ["Orders('OH9999999999')", 404, 'NOT_FOUND', undefined],
      ["Orders?$filter=" + encodeURIComponent("receiverMobile eq '138'"), 400, 'BAD_REQUEST', '$filter'],
    ];
    for (const [path, status, code, target] of cases) {
      const res = await get(path);
      assert.equal(res.status, status, `${path}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code, path);
      assert.equal(res.body.error.target, target, path);
      assert.match(res.body.error.message, /[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/, `${path}: Chinese and English`);
    }
    const post = await fetch(base + 'Orders', { method: 'POST', headers: { authorization: basic(bi) }, body: '{}' });
    assert.equal(post.status, 405);
    // Customers have no flat facts: the pipeline's policy answers, as /graphql would.
    const customer = await get('Orders?$top=1', { authorization: `Bearer ${await stack.token('customer', stack.truth.orders[0].customerCode)}` });
    assert.equal(customer.status, 403);
    assert.equal(customer.body.error.code, 'FORBIDDEN');
  });
});
