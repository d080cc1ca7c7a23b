// The OData model, read from the supergraph: every root field tagged `facts/<EntitySet>` is an entity
// set; its row type's scalar fields are the properties (`facts/key` ones the key), its `where`
// input says which can be filtered and its sort enum which can be sorted by. A fact connection added
// to any subgraph's SDL is in the feed with nothing else to write.
import {
  Kind,
  buildASTSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  type DocumentNode,
  type GraphQLField,
  type GraphQLObjectType,
} from 'graphql';

export interface ODataProperty {
  name: string;
  /** GraphQL scalar: String, ID, Int, Float, Boolean, DateTime, Date, Money. */
  scalar: string;
  edm: string;
  nullable: boolean;
  description: string | null;
  filterable: boolean;
  sortable: boolean;
  personal: boolean;
}

export interface EntitySet {
  name: string;
  /** The root field that reads it, and its row type. */
  field: string;
  entityType: string;
  key: string[];
  properties: ODataProperty[];
  byName: Map<string, ODataProperty>;
  description: string | null;
  /** Arguments the root field takes (orderBy, skip, …) and the types of where and orderBy. */
  arguments: Set<string>;
  whereType: string | null;
  orderType: string | null;
  countable: boolean;
}

export const EDM: Record<string, string> = {
  String: 'Edm.String',
  ID: 'Edm.String',
  Int: 'Edm.Int32',
  Float: 'Edm.Double',
  Boolean: 'Edm.Boolean',
  DateTime: 'Edm.DateTimeOffset',
  Date: 'Edm.Date',
  Money: 'Edm.Decimal',
};

/** orderedAt → ORDERED_AT: the sort enum's value for a column. */
export const sortValueOf = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

function tagsOf(ast: DocumentNode): Map<string, string[]> {
  const tags = new Map<string, string[]>();
  for (const def of ast.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of def.fields ?? []) {
      const key = `${def.name.value}.${field.name.value}`;
      for (const d of field.directives ?? []) {
        const arg = d.name.value === 'tag' ? d.arguments?.find((a) => a.name.value === 'name') : undefined;
        if (arg?.value.kind === Kind.STRING) tags.set(key, [...(tags.get(key) ?? []), arg.value.value]);
      }
    }
  }
  return tags;
}

export function readModel(supergraphSdl: string): EntitySet[] {
  const ast = parse(supergraphSdl);
  const schema = buildASTSchema(ast, { assumeValidSDL: true });
  const tags = tagsOf(ast);
  const query = schema.getQueryType();
  const sets: EntitySet[] = [];
  for (const field of Object.values(query?.getFields() ?? {})) {
    const setName = (tags.get(`Query.${field.name}`) ?? []).find((t) => t.startsWith('facts/'))?.slice(6);
    if (!setName) continue;
    sets.push(entitySet(setName, field, tags));
  }
  return sets.sort((a, b) => a.name.localeCompare(b.name));
}

function entitySet(name: string, field: GraphQLField<unknown, unknown>, tags: Map<string, string[]>): EntitySet {
  const connection = getNamedType(field.type) as GraphQLObjectType;
  const rowType = getNamedType(connection.getFields().nodes.type) as GraphQLObjectType;
  const args = new Map(field.args.map((a) => [a.name, a]));
  const where = args.get('where') ? getNamedType(args.get('where')!.type) : null;
  const order = args.get('orderBy') ? getNamedType(args.get('orderBy')!.type) : null;
  const filterable = new Set(where && isInputObjectType(where) ? Object.keys(where.getFields()) : []);
  const sortEnum = order && isInputObjectType(order) ? getNamedType(order.getFields().field.type) : null;
  const sortable = new Set(sortEnum && isEnumType(sortEnum) ? sortEnum.getValues().map((v) => v.name) : []);
  const properties: ODataProperty[] = [];
  const key: string[] = [];
  for (const f of Object.values(rowType.getFields())) {
    const scalar = getNamedType(f.type);
    if (isObjectType(scalar) || isListType(isNonNullType(f.type) ? f.type.ofType : f.type) || !EDM[scalar.name]) {
      throw new Error(`fact set ${name}: ${rowType.name}.${f.name} is not a scalar column`);
    }
    const fieldTags = tags.get(`${rowType.name}.${f.name}`) ?? [];
    if (fieldTags.includes('facts/key')) key.push(f.name);
    properties.push({
      name: f.name,
      scalar: scalar.name,
      edm: EDM[scalar.name],
      nullable: !isNonNullType(f.type),
      description: f.description ?? null,
      filterable: filterable.has(f.name),
      sortable: sortable.has(sortValueOf(f.name)),
      personal: fieldTags.includes('personal'),
    });
  }
  if (!key.length) throw new Error(`fact set ${name}: ${rowType.name} tags no field facts/key`);
  return {
    name,
    field: field.name,
    entityType: rowType.name,
    key,
    properties,
    byName: new Map(properties.map((p) => [p.name, p])),
    description: field.description ?? null,
    arguments: new Set(args.keys()),
    whereType: where?.name ?? null,
    orderType: order?.name ?? null,
    countable: 'totalCount' in connection.getFields(),
  };
}
