// A generated corpus of hostile requests to the gateway, seeded: fragment chains and fans, nesting
// by fields, inline fragments and spreads, alias and directive floods, long texts and lists, huge
// and deeply nested variables, token soup, cut and corrupted documents, malformed bodies and
// automatic-persisted-query mistakes. Each case says which codes may refuse it; the bad-input test
// sends them all, the hostile benchmark times the gateway's work on each (bench/hostile.ts).
import { createHash } from 'node:crypto';
import { Random } from '../../legacy-sim/src/random.js';

export interface HostileCase {
  family: string;
  /** The JSON body (anything), or `raw` text sent as it is. */
  body?: unknown;
  raw?: string;
  /** Codes that may refuse it; none: the case is a well-formed document the gateway may admit. */
  codes: string[] | null;
  /**
   * Refused by the gateway itself, before any subgraph is asked: a 4xx. Otherwise a resolver
   * refuses an argument while executing, and GraphQL answers 200 with the error and a null field.
   */
  atGateway: boolean;
}

const LIMIT = ['TOO_MANY_TOKENS', 'TOO_MANY_FRAGMENTS', 'TOO_MANY_FRAGMENT_SPREADS', 'TOO_MANY_DIRECTIVES', 'TOO_MANY_ALIASES', 'QUERY_TOO_DEEP', 'QUERY_TOO_COSTLY'];
const INVALID = ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST'];
/** Every code a refusal of a hostile request may carry. */
export const STABLE_CODES = [...LIMIT, ...INVALID, 'PAYLOAD_TOO_LARGE', 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED', 'PERSISTED_QUERY_HASH_INVALID', 'PERSISTED_QUERY_HASH_MISMATCH', 'PERSISTED_QUERY_NOT_FOUND', 'FORBIDDEN'];

const q = (query: string, variables?: unknown) => (variables === undefined ? { query } : { query, variables });
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A chain F0 → F1 → … of n fragments, each spreading the next `fan` times. */
function fragmentChain(n: number, fan: number): string {
  const defs = Array.from({ length: n }, (_, i) => `fragment F${i} on OrderConnection { totalCount ${i + 1 < n ? Array.from({ length: fan }, () => `...F${i + 1}`).join(' ') : ''} }`);
  return `{ orders(first: 1) { ...F0 } }\n${defs.join('\n')}`;
}

const nestedInline = (n: number, typed: boolean) => `{ ${(typed ? '... on Query { ' : '... { ').repeat(n)}__typename ${'} '.repeat(n)}}`;

/** Each level a fragment spread: F0 { ...F1 } on Query … nested n deep through spreads. */
const nestedSpreads = (n: number) => `{ ...S0 }\n${Array.from({ length: n }, (_, i) => `fragment S${i} on Query { __typename ${i + 1 < n ? `...S${i + 1}` : ''} }`).join('\n')}`;

/** Depth through a cycle the schema allows: a hold's order's holds … */
const cycleDepth = (n: number) => `{ holds(first: 1) { ${'order { holds { '.repeat(n)}id${' } }'.repeat(n)} } }`;

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
const directives = (n: number) => `{ orders(first: 1) { ${Array.from({ length: n }, (_, i) => `totalCount ${i % 2 ? '@skip(if: false)' : '@include(if: true)'}`).join(' ')} } }`;
const manyFragments = (n: number) => `{ orders(first: 1) { ${Array.from({ length: n }, (_, i) => `...M${i}`).join(' ')} } }\n${Array.from({ length: n }, (_, i) => `fragment M${i} on OrderConnection { totalCount }`).join('\n')}`;
const nestedList = (n: number) => `{ orders(filter: { status: ${'['.repeat(n)}PAID${']'.repeat(n)} }) { totalCount } }`;

const SOUP = ['{', '}', '(', ')', '[', ']', '...', 'on', 'query', 'fragment', 'mutation', '@include', '$v', ':', '=', '!', '"x"', '1', '1.5', 'true', 'null', 'orders', 'order', 'id', '__typename', '|', '&', '"""', '#c\n'];

const VALID = [
  '{ orders(first: 2) { totalCount edges { node { id status } } } }',
  'query Q($id: ID!) { order(id: $id) { id erpOrderNo customer { code name } lines { quantity sku { name } } } }',
  '{ holds(first: 1) { id order { id status } } }',
  '{ orders(first: 1) { ...C } } fragment C on OrderConnection { totalCount edges { cursor } }',
];

/** Truncated inside its braces: never a whole document. */
function truncated(r: Random): string {
  const text = r.pick(VALID);
  return text.slice(0, r.int(1, text.lastIndexOf('}') - 1));
}

/** A valid document with a field no type has spliced into a selection: never valid. */
function unknownField(r: Random): string {
  const text = r.pick(VALID);
  const opens = [...text.matchAll(/\{/g)].map((m) => m.index!);
  const at = r.pick(opens) + 1;
  return `${text.slice(0, at)} zz${r.int(0, 1e6)}_unknown ${text.slice(at)}`;
}

function json(r: Random, depth: number): unknown {
  if (depth <= 0) return r.pick([null, true, 1, -1.5, 'x', '', 1e308]);
  switch (r.int(0, 3)) {
    case 0:
      return Array.from({ length: r.int(0, 4) }, () => json(r, depth - 1));
    case 1:
      return Object.fromEntries(Array.from({ length: r.int(0, 4) }, (_, i) => [r.pick(['a', '__proto__', 'constructor', `k${i}`, '$ne']), json(r, depth - 1)]));
    default:
      return json(r, 0);
  }
}

export interface CorpusOptions {
  seed: number;
  /** Cases per family (several families make more than one per round). */
  rounds: number;
  /** The gateway's body limit: bodies are made around it. */
  maxBodyBytes: number;
}

export function hostileCorpus({ seed, rounds, maxBodyBytes }: CorpusOptions): HostileCase[] {
  const r = new Random(seed);
  const out: HostileCase[] = [];
  const doc = (family: string, query: string, codes: string[], variables?: unknown, atGateway = true) =>
    out.push({ family, body: q(query, variables), codes: [...codes, 'PAYLOAD_TOO_LARGE'], atGateway });
  const body = (family: string, c: { body?: unknown; raw?: string }, codes: string[]) => out.push({ family, ...c, codes, atGateway: true });
  for (let i = 0; i < rounds; i++) {
    // Refused by a limit whatever its size: the probe's documents and their relatives.
    doc('fragment chain', fragmentChain(r.int(31, 2600), 1), LIMIT);
    doc('fragment fan-out', fragmentChain(r.int(8, 40), r.int(2, 6)), LIMIT);
    doc('nested inline fragments', nestedInline(r.int(13, 3000), r.chance(0.7)), LIMIT);
    doc('nested fragment spreads', nestedSpreads(r.int(13, 400)), LIMIT);
    doc('depth through a schema cycle', cycleDepth(r.int(6, 200)), LIMIT);
    doc('alias flood', aliases(r.int(31, 3000)), LIMIT);
    doc('directive flood', directives(r.int(21, 2000)), LIMIT);
    doc('many fragments', manyFragments(r.int(31, 500)), LIMIT);
    doc('deeply nested list value', nestedList(r.int(2, 900)), [...LIMIT, 'GRAPHQL_VALIDATION_FAILED']);
    doc('token soup', Array.from({ length: r.int(1, 3000) }, () => r.pick(SOUP)).join(' ') + ' {', [...LIMIT, 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']);
    doc('cut document', truncated(r), ['GRAPHQL_PARSE_FAILED']);
    doc('unknown field', unknownField(r), ['GRAPHQL_VALIDATION_FAILED']);
    doc('long string literal', `{ order(id: "${'S'.repeat(r.int(1000, Math.floor(maxBodyBytes * 0.9)))}") { id } }`, ['BAD_USER_INPUT'], undefined, false);
    // Variables: huge, deep, of the wrong shape.
    const size = r.int(1000, maxBodyBytes * 2);
    doc('huge variable', 'query($id: ID!) { order(id: $id) { id } }', ['BAD_USER_INPUT'], { id: 'x'.repeat(size) }, size > maxBodyBytes);
    const levels = r.int(2, 20_000);
    body('deeply nested variable', { raw: `{"query":"query($f: OrderFilter) { orders(filter: $f) { totalCount } }","variables":{"f":{"status":${'['.repeat(levels)}"PAID"${']'.repeat(levels)}}}}` }, ['BAD_USER_INPUT', 'PAYLOAD_TOO_LARGE']);
    // Variables of the wrong type for their declaration: refused while coercing them, before execution.
    doc('random variables', 'query($f: OrderFilter, $n: Int!) { orders(filter: $f, first: $n) { totalCount } }', ['BAD_USER_INPUT', 'QUERY_TOO_COSTLY'], { f: json(r, 4), n: r.pick(['x', 2.5, [1], {}, null, true, 2 ** 31]) });
    // Bodies that are not a GraphQL request.
    body('query of the wrong type', { body: { query: r.pick([1, true, null, [], {}, ['{ orders { totalCount } }']]) } }, ['BAD_REQUEST']);
    body('operationName of the wrong type', { body: { query: VALID[0], operationName: r.pick([1, true, [], {}]) } }, ['BAD_REQUEST']);
    body('variables of the wrong type', { body: { query: VALID[0], variables: r.pick([1, 'x', true, []]) } }, ['BAD_REQUEST']);
    body('batch', { body: Array.from({ length: r.int(1, 30) }, () => q(VALID[0])) }, ['BAD_REQUEST']);
    body('not JSON', { raw: r.pick(['{', '{"query": ', 'query { orders }', '\u0000\u0001', '{"query":"{ orders { totalCount } }"}}', "{'query': 1}"]) + 'x'.repeat(r.int(0, 50)) }, ['BAD_REQUEST']);
    // Automatic persisted queries that cannot be right.
    const text = r.pick(VALID);
    body('APQ version', { body: { query: text, extensions: { persistedQuery: { version: r.pick([0, 2, '1', null, 1.5]), sha256Hash: sha(text) } } } }, ['PERSISTED_QUERY_VERSION_NOT_SUPPORTED']);
    body('APQ hash mismatch', { body: { query: text, extensions: { persistedQuery: { version: 1, sha256Hash: sha(text + r.int(0, 1e9)) } } } }, ['PERSISTED_QUERY_HASH_MISMATCH']);
    body('APQ malformed hash', { body: { query: text, extensions: { persistedQuery: { version: 1, sha256Hash: r.pick([sha(text).toUpperCase(), 'abc', 12, null, sha(text) + '0']) } } } }, ['PERSISTED_QUERY_HASH_INVALID']);
  }
  return out;
}

/** Documents the gateway admits under its default limits, at the edge of each limit: what the benchmark times. */
/** The field `id` asked n times in one selection: valid (they merge), and wide. */
const repeatedField = (n: number) => `{ holds(first: 1) { ${'id '.repeat(n)}} }`;

/**
 * Documents at the edge of each default limit (depth 12, 30 aliases, 20 directives, 30 fragments,
 * 60 spreads, 2,000 tokens): what the benchmark times through validation and planning. `codes`
 * null: admitted; otherwise refused only once the cost is known, after validation.
 */
export function edgeCorpus(): HostileCase[] {
  const edge = (family: string, query: string, codes: string[] | null = null): HostileCase => ({ family, body: q(query), codes, atGateway: codes !== null });
  return [
    // A spread is two levels: orders, 5 spreads, totalCount = 12.
    edge('fragment chain, 5 deep', fragmentChain(5, 1)),
    edge('fragment fan-out, 5 × 12', fragmentChain(5, 12)),
    edge('nested inline fragments, 11', nestedInline(11, true)),
    edge('nested fragment spreads, 5', nestedSpreads(5)),
    // Valid and 12 deep, but 50 holds per order five times over: refused once the cost is known.
    edge('depth 12 through a schema cycle', cycleDepth(5), ['QUERY_TOO_COSTLY']),
    edge('30 aliases', aliases(30)),
    edge('20 directives', directives(20)),
    edge('30 fragments, 30 spreads', manyFragments(30)),
    // graphql-js gives up comparing this many same-named fields: "Validation aborted".
    edge('one field 1,900 times', repeatedField(1900), ['GRAPHQL_VALIDATION_FAILED']),
    edge('nested list value', nestedList(1)),
    edge('order with lines, customer and shipment', '{ order(id: "SO-20251108-001") { id erpOrderNo status lines { quantity amount sku { name spec batches { batchNo } } } customer { name grade tags } shipment { events { at city } } tickets { transcript { text } } } }'),
    edge(
      'full order page of 100',
      '{ orders(first: 100) { totalCount edges { node { id status lifecycle { stage at } totalAmount customer { name level } lines { amount sku { name availableQuantity } } shipment { events { at } } } } } }',
    ),
    edge('introspection', 'query { __schema { types { name kind fields { name args { name type { name kind ofType { name kind ofType { name kind } } } } type { name kind ofType { name kind } } } } } }'),
  ];
}
