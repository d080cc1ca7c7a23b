// Thin: health, reconciliation and report arguments are checked, the services compute, and each
// field maps. Drill-downs and item lists page with opaque offset cursors.
import type DataLoader from 'dataloader';
import type { Resolvers } from '../../../../codegen/generated/order-link.js';
import type { Role } from '../../../../common/src/caller.js';
import { badInput } from '../../../../common/src/errors.js';
import { oneEach, type LoaderOptions } from '../../../../common/src/loader.js';
import { formatFen } from '../../../../common/src/money.js';
import { beijingDate, parseBeijing, toIsoBeijing } from '../../../../common/src/time.js';
import { decodeCursor, encodeCursor, parsePageSize, parseWindow } from '../arguments.js';
import { requireInstant, requireRole } from '../../../../common/src/arguments.js';
import type { Context } from '../context.js';
import type { HealthScope } from './metrics.js';
import { headline, rate, type DimensionView, type HealthService } from './service.js';
import type { Dimension, HealthEdge, Outcome } from './drill.js';
import { CLASS_LABEL, reconciliationCsv, type ReconItem } from './reconciliation.js';
import type { DailyReporter, DeliveryAttempt } from './report.js';
import type { OrderSatisfaction } from './drill.js';

/** Health is for those who run the business; reconciliation for those who close the books with them. */
const HEALTH_READERS: Role[] = ['director', 'ops', 'finance'];
const RECONCILERS: Role[] = ['finance', 'ops', 'director'];
const REPORT_RUNNERS: Role[] = ['ops'];

export interface HealthLoaders {
  satisfaction: DataLoader<number, OrderSatisfaction | null>;
  deliveries: DataLoader<string, DeliveryAttempt[] | null>;
}

/** Fresh per request, as every loader. */
export function createHealthLoaders(health: HealthService, reporter: DailyReporter, options: LoaderOptions): HealthLoaders {
  return {
    satisfaction: oneEach<any, OrderSatisfaction>(options, (ids) => health.drill.ofOrders(ids as unknown as number[], health.metrics.sql(Date.now()))) as unknown as DataLoader<number, OrderSatisfaction | null>,
    deliveries: oneEach(options, (dates) => reporter.deliveries(dates)),
  };
}

const CODE = /^[A-Za-z0-9_-]{1,20}$/;
const PLACE = /^[\p{L}]{1,20}$/u;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isOffset = (v: any): v is { o: number } => Number.isInteger(v?.o) && v.o >= 0;

function parseText(value: string | null | undefined, argument: string, pattern: RegExp, example: string): string | null {
  if (value == null) return null;
  const v = value.normalize('NFKC').trim();
  if (!pattern.test(v)) throw badInput({ zh: `${argument} 格式不对，例如 ${example}`, en: `${argument} is not well formed; for example ${example}` }, { argument });
  return v;
}

function parseAsOf(asOf: string | null | undefined): number {
  if (asOf == null) return Date.now();
  return requireInstant(asOf, 'asOf');
}

function parseDay(value: string, argument: string): string {
  let real = false;
  try {
    real = DATE.test(value) && parseBeijing(value) != null;
  } catch {
    // not a calendar date: refused below
  }
  if (!real) throw badInput({ zh: `${argument} 应为日期 YYYY-MM-DD`, en: `${argument} must be a date YYYY-MM-DD` }, { argument });
  return value;
}

/** `first` and `after` as a page: how many, from which position. */
function pageArgs(first: number | null | undefined, after: string | null | undefined) {
  return { limit: parsePageSize(first), offset: decodeCursor(after, isOffset)?.o ?? 0 };
}

/** A connection over one page starting at `offset`; each cursor is the position after its item. */
function connection<T, E>(items: T[], totalCount: number, offset: number, edge: (item: T, cursor: string) => E) {
  const edges = items.map((item, i) => edge(item, encodeCursor({ o: offset + i + 1 })));
  return { edges, totalCount, pageInfo: { hasNextPage: offset + items.length < totalCount, endCursor: items.length ? encodeCursor({ o: offset + items.length }) : null } };
}

function page<T>(all: T[], first: number | null | undefined, after: string | null | undefined) {
  const { limit, offset } = pageArgs(first, after);
  return connection(all.slice(offset, offset + limit), all.length, offset, (node, cursor) => ({ node, cursor }));
}

async function drillDown(ctx: Context, v: DimensionView, dimension: Dimension, outcome: Outcome | null | undefined, only: string | null | undefined, first: number | null | undefined, after: string | null | undefined) {
  const { limit, offset } = pageArgs(first, after);
  const s = ctx.health.metrics.sql(v.view.scope.asOf);
  const { edges, totalCount } = await ctx.health.drill.orders(dimension, v.view.scope, s, { outcome: outcome ?? 'FAILING', only, limit, offset });
  return connection(edges, totalCount, offset, (e, cursor) => ({ ...e, cursor }));
}

const definition = (name: keyof HealthService['definitions']) => ({
  definitionZh: (_v: DimensionView, _a: unknown, ctx: Context) => ctx.health.definitions[name].zh,
  definitionEn: (_v: DimensionView, _a: unknown, ctx: Context) => ctx.health.definitions[name].en,
});

export const healthResolvers: Resolvers = {
  Query: {
    orderHealth: async (_root, { from, to, region, storeCode, asOf }, ctx) => {
      requireRole(ctx, HEALTH_READERS, 'orderHealth');
      const window = parseWindow(from, to);
      const scope: HealthScope = {
        ...window,
        region: parseText(region, 'region', PLACE, '苏州'),
        storeCode: parseText(storeCode, 'storeCode', CODE, 'MD007'),
        asOf: parseAsOf(asOf),
      };
      return ctx.health.health(scope);
    },
    reconciliation: async (_root, { from, to, asOf }, ctx) => {
      requireRole(ctx, RECONCILERS, 'reconciliation');
      const window = parseWindow(from, to);
      return ctx.health.reconciler.run(window.from, window.to, parseAsOf(asOf));
    },
    healthReports: async (_root, { from, to, first }, ctx) => {
      requireRole(ctx, HEALTH_READERS, 'healthReports');
      const size = parsePageSize(first);
      return ctx.reporter.list(from == null ? null : parseDay(from, 'from'), to == null ? null : parseDay(to, 'to'), size);
    },
  },
  Mutation: {
    runDailyReport: async (_root, { date }, ctx) => {
      requireRole(ctx, REPORT_RUNNERS, 'runDailyReport');
      const day = parseDay(date, 'date');
      if (day >= beijingDate(Date.now())) {
        return {
          report: null,
          created: false,
          userErrors: [{ code: 'DAY_NOT_OVER', field: ['date'], messageZh: `${day} 还没有结束，只能为已过去的日期生成日报`, messageEn: `${day} is not over yet: a report is made for a day that has passed` }],
        };
      }
      const { report, created } = await ctx.reporter.run(day, 'MANUAL');
      return { report, created, userErrors: [] };
    },
  },
  Order: {
    predictedSatisfaction: (order, _args, ctx) => ctx.healthLoaders.satisfaction.load(order.rowId),
  },
  OrderHealth: {
    from: (v) => toIsoBeijing(v.scope.from)!,
    to: (v) => toIsoBeijing(v.scope.to)!,
    asOf: (v) => toIsoBeijing(v.scope.asOf)!,
    region: (v) => v.scope.region,
    storeCode: (v) => v.scope.storeCode,
    orders: (v) => v.totals.orders,
    delivery: (v) => ({ view: v }),
    inventoryMatch: (v) => ({ view: v }),
    documentConsistency: (v) => ({ view: v }),
    interceptions: (v) => ({ view: v }),
    satisfaction: (v) => ({ view: v }),
    trend: (v) => v.days,
  },
  DeliveryHealth: {
    ...definition('delivery'),
    value: ({ view }) => headline(view.totals).onTimeRate,
    count: ({ view }) => view.totals.delivery.decided,
    onTime: ({ view }) => view.totals.delivery.onTime,
    late: ({ view }) => view.totals.delivery.decided - view.totals.delivery.onTime,
    latenessP50Hours: ({ view }) => headline(view.totals).latenessP50Hours,
    latenessP90Hours: ({ view }) => headline(view.totals).latenessP90Hours,
    orders: (v, { outcome, first, after }, ctx) => drillDown(ctx, v, 'DELIVERY', outcome, null, first, after),
  },
  InventoryMatchHealth: {
    ...definition('inventoryMatch'),
    value: ({ view }) => rate(view.totals.inventory.matched, view.totals.inventory.lines),
    count: ({ view }) => view.totals.inventory.lines,
    matchedLines: ({ view }) => view.totals.inventory.matched,
    ordersShort: ({ view }) => view.totals.inventory.ordersShort,
    orders: (v, { outcome, first, after }, ctx) => drillDown(ctx, v, 'INVENTORY', outcome, null, first, after),
  },
  DocumentConsistencyHealth: {
    ...definition('documentConsistency'),
    value: ({ view }) => rate(view.totals.consistency.consistent, view.totals.consistency.count),
    count: ({ view }) => view.totals.consistency.count,
    consistent: ({ view }) => view.totals.consistency.consistent,
    byReason: ({ view }) => Object.entries(view.totals.consistency.byReason).map(([reason, count]) => ({ reason: reason as any, count })),
    orders: (v, { outcome, reason, first, after }, ctx) => drillDown(ctx, v, 'CONSISTENCY', outcome, reason, first, after),
  },
  InterceptionHealth: {
    ...definition('interceptions'),
    value: ({ view }) => view.totals.interceptions.orders,
    count: ({ view }) => view.totals.orders,
    rate: ({ view }) => rate(view.totals.interceptions.orders, view.totals.orders),
    byKind: ({ view }) =>
      Object.entries(view.totals.interceptions.byKind)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([kind, orders]) => ({ kind: kind as any, orders })),
    orders: (v, { outcome, kind, first, after }, ctx) => drillDown(ctx, v, 'INTERCEPTIONS', outcome, kind, first, after),
  },
  SatisfactionHealth: {
    ...definition('satisfaction'),
    value: ({ view }) => headline(view.totals).satisfaction,
    count: ({ view }) => view.totals.satisfaction.count,
    atRisk: ({ view }) => view.totals.satisfaction.atRisk,
    model: (_v, _a, ctx) => ({ ...ctx.health.model, formulaZh: ctx.health.definitions.satisfaction.zh, formulaEn: ctx.health.definitions.satisfaction.en }),
    customers: async ({ view }, { first, after }, ctx) => {
      const { limit, offset } = pageArgs(first, after);
      const { nodes, totalCount } = await ctx.health.drill.customers(view.scope, ctx.health.metrics.sql(view.scope.asOf), limit, offset);
      return connection(nodes, totalCount, offset, (node, cursor) => ({ node, cursor }));
    },
    orders: (v, { outcome, first, after }, ctx) => drillDown(ctx, v, 'SATISFACTION', outcome, null, first, after),
  },
  HealthOrderEdge: {
    node: async (e: HealthEdge, _args, ctx) => (await ctx.loaders.orderByRowId.load(e.orderId))!,
  },
  HealthTrendPoint: {
    orders: (d) => d.orders,
    deliveryCount: (d) => d.delivery.decided,
    onTimeRate: (d) => rate(d.delivery.onTime, d.delivery.decided),
    latenessP50Hours: (d) => headline(d).latenessP50Hours,
    latenessP90Hours: (d) => headline(d).latenessP90Hours,
    inventoryMatchRate: (d) => rate(d.inventory.matched, d.inventory.lines),
    consistencyRate: (d) => rate(d.consistency.consistent, d.consistency.count),
    intercepted: (d) => d.interceptions.orders,
    satisfaction: (d) => headline(d).satisfaction,
  },
  PredictedSatisfaction: {
    asOf: (s) => toIsoBeijing(s.asOf)!,
  },
  Reconciliation: {
    from: (r) => toIsoBeijing(r.from)!,
    to: (r) => toIsoBeijing(r.to)!,
    asOf: (r) => toIsoBeijing(r.asOf)!,
    count: (r) => r.items.length,
    amount: (r) => formatFen(r.totals.reduce((s, t) => s + t.amountFen, 0)),
    totals: (r) => r.totals,
    items: (r, { class: cls, first, after }) => page<ReconItem>(cls ? r.items.filter((i) => i.class === cls) : r.items, first, after),
    csv: (r) => reconciliationCsv(r.items),
  },
  ReconciliationItem: {
    order: (i, _args, ctx) => (i.erpOrderNo ? ctx.loaders.orderByErpNo.load(i.erpOrderNo) : null),
    amount: (i) => (i.amountFen == null ? null : formatFen(i.amountFen)),
    detailZh: (i) => i.detail.zh,
    detailEn: (i) => i.detail.en,
  },
  ReconciliationTotal: {
    labelZh: (t) => CLASS_LABEL[t.class].zh,
    labelEn: (t) => CLASS_LABEL[t.class].en,
    amount: (t) => formatFen(t.amountFen),
  },
  DailyReport: {
    startedAt: (r) => toIsoBeijing(r.startedAt)!,
    finishedAt: (r) => toIsoBeijing(r.finishedAt),
    asOf: (r) => toIsoBeijing(r.asOf)!,
    reconciliationTotals: (r) => r.totals,
    deliveries: async (r, _args, ctx) => (await ctx.healthLoaders.deliveries.load(r.date)) ?? [],
  },
  ReportDelivery: {
    at: (d) => toIsoBeijing(d.at)!,
  },
};
