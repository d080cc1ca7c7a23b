// Next week's demand per SKU for one warehouse, from order history alone. Nothing here knows how the
// history was made: the season is last year's movement of the SKU's category, the regular customers
// are found from their own order intervals, and each kind of weather's pull on each category is
// measured from the weeks it happened in. Pure: the purchase-suggestion service and the backtest
// (bench/forecast.ts) both call it with rows read through the adapters.
import { beijingDate, parseBeijing } from '../../../../common/src/time.js';
import { boundedCache } from '../../../../common/src/cache.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const YEAR_WEEKS = 365.25 / 7;

/** One customer's units of one SKU on one day (ERP SO_SODetails summed by SO_SOMain's customer, day and city). */
export interface DemandEvent {
  /** Beijing date YYYY-MM-DD */
  day: string;
  city: string;
  customerCode: string;
  skuCode: string;
  quantity: number;
}

export interface AlertSpan {
  alertId: string;
  city: string;
  type: string;
  level: string;
  startAt: number;
  endAt: number;
}

export interface RegularCustomer {
  customerCode: string;
  /** Days between orders, estimated from the customer's own orders of this SKU. */
  cycleDays: number;
  lastOrderedOn: string;
  /** Beijing dates in the target week the next orders fall due (by the cycle alone). */
  dueOn: string[];
  /** Orders expected in the target week: each due order's chance of falling in it, given the steps' spread and that none came since. */
  orders: number;
  /** Units per order: the mean of the chain's orders of about its median size. */
  quantity: number;
}

export interface WeatherPull {
  alertId: string;
  city: string;
  type: string;
  level: string;
  /** Days of the target week it covers. */
  days: number;
  /** Multiplier on the category's demand, measured from past alerts of this type. */
  lift: number;
  /** How many past alerts of this type, in every city of the history, the lift was measured from. */
  pastAlerts: number;
}

export interface SkuForecast {
  skuCode: string;
  category: string;
  /** Units expected in the target week: base × seasonal ratio × weather + regular customers due. */
  units: number;
  /** Weekly units at the target week without season, regular customers and weather (the category's level × the SKU's share). */
  level: number;
  /** The category's season at the target week against its average week (1 = average), fitted over the history. */
  seasonalIndex: number;
  /** The season at the target week against the last `levelWeeks` weeks', for the category. */
  seasonalRatio: number;
  weatherMultiplier: number;
  weather: WeatherPull[];
  /** Units the regular customers due in the week are expected to take. */
  regularUnits: number;
  regulars: RegularCustomer[];
  /** Standard deviation of the weekly base around its level (units), for safety stock. */
  sigma: number;
}

export interface ForecastInput {
  /** Monday 00:00 Beijing of the target week, epoch ms. */
  weekStarting: number;
  /** History before the target week. */
  events: DemandEvent[];
  skus: { code: string; category: string }[];
  /** Alerts in the cities of the events, past ones and those known for the target week. */
  alerts: AlertSpan[];
  /**
   * The cities whose demand is forecast (a warehouse's); every city of the events when absent. The
   * other cities' events and alerts are the rest of the company: the season, the growth, each kind of
   * weather's pull and each SKU's share of its category are learned from all of them together (the same
   * goods sell to the same trades everywhere, and three times the weeks tell these apart from chance),
   * while the level comes from the cities forecast alone.
   */
  cities?: readonly string[];
}

export interface ForecastSettings {
  /** Recent weeks the seasonal ratio and the forecast's spread are measured against. */
  levelWeeks: number;
  /** Weight of the newest week in the smoothed level's correction (exponential smoothing). */
  levelAlpha: number;
  /** Yearly harmonics in the season's fit. */
  harmonics: number;
  /** Least full weeks of history to fit a season (fewer: level and growth only); a year shows every week of it once. */
  seasonMinWeeks: number;
  /** Weeks of a customer's orders searched for a cycle. */
  regularLookbackWeeks: number;
  /** Least orders in a chain for a customer to count as regular. */
  regularMinOrders: number;
}

export const DEFAULT_FORECAST_SETTINGS: ForecastSettings = { levelWeeks: 8, levelAlpha: 0.1, harmonics: 1, seasonMinWeeks: 52, regularLookbackWeeks: 260, regularMinOrders: 4 };

/** Beijing midnight of a date, remembered: the history names a few hundred days, thousands of times each. */
const dayCache = boundedCache<string, number>({ max: 20_000, ttlMs: null });
const dayMs = (day: string) => {
  let t = dayCache.get(day);
  if (t === undefined) dayCache.set(day, (t = parseBeijing(day)!));
  return t;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : 0;
};
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Orders of the same size as `quantity`: within 15 %, or a unit and a half (a unit either way of a median that may fall between two). */
const sameSize = (quantity: number) => Math.max(1.5, 0.15 * quantity);

/** The size a run of orders keeps: the mean of those of about the median's size. */
const sizeOf = (sizes: number[]) => {
  const centre = median(sizes);
  return mean(sizes.filter((q) => Math.abs(q - centre) <= sameSize(centre)));
};

/** Least full weeks of history to fit a growth (fewer: the level alone). */
export const GROWTH_MIN_WEEKS = 16;

/** Rhythms looked for per customer and SKU. */
const MAX_RHYTHMS = 3;

/** How far a step may stray from the cycle and still keep the rhythm. */
const toleranceMs = (cycleDays: number) => Math.max(2.5, 0.25 * cycleDays) * DAY;

/**
 * How unlikely a chain must be by chance to count as a rhythm. Small, because it is asked of tens of
 * thousands of customer × SKU pairs (the company's) and dozens of candidate cycles each: at this level a
 * few chance chains pass, not hundreds.
 */
const CHANCE_CHAIN = 1e-5;

/** P(X ≥ k) for X ~ Binomial(n, p). */
function binomialTail(n: number, k: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) n = k;
  if (p >= 1) return 1;
  if (p <= 0) return 0;
  let total = 0;
  let logC = 0; // log C(n, i), built up from i = 0
  for (let i = 0; i <= n; i++) {
    if (i > 0) logC += Math.log((n - i + 1) / i);
    if (i >= k) total += Math.exp(logC + i * Math.log(p) + (n - i) * Math.log(1 - p));
  }
  return Math.min(1, total);
}

/**
 * A customer's orders of one SKU that follow one rhythm and one size: each step about `cycle` days
 * before the next, each about the same quantity. Any of the last three orders, or the last of each
 * size in the last nine weeks, may end the chain (one-off orders can come after it; a customer who
 * also buys the SKU often has many) and every gap back from it is tried as the cycle; the cycle is then
 * re-estimated from the chain and the chain drawn again. A chain counts when chance would hardly ever make it; the longest,
 * steadiest one wins.
 */
function findChain(days: number[], qty: number[], minOrders: number, minSpanDays: number): { chain: number[]; cycle: number; quantity: number; stepSd: number } | null {
  if (days.length < minOrders) return null;
  let best: { chain: number[]; cycle: number; quantity: number; spread: number; stepSd: number } | null = null;
  const build = (anchor: number, cycle: number) => {
    const tol = toleranceMs(cycle);
    const chain = [anchor];
    let t = days[anchor];
    for (let j = anchor - 1; j >= 0; j--) {
      const step = t - days[j];
      if (step < cycle * DAY - tol) continue;
      // One order missing from the rhythm (skipped, or merged into another) does not end it.
      const skipped = step >= 2 * cycle * DAY - tol && step <= 2 * cycle * DAY + tol;
      if (step > cycle * DAY + tol && !skipped) break;
      // Of the orders in the window, the one closest in size to the anchor's.
      let pick = j;
      for (let k = j - 1; k >= 0 && t - days[k] <= cycle * DAY + tol; k--) if (Math.abs(qty[k] - qty[anchor]) < Math.abs(qty[pick] - qty[anchor])) pick = k;
      chain.unshift(pick);
      t = days[pick];
      j = pick;
    }
    return chain;
  };
  // The chain's span over its cycles: a skipped order's step is two cycles, not one.
  const cycleOf = (chain: number[], guess: number) => {
    let cycles = 0;
    for (let k = 1; k < chain.length; k++) cycles += Math.max(1, Math.round((days[chain[k]] - days[chain[k - 1]]) / DAY / guess));
    return (days[chain[chain.length - 1]] - days[chain[0]]) / DAY / cycles;
  };
  const newest = days[days.length - 1];
  const anchorSizes: number[] = [];
  for (let anchor = days.length - 1; anchor >= 0 && (anchor >= days.length - 3 || newest - days[anchor] <= 63 * DAY); anchor--) {
    // Past the last three, only the last order of each size: a chain ends at the last order of its size.
    if (anchor < days.length - 3 && anchorSizes.some((q) => Math.abs(q - qty[anchor]) <= sameSize(qty[anchor]))) continue;
    anchorSizes.push(qty[anchor]);
    // Candidate cycles: every gap back from the anchor (and its halves and thirds, a rhythm seen over
    // two or three steps), and the median step between consecutive orders.
    const gaps = new Set<number>();
    for (let i = anchor - 1; i >= 0; i--) {
      const gap = (days[anchor] - days[i]) / DAY;
      if (gap > 63) break;
      for (const k of [1, 2, 3]) if (gap / k >= 5) gaps.add(Math.round((2 * gap) / k) / 2);
    }
    const steps = days.slice(1, anchor + 1).map((d, i) => (d - days[i]) / DAY);
    const typical = median(steps);
    if (typical >= 5 && typical <= 63) gaps.add(Math.round(2 * typical) / 2);
    for (const gap of gaps) {
      let chain = build(anchor, gap);
      if (chain.length < 3) continue;
      const refined = cycleOf(chain, gap);
      chain = build(anchor, refined);
      if (chain.length < minOrders) continue;
      const cycle = cycleOf(chain, refined);
      // Cycles of five days to nine weeks: a longer one has too few orders in a year to tell from chance.
      if (cycle < 5 || cycle > 63) continue;
      // A rhythm kept for a good part of the time looked at, not four orders that happen to line up.
      if ((days[anchor] - days[chain[0]]) / DAY < Math.min(minSpanDays, 8 * cycle)) continue;
      // A rhythm, not a coincidence: most steps present, and the same size every time.
      const expectedSteps = Math.round((days[anchor] - days[chain[0]]) / DAY / cycle);
      if (chain.length - 1 < 0.75 * expectedSteps) continue;
      const sizes = chain.map((i) => qty[i]);
      // The order's size: the mean of the chain's sizes that are about its median (a day that also held
      // other buying is an outlier, however many of them; a median of sizes a unit either way sits on an edge).
      const quantity = sizeOf(sizes);
      const spread = median(sizes.map((q) => Math.abs(q - quantity)));
      if (spread > sameSize(quantity)) continue;
      // A rhythm, not chance: a customer who orders the SKU often in orders of this size finds one in
      // almost any window. Taking every order of the chain's size in its span as if it came at random,
      // how likely would as many steps each find one in their window (only steps that landed on an
      // order of the chain's size count)? Only a chain chance would hardly ever make counts.
      const span = (days[anchor] - days[chain[0]]) / DAY;
      const isAlike = (i: number) => Math.abs(qty[i] - quantity) <= sameSize(quantity);
      const hits = chain.slice(1).filter(isAlike).length;
      let alike = 0;
      for (let i = chain[0]; i <= anchor; i++) if (isAlike(i)) alike++;
      // The window a step had to land in: as wide as the chain's steps actually strayed (a day either
      // side at least), not the whole tolerance searched.
      let stray = 0;
      for (let k = 1; k < chain.length; k++) {
        const step = (days[chain[k]] - days[chain[k - 1]]) / DAY;
        stray = Math.max(stray, Math.abs(step - Math.max(1, Math.round(step / cycle)) * cycle));
      }
      const window = Math.min((2 * toleranceMs(cycle)) / DAY, 2 * stray + 1);
      const perWindow = 1 - Math.exp(-(alike / span) * window);
      if (binomialTail(expectedSteps, hits, perWindow) > CHANCE_CHAIN) continue;
      // … and a rhythm holds the orders of its size: a walk picked through a stream of like orders
      // (every few days, each step finds one) leaves as many of them beside it as it takes.
      if (alike - chain.filter(isAlike).length > 0.5 * chain.length) continue;
      // The chain ends at an order that holds its size (no smaller than its smallest order of that size,
      // less the same-size margin; a larger one alone within half a cycle): an anchor smaller than that
      // (a top-up), or one of a run of large orders, only stepped on the rhythm.
      // It carries on through a later order at its rhythm that holds as much — the regular order on a
      // day the customer also bought other units of the SKU — when no other order that large falls
      // within half a cycle of it: a customer who buys that much every few days has left the rhythm
      // behind, or never had it. A step may stray as far as the chain's did.
      const holdsOrder = Math.min(...chain.filter(isAlike).map((i) => qty[i])) - sameSize(quantity);
      // An order larger than the chain's size holds its order only when no other that large is near it.
      const alone = (i: number) => {
        for (let k = 0; k < days.length; k++) if (k !== i && Math.abs(days[k] - days[i]) < 0.5 * cycle * DAY && qty[k] >= holdsOrder) return false;
        return true;
      };
      while (chain.length > 1 && (qty[chain[chain.length - 1]] < holdsOrder || (!isAlike(chain[chain.length - 1]) && !alone(chain[chain.length - 1])))) chain.pop();
      if (chain.length < minOrders) continue;
      const reach = (stray + 0.5) * DAY;
      for (let end = chain[chain.length - 1]; ; ) {
        // The orders that large within half a cycle of the next step: exactly one, and at the rhythm.
        const near: number[] = [];
        for (let k = end + 1; k < days.length && days[k] - days[end] < 1.5 * cycle * DAY; k++) if (days[k] - days[end] >= 0.5 * cycle * DAY && qty[k] >= holdsOrder) near.push(k);
        if (near.length !== 1 || Math.abs(days[near[0]] - days[end] - cycle * DAY) > reach) break;
        chain.push(near[0]);
        end = near[0];
      }
      const steps = chain.slice(1).map((c, k) => (days[c] - days[chain[k]]) / DAY);
      const stepSd = Math.sqrt(mean(steps.map((x) => (x - Math.max(1, Math.round(x / cycle)) * cycle) ** 2)));
      if (!best || chain.length > best.chain.length || (chain.length === best.chain.length && spread < best.spread)) best = { chain: chain.map((i) => days[i]), cycle, quantity, spread, stepSd };
    }
  }
  return best;
}

/** Least squares β for rows x·β ≈ y (normal equations, Gaussian elimination); null when singular. */
function leastSquares(xs: number[][], ys: number[]): number[] | null {
  const n = xs[0]?.length ?? 0;
  const a = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  xs.forEach((x, r) => {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i][j] += x[i] * x[j];
      a[i][n] += x[i] * ys[r];
    }
  });
  // A regressor that is zero throughout (no trend on a short history) keeps its coefficient at 0.
  for (let i = 0; i < n; i++) if (a[i][i] === 0) a[i][i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (Math.abs(a[p][c]) < 1e-12) return null;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((row, i) => row[n] / row[i]);
}

/** Standard normal distribution function (Abramowitz–Stegun 7.1.26). */
function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/**
 * When a regular customer's next orders fall: the next one about a cycle after the last, give or take
 * the spread of the steps seen — and, since none came between the last one and the end of the data,
 * not before that end (a customer who is late now is late for the orders after it too); each later
 * one a cycle after the one before, the spread growing with √k. The expected number of orders in the
 * week [ws, ws + 7 days). Orders fall on whole days. A customer long overdue has stopped.
 */
function dueInWeek(last: number, cycle: number, stepSd: number, dataEnd: number, ws: number): { dueOn: string[]; orders: number } | null {
  const sd = Math.max(0.7, stepSd);
  // Days after the last order.
  const end = Math.round((dataEnd - last) / DAY);
  const week = Math.round((ws - last) / DAY);
  const before = (day: number, mu: number, spread: number) => normalCdf((day - 0.5 - mu) / spread);
  const stillToCome = 1 - before(end, cycle, sd);
  if (stillToCome < 0.05) return null;
  // The next order's day, given that it is not before the end of the data.
  let orders = 0;
  for (let day = end; day <= Math.max(end, cycle) + 6 * sd; day++) {
    const p = (before(day + 1, cycle, sd) - before(day, cycle, sd)) / stillToCome;
    if (p < 1e-9) continue;
    // It and the orders after it that fall in the week.
    if (day >= week && day < week + 7) orders += p;
    for (let k = 1; day + k * cycle - 4 * sd * Math.sqrt(k) < week + 7; k++) orders += p * (before(week + 7, day + k * cycle, sd * Math.sqrt(k)) - before(week, day + k * cycle, sd * Math.sqrt(k)));
  }
  // The days by the cycle alone: the next a cycle after the last, or the end of the data when it is
  // late already; each after it a cycle later.
  const dueOn: string[] = [];
  const next = Math.max(end, Math.round(cycle));
  for (let k = 0; next + k * cycle - 0.5 < week + 7; k++) {
    const day = next + Math.round(k * cycle);
    if (day >= week && day < week + 7) dueOn.push(beijingDate(last + day * DAY));
  }
  return { dueOn, orders };
}

/**
 * The full weeks of a history before the week starting `ws` (weeks counted from it: −1 is the week
 * before): the first is the oldest day's week when that day is a Monday, else the week after; the last
 * is the newest day's week when that day is a Sunday, else the week before.
 */
function calendar(events: readonly DemandEvent[], ws: number): { newest: number; firstFull: number; lastFull: number } {
  const weekOf = (t: number) => Math.floor((t - ws) / WEEK);
  let newest = -Infinity;
  let oldest = Infinity;
  for (const e of events) {
    const t = dayMs(e.day);
    if (t > newest) newest = t;
    if (t < oldest) oldest = t;
  }
  return { newest, firstFull: oldest === ws + weekOf(oldest) * WEEK ? weekOf(oldest) : weekOf(oldest) + 1, lastFull: weekOf(newest + DAY) - 1 };
}

/**
 * The full weeks of sales a history holds before the week starting `ws` — the weeks the forecast reads:
 * how many, the first one's Monday and the Monday after the last (epoch ms; 0 weeks: both `ws`).
 */
export function fullWeeks(events: readonly DemandEvent[], ws: number): { weeks: number; from: number; to: number } {
  const before = events.filter((e) => dayMs(e.day) < ws);
  if (!before.length) return { weeks: 0, from: ws, to: ws };
  const { firstFull, lastFull } = calendar(before, ws);
  const weeks = Math.max(0, lastFull - firstFull + 1);
  return weeks ? { weeks, from: ws + firstFull * WEEK, to: ws + (lastFull + 1) * WEEK } : { weeks: 0, from: ws, to: ws };
}

export function forecastWeek(input: ForecastInput, settings: ForecastSettings = DEFAULT_FORECAST_SETTINGS): SkuForecast[] {
  return forecastWarehouses(input, [input.cities], settings)[0];
}

/**
 * Each warehouse's forecast for one week (`warehouses`: each one's cities; undefined: every city of the
 * events) from one reading of the company's history: the regular customers are searched once for all
 * of them, not once per warehouse.
 */
export function forecastWarehouses(input: Omit<ForecastInput, 'cities'>, warehouses: readonly (readonly string[] | undefined)[], settings: ForecastSettings = DEFAULT_FORECAST_SETTINGS): SkuForecast[][] {
  const ws = input.weekStarting;
  const events = input.events.filter((e) => dayMs(e.day) < ws);
  const weekOf = (t: number) => Math.floor((t - ws) / WEEK);
  if (!events.length) return warehouses.map(() => input.skus.map((s) => emptyForecast(s)));
  const { newest, firstFull, lastFull } = calendar(events, ws);
  const categoryOf = new Map(input.skus.map((s) => [s.code, s.category]));
  // The weeks each city sold in: a city that began or stopped selling within the history is kept out of
  // the company's fit (a city joining the market would read as growth or season).
  const cityWeeks = new Map<string, { first: number; last: number }>();
  for (const e of events) {
    const w = weekOf(dayMs(e.day));
    const span = cityWeeks.get(e.city);
    if (!span) cityWeeks.set(e.city, { first: w, last: w });
    else {
      span.first = Math.min(span.first, w);
      span.last = Math.max(span.last, w);
    }
  }
  const throughout = (city: string) => {
    const span = cityWeeks.get(city);
    return !!span && span.first <= firstFull + 4 && span.last >= lastFull - 4;
  };

  // 1. Regular customers: chains of orders of one SKU at a steady rhythm — everywhere, so that no
  // city's base carries them; only the forecast cities' customers are due. Per customer, SKU and city:
  // a store re-orders for its own city (one that delivers to two keeps a rhythm in each apart). The
  // cities no warehouse forecasts and the company's fit leaves out are not searched.
  const searched = (city: string) => throughout(city) || warehouses.some((cities) => !cities || cities.includes(city));
  const lookbackFrom = ws + (lastFull + 1) * WEEK - settings.regularLookbackWeeks * WEEK;
  const pairKey = (e: DemandEvent) => `${e.customerCode}\u0000${e.skuCode}\u0000${e.city}`;
  const perPair = new Map<string, Map<number, number>>();
  for (const e of events) {
    const t = dayMs(e.day);
    if (t < lookbackFrom || !searched(e.city)) continue;
    const key = pairKey(e);
    const days = perPair.get(key) ?? new Map<number, number>();
    perPair.set(key, days);
    days.set(t, (days.get(t) ?? 0) + e.quantity);
  }
  // Units of each chain's day that are the regular order (the rest of that day's units are ordinary buying).
  const regularDays = new Map<string, number>();
  const dueBySku = new Map<string, { city: string; regular: RegularCustomer }[]>();
  for (const [key, byDay] of perPair) {
    const [customerCode, skuCode, city] = key.split('\u0000');
    // A customer may keep more than one rhythm for a SKU (a steady large order and small top-ups every
    // few days): once one is found, the rest of the orders are searched again.
    let days = [...byDay.keys()].sort((a, b) => a - b);
    for (let rhythm = 0; rhythm < MAX_RHYTHMS; rhythm++) {
      const found = findChain(days, days.map((d) => byDay.get(d)!), settings.regularMinOrders, Math.min(182, (settings.regularLookbackWeeks * 7) / 2));
      if (!found) break;
      // A chain day's units are the regular order when they are about its size; a day with more holds
      // ordinary buying besides, and keeps that in the base.
      // (A day an earlier rhythm also took keeps both rhythms' units.)
      for (const d of found.chain) {
        const units = byDay.get(d)!;
        const dayKey = `${key}\u0000${d}`;
        const regular = Math.abs(units - found.quantity) <= sameSize(found.quantity) ? units : found.quantity;
        regularDays.set(dayKey, Math.min(units, (regularDays.get(dayKey) ?? 0) + regular));
      }
      // The next search keeps the days this chain only stepped on (an order of another size).
      const taken = new Set(found.chain.filter((d) => Math.abs(byDay.get(d)! - found.quantity) <= sameSize(found.quantity)));
      days = days.filter((d) => !taken.has(d));
      const last = found.chain[found.chain.length - 1];
      const due = dueInWeek(last, found.cycle, found.stepSd, newest + DAY, ws);
      if (!due) continue;
      const list = dueBySku.get(skuCode) ?? [];
      dueBySku.set(skuCode, list);
      list.push({ city, regular: { customerCode, cycleDays: Math.round(found.cycle * 10) / 10, lastOrderedOn: beijingDate(last), dueOn: due.dueOn, orders: due.orders, quantity: found.quantity } });
    }
  }

  return warehouses.map((cities) => {
    const forecastCities = cities ? new Set(cities) : null;
    const isForecastCity = (city: string) => !forecastCities || forecastCities.has(city);
    if (!events.some((e) => isForecastCity(e.city))) return input.skus.map((s) => emptyForecast(s));
    // Group 0: the cities forecast; group 1: the rest of the company that sold throughout the history
    // (empty without `cities`); group 2: cities that began or stopped selling within it, left out.
    const groupOf = (city: string) => (isForecastCity(city) ? 0 : throughout(city) ? 1 : 2);
    const GROUPS = [0, 1];
    const forecastThroughout = [...cityWeeks.keys()].filter(isForecastCity).every(throughout);
    // Each chain day's regular units, used up as the day's events take them out of the base.
    const regularLeft = new Map(regularDays);

    // 2. Weekly base (everything but the regular chains) per group and SKU; per group and category all
    // units (the chains are only known for the recent weeks, and last year's season must be read the
    // same way throughout); each city's share of its group.
    const nWeeks = lastFull - firstFull + 1;
    const idx = (w: number) => w - firstFull;
    const weeksArray = () => new Float64Array(Math.max(0, nWeeks));
    const base = GROUPS.map(() => new Map(input.skus.map((s) => [s.code, weeksArray()])));
    const byCategory = GROUPS.map(() => new Map(input.skus.map((s) => [s.category, weeksArray()])));
    const cityUnits = new Map<string, number>();
    const groupUnits = [0, 0];
    for (const e of events) {
      const t = dayMs(e.day);
      const w = weekOf(t);
      if (w < firstFull || w > lastFull) continue;
      const g = groupOf(e.city);
      if (g === 2) continue;
      const series = base[g].get(e.skuCode);
      if (!series) continue;
      byCategory[g].get(categoryOf.get(e.skuCode)!)![idx(w)] += e.quantity;
      cityUnits.set(e.city, (cityUnits.get(e.city) ?? 0) + e.quantity);
      groupUnits[g] += e.quantity;
      const dayKey = `${pairKey(e)}\u0000${t}`;
      const regular = Math.min(e.quantity, regularLeft.get(dayKey) ?? 0);
      if (regular) regularLeft.set(dayKey, regularLeft.get(dayKey)! - regular);
      series[idx(w)] += e.quantity - regular;
    }
    const cityShare = (city: string) => (cityUnits.get(city) ?? 0) / (groupUnits[groupOf(city)] || 1);
    // The first week the forecast cities sold throughout: the week of their first sale when that was a
    // Monday, else the week after (a week they began in the middle of would pull their level down) —
    // unless that leaves none, when the days they have are all there is.
    let ownFirst = Infinity;
    for (const e of events) if (isForecastCity(e.city)) ownFirst = Math.min(ownFirst, dayMs(e.day));
    const ownFirstWeek = weekOf(ownFirst) + (ownFirst === ws + weekOf(ownFirst) * WEEK ? 0 : 1);
    let ownFrom = Math.max(0, idx(ownFirstWeek));
    if (ownFrom >= nWeeks) {
      ownFrom = 0;
      while (ownFrom < nWeeks && ![...byCategory[0].values()].some((series) => series[ownFrom] > 0)) ownFrom++;
    }

    // 3. Weather: each week's exposure of each group to each alert type (city share × days covered / 7),
    // and the lift of each type on each category by least squares against the neighbouring weeks, the
    // groups' estimates weighed by how noisy their calm weeks are.
    const types = [...new Set(input.alerts.map((a) => a.type))];
    const exposure = (g: number, w: number) => {
      const from = ws + w * WEEK;
      const out = new Map<string, number>();
      for (const a of input.alerts) {
        if (groupOf(a.city) !== g) continue;
        const days = Math.max(0, Math.min(a.endAt, from + WEEK) - Math.max(a.startAt, from)) / DAY;
        if (days > 0) out.set(a.type, (out.get(a.type) ?? 0) + (cityShare(a.city) * days) / 7);
      }
      return out;
    };
    const exposures = GROUPS.map((g) => Array.from({ length: Math.max(0, nWeeks) }, (_, i) => exposure(g, firstFull + i)));
    const lift = new Map<string, number>();
    const pastAlerts = new Map<string, number>();
    for (const a of input.alerts) if (a.endAt <= ws && groupOf(a.city) !== 2) pastAlerts.set(a.type, (pastAlerts.get(a.type) ?? 0) + 1);
    const neighbours = (g: number, series: Float64Array, i: number) => {
      const around: number[] = [];
      for (let j = Math.max(0, i - 3); j <= Math.min(series.length - 1, i + 3); j++) if (j !== i && !exposures[g][j].size) around.push(series[j]);
      return around.length >= 2 ? mean(around) : 0;
    };
    for (const category of byCategory[0].keys()) {
      // Per type: Σ x·y / noise² and Σ x² / noise² over the groups (inverse-variance weighting).
      const num = new Map<string, number>();
      const den = new Map<string, number>();
      for (const g of GROUPS) {
        const series = byCategory[g].get(category)!;
        // How much a calm week strays from its neighbours: the noise a weather effect must stand out of.
        const calmStray: number[] = [];
        for (let i = 0; i < series.length; i++) {
          const expected = neighbours(g, series, i);
          if (!exposures[g][i].size && expected > 0) calmStray.push(series[i] / expected - 1);
        }
        if (calmStray.length < 8) continue;
        const noise2 = mean(calmStray.map((r) => r * r));
        if (!(noise2 > 0)) continue;
        for (const type of types) {
          // Relative change against the neighbours ≈ (lift − 1) × exposure: least squares through 0.
          for (let i = 0; i < series.length; i++) {
            const e = exposures[g][i].get(type) ?? 0;
            const expected = e ? neighbours(g, series, i) : 0;
            if (!expected) continue;
            num.set(type, (num.get(type) ?? 0) + ((series[i] / expected - 1) * e) / noise2);
            den.set(type, (den.get(type) ?? 0) + (e * e) / noise2);
          }
        }
      }
      for (const [type, d] of den) {
        if (!d) continue;
        const beta = num.get(type)! / d;
        const se2 = 1 / d;
        // Shrunk by its own uncertainty: an effect seen a few times in noisy weeks counts for little.
        const shrunk = beta * ((beta * beta) / (beta * beta + se2));
        lift.set(`${type}\u0000${category}`, Math.min(4, Math.max(0.3, 1 + shrunk)));
      }
    }
    const weatherMultiplier = (category: string, ex: Map<string, number>) => {
      let m = 1;
      for (const [type, e] of ex) m *= 1 + ((lift.get(`${type}\u0000${category}`) ?? 1) - 1) * e;
      return m;
    };
    // The series with the weather taken out, so neither the level nor last year's season carries it.
    const calmBase = GROUPS.map((g) => new Map(input.skus.map((s) => [s.code, base[g].get(s.code)!.map((v, i) => v / weatherMultiplier(s.category, exposures[g][i]))])));

    // 4. Season and level per category. The season and the growth come from every full week of the
    // company's calm base (both groups): log units ≈ a + b·t + Σₖ (cₖ cos + sₖ sin)(2πk·t / 52.18) by
    // least squares (a smooth yearly shape and a steady growth, each week counting once; two years of
    // weeks pin it far better than any single week last year). The forecast cities' level is their share
    // of that fit over the whole history, carried to the target week and corrected by an exponential
    // smoothing of how far their weeks actually ran from it (a shift the fit has not caught yet shows
    // there first). The smoothing is slow: once a year of weeks fits the season, the weeks stray from the
    // fit mostly by chance, and a quick correction chases that chance. One year (every week of it seen
    // once) is enough to fit a season; with less, a level and a growth alone miss the season's turn.
    const levelWeeks = Array.from({ length: settings.levelWeeks }, (_, k) => lastFull - k);
    const at = (series: Float64Array, w: number) => (w >= firstFull && w <= lastFull ? series[idx(w)] : NaN);
    const harmonics = nWeeks >= settings.seasonMinWeeks ? settings.harmonics : 0;
    const regressors = (w: number) => {
      const x = [1, nWeeks >= GROWTH_MIN_WEEKS ? w / 52 : 0];
      for (let k = 1; k <= harmonics; k++) x.push(Math.cos((2 * Math.PI * k * w) / YEAR_WEEKS), Math.sin((2 * Math.PI * k * w) / YEAR_WEEKS));
      return x;
    };
    const categories = [...new Set(input.skus.map((x) => x.category))];
    const membersOf = new Map(categories.map((c) => [c, input.skus.filter((x) => x.category === c)]));
    const categorySeries = (g: number, category: string) => Float64Array.from({ length: Math.max(0, nWeeks) }, (_, i) => membersOf.get(category)!.reduce((t, m) => t + calmBase[g].get(m.code)![i], 0));
    const seasonOf = new Map<string, { index: number; ratio: number; level: number }>();
    for (const category of categories) {
      const own = categorySeries(0, category);
      const rest = categorySeries(1, category);
      // The forecast cities join the company's fit when they sold throughout too (or are all there is).
      const restSold = rest.some((v) => v > 0);
      const series = own.map((v, i) => (forecastThroughout || !restSold ? v : 0) + rest[i]);
      const weeks = Array.from(series.keys()).filter((i) => series[i] > 0);
      if (weeks.length < 4) continue;
      const beta = leastSquares(
        weeks.map((i) => regressors(firstFull + i)),
        weeks.map((i) => Math.log(series[i])),
      );
      if (!beta) continue;
      let trendAt = (w: number) => Math.exp(beta[0] + beta[1] * regressors(w)[1]);
      const rawSeason = (w: number) => Math.exp(regressors(w).slice(2).reduce((t, x, k) => t + x * beta[k + 2], 0));
      // The yearly shape scaled so that its average week is 1.
      const norm = mean(Array.from({ length: 52 }, (_, k) => rawSeason(k)));
      let seasonAt = (w: number) => rawSeason(w) / norm;
      // A season is a share more or less of the category's average week (1 + a·cos + b·sin), not a power
      // of it: one log harmonic flattens a strong season's peak and deepens its trough. So the shape is
      // refitted on the units themselves, deflated by the growth, and the growth on the units divided by
      // that shape — a few rounds, starting from the log fit.
      if (harmonics) {
        let growth = beta[1];
        for (let round = 0; round < 3; round++) {
          const deflated = leastSquares(
            weeks.map((i) => [1, ...regressors(firstFull + i).slice(2)]),
            weeks.map((i) => series[i] / Math.exp(growth * regressors(firstFull + i)[1])),
          );
          if (!deflated || deflated[0] <= 0) break;
          const shape = (w: number) => regressors(w).slice(2).reduce((t, x, k) => t + x * deflated[k + 1], deflated[0]) / deflated[0];
          const shaped = weeks.filter((i) => shape(firstFull + i) > 0);
          const trend = leastSquares(
            shaped.map((i) => regressors(firstFull + i).slice(0, 2)),
            shaped.map((i) => Math.log(series[i] / shape(firstFull + i))),
          );
          if (!trend) break;
          growth = trend[1];
          // The harmonics average 0 over a year, so the shape's average week is already 1.
          seasonAt = (w: number) => Math.max(0.05, shape(w));
          trendAt = (w: number) => Math.exp(trend[0] + trend[1] * regressors(w)[1]);
        }
      }
      // The forecast cities' part of the company's fitted weeks, then the drift of their own weeks from it.
      // Only from the week the forecast cities first sold (a warehouse or city that started later).
      let fittedTotal = 0;
      let ownTotal = 0;
      for (let i = ownFrom; i < own.length; i++) {
        fittedTotal += trendAt(firstFull + i) * seasonAt(firstFull + i);
        ownTotal += own[i];
      }
      const part = fittedTotal > 0 ? ownTotal / fittedTotal : 0;
      let drift = 1;
      for (let i = ownFrom; i < own.length; i++) {
        const fitted = part * trendAt(firstFull + i) * seasonAt(firstFull + i);
        if (fitted > 0) drift += settings.levelAlpha * (own[i] / fitted - drift);
      }
      const recentSeason = mean(levelWeeks.map(seasonAt));
      seasonOf.set(category, { index: seasonAt(0), ratio: recentSeason > 0 ? seasonAt(0) / recentSeason : 1, level: part * trendAt(0) * drift });
    }

    // Each SKU's share of its category, from the company's weeks: every week counts, the older ones less
    // (half-life of a year).
    const shareOf = new Map<string, number>();
    for (const members of membersOf.values()) {
      const weighted = (code: string) => GROUPS.reduce((sum: number, g) => sum + calmBase[g].get(code)!.reduce((t, v, i) => t + v * 0.5 ** ((nWeeks - 1 - i) / 52), 0), 0);
      const total = members.reduce((t, m) => t + weighted(m.code), 0);
      if (total > 0) for (const m of members) shareOf.set(m.code, weighted(m.code) / total);
    }

    // 5. The target week's weather in the forecast cities.
    const targetExposure = exposure(0, 0);
    const targetAlerts = input.alerts.filter((a) => groupOf(a.city) === 0 && a.startAt < ws + WEEK && a.endAt > ws);

    return input.skus.map((s) => {
      const series = calmBase[0].get(s.code)!;
      const season = seasonOf.get(s.category);
      // The SKU's level is its share of its category times the category's level for the target week
      // (without season, weather and regular customers): a category's weeks are steadier than one SKU's.
      const level = season ? (shareOf.get(s.code) ?? 0) * season.level : mean(levelWeeks.map((w) => at(series, w)).filter((v) => !Number.isNaN(v)));
      const weather = weatherMultiplier(s.category, targetExposure);
      const regulars = (dueBySku.get(s.code) ?? []).filter((d) => isForecastCity(d.city) && d.regular.orders >= 0.05).map((d) => d.regular).sort((a, b) => a.customerCode.localeCompare(b.customerCode));
      const regularUnits = regulars.reduce((sum, r) => sum + r.quantity * r.orders, 0);
      // Spread of the weekly base around a four-week moving level.
      const residuals: number[] = [];
      for (let i = Math.max(settings.levelWeeks, series.length - 12); i < series.length; i++) residuals.push(series[i] - mean(Array.from(series.slice(i - settings.levelWeeks, i))));
      const sigma = residuals.length >= 4 ? Math.sqrt(mean(residuals.map((r) => r * r))) : Math.sqrt(Math.max(1, level));
      return {
        skuCode: s.code,
        category: s.category,
        units: level * (season?.index ?? 1) * weather + regularUnits,
        level,
        seasonalIndex: season?.index ?? 1,
        seasonalRatio: season?.ratio ?? 1,
        weatherMultiplier: weather,
        weather: targetAlerts.map((a) => ({
          alertId: a.alertId,
          city: a.city,
          type: a.type,
          level: a.level,
          days: Math.round((Math.max(0, Math.min(a.endAt, ws + WEEK) - Math.max(a.startAt, ws)) / DAY) * 10) / 10,
          lift: lift.get(`${a.type}\u0000${s.category}`) ?? 1,
          pastAlerts: pastAlerts.get(a.type) ?? 0,
        })),
        regularUnits,
        regulars,
        sigma,
      };
    });
  });
}

function emptyForecast(s: { code: string; category: string }): SkuForecast {
  return { skuCode: s.code, category: s.category, units: 0, level: 0, seasonalIndex: 1, seasonalRatio: 1, weatherMultiplier: 1, weather: [], regularUnits: 0, regulars: [], sigma: 0 };
}

export interface ReplenishmentInput {
  forecastUnits: number;
  sigma: number;
  leadTimeDays: number;
  usable: number;
  openRequisitions: number;
}

/** Service level of the safety stock: z for about 95 % of weeks without a stock-out. */
export const SAFETY_Z = 1.65;

/**
 * Order-up-to: enough for the lead time and the week after it arrives, plus safety stock for the
 * forecast's spread over that time, less what is usable and already requested.
 */
export function suggestedQuantity(r: ReplenishmentInput): { quantity: number; cover: number; safety: number } {
  const coverWeeks = (r.leadTimeDays + 7) / 7;
  const cover = r.forecastUnits * coverWeeks;
  const safety = SAFETY_Z * r.sigma * Math.sqrt(coverWeeks);
  return { quantity: Math.max(0, Math.ceil(cover + safety - r.usable - r.openRequisitions)), cover, safety };
}
