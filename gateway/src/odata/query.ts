// An OData request's system query options, translated into the arguments of a fact connection:
// $filter (parsed by @odata/parser) into `where`, $orderby into `orderBy`, $select into the columns
// asked for, $top/$skip/$count/$skiptoken into paging. Every refusal is an ODataError with the
// option it is about.
import { defaultParser } from '@odata/parser';
import { sortValueOf, type EntitySet, type ODataProperty } from './model.js';

export class ODataError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly zh: string,
    readonly en: string,
    readonly target?: string,
  ) {
    super(`${zh} / ${en}`);
  }
}

const bad = (target: string, zh: string, en: string) => new ODataError(400, 'BAD_REQUEST', zh, en, target);

export interface Translated {
  select: ODataProperty[];
  where: Record<string, unknown> | null;
  orderBy: { field: string; direction: 'ASC' | 'DESC' }[] | null;
  top: number | null;
  skip: number;
  count: boolean;
  /** Where the previous page stopped (the connection's cursor) and how many of $top remain. */
  skipToken: SkipToken | null;
}

export interface SkipToken {
  after: string;
  remaining: number | null;
}

const OPTIONS = new Set(['$select', '$filter', '$orderby', '$top', '$skip', '$count', '$skiptoken', '$format']);
const MAX_FILTER = 4000;

function integer(params: URLSearchParams, name: string, max: number): number | null {
  const raw = params.get(name);
  if (raw == null) return null;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > max) throw bad(name, `${name} 应为 0 到 ${max} 的整数`, `${name} must be an integer from 0 to ${max}`);
  return Number(raw);
}

export function translate(set: EntitySet, params: URLSearchParams, visible: ODataProperty[]): Translated {
  for (const key of params.keys()) {
    if (key.startsWith('$') && !OPTIONS.has(key)) throw new ODataError(501, 'NOT_IMPLEMENTED', `不支持查询选项 ${key}`, `The query option ${key} is not supported`, key);
  }
  const format = params.get('$format');
  if (format != null && !/^json$|^application\/json\b/i.test(format)) throw new ODataError(406, 'NOT_ACCEPTABLE', '只提供 JSON 格式', 'Only the JSON format is served', '$format');
  const shown = new Map(visible.map((p) => [p.name, p]));
  const property = (name: string, target: string) => {
    const p = shown.get(name);
    if (!p) throw bad(target, `${set.name} 没有属性「${name}」`, `${set.name} has no property "${name}"`);
    return p;
  };

  const selectText = params.get('$select');
  const select =
    selectText == null || selectText.trim() === '*'
      ? visible
      : selectText.split(',').map((s) => s.trim()).filter(Boolean).map((s) => property(s, '$select'));
  if (!select.length) throw bad('$select', '$select 至少一个属性', '$select names at least one property');

  const orderText = params.get('$orderby');
  let orderBy: Translated['orderBy'] = null;
  if (orderText != null) {
    if (!set.arguments.has('orderBy')) throw bad('$orderby', `${set.name} 不能排序`, `${set.name} cannot be sorted`);
    orderBy = orderText.split(',').map((item) => {
      const m = /^\s*([A-Za-z_]\w*)(?:\s+(asc|desc))?\s*$/i.exec(item);
      if (!m) throw bad('$orderby', `$orderby 项「${item}」格式错误`, `$orderby item "${item}" is malformed`);
      const p = property(m[1], '$orderby');
      if (!p.sortable) throw bad('$orderby', `不能按「${p.name}」排序（由其他系统提供）`, `Cannot sort by "${p.name}" (another system gives it)`);
      return { field: sortValueOf(p.name), direction: m[2]?.toLowerCase() === 'desc' ? ('DESC' as const) : ('ASC' as const) };
    });
  }

  const filterText = params.get('$filter');
  let where: Record<string, unknown> | null = null;
  if (filterText != null) {
    if (filterText.length > MAX_FILTER) throw bad('$filter', `$filter 超过 ${MAX_FILTER} 个字符`, `$filter is longer than ${MAX_FILTER} characters`);
    let ast: any;
    try {
      // OData v2's typed time literals (datetimeoffset'2025-11-08T07:20:28Z'), which some v4 clients still send, read as v4 ones.
      ast = defaultParser.filter(filterText.replace(/\bdatetime(?:offset)?'([^']{10,60})'/gi, (_m, t: string) => decodeURIComponent(t)));
    } catch (err) {
      const at = /at (\d+)/.exec((err as Error).message)?.[1];
      const near = at != null ? `: ${filterText.slice(Number(at), Number(at) + 20) || '(end)'}` : '';
      throw bad('$filter', `$filter 语法错误${near ? `，位于「${near.slice(2)}」` : ''}`, `$filter is not valid OData syntax${near ? ` near "${near.slice(2)}"` : ''}`);
    }
    where = toWhere(ast, (name) => {
      const p = property(name, '$filter');
      if (!p.filterable) throw bad('$filter', `不能按「${p.name}」筛选`, `Cannot filter on "${p.name}"`);
      return p;
    });
  }

  const tokenText = params.get('$skiptoken');
  let skipToken: SkipToken | null = null;
  if (tokenText != null) {
    try {
      const t = JSON.parse(Buffer.from(tokenText, 'base64url').toString('utf8'));
      if (typeof t?.a === 'string' && (t.r === null || Number.isInteger(t.r))) skipToken = { after: t.a, remaining: t.r };
    } catch {
      skipToken = null;
    }
    if (!skipToken) throw bad('$skiptoken', '$skiptoken 无效：请使用 @odata.nextLink 原样', 'Invalid $skiptoken: follow @odata.nextLink as it is');
  }
  const countText = params.get('$count');
  if (countText != null && !/^(true|false)$/.test(countText)) throw bad('$count', '$count 应为 true 或 false', '$count must be true or false');
  const count = countText === 'true';
  if (count && !set.countable) throw new ODataError(501, 'NOT_IMPLEMENTED', `${set.name} 不提供计数`, `${set.name} cannot be counted`, '$count');
  const skip = integer(params, '$skip', 1_000_000) ?? 0;
  if (skip && !set.arguments.has('skip')) throw new ODataError(501, 'NOT_IMPLEMENTED', `${set.name} 不支持 $skip：请跟随 @odata.nextLink`, `${set.name} does not support $skip: follow @odata.nextLink`, '$skip');
  return { select, where, orderBy, top: integer(params, '$top', 1_000_000_000), skip, count, skipToken };
}

export const encodeSkipToken = (t: SkipToken) => Buffer.from(JSON.stringify({ a: t.after, r: t.remaining })).toString('base64url');

const COMPARISONS: Record<string, string> = {
  EqualsExpression: 'eq',
  NotEqualsExpression: 'ne',
  LesserThanExpression: 'lt',
  LesserOrEqualsExpression: 'le',
  GreaterThanExpression: 'gt',
  GreaterOrEqualsExpression: 'ge',
};
/** a lt 5 is 5 gt a. */
const FLIPPED: Record<string, string> = { eq: 'eq', ne: 'ne', lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' };
const METHODS: Record<string, string> = { contains: 'contains', startswith: 'startsWith', endswith: 'endsWith' };

/** The property a member expression names; null when the node is no property. */
function propertyName(node: any): string | null {
  let n = node;
  while (n && (n.type === 'FirstMemberExpression' || n.type === 'MemberExpression' || n.type === 'PropertyPathExpression' || n.type === 'CommonExpression')) {
    if (n.type === 'PropertyPathExpression' && n.value?.current) return null; // a/b: a navigation path
    n = n.value;
  }
  return n?.type === 'ODataIdentifier' ? n.value.name : null;
}

/** An OData literal as the GraphQL argument for a column of this type wants it. */
function literal(node: any, p: ODataProperty): unknown {
  if (node?.type !== 'Literal') throw bad('$filter', `「${p.name}」只能与常量比较`, `"${p.name}" can only be compared with a literal`);
  const edm: string = node.value;
  const raw: string = node.raw;
  if (edm === 'null') return null;
  const mismatch = () => bad('$filter', `「${p.name}」（${p.edm}）不能与 ${raw} 比较`, `"${p.name}" (${p.edm}) cannot be compared with ${raw}`);
  const isNumber = /^Edm\.(SByte|Byte|Int16|Int32|Int64|Decimal|Double|Single)$/.test(edm);
  switch (p.scalar) {
    case 'String':
    case 'ID':
      if (edm !== 'Edm.String') throw mismatch();
      return raw.slice(1, -1).replace(/''/g, "'");
    case 'Int':
      if (!/^Edm\.(SByte|Byte|Int16|Int32|Int64)$/.test(edm) || !Number.isSafeInteger(Number(raw))) throw mismatch();
      return Number(raw);
    case 'Float':
      if (!isNumber) throw mismatch();
      return Number(raw);
    case 'Money':
      if (!isNumber || !/^-?\d+(\.\d+)?$/.test(raw)) throw mismatch();
      return raw;
    case 'Boolean':
      if (edm !== 'Edm.Boolean') throw mismatch();
      return raw === 'true';
    case 'DateTime':
    case 'Date': {
      // A date stands for Beijing midnight, as everywhere in the graph. Some clients (@odata/client
      // among them) quote a time as v2 did: a quoted ISO 8601 time is taken too.
      const text = edm === 'Edm.String' ? raw.slice(1, -1) : raw;
      const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text);
      if (!iso || (p.scalar === 'Date' ? text.length !== 10 : edm !== 'Edm.DateTimeOffset' && edm !== 'Edm.Date' && edm !== 'Edm.String')) throw mismatch();
      // The graph's times go to the microsecond: fractions beyond are cut.
      return text.replace(/(\.\d{6})\d+/, '$1');
    }
  }
  throw mismatch();
}

type Token = 'and' | 'or' | 'not' | { atom: any };

/**
 * The filter tree as a connection's `where`: { and: [...] }, { or: [...] }, { not: … }, { column: { op: value } }.
 * @odata/parser reads `not` greedily, as the ABNF's notExpr allows (`not (a) or b` as `not ((a) or b)`),
 * where OData's precedence table binds it tighter than and/or. The and/or/not structure is therefore
 * laid out again in the order of the text and re-read with the precedence the spec gives: not, then
 * and, then or; parenthesized groups and comparisons come through as they were parsed.
 */
export function toWhere(node: any, property: (name: string) => ODataProperty): Record<string, unknown> {
  const tokens: Token[] = [];
  const lay = (n: any): void => {
    switch (n?.type) {
      case 'CommonExpression':
        return lay(n.value);
      case 'AndExpression':
      case 'OrExpression':
        lay(n.value.left);
        tokens.push(n.type === 'AndExpression' ? 'and' : 'or');
        return lay(n.value.right);
      case 'NotExpression':
        tokens.push('not');
        return lay(n.value);
      default:
        tokens.push({ atom: n });
    }
  };
  lay(node);
  let at = 0;
  const or = (): Record<string, unknown> => {
    let left = and();
    while (tokens[at] === 'or') (at++, (left = { or: [left, and()] }));
    return left;
  };
  const and = (): Record<string, unknown> => {
    let left = not();
    while (tokens[at] === 'and') (at++, (left = { and: [left, not()] }));
    return left;
  };
  const not = (): Record<string, unknown> => {
    const t = tokens[at++];
    if (t === 'not') return { not: not() };
    if (t === undefined || typeof t === 'string') throw bad('$filter', '$filter 语法错误', '$filter is not valid OData syntax');
    return atom(t.atom, property);
  };
  return or();
}

/** A comparison, a function call, or a parenthesized group. */
function atom(node: any, property: (name: string) => ODataProperty): Record<string, unknown> {
  switch (node?.type) {
    case 'BoolParenExpression':
    case 'ParenExpression':
      return toWhere(node.value, property);
    case 'MethodCallExpression': {
      const op = METHODS[node.value.method];
      const [target, text] = node.value.parameters ?? [];
      const name = propertyName(target);
      if (!op || !name) throw new ODataError(501, 'NOT_IMPLEMENTED', `$filter 不支持函数 ${node.value.method}`, `$filter function ${node.value.method} is not supported (contains, startswith, endswith are)`, '$filter');
      const p = property(name);
      if (p.scalar !== 'String' && p.scalar !== 'ID') throw bad('$filter', `${node.value.method} 只能用于文本属性`, `${node.value.method} applies to text properties only`);
      const value = literal(text, p);
      if (typeof value !== 'string') throw bad('$filter', `${node.value.method} 需要文本常量`, `${node.value.method} takes a text literal`);
      return { [p.name]: { [op]: value } };
    }
    default: {
      const op = COMPARISONS[node?.type];
      if (!op) throw new ODataError(501, 'NOT_IMPLEMENTED', '$filter 只支持 eq ne gt ge lt le and or not、括号与 contains/startswith/endswith', '$filter supports eq ne gt ge lt le and or not, parentheses and contains/startswith/endswith', '$filter');
      const left = propertyName(node.value.left);
      const right = propertyName(node.value.right);
      if ((left == null) === (right == null)) {
        throw new ODataError(501, 'NOT_IMPLEMENTED', '$filter 的比较须一边是属性、一边是常量', 'Each $filter comparison needs a property on one side and a literal on the other', '$filter');
      }
      const p = property((left ?? right)!);
      const value = literal(left != null ? node.value.right : node.value.left, p);
      const actual = left != null ? op : FLIPPED[op];
      if (value === null) {
        if (actual !== 'eq' && actual !== 'ne') throw bad('$filter', `null 只能用 eq 或 ne 比较`, 'null can only be compared with eq or ne');
        return { [p.name]: { isNull: actual === 'eq' } };
      }
      return { [p.name]: { [actual]: value } };
    }
  }
}
