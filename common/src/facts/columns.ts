// The columns of a flat fact set (one row per fact, scalar columns only, for BI tools): their types,
// how a stored value becomes what the graph shows, and how a value a client filters by becomes what
// the database compares. Dates are ISO strings with offset, money decimal strings, codes have a
// Chinese label column beside them.
import { badInput } from '../errors.js';
import { formatFen, toFen } from '../money.js';
import { parseIsoInstant } from '../time.js';
import { formatHubOrderId, parseHubOrderId } from '../docno.js';
import type { Dialect } from '../db.js';

/**
 * instant: epoch ms, shown as ISO with +08:00 · stamp: epoch µs (when the row last changed), shown
 * with microseconds · money: integer fen, shown as "12.50" · orderId: the hub's row id, shown as OH…
 * · date: YYYY-MM-DD text · boolean: 0/1.
 */
export type ColumnType = 'string' | 'int' | 'float' | 'boolean' | 'money' | 'instant' | 'stamp' | 'date' | 'orderId';

export type SqlText = string | Record<Dialect, string>;

export interface FactColumn {
  /** The GraphQL field (and OData property) name. */
  name: string;
  type: ColumnType;
  /**
   * The SQL expression over the fact set's FROM clause. Absent for a column another system gives
   * (ERP lines, blockers): the fact set computes it per page, in batches, and it can be filtered on
   * (after the page is read) but not sorted by.
   */
  sql?: SqlText;
  /** Codes → Chinese labels: this column is the label of the code column `of`. */
  label?: { of: string; zh: Record<string, string> };
  /** Personal data (a receiver's mobile, an address, free text a person typed). */
  personal?: boolean;
}

export const sqlOf = (text: SqlText, dialect: Dialect): string => (typeof text === 'string' ? text : text[dialect]);

/** A label column's SQL: the code column's expression mapped through CASE, so it can be filtered and sorted like any column. */
export function labelSql(code: SqlText, zh: Record<string, string>, dialect: Dialect): string {
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return `(CASE ${sqlOf(code, dialect)} ${Object.entries(zh).map(([k, v]) => `WHEN ${quote(k)} THEN ${quote(v)}`).join(' ')} END)`;
}

const BEIJING_MS = 8 * 3600_000;

/** epoch ms → '2025-11-08T14:03:00+08:00', as toIsoBeijing writes it, by the engine's own formatter: a page holds thousands. */
const isoSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000 + BEIJING_MS).toISOString().slice(0, 19);

/** epoch µs → '2025-11-08T14:03:00.123456+08:00' */
export function formatStamp(us: number): string {
  return `${isoSeconds(Math.floor(us / 1000))}.${String(us - Math.floor(us / 1_000_000) * 1_000_000).padStart(6, '0')}+08:00`;
}

/** ISO 8601 with offset (up to microseconds), or a date taken as Beijing midnight → epoch µs; null when malformed. */
export function parseStamp(text: string): number | null {
  const m = /^(.*?T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) {
    const ms = parseIsoInstant(text);
    return ms == null ? null : ms * 1000;
  }
  const ms = parseIsoInstant(`${m[1]}${m[3]}`);
  return ms == null ? null : ms * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A stored value (MySQL hands BIGINT and DECIMAL back as strings) → what the graph shows. */
export function present(type: ColumnType, value: unknown): unknown {
  if (value == null) return null;
  switch (type) {
    case 'string':
    case 'date':
      return String(value);
    case 'int':
    case 'float':
      return Number(value);
    case 'boolean':
      return Number(value) !== 0;
    case 'money':
      return formatFen(Number(value));
    case 'instant':
      return `${isoSeconds(Number(value))}+08:00`;
    case 'stamp':
      return Number(value) > 0 ? formatStamp(Number(value)) : null;
    case 'orderId':
      return formatHubOrderId(Number(value));
  }
}

/** The stored form of a value a client filters by (or a cursor carries), checked; BAD_USER_INPUT naming the argument otherwise. */
export function accept(type: ColumnType, value: unknown, argument: string): string | number {
  const refuse = (zh: string, en: string) => badInput({ zh: `${argument}：${zh}`, en: `${argument}: ${en}` }, { argument });
  switch (type) {
    case 'string':
      if (typeof value !== 'string' || value.length > 200) throw refuse('应为不超过 200 字的文本', 'must be text of at most 200 characters');
      return value;
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value) || parseIsoInstant(value) == null) throw refuse('应为日期 YYYY-MM-DD', 'must be a date YYYY-MM-DD');
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw refuse('应为整数', 'must be an integer');
      return value;
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw refuse('应为数字', 'must be a number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw refuse('应为 true 或 false', 'must be true or false');
      return value ? 1 : 0;
    case 'money': {
      let fen: number | null = null;
      try {
        fen = typeof value === 'string' && /^-?\d{1,15}(\.\d{1,2})?$/.test(value.trim()) ? toFen(value) : null;
      } catch {
        fen = null;
      }
      if (fen == null) throw refuse('应为金额，如 "1234.50"（最多两位小数）', 'must be an amount such as "1234.50" (at most two decimals)');
      return fen;
    }
    case 'instant': {
      const ms = typeof value === 'string' ? parseIsoInstant(value) : null;
      if (ms == null) throw refuse('应为带时区的 ISO 8601 时间（如 2025-11-08T14:03:00+08:00）或日期', 'must be an ISO 8601 instant with offset (e.g. 2025-11-08T14:03:00+08:00) or a date');
      return ms;
    }
    case 'stamp': {
      const us = typeof value === 'string' ? parseStamp(value) : null;
      if (us == null) throw refuse('应为带时区的 ISO 8601 时间（可到微秒）', 'must be an ISO 8601 instant with offset (microseconds allowed)');
      return us;
    }
    case 'orderId': {
      const id = typeof value === 'string' ? parseHubOrderId(value.trim()) : null;
      if (id == null) throw refuse('应为统一订单号（OH…）', 'must be a unified order ID (OH…)');
      return id;
    }
  }
}

/** A stored value as a cursor keeps it: numbers stay numbers (SQLite compares a number and a text as unequal kinds). */
export function cursorValue(type: ColumnType, value: unknown): string | number | null {
  if (value == null) return null;
  return type === 'string' || type === 'date' ? String(value) : Number(value);
}
