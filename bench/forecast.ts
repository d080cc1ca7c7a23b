// Backtest of next week's demand forecast (subgraphs/order-link/src/planning/forecast.ts) over rolling
// weeks of generated history: WAPE and bias against two naive baselines — the mean of the last four
// weeks and the same week last year — and the stock-outs and overstock each would have caused when
// used to order (same order-up-to policy and safety stock for all three; only the point forecast
// differs). The model only sees the history before each week, as the service does: the whole company's
// orders, forecasting one warehouse's cities.
// Run: npm run bench:forecast [-- --weeks 104 --orders-per-day 400 --test-weeks 52 --seed 20251108]
import { execSync } from 'node:child_process';
import { DEFAULT_SEED_OPTIONS, generate } from '../legacy-sim/src/generator.js';
import { CITIES, leadTimeDays } from '../legacy-sim/src/world.js';
import { forecastWarehouses, suggestedQuantity, type AlertSpan, type DemandEvent } from '../subgraphs/order-link/src/planning/forecast.js';
import { parseBeijing } from '../common/src/time.js';
import { args, machine, writeResult } from './lib.js';

const opts = args({ weeks: '104', 'orders-per-day': '400', customers: '2000', 'test-weeks': '52', seed: String(DEFAULT_SEED_OPTIONS.seed), out: 'bench/results/forecast.md' });
const DAY = 86_400_000;
const WEEK = 7 * DAY;
const started = Date.now();
const data = generate({ ...DEFAULT_SEED_OPTIONS, seed: Number(opts.seed), orders: 10, days: 1, customers: Number(opts.customers), history: { weeks: Number(opts.weeks), ordersPerDay: Number(opts['orders-per-day']) } });
const history = data.history!;
const generatedMs = Date.now() - started;
const from = parseBeijing(history.truth.from)!;
const to = parseBeijing(history.truth.to)!;
const lastWeek = from + Math.floor((to - from) / WEEK) * WEEK - WEEK; // the last full week
const testWeeks = Array.from({ length: Number(opts['test-weeks']) }, (_, k) => lastWeek - (Number(opts['test-weeks']) - 1 - k) * WEEK);
const skus = data.world.goods.map((g) => ({ code: g.code, category: g.category }));
const dayText = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);

type Policy = 'model' | 'mean4' | 'lastYear';
const POLICIES: Policy[] = ['model', 'mean4', 'lastYear'];
const totals = Object.fromEntries(POLICIES.map((p) => [p, { absErr: 0, err: 0, stockouts: 0, overstock: 0, onHand: 0 }])) as Record<Policy, { absErr: number; err: number; stockouts: number; overstock: number; onHand: number }>;
const floor = { absErr: 0, err: 0 };
let actualTotal = 0;
let demandWeeks = 0;

// The company's orders and alerts: the model learns the season, growth, weather and SKU shares from all
// of them and forecasts one warehouse's cities at a time, as the service does.
const companyEvents: DemandEvent[] = [];
for (const o of history.orders) {
  const day = dayText(o.orderedAt);
  for (const l of o.lines) companyEvents.push({ day, city: o.region, customerCode: o.customerCode, skuCode: l.skuCode, quantity: l.quantity });
}
const sorted = [...companyEvents].sort((a, b) => a.day.localeCompare(b.day));
const alerts: AlertSpan[] = history.alerts.map((a) => ({ alertId: a.alert_id, city: a.city, type: a.alert_type, level: a.level, startAt: parseBeijing(a.start_time)!, endAt: parseBeijing(a.end_time)! }));

// Every warehouse's forecast of each test week, from one reading of the orders before it.
const warehouses = [...new Set(CITIES.map((c) => c.warehouse))];
const citiesOf = warehouses.map((wh) => CITIES.filter((c) => c.warehouse === wh).map((c) => c.name));
const forecastsOf = new Map<number, ReturnType<typeof forecastWarehouses>>();
let cut = 0;
let forecastMs = 0;
for (const w of testWeeks) {
  while (cut < sorted.length && parseBeijing(sorted[cut].day)! < w) cut++;
  const t0 = Date.now();
  forecastsOf.set(w, forecastWarehouses({ weekStarting: w, events: sorted.slice(0, cut), skus, alerts }, citiesOf));
  forecastMs += Date.now() - t0;
}

for (const [whIndex, wh] of warehouses.entries()) {
  const cities = new Set(citiesOf[whIndex]);
  // Actual units per SKU and week.
  const actual = new Map<string, number>();
  for (const e of companyEvents) {
    if (!cities.has(e.city)) continue;
    const t = parseBeijing(e.day)!;
    const w = from + Math.floor((t - from) / WEEK) * WEEK;
    const key = `${e.skuCode}|${w}`;
    actual.set(key, (actual.get(key) ?? 0) + e.quantity);
  }
  const units = (sku: string, w: number) => actual.get(`${sku}|${w}`) ?? 0;
  // The noise floor (ground truth, for reference only; the model never sees it): the demand process's
  // own mean for the base and the regular customers' orders exactly as they came. No forecast made
  // from the orders can do better than chance allows around that mean.
  const regularUnits = new Map<string, number>();
  for (const o of history.orders) {
    if (!cities.has(o.region)) continue;
    const w = from + Math.floor((parseBeijing(dayText(o.orderedAt))! - from) / WEEK) * WEEK;
    for (const l of o.lines) if (l.regular) regularUnits.set(`${l.skuCode}|${w}`, (regularUnits.get(`${l.skuCode}|${w}`) ?? 0) + l.quantity);
  }
  const expectedBase = new Map(history.truth.expected.filter((x) => x.warehouseCode === wh).map((x) => [`${x.skuCode}|${parseBeijing(x.weekStarting)}`, x.baseUnits]));
  // Stock per policy and SKU: start with two weeks of the first forecast; orders arrive after the lead time.
  const stock = new Map<string, { onHand: number; pipeline: { at: number; qty: number }[] }>();
  for (const w of testWeeks) {
    const forecasts = forecastsOf.get(w)![whIndex];
    for (const f of forecasts) {
      const a = units(f.skuCode, w);
      const mean4 = [1, 2, 3, 4].reduce((s, k) => s + units(f.skuCode, w - k * WEEK), 0) / 4;
      const lastYear = units(f.skuCode, w - 52 * WEEK);
      const point: Record<Policy, number> = { model: f.units, mean4, lastYear };
      actualTotal += a;
      demandWeeks++;
      const oracle = (expectedBase.get(`${f.skuCode}|${w}`) ?? 0) + (regularUnits.get(`${f.skuCode}|${w}`) ?? 0);
      floor.absErr += Math.abs(oracle - a);
      floor.err += oracle - a;
      const lead = leadTimeDays(data.world.sku.get(f.skuCode)!) ?? 7;
      for (const p of POLICIES) {
        totals[p].absErr += Math.abs(point[p] - a);
        totals[p].err += point[p] - a;
        const key = `${p}|${f.skuCode}`;
        const s = stock.get(key) ?? { onHand: Math.round(point[p] * 2), pipeline: [] };
        stock.set(key, s);
        s.onHand += s.pipeline.filter((x) => x.at <= w).reduce((sum, x) => sum + x.qty, 0);
        s.pipeline = s.pipeline.filter((x) => x.at > w);
        const onOrder = s.pipeline.reduce((sum, x) => sum + x.qty, 0);
        const q = suggestedQuantity({ forecastUnits: point[p], sigma: f.sigma, leadTimeDays: lead, usable: s.onHand, openRequisitions: onOrder }).quantity;
        if (q > 0) s.pipeline.push({ at: w + Math.ceil(lead / 7) * WEEK, qty: q });
        totals[p].stockouts += Math.max(0, a - s.onHand);
        s.onHand = Math.max(0, s.onHand - a);
        totals[p].onHand += s.onHand;
        // Overstock: what is left beyond the next two weeks' actual demand.
        totals[p].overstock += Math.max(0, s.onHand - units(f.skuCode, w + WEEK) - units(f.skuCode, w + 2 * WEEK));
      }
    }
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const row = (p: Policy, name: string) =>
  `| ${name} | ${pct(totals[p].absErr / actualTotal)} | ${pct(totals[p].err / actualTotal)} | ${Math.round(totals[p].stockouts).toLocaleString('en-US')} (${pct(totals[p].stockouts / actualTotal)} of demand) | ${Math.round(totals[p].overstock / testWeeks.length).toLocaleString('en-US')} | ${Math.round(totals[p].onHand / testWeeks.length).toLocaleString('en-US')} |`;
const wape = (p: Policy) => totals[p].absErr / actualTotal;
const gain = (p: Policy) => 1 - wape('model') / wape(p);
const target = gain('mean4') >= 0.2 && gain('lastYear') >= 0.2;
const load = execSync('uptime').toString().trim();
const command = `npm run bench:forecast -- --weeks ${opts.weeks} --orders-per-day ${opts['orders-per-day']} --customers ${opts.customers} --test-weeks ${opts['test-weeks']} --seed ${opts.seed}`;
const md = `# Demand forecast backtest

\`${command}\` — ${new Date().toISOString().slice(0, 10)}, ${machine()}.
Load while it ran: \`${load}\`.

Generated history: ${opts.weeks} weeks (${history.truth.from} … ${history.truth.to}), about ${opts['orders-per-day']} orders a day,
${history.orders.length.toLocaleString('en-US')} orders, ${history.alerts.length} weather alerts, ${history.truth.cycles.length} regular customer × SKU cycles (generated in ${generatedMs} ms).
Backtest: the last ${testWeeks.length} full weeks (${dayText(testWeeks[0])} … ${dayText(testWeeks[testWeeks.length - 1])}), 3 warehouses × ${skus.length} SKUs,
${demandWeeks.toLocaleString('en-US')} SKU-weeks, ${Math.round(actualTotal).toLocaleString('en-US')} units demanded. Each week the model sees only the orders before it
and the weather alerts known for it (alerts are forecasts, issued before the week).

| forecast | WAPE | bias | stock-outs (units short) | overstock (units a week beyond 2 weeks' demand) | mean stock held (units) |
| --- | --- | --- | --- | --- | --- |
${row('model', 'model (season × regular customers × weather)')}
${row('mean4', 'mean of the last four weeks')}
${row('lastYear', 'same week last year')}

WAPE = Σ|forecast − actual| / Σ actual over all SKU-weeks; bias = Σ(forecast − actual) / Σ actual.
Noise floor (ground truth, not a forecast anyone could make): the demand process's own weekly mean plus the regular
customers' orders exactly as they came gives WAPE ${pct(floor.absErr / actualTotal)} (bias ${pct(floor.err / actualTotal)}); the target needs
${pct(0.8 * Math.min(wape('mean4'), wape('lastYear')))} or less.
The model's WAPE is ${pct(gain('mean4'))} lower than the four-week mean's and ${pct(gain('lastYear'))} lower than last year's.
Target (≥ 20 % lower than both): **${target ? 'met' : 'missed'}**.

Stock simulation: each policy orders every Monday up to (lead time + 1 week) of its forecast plus 1.65 σ of the
model's weekly base spread (the same σ for all three), less stock on hand and on order; orders arrive after the SKU's lead time
rounded up to whole weeks; demand that finds no stock is lost (counted as stock-out units).
Run ${Math.round((Date.now() - started) / 1000)} s in all; the forecasts took ${(forecastMs / testWeeks.length / 1000).toFixed(1)} s a week for the three warehouses together.
`;
console.log(md);
writeResult(opts.out, md);
