// A corpus of bad requests through the gateway: every one gets a clear error with a stable code,
// none a 500, no process dies, and the legacy data is the same afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from './helpers/stack.js';
import { legacyFingerprint } from './helpers/fingerprint.js';
import { hostileCorpus, STABLE_CODES, type HostileCase } from './helpers/hostile.js';
import { startGateway } from '#gateway';
import { loadConfig } from '../common/src/config.js';
import { createHash } from 'node:crypto';

let stack: Stack;
let token: string;

before(async () => {
  stack = await startStack({ name: 'badinput', orders: 200, days: 1, seed: 5 });
  token = await stack.token('ops');
  // The rules' own effects (gift lines, batch locks) land first: what follows must change nothing.
  await stack.outbox.runOnce();
});

after(async () => {
  await stack?.close();
});

interface Case {
  name: string;
  /** A GraphQL request (object) or a raw body (string, or anything JSON). */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  search?: string;
  code: string;
}

const q = (query: string, variables?: Record<string, unknown>) => ({ query, variables });
const order = (id: string) => q('query($id: ID!) { order(id: $id) { id } }', { id });
const filter = (f: Record<string, unknown>) => q('query($f: OrderFilter) { orders(filter: $f) { totalCount } }', { f });
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const FULL = `edges { node { id status lifecycle { stage at } totalAmount customer { name grade creditLine level tags } lines { amount sku { name availableQuantity batches { batchNo expiresOn location { code } } } } outbound { lines { batchNo location { code } } } shipment { events { at } } tickets { transcript { text } } } }`;

const CASES: Case[] = [
  // Cost, depth and aliases
  { name: 'alias flood of __typename', body: q(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }`), code: 'TOO_MANY_ALIASES' },
  { name: 'alias flood of order look-ups', body: q(`{ ${Array.from({ length: 31 }, (_, i) => `o${i}: order(id: "SO-20251108-${String(i + 1).padStart(3, '0')}") { id }`).join(' ')} }`), code: 'TOO_MANY_ALIASES' },
  { name: 'two full pages of 200', body: q(`{ a: orders(first: 200) { ${FULL} } b: orders(first: 200) { ${FULL} } }`), code: 'QUERY_TOO_COSTLY' },
  { name: 'cost through a variable', body: q(`query($n: Int) { a: orders(first: $n) { ${FULL} } b: orders(first: $n) { ${FULL} } }`, { n: 200 }), code: 'QUERY_TOO_COSTLY' },
  // graphql-js refuses this in validation already; the cost limit stands behind it.
  { name: 'deep introspection', body: q('{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }'), code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'wide introspection', body: q(`{ ${Array.from({ length: 20 }, (_, i) => `s${i}: __schema { types { fields { args { name type { name kind } } type { name kind fields { name args { name } } } } } }`).join(' ')} }`), code: 'QUERY_TOO_COSTLY' },
  // A cycle the schema allows (a hold's order's holds …): valid, cheap lists, refused by depth alone.
  { name: 'nesting through a cycle past the depth limit', body: q(`{ holds(first: 1) { ${'order { holds { '.repeat(7)}id${' } }'.repeat(7)} } }`), code: 'QUERY_TOO_DEEP' },
  // Refused by its depth before validation would say the fields do not exist.
  { name: 'nesting beyond the schema', body: q(`{ orders { edges { node { ${'lines { sku { '.repeat(20)}name${' } }'.repeat(20)} } } } }`), code: 'QUERY_TOO_DEEP' },
  { name: 'deeply nested list input', body: q(`{ orders(filter: { status: ${'['.repeat(30)}PAID${']'.repeat(30)} }) { totalCount } }`), code: 'GRAPHQL_VALIDATION_FAILED' },
  // Page sizes and huge inputs
  { name: 'first 201', body: q('{ orders(first: 201) { totalCount } }'), code: 'BAD_USER_INPUT' },
  { name: 'first -1', body: q('{ orders(first: -1) { totalCount } }'), code: 'BAD_USER_INPUT' },
  // Refused by its estimated cost before the page-size check sees it.
  { name: 'first 100000', body: q('{ orders(first: 100000) { totalCount } }'), code: 'QUERY_TOO_COSTLY' },
  { name: 'first beyond 32 bits', body: q('{ orders(first: 2147483648) { totalCount } }'), code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'unlinked first 1000', body: q('{ unlinkedDocuments(first: 1000) { totalCount } }'), code: 'BAD_USER_INPUT' },
  { name: 'oversized body', body: q('{ orders { totalCount } }', { pad: 'x'.repeat(200_000) }), code: 'PAYLOAD_TOO_LARGE' },
  { name: 'oversized declared length', raw: 'x'.repeat(150_000), code: 'PAYLOAD_TOO_LARGE' },
  { name: 'huge id', body: order('SO'.repeat(5000)), code: 'BAD_USER_INPUT' },
  { name: 'huge status list', body: filter({ status: Array.from({ length: 3000 }, () => 'PAID') }), code: 'BAD_USER_INPUT' },
  { name: 'huge cursor', body: q('query($a: String) { orders(after: $a) { totalCount } }', { a: 'x'.repeat(20_000) }), code: 'BAD_USER_INPUT' },
  // Wrong types
  { name: 'id as number', body: q('{ order(id: 123) { id } }'), code: 'BAD_USER_INPUT' },
  { name: 'id null', body: q('query($id: ID!) { order(id: $id) { id } }', { id: null }), code: 'BAD_USER_INPUT' },
  { name: 'id as object', body: q('query($id: ID!) { order(id: $id) { id } }', { id: { $gt: '' } }), code: 'BAD_USER_INPUT' },
  { name: 'first as string', body: q('{ orders(first: "ten") { totalCount } }'), code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'filter as string', body: q('{ orders(filter: "all") { totalCount } }'), code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'unknown status', body: q('{ orders(filter: { status: [LOST] }) { totalCount } }'), code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'variable of the wrong type', body: q('query($n: Int) { orders(first: $n) { totalCount } }', { n: 'abc' }), code: 'BAD_USER_INPUT' },
  { name: 'float page size', body: q('query($n: Int) { orders(first: $n) { totalCount } }', { n: 1.5 }), code: 'BAD_USER_INPUT' },
  { name: 'variables not an object', body: { query: '{ orders { totalCount } }', variables: 'x' }, code: 'BAD_REQUEST' },
  { name: 'query not a string', body: { query: 123 }, code: 'BAD_REQUEST' },
  { name: 'no query', body: { variables: {} }, code: 'BAD_REQUEST' },
  // Invalid order numbers
  ...['', '   ', 'SO-', 'OH123', 'CK', '../../etc/passwd', 'SO-20251399-001', 'CK20250230-001', 'null', 'undefined'].map((id) => ({ name: `id ${JSON.stringify(id)}`, body: order(id), code: 'BAD_USER_INPUT' })),
  // Injection in arguments
  // (A number among other words is read as that number — the one reader reads labels and notes
  // around it — so the injection here carries none; the next test reads one out of such a string.)
  { name: 'SQL in id', body: order("'; DROP TABLE SO_SOMain; --"), code: 'BAD_USER_INPUT' },
  { name: 'SQL in customerCode', body: filter({ customerCode: "' OR 1=1 --" }), code: 'BAD_USER_INPUT' },
  { name: 'SQL in storeCode', body: filter({ storeCode: 'MD001; DELETE FROM hub_order' }), code: 'BAD_USER_INPUT' },
  { name: 'SQL in region', body: filter({ region: "苏州' OR '1'='1" }), code: 'BAD_USER_INPUT' },
  { name: 'SQL comment in region', body: filter({ region: '苏州/**/UNION' }), code: 'BAD_USER_INPUT' },
  { name: 'NUL in customerCode', body: filter({ customerCode: 'C00001\u0000' }), code: 'BAD_USER_INPUT' },
  { name: 'operator object as a code', body: filter({ customerCode: { $ne: null } }), code: 'BAD_USER_INPUT' },
  { name: '__proto__ in a filter', body: q('query($f: OrderFilter) { orders(filter: $f) { totalCount } }', JSON.parse('{"f": {"__proto__": {"admin": true}}}')), code: 'BAD_USER_INPUT' },
  { name: 'SQL in a cursor', body: q('{ orders(after: "\' OR 1=1") { totalCount } }'), code: 'BAD_USER_INPUT' },
  { name: 'forged cursor', body: q('query($a: String) { orders(after: $a) { totalCount } }', { a: b64({ at: '1 OR 1=1', id: 1 }) }), code: 'BAD_USER_INPUT' },
  { name: 'infinite cursor', body: q('query($a: String) { orders(after: $a) { totalCount } }', { a: b64('{"at": 1e999, "id": 1}') }), code: 'BAD_USER_INPUT' },
  // Invalid dates
  ...['2025-13-01', '2025-02-30', '2025-11-08T25:00:00+08:00', '2025-11-08T10:00:00', 'yesterday', '2025-11-08T10:00:00+25:00', '1e10', '2025-11-8', '+002025-11-08', '２０２５-11-08'].map((d) => ({
    name: `date ${d}`,
    body: filter({ orderedFrom: d }),
    code: 'BAD_USER_INPUT',
  })),
  { name: 'from after to', body: filter({ orderedFrom: '2025-11-09', orderedTo: '2025-11-08' }), code: 'BAD_USER_INPUT' },
  // Unicode edge cases
  { name: 'zero-width space in a number', body: order('SO\u200B-20251108-001'), code: 'BAD_USER_INPUT' },
  { name: 'right-to-left override', body: order('\u202E100-80115202-OS'), code: 'BAD_USER_INPUT' },
  { name: 'emoji id', body: order('📦📦📦'), code: 'BAD_USER_INPUT' },
  { name: 'lone surrogate', raw: '{"query":"query($id: ID!) { order(id: $id) { id } }","variables":{"id":"\\ud800SO"}}', code: 'BAD_USER_INPUT' },
  { name: 'emoji region', body: filter({ region: '🚚' }), code: 'BAD_USER_INPUT' },
  { name: 'bad escape in a string literal', body: q('{ order(id: "\\uZZZZ") { id } }'), code: 'GRAPHQL_PARSE_FAILED' },
  // Floods and protocol abuse
  { name: 'batched operations', body: Array.from({ length: 50 }, () => q('{ orders { totalCount } }')), code: 'BAD_REQUEST' },
  { name: 'one batched operation', body: [q('{ orders { totalCount } }')], code: 'BAD_REQUEST' },
  { name: 'many operations, none named', body: q(Array.from({ length: 100 }, (_, i) => `query q${i} { orders { totalCount } }`).join('\n')), code: 'BAD_REQUEST' },
  { name: 'operation name not in the document', body: { query: 'query A { orders { totalCount } }', operationName: 'B' }, code: 'BAD_REQUEST' },
  { name: 'not JSON', raw: '{"query": "{ orders { totalCount } }"', code: 'BAD_REQUEST' },
  { name: 'empty body', raw: '', code: 'BAD_REQUEST' },
  { name: 'text/plain (CSRF)', raw: JSON.stringify(q('{ orders { totalCount } }')), headers: { 'content-type': 'text/plain' }, code: 'BAD_REQUEST' },
  { name: 'GET without preflight header (CSRF)', method: 'GET', search: `?query=${encodeURIComponent('{ orders { totalCount } }')}`, headers: { 'content-type': '' }, code: 'BAD_REQUEST' },
  { name: 'syntax error', body: q('{ orders(first: 1) { totalCount }'), code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'unknown field', body: q('{ orders { secrets } }'), code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'fragment cycle', body: q('{ orders { ...A } } fragment A on OrderConnection { ...B } fragment B on OrderConnection { ...A }'), code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'directive with a wrong type', body: q('{ orders @skip(if: "yes") { totalCount } }'), code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'unknown directive', body: q('{ orders @evil { totalCount } }'), code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'subscription', body: q('subscription { orders { totalCount } }'), code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'mutation on a graph without one', body: q('mutation { deleteEverything }'), code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'unknown persisted query', body: { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }, code: 'PERSISTED_QUERY_NOT_FOUND' },
];

test(`a corpus of ${CASES.length} bad requests: each a clear error with a stable code, never a 500, nothing changed`, async () => {
  assert.ok(CASES.length >= 60);
  const before = await legacyFingerprint(stack.targets);
  const hubBefore = (await stack.query('{ orders(first: 1) { totalCount } }')).data.orders.totalCount;
  const wrong: string[] = [];
  for (const c of CASES) {
    const url = new URL(stack.gatewayUrl);
    if (c.search) url.search = c.search;
    const res = await fetch(url, {
      method: c.method ?? 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...c.headers },
      body: c.method === 'GET' ? undefined : (c.raw ?? JSON.stringify(c.body)),
    });
    const text = await res.text();
    let body: any = null;
    try {
      body = JSON.parse(text);
    } catch {
      // judged below
    }
    const error = body?.errors?.[0];
    const problem =
      res.status === 500 ? 'HTTP 500'
      : !body ? 'the answer is not JSON'
      : error?.extensions?.code !== c.code ? `code ${error?.extensions?.code}`
      : !(error.message?.length >= 10) ? 'no message a person can act on'
      : /at .*\.(ts|js):\d+|SELECT |INSERT |node_modules/.test(text) ? 'a stack trace or SQL leaks'
      : null;
    if (problem) wrong.push(`${c.name}: ${problem} (${res.status} ${text.slice(0, 160)})`);
  }
  assert.deepEqual(wrong, []);
  for (const url of [stack.gatewayUrl, ...Object.values(stack.subgraphUrls)]) assert.equal((await fetch(new URL('/healthz', url))).status, 200, `${url} alive`);
  assert.deepEqual(await legacyFingerprint(stack.targets), before, 'legacy data unchanged');
  assert.equal((await stack.query('{ orders(first: 1) { totalCount } }')).data.orders.totalCount, hubBefore);
});

test('what is merely unusual is accepted: full-width codes and numbers, an unknown but well-formed number', async () => {
  const t = stack.truth.orders[3];
  const fullWidth = t.erpOrderNo.replace(/[A-Z0-9-]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
  const res = await stack.query('query($id: ID!) { order(id: $id) { erpOrderNo } }', { id: fullWidth }, { token });
  assert.equal(res.data.order.erpOrderNo, t.erpOrderNo);
  const code = t.customerCode.replace(/[A-Z0-9]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
  const byCode = await stack.query('query($f: OrderFilter) { orders(filter: $f) { totalCount } }', { f: { customerCode: code } }, { token });
  assert.equal(byCode.data.orders.totalCount, stack.truth.orders.filter((o) => o.customerCode === t.customerCode).length);
  assert.deepEqual(await stack.query('{ order(id: "SO-20991231-001") { id } }', {}, { token }), { data: { order: null } });
  // A number with words around it, a label, a note — or an injection attempt — is read as the number
  // alone: nothing but the canonical number ever reaches a query.
  for (const text of [`订单号：${t.erpOrderNo}（补发）`, `${t.erpOrderNo}'; DROP TABLE SO_SOMain; --`]) {
    const around = await stack.query('query($id: ID!) { order(id: $id) { erpOrderNo } }', { id: text }, { token });
    assert.equal(around.data.order.erpOrderNo, t.erpOrderNo, text);
  }
});

/** POSTs a case to a gateway: the status, the parsed answer (or null) and the text. */
async function send(url: string, c: { body?: unknown; raw?: string }, auth: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
    body: c.raw ?? JSON.stringify(c.body),
  });
  const text = await res.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    // judged by the caller
  }
  return { status: res.status, body, text };
}

/** What is wrong with a refusal, or null: 4xx, JSON, a code among `codes`, a message, no leak. */
function judge(answer: Awaited<ReturnType<typeof send>>, codes: string[]): string | null {
  const error = answer.body?.errors?.[0];
  const code = error?.extensions?.code;
  return answer.status >= 500 ? `HTTP ${answer.status}`
    : answer.status < 400 && code !== 'PERSISTED_QUERY_NOT_FOUND' && !answer.body?.data ? `HTTP ${answer.status} without data`
    : !answer.body ? 'the answer is not JSON'
    : !codes.includes(code) ? `code ${code}`
    : !(error.message?.length >= 10) ? 'no message a person can act on'
    : /Maximum call stack|at .*\.(ts|js):\d+|SELECT |INSERT |node_modules/.test(answer.text) ? 'a stack trace, SQL or a raw engine message leaks'
    : null;
}

const metric = async (url: string, name: string) => {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return text.split('\n').filter((l) => l.startsWith(name));
};

/** The probe's documents (issue 16), sized as it sent them. */
const probeChain = (n: number) => `query { ...a0 }\n${Array.from({ length: n }, (_, i) => `fragment a${i} on Query{${i + 1 < n ? `...a${i + 1}` : '__typename'}}`).join('\n')}`;
const probeNested = (n: number) => `{ ${'... on Query { '.repeat(n)}__typename ${'} '.repeat(n)}}`;
const LIMIT_CODES = ['TOO_MANY_TOKENS', 'TOO_MANY_FRAGMENTS', 'TOO_MANY_FRAGMENT_SPREADS', 'QUERY_TOO_DEEP'];

test("the probe's documents: a 2,400-fragment chain and inline fragments nested 1,800 to 5,000 deep are refused at once with a limit's code", async () => {
  const chain = probeChain(2400);
  assert.ok(chain.length > 75_000 && chain.length < stack.config.MAX_REQUEST_BYTES - 1000, `about 80 KB, inside the body limit (${chain.length})`);
  const cases = [chain, ...[1800, 2000, 2200, 3000, 5000].map(probeNested)];
  const wrong: string[] = [];
  for (const query of cases) {
    const started = Date.now();
    const answer = await send(stack.gatewayUrl, { body: { query } }, token);
    const problem = judge(answer, LIMIT_CODES) ?? (answer.status !== 400 ? `HTTP ${answer.status}` : null);
    if (problem) wrong.push(`${query.slice(0, 30)}… (${query.length} bytes): ${problem} ${answer.text.slice(0, 160)}`);
    // Not a timing assertion on the machine: refused by the screen, the request is small work.
    assert.ok(Date.now() - started < 1000, `answered within a second (${Date.now() - started} ms)`);
  }
  assert.deepEqual(wrong, []);
  // With the token limit at its highest, nesting is still refused, by depth: the parser's stack never overflows into a 500.
  const loose = await startGateway(loadConfig({ ...stack.config, MAX_QUERY_TOKENS: '100000', MAX_REQUEST_BYTES: '2000000', GATEWAY_PORT: '0' } as any), { subgraphUrls: stack.subgraphUrls });
  try {
    for (const n of [1800, 2200, 6000, 20_000]) {
      const answer = await send(loose.url, { body: { query: probeNested(n) } }, token);
      assert.equal(answer.status, 400, `${n} deep: ${answer.text.slice(0, 200)}`);
      assert.equal(answer.body.errors[0].extensions.code, n > 20_000 ? 'TOO_MANY_TOKENS' : 'QUERY_TOO_DEEP', `${n} deep`);
      assert.doesNotMatch(answer.text, /Maximum call stack/);
    }
    const chainAnswer = await send(loose.url, { body: { query: probeChain(2400) } }, token);
    assert.equal(chainAnswer.body.errors[0].extensions.code, 'TOO_MANY_FRAGMENTS');
  } finally {
    await loose.close();
  }
});

test('automatic persisted queries that cannot be right are 400s with their own codes, never counted as server errors', async () => {
  const query = '{ orders(first: 1) { totalCount } }';
  const hash = createHash('sha256').update(query).digest('hex');
  const cases: [unknown, string][] = [
    [{ query, extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } } }, 'PERSISTED_QUERY_HASH_MISMATCH'],
    [{ query: query + ' ', extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, 'PERSISTED_QUERY_HASH_MISMATCH'],
    [{ query, extensions: { persistedQuery: { version: 2, sha256Hash: hash } } }, 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED'],
    [{ extensions: { persistedQuery: { version: 3, sha256Hash: hash } } }, 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED'],
    [{ extensions: { persistedQuery: { version: 1, sha256Hash: 'not-a-hash' } } }, 'PERSISTED_QUERY_HASH_INVALID'],
  ];
  for (const [body, code] of cases) {
    const answer = await send(stack.gatewayUrl, { body }, token);
    assert.equal(answer.status, 400, JSON.stringify(body));
    assert.equal(answer.body.errors[0].extensions.code, code, JSON.stringify(body));
    assert.match(answer.body.errors[0].message, /persistedQuery|持久化/);
  }
  // The protocol's own round trip still works: unknown hash, then the text with it, then the hash alone.
  const hashOnly = { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } };
  assert.equal((await send(stack.gatewayUrl, { body: hashOnly }, token)).body.errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND');
  assert.equal((await send(stack.gatewayUrl, { body: { query, ...hashOnly } }, token)).status, 200);
  const again = await send(stack.gatewayUrl, { body: hashOnly }, token);
  assert.equal(again.status, 200);
  assert.ok(again.body.data.orders.totalCount > 0);
  const counted = await metric(stack.gatewayUrl, 'gateway_requests_total');
  assert.ok(!counted.some((l) => l.includes('INTERNAL_SERVER_ERROR')), counted.join('\n'));
  assert.ok(counted.some((l) => l.includes('outcome="PERSISTED_QUERY_HASH_MISMATCH"')), counted.join('\n'));
});

test('a generated corpus of hostile documents and bodies: at least 500 refused by the gateway with a 4xx and a stable code, the rest by a resolver with one; /healthz answering throughout, every process healthy after', async () => {
  const corpus: HostileCase[] = hostileCorpus({ seed: 16, rounds: 24, maxBodyBytes: stack.config.MAX_REQUEST_BYTES });
  assert.ok(corpus.filter((c) => c.atGateway).length >= 500, `${corpus.filter((c) => c.atGateway).length} cases for the gateway`);
  const before = await legacyFingerprint(stack.targets);
  // /healthz is asked every 20 ms while the corpus is sent; its slowest answer is kept.
  let slowestHealth = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const t = Date.now();
      const res = await fetch(new URL('/healthz', stack.gatewayUrl));
      await res.text();
      slowestHealth = Math.max(slowestHealth, Date.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const wrong: string[] = [];
  const codes = new Map<string, number>();
  try {
    for (const c of corpus) {
      const answer = await send(stack.gatewayUrl, c, token);
      const allowed = (c.codes ?? STABLE_CODES).filter((code) => STABLE_CODES.includes(code));
      // A resolver's refusal is an execution error: HTTP 200, the field null, the error beside it.
      const problem = judge(answer, allowed) ?? (c.atGateway && answer.status < 400 ? `HTTP ${answer.status}` : null);
      if (problem) wrong.push(`${c.family}: ${problem} (${answer.status} ${answer.text.slice(0, 160)})`);
      const code = answer.body?.errors?.[0]?.extensions?.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
  } finally {
    polling = false;
    await poller;
  }
  assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} of ${corpus.length} wrong`);
  // The probe saw /healthz take 1.6–2.0 s while one document was validated; a second is generous.
  assert.ok(slowestHealth < 1000, `slowest /healthz ${slowestHealth} ms`);
  for (const url of [stack.gatewayUrl, ...Object.values(stack.subgraphUrls)]) assert.equal((await fetch(new URL('/healthz', url))).status, 200, `${url} alive`);
  assert.deepEqual(await legacyFingerprint(stack.targets), before, 'legacy data unchanged');
  assert.ok(codes.size >= 10, `many kinds of refusal: ${[...codes.keys()].join(', ')}`);
});
