// A subscription document, judged by the same rules as a query before anything runs — the request
// screen and limits (guard.ts, limits.ts), trusted documents, introspection, cost and the access
// policy — and turned into the query each of its events is delivered through:
//
//   subscription Watch($id: ID!) { orderUpdated(id: $id, after: "12") { event { type } order { lifecycle { stage } } } }
//   → query Watch($liveEvent_: ID!) { liveEvent_: orderUpdate(event: $liveEvent_) { event { type } order { lifecycle { stage } } } }
//   and for several events at once (up to MAX_BATCH, when the cost limit allows):
//   → query Watch($liveEvent_list: [ID!]!) { liveEvent_list: orderUpdates(events: $liveEvent_list) { event { type } order { lifecycle { stage } } } }
//
// A batch is one pass through the query planner and one fetch per subgraph for all its events
// (the entities of every event together), not one per event.
// The selection is kept as written (aliases, fragments, directives), so every field of the
// supergraph resolves through the query planner and the subgraphs exactly as in a query, batched;
// each event's answer is given the subscription's own shape (resolve.ts). Documents are prepared
// once and kept (LRU).
import { createHash } from 'node:crypto';
import {
  getOperationAST,
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  print,
  validate,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type TypeNode,
} from 'graphql';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values.js';
import type { Caller } from '../../../common/src/caller.js';
import { boundedCache } from '../../../common/src/cache.js';
import { checkPersistedQuery } from '../guard.js';
import { checkCost, DEFAULT_LIST_SIZE, estimateCost, refuse, screenDocument, type Limits } from '../limits.js';
import { checkAccess, type AccessPolicy } from '../policy.js';
import { checkIntrospection } from '../introspection.js';
import { mustBeTrusted, notInList, type TrustOptions } from '../trusted-documents.js';

export type LiveField = 'orderUpdated' | 'orderEvents';

/** The variable (and alias) that carries the event into the per-event query; variable names starting with it are reserved. */
export const EVENT_VARIABLE = 'liveEvent_';
/** The same for several events at once. */
export const EVENTS_VARIABLE = `${EVENT_VARIABLE}list`;
/** Events resolved by one query at most. */
export const MAX_BATCH = 16;

export interface PreparedDocument {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  field: LiveField;
  fieldNode: FieldNode;
  /** The query resolving `n` events (1 ≤ n ≤ MAX_BATCH), printed: one event's answer is under the alias EVENT_VARIABLE, several under EVENTS_VARIABLE, a list in the order given. */
  eventQuery: (n: number) => string;
  /** Where the subscription's answer goes: the subscription field's alias or name. */
  responseKey: string;
  /** Whether the text is a registered trusted document. */
  trusted: boolean;
}

export interface LiveOperation extends PreparedDocument {
  operationName: string | null;
  variables: Record<string, unknown>;
  /** Events one query may resolve for this subscription: MAX_BATCH, fewer when that would pass the cost limit. */
  batchMax: number;
  /** The subscription field's arguments, coerced. */
  args: { id?: string; after?: string | null; filter?: { types?: string[] | null; storeCodes?: string[] | null; regions?: string[] | null; customerCodes?: string[] | null } | null };
}

export interface LiveRules {
  schema: GraphQLSchema;
  policy: AccessPolicy;
  limits: Limits;
  trusted: TrustOptions;
  production: boolean;
  personalData: boolean;
}

/** A request to subscribe, as either protocol delivers it. */
export interface SubscribeRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

const PREPARED = { max: 1000, ttlMs: null };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function fragmentsUsed(selection: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, into = new Set<string>()): Set<string> {
  visit(selection, {
    FragmentSpread(node) {
      if (into.has(node.name.value)) return;
      into.add(node.name.value);
      const f = fragments.get(node.name.value);
      if (f) fragmentsUsed(f.selectionSet, fragments, into);
    },
  });
  return into;
}

function variablesUsed(nodes: readonly (SelectionSetNode | FragmentDefinitionNode)[]): Set<string> {
  const names = new Set<string>();
  for (const n of nodes) visit(n, { Variable: (v) => void names.add(v.name.value) });
  return names;
}

export function liveOperations(rules: LiveRules) {
  const prepared = boundedCache<string, PreparedDocument | GraphQLError>(PREPARED);

  function prepareDocument(text: string, operationName: string | null): PreparedDocument {
    const key = `${operationName ?? ''}\n${text}`;
    const known = prepared.get(key);
    if (known instanceof GraphQLError) throw known;
    if (known) return known;
    try {
      const made = build(text, operationName);
      prepared.set(key, made);
      return made;
    } catch (err) {
      if (err instanceof GraphQLError) prepared.set(key, err);
      throw err;
    }
  }

  function build(text: string, operationName: string | null): PreparedDocument {
    screenDocument(rules.schema, text, rules.limits);
    let document: DocumentNode;
    try {
      document = parse(text, { maxTokens: rules.limits.maxTokens });
    } catch (err) {
      const e = err as GraphQLError;
      throw refuse('GRAPHQL_PARSE_FAILED', `文档无法解析：${e.message}`, `Syntax error: ${e.message}`);
    }
    const invalid = validate(rules.schema, document);
    if (invalid.length) {
      throw refuse('GRAPHQL_VALIDATION_FAILED', `文档不合法：${invalid[0].message}`, `Invalid document: ${invalid[0].message}`, { errors: invalid.slice(0, 5).map((e) => e.message) });
    }
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation) {
      throw refuse(
        'BAD_REQUEST',
        operationName ? `文档中没有名为「${operationName}」的操作` : '文档含多个操作时必须给出 operationName',
        operationName ? `The document has no operation named "${operationName}"` : 'A document with several operations needs an operationName',
      );
    }
    if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
      throw refuse('BAD_REQUEST', '此连接只用于订阅：查询和变更请 POST /graphql', 'This connection carries subscriptions only: send queries and mutations with POST /graphql');
    }
    const [root] = operation.selectionSet.selections;
    if (root.kind !== Kind.FIELD || operation.selectionSet.selections.length !== 1) {
      throw refuse('BAD_REQUEST', '订阅请直接选择 orderUpdated 或 orderEvents 字段（不经片段）', 'Select orderUpdated or orderEvents directly in the subscription (not through a fragment)');
    }
    const field = root.name.value as LiveField;
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
    if (operation.variableDefinitions?.some((v) => v.variable.name.value.startsWith(EVENT_VARIABLE))) {
      throw refuse('BAD_REQUEST', `以 $${EVENT_VARIABLE} 开头的变量名为网关保留`, `Variable names starting with $${EVENT_VARIABLE} are reserved by the gateway`);
    }
    const responseKey = root.alias?.value ?? root.name.value;
    const selection = root.selectionSet!;
    const used = fragmentsUsed(selection, fragments);
    const keptFragments = [...used].map((n) => fragments.get(n)!).filter(Boolean);
    const vars = variablesUsed([selection, ...keptFragments]);
    const kept = (operation.variableDefinitions ?? []).filter((v) => vars.has(v.variable.name.value));
    const id: TypeNode = { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } } };
    const query = (name: string, type: TypeNode, field: string, argument: string) =>
      print({
        kind: Kind.DOCUMENT,
        definitions: [
          {
            ...operation,
            operation: OperationTypeNode.QUERY,
            variableDefinitions: [...kept, { kind: Kind.VARIABLE_DEFINITION, variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } }, type }],
            // Directives on a subscription operation mean nothing to the query.
            directives: [],
            selectionSet: {
              kind: Kind.SELECTION_SET,
              selections: [
                {
                  ...root,
                  alias: { kind: Kind.NAME, value: name },
                  name: { kind: Kind.NAME, value: field },
                  arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: argument }, value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } } }],
                },
              ],
            },
          } satisfies OperationDefinitionNode,
          ...keptFragments,
        ],
      });
    const one = query(EVENT_VARIABLE, id, 'orderUpdate', 'event');
    let several: string | null = null;
    const eventQuery = (n: number): string => {
      if (!Number.isInteger(n) || n < 1 || n > MAX_BATCH) throw new RangeError(`batch of ${n} events`);
      return n === 1 ? one : (several ??= query(EVENTS_VARIABLE, { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.LIST_TYPE, type: id } }, 'orderUpdates', 'events'));
    };
    return { document, operation, field, fieldNode: root, eventQuery, responseKey, trusted: rules.trusted.documents.has(sha256(text)) };
  }

  /** Judges a request to subscribe as a query would be judged; throws the refusal (a GraphQLError with a code, zh + en). */
  function prepare(request: SubscribeRequest, caller: Caller): LiveOperation {
    const hash = (request.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
    // An empty text with a hash is how clients that must send some text send a registered document.
    let text = typeof request.query === 'string' && request.query !== '' ? request.query : undefined;
    if (text === undefined && typeof hash === 'string') {
      text = rules.trusted.documents.get(hash);
      // Subscriptions are never remembered by hash (no APQ here): only registered documents are known.
      if (text === undefined) throw refuse('PERSISTED_QUERY_NOT_FOUND', '未找到该哈希对应的已登记文档', 'No registered document has this hash');
    } else {
      checkPersistedQuery(text, request.extensions);
    }
    if (text === undefined) throw refuse('BAD_REQUEST', '请求缺少 query', 'The request has no query');
    if (request.operationName != null && typeof request.operationName !== 'string') throw refuse('BAD_REQUEST', 'operationName 应为字符串', 'operationName must be a string');
    if (request.variables != null && (typeof request.variables !== 'object' || Array.isArray(request.variables))) throw refuse('BAD_REQUEST', 'variables 应为对象', 'variables must be an object');
    const operationName = (request.operationName as string | undefined) ?? null;
    const doc = prepareDocument(text, operationName);
    if (!doc.trusted && mustBeTrusted(rules.trusted.mode, caller)) throw notInList();
    const inputs = (request.variables ?? {}) as Record<string, unknown>;
    checkIntrospection(doc.document, caller, rules.production);
    const cost = estimateCost(rules.schema, doc.document, doc.operation, inputs);
    checkCost(cost, rules.limits);
    checkAccess(rules.policy, rules.schema, doc.document, caller, { personalData: rules.personalData });
    const coerced = getVariableValues(rules.schema, doc.operation.variableDefinitions ?? [], inputs, { maxErrors: 5 });
    if (coerced.errors) {
      throw refuse('BAD_USER_INPUT', `变量不合法：${coerced.errors[0].message}`, `Invalid variables: ${coerced.errors[0].message}`);
    }
    const fieldDef = rules.schema.getSubscriptionType()!.getFields()[doc.field];
    const args = getArgumentValues(fieldDef, doc.fieldNode, coerced.coerced) as LiveOperation['args'];
    if (args.after != null && !/^\d{1,15}$/.test(args.after)) {
      throw refuse('BAD_USER_INPUT', `after 应为事件 ID（OrderEvent.id），收到「${String(args.after).slice(0, 40)}」`, `after must be an event id (OrderEvent.id); got "${String(args.after).slice(0, 40)}"`, { argument: 'after' });
    }
    // A batch's query is costed as a list of an assumed ten: under the same limit as any query, or one event at a time.
    const batchMax = cost * DEFAULT_LIST_SIZE <= rules.limits.maxCost ? MAX_BATCH : 1;
    return { ...doc, operationName, variables: inputs, args, batchMax };
  }

  return { prepare };
}
