// What one request may cost: depth, aliases and an estimated cost where list sizes multiply.
// Checked after the operation is parsed and its variables are known, before any subgraph is asked.
import {
  GraphQLError,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export interface OperationCost {
  depth: number;
  aliases: number;
  cost: number;
}

/** Assumed size of a list whose size no argument states. */
const DEFAULT_LIST_SIZE = 10;
const CONNECTION_DEFAULT_FIRST = 50;

export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): OperationCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  let aliases = 0;
  let depth = 0;
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();

  // Inside __schema/__type the standard introspection query alone is 15 levels deep: there the
  // cost bounds a request (lists still multiply), not the depth.
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | null | undefined, level: number, multiplier: number, seen: Set<string>, meta = false): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        // A fragment spread inside itself is a validation error elsewhere; here it must not loop.
        if (!fragment || seen.has(fragment.name.value)) continue;
        cost += walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), level, multiplier, new Set([...seen, fragment.name.value]), meta);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        cost += walk(selection.selectionSet, type, level, multiplier, seen, meta);
        continue;
      }
      if (selection.alias) aliases++;
      // __typename is free; __schema and __type are not (deep introspection is a classic attack).
      if (selection.name.value === '__typename') continue;
      if (!meta) depth = Math.max(depth, level);
      const fieldDef =
        selection.name.value === '__schema'
          ? SchemaMetaFieldDef
          : selection.name.value === '__type'
            ? TypeMetaFieldDef
            : parent && (isObjectType(parent) || isInterfaceType(parent))
              ? parent.getFields()[selection.name.value]
              : undefined;
      cost += multiplier;
      if (!selection.selectionSet) continue;
      const firstArg = selection.arguments?.find((a) => a.name.value === 'first');
      let childMultiplier = multiplier;
      if (firstArg) {
        const value = valueFromASTUntyped(firstArg.value, variables);
        childMultiplier *= Math.max(1, typeof value === 'number' ? value : CONNECTION_DEFAULT_FIRST);
      } else if (fieldDef?.args.some((a) => a.name === 'first')) {
        childMultiplier *= CONNECTION_DEFAULT_FIRST;
      } else if (fieldDef && isListType(getNullableType(fieldDef.type)) && selection.name.value !== 'edges' && selection.name.value !== 'nodes') {
        childMultiplier *= DEFAULT_LIST_SIZE;
      }
      const intoMeta = meta || selection.name.value === '__schema' || selection.name.value === '__type';
      cost += walk(selection.selectionSet, fieldDef ? getNamedType(fieldDef.type) : null, level + 1, childMultiplier, seen, intoMeta);
    }
    return cost;
  };

  const cost = walk(operation.selectionSet, root, 1, 1, new Set());
  return { depth, aliases, cost };
}

function refuse(code: string, zh: string, en: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(`${zh} / ${en}`, { extensions: { code, messageZh: zh, messageEn: en, http: { status: 400 }, ...extensions } });
}

export function checkLimits(measured: OperationCost, limits: Limits): void {
  if (measured.depth > limits.maxDepth) {
    throw refuse('QUERY_TOO_DEEP', `查询嵌套 ${measured.depth} 层，上限 ${limits.maxDepth} 层`, `Query is ${measured.depth} levels deep; the limit is ${limits.maxDepth}`, { depth: measured.depth, limit: limits.maxDepth });
  }
  if (measured.aliases > limits.maxAliases) {
    throw refuse('TOO_MANY_ALIASES', `查询使用了 ${measured.aliases} 个别名，上限 ${limits.maxAliases} 个`, `Query uses ${measured.aliases} aliases; the limit is ${limits.maxAliases}`, { aliases: measured.aliases, limit: limits.maxAliases });
  }
  if (measured.cost > limits.maxCost) {
    throw refuse(
      'QUERY_TOO_COSTLY',
      `查询估算成本 ${measured.cost}，上限 ${limits.maxCost}：请减小 first 或少取嵌套列表`,
      `Query's estimated cost is ${measured.cost}; the limit is ${limits.maxCost}: ask for fewer items (first) or fewer nested lists`,
      { cost: measured.cost, limit: limits.maxCost },
    );
  }
}
