// Order health and reconciliation for the graph and the daily report: the figures of a scope, what
// each dimension means (in Chinese and English), and the model behind predicted satisfaction.
import type { SatisfactionModel } from '../../../../common/src/config.js';
import { percentile, total, type DayFigures, type HealthMetrics, type HealthScope } from './metrics.js';
import type { HealthDrill } from './drill.js';
import type { Reconciler } from './reconciliation.js';
import type { HealthFacts } from './facts.js';

export interface HealthView {
  scope: HealthScope;
  days: DayFigures[];
  totals: Omit<DayFigures, 'date'>;
}

export type DimensionName = 'delivery' | 'inventoryMatch' | 'documentConsistency' | 'interceptions' | 'satisfaction';

/** One dimension of a view: its figures come from `view.totals`, its orders from the scope. */
export interface DimensionView {
  view: HealthView;
}

export const rate = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** The one-sentence definition of each dimension, as the figures are computed. */
export function definitions(slaHours: number, model: SatisfactionModel): Record<DimensionName, { zh: string; en: string }> {
  return {
    delivery: {
      zh: '承诺送达时间（ERP 预计交货日期）落在区间内的已付款订单中，在承诺时间前签收的比例（无签收记录时以 ERP 完成时间计）；迟到时长为迟到订单签收（或截至统计时刻）晚于承诺的小时数，取 p50/p90。',
      en: 'Of the paid orders whose promised delivery (ERP dPreDate) falls in the window and can be judged, the share signed for by the promised time (ERP completion where no signature was recorded); lateness is how many hours after the promise the late ones arrived (or, still undelivered, have waited so far), p50 and p90.',
    },
    inventoryMatch: {
      zh: '区间内下单的订单商品行中，按先到期先出在门店所属仓库能足量分配的比例：可用量为在库减锁定，排除停用库位和效期不足（到期日不晚于下单日加保质期规则月数）的批次，以订单到达时的库存判断。',
      en: 'Of the goods lines of orders placed in the window, the share the warehouse serving the store could allocate in full by FEFO when the order arrived: on hand less locked, leaving out disabled bins and lots expiring within the expiry rule\'s months of the order date.',
    },
    documentConsistency: {
      zh: `区间内下单且已有单据（或付款超过 ${slaHours} 小时）的订单中，ERP、WMS、TMS 单号互相引用（出库单写明订单号、运单写明出库单号，已出库即有运单）且出库数量与订单一致的比例。`,
      en: `Of the orders placed in the window that have documents (or were paid over ${slaHours} h ago), the share whose ERP, WMS and TMS numbers name each other — the outbound names the order, the waybill the outbound, a shipped outbound has a waybill — and whose outbound quantities equal the order's.`,
    },
    interceptions: {
      zh: '区间内下单的订单中，被至少一条业务规则拦截（规则判定触发：暂停、改价、赠品、改承诺等）的订单数，按规则类型统计。',
      en: 'Orders placed in the window that at least one business rule intercepted (fired: a hold, a price correction, a gift, a changed promise …), counted per rule kind.',
    },
    satisfaction: {
      zh: `区间内下单的已付款订单预测满意度均值（1–5）：${model.base} − ${model.late}×迟到 − ${model.returnExchange}×退换货次数 − ${model.responsePerHour}×客服首次响应小时数（最多计 ${model.responseCapHours} 小时），限定在 1–5；低于 ${model.alertBelow} 为风险订单。`,
      en: `Mean predicted satisfaction (1–5) of the paid orders placed in the window: ${model.base} − ${model.late} × late − ${model.returnExchange} × returns and exchanges − ${model.responsePerHour} × hours to the service desk's first reply (at most ${model.responseCapHours} counted), clamped to 1–5; below ${model.alertBelow} an order is at risk.`,
    },
  };
}

export class HealthService {
  readonly definitions: Record<DimensionName, { zh: string; en: string }>;

  constructor(
    readonly metrics: HealthMetrics,
    readonly drill: HealthDrill,
    readonly reconciler: Reconciler,
    readonly facts: HealthFacts,
    readonly model: SatisfactionModel,
    readonly slaHours: number,
  ) {
    this.definitions = definitions(slaHours, model);
  }

  async health(scope: HealthScope): Promise<HealthView> {
    return viewOf(scope, await this.metrics.days(scope));
  }
}

export function viewOf(scope: HealthScope, days: DayFigures[]): HealthView {
  return { scope, days, totals: total(days) };
}

/** The headline numbers of a view, as the report and the trend show them. */
export function headline(f: Omit<DayFigures, 'date'>) {
  const late = f.delivery.latenessHours;
  const round = (v: number | null, places = 2) => (v == null ? null : Math.round(v * 10 ** places) / 10 ** places);
  return {
    orders: f.orders,
    deliveryCount: f.delivery.decided,
    onTimeRate: rate(f.delivery.onTime, f.delivery.decided),
    late: f.delivery.decided - f.delivery.onTime,
    latenessP50Hours: round(percentile(late, 0.5)),
    latenessP90Hours: round(percentile(late, 0.9)),
    inventoryLines: f.inventory.lines,
    inventoryMatchRate: rate(f.inventory.matched, f.inventory.lines),
    consistencyCount: f.consistency.count,
    consistencyRate: rate(f.consistency.consistent, f.consistency.count),
    intercepted: f.interceptions.orders,
    interceptionRate: rate(f.interceptions.orders, f.orders),
    satisfactionCount: f.satisfaction.count,
    satisfaction: f.satisfaction.count ? round(f.satisfaction.sum / f.satisfaction.count, 3) : null,
    atRisk: f.satisfaction.atRisk,
  };
}
