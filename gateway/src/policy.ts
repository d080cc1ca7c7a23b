// Who may use which part of the graph, read from the subgraphs' own SDL through @tag in the
// supergraph, so a field's policy stands beside its definition:
//   @tag(name: "internal")   a field customers may not see (asking is refused, not nulled)
//   @tag(name: "customer")   a root field customers may use (others are staff-only)
//   @tag(name: "role-ops")   a root field only these roles (and admin) may use; repeatable
//   @tag(name: "slow")       a root field that may take longer than an order page (reports, dry runs)
//   @tag(name: "personal")   personal data (a receiver's mobile, an address): refused to BI clients unless BI_PERSONAL_DATA=on
// A Query root without role tags is open to every staff role; a Mutation without them is admin-only.
import {
  GraphQLError,
  Kind,
  TypeInfo,
  parse,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { ROLES, STAFF_ROLES, type Caller, type Role } from '../../common/src/caller.js';

export interface AccessPolicy {
  internal: Set<string>;
  customerRoots: Set<string>;
  rootRoles: Map<string, Set<Role>>;
  /** Root fields allowed the slow timeout (`Query.simulateRule` …). */
  slowRoots: Set<string>;
  /** Personal data: `Type.field`. */
  personal: Set<string>;
}


export function readPolicy(supergraphSdl: string): AccessPolicy {
  const policy: AccessPolicy = { internal: new Set(), customerRoots: new Set(), rootRoles: new Map(), slowRoots: new Set(), personal: new Set() };
  for (const def of parse(supergraphSdl).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of def.fields ?? []) {
      const key = `${def.name.value}.${field.name.value}`;
      for (const d of field.directives ?? []) {
        if (d.name.value !== 'tag') continue;
        const arg = d.arguments?.find((a) => a.name.value === 'name');
        const tag = arg?.value.kind === Kind.STRING ? arg.value.value : '';
        if (tag === 'internal') policy.internal.add(key);
        else if (tag === 'customer') policy.customerRoots.add(key);
        else if (tag === 'slow') policy.slowRoots.add(key);
        else if (tag === 'personal') policy.personal.add(key);
        else if (tag.startsWith('role-')) {
          const role = tag.slice(5) as Role;
          if (!ROLES.includes(role)) throw new Error(`supergraph: ${key} is tagged for unknown role "${role}"`);
          policy.rootRoles.set(key, (policy.rootRoles.get(key) ?? new Set()).add(role));
        }
      }
    }
  }
  return policy;
}

function forbidden(zh: string, en: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(`${zh} / ${en}`, { extensions: { code: 'FORBIDDEN', messageZh: zh, messageEn: en, http: { status: 403 }, ...extensions } });
}

/** Does the operation ask for a root field that may be slow? */
export function asksForSlow(policy: AccessPolicy, operation: OperationDefinitionNode | undefined | null): boolean {
  if (!operation || !policy.slowRoots.size) return false;
  const root = operation.operation === 'mutation' ? 'Mutation' : 'Query';
  return operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && policy.slowRoots.has(`${root}.${s.name.value}`));
}

/** May this caller use this root field? */
function mayUse(policy: AccessPolicy, key: string, rootType: string, caller: Caller): boolean {
  if (caller.role === 'admin') return true;
  if (caller.role === 'customer') return policy.customerRoots.has(key);
  // A BI client reads: no mutation, whatever its tags say.
  if (caller.role === 'bi' && rootType !== 'Query') return false;
  const roles = policy.rootRoles.get(key);
  return roles ? roles.has(caller.role) : rootType === 'Query' && STAFF_ROLES.includes(caller.role);
}

/**
 * Refuses, before any subgraph is asked, an operation the caller may not run in full. The whole
 * document is walked, fragments included (validation has made sure each is used): a second
 * operation in the same document can only make it stricter.
 */
export function checkAccess(policy: AccessPolicy, schema: GraphQLSchema, document: DocumentNode, caller: Caller, options: { personalData?: boolean } = {}): void {
  const roots = new Set(['Query', 'Mutation', 'Subscription'].filter((name) => schema.getType(name)));
  const refusedRoots = new Set<string>();
  const internal = new Set<string>();
  const personal = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value.startsWith('__')) return;
        const key = `${parent.name}.${node.name.value}`;
        if (roots.has(parent.name) && !mayUse(policy, key, parent.name, caller)) refusedRoots.add(key);
        if (caller.role === 'customer' && policy.internal.has(key)) internal.add(key);
        if (caller.role === 'bi' && !options.personalData && policy.personal.has(key)) personal.add(key);
      },
    }),
  );
  if (refusedRoots.size) {
    const fields = [...refusedRoots];
    throw forbidden(`角色「${caller.role}」无权使用：${fields.join('、')}`, `Role "${caller.role}" may not use ${fields.join(', ')}`, { role: caller.role, fields });
  }
  if (personal.size) {
    const fields = [...personal].sort();
    throw forbidden(`个人信息不提供给 BI 客户端：${fields.join('、')}`, `Personal data is not given to BI clients: ${fields.join(', ')}`, { role: caller.role, fields });
  }
  if (internal.size) {
    const fields = [...internal].sort();
    throw forbidden(
      `以下字段为内部信息，客户不可查询：${fields.join('、')}`,
      `These fields are internal and not available to customers: ${fields.join(', ')}`,
      { role: caller.role, fields },
    );
  }
}
