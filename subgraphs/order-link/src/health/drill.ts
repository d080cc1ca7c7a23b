// From a health figure to the orders behind it: one page of orders per dimension and outcome, with
// why each counts the way it does, and satisfaction per customer and per order.
import type { DataSource } from 'typeorm';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import { placeholders } from '../../../../common/src/db.js';
import { toIsoBeijing } from '../../../../common/src/time.js';
import { KIND_BITS, scopeWhere, type ConsistencyReason, type HealthScope, type HealthSql } from './metrics.js';
import type { RuleKind } from '../rules/kinds.js';

export type Outcome = 'FAILING' | 'PASSING' | 'ALL';
export type Dimension = 'DELIVERY' | 'INVENTORY' | 'CONSISTENCY' | 'INTERCEPTIONS' | 'SATISFACTION';

export interface HealthEdge {
  orderId: number;
  outcome: Exclude<Outcome, 'ALL'>;
  reasonCode: string | null;
  detailZh: string;
  detailEn: string;
  value: number | null;
}

export interface DrillArgs {
  outcome: Outcome;
  /** CONSISTENCY: one reason; INTERCEPTIONS: one rule kind. */
  only?: string | null;
  limit: number;
  offset: number;
}

export interface CustomerScore {
  customerCode: string;
  orders: number;
  score: number;
  lateOrders: number;
  returnsExchanges: number;
}

export interface OrderSatisfaction {
  orderId: number;
  score: number;
  late: boolean;
  lateHours: number | null;
  returnsExchanges: number;
  tickets: number;
  responseHours: number | null;
  asOf: number;
}

const HOUR = 3_600_000;
const hours = (ms: number) => Math.round((ms / HOUR) * 10) / 10;
const num = (v: unknown) => (v == null ? null : Number(v));

const CONSISTENCY_TEXT: Record<ConsistencyReason | 'CONSISTENT', { zh: string; en: string }> = {
  CONSISTENT: { zh: 'ERP、WMS、TMS 单号互相引用，数量一致', en: 'ERP, WMS and TMS numbers name each other and quantities agree' },
  WAYBILL_WITHOUT_OUTBOUND: { zh: '有运单但没有出库单：货物未经仓库出库记录即发出', en: 'A waybill but no outbound: goods left without a warehouse record' },
  NO_OUTBOUND: { zh: '已付款超过出库时限仍没有关联的出库单', en: 'Paid longer ago than the outbound SLA, and no outbound is linked' },
  OUTBOUND_UNREFERENCED: { zh: '出库单没有写订单号，只能按客户、日期、商品匹配，单向关联', en: 'The outbound does not name the order: linked one way only, by matching customer, date and SKUs' },
  QUANTITY_MISMATCH: { zh: '出库数量与订单数量不符', en: 'Outbound quantities differ from the order' },
  NO_WAYBILL: { zh: '已出库但没有运单', en: 'Shipped out with no waybill' },
};

const SHORT_TEXT: Record<string, { zh: string; en: string }> = {
  NO_STOCK: { zh: '无库存', en: 'no stock' },
  INSUFFICIENT_STOCK: { zh: '可用库存不足', en: 'not enough stock' },
  ONLY_LOCKED: { zh: '余量均已锁定', en: 'the rest is locked' },
  ONLY_SHORT_DATED: { zh: '余量效期不足', en: 'the rest is short-dated' },
  ONLY_EXPIRED: { zh: '余量已过期', en: 'the rest has expired' },
  ONLY_IN_UNUSABLE_BINS: { zh: '余量在停用库位', en: 'the rest sits in disabled bins' },
  TAKEN_BY_EARLIER_LINES: { zh: '被本单前面的行占用', en: 'taken by earlier lines' },
  MIXED: { zh: '多种原因', en: 'several causes' },
};

export class HealthDrill {
  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
  ) {}

  private query(operation: string, sql: string, params: unknown[]): Promise<any[]> {
    return this.hub.call(operation, () => this.db.query(sql, params));
  }

  /** One page of `select` (which must yield order_id) over `from`, in `order`, with the total count. */
  private async page(operation: string, select: string, from: string, params: unknown[], order: string, args: DrillArgs): Promise<{ rows: any[]; totalCount: number }> {
    const [rows, count] = await Promise.all([
      args.limit ? this.query(`${operation}.page`, `SELECT ${select} FROM ${from} ORDER BY ${order} LIMIT ${args.limit} OFFSET ${args.offset}`, params) : Promise.resolve([]),
      this.query(`${operation}.count`, `SELECT COUNT(*) AS n FROM ${from}`, params),
    ]);
    return { rows, totalCount: Number(count[0].n) };
  }

  async orders(dimension: Dimension, scope: HealthScope, s: HealthSql, args: DrillArgs): Promise<{ edges: HealthEdge[]; totalCount: number }> {
    const byOrder = scopeWhere(scope, 'ordered_at');
    const pick = (failing: string) => (args.outcome === 'FAILING' ? ` AND ${failing}` : args.outcome === 'PASSING' ? ` AND NOT ${failing}` : '');
    switch (dimension) {
      case 'DELIVERY': {
        const byPromise = scopeWhere(scope, 'promised_at');
        const late = `${s.late} = 1`;
        const { rows, totalCount } = await this.page(
          'health.drill.delivery',
          `f.order_id, f.promised_at, f.completion_at, ${s.latenessMs} AS lateness, ${s.late} AS late, ${s.delivered} AS delivered`,
          `hub_order_fact f WHERE ${byPromise.sql} AND ${s.decided}${pick(`(${late})`)}`,
          byPromise.params,
          'f.promised_at, f.order_id',
          args,
        );
        return {
          totalCount,
          edges: rows.map((r) => {
            const lateness = Number(r.lateness);
            const promised = toIsoBeijing(Number(r.promised_at));
            const delivered = Number(r.delivered) === 1 ? toIsoBeijing(Number(r.completion_at)) : null;
            return Number(r.late) === 1
              ? {
                  orderId: Number(r.order_id),
                  outcome: 'FAILING',
                  reasonCode: delivered ? 'DELIVERED_LATE' : 'NOT_DELIVERED',
                  detailZh: delivered ? `晚到 ${hours(lateness)} 小时（承诺 ${promised}，签收 ${delivered}）` : `承诺 ${promised} 已过 ${hours(lateness)} 小时仍未签收`,
                  detailEn: delivered ? `${hours(lateness)} h late (promised ${promised}, delivered ${delivered})` : `not delivered ${hours(lateness)} h after the promise (${promised})`,
                  value: hours(lateness),
                }
              : { orderId: Number(r.order_id), outcome: 'PASSING', reasonCode: 'ON_TIME', detailZh: `提前 ${hours(-lateness)} 小时送达`, detailEn: `delivered ${hours(-lateness)} h before the promise`, value: hours(lateness) };
          }),
        };
      }
      case 'INVENTORY': {
        const { rows, totalCount } = await this.page(
          'health.drill.inventory',
          'f.order_id, f.goods_lines, f.lines_matched, f.inventory_detail',
          `hub_order_fact f WHERE ${byOrder.sql} AND f.cancelled = 0 AND f.goods_lines > 0${pick('(f.lines_matched < f.goods_lines)')}`,
          byOrder.params,
          'f.ordered_at, f.order_id',
          args,
        );
        return {
          totalCount,
          edges: rows.map((r) => {
            const short: { sku: string; short: number; reason: string }[] = r.inventory_detail ? JSON.parse(r.inventory_detail) : [];
            const failing = Number(r.lines_matched) < Number(r.goods_lines);
            return {
              orderId: Number(r.order_id),
              outcome: failing ? 'FAILING' : 'PASSING',
              reasonCode: failing ? (short[0]?.reason ?? null) : null,
              detailZh: `${r.lines_matched}/${r.goods_lines} 行有可分配库存${short.length ? '；' + short.map((l) => `${l.sku} 缺 ${l.short}（${SHORT_TEXT[l.reason]?.zh ?? l.reason}）`).join('，') : ''}`,
              detailEn: `${r.lines_matched} of ${r.goods_lines} lines allocatable${short.length ? '; ' + short.map((l) => `${l.sku} short ${l.short} (${SHORT_TEXT[l.reason]?.en ?? l.reason})`).join(', ') : ''}`,
              value: Number(r.goods_lines) ? Number(r.lines_matched) / Number(r.goods_lines) : null,
            };
          }),
        };
      }
      case 'CONSISTENCY': {
        const params = [...byOrder.params, ...(args.only ? [args.only] : [])];
        const { rows, totalCount } = await this.page(
          'health.drill.consistency',
          'x.order_id, x.c, x.qty_detail',
          `(SELECT f.order_id, f.ordered_at, f.qty_detail, ${s.consistency} AS c FROM hub_order_fact f WHERE ${byOrder.sql} AND f.cancelled = 0) x WHERE x.c IS NOT NULL${pick("(x.c <> 'CONSISTENT')")}${args.only ? ' AND x.c = ?' : ''}`,
          params,
          'x.ordered_at, x.order_id',
          args,
        );
        return {
          totalCount,
          edges: rows.map((r) => {
            const reason = r.c as ConsistencyReason | 'CONSISTENT';
            const diffs: { sku: string; ordered: number; shipped: number }[] = reason === 'QUANTITY_MISMATCH' && r.qty_detail ? JSON.parse(r.qty_detail) : [];
            return {
              orderId: Number(r.order_id),
              outcome: reason === 'CONSISTENT' ? 'PASSING' : 'FAILING',
              reasonCode: reason,
              detailZh: CONSISTENCY_TEXT[reason].zh + (diffs.length ? '：' + diffs.map((d) => `${d.sku} 订 ${d.ordered} 出 ${d.shipped}`).join('，') : ''),
              detailEn: CONSISTENCY_TEXT[reason].en + (diffs.length ? ': ' + diffs.map((d) => `${d.sku} ordered ${d.ordered}, outbound ${d.shipped}`).join(', ') : ''),
              value: null,
            };
          }),
        };
      }
      case 'INTERCEPTIONS': {
        const fired = args.only ? `(f.fired_mask & ${KIND_BITS[args.only as RuleKind] ?? 0}) <> 0` : 'f.fired_mask <> 0';
        const { rows, totalCount } = await this.page(
          'health.drill.interceptions',
          'f.order_id',
          `hub_order_fact f WHERE ${byOrder.sql} AND f.cancelled = 0${pick(`(${fired})`)}`,
          byOrder.params,
          'f.ordered_at, f.order_id',
          args,
        );
        const ids = rows.map((r) => Number(r.order_id));
        const decisions = ids.length ? await this.query('health.drill.decisions', `SELECT order_id, rule_id, kind FROM hub_decision WHERE fired = 1 AND order_id IN (${placeholders(ids.length)}) ORDER BY rule_id`, ids) : [];
        return {
          totalCount,
          edges: ids.map((id) => {
            const mine = decisions.filter((d) => Number(d.order_id) === id);
            return {
              orderId: id,
              outcome: mine.length ? 'FAILING' : 'PASSING',
              reasonCode: mine[0]?.kind ?? null,
              detailZh: mine.length ? `被规则拦截：${mine.map((d) => d.rule_id).join('、')}` : '没有规则拦截',
              detailEn: mine.length ? `intercepted by ${mine.map((d) => d.rule_id).join(', ')}` : 'no rule intercepted it',
              value: mine.length,
            };
          }),
        };
      }
      case 'SATISFACTION': {
        const { rows, totalCount } = await this.page(
          'health.drill.satisfaction',
          'x.order_id, x.score, x.late, x.returns_exchanges, x.response_hours',
          `(SELECT f.order_id, f.returns_exchanges, f.response_hours, ${s.late} AS late, ${s.score} AS score FROM hub_order_fact f WHERE ${byOrder.sql} AND f.paid = 1 AND f.cancelled = 0${pick(`(${s.atRisk} = 1)`)}) x`,
          byOrder.params,
          'x.score, x.order_id',
          args,
        );
        return {
          totalCount,
          edges: rows.map((r) => {
            const score = Math.round(Number(r.score) * 100) / 100;
            const parts = [
              Number(r.late) ? { zh: '交付迟到', en: 'delivered late' } : null,
              Number(r.returns_exchanges) ? { zh: `${r.returns_exchanges} 次退换货`, en: `${r.returns_exchanges} return/exchange` } : null,
              r.response_hours != null ? { zh: `客服平均 ${Math.round(Number(r.response_hours) * 60)} 分钟首次响应`, en: `first reply after ${Math.round(Number(r.response_hours) * 60)} min on average` } : null,
            ].filter((p): p is { zh: string; en: string } => p != null);
            return {
              orderId: Number(r.order_id),
              outcome: score < s.model.alertBelow ? 'FAILING' : 'PASSING',
              reasonCode: null,
              detailZh: `预测满意度 ${score}${parts.length ? '：' + parts.map((p) => p.zh).join('，') : ''}`,
              detailEn: `predicted satisfaction ${score}${parts.length ? ': ' + parts.map((p) => p.en).join(', ') : ''}`,
              value: score,
            };
          }),
        };
      }
    }
  }

  /** Mean predicted satisfaction per customer over its paid orders in the scope, lowest first. */
  async customers(scope: HealthScope, s: HealthSql, limit: number, offset: number): Promise<{ nodes: CustomerScore[]; totalCount: number }> {
    const byOrder = scopeWhere(scope, 'ordered_at');
    const from = `hub_order_fact f WHERE ${byOrder.sql} AND f.paid = 1 AND f.cancelled = 0`;
    const [rows, count] = await Promise.all([
      limit
        ? this.query(
            'health.drill.customers',
            `SELECT f.customer_code AS code, COUNT(*) AS orders, AVG(${s.score}) AS score, SUM(${s.late}) AS late, SUM(f.returns_exchanges) AS returns_exchanges FROM ${from} GROUP BY f.customer_code ORDER BY score, f.customer_code LIMIT ${limit} OFFSET ${offset}`,
            byOrder.params,
          )
        : Promise.resolve([]),
      this.query('health.drill.customerCount', `SELECT COUNT(DISTINCT f.customer_code) AS n FROM ${from}`, byOrder.params),
    ]);
    return {
      totalCount: Number(count[0].n),
      nodes: rows.map((r) => ({ customerCode: r.code, orders: Number(r.orders), score: Math.round(Number(r.score) * 1000) / 1000, lateOrders: Number(r.late), returnsExchanges: Number(r.returns_exchanges) })),
    };
  }

  /** Per paid order: its predicted satisfaction and what went into it, as of `s.asOf`. */
  async ofOrders(ids: readonly number[], s: HealthSql): Promise<(OrderSatisfaction | null)[]> {
    if (!ids.length) return [];
    const rows = await this.query(
      'health.satisfactionByOrder',
      `SELECT f.order_id, ${s.score} AS score, ${s.late} AS late, ${s.latenessMs} AS lateness, f.returns_exchanges, f.tickets, f.response_hours
       FROM hub_order_fact f WHERE f.order_id IN (${placeholders(ids.length)}) AND f.paid = 1 AND f.cancelled = 0`,
      [...ids],
    );
    const byId = new Map(rows.map((r) => [Number(r.order_id), r]));
    return ids.map((id) => {
      const r = byId.get(id);
      if (!r) return null;
      const late = Number(r.late) === 1;
      return {
        orderId: id,
        score: Math.round(Number(r.score) * 1000) / 1000,
        late,
        lateHours: late ? hours(Number(r.lateness)) : null,
        returnsExchanges: Number(r.returns_exchanges),
        tickets: Number(r.tickets),
        responseHours: num(r.response_hours),
        asOf: s.asOf,
      };
    });
  }
}
