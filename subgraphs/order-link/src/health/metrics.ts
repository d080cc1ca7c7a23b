// The five health dimensions and their trend per day, computed in SQL over hub_order_fact: three
// queries whatever the range (by order date, by promise date, the late orders' lateness).
// Everything that depends on "as of when" — delivered yet, late yet, outbound overdue — is decided
// here against `asOf`, so a figure for a past instant can be asked for again and comes out the same.
import type { DataSource } from 'typeorm';
import type { SatisfactionModel } from '../../../../common/src/config.js';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import { beijingDate, parseBeijing } from '../../../../common/src/time.js';
import type { RuleKind } from '../rules/kinds.js';

export interface HealthScope {
  from: number;
  to: number;
  region: string | null;
  storeCode: string | null;
  /** The instant the figures are as of (promises passed, SLAs run out). */
  asOf: number;
}

/**
 * The kinds of rule that fired for an order, as bits of hub_order_fact.fired_mask, so that one scan
 * counts every kind. Stable numbers, not an array position: stored masks outlive a reordering.
 */
export const KIND_BITS: Record<RuleKind, number> = {
  CUSTOMER_GRADE_HOLD: 1,
  CREDIT_LIMIT: 2,
  EXPIRY_CONTROL: 4,
  WEATHER_BREAKER: 8,
  MANDATORY_GIFT: 16,
  THRESHOLD_PROMOTION: 32,
  REGION_RESTRICTION: 64,
  GRADE_DISCOUNT: 128,
  QUANTITY_LIMIT: 256,
  PRICE_FLOOR: 512,
  DUPLICATE_ORDER: 1024,
  PROMISE_FEASIBILITY: 2048,
};

export const firedMask = (kinds: Iterable<string>) => [...new Set(kinds)].reduce((m, k) => m | (KIND_BITS[k as RuleKind] ?? 0), 0);

export const CONSISTENCY_REASONS = ['WAYBILL_WITHOUT_OUTBOUND', 'NO_OUTBOUND', 'OUTBOUND_UNREFERENCED', 'QUANTITY_MISMATCH', 'NO_WAYBILL'] as const;
export type ConsistencyReason = (typeof CONSISTENCY_REASONS)[number];

export interface DayFigures {
  date: string;
  orders: number;
  delivery: { decided: number; onTime: number; latenessHours: number[] };
  inventory: { lines: number; matched: number; ordersShort: number };
  consistency: { count: number; consistent: number; byReason: Record<ConsistencyReason, number> };
  interceptions: { orders: number; byKind: Record<string, number> };
  satisfaction: { count: number; sum: number; atRisk: number };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const num = (v: unknown) => (v == null ? 0 : Number(v));

/** Nearest-rank percentile of values sorted ascending; null when there are none. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

/** Every Beijing date in [from, to). */
export function datesIn(from: number, to: number): string[] {
  const out: string[] = [];
  for (let t = parseBeijing(beijingDate(from))!; t < to; t += DAY) out.push(beijingDate(t));
  return out;
}

/**
 * SQL over hub_order_fact `f`. `asOf` and the model's weights are numbers the hub itself validated,
 * written into the SQL as literals; only the caller's strings (region, store) are parameters.
 */
export class HealthSql {
  constructor(
    readonly asOf: number,
    private readonly slaHours: number,
    readonly model: SatisfactionModel,
    /** The larger of two values: GREATEST on MySQL/MariaDB, MAX on SQLite. */
    private readonly greatest: 'GREATEST' | 'MAX' = 'GREATEST',
  ) {}

  private get t() {
    return String(Math.trunc(this.asOf));
  }

  /** Goods reached the customer by asOf: signed (TMS), or completed (ERP) where no signature was recorded. */
  get delivered() {
    return `(f.completion_at IS NOT NULL AND f.completion_at <= ${this.t})`;
  }

  /** A paid order whose delivery can be judged: delivered, or its promise has passed (see deliveryInstants). */
  get decided() {
    return `(f.decided_at IS NOT NULL AND f.decided_at <= ${this.t})`;
  }

  get onTime() {
    return `(${this.decided} AND (f.late_from IS NULL OR f.late_from >= ${this.t}))`;
  }

  /** 1 when delivered late, or not delivered and past the promise; else 0. */
  get late() {
    return `(CASE WHEN f.late_from IS NOT NULL AND f.late_from < ${this.t} THEN 1 ELSE 0 END)`;
  }

  get latenessMs() {
    return `((CASE WHEN ${this.delivered} THEN f.completion_at ELSE ${this.t} END) - f.promised_at)`;
  }

  /** The first check an order fails, CONSISTENT, or NULL when there is nothing to compare yet. */
  get consistency() {
    const t = this.t;
    return `(CASE
      WHEN f.cancelled = 1 THEN NULL
      WHEN f.waybill_no IS NOT NULL AND f.outbound_no IS NULL THEN 'WAYBILL_WITHOUT_OUTBOUND'
      WHEN f.outbound_no IS NULL THEN (CASE WHEN f.paid = 1 AND COALESCE(f.paid_at, f.ordered_at) + ${this.slaHours * HOUR} <= ${t} THEN 'NO_OUTBOUND' ELSE NULL END)
      WHEN f.outbound_method = 'MATCHED' THEN 'OUTBOUND_UNREFERENCED'
      WHEN f.qty_state = 'MISMATCH' THEN 'QUANTITY_MISMATCH'
      WHEN f.waybill_no IS NULL AND f.shipped_out_at IS NOT NULL AND f.shipped_out_at <= ${t} THEN 'NO_WAYBILL'
      ELSE 'CONSISTENT' END)`;
  }

  /** The satisfaction model before clamping: at most `base` (≤ 5), since every weight is ≥ 0. */
  get rawScore() {
    const m = this.model;
    const response = `(CASE WHEN f.response_hours IS NULL THEN 0 WHEN f.response_hours > ${m.responseCapHours} THEN ${m.responseCapHours} ELSE f.response_hours END)`;
    return `(${m.base} - ${m.late} * ${this.late} - ${m.returnExchange} * f.returns_exchanges - ${m.responsePerHour} * ${response})`;
  }

  /** The satisfaction model (see satisfactionModelSchema), per order, clamped to 1–5. */
  get score() {
    return `${this.greatest}(1, ${this.rawScore})`;
  }

  /** At risk: below alertBelow (≥ 1, so the clamp does not matter). */
  get atRisk() {
    return `(CASE WHEN ${this.rawScore} < ${this.model.alertBelow} THEN 1 ELSE 0 END)`;
  }
}

/** `f.<column> in [from, to)` plus the region and store filters, with their parameters. */
export function scopeWhere(scope: HealthScope, column: 'ordered_at' | 'promised_at'): { sql: string; params: unknown[] } {
  const parts = [`f.${column} >= ?`, `f.${column} < ?`];
  const params: unknown[] = [scope.from, scope.to];
  if (scope.region) parts.push('f.region = ?'), params.push(scope.region);
  if (scope.storeCode) parts.push('f.store_code = ?'), params.push(scope.storeCode);
  return { sql: parts.join(' AND '), params };
}

export class HealthMetrics {
  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
    private readonly slaHours: number,
    private readonly model: SatisfactionModel,
  ) {}

  sql(asOf: number): HealthSql {
    return new HealthSql(asOf, this.slaHours, this.model, this.db.options.type === 'mysql' ? 'GREATEST' : 'MAX');
  }

  private query(operation: string, sql: string, params: unknown[]): Promise<any[]> {
    return this.hub.call(operation, () => this.db.query(sql, params));
  }

  /** The figures of every day in the scope; the totals are their sums (percentiles over all late orders). */
  async days(scope: HealthScope): Promise<DayFigures[]> {
    const s = this.sql(scope.asOf);
    const byOrder = scopeWhere(scope, 'ordered_at');
    const byPromise = scopeWhere(scope, 'promised_at');
    const kinds = Object.entries(KIND_BITS);
    const [ordered, delivery, late] = await Promise.all([
      // Grouped by the consistency outcome and the fired kinds too: each row's CASE is worked out
      // once, and the kinds are counted from a few dozen groups instead of twelve sums per row.
      this.query(
        'health.byOrderDate',
        `SELECT f.order_date AS day, ${s.consistency} AS c, f.fired_mask AS mask, COUNT(*) AS orders, SUM(f.goods_lines) AS line_count, SUM(f.lines_matched) AS matched,
           SUM(CASE WHEN f.lines_matched < f.goods_lines THEN 1 ELSE 0 END) AS orders_short,
           SUM(f.paid) AS sat_count, SUM(CASE WHEN f.paid = 1 THEN ${s.score} ELSE 0 END) AS sat_sum,
           SUM(CASE WHEN f.paid = 1 THEN ${s.atRisk} ELSE 0 END) AS at_risk
         FROM hub_order_fact f WHERE ${byOrder.sql} AND f.cancelled = 0
         GROUP BY f.order_date, c, f.fired_mask`,
        byOrder.params,
      ),
      this.query(
        'health.byPromiseDate',
        `SELECT f.promise_date AS day, SUM(CASE WHEN ${s.decided} THEN 1 ELSE 0 END) AS decided, SUM(CASE WHEN ${s.onTime} THEN 1 ELSE 0 END) AS on_time
         FROM hub_order_fact f WHERE ${byPromise.sql} AND f.paid = 1 AND f.cancelled = 0
         GROUP BY f.promise_date`,
        byPromise.params,
      ),
      this.query(
        'health.lateness',
        `SELECT f.promise_date AS day, ${s.latenessMs} AS lateness FROM hub_order_fact f WHERE ${byPromise.sql} AND f.paid = 1 AND f.cancelled = 0 AND ${s.late} = 1`,
        byPromise.params,
      ),
    ]);
    const days = new Map<string, DayFigures>(
      datesIn(scope.from, scope.to).map((date) => [
        date,
        {
          date,
          orders: 0,
          delivery: { decided: 0, onTime: 0, latenessHours: [] },
          inventory: { lines: 0, matched: 0, ordersShort: 0 },
          consistency: { count: 0, consistent: 0, byReason: Object.fromEntries(CONSISTENCY_REASONS.map((r) => [r, 0])) as Record<ConsistencyReason, number> },
          interceptions: { orders: 0, byKind: {} },
          satisfaction: { count: 0, sum: 0, atRisk: 0 },
        },
      ]),
    );
    // A range that does not start at midnight still reports on the dates it touches.
    const day = (date: string) => days.get(date);
    for (const r of ordered) {
      const d = day(r.day);
      if (!d) continue;
      d.orders += num(r.orders);
      d.inventory.lines += num(r.line_count);
      d.inventory.matched += num(r.matched);
      d.inventory.ordersShort += num(r.orders_short);
      if (r.c != null) {
        d.consistency.count += num(r.orders);
        if (r.c === 'CONSISTENT') d.consistency.consistent += num(r.orders);
        else d.consistency.byReason[r.c as ConsistencyReason] += num(r.orders);
      }
      d.satisfaction.count += num(r.sat_count);
      d.satisfaction.sum += num(r.sat_sum);
      d.satisfaction.atRisk += num(r.at_risk);
      const mask = num(r.mask);
      if (mask) d.interceptions.orders += num(r.orders);
      for (const [kind, bit] of kinds) if (mask & bit) d.interceptions.byKind[kind] = (d.interceptions.byKind[kind] ?? 0) + num(r.orders);
    }
    for (const r of delivery) {
      const d = day(r.day);
      if (d) d.delivery = { ...d.delivery, decided: num(r.decided), onTime: num(r.on_time) };
    }
    for (const r of late) day(r.day)?.delivery.latenessHours.push(num(r.lateness) / HOUR);
    for (const d of days.values()) d.delivery.latenessHours.sort((a, b) => a - b);
    return [...days.values()];
  }
}

/** Sums of days: what a range reports as a whole. */
export function total(days: DayFigures[]): Omit<DayFigures, 'date'> {
  const sum = (f: (d: DayFigures) => number) => days.reduce((s, d) => s + f(d), 0);
  const byKind: Record<string, number> = {};
  for (const d of days) for (const [k, n] of Object.entries(d.interceptions.byKind)) byKind[k] = (byKind[k] ?? 0) + n;
  return {
    orders: sum((d) => d.orders),
    delivery: { decided: sum((d) => d.delivery.decided), onTime: sum((d) => d.delivery.onTime), latenessHours: days.flatMap((d) => d.delivery.latenessHours).sort((a, b) => a - b) },
    inventory: { lines: sum((d) => d.inventory.lines), matched: sum((d) => d.inventory.matched), ordersShort: sum((d) => d.inventory.ordersShort) },
    consistency: {
      count: sum((d) => d.consistency.count),
      consistent: sum((d) => d.consistency.consistent),
      byReason: Object.fromEntries(CONSISTENCY_REASONS.map((r) => [r, sum((d) => d.consistency.byReason[r])])) as Record<ConsistencyReason, number>,
    },
    interceptions: { orders: sum((d) => d.interceptions.orders), byKind },
    satisfaction: { count: sum((d) => d.satisfaction.count), sum: sum((d) => d.satisfaction.sum), atRisk: sum((d) => d.satisfaction.atRisk) },
  };
}
