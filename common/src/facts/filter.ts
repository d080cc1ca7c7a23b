// A fact set's `where`: a tree of and / or / not over column comparisons, as a GraphQL input
//   { and: [...], or: [...], not: {...}, <column>: { eq ne gt ge lt le in isNull contains startsWith endsWith } }
// (several columns or operators in one object must all hold). It is checked against the columns,
// brought into negation normal form — `not` pushed down to the comparisons, so that every comparison
// can use an index and null behaves as OData says (null ne 'x' holds, null gt 1 does not) — and then
// either written as SQL or evaluated on rows already read (columns another system gives).
import { badInput } from '../errors.js';
import type { Dialect } from '../db.js';
import { accept, labelSql, sqlOf, type FactColumn } from './columns.js';

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type LikeMode = 'contains' | 'startsWith' | 'endsWith';

export type Condition =
  | { kind: 'cmp'; column: FactColumn; op: CompareOp; value: string | number }
  | { kind: 'null'; column: FactColumn; isNull: boolean }
  | { kind: 'in'; column: FactColumn; values: (string | number)[]; negated: boolean }
  | { kind: 'like'; column: FactColumn; mode: LikeMode; text: string; negated: boolean }
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] };

const COMPARE: CompareOp[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
const LIKE: LikeMode[] = ['contains', 'startsWith', 'endsWith'];
const MAX_DEPTH = 16;
const MAX_CONDITIONS = 200;
const MAX_IN = 1000;

const NEGATE: Record<CompareOp, CompareOp> = { eq: 'ne', ne: 'eq', gt: 'le', ge: 'lt', lt: 'ge', le: 'gt' };

/** Reads a GraphQL `where` into a condition in negation normal form; null when it asks for nothing. */
export function readWhere(where: unknown, columns: Map<string, FactColumn>, argument = 'where'): Condition | null {
  let count = 0;
  const read = (input: unknown, path: string, depth: number, negated: boolean): Condition[] => {
    if (depth > MAX_DEPTH) throw badInput({ zh: `${argument} 嵌套超过 ${MAX_DEPTH} 层`, en: `${argument} is nested more than ${MAX_DEPTH} levels deep` }, { argument: path });
    if (input == null || typeof input !== 'object' || Array.isArray(input)) throw badInput({ zh: `${path} 应为对象`, en: `${path} must be an object` }, { argument: path });
    const parts: Condition[] = [];
    for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      const at = `${path}.${key}`;
      if (key === 'and' || key === 'or') {
        if (!Array.isArray(value)) throw badInput({ zh: `${at} 应为列表`, en: `${at} must be a list` }, { argument: at });
        const items = value.map((v, i) => group(negated ? 'or' : 'and', read(v, `${at}[${i}]`, depth + 1, negated)));
        // not (a and b) = not a or not b: the connective flips with the negation.
        parts.push(group((key === 'and') !== negated ? 'and' : 'or', items));
      } else if (key === 'not') {
        // not { a, b } = not a or not b
        parts.push(group(negated ? 'and' : 'or', read(value, at, depth + 1, !negated)));
      } else {
        const column = columns.get(key);
        if (!column) throw badInput({ zh: `${path} 没有列「${key}」`, en: `${path} has no column "${key}"` }, { argument: at });
        parts.push(group(negated ? 'or' : 'and', comparisons(column, value, at, negated)));
      }
    }
    return parts;
  };
  const comparisons = (column: FactColumn, ops: unknown, at: string, negated: boolean): Condition[] => {
    if (typeof ops !== 'object' || Array.isArray(ops)) throw badInput({ zh: `${at} 应为比较对象（如 { eq: … }）`, en: `${at} must be a comparison (e.g. { eq: … })` }, { argument: at });
    const out: Condition[] = [];
    for (const [op, raw] of Object.entries(ops as Record<string, unknown>)) {
      if (raw === undefined) continue;
      if (++count > MAX_CONDITIONS) throw badInput({ zh: `条件超过 ${MAX_CONDITIONS} 个`, en: `More than ${MAX_CONDITIONS} conditions` }, { argument });
      const arg = `${at}.${op}`;
      if (op === 'isNull') {
        if (typeof raw !== 'boolean') throw badInput({ zh: `${arg} 应为 true 或 false`, en: `${arg} must be true or false` }, { argument: arg });
        out.push({ kind: 'null', column, isNull: raw !== negated });
      } else if ((COMPARE as string[]).includes(op)) {
        // eq null / ne null: what OData's `eq null` means.
        if (raw === null) {
          if (op !== 'eq' && op !== 'ne') throw badInput({ zh: `${arg} 不能与 null 比较大小`, en: `${arg} cannot order against null` }, { argument: arg });
          out.push({ kind: 'null', column, isNull: (op === 'eq') !== negated });
          continue;
        }
        const value = accept(column.type, raw, arg);
        if (!negated) out.push({ kind: 'cmp', column, op: op as CompareOp, value });
        else {
          const flipped = NEGATE[op as CompareOp];
          // not (a gt 1) holds for a null a too; not (a eq 1) is a ne 1, which already does.
          out.push(flipped === 'ne' || flipped === 'eq' ? { kind: 'cmp', column, op: flipped, value } : group('or', [{ kind: 'cmp', column, op: flipped, value }, { kind: 'null', column, isNull: true }]));
        }
      } else if (op === 'in') {
        if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_IN) throw badInput({ zh: `${arg} 应为 1 到 ${MAX_IN} 个值的列表`, en: `${arg} must list 1 to ${MAX_IN} values` }, { argument: arg });
        out.push({ kind: 'in', column, values: raw.map((v, i) => accept(column.type, v, `${arg}[${i}]`)), negated });
      } else if ((LIKE as string[]).includes(op)) {
        if (column.type !== 'string') throw badInput({ zh: `${arg} 只能用于文本列`, en: `${arg} applies to text columns only` }, { argument: arg });
        out.push({ kind: 'like', column, mode: op as LikeMode, text: String(accept('string', raw, arg)), negated });
      } else {
        throw badInput({ zh: `${at} 没有运算「${op}」`, en: `${at} has no operator "${op}"` }, { argument: arg });
      }
    }
    return out;
  };
  const parts = read(where ?? {}, argument, 0, false);
  return parts.length ? simplify(group('and', parts)) : null;
}

function group(kind: 'and' | 'or', items: Condition[]): Condition {
  return items.length === 1 ? items[0] : kind === 'and' ? { kind, items } : { kind, items };
}

/** Flattens and-in-and and or-in-or; an empty `and` would be "true" and is dropped by readWhere's caller. */
function simplify(c: Condition): Condition {
  if (c.kind !== 'and' && c.kind !== 'or') return c;
  const items = c.items.map(simplify).flatMap((i) => (i.kind === c.kind ? (i as { items: Condition[] }).items : [i]));
  return group(c.kind, items);
}

/** The columns a condition reads. */
export function columnsOf(c: Condition | null, into = new Set<string>()): Set<string> {
  if (!c) return into;
  if (c.kind === 'and' || c.kind === 'or') for (const i of c.items) columnsOf(i, into);
  else into.add(c.column.name);
  return into;
}

/** The part of a condition the database can decide (top-level conjuncts over SQL columns), and whether anything is left for after. */
export function splitForSql(c: Condition | null, columns: Map<string, FactColumn>): { sql: Condition | null; residual: Condition | null } {
  if (!c) return { sql: null, residual: null };
  const inSql = (x: Condition) => [...columnsOf(x)].every((n) => isSqlColumn(columns.get(n)!));
  if (inSql(c)) return { sql: c, residual: null };
  if (c.kind !== 'and') return { sql: null, residual: c };
  const pushed = c.items.filter(inSql);
  // The whole condition is evaluated again on the rows: what was pushed down only saves reading.
  return { sql: pushed.length ? group('and', pushed) : null, residual: c };
}

export const isSqlColumn = (c: FactColumn) => c.sql !== undefined || c.label !== undefined;

/** A column's SQL expression (a label is its code column mapped through CASE). */
export function columnSql(column: FactColumn, columns: Map<string, FactColumn>, dialect: Dialect): string {
  if (column.label) return labelSql(columns.get(column.label.of)!.sql!, column.label.zh, dialect);
  return sqlOf(column.sql!, dialect);
}

const likePattern = (mode: LikeMode, text: string) => {
  const escaped = text.replace(/[!%_]/g, (ch) => `!${ch}`);
  return mode === 'contains' ? `%${escaped}%` : mode === 'startsWith' ? `${escaped}%` : `%${escaped}`;
};

const SQL_OP: Record<CompareOp, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

export function conditionSql(c: Condition, columns: Map<string, FactColumn>, dialect: Dialect, params: unknown[]): string {
  // An empty `and` holds for every row, an empty `or` for none.
  if ((c.kind === 'and' || c.kind === 'or') && !c.items.length) return c.kind === 'and' ? '(1 = 1)' : '(1 = 0)';
  if (c.kind === 'and' || c.kind === 'or') return `(${c.items.map((i) => conditionSql(i, columns, dialect, params)).join(c.kind === 'and' ? ' AND ' : ' OR ')})`;
  const col = columnSql(c.column, columns, dialect);
  switch (c.kind) {
    case 'null':
      return `${col} IS ${c.isNull ? '' : 'NOT '}NULL`;
    case 'cmp':
      params.push(c.value);
      return c.op === 'ne' ? `(${col} <> ? OR ${col} IS NULL)` : `${col} ${SQL_OP[c.op]} ?`;
    case 'in':
      params.push(...c.values);
      return c.negated ? `(${col} NOT IN (${c.values.map(() => '?').join(', ')}) OR ${col} IS NULL)` : `${col} IN (${c.values.map(() => '?').join(', ')})`;
    case 'like':
      params.push(likePattern(c.mode, c.text));
      return c.negated ? `(${col} NOT LIKE ? ESCAPE '!' OR ${col} IS NULL)` : `${col} LIKE ? ESCAPE '!'`;
  }
}

/** Evaluates a condition on a row of stored values, as the SQL above would (text compared as the database's binary order). */
export function holds(c: Condition, row: Record<string, unknown>): boolean {
  if (c.kind === 'and') return c.items.every((i) => holds(i, row));
  if (c.kind === 'or') return c.items.some((i) => holds(i, row));
  const raw = row[c.column.name];
  const v = raw == null ? null : c.column.type === 'string' || c.column.type === 'date' ? String(raw) : Number(raw);
  switch (c.kind) {
    case 'null':
      return (v == null) === c.isNull;
    case 'cmp': {
      if (v == null) return c.op === 'ne';
      const d = v < c.value ? -1 : v > c.value ? 1 : 0;
      return c.op === 'eq' ? d === 0 : c.op === 'ne' ? d !== 0 : c.op === 'gt' ? d > 0 : c.op === 'ge' ? d >= 0 : c.op === 'lt' ? d < 0 : d <= 0;
    }
    case 'in':
      return v == null ? c.negated : c.values.includes(v) !== c.negated;
    case 'like': {
      if (v == null) return c.negated;
      const s = String(v).toLowerCase();
      const t = c.text.toLowerCase();
      const found = c.mode === 'contains' ? s.includes(t) : c.mode === 'startsWith' ? s.startsWith(t) : s.endsWith(t);
      return found !== c.negated;
    }
  }
}
