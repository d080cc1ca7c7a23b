// Trusted documents through the gateway, on MariaDB: the web pages' operations (the manifest
// GraphQL Code Generator writes) run by hash; under TRUSTED_DOCUMENTS a customer may run nothing
// else, however little a document differs from a registered one; staff may send any document in
// development and none under `all`; a manifest that lies about a hash stops the gateway.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getIntrospectionQuery, Kind, parse } from 'graphql';
import { startStack, type Stack } from './helpers/stack.js';
import { loadConfig } from '../common/src/config.js';
import type { RunningServer } from '../common/src/http-host.js';
import { startGateway } from '#gateway';
import { mintToken } from '../common/src/tokens.js';
import { NOT_IN_LIST, trustMode } from '../gateway/src/trusted-documents.js';
import { readManifests, registeredHash } from '../common/src/persisted-documents.js';
import { post, registeredDocuments, runRegistered, WEB_MANIFEST } from './helpers/registered.js';

let stack: Stack;
const gateways: RunningServer[] = [];
/** Gateways over the stack's subgraphs, one per mode under test. */
const url: Record<'customers' | 'all' | 'off', string> = { customers: '', all: '', off: '' };
const documents = registeredDocuments();
let customer: { code: string; token: string; orders: { erpOrderNo: string; tmsWaybillNo: string | null }[] };

async function gatewayWith(env: Record<string, string>): Promise<string> {
  const gateway = await startGateway(loadConfig({ ...stack.config, GATEWAY_PORT: '0', ...env } as any), { subgraphUrls: stack.subgraphUrls });
  gateways.push(gateway);
  return gateway.url;
}

before(async () => {
  stack = await startStack({ name: 'trusted', orders: 300, days: 2, seed: 1414 });
  url.customers = await gatewayWith({ NODE_ENV: 'development', TRUSTED_DOCUMENTS: 'customers' });
  url.all = await gatewayWith({ TRUSTED_DOCUMENTS: 'all' });
  url.off = await gatewayWith({ TRUSTED_DOCUMENTS: 'off' });
  // A customer with a shipped order, from the seed's ground truth.
  const shipped = stack.truth.orders.find((o) => o.waybill?.method && o.expectedStatus !== 'CANCELLED')!;
  const code = shipped.customerCode;
  customer = {
    code,
    token: await stack.token('customer', code),
    orders: stack.truth.orders.filter((o) => o.customerCode === code).map((o) => ({ erpOrderNo: o.erpOrderNo, tmsWaybillNo: o.waybill?.method ? o.waybill.waybillNo : null })),
  };
});

after(async () => {
  for (const g of gateways) await g.close();
  await stack?.close();
});

const codes = (body: { errors?: { extensions?: Record<string, any> }[] }) => (body.errors ?? []).map((e) => e.extensions?.code);

describe('trusted documents', () => {
  test('the manifest holds every operation in web/src/operations, each under the SHA-256 of its text', () => {
    const names = readdirSync('web/src/operations')
      .filter((f) => f.endsWith('.graphql'))
      .flatMap((f) => parse(readFileSync(join('web/src/operations', f), 'utf8')).definitions)
      .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
      .map((d) => (d as any).name.value as string);
    assert.ok(names.length >= 10);
    assert.equal(documents.size, names.length, 'one registered document per operation');
    for (const name of names) {
      const hash = registeredHash(documents, name);
      assert.ok(hash, `${name} is registered`);
      assert.equal(createHash('sha256').update(documents.get(hash)!).digest('hex'), hash);
    }
  });

  test("a customer's registered operations run by hash and answer for that customer only", async () => {
    const mine = await runRegistered(url.customers, customer.token, 'MyOrders', { first: 200 });
    assert.equal(mine.errors, undefined, JSON.stringify(mine.errors));
    assert.equal(mine.data.orders.totalCount, customer.orders.length);
    assert.deepEqual(new Set(mine.data.orders.edges.map((e: any) => e.node.erpOrderNo)), new Set(customer.orders.map((o) => o.erpOrderNo)));
    const shipped = customer.orders.find((o) => o.tmsWaybillNo)!;
    const byWaybill = await runRegistered(url.customers, customer.token, 'OrderByNumber', { number: shipped.tmsWaybillNo });
    assert.equal(byWaybill.errors, undefined, JSON.stringify(byWaybill.errors));
    assert.equal(byWaybill.data.order.erpOrderNo, shipped.erpOrderNo);
    assert.equal(byWaybill.data.order.lifecycle.length, 7);
    // Every registered operation is admitted to a customer as registered: what a customer may not
    // use is refused by the access policy (FORBIDDEN), never as unregistered.
    for (const [hash, text] of documents) {
      const res = await post(url.customers, customer.token, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
      for (const code of codes(res.body)) assert.ok(![NOT_IN_LIST, 'PERSISTED_QUERY_NOT_FOUND'].includes(code), `${text.slice(0, 40)}…: ${code}`);
    }
  });

  test('a document the manifest does not hold is refused to a customer with PERSISTED_QUERY_NOT_IN_LIST, however little it differs', async () => {
    const variants: { name: string; query: string }[] = [{ name: 'a query of its own', query: '{ orders(first: 1) { totalCount } }' }];
    for (const text of documents.values()) {
      variants.push({ name: 'one more space', query: `${text} ` });
      variants.push({ name: 'a comment', query: `# mine\n${text}` });
      // A subscription selects one root field: its field more goes one level down.
      variants.push({ name: 'a field more', query: /^\s*subscription\b/.test(text) ? text.replace(/\{([^{]*\{)/, '{$1 __typename') : text.replace('{', '{ __typename') });
      variants.push({ name: 'renamed', query: text.replace(/\b(query|mutation|subscription) (\w+)/, '$1 My$2') });
    }
    for (const { name, query } of variants) {
      assert.notEqual(documents.has(createHash('sha256').update(query).digest('hex')), true);
      const res = await post(url.customers, customer.token, { query });
      assert.equal(res.status, 400, name);
      assert.deepEqual(codes(res.body), [NOT_IN_LIST], `${name}: ${JSON.stringify(res.body.errors)}`);
      assert.equal(res.body.data, undefined);
      assert.match(res.body.errors![0].extensions!.messageZh, /可信文档/);
    }
    // The same with its hash sent along (the APQ way of teaching a gateway a document): refused, and not learned.
    const own = '{ orders(first: 2) { totalCount } }';
    const ownHash = createHash('sha256').update(own).digest('hex');
    const taught = await post(url.customers, customer.token, { query: own, extensions: { persistedQuery: { version: 1, sha256Hash: ownHash } } });
    assert.deepEqual(codes(taught.body), [NOT_IN_LIST]);
    const byHash = await post(url.customers, customer.token, { extensions: { persistedQuery: { version: 1, sha256Hash: ownHash } } });
    assert.deepEqual(codes(byHash.body), ['PERSISTED_QUERY_NOT_FOUND'], 'a hash nobody registered is unknown');
    // Staff may teach it (APQ); a customer still may not use it.
    const staff = await stack.token('ops');
    assert.equal((await post(url.customers, staff, { query: own, extensions: { persistedQuery: { version: 1, sha256Hash: ownHash } } })).body.errors, undefined);
    assert.deepEqual(codes((await post(url.customers, customer.token, { extensions: { persistedQuery: { version: 1, sha256Hash: ownHash } } })).body), [NOT_IN_LIST]);
  });

  test('staff send any document in development; under `all` everyone is held to the manifest; `off` holds nobody', async () => {
    const ops = await stack.token('ops');
    const mine = '{ orders(first: 1) { totalCount edges { node { erpOrderNo customer { grade } } } } }';
    const free = await post(url.customers, ops, { query: mine });
    assert.equal(free.body.errors, undefined, JSON.stringify(free.body.errors));
    assert.equal(free.body.data!.orders.totalCount, stack.truth.orders.length);

    const held = await post(url.all, ops, { query: mine });
    assert.deepEqual(codes(held.body), [NOT_IN_LIST]);
    const registered = await runRegistered(url.all, await stack.token('director'), 'BoardHealth', { from: '2025-11-08', to: '2025-11-10' });
    assert.equal(registered.errors, undefined, JSON.stringify(registered.errors));
    assert.equal(registered.data.orderHealth.orders, stack.truth.orders.filter((o) => o.expectedStatus !== 'CANCELLED').length);

    const customerFree = await post(url.off, customer.token, { query: '{ orders(first: 1) { totalCount } }' });
    assert.equal(customerFree.body.data!.orders.totalCount, customer.orders.length);
    // The access policy holds whatever the mode: internal fields stay refused.
    assert.deepEqual(codes((await post(url.off, customer.token, { query: '{ orders(first: 1) { edges { node { remark } } } }' })).body), ['FORBIDDEN']);
  });

  test('under `all`, BI service accounts still write their own queries, and what the gateway runs for itself (OData, the revocation list) runs', async () => {
    // This gateway started, so it read the revocation list through its own pipeline under `all`.
    const auth = { secret: stack.config.AUTH_JWT_SECRET, issuer: stack.config.AUTH_ISSUER, audience: stack.config.AUTH_AUDIENCE };
    const bi = await mintToken(auth, 'svc:excel', 'bi', undefined, '1h', { client: 'excel-finance', jti: 'trusted-documents-test' });
    const own = await post(url.all, bi, { query: '{ orderFacts(first: 3) { nodes { erpOrderNo } } }' });
    assert.equal(own.body.errors, undefined, JSON.stringify(own.body.errors));
    assert.equal(own.body.data!.orderFacts.nodes.length, 3);
    const odata = await fetch(new URL('/odata/Orders?$top=2', url.all), { headers: { authorization: `Basic ${Buffer.from(`excel:${bi}`).toString('base64')}` } });
    assert.equal(odata.status, 200, await odata.clone().text());
    assert.equal(((await odata.json()) as any).value.length, 2);
    // A person is still held to the manifest there.
    assert.deepEqual(codes((await post(url.all, await stack.token('finance'), { query: '{ orderFacts(first: 3) { nodes { erpOrderNo } } }' })).body), [NOT_IN_LIST]);
  });

  test('the explorer may introspect as a customer while introspection is served', async () => {
    const res = await post(url.customers, customer.token, { query: getIntrospectionQuery() });
    assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
    assert.ok(res.body.data!.__schema.types.some((t: any) => t.name === 'Order'));
  });

  test('the mode defaults to customers, and to all in production', () => {
    assert.equal(trustMode({ NODE_ENV: 'development', TRUSTED_DOCUMENTS: undefined }), 'customers');
    assert.equal(trustMode({ NODE_ENV: 'test', TRUSTED_DOCUMENTS: undefined }), 'customers');
    assert.equal(trustMode({ NODE_ENV: 'production', TRUSTED_DOCUMENTS: undefined }), 'all');
    assert.equal(trustMode({ NODE_ENV: 'production', TRUSTED_DOCUMENTS: 'customers' }), 'customers');
    assert.throws(() => loadConfig({ TRUSTED_DOCUMENTS: 'some' }), /TRUSTED_DOCUMENTS/);
  });

  test('a manifest whose key is not its document\'s hash, or that is missing, stops the gateway with the variable named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oh-manifest-'));
    try {
      const real = JSON.parse(readFileSync(WEB_MANIFEST, 'utf8')) as Record<string, string>;
      const [key, text] = Object.entries(real)[0];
      const tampered = join(dir, 'tampered.json');
      writeFileSync(tampered, JSON.stringify({ ...real, [key]: text.replace('query', 'query ') }));
      assert.throws(() => readManifests([tampered]), /TRUSTED_DOCUMENTS_MANIFESTS: in .*tampered\.json, sha256:\w+ is not the SHA-256 of its document/);
      await assert.rejects(gatewayWith({ TRUSTED_DOCUMENTS_MANIFESTS: tampered }), /TRUSTED_DOCUMENTS_MANIFESTS/);
      await assert.rejects(gatewayWith({ TRUSTED_DOCUMENTS_MANIFESTS: join(dir, 'none.json') }), /TRUSTED_DOCUMENTS_MANIFESTS: .*none\.json does not exist/);
      // Two apps' manifests together: both apps' operations are registered.
      const other = join(dir, 'other-app.json');
      const query = '{ orders(first: 3) { totalCount } }';
      writeFileSync(other, JSON.stringify({ [`sha256:${createHash('sha256').update(query).digest('hex')}`]: query }));
      const both = await gatewayWith({ TRUSTED_DOCUMENTS: 'all', TRUSTED_DOCUMENTS_MANIFESTS: `${WEB_MANIFEST},${other}` });
      assert.equal((await post(both, customer.token, { query })).body.data!.orders.totalCount, customer.orders.length);
      assert.equal((await runRegistered(both, customer.token, 'MyOrders', { first: 1 })).data.orders.totalCount, customer.orders.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
