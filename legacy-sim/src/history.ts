// Order history before the generated days (`--history-weeks N`): what purchase planning learns from.
// Demand per category follows a yearly season, grows a little, dips on Sundays, moves with the
// weather in the store's city, and regular customers re-order the same goods on their own cycles.
// Off unless asked for, and drawn from its own PRNG, so every other part of the data set (and its
// ground truth) is the same with or without it. Only the ERP keeps orders this old (closed); the
// WMS and TMS have archived their documents, as the real ones do after a few months.
import { formatBeijing } from '../../common/src/time.js';
import { formatFen } from '../../common/src/money.js';
import { Random, weightedPicker } from './random.js';
import { CITIES, SALES_CLERKS, STORES, type CatalogItem } from './world.js';
import type { Customer, World } from './generator.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface HistoryOptions {
  /** Whole weeks of history before the week `start` falls in; the days of that week before `start` are history too. */
  weeks: number;
  /** Orders a day on average (before season, weather and the weekday). */
  ordersPerDay: number;
}

/** Weather alert kinds and the months they come in (1–12). */
const ALERT_KINDS = [
  { type: '暴雨', months: [4, 5, 6, 7, 8, 9], desc: '预计累计降雨量50毫米以上，注意防范城市内涝' },
  { type: '台风', months: [7, 8, 9], desc: '受台风外围影响，沿海地区有大风和强降雨' },
  { type: '寒潮', months: [11, 12, 1, 2, 3], desc: '气温骤降8℃以上，伴有6级大风' },
  { type: '大雾', months: [10, 11, 12, 1, 2], desc: '能见度低于200米，高速部分路段封闭' },
] as const;

/**
 * What each kind of weather does to each category's demand while it lasts (a multiplier), before the
 * seed's jitter: rain sells wipers and bulbs, a cold wave sells batteries and coolant, fog sells
 * lamps, a typhoon keeps people home. Categories not named are moved by `others`.
 */
const WEATHER_EFFECT: Record<string, { others: number } & Record<string, number>> = {
  暴雨: { others: 0.9, wiper: 2.6, lighting: 1.5 },
  台风: { others: 0.55, wiper: 1.8 },
  寒潮: { others: 0.95, battery: 2.4, fluid: 1.7 },
  大雾: { others: 1, lighting: 2.2 },
};

/** The season of each category before jitter: how far demand swings (±) and the day of year it peaks. */
const SEASON: Record<string, { amplitude: number; peakDay: number }> = {
  bearing: { amplitude: 0.08, peakDay: 120 },
  fluid: { amplitude: 0.35, peakDay: 355 },
  oil: { amplitude: 0.2, peakDay: 270 },
  filter: { amplitude: 0.3, peakDay: 100 },
  belt: { amplitude: 0.1, peakDay: 200 },
  brake: { amplitude: 0.12, peakDay: 300 },
  ignition: { amplitude: 0.25, peakDay: 10 },
  wiper: { amplitude: 0.55, peakDay: 170 },
  battery: { amplitude: 0.45, peakDay: 15 },
  suspension: { amplitude: 0.1, peakDay: 240 },
  lighting: { amplitude: 0.25, peakDay: 340 },
  chemical: { amplitude: 0.15, peakDay: 60 },
};

/** Share of one day's goods lines per category, and how many units a line holds. */
const MIX: Record<string, { share: number; qty: [number, number] }> = {
  bearing: { share: 3, qty: [2, 12] },
  fluid: { share: 3, qty: [2, 24] },
  oil: { share: 3, qty: [1, 8] },
  filter: { share: 3, qty: [2, 20] },
  belt: { share: 1.5, qty: [1, 4] },
  brake: { share: 2, qty: [1, 4] },
  ignition: { share: 1.5, qty: [4, 16] },
  wiper: { share: 1, qty: [2, 10] },
  battery: { share: 0.8, qty: [1, 3] },
  suspension: { share: 0.8, qty: [2, 4] },
  lighting: { share: 1, qty: [2, 10] },
  chemical: { share: 1, qty: [1, 12] },
};

/** Orders on each weekday relative to the average, Monday first. */
const WEEKDAY = [1.1, 1.1, 1.1, 1.05, 1.1, 0.85, 0.6];

export interface HistoryLine {
  skuCode: string;
  quantity: number;
  unitPriceFen: number;
  /** True when a regular customer's cycle made it (ground truth only; the ERP cannot tell). */
  regular: boolean;
}

export interface HistoryOrder {
  erpOrderNo: string;
  customerCode: string;
  storeCode: string;
  region: string;
  orderedAt: number;
  lines: HistoryLine[];
  maker: string;
}

export interface HistoryTruth {
  /** Beijing date of the first day of history (a Monday) and of the day after the last (`start`). */
  from: string;
  to: string;
  weeks: number;
  ordersPerDay: number;
  /** Demand grows by this share a year. */
  yearlyGrowth: number;
  /** Per category: demand × (1 + amplitude · cos(2π (dayOfYear − peakDay) / 365)). */
  seasonality: Record<string, { amplitude: number; peakDay: number }>;
  /** Per alert type: the multiplier on each category's demand in the alert's city while it lasts (`others` for the rest). */
  weatherEffects: Record<string, Record<string, number>>;
  /** Regular customers: each orders `quantity` (± 1) of the SKU every `cycleDays` (± 2) days, the last time at `lastOrderedOn`. */
  cycles: { customerCode: string; skuCode: string; cycleDays: number; quantity: number; city: string; lastOrderedOn: string }[];
  /** Alerts of the history, and of the weeks after it (issued in advance, as forecasts are). */
  alertIds: string[];
  /**
   * Expected units (the demand process's mean, before chance) per warehouse, SKU and week, from the
   * first history week to two weeks after `start`'s week, without the regular customers' orders.
   * (The generated days themselves are drawn without season or weather.)
   */
  expected: { warehouseCode: string; weekStarting: string; skuCode: string; baseUnits: number }[];
}

export interface History {
  orders: HistoryOrder[];
  alerts: { alert_id: string; city: string; level: string; alert_type: string; start_time: string; end_time: string; description: string }[];
  truth: HistoryTruth;
}

const dateOf = (t: number) => formatBeijing(t).slice(0, 10);
const dayOfYear = (t: number) => {
  const d = dateOf(t);
  const jan1 = Date.parse(`${d.slice(0, 4)}-01-01T00:00:00+08:00`);
  return Math.floor((t - jan1) / DAY) + 1;
};
/** Monday 00:00 Beijing of the week `t` falls in. */
export function mondayOf(t: number): number {
  const midnight = Date.parse(`${dateOf(t)}T00:00:00+08:00`);
  const weekday = (new Date(midnight + 8 * HOUR).getUTCDay() + 6) % 7;
  return midnight - weekday * DAY;
}

function poisson(rng: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rng)));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.next(); p > limit; p *= rng.next()) k++;
  return k;
}

function gaussian(rng: Random): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * The history for these customers and this catalog, ending where the generated days begin (`start`).
 * `seed` is the data set's seed.
 */
export function generateHistory(world: World, start: number, seed: number, options: HistoryOptions): History {
  const rng = new Random((seed ^ 0x4f1bbcdc) >>> 0);
  const to = start;
  const from = mondayOf(start) - options.weeks * 7 * DAY;
  const goods = world.goods;
  const categories = [...new Set(goods.map((g) => g.category))];

  // The seed moves every parameter a little, so no model can know them in advance.
  const seasonality = Object.fromEntries(
    categories.map((c) => {
      const s = SEASON[c] ?? { amplitude: 0.1, peakDay: 180 };
      return [c, { amplitude: round3(s.amplitude * (0.7 + 0.6 * rng.next())), peakDay: (s.peakDay + rng.int(-25, 25) + 365) % 365 }];
    }),
  );
  const weatherEffects = Object.fromEntries(
    Object.entries(WEATHER_EFFECT).map(([type, effect]) => [
      type,
      Object.fromEntries(
        [...categories, 'others'].map((c) => {
          const m = effect[c] ?? effect.others;
          return [c, round3(1 + (m - 1) * (0.75 + 0.5 * rng.next()))];
        }),
      ),
    ]),
  );
  const yearlyGrowth = round3(0.05 + 0.2 * rng.next());
  const season = (category: string, t: number) => {
    const s = seasonality[category];
    return 1 + s.amplitude * Math.cos((2 * Math.PI * (dayOfYear(t) - s.peakDay)) / 365);
  };

  // Weather: per city, now and then an alert of a kind that fits the month, lasting one to three days.
  // Alerts run two weeks past the history: they are forecasts, known before the week they fall in.
  const alerts: History['alerts'] = [];
  const alertEnd = mondayOf(start) + 21 * DAY;
  for (const city of CITIES) {
    for (let day = from; day < alertEnd; day += DAY) {
      const month = Number(dateOf(day).slice(5, 7));
      const kinds = ALERT_KINDS.filter((k) => (k.months as readonly number[]).includes(month));
      if (!kinds.length || !rng.chance(0.035)) continue;
      const kind = rng.pick(kinds);
      const begin = day + rng.int(0, 12) * HOUR;
      const end = begin + rng.int(20, 68) * HOUR;
      alerts.push({
        alert_id: `WH${dateOf(begin).replace(/-/g, '')}${String(alerts.length + 1).padStart(4, '0')}`,
        city: city.name,
        level: rng.pick(['蓝', '黄', '橙', '红']),
        alert_type: kind.type,
        start_time: formatBeijing(begin),
        end_time: formatBeijing(end),
        description: kind.desc,
      });
      while (day + DAY < end) day += DAY;
    }
  }
  const alertsByCity = new Map<string, History['alerts']>();
  for (const a of alerts) alertsByCity.set(a.city, [...(alertsByCity.get(a.city) ?? []), a]);
  /** The weather multiplier on a category in a city over one day: alerts count for the hours they cover. */
  const weather = (city: string, category: string, day: number) => {
    let m = 1;
    for (const a of alertsByCity.get(city) ?? []) {
      const s = Date.parse(a.start_time.replace(' ', 'T') + '+08:00');
      const e = Date.parse(a.end_time.replace(' ', 'T') + '+08:00');
      const overlap = Math.max(0, Math.min(e, day + DAY) - Math.max(s, day)) / DAY;
      if (overlap > 0) m *= 1 + (weatherEffects[a.alert_type][category] - 1) * overlap;
    }
    return m;
  };

  // Base demand: goods lines per city, category and day; a city's share is its customers' share.
  const customersByCity = new Map<string, Customer[]>();
  for (const c of world.customers) customersByCity.set(c.store.city, [...(customersByCity.get(c.store.city) ?? []), c]);
  const pickers = new Map([...customersByCity].map(([city, cs]) => [city, weightedPicker(cs, (c) => c.weight)]));
  const pickCustomer = (city: string) => pickers.get(city)!(rng);
  const totalShare = goods.reduce((s, g) => s + (MIX[g.category]?.share ?? 1), 0);
  // Each SKU keeps a fixed popularity within its category.
  const popularity = new Map(goods.map((g) => [g.code, 0.5 + rng.next()]));
  const catPopularity = new Map<string, number>();
  for (const g of goods) catPopularity.set(g.category, (catPopularity.get(g.category) ?? 0) + popularity.get(g.code)!);
  const linesPerOrder = 1.8;
  const growth = (t: number) => (1 + yearlyGrowth) ** ((t - to) / (365 * DAY));
  const skuMean = (item: CatalogItem, city: string, day: number) => {
    const weekday = (new Date(day + 8 * HOUR).getUTCDay() + 6) % 7;
    const cityShare = (customersByCity.get(city)?.length ?? 0) / world.customers.length;
    const share = (MIX[item.category]?.share ?? 1) / totalShare;
    const lines = options.ordersPerDay * linesPerOrder * cityShare * WEEKDAY[weekday] * growth(day) * share;
    return lines * season(item.category, day) * weather(city, item.category, day);
  };
  const meanQty = (item: CatalogItem) => {
    const [lo, hi] = MIX[item.category]?.qty ?? [1, 5];
    return (lo + hi) / 2;
  };
  const skuSplit = (item: CatalogItem) => (popularity.get(item.code)! * (goods.filter((g) => g.category === item.category).length || 1)) / catPopularity.get(item.category)!;

  // Regular customers (two in five): one to three SKUs each, re-ordered on the customer's own cycle.
  const cycles: HistoryTruth['cycles'] = [];
  const planned: { customer: Customer; at: number; skuCode: string; quantity: number }[] = [];
  for (const customer of world.customers) {
    if (!rng.chance(0.4)) continue;
    const skus = rng.shuffle([...goods]).slice(0, rng.int(1, 3));
    for (const item of skus) {
      const cycleDays = rng.pick([7, 10, 14, 14, 21, 21, 28, 30, 35, 42]);
      const [lo, hi] = MIX[item.category]?.qty ?? [1, 5];
      const quantity = Math.max(2, Math.round(((lo + hi) / 2) * (1.5 + 2 * rng.next())));
      let at = from + rng.int(0, cycleDays - 1) * DAY;
      let last = at;
      for (; at < to; at += (cycleDays + rng.int(-2, 2)) * DAY) {
        planned.push({ customer, at: at + (8 + rng.int(0, 12)) * HOUR + rng.int(0, 59) * 60_000, skuCode: item.code, quantity: quantity + rng.int(-1, 1) });
        last = at;
      }
      cycles.push({ customerCode: customer.code, skuCode: item.code, cycleDays, quantity, city: customer.store.city, lastOrderedOn: dateOf(last) });
    }
  }

  // Orders: each day's base lines go to customers of the city; a customer's lines of a day are one order.
  const orders: HistoryOrder[] = [];
  const regularByDay = new Map<number, typeof planned>();
  for (const p of planned) {
    const day = Date.parse(`${dateOf(p.at)}T00:00:00+08:00`);
    regularByDay.set(day, [...(regularByDay.get(day) ?? []), p]);
  }
  for (let day = from; day < to; day += DAY) {
    const byCustomer = new Map<string, { customer: Customer; lines: HistoryLine[]; at: number }>();
    const add = (customer: Customer, line: HistoryLine, at: number) => {
      const o = byCustomer.get(customer.code) ?? { customer, lines: [], at };
      if (!byCustomer.has(customer.code)) byCustomer.set(customer.code, o);
      const same = o.lines.find((l) => l.skuCode === line.skuCode && l.regular === line.regular);
      if (same) same.quantity += line.quantity;
      else o.lines.push(line);
      o.at = Math.min(o.at, at);
    };
    const price = (item: CatalogItem, c: Customer) => Math.round(item.priceFen * (c.grade === 'A' ? 0.9 : c.grade === 'B' ? 0.95 : 1));
    for (const city of CITIES) {
      if (!customersByCity.has(city.name)) continue;
      for (const item of goods) {
        const lines = poisson(rng, skuMean(item, city.name, day) * skuSplit(item));
        const [lo, hi] = MIX[item.category]?.qty ?? [1, 5];
        for (let k = 0; k < lines; k++) {
          const customer = pickCustomer(city.name);
          add(customer, { skuCode: item.code, quantity: rng.int(lo, hi), unitPriceFen: price(item, customer), regular: false }, day + (8 + rng.int(0, 12)) * HOUR + rng.int(0, 3599) * 1000);
        }
      }
    }
    for (const p of regularByDay.get(day) ?? []) add(p.customer, { skuCode: p.skuCode, quantity: p.quantity, unitPriceFen: price(world.sku.get(p.skuCode)!, p.customer), regular: true }, p.at);
    const dayOrders = [...byCustomer.values()].sort((a, b) => a.at - b.at || a.customer.code.localeCompare(b.customer.code));
    dayOrders.forEach((o, i) => {
      const store = rng.chance(0.85) ? o.customer.store : rng.pick(STORES.filter((s) => s.city === o.customer.store.city));
      orders.push({
        erpOrderNo: `SO-${dateOf(day).replace(/-/g, '')}-${String(i + 1).padStart(3, '0')}`,
        customerCode: o.customer.code,
        storeCode: store.code,
        region: store.city,
        orderedAt: o.at,
        lines: o.lines,
        maker: rng.pick(SALES_CLERKS),
      });
    });
  }

  // Expected base demand per warehouse, SKU and week: the process's mean, for tests and the backtest.
  const expected: HistoryTruth['expected'] = [];
  for (let week = from; week < mondayOf(start) + 21 * DAY; week += 7 * DAY) {
    for (const wh of [...new Set(CITIES.map((c) => c.warehouse))]) {
      for (const item of goods) {
        let units = 0;
        for (const city of CITIES.filter((c) => c.warehouse === wh)) {
          for (let day = week; day < week + 7 * DAY; day += DAY) units += (skuMean(item, city.name, day) * skuSplit(item)) * meanQty(item);
        }
        expected.push({ warehouseCode: wh, weekStarting: dateOf(week), skuCode: item.code, baseUnits: round3(units) });
      }
    }
  }

  return {
    orders,
    alerts,
    truth: {
      from: dateOf(from),
      to: dateOf(to),
      weeks: options.weeks,
      ordersPerDay: options.ordersPerDay,
      yearlyGrowth,
      seasonality,
      weatherEffects,
      cycles,
      alertIds: alerts.map((a) => a.alert_id),
      expected,
    },
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** ERP rows of history orders: closed, paid, as U8 keeps them. */
export function historyMainRow(o: HistoryOrder) {
  const total = o.lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0);
  const paid = o.orderedAt + 40 * 60_000;
  const closed = o.orderedAt + 3 * DAY;
  return {
    cSOCode: o.erpOrderNo,
    cCusCode: o.customerCode,
    cDepCode: o.storeCode,
    cRegion: o.region,
    dDate: formatBeijing(o.orderedAt),
    dPreDate: formatBeijing(Date.parse(`${dateOf(o.orderedAt + DAY)}T18:00:00+08:00`)),
    iStatus: 6,
    dPayTime: formatBeijing(paid),
    dCloseTime: formatBeijing(closed),
    iTotalSum: formatFen(total),
    cMemo: null,
    cMaker: o.maker,
    dModifyTime: formatBeijing(closed),
  };
}

export function historyDetailRows(o: HistoryOrder) {
  return o.lines.map((l, i) => ({
    cSOCode: o.erpOrderNo,
    iRowNo: i + 1,
    cInvCode: l.skuCode,
    iQuantity: l.quantity,
    iTaxUnitPrice: formatFen(l.unitPriceFen),
    iSum: formatFen(l.quantity * l.unitPriceFen),
    cMemo: null,
  }));
}
