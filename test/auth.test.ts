// Who may see what, through the gateway: tokens, the role matrix, a customer's own orders only,
// internal fields refused to customers, and subgraphs that answer only the gateway.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { getIntrospectionQuery, buildClientSchema } from 'graphql';
import { startStack, type Stack } from './helpers/stack.js';
import { loadConfig, DEV_JWT_SECRET } from '../common/src/config.js';
import { ROLES, encodeCaller, type Role } from '../common/src/caller.js';
import { signRequest } from '../common/src/signing.js';
import { startGateway } from '#gateway';
import { mintToken } from '../common/src/tokens.js';
import type { RunningServer } from '../common/src/http-host.js';
import type { TruthOrder } from '../legacy-sim/src/types.js';
import { generate } from '../legacy-sim/src/generator.js';
import { CUSTOMER_TAGS } from '../legacy-sim/src/world.js';
import { formatFen } from '../common/src/money.js';

let stack: Stack;
let customerA: string;
let customerB: string;
let ordersA: TruthOrder[];
let ordersB: TruthOrder[];

before(async () => {
  stack = await startStack({ name: 'auth', orders: 400, days: 2, seed: 21 });
  // Two customers with fully linked orders, so every kind of number can be tried.
  const full = (o: TruthOrder) => o.outbound?.method && o.waybill?.method;
  const counts = new Map<string, number>();
  for (const o of stack.truth.orders.filter(full)) counts.set(o.customerCode, (counts.get(o.customerCode) ?? 0) + 1);
  [customerA, customerB] = [...counts].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  ordersA = stack.truth.orders.filter((o) => o.customerCode === customerA);
  ordersB = stack.truth.orders.filter((o) => o.customerCode === customerB);
});

after(async () => {
  await stack?.close();
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

describe('authentication at the gateway', () => {
  test('the graph needs a valid bearer token; health endpoints do not', async () => {
    const q = { query: '{ orders(first: 1) { totalCount } }' };
    const secret = new TextEncoder().encode(DEV_JWT_SECRET);
    const base = (claims: Record<string, unknown>) => new SignJWT({ role: 'ops', ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject('t').setIssuer('order-hub').setAudience('order-hub');
    const cases: [string, Record<string, string>, RegExp][] = [
      ['no header', {}, /Missing Authorization/],
      ['not bearer', { authorization: 'Basic dXNlcjpwYXNz' }, /Malformed Authorization/],
      ['garbage', { authorization: 'Bearer not.a.jwt' }, /Token is invalid/],
      ['forged', { authorization: `Bearer ${await base({}).setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-another-secret'))}` }, /signature is invalid/],
      ['expired', { authorization: `Bearer ${await base({}).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(secret)}` }, /expired/],
      ['wrong audience', { authorization: `Bearer ${await base({}).setAudience('someone-else').setExpirationTime('1h').sign(secret)}` }, /"aud"/],
      ['no role', { authorization: `Bearer ${await base({ role: 'superuser' }).setExpirationTime('1h').sign(secret)}` }, /no valid role/],
      ['customer without code', { authorization: `Bearer ${await base({ role: 'customer' }).setExpirationTime('1h').sign(secret)}` }, /customerCode/],
      ['alg none', { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"role":"admin"}').toString('base64url')}.` }, /Token/],
    ];
    for (const [name, headers, message] of cases) {
      const res = await post(stack.gatewayUrl, q, headers);
      assert.equal(res.status, 401, name);
      assert.equal(res.body.errors[0].extensions.code, 'UNAUTHENTICATED', name);
      assert.match(res.body.errors[0].message, message, name);
      assert.match(res.body.errors[0].message, /[\u4e00-\u9fff]/, `${name}: Chinese too`);
      assert.equal(res.body.data, undefined);
    }
    for (const path of ['/healthz', '/readyz', '/metrics']) assert.equal((await fetch(new URL(path, stack.gatewayUrl))).status, 200, path);
  });

  test('a token whose signature is spelled in non-canonical base64url is refused, though it decodes to the same bytes', async () => {
    const token = await stack.token('ops');
    const [header, payload, signature] = token.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // A 32-byte HMAC is 43 characters; the last carries 2 spare bits, so 4 spellings decode alike.
    const siblings = [1, 2, 3].map((d) => signature.slice(0, -1) + alphabet[alphabet.indexOf(signature.at(-1)!) ^ d]);
    for (const sibling of siblings) {
      assert.deepEqual(Buffer.from(sibling, 'base64url'), Buffer.from(signature, 'base64url'), 'the same bytes');
      const res = await post(stack.gatewayUrl, { query: '{ orders(first: 1) { totalCount } }' }, { authorization: `Bearer ${header}.${payload}.${sibling}` });
      assert.equal(res.status, 401, sibling);
      assert.equal(res.body.errors[0].extensions.code, 'UNAUTHENTICATED');
      assert.match(res.body.errors[0].message, /canonical base64url/);
    }
    assert.equal((await post(stack.gatewayUrl, { query: '{ orders(first: 1) { totalCount } }' }, { authorization: `Bearer ${token}` })).status, 200);
  });

  test('every refusal is counted in /metrics by status and code: 401, 403, 400 limits and input, 413', async () => {
    const count = async () => {
      const text = await (await fetch(new URL('/metrics', stack.gatewayUrl))).text();
      const out = new Map<string, number>();
      for (const m of text.matchAll(/^http_refusals_total\{([^}]*)\} (\d+)/gm)) {
        const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
        out.set(`${labels.status} ${labels.code}`, Number(m[2]));
      }
      return out;
    };
    const before = await count();
    const ops = { authorization: `Bearer ${await stack.token('ops')}` };
    const customer = { authorization: `Bearer ${await stack.token('customer', customerA)}` };
    const sent: [string, () => Promise<unknown>][] = [
      ['401 UNAUTHENTICATED', () => post(stack.gatewayUrl, { query: '{ __typename }' })],
      ['401 UNAUTHENTICATED', () => post(stack.gatewayUrl, { query: '{ __typename }' }, { authorization: 'Bearer x.y.z' })],
      ['403 FORBIDDEN', () => post(stack.gatewayUrl, { query: '{ rules { id } }' }, customer)],
      ['400 QUERY_TOO_DEEP', () => post(stack.gatewayUrl, { query: `{ ${'... on Query { '.repeat(20)}__typename ${'} '.repeat(20)}}` }, ops)],
      ['400 TOO_MANY_ALIASES', () => post(stack.gatewayUrl, { query: `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }` }, ops)],
      ['400 GRAPHQL_VALIDATION_FAILED', () => post(stack.gatewayUrl, { query: '{ nothing }' }, ops)],
      ['400 PERSISTED_QUERY_VERSION_NOT_SUPPORTED', () => post(stack.gatewayUrl, { query: '{ __typename }', extensions: { persistedQuery: { version: 9 } } }, ops)],
      ['413 PAYLOAD_TOO_LARGE', () => post(stack.gatewayUrl, { query: '{ __typename }', pad: 'x'.repeat(200_000) }, ops)],
    ];
    const expected = new Map<string, number>();
    for (const [key, send] of sent) {
      await send();
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const after = await count();
    for (const [key, n] of expected) assert.equal((after.get(key) ?? 0) - (before.get(key) ?? 0), n, key);
    // And a subgraph counts the requests it refuses: an unsigned one here.
    const erpBefore = await (await fetch(new URL('/metrics', stack.subgraphUrls.erp))).text();
    await post(stack.subgraphUrls.erp, { query: '{ __typename }' });
    const erpAfter = await (await fetch(new URL('/metrics', stack.subgraphUrls.erp))).text();
    const unsigned = (t: string) => Number(/^http_refusals_total\{[^}]*status="401"[^}]*code="UNAUTHENTICATED"[^}]*\} (\d+)/m.exec(t)?.[1] ?? 0);
    assert.equal(unsigned(erpAfter) - unsigned(erpBefore), 1);
  });

  test('a token accepted before stays accepted only until it expires', async () => {
    const secret = new TextEncoder().encode(DEV_JWT_SECRET);
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({ role: 'ops' }).setProtectedHeader({ alg: 'HS256' }).setSubject('short').setIssuer('order-hub').setAudience('order-hub').setExpirationTime(expiresAt).sign(secret);
    const q = { query: '{ orders(first: 1) { totalCount } }' };
    // Twice while valid: the second answer comes from the gateway's memory of the first verification.
    for (let i = 0; i < 2; i++) assert.equal((await post(stack.gatewayUrl, q, { authorization: `Bearer ${token}` })).status, 200);
    await new Promise((r) => setTimeout(r, expiresAt * 1000 - Date.now() + 50));
    const late = await post(stack.gatewayUrl, q, { authorization: `Bearer ${token}` });
    assert.equal(late.status, 401);
    assert.match(late.body.errors[0].message, /expired/);
  });

  test('with AUTH_JWKS_URL the gateway accepts the identity provider\'s RS256 tokens and refuses HS256 ones', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
    let gateway: RunningServer | undefined;
    try {
      const config = loadConfig({ ...stack.config, GATEWAY_PORT: '0', AUTH_JWKS_URL: `http://127.0.0.1:${(jwks.address() as any).port}/jwks.json` } as any);
      gateway = await startGateway(config, { subgraphUrls: stack.subgraphUrls });
      const rs = await new SignJWT({ role: 'finance' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('f').setIssuer('order-hub').setAudience('order-hub').setExpirationTime('1h').sign(privateKey);
      const ok = await post(gateway.url, { query: '{ orders(first: 1) { totalCount } }' }, { authorization: `Bearer ${rs}` });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.data.orders.totalCount, stack.truth.orders.length);
      const hs = await post(gateway.url, { query: '{ orders(first: 1) { totalCount } }' }, { authorization: `Bearer ${await stack.token('admin')}` });
      assert.equal(hs.status, 401);
    } finally {
      await gateway?.close();
      jwks.close();
    }
  });

  test('production refuses the development secrets and turns introspection off', async () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /AUTH_JWT_SECRET: .*the development secret[\s\S]*|SUBGRAPH_SIGNING_SECRET: .*the development secret/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://idp.example.com/jwks.json' }), /SUBGRAPH_SIGNING_SECRET/);
    // A subgraph is given no JWT secret, only the signing one; the simulators neither.
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }, 'subgraph'), /SUBGRAPH_SIGNING_SECRET/);
    // … and a replay cache its instances share: nonces kept in one process let a replay to another pass.
    assert.throws(() => loadConfig({ NODE_ENV: 'production', SUBGRAPH_SIGNING_SECRET: 'a-production-signing-secret-of-enough-length' }, 'subgraph'), /SUBGRAPH_REPLAY_CACHE/);
    assert.doesNotThrow(() => loadConfig({ NODE_ENV: 'production', SUBGRAPH_SIGNING_SECRET: 'a-production-signing-secret-of-enough-length', SUBGRAPH_REPLAY_CACHE: 'redis://redis:6379/0' }, 'subgraph'));
    assert.doesNotThrow(() => loadConfig({ NODE_ENV: 'production' }, 'legacy-sim'));
    const prod = loadConfig({
      ...stack.config,
      NODE_ENV: 'production',
      GATEWAY_PORT: '0',
      SUBGRAPH_SIGNING_SECRET: 'a-production-signing-secret-of-enough-length',
      AUTH_JWT_SECRET: 'a-production-jwt-secret-of-enough-length-0123',
    } as any);
    const gateway = await startGateway(prod, { subgraphUrls: stack.subgraphUrls });
    try {
      const token = await mintToken({ secret: prod.AUTH_JWT_SECRET, issuer: prod.AUTH_ISSUER, audience: prod.AUTH_AUDIENCE }, 'p', 'admin');
      const res = await post(gateway.url, { query: getIntrospectionQuery() }, { authorization: `Bearer ${token}` });
      assert.equal(res.body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
      assert.match(res.body.errors[0].message, /introspection/i);
    } finally {
      await gateway.close();
    }
  });
});

describe('service accounts for BI', () => {
  const auth = () => ({ secret: stack.config.AUTH_JWT_SECRET, issuer: stack.config.AUTH_ISSUER, audience: stack.config.AUTH_AUDIENCE });
  const facts = { query: '{ orderFacts(first: 1) { nodes { orderId } } }' };

  test('npm run token mints a long-lived token for a named client, with a jti', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--role', 'bi', '--name', 'powerbi-finance'], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    const claims = JSON.parse(Buffer.from(out.split('.')[1], 'base64url').toString('utf8'));
    assert.equal(claims.role, 'bi');
    assert.equal(claims.client_id, 'powerbi-finance');
    assert.match(claims.jti, /^[0-9a-f-]{36}$/);
    assert.ok(claims.exp - claims.iat >= 364 * 86400, 'a year');
    const res = await post(stack.gatewayUrl, facts, { authorization: `Bearer ${out}` });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.throws(() => execFileSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--role', 'bi'], { stdio: 'pipe' }), /--name/);
  });

  test('a revoked token is refused by every gateway within a poll; other tokens are not', async () => {
    const config = loadConfig({ ...stack.config, GATEWAY_PORT: '0', TOKEN_REVOCATION_POLL_MS: '200' } as any);
    const gateways = [await startGateway(config, { subgraphUrls: stack.subgraphUrls }), await startGateway(config, { subgraphUrls: stack.subgraphUrls })];
    try {
      const doomed = await mintToken(auth(), 'svc:old-excel', 'bi', undefined, '30d', { client: 'old-excel', jti: 'auth-test-doomed' });
      const kept = await mintToken(auth(), 'svc:powerbi', 'bi', undefined, '30d', { client: 'powerbi', jti: 'auth-test-kept' });
      for (const g of gateways) assert.equal((await post(g.url, facts, { authorization: `Bearer ${doomed}` })).status, 200);
      const revoked = await stack.query('mutation { revokeToken(jti: "auth-test-doomed", reason: "laptop lost") { created revocation { jti revokedBy } } }');
      assert.deepEqual(revoked.data.revokeToken, { created: true, revocation: { jti: 'auth-test-doomed', revokedBy: 'test-admin' } });
      const again = await stack.query('mutation { revokeToken(jti: "auth-test-doomed", reason: "again") { created } }');
      assert.equal(again.data.revokeToken.created, false, 'revoking twice changes nothing');
      await new Promise((r) => setTimeout(r, 700));
      for (const g of [...gateways, { url: stack.gatewayUrl }]) {
        const res = await post(g.url, facts, { authorization: `Bearer ${doomed}` });
        if (g.url === stack.gatewayUrl) continue; // the stack's own gateway polls every 5 s: it follows within TOKEN_REVOCATION_POLL_MS
        assert.equal(res.status, 401);
        assert.match(res.body.errors[0].message, /吊销.*revoked/);
        assert.equal((await post(g.url, facts, { authorization: `Bearer ${kept}` })).status, 200);
      }
      // The OData door is the same door.
      const odata = await fetch(new URL('/odata/Orders?$top=1', gateways[0].url), { headers: { authorization: `Basic ${Buffer.from(`x:${doomed}`).toString('base64')}` } });
      assert.equal(odata.status, 401);
      const audit = await stack.query('{ auditLog(entity: TOKEN, entityId: "auth-test-doomed") { action actor reason } }');
      assert.deepEqual(audit.data.auditLog, [{ action: 'TOKEN_REVOKED', actor: 'test-admin', reason: 'laptop lost' }]);
    } finally {
      for (const g of gateways) await g.close();
    }
  });

  test('while the revocation list cannot be read, BI tokens are refused and people are not', async () => {
    const config = loadConfig({ ...stack.config, GATEWAY_PORT: '0', TOKEN_REVOCATION_MAX_STALE_MS: '1000' } as any);
    // order-link (which holds the list) out of reach for this gateway.
    const gateway = await startGateway(config, { subgraphUrls: { ...stack.subgraphUrls, 'order-link': 'http://127.0.0.1:9/graphql' } });
    try {
      const bi = await mintToken(auth(), 'svc:x', 'bi', undefined, '1h', { client: 'x', jti: 'auth-test-stale' });
      const refused = await post(gateway.url, { query: '{ __typename }' }, { authorization: `Bearer ${bi}` });
      assert.equal(refused.status, 503);
      assert.equal(refused.body.errors[0].extensions.code, 'UPSTREAM_UNAVAILABLE');
      assert.equal((await post(gateway.url, { query: '{ __typename }' }, { authorization: `Bearer ${await stack.token('ops')}` })).status, 200);
    } finally {
      await gateway.close();
    }
  });

  test('in production a BI client may introspect; customers and staff may not', async () => {
    // The stack's own secrets, so that this gateway can read the revocation list from the stack's subgraphs.
    const prod = { ...stack.config, NODE_ENV: 'production' as const, GATEWAY_PORT: 0 };
    const gateway = await startGateway(prod, { subgraphUrls: stack.subgraphUrls });
    try {
      const bi = await mintToken(auth(), 'svc:cdata', 'bi', undefined, '1h', { client: 'cdata', jti: 'auth-test-introspect' });
      const ok = await post(gateway.url, { query: getIntrospectionQuery() }, { authorization: `Bearer ${bi}` });
      assert.equal(ok.status, 200, JSON.stringify(ok.body.errors));
      const schema = buildClientSchema(ok.body.data);
      assert.ok(schema.getQueryType()!.getFields().orderFacts);
      for (const token of [await stack.token('customer', customerA), await stack.token('ops')]) {
        const res = await post(gateway.url, { query: '{ __type(name: "OrderFact") { name } }' }, { authorization: `Bearer ${token}` });
        assert.equal(res.body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
        assert.match(res.body.errors[0].message, /introspection/);
      }
      // __typename is not introspection.
      assert.equal((await post(gateway.url, { query: '{ __typename }' }, { authorization: `Bearer ${await stack.token('ops')}` })).status, 200);
    } finally {
      await gateway.close();
    }
  });
});

/**
 * The specification, field by field: which roles may use each root field. Checked against the
 * schema so a new root field cannot go live without a line here.
 */
const STAFF: Role[] = ['sales', 'director', 'warehouse', 'finance', 'ops', 'admin'];
const HOLD_DECIDERS: Role[] = ['director', 'finance', 'sales', 'admin'];
const FACT_READERS: Role[] = ['bi', 'finance', 'director', 'ops', 'admin'];
const RULE_INPUT = '{ kind: CREDIT_LIMIT, name: "x", parameters: { approverRole: "nobody" } }';
const ROOTS: Record<string, { roles: Role[]; query: string }> = {
  'Query.order': { roles: ['customer', ...STAFF], query: '{ order(id: "SO-20991231-001") { id } }' },
  'Query.orders': { roles: ['customer', ...STAFF], query: '{ orders(first: 1) { totalCount } }' },
  'Query.unlinkedDocuments': { roles: STAFF, query: '{ unlinkedDocuments(first: 1) { totalCount } }' },
  'Query.rules': { roles: STAFF, query: '{ rules { id } }' },
  'Query.rule': { roles: STAFF, query: '{ rule(id: "R01-grade-c-large-order") { id } }' },
  'Query.holds': { roles: STAFF, query: '{ holds(first: 1) { id } }' },
  'Query.simulateRule': { roles: ['ops', 'director', 'admin'], query: `{ simulateRule(rule: ${RULE_INPUT}, from: "2025-11-08", to: "2025-11-09") { affected } }` },
  'Query.outbox': { roles: ['ops', 'admin'], query: '{ outbox(first: 1) { id } }' },
  'Query.auditLog': { roles: ['ops', 'director', 'finance', 'admin'], query: '{ auditLog(entity: RULE, first: 1) { action } }' },
  // Allowed mutations are called so that they change nothing: an invalid rule, an unknown id.
  'Mutation.upsertRule': { roles: ['ops', 'admin'], query: `mutation { upsertRule(input: ${RULE_INPUT}) { userErrors { code } } }` },
  'Mutation.setRuleEnabled': { roles: ['ops', 'admin'], query: 'mutation { setRuleEnabled(id: "no-such-rule", enabled: false) { userErrors { code } } }' },
  'Mutation.evaluateOrder': { roles: ['ops', 'sales', 'admin'], query: 'mutation { evaluateOrder(id: "SO-20991231-001") { fired { ruleId } } }' },
  'Mutation.approveHold': { roles: HOLD_DECIDERS, query: 'mutation { approveHold(id: "999999999", reason: "checked") { userErrors { code } } }' },
  'Mutation.rejectHold': { roles: HOLD_DECIDERS, query: 'mutation { rejectHold(id: "999999999", reason: "checked") { userErrors { code } } }' },
  'Mutation.confirmAttachments': { roles: ['warehouse', 'ops', 'sales', 'admin'], query: 'mutation { confirmAttachments(orderId: "SO-20991231-001", attachments: [TEST_REPORT]) { userErrors { code } } }' },
  'Query.pickList': { roles: ['warehouse', 'ops', 'admin'], query: '{ pickList(orderId: "SO-20991231-001") { outboundNo } }' },
  'Query.pickQueue': { roles: ['warehouse', 'ops', 'admin'], query: '{ pickQueue(first: 1) { outboundNo } }' },
  'Query.pickingStats': { roles: ['warehouse', 'ops', 'finance', 'admin'], query: '{ pickingStats(from: "2025-11-01", to: "2025-11-02") { scans } }' },
  'Mutation.scanItem': { roles: ['warehouse', 'ops', 'admin'], query: 'mutation { scanItem(orderId: "SO-20991231-001", barcode: "x") { outcome } }' },
  'Mutation.sealPackage': { roles: ['warehouse', 'ops', 'admin'], query: 'mutation { sealPackage(orderId: "SO-20991231-001", packer: "x") { outcome } }' },
  'Query.interpretRemark': { roles: STAFF, query: '{ interpretRemark(text: "急") { priority { value } } }' },
  'Query.orderDraft': { roles: ['sales', 'ops', 'admin'], query: '{ orderDraft(id: "DR9999999999") { id } }' },
  'Query.orderDrafts': { roles: ['sales', 'ops', 'admin'], query: '{ orderDrafts(first: 1) { id } }' },
  'Query.repairJob': { roles: ['ops', 'admin'], query: '{ repairJob(id: "999999999") { id } }' },
  'Query.repairJobs': { roles: ['ops', 'admin'], query: '{ repairJobs(first: 1) { id } }' },
  // Drafting writes a draft row only (never ERP); the rest are asked about things that do not exist.
  'Mutation.draftOrderFromText': { roles: ['sales', 'ops', 'admin'], query: 'mutation { draftOrderFromText(text: "NTN N204 4个") { id } }' },
  'Mutation.confirmOrderDraft': { roles: ['sales', 'ops', 'admin'], query: 'mutation { confirmOrderDraft(id: "DR0999999999", clientKey: "auth-test-key") { erpOrderNo } }' },
  'Mutation.startRepairJob': { roles: ['ops', 'admin'], query: 'mutation { startRepairJob(uploadId: "00000000-0000-0000-0000-000000000000") { id } }' },
  'Mutation.decideRepairChanges': { roles: ['ops', 'admin'], query: 'mutation { decideRepairChanges(jobId: "999999999", decision: ACCEPTED, ids: ["1"]) { updated } }' },
  'Mutation.applyRepairJob': { roles: ['ops', 'admin'], query: 'mutation { applyRepairJob(id: "999999999") { id } }' },
  'Mutation.undoRepairJob': { roles: ['ops', 'admin'], query: 'mutation { undoRepairJob(id: "999999999") { id } }' },
  'Query.orderHealth': { roles: ['director', 'ops', 'finance', 'admin'], query: '{ orderHealth(from: "2025-11-08", to: "2025-11-09") { orders } }' },
  'Query.reconciliation': { roles: ['director', 'ops', 'finance', 'admin'], query: '{ reconciliation(from: "2025-11-08", to: "2025-11-09") { count } }' },
  'Query.healthReports': { roles: ['director', 'ops', 'finance', 'admin'], query: '{ healthReports(first: 1) { date } }' },
  // A day not over yet: refused as a user error, nothing made.
  'Mutation.runDailyReport': { roles: ['ops', 'admin'], query: 'mutation { runDailyReport(date: "2099-12-31") { created userErrors { code } } }' },
  // Flat facts: BI clients and the people who run the business and close its books; nothing else is a BI client's.
  ...Object.fromEntries(
    ['orderFacts', 'orderLineFacts', 'documentFacts', 'ruleDecisionFacts', 'holdFacts', 'scanFacts', 'reconciliationItemFacts'].map((f) => [
      `Query.${f}`,
      { roles: FACT_READERS, query: `{ ${f}(first: 1) { pageInfo { hasNextPage } } }` },
    ]),
  ),
  // Purchase planning: asked with a day that is no Monday or a key too short, refused as bad input, nothing read or written.
  'Query.purchaseSuggestions': { roles: ['ops', 'director', 'finance', 'admin'], query: '{ purchaseSuggestions(warehouse: "WH-SH01", weekStarting: "2025-11-11") { warehouseCode } }' },
  'Mutation.createRequisitions': { roles: ['ops', 'director', 'admin'], query: 'mutation { createRequisitions(warehouse: "WH-SH01", weekStarting: "2025-11-10", clientKey: "k", lines: [{ skuCode: "FLT-W712", quantity: 1 }]) { created } }' },
  // Lineage: staff.
  'Query.fieldLineage': { roles: STAFF, query: '{ fieldLineage(coordinate: "Order.status") { coordinate } }' },
  'Query.lineageGraph': { roles: STAFF, query: '{ lineageGraph(type: "Store") { type } }' },
  'Query.revokedTokens': { roles: ['admin'], query: '{ revokedTokens { jti } }' },
  // The order event log: the feed across orders for staff and BI; one event with its order for anyone (a customer only its own).
  'Query.orderEventLog': { roles: [...STAFF, 'bi'], query: '{ orderEventLog(first: 1) { endCursor } }' },
  'Query.orderUpdate': { roles: ['customer', ...STAFF], query: '{ orderUpdate(event: "999999999") { event { id } } }' },
  'Query.orderUpdates': { roles: ['customer', ...STAFF], query: '{ orderUpdates(events: ["999999999"]) { event { id } } }' },
  // The completeness sweep (issue 12): ops only. A window that ends before it starts changes nothing.
  'Query.syncSweeps': { roles: ['ops', 'admin'], query: '{ syncSweeps(first: 1) { id } }' },
  'Mutation.runSyncSweep': { roles: ['ops', 'admin'], query: 'mutation { runSyncSweep(from: "2025-11-09", to: "2025-11-08") { id } }' },
  // A service call read for intents: a call id nobody has is null for the roles allowed.
  'Query.callIntents': { roles: ['ops', 'sales', 'director', 'admin'], query: '{ callIntents(callId: "CL209912310001") { callId } }' },
  // Not a jti: refused as bad input, nothing revoked.
  'Mutation.revokeToken': { roles: ['admin'], query: 'mutation { revokeToken(jti: "not a jti!", reason: "checked") { created } }' },
};

describe('authorization', () => {
  test('every root field is in the specification, and each role is allowed or refused exactly as it says', async () => {
    const schema = buildClientSchema((await stack.query(getIntrospectionQuery())).data);
    const roots = [
      ...Object.keys(schema.getQueryType()!.getFields()).map((f) => `Query.${f}`),
      ...Object.keys(schema.getMutationType()?.getFields() ?? {}).map((f) => `Mutation.${f}`),
    ];
    assert.deepEqual(roots.sort(), Object.keys(ROOTS).sort(), 'the specification covers exactly the graph\'s root fields');
    for (const role of ROLES) {
      const token = await stack.token(role, role === 'customer' ? customerA : undefined);
      for (const [field, spec] of Object.entries(ROOTS)) {
        const res = await post(stack.gatewayUrl, { query: spec.query }, { authorization: `Bearer ${token}` });
        if (spec.roles.includes(role)) {
          assert.ok(!res.body.errors?.some((e: any) => e.extensions?.code === 'FORBIDDEN'), `${role} may use ${field}: ${JSON.stringify(res.body.errors)}`);
          assert.ok(res.body.data !== undefined, `${role} ${field} answered`);
        } else {
          assert.equal(res.status, 403, `${role} is refused ${field}`);
          assert.equal(res.body.errors[0].extensions.code, 'FORBIDDEN');
          assert.match(res.body.errors[0].message, new RegExp(`${role}.*${field}`));
        }
      }
    }
  });

  test('a customer sees its own orders by every number, and another customer\'s by none', async () => {
    const token = await stack.token('customer', customerA);
    const ask = (id: string) => stack.query(`query($id: ID!) { order(id: $id) { id erpOrderNo customer { code } } }`, { id }, { token });
    const numbers = async (o: TruthOrder) => {
      const staff = await stack.query(`query($id: ID!) { order(id: $id) { id } }`, { id: o.erpOrderNo });
      return [o.erpOrderNo, o.erpOrderNo.replace(/-/g, ''), o.outbound!.outboundNo, o.waybill!.waybillNo, staff.data.order.id];
    };
    const mine = ordersA.find((o) => o.outbound?.method && o.waybill?.method)!;
    for (const id of await numbers(mine)) {
      const res = await ask(id);
      assert.equal(res.errors, undefined);
      assert.equal(res.data.order.erpOrderNo, mine.erpOrderNo, `own order by ${id}`);
      assert.equal(res.data.order.customer.code, customerA);
    }
    for (const theirs of ordersB.filter((o) => o.outbound?.method && o.waybill?.method).slice(0, 3)) {
      for (const id of await numbers(theirs)) {
        const res = await ask(id);
        // Answered exactly like a number nobody has: nothing, and no hint that it exists.
        assert.deepEqual(res, { data: { order: null } }, `other customer's order by ${id}`);
      }
    }
  });

  test('a customer\'s order list holds its own orders only, whatever the filter says', async () => {
    const token = await stack.token('customer', customerA);
    const all = await stack.query('{ orders(first: 200) { totalCount edges { node { erpOrderNo customer { code } } } } }', {}, { token });
    assert.equal(all.data.orders.totalCount, ordersA.length);
    assert.deepEqual(all.data.orders.edges.map((e: any) => e.node.erpOrderNo).sort(), ordersA.map((o) => o.erpOrderNo).sort());
    assert.ok(all.data.orders.edges.every((e: any) => e.node.customer.code === customerA));
    const probing = await stack.query(`{ orders(filter: { customerCode: "${customerB}" }) { totalCount edges { node { erpOrderNo } } } }`, {}, { token });
    assert.deepEqual(probing.data.orders, { totalCount: 0, edges: [] });
    const region = ordersA[0].region;
    const filtered = await stack.query(`{ orders(filter: { region: "${region}" }, first: 200) { totalCount } }`, {}, { token });
    assert.equal(filtered.data.orders.totalCount, ordersA.filter((o) => o.region === region).length);
  });

  test('internal fields are refused to customers with a clear error, however they are asked for', async () => {
    const token = await stack.token('customer', customerA);
    const own = ordersA[0].erpOrderNo;
    const cases: [string, string[]][] = [
      [`{ order(id: "${own}") { customer { grade } } }`, ['Customer.grade']],
      [`{ order(id: "${own}") { customer { creditLine tags satisfaction } } }`, ['Customer.creditLine', 'Customer.satisfaction', 'Customer.tags']],
      [`{ order(id: "${own}") { remark salesClerk } }`, ['Order.remark', 'Order.salesClerk']],
      [`{ order(id: "${own}") { lines { sku { batches { batchNo } } } } }`, ['Sku.batches']],
      [`{ order(id: "${own}") { outbound { lines { location { code } } } } }`, ['OutboundLine.location']],
      [`{ order(id: "${own}") { ...F } } fragment F on Order { customer { money: creditLine } }`, ['Customer.creditLine']],
      [`{ orders(first: 1) { edges { node { ... on Order { remark } } } } }`, ['Order.remark']],
    ];
    for (const [query, fields] of cases) {
      const res = await post(stack.gatewayUrl, { query }, { authorization: `Bearer ${token}` });
      assert.equal(res.status, 403, query);
      assert.equal(res.body.errors[0].extensions.code, 'FORBIDDEN');
      assert.deepEqual(res.body.errors[0].extensions.fields, fields, query);
      assert.match(res.body.errors[0].message, /内部信息.*internal/);
      assert.equal(res.body.data, undefined, 'refused, not nulled');
    }
    const allowed = await stack.query(
      `{ order(id: "${own}") { status lifecycle { stage at } totalAmount customer { code name level } lines { quantity sku { name spec availableQuantity } } shipment { events { description } } tickets { ticketNo } } }`,
      {},
      { token },
    );
    assert.equal(allowed.errors, undefined, JSON.stringify(allowed.errors));
    assert.equal(allowed.data.order.customer.code, customerA);
    // Staff read the same fields, with what ERP and CRM hold for them.
    const staff = await stack.query(`{ order(id: "${own}") { customer { grade creditLine tags } remark } }`, {}, { token: await stack.token('sales') });
    const data = generate(stack.seedOptions);
    const customer = data.world.customers.find((c) => c.code === customerA)!;
    const tagList = data.crmCustomers.find((c) => c.cust_code === customerA)!.tag_list ?? '';
    const remark = data.orders.find((o) => o.erpOrderNo === own)!.remark;
    assert.deepEqual(staff, {
      data: {
        order: {
          customer: { grade: customer.grade, creditLine: formatFen(customer.creditLineFen), tags: CUSTOMER_TAGS.filter((t) => tagList.includes(t)).sort((a, b) => tagList.indexOf(a) - tagList.indexOf(b)) },
          remark: remark?.trim() ? remark : null,
        },
      },
    });
  });

  test('what a customer may read does not give away what is internal: a grade discount does not name the grade', async () => {
    const discounted = await stack.query('{ orders(filter: { firedRule: "R08-grade-discount" }, first: 5) { edges { node { erpOrderNo customer { code grade } } } } }');
    assert.ok(discounted.data.orders.edges.length > 0, 'the data set has grade discounts');
    for (const { node } of discounted.data.orders.edges) {
      const token = await stack.token('customer', node.customer.code);
      const res = await stack.query(`{ order(id: "${node.erpOrderNo}") { adjustments { ruleId kind amount description } } }`, {}, { token });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const grade = res.data.order.adjustments.find((a: any) => a.ruleId === 'R08-grade-discount');
      assert.ok(grade, 'the discount is shown');
      assert.doesNotMatch(grade.description, new RegExp(`${node.customer.grade}级|grade|等级 ?${node.customer.grade}`, 'i'));
    }
  });
});

describe('subgraphs trust only the gateway', () => {
  test('a direct call, a hand-made _entities query, a tampered body, a stale or a foreign signature are all refused', async () => {
    const secret = stack.config.SUBGRAPH_SIGNING_SECRET;
    const erp = stack.subgraphUrls.erp;
    const target = { method: 'POST', path: new URL(erp).pathname, subgraph: 'erp' };
    const caller = encodeCaller({ subject: 'x', role: 'admin', customerCode: null });
    const entities = JSON.stringify({
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { erpOrderNo totalAmount customer { creditLine } } } }',
      variables: { r: [{ __typename: 'Order', erpOrderNo: ordersB[0].erpOrderNo }] },
    });
    const cases: [string, Record<string, string>, string][] = [
      ['no signature', {}, entities],
      ['caller header only', { 'x-hub-caller': caller }, entities],
      ['tampered body', signRequest(secret, target, caller, entities.replace('totalAmount', 'remark')), entities],
      ['stale', signRequest(secret, target, caller, entities, Date.now() - 5 * 60_000), entities],
      ['foreign secret', signRequest('some-other-secret-of-sufficient-length!!', target, caller, entities), entities],
    ];
    for (const [name, headers, body] of cases) {
      const res = await post(erp, body, headers);
      assert.equal(res.status, 401, name);
      assert.equal(res.body.errors[0].extensions.code, 'UNAUTHENTICATED', name);
      assert.equal(res.body.data, undefined, name);
    }
    // The same request, properly signed, is answered: the refusals above are the signature's doing.
    const signed = await post(erp, entities, signRequest(secret, target, caller, entities));
    assert.equal(signed.status, 200);
    assert.equal(signed.body.data._entities[0].erpOrderNo, ordersB[0].erpOrderNo);
    // And a subgraph holds its own line: a signed customer caller still cannot resolve another's order.
    const asCustomer = encodeCaller({ subject: 'c', role: 'customer', customerCode: customerA });
    const probe = await post(erp, entities, signRequest(secret, target, asCustomer, entities));
    assert.deepEqual(probe.body.data._entities, [null]);
  });
});
