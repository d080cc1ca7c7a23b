// A fact connection in the graph: the columns a query selects (under nodes or edges.node, fragments
// included), its arguments as a page request, and the page as the connection type.
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Caller } from '../caller.js';
import { appError, ErrorCode } from '../errors.js';
import { fieldOfSortValue, type Page, type PageRequest, type Row } from './reader.js';
import type { FactColumn } from './columns.js';

/** A BI client reads pages of up to 1,000 rows; people the graph's usual 200. */
export const pageLimit = (caller: Caller) => (caller.role === 'bi' ? 1000 : 200);

export interface FactConnectionView {
  nodes: Row[];
  edges: { cursor: string; node: Row }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number | null;
  highWaterMark: string;
}

function fieldsUnder(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, into: Set<string>, path: string[]): void {
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) {
      if (path.length === 0) into.add(s.name.value);
      else if (s.name.value === path[0]) fieldsUnder(s.selectionSet, info, into, path.slice(1));
    } else {
      fieldsUnder(s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : info.fragments[s.name.value]?.selectionSet, info, into, path);
    }
  }
}

/** The row columns a connection query asks for (nodes { … } and edges { node { … } }), and whether it asks for totalCount. */
export function selection(info: GraphQLResolveInfo): { columns: Set<string>; count: boolean } {
  const columns = new Set<string>();
  const top = new Set<string>();
  for (const node of info.fieldNodes) {
    fieldsUnder(node.selectionSet, info, columns, ['nodes']);
    fieldsUnder(node.selectionSet, info, columns, ['edges', 'node']);
    fieldsUnder(node.selectionSet, info, top, []);
  }
  columns.delete('__typename');
  return { columns, count: top.has('totalCount') };
}

export interface FactArgs {
  first?: number | null;
  after?: string | null;
  where?: unknown;
  orderBy?: { field: string; direction?: string | null }[] | null;
  skip?: number | null;
  updatedSince?: string | null;
}

/**
 * The page request of a connection's arguments. Personal columns are for people and, with
 * BI_PERSONAL_DATA=on, for BI clients: the gateway refuses the fields; here the filters on them too.
 */
export function pageRequest(args: FactArgs, info: GraphQLResolveInfo, caller: Caller, columns: FactColumn[], personalData: boolean): PageRequest {
  const { columns: selected, count } = selection(info);
  if (caller.role === 'bi' && !personalData) {
    const personal = new Set(columns.filter((c) => c.personal).map((c) => c.name));
    const asked = [...selected, ...columnsFiltered(args.where)].filter((n) => personal.has(n));
    if (asked.length) {
      const fields = [...new Set(asked)].sort();
      throw appError(ErrorCode.FORBIDDEN, { zh: `个人信息不提供给 BI 客户端：${fields.join('、')}`, en: `Personal data is not given to BI clients: ${fields.join(', ')}` }, { role: caller.role, fields });
    }
  }
  return {
    first: args.first,
    after: args.after,
    where: args.where,
    orderBy: args.orderBy?.map((o) => ({ field: fieldOfSortValue(o.field), direction: o.direction === 'DESC' ? 'DESC' : 'ASC' })) ?? null,
    skip: args.skip,
    updatedSince: args.updatedSince,
    selected,
    count,
    maxFirst: pageLimit(caller),
  };
}

/** The columns a `where` names, at any depth. */
function columnsFiltered(where: unknown, into: string[] = []): string[] {
  if (!where || typeof where !== 'object') return into;
  for (const [key, value] of Object.entries(where)) {
    if (key === 'and' || key === 'or') for (const item of Array.isArray(value) ? value : []) columnsFiltered(item, into);
    else if (key === 'not') columnsFiltered(value, into);
    else into.push(key);
  }
  return into;
}

export function connectionOf(page: Page): FactConnectionView {
  return {
    nodes: page.rows.map((r) => r.node),
    edges: page.rows,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    totalCount: page.totalCount,
    highWaterMark: page.highWaterMark,
  };
}
