// Reads a flat fact set a page at a time, for BI tools and the OData feed: keyset pagination in a
// stable order (never OFFSET over what was already read), totalCount only when asked, and
// incremental extraction — `updatedSince` with a returned high-water mark — that never loses a
// change, late commits included (horizon.ts says why the mark is safe).
//
// Two ways to read:
// - a full extraction, in the key order (or the order asked for); its high-water mark is the change
//   horizon when it began, so the next incremental extraction starts where this one's view of the
//   data ends (a row changed while it ran may come once more then: a BI tool replaces by key);
// - an incremental one (`updatedSince: W`): the rows whose last change is in [W, U), U the horizon
//   when it began, in the order of that change. A row a fact is made of several tables for (an order
//   and its health facts) is read in one pass per table — by the first of its tables whose stamp is
//   in the window — so each table's stamp index does the work and no row comes twice. A row that
//   changes again while the extraction runs moves past U and comes with the next one.
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { badInput } from '../errors.js';
import type { Dialect } from '../db.js';
import type { LegacySystem } from '../legacy.js';
import { cursorValue, formatStamp, parseStamp, present, sqlOf, type FactColumn, type SqlText } from './columns.js';
import { columnSql, columnsOf, conditionSql, holds, isSqlColumn, readWhere, splitForSql, type Condition } from './filter.js';
import type { Horizon } from './horizon.js';

export type Row = Record<string, unknown>;

export interface FactSet<C> {
  /** For messages and metrics: orders, documents … */
  name: string;
  /** FROM clause: the main table and the 1:1 tables joined to it. */
  from: SqlText;
  /** Which rows of the tables are facts of this set, if not all. */
  where?: SqlText;
  /** Columns forming the row's unique key (SQL columns, never null), in key order. */
  key: string[];
  columns: FactColumn[];
  /** The change stamp of each table a row is made of (never null: COALESCE a joined table's), in pass order. None: no incremental extraction. */
  stamps?: SqlText[];
  /** Fills columns other systems give (stored form), for rows already read, in batches. */
  compute?: (rows: Row[], wanted: Set<string>, ctx: C) => Promise<void>;
  /** SQL columns a computed column needs on the row to be computed. */
  needs?: Record<string, string[]>;
  /**
   * One row of the set per child of each SQL row (order lines per order): the children in `childKey`
   * order, each a row of its own carrying the parent's columns. Children come from another system.
   */
  expand?: { childKey: string; children: (rows: Row[], wanted: Set<string>, ctx: C) => Promise<Row[][]> };
}

export interface PageRequest {
  first: number | null | undefined;
  after?: string | null;
  where?: unknown;
  /** Column names with direction. */
  orderBy?: { field: string; direction?: 'ASC' | 'DESC' | null }[] | null;
  skip?: number | null;
  updatedSince?: string | null;
  /** The columns the caller asked for. */
  selected: Set<string>;
  count: boolean;
  /** The caller's page size limit. */
  maxFirst: number;
}

export interface PageRow {
  cursor: string;
  node: Row;
}

export interface Page {
  rows: PageRow[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number | null;
  highWaterMark: string;
}

interface Position {
  /** Pass (0 in a full extraction). */
  p: number;
  /** Sort values (full) or stamp (incremental), then the key. */
  k: (string | number | null)[];
  /** The last child read of the row at k (expanding sets). */
  c?: number;
}

interface CursorState extends Position {
  v: 1;
  /** Which request this cursor belongs to. */
  s: string;
  /** Incremental: the window [w, u); full: u only. */
  u: number;
  w?: number;
}

interface SortItem {
  expr: string;
  desc: boolean;
  column: FactColumn | null;
  alias: string;
}

const MAX_SKIP = 1_000_000;
const MAX_SORT = 5;
/** With a filter only decidable after reading (a column another system gives), rows read per request at most. */
const SCAN_BUDGET = 5_000;

/** `first` within the caller's limit, `skip` within bounds; BAD_USER_INPUT naming the argument otherwise. */
export function readPaging(req: Pick<PageRequest, 'first' | 'skip' | 'maxFirst'>): { first: number; skip: number } {
  const first = req.first ?? 100;
  if (!Number.isInteger(first) || first < 0 || first > req.maxFirst) {
    throw badInput({ zh: `first 必须在 0 到 ${req.maxFirst} 之间（收到 ${first}）`, en: `first must be between 0 and ${req.maxFirst} (got ${first})` }, { argument: 'first', max: req.maxFirst });
  }
  const skip = req.skip ?? 0;
  if (!Number.isInteger(skip) || skip < 0 || skip > MAX_SKIP) throw badInput({ zh: `skip 必须在 0 到 ${MAX_SKIP} 之间`, en: `skip must be between 0 and ${MAX_SKIP}` }, { argument: 'skip' });
  return { first, skip };
}

/** ORDERED_AT → orderedAt: the sort enum's values name the columns. */
export const fieldOfSortValue = (value: string) => value.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

export class FactReader<C> {
  private readonly columns: Map<string, FactColumn>;
  private readonly dialect: Dialect;

  constructor(
    readonly set: FactSet<C>,
    private readonly db: DataSource,
    private readonly system: LegacySystem,
    private readonly horizon: Horizon,
  ) {
    this.columns = new Map(set.columns.map((c) => [c.name, c]));
    this.dialect = db.options.type === 'mysql' ? 'mysql' : 'sqlite';
    for (const k of set.key) if (!isSqlColumn(this.columns.get(k)!)) throw new Error(`fact set ${set.name}: key column ${k} must be a SQL column`);
  }

  private sql(column: FactColumn): string {
    return columnSql(column, this.columns, this.dialect);
  }

  private query(operation: string, sql: string, params: unknown[], timeoutMs: number): Promise<Row[]> {
    return this.system.call(`facts.${this.set.name}.${operation}`, () => this.db.query(sql, params), { timeoutMs });
  }

  async page(req: PageRequest, ctx: C): Promise<Page> {
    const set = this.set;
    const { first, skip } = readPaging(req);
    const condition = readWhere(req.where, this.columns);
    const { sql: pushed, residual } = splitForSql(condition, this.columns);
    const sort = this.readSort(req.orderBy);
    const since = req.updatedSince == null ? null : parseStamp(req.updatedSince);
    if (req.updatedSince != null && since == null) throw badInput({ zh: 'updatedSince 应为带时区的 ISO 8601 时间（上次返回的 highWaterMark）', en: 'updatedSince must be an ISO 8601 instant with offset (the highWaterMark returned last time)' }, { argument: 'updatedSince' });
    const incremental = since != null;
    if (incremental && !set.stamps) throw badInput({ zh: `${set.name} 不支持增量抽取`, en: `${set.name} has no incremental extraction` }, { argument: 'updatedSince' });
    if (incremental && sort.length) throw badInput({ zh: '增量抽取按变更顺序返回，不能同时指定 orderBy', en: 'An incremental extraction comes in the order of change: orderBy cannot be given with updatedSince' }, { argument: 'orderBy' });
    if (skip && (incremental || residual || set.expand)) {
      throw badInput(
        { zh: 'skip 不能与 updatedSince、其他系统提供的列上的条件或订单行同用：请用 after 翻页', en: 'skip cannot be combined with updatedSince, a filter on a column another system gives, or order lines: page with after' },
        { argument: 'skip' },
      );
    }
    if (req.count && (residual || set.expand)) {
      throw badInput({ zh: 'totalCount 不能用于其他系统提供的列上的条件或订单行', en: 'totalCount is not available with a filter on a column another system gives, nor for order lines' }, { argument: 'totalCount' });
    }
    const signature = createHash('sha256').update(JSON.stringify([set.name, req.where ?? null, req.orderBy ?? null, req.updatedSince ?? null])).digest('base64url').slice(0, 16);
    const cursor = req.after == null ? null : this.decodeCursor(req.after, signature, incremental);
    const u = cursor?.u ?? (await this.horizon());
    const w = incremental ? (cursor?.w ?? since!) : undefined;
    const highWaterMark = formatStamp(Math.max(u, w ?? 0));

    const params: unknown[] = [];
    const base: string[] = [];
    if (set.where) base.push(sqlOf(set.where, this.dialect));
    if (pushed) base.push(conditionSql(pushed, this.columns, this.dialect, params));

    const countPromise = req.count ? this.count(base, params, incremental ? { w: w!, u } : null) : Promise.resolve(null);

    // What to read: the columns asked for and those the filter, the cursor and the computed ones need.
    const computedWanted = new Set([...req.selected].filter((n) => this.columns.has(n) && !isSqlColumn(this.columns.get(n)!)));
    const filterComputed = new Set([...columnsOf(residual)].filter((n) => !isSqlColumn(this.columns.get(n)!)));
    const sqlWanted = new Set<string>(set.key);
    for (const n of [...req.selected, ...columnsOf(residual)]) {
      const col = this.columns.get(n);
      if (col && isSqlColumn(col)) sqlWanted.add(n);
    }
    for (const n of [...computedWanted, ...filterComputed, ...(set.expand ? [set.expand.childKey] : [])]) for (const need of set.needs?.[n] ?? []) sqlWanted.add(need);
    for (const s of sort) if (s.column) sqlWanted.add(s.column.name);
    const select = [...sqlWanted].map((n) => `${this.sql(this.columns.get(n)!)} AS c_${n}`);
    const passes = incremental ? set.stamps!.map((s) => sqlOf(s, this.dialect)) : [null];
    passes.forEach((stamp, i) => stamp && select.push(`${stamp} AS s_${i}`));

    // A stored row by column name (the SQL gave c_<name> and s_<pass>), built without Object.entries: a page holds thousands.
    const fields = [...sqlWanted].map((n) => [`c_${n}`, n] as const);
    const stamps = passes.map((_s, i) => `s_${i}`);
    const stored = (r: Row): Row => {
      const row: Row = {};
      for (const [alias, name] of fields) row[name] = r[alias];
      if (incremental) for (const alias of stamps) row[alias] = r[alias];
      return row;
    };
    const shown = [...new Set([...req.selected, ...set.key])].flatMap((n) => this.columns.get(n) ?? []);
    const show = (row: Row): Row => {
      const node: Row = {};
      for (const c of shown) node[c.name] = present(c.type, row[c.name]);
      return node;
    };
    const order = (pass: number): SortItem[] => {
      const keys: SortItem[] = set.key.map((k) => ({ expr: this.sql(this.columns.get(k)!), desc: false, column: this.columns.get(k)!, alias: `c_${k}` }));
      if (!incremental) return [...sort, ...keys];
      return [{ expr: passes[pass]!, desc: false, column: null, alias: `s_${pass}` }, ...keys];
    };
    const passWhere = (pass: number, into: unknown[]): string[] => {
      if (!incremental) return [];
      const conds: string[] = [];
      passes.forEach((stamp, j) => {
        if (j < pass) (conds.push(`${stamp} < ?`), into.push(w));
        else if (j === pass) (conds.push(`${stamp} >= ?`, `${stamp} < ?`), into.push(w, u));
        else (conds.push(`${stamp} < ?`), into.push(u));
      });
      return conds;
    };

    const out: { row: Row; pos: Position }[] = [];
    let pos: Position | null = cursor ? { p: cursor.p, k: cursor.k, c: cursor.c } : null;
    let pass = cursor?.p ?? 0;
    let scanned = 0;
    let budgetSpent = false;
    const childKey = set.expand?.childKey;
    while (out.length <= first) {
      if (pass >= passes.length) break;
      const items = order(pass);
      const p: unknown[] = [...params];
      const where = [...base, ...passWhere(pass, p)];
      // Resuming inside a row's children reads that row again, and skips the children already given.
      const resume = pos && pos.p === pass ? pos : null;
      if (resume) where.push(afterSql(items, resume.k, p, resume.c != null));
      const wantedRows = first + 1 - out.length;
      const limit = set.expand ? Math.max(10, Math.ceil(wantedRows / 2)) : residual ? Math.max(wantedRows, 200) : wantedRows;
      const offset = !cursor && out.length === 0 && scanned === 0 ? skip : 0;
      p.push(limit, offset);
      const rows = (
        await this.query(
          'page',
          `SELECT ${select.join(', ')} FROM ${sqlOf(set.from, this.dialect)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${items.map((i) => `${i.expr}${i.desc ? ' DESC' : ''}`).join(', ')} LIMIT ? OFFSET ?`,
          p,
          20_000,
        )
      ).map(stored);
      const rowPos = (r: Row): Position => ({ p: pass, k: items.map((i) => (i.column ? cursorValue(i.column.type, r[i.column.name]) : Number(r[i.alias]))) });
      const rowsRaw = rows;
      let candidates: { row: Row; pos: Position }[];
      if (set.expand) {
        const children = await set.expand.children(rowsRaw, new Set([...computedWanted, ...filterComputed, ...req.selected]), ctx);
        candidates = [];
        rowsRaw.forEach((r, i) => {
          const at = rowPos(r);
          const skipUpTo = resume && resume.c != null && samePosition(resume.k, at.k) ? resume.c : null;
          for (const child of children[i]) {
            const c = Number(child[childKey!]);
            if (skipUpTo != null && c <= skipUpTo) continue;
            candidates.push({ row: child, pos: { ...at, c } });
          }
        });
      } else {
        if (filterComputed.size && set.compute) await set.compute(rowsRaw, filterComputed, ctx);
        candidates = rowsRaw.map((r) => ({ row: r, pos: rowPos(r) }));
      }
      const passed = residual ? candidates.filter((c) => holds(residual, c.row)) : candidates;
      const kept = new Set(passed);
      const rest = new Set([...computedWanted].filter((n) => !filterComputed.has(n)));
      if (!set.expand && rest.size && set.compute && passed.length) await set.compute(passed.slice(0, first + 1 - out.length).map((c) => c.row), rest, ctx);
      scanned += candidates.length;
      for (const c of candidates) {
        if (out.length > first) break;
        if (kept.has(c)) out.push(c);
        pos = c.pos;
      }
      if (rows.length < limit) {
        // This pass is read to its end: the next one starts from its beginning.
        pass++;
        pos = null;
        if (out.length > first) break;
        continue;
      }
      if (residual && scanned >= SCAN_BUDGET && out.length <= first) {
        budgetSpent = true;
        break;
      }
    }
    const hasNextPage = out.length > first || budgetSpent;
    const given = out.slice(0, first);
    const state = (at: Position): string => encodeCursor({ v: 1, s: signature, u, ...(w != null ? { w } : {}), ...at });
    // A row's cursor is made only if asked for (edges { cursor }): most extractions read nodes and endCursor.
    const rows = given.map(({ row, pos: at }) => ({
      get cursor() {
        return state(at);
      },
      node: show(row),
    }));
    // Where the next page starts: after the last row given — or, when the reading budget ran out first, after the last row read.
    const end = budgetSpent && pos ? state(pos) : rows.length ? rows[rows.length - 1].cursor : (req.after ?? null);
    return { rows, hasNextPage, endCursor: end, totalCount: await countPromise, highWaterMark };
  }

  private readSort(orderBy: PageRequest['orderBy']): SortItem[] {
    if (!orderBy?.length) return [];
    if (orderBy.length > MAX_SORT) throw badInput({ zh: `orderBy 最多 ${MAX_SORT} 项`, en: `orderBy takes at most ${MAX_SORT} entries` }, { argument: 'orderBy' });
    return orderBy.map((o, i) => {
      const column = this.columns.get(o.field);
      if (!column || !isSqlColumn(column)) {
        throw badInput({ zh: `不能按「${o.field}」排序`, en: `Cannot sort by "${o.field}"${column ? ': another system gives it' : ''}` }, { argument: `orderBy[${i}]` });
      }
      return { expr: this.sql(column), desc: o.direction === 'DESC', column, alias: `c_${column.name}` };
    });
  }

  private async count(base: string[], params: unknown[], window: { w: number; u: number } | null): Promise<number> {
    const where = [...base];
    const p = [...params];
    if (window) {
      const stamps = this.set.stamps!.map((s) => sqlOf(s, this.dialect));
      const latest = stamps.length === 1 ? stamps[0] : `${this.dialect === 'mysql' ? 'GREATEST' : 'MAX'}(${stamps.join(', ')})`;
      where.push(`${latest} >= ?`, `${latest} < ?`);
      p.push(window.w, window.u);
    }
    const [row] = await this.query('count', `SELECT COUNT(*) AS n FROM ${sqlOf(this.set.from, this.dialect)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, p, 60_000);
    return Number(row.n);
  }

  private decodeCursor(after: string, signature: string, incremental: boolean): CursorState {
    let state: CursorState | null = null;
    try {
      state = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    } catch {
      state = null;
    }
    const ok =
      state &&
      state.v === 1 &&
      Number.isSafeInteger(state.u) &&
      Number.isInteger(state.p) &&
      state.p >= 0 &&
      Array.isArray(state.k) &&
      state.k.every((x) => x === null || typeof x === 'string' || typeof x === 'number') &&
      (state.c === undefined || Number.isSafeInteger(state.c)) &&
      (incremental ? Number.isSafeInteger(state.w) : state.w === undefined);
    if (!ok) throw badInput({ zh: 'after 游标无效：请使用上一页返回的 endCursor', en: 'Invalid after cursor: pass the endCursor of the previous page' }, { argument: 'after' });
    if (state!.s !== signature) {
      throw badInput({ zh: 'after 游标属于另一组条件：翻页时 where、orderBy、updatedSince 须与第一页相同', en: 'The after cursor belongs to other arguments: keep where, orderBy and updatedSince as on the first page' }, { argument: 'after' });
    }
    return state!;
  }
}

const encodeCursor = (state: CursorState) => Buffer.from(JSON.stringify(state)).toString('base64url');

const samePosition = (a: (string | number | null)[], b: (string | number | null)[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * "After this position" in the sort order, NULLs first when ascending and last when descending (as
 * MariaDB and SQLite sort them): (a > x) or (a = x and b > y) or …; `inclusive` also takes the
 * position itself.
 */
function afterSql(items: SortItem[], values: (string | number | null)[], params: unknown[], inclusive: boolean): string {
  const equal = (i: SortItem, v: string | number | null) => (v == null ? `${i.expr} IS NULL` : (params.push(v), `${i.expr} = ?`));
  const beyond = (i: SortItem, v: string | number | null): string | null => {
    if (!i.desc) return v == null ? `${i.expr} IS NOT NULL` : (params.push(v), `${i.expr} > ?`);
    return v == null ? null : (params.push(v), `(${i.expr} < ? OR ${i.expr} IS NULL)`);
  };
  const ors: string[] = [];
  for (let n = 0; n <= items.length; n++) {
    if (n === items.length && !inclusive) break;
    const mark = params.length;
    const ands: string[] = [];
    for (let j = 0; j < n; j++) ands.push(equal(items[j], values[j]));
    if (n < items.length) {
      const b = beyond(items[n], values[n]);
      if (b == null) {
        params.length = mark;
        continue;
      }
      ands.push(b);
    }
    ors.push(`(${ands.join(' AND ')})`);
  }
  return ors.length ? `(${ors.join(' OR ')})` : '(1 = 0)';
}
