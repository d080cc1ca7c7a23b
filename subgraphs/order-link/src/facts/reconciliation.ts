// Reconciliation items as flat facts. They are computed, not stored — a difference appears when an
// SLA passes with nothing written anywhere — so there is no change stamp and no incremental
// extraction: a window of days is computed as of the first page (the cursor keeps that instant and
// the window) and read in a stable order, as reconciliation lists it.
import { createHash } from 'node:crypto';
import { badInput } from '../../../../common/src/errors.js';
import { cursorValue, present, type FactColumn } from '../../../../common/src/facts/columns.js';
import { readWhere, holds, type Condition } from '../../../../common/src/facts/filter.js';
import { readPaging, type Page, type PageRequest, type Row } from '../../../../common/src/facts/reader.js';
import { beijingDate, parseIsoInstant } from '../../../../common/src/time.js';
import { CLASS_LABEL, type ReconItem } from '../health/reconciliation.js';
import type { Context } from '../context.js';

const col = (name: string, type: FactColumn['type']): FactColumn => ({ name, type });

export const reconciliationColumns: FactColumn[] = [
  col('itemId', 'string'),
  col('class', 'string'),
  col('classZh', 'string'),
  col('date', 'date'),
  col('erpOrderNo', 'string'),
  col('outboundNo', 'string'),
  col('waybillNo', 'string'),
  col('invoiceNo', 'string'),
  col('otherDocuments', 'string'),
  col('amount', 'money'),
  col('detailZh', 'string'),
  col('detailEn', 'string'),
];
const COLUMNS = new Map(reconciliationColumns.map((c) => [c.name, c]));
const DAY = 86_400_000;
const DEFAULT_DAYS = 31;
const MAX_DAYS = 366;

function rowOf(item: ReconItem): Row {
  const docs = (role: string) => item.documents.filter((d) => d.role === role).map((d) => d.documentNo).join(' ') || null;
  return {
    itemId: `${item.class}|${item.documents.map((d) => `${d.role}:${d.system}:${d.documentNo}`).join('|')}`,
    class: item.class,
    classZh: CLASS_LABEL[item.class].zh,
    date: item.date,
    erpOrderNo: docs('ORDER'),
    outboundNo: docs('OUTBOUND'),
    waybillNo: docs('WAYBILL'),
    invoiceNo: docs('INVOICE'),
    otherDocuments: item.documents.filter((d) => d.role === 'CANDIDATE_ORDER' || d.role === 'ORIGINAL_ORDER').map((d) => `${d.role}:${d.documentNo}`).join(' ') || null,
    amount: item.amountFen,
    detailZh: item.detail.zh,
    detailEn: item.detail.en,
  };
}

/** The days a condition asks for: its top-level bounds on `date` (Beijing days), else the last 31. */
function windowOf(condition: Condition | null, now: number): { from: number; to: number } {
  let from: number | null = null;
  let to: number | null = null;
  const conjuncts = !condition ? [] : condition.kind === 'and' ? condition.items : [condition];
  for (const c of conjuncts) {
    if (c.kind !== 'cmp' || c.column.name !== 'date') continue;
    const day = parseIsoInstant(String(c.value))!;
    if (c.op === 'ge' || c.op === 'eq') from = Math.max(from ?? -Infinity, day);
    if (c.op === 'gt') from = Math.max(from ?? -Infinity, day + DAY);
    if (c.op === 'lt') to = Math.min(to ?? Infinity, day);
    if (c.op === 'le' || c.op === 'eq') to = Math.min(to ?? Infinity, day + DAY);
  }
  to ??= parseIsoInstant(beijingDate(now))! + DAY;
  from ??= to - DEFAULT_DAYS * DAY;
  if (to - from > MAX_DAYS * DAY) throw badInput({ zh: `对账明细一次最多 ${MAX_DAYS} 天：请在 date 上限定范围`, en: `Reconciliation items cover at most ${MAX_DAYS} days at a time: bound date` }, { argument: 'where.date' });
  return { from, to: Math.max(from, to) };
}

interface ReconCursor {
  v: 1;
  s: string;
  /** The instant the items are computed as of, and the window. */
  a: number;
  f: number;
  t: number;
  k: (string | number | null)[];
}

export async function reconciliationPage(req: PageRequest, ctx: Context): Promise<Page> {
  const { first, skip } = readPaging(req);
  if (req.updatedSince != null) throw badInput({ zh: '对账明细是计算结果，不支持增量抽取', en: 'Reconciliation items are computed: there is no incremental extraction' }, { argument: 'updatedSince' });
  const condition = readWhere(req.where, COLUMNS);
  const sort = (req.orderBy ?? []).map((o, i) => {
    const column = COLUMNS.get(o.field);
    if (!column) throw badInput({ zh: `不能按「${o.field}」排序`, en: `Cannot sort by "${o.field}"` }, { argument: `orderBy[${i}]` });
    return { column, desc: o.direction === 'DESC' };
  });
  const signature = createHash('sha256').update(JSON.stringify(['reconciliation', req.where ?? null, req.orderBy ?? null])).digest('base64url').slice(0, 16);
  let cursor: ReconCursor | null = null;
  if (req.after != null) {
    try {
      cursor = JSON.parse(Buffer.from(req.after, 'base64url').toString('utf8'));
    } catch {
      cursor = null;
    }
    if (!cursor || cursor.v !== 1 || !Number.isSafeInteger(cursor.a) || !Number.isSafeInteger(cursor.f) || !Number.isSafeInteger(cursor.t) || !Array.isArray(cursor.k)) {
      throw badInput({ zh: 'after 游标无效：请使用上一页返回的 endCursor', en: 'Invalid after cursor: pass the endCursor of the previous page' }, { argument: 'after' });
    }
    if (cursor.s !== signature) throw badInput({ zh: 'after 游标属于另一组条件', en: 'The after cursor belongs to other arguments' }, { argument: 'after' });
  }
  const asOf = cursor?.a ?? Date.now();
  const window = cursor ? { from: cursor.f, to: cursor.t } : windowOf(condition, asOf);
  const view = await ctx.health.reconciler.run(window.from, window.to, asOf);
  const keyOf = (r: Row) => [...sort.map((s) => cursorValue(s.column.type, r[s.column.name])), String(r.itemId)];
  const directions = [...sort.map((s) => s.desc), false];
  // NULLs first ascending, last descending: as the SQL fact sets sort.
  const compare = (a: (string | number | null)[], b: (string | number | null)[]) => {
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      const d = a[i] == null ? -1 : b[i] == null ? 1 : a[i]! < b[i]! ? -1 : 1;
      return directions[i] ? -d : d;
    }
    return 0;
  };
  const rows = view.items
    .map(rowOf)
    .filter((r) => !condition || holds(condition, r))
    .map((r) => ({ r, k: keyOf(r) }))
    .sort((x, y) => compare(x.k, y.k));
  const start = cursor ? rows.findIndex((x) => compare(x.k, cursor!.k) > 0) : skip;
  const from = start < 0 ? rows.length : start;
  const slice = rows.slice(from, from + first);
  const state = (k: (string | number | null)[]) => Buffer.from(JSON.stringify({ v: 1, s: signature, a: asOf, f: window.from, t: window.to, k } satisfies ReconCursor)).toString('base64url');
  const out = slice.map(({ r, k }) => ({ cursor: state(k), node: Object.fromEntries(Object.entries(r).map(([n, v]) => [n, present(COLUMNS.get(n)!.type, v)])) }));
  return {
    rows: out,
    hasNextPage: from + first < rows.length,
    endCursor: out.length ? out[out.length - 1].cursor : (req.after ?? null),
    totalCount: req.count ? rows.length : null,
    highWaterMark: '',
  };
}
