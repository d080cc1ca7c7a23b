// What one request may cost the gateway, refused before it costs more than a small, bounded amount.
//
// Two stages. The document's shape is screened once, before graphql-js validates it (validation
// has rules that grow with the square of a fragment chain): tokens while parsing (graphql-js's own
// `maxTokens`), fragment definitions and spreads by counting, then directives, aliases and depth
// with graphql-armor's rules — each fragment measured once, spreads and inline fragments counted
// as levels. The estimated cost needs the variables (`first: $n`), so it is checked when the
// operation is resolved, still before any plan is made or subgraph asked. Every refusal is a 400
// with its own code and a message in Chinese and English.
import {
  GraphQLError,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  parse,
  valueFromASTUntyped,
  ValidationContext,
  TypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';

export interface Limits {
  maxTokens: number;
  maxFragments: number;
  maxSpreads: number;
  maxDirectives: number;
  maxAliases: number;
  maxDepth: number;
  maxCost: number;
}

export const limitsFrom = (c: {
  MAX_QUERY_TOKENS: number;
  MAX_QUERY_FRAGMENTS: number;
  MAX_QUERY_FRAGMENT_SPREADS: number;
  MAX_QUERY_DIRECTIVES: number;
  MAX_QUERY_ALIASES: number;
  MAX_QUERY_DEPTH: number;
  MAX_QUERY_COST: number;
}): Limits => ({
  maxTokens: c.MAX_QUERY_TOKENS,
  maxFragments: c.MAX_QUERY_FRAGMENTS,
  maxSpreads: c.MAX_QUERY_FRAGMENT_SPREADS,
  maxDirectives: c.MAX_QUERY_DIRECTIVES,
  maxAliases: c.MAX_QUERY_ALIASES,
  maxDepth: c.MAX_QUERY_DEPTH,
  maxCost: c.MAX_QUERY_COST,
});

/** The refusal codes, one per limit; clients may rely on them. */
export const LimitCode = {
  TOO_MANY_TOKENS: 'TOO_MANY_TOKENS',
  TOO_MANY_FRAGMENTS: 'TOO_MANY_FRAGMENTS',
  TOO_MANY_FRAGMENT_SPREADS: 'TOO_MANY_FRAGMENT_SPREADS',
  TOO_MANY_DIRECTIVES: 'TOO_MANY_DIRECTIVES',
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  QUERY_TOO_COSTLY: 'QUERY_TOO_COSTLY',
} as const;
export type LimitCode = (typeof LimitCode)[keyof typeof LimitCode];

export function refuse(code: string, zh: string, en: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(`${zh} / ${en}`, { extensions: { code, messageZh: zh, messageEn: en, http: { status: 400 }, ...extensions } });
}

const TEXT: Record<Exclude<LimitCode, 'QUERY_TOO_COSTLY'>, (found: number | null, limit: number) => [string, string]> = {
  TOO_MANY_TOKENS: (_f, l) => [`查询文本过长：超过 ${l} 个词法单元`, `The query has more than ${l} tokens`],
  TOO_MANY_FRAGMENTS: (f, l) => [`查询定义了 ${f} 个片段，上限 ${l} 个`, `The query defines ${f} fragments; the limit is ${l}`],
  TOO_MANY_FRAGMENT_SPREADS: (f, l) => [`查询展开片段 ${f} 次，上限 ${l} 次`, `The query spreads fragments ${f} times; the limit is ${l}`],
  TOO_MANY_DIRECTIVES: (f, l) => [`查询使用了 ${f ?? `超过 ${l}`} 个指令，上限 ${l} 个`, `The query uses ${f ?? `more than ${l}`} directives; the limit is ${l}`],
  TOO_MANY_ALIASES: (f, l) => [`查询使用了 ${f ?? `超过 ${l}`} 个别名，上限 ${l} 个`, `The query uses ${f ?? `more than ${l}`} aliases; the limit is ${l}`],
  QUERY_TOO_DEEP: (f, l) => [
    `查询嵌套 ${f ?? `超过 ${l}`} 层，上限 ${l} 层（内联片段算一层，片段展开算两层）`,
    `The query is ${f ?? `more than ${l}`} levels deep; the limit is ${l} (an inline fragment is a level, a fragment spread two)`,
  ],
};

function over(code: Exclude<LimitCode, 'QUERY_TOO_COSTLY'>, found: number | null, limit: number): GraphQLError {
  const [zh, en] = TEXT[code](found, limit);
  return refuse(code, zh, en, { limit, ...(found != null ? { found } : {}) });
}

/** graphql-armor says what it found only in its message ("…, found 15."). */
const foundIn = (err: GraphQLError) => {
  const m = /found (\d+)/.exec(err.message);
  return m ? Number(m[1]) : null;
};

/**
 * Parses the query text within the token limit and screens its shape, or throws the refusal.
 * Linear in the text: every fragment is measured once however often it is spread. A syntax error
 * passes: graphql-js's own parse reports it the usual way (GRAPHQL_PARSE_FAILED).
 */
export function screenDocument(schema: GraphQLSchema, source: string, limits: Limits): void {
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: limits.maxTokens, noLocation: true });
  } catch (err) {
    if (err instanceof GraphQLError && /more th(?:an|at) \d+ tokens/.test(err.message)) throw over('TOO_MANY_TOKENS', null, limits.maxTokens);
    // The parser descends once per nesting level; past what the stack holds the document is too deep.
    if (err instanceof RangeError) throw over('QUERY_TOO_DEEP', null, limits.maxDepth);
    return;
  }
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).length;
  if (fragments > limits.maxFragments) throw over('TOO_MANY_FRAGMENTS', fragments, limits.maxFragments);
  let spreads = 0;
  const countSpreads = (set: SelectionSetNode | undefined, depth: number): void => {
    // Deeper than any admitted document can be: the depth rule below refuses it, without this walk's stack.
    if (!set || depth > 1000) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) spreads++;
      else countSpreads(sel.selectionSet, depth + 1);
    }
  };
  for (const def of document.definitions) if ('selectionSet' in def) countSpreads(def.selectionSet, 0);
  if (spreads > limits.maxSpreads) throw over('TOO_MANY_FRAGMENT_SPREADS', spreads, limits.maxSpreads);

  const refusals: GraphQLError[] = [];
  const rule = (code: 'TOO_MANY_DIRECTIVES' | 'TOO_MANY_ALIASES' | 'QUERY_TOO_DEEP', limit: number) => ({
    n: limit,
    propagateOnRejection: false,
    onReject: [(_ctx: unknown, err: GraphQLError) => void refusals.push(over(code, foundIn(err), limit))],
  });
  // Armor's rules alone, not validation: each counts from an operation's node by its own walk (each
  // fragment once), so they are called on the operations directly, without visiting the document.
  const rules = [
    maxDirectivesRule(rule('TOO_MANY_DIRECTIVES', limits.maxDirectives)),
    // An aliased __typename counts too: a thousand of them are a thousand answers to build.
    maxAliasesRule({ ...rule('TOO_MANY_ALIASES', limits.maxAliases), allowList: [] }),
    // Inline fragments and spreads are levels (armor counts a spread as two: the spread and the
    // fragment's selection); inside __schema the cost bounds introspection instead.
    maxDepthRule({ ...rule('QUERY_TOO_DEEP', limits.maxDepth), flattenFragments: false, ignoreIntrospection: true }),
  ];
  const context = new ValidationContext(schema, document, new TypeInfo(schema), (err) => refusals.push(err));
  // Each rule's visitor has one handler, OperationDefinition.enter, which expects `this` to be the visitor.
  const visitors = rules.map((rule) => rule(context) as unknown as { OperationDefinition: { enter(this: unknown, node: OperationDefinitionNode): void } });
  try {
    for (const def of document.definitions) {
      if (def.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const v of visitors) v.OperationDefinition.enter.call(v, def);
      if (refusals.length) throw refusals[0];
    }
  } catch (err) {
    if (err instanceof RangeError) throw over('QUERY_TOO_DEEP', null, limits.maxDepth);
    throw err;
  }
}

/** Assumed size of a list whose size no argument states. */
export const DEFAULT_LIST_SIZE = 10;
const CONNECTION_DEFAULT_FIRST = 50;

/**
 * The estimated cost of an operation: one per field, times the sizes of the lists around it
 * (`first`, or an assumed size). A fragment's cost is taken once and scaled at each spread, so a
 * fragment spread twice in each of twenty fragments costs twenty walks, not a million.
 */
export function estimateCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const unitCost = new Map<string, number>();
  const inProgress = new Set<string>();
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();

  // Cost of a selection set at multiplier 1: cost is linear in the multiplier, so a spread scales it.
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | null | undefined, meta: boolean): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A fragment spread inside itself is a validation error elsewhere; here it must not loop.
        if (!fragment || inProgress.has(name)) continue;
        const key = `${name}\n${meta}`;
        let unit = unitCost.get(key);
        if (unit === undefined) {
          inProgress.add(name);
          unit = walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), meta);
          inProgress.delete(name);
          unitCost.set(key, unit);
        }
        cost += unit;
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        cost += walk(selection.selectionSet, type, meta);
        continue;
      }
      // __typename is free; __schema and __type are not (deep introspection is a classic attack).
      if (selection.name.value === '__typename') continue;
      const fieldDef =
        selection.name.value === '__schema'
          ? SchemaMetaFieldDef
          : selection.name.value === '__type'
            ? TypeMetaFieldDef
            : parent && (isObjectType(parent) || isInterfaceType(parent))
              ? parent.getFields()[selection.name.value]
              : undefined;
      cost += 1;
      if (!selection.selectionSet) continue;
      const firstArg = selection.arguments?.find((a) => a.name.value === 'first');
      let size = 1;
      if (firstArg) {
        const value = valueFromASTUntyped(firstArg.value, variables);
        size = Math.max(1, typeof value === 'number' ? value : CONNECTION_DEFAULT_FIRST);
      } else if (fieldDef?.args.some((a) => a.name === 'first')) {
        size = CONNECTION_DEFAULT_FIRST;
      } else if (fieldDef && isListType(getNullableType(fieldDef.type)) && selection.name.value !== 'edges' && selection.name.value !== 'nodes') {
        size = DEFAULT_LIST_SIZE;
      }
      const intoMeta = meta || selection.name.value === '__schema' || selection.name.value === '__type';
      cost += size * walk(selection.selectionSet, fieldDef ? getNamedType(fieldDef.type) : null, intoMeta);
    }
    return cost;
  };
  return walk(operation.selectionSet, root, false);
}

export function checkCost(cost: number, limits: Pick<Limits, 'maxCost'>): void {
  if (cost > limits.maxCost) {
    const shown = Number.isFinite(cost) && cost < 1e15 ? String(Math.round(cost)) : '∞';
    throw refuse(
      LimitCode.QUERY_TOO_COSTLY,
      `查询估算成本 ${shown}，上限 ${limits.maxCost}：请减小 first 或少取嵌套列表`,
      `Query's estimated cost is ${shown}; the limit is ${limits.maxCost}: ask for fewer items (first) or fewer nested lists`,
      { cost: Number.isFinite(cost) ? cost : null, limit: limits.maxCost },
    );
  }
}
