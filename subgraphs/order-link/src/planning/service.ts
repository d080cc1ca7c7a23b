// Purchase suggestions for one warehouse and week: the forecast (forecast.ts) from ERP order history,
// weather from the TMS, usable stock from the WMS, open requisitions and lead times from the ERP —
// five batched reads, whatever the number of SKUs — and the quantity to request, with every factor
// that made it in Chinese and English. Requisitions themselves are written by the erp subgraph.
import type { ErpDatasource, SkuRecord } from '#adapters/erp';
import type { WmsDatasource, StockRow } from '#adapters/wms';
import type { TmsDatasource } from '#adapters/tms';
import { appError, badInput, ErrorCode } from '../../../../common/src/errors.js';
import { addMonths, beijingDate, beijingWeekday, formatBeijing, parseBeijing } from '../../../../common/src/time.js';
import { DEFAULT_FORECAST_SETTINGS, GROWTH_MIN_WEEKS, forecastWeek, fullWeeks, suggestedQuantity, type RegularCustomer, type SkuForecast, type WeatherPull } from './forecast.js';

const DAY = 86_400_000;

export interface Bilingual {
  zh: string;
  en: string;
}

export type FactorKind = 'BASE_LEVEL' | 'SEASONAL' | 'REPEAT_CUSTOMERS' | 'WEATHER' | 'SAFETY_STOCK';

export interface Factor {
  kind: FactorKind;
  /** A multiplier for SEASONAL and WEATHER, units for the others. */
  value: number;
  messageZh: string;
  messageEn: string;
}

export interface Suggestion {
  skuCode: string;
  forecastQuantity: number;
  onHand: number;
  locked: number;
  expiryBlocked: number;
  usable: number;
  openRequisitions: number;
  leadTimeDays: number;
  leadTimeRecorded: boolean;
  safetyStock: number;
  suggestedQuantity: number;
  factors: Factor[];
  regularCustomers: RegularCustomer[];
  weather: WeatherPull[];
}

export interface PurchasePlan {
  warehouseCode: string;
  weekStarting: string;
  regions: string[];
  historyFrom: string;
  /** Months of shelf life a lot must keep to count (the enabled expiry-control rule; 0 when off). */
  minShelfLifeMonths: number;
  lines: Suggestion[];
  warnings: Bilingual[];
}

export interface PlannerSettings {
  historyWeeks: number;
  defaultLeadTimeDays: number;
}

/** YYYY-MM-DD that is a Monday, as Beijing midnight; else BAD_USER_INPUT. */
export function requireMonday(value: string, argument = 'weekStarting'): number {
  let t: number | null = null;
  try {
    t = /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseBeijing(value) : null;
  } catch {
    // 2025-02-30 and the like: not a day at all.
  }
  const weekday = t == null ? -1 : beijingWeekday(t);
  if (t == null || weekday !== 1 || beijingDate(t) !== value) {
    throw badInput(
      { zh: `${argument}「${value.slice(0, 20)}」须为某周一的日期，如 2025-11-10`, en: `${argument} "${value.slice(0, 20)}" must be the date of a Monday, e.g. 2025-11-10` },
      { argument },
    );
  }
  return t;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

export class PurchasePlanner {
  constructor(
    private readonly deps: { erp: ErpDatasource; wms: WmsDatasource; tms: TmsDatasource; expiryMonths: () => Promise<number> },
    private readonly settings: PlannerSettings,
  ) {}

  /** The warehouse's cities and every warehouse's (the company's market), or BAD_USER_INPUT for a warehouse no store is served by. */
  async regionsOf(warehouseCode: string): Promise<{ regions: string[]; market: string[] }> {
    const byWarehouse = await this.deps.erp.regionsByWarehouse();
    const regions = byWarehouse.get(warehouseCode) ?? [];
    if (!regions.length) {
      throw badInput(
        { zh: `仓库「${warehouseCode.slice(0, 20)}」不存在或不服务任何门店`, en: `Warehouse "${warehouseCode.slice(0, 20)}" does not exist or serves no store` },
        { argument: 'warehouse' },
      );
    }
    return { regions, market: [...new Set([...byWarehouse.values()].flat())] };
  }

  async plan(warehouseCode: string, weekStarting: string): Promise<PurchasePlan> {
    const ws = requireMonday(weekStarting);
    // The whole company's sales and weather: the forecast learns season, growth, weather and SKU shares
    // from every city and takes the level from the warehouse's own.
    const { regions, market: cities } = await this.regionsOf(warehouseCode);
    const from = ws - this.settings.historyWeeks * 7 * DAY;
    const warnings: Bilingual[] = [];
    const [skus, sold, alerts, stock, open, months] = await Promise.all([
      this.deps.erp.allSkus(),
      this.deps.erp.unitsSold(cities, formatBeijing(from), formatBeijing(ws)),
      // Without the TMS the forecast goes on without weather, and says so.
      this.deps.tms.weatherAlerts(cities, from, ws + 7 * DAY).catch(() => {
        warnings.push({ zh: 'TMS 暂不可用：本周预测未计天气因素', en: 'TMS unavailable: this forecast leaves the weather out' });
        return [];
      }),
      this.deps.wms.stockInWarehouse(warehouseCode),
      this.deps.erp.openRequisitions(warehouseCode),
      this.deps.expiryMonths(),
    ]);
    const goods = skus.filter((s) => !s.isService).sort((a, b) => a.code.localeCompare(b.code));
    const regionSet = new Set(regions);
    const events = sold.map((s) => ({ day: s.day, city: s.region, customerCode: s.customerCode, skuCode: s.skuCode, quantity: s.units }));
    // A short history is said, not left to show as zeros. The forecast reads the company's full weeks:
    // with none nothing can be forecast; a warehouse whose cities first sold after the last of them has
    // nothing to be forecast from yet, and one whose cities began within it has its level from those
    // days alone; with less than a year no season is fitted (nor a growth, below GROWTH_MIN_WEEKS).
    const ownEvents = events.filter((e) => regionSet.has(e.city));
    const company = fullWeeks(events, ws);
    const ownFirst = ownEvents.reduce((d, e) => (e.day < d ? e.day : d), ownEvents[0]?.day ?? '');
    const lastFullDay = beijingDate(company.to - DAY);
    if (!ownEvents.length) warnings.push({ zh: `${beijingDate(from)} 起无销售记录：预测为零`, en: `No sales since ${beijingDate(from)}: the forecast is zero` });
    else if (company.weeks < 1) {
      warnings.push({
        zh: `销售记录不足一个整周（最早 ${ownFirst}）：无法预测需求，预测为零，建议量只含最低安全库存`,
        en: `Less than one full week of sales (the first on ${ownFirst}): no demand can be forecast, the forecast is zero and the suggestions hold only a minimal safety stock`,
      });
    } else if (parseBeijing(ownFirst)! >= company.to) {
      warnings.push({
        zh: `本仓服务的城市自 ${ownFirst} 起才有销售，晚于预测所读的最后一个整周（至 ${lastFullDay}）：尚无可据预测，预测为零`,
        en: `The warehouse's cities first sold on ${ownFirst}, after the last full week of sales the forecast reads (through ${lastFullDay}): nothing to forecast from yet, the forecast is zero`,
      });
    } else {
      if (parseBeijing(ownFirst)! > company.to - 7 * DAY) {
        warnings.push({
          zh: `本仓服务的城市自 ${ownFirst} 起才有销售，不足一个整周：需求水平仅据这几天估计，可能偏低`,
          en: `The warehouse's cities first sold on ${ownFirst}, within the last full week of sales (through ${lastFullDay}): their level rests on those days alone and may be low`,
        });
      }
      if (company.weeks < DEFAULT_FORECAST_SETTINGS.seasonMinWeeks) {
        const weeks = `${company.weeks} full week${company.weeks === 1 ? '' : 's'}`;
        warnings.push(
          company.weeks < GROWTH_MIN_WEEKS
            ? { zh: `全公司仅有 ${company.weeks} 个整周的销售记录：未计季节与增长，仅按这几周的水平预测`, en: `Only ${weeks} of sales company-wide: no season or growth fitted, the forecast is the level of those weeks alone` }
            : { zh: `全公司仅有 ${company.weeks} 个整周的销售记录，不足一年：未计季节，仅按水平与增长预测`, en: `Only ${weeks} of sales company-wide, less than a year: no season fitted, the forecast is level and growth alone` },
        );
      }
    }
    const forecasts = forecastWeek({
      weekStarting: ws,
      events,
      skus: goods.map((s) => ({ code: s.code, category: s.category })),
      alerts: alerts.map((a) => ({ alertId: a.alertId, city: a.city, type: a.type, level: a.level, startAt: a.startAt, endAt: a.endAt })),
      cities: regions,
    });
    const lotsBySku = new Map<string, StockRow[]>();
    for (const lot of stock) lotsBySku.set(lot.skuCode, [...(lotsBySku.get(lot.skuCode) ?? []), lot]);
    // A lot counts only while it keeps the shelf life the expiry rule asks for, from the week's Monday.
    const keepUntil = addMonths(weekStarting, months);
    const lines = goods.map((sku, i) => this.suggest(sku, forecasts[i], lotsBySku.get(sku.code) ?? [], open.get(sku.code) ?? 0, months > 0 ? keepUntil : null));
    return { warehouseCode, weekStarting, regions, historyFrom: beijingDate(from), minShelfLifeMonths: months, lines, warnings };
  }

  private suggest(sku: SkuRecord, f: SkuForecast, lots: StockRow[], openRequisitions: number, keepUntil: string | null): Suggestion {
    let onHand = 0;
    let locked = 0;
    let expiryBlocked = 0;
    for (const lot of lots) {
      onHand += lot.quantity;
      locked += lot.lockedQuantity;
      if (keepUntil && sku.shelfLifeMonths && lot.expiresOn && lot.expiresOn < keepUntil) expiryBlocked += Math.max(0, lot.availableQuantity);
    }
    const usable = Math.max(0, onHand - locked - expiryBlocked);
    const leadTimeDays = sku.leadTimeDays ?? this.settings.defaultLeadTimeDays;
    const q = suggestedQuantity({ forecastUnits: f.units, sigma: f.sigma, leadTimeDays, usable, openRequisitions });
    const factors: Factor[] = [
      {
        kind: 'BASE_LEVEL',
        value: r1(f.level),
        messageZh: `近期周均 ${r1(f.level)} ${sku.unit}（不含规律复购客户与天气影响）`,
        messageEn: `Recent weekly average ${r1(f.level)} units (without regular customers and weather)`,
      },
      {
        kind: 'SEASONAL',
        value: r2(f.seasonalRatio),
        messageZh: `季节：去年同期「${sku.category}」类是当年均周的 ${r2(f.seasonalIndex)} 倍，较前几周变化 ×${r2(f.seasonalRatio)}（按全公司各城市的历史拟合）`,
        messageEn: `Season: this week last year, "${sku.category}" ran at ${r2(f.seasonalIndex)}× that year's average week, ×${r2(f.seasonalRatio)} against the weeks before (fitted on every city's history)`,
      },
    ];
    if (f.weather.length) {
      const names = f.weather.map((w) => `${w.city}${w.type}${w.level}色预警${w.days}天(×${r2(w.lift)})`).join('、');
      const namesEn = f.weather.map((w) => `${w.type} (${w.level}) in ${w.city} for ${w.days} d, ×${r2(w.lift)}`).join('; ');
      factors.push({
        kind: 'WEATHER',
        value: r2(f.weatherMultiplier),
        messageZh: `天气：本周 ${names}，合计 ×${r2(f.weatherMultiplier)}（按以往同类预警的实际影响）`,
        messageEn: `Weather: ${namesEn} this week, ×${r2(f.weatherMultiplier)} in all (from what past alerts of the kind did)`,
      });
    }
    if (f.regulars.length) {
      const customers = new Set(f.regulars.map((r) => r.customerCode)).size;
      factors.push({
        kind: 'REPEAT_CUSTOMERS',
        value: r1(f.regularUnits),
        messageZh: `复购：${customers} 位规律客户按各自周期本周到期，预计 ${r1(f.regularUnits)} ${sku.unit}`,
        messageEn: `Repeat customers: ${customers} regular customer(s) due this week by their own cycles, about ${r1(f.regularUnits)} units`,
      });
    }
    factors.push({
      kind: 'SAFETY_STOCK',
      value: Math.round(q.safety),
      messageZh: `安全库存 ${Math.round(q.safety)}：覆盖提前期 ${leadTimeDays} 天加一周，可用 ${usable}、在途请购 ${openRequisitions}`,
      messageEn: `Safety stock ${Math.round(q.safety)}: covering the ${leadTimeDays}-day lead time plus a week, ${usable} usable, ${openRequisitions} already requested`,
    });
    return {
      skuCode: sku.code,
      forecastQuantity: r1(f.units),
      onHand,
      locked,
      expiryBlocked,
      usable,
      openRequisitions,
      leadTimeDays,
      leadTimeRecorded: sku.leadTimeDays != null,
      safetyStock: Math.round(q.safety),
      suggestedQuantity: q.quantity,
      factors,
      regularCustomers: f.regulars,
      weather: f.weather,
    };
  }
}

export interface RequisitionLineInput {
  skuCode: string;
  quantity: number;
}

/**
 * Checks a requisition request before anything is written: a Monday, a warehouse with stores, a key
 * of 8–60 characters, 1–200 lines of distinct goods SKUs with whole quantities from 1 to 100,000.
 */
export async function checkRequisitions(
  planner: PurchasePlanner,
  erp: ErpDatasource,
  input: { warehouse: string; weekStarting: string; clientKey: string; lines: RequisitionLineInput[] },
): Promise<void> {
  requireMonday(input.weekStarting);
  if (input.clientKey.length < 8 || input.clientKey.length > 60) {
    throw badInput({ zh: 'clientKey 须为 8–60 个字符', en: 'clientKey must be 8–60 characters' }, { argument: 'clientKey' });
  }
  if (!input.lines.length || input.lines.length > 200) {
    throw badInput({ zh: '请购行须为 1–200 行', en: 'A requisition needs 1–200 lines' }, { argument: 'lines' });
  }
  const seen = new Set<string>();
  for (const [i, l] of input.lines.entries()) {
    if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > 100_000) {
      throw badInput({ zh: `第 ${i + 1} 行数量须为 1–100000 的整数`, en: `Line ${i + 1}: quantity must be a whole number from 1 to 100,000` }, { argument: `lines[${i}].quantity` });
    }
    if (seen.has(l.skuCode)) throw badInput({ zh: `商品 ${l.skuCode.slice(0, 30)} 重复`, en: `SKU ${l.skuCode.slice(0, 30)} appears twice` }, { argument: `lines[${i}].skuCode` });
    seen.add(l.skuCode);
  }
  await planner.regionsOf(input.warehouse);
  const skus = await erp.skusByCode(input.lines.map((l) => l.skuCode));
  skus.forEach((s, i) => {
    if (!s || s.isService) {
      const code = input.lines[i].skuCode.slice(0, 30);
      throw appError(
        ErrorCode.BAD_USER_INPUT,
        s ? { zh: `${code} 是服务项目，不能请购`, en: `${code} is a service, not goods to requisition` } : { zh: `商品 ${code} 不存在`, en: `No SKU ${code}` },
        { argument: `lines[${i}].skuCode` },
      );
    }
  });
}
