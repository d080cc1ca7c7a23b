// Regular customers in the forecast (subgraphs/order-link/src/planning/forecast.ts), over generated
// variants written apart from the simulator's history: a steady order at any cycle from 8 to 50 days
// (not the generator's whole days), a step straying up to two days, now and then a skipped order, and
// other buying of the same SKU in other sizes besides — found, at its cycle, due in the right week; a
// customer who buys the SKU all the time in sizes that come at random — no rhythm named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../legacy-sim/src/random.js';
import { forecastWarehouses, forecastWeek, fullWeeks, type DemandEvent } from '../subgraphs/order-link/src/planning/forecast.js';
import { beijingDate, parseBeijing } from '../common/src/time.js';

const DAY = 86_400_000;
const START = parseBeijing('2023-11-06')!; // a Monday
const SKUS = [{ code: 'SKU-A', category: 'filter' }, { code: 'SKU-B', category: 'filter' }];

/** Steady ordinary buying by many customers up to the day before the week, so the data ends there. */
function background(rng: Random, until: number): DemandEvent[] {
  const events: DemandEvent[] = [];
  for (let t = START; t < until; t += DAY) {
    for (let k = 0; k < 3; k++) events.push({ day: beijingDate(t), city: '上海', customerCode: `BG${rng.int(100, 999)}`, skuCode: rng.pick(['SKU-A', 'SKU-B']), quantity: rng.int(1, 12) });
  }
  return events;
}

const mondayOnOrBefore = (t: number) => {
  let m = t;
  while (new Date(m + 8 * 3_600_000).getUTCDay() !== 1) m -= DAY;
  return m;
};

test('a steady order found among other buying of the same SKU, at its cycle, due in its week', () => {
  const missed: string[] = [];
  const variants = 40;
  for (let seed = 1; seed <= variants; seed++) {
    const rng = new Random(seed * 7919);
    const cycle = 8 + rng.next() * 42;
    const size = rng.int(6, 40);
    const events: DemandEvent[] = [];
    let at = START + rng.int(0, 20) * DAY;
    let last = at;
    // A year and a half of the rhythm; one order in twenty skipped (not the last).
    const end = START + 540 * DAY;
    for (; at < end; at += Math.round(cycle + rng.int(-2, 2)) * DAY) {
      last = at;
      if (at + (cycle + 2) * DAY < end && rng.chance(0.05)) continue;
      events.push({ day: beijingDate(at), city: '上海', customerCode: 'C0001', skuCode: 'SKU-A', quantity: size + rng.int(-Math.max(1, Math.round(size * 0.1)), Math.max(1, Math.round(size * 0.1))) });
    }
    // Other buying of the same SKU by the same customer, at random every four days or so in small sizes (in half the variants).
    if (seed % 2) for (let t = START + rng.int(0, 4) * DAY; t < last; t += Math.max(1, Math.round(-4 * Math.log(1 - rng.next()))) * DAY) events.push({ day: beijingDate(t), city: '上海', customerCode: 'C0001', skuCode: 'SKU-A', quantity: rng.int(1, Math.max(1, Math.floor(size / 3))) });
    // The week the next order falls in by the rhythm.
    const ws = mondayOnOrBefore(last + Math.round(cycle) * DAY);
    const data = [...events, ...background(rng, ws)];
    const forecast = forecastWeek({ weekStarting: ws, events: data, skus: SKUS, alerts: [] });
    // The steady order (the top-ups may be named as a rhythm of their own besides).
    const named = forecast.find((f) => f.skuCode === 'SKU-A')!.regulars.find((r) => r.customerCode === 'C0001' && Math.abs(r.quantity - size) <= Math.max(1.5, 0.15 * size));
    if (!named || Math.abs(named.cycleDays - cycle) > 1.5 || named.orders < 0.5) {
      missed.push(`seed ${seed}: cycle ${cycle.toFixed(1)} size ${size} → ${named ? `${named.cycleDays} d × ${named.quantity}, ${named.orders.toFixed(2)} orders` : 'not named'}`);
    }
  }
  // A stray variant may fall where the week boundary splits the due order's chance; no more.
  assert.ok(missed.length <= 2, `${missed.length} of ${variants} missed:\n${missed.join('\n')}`);
});

test('the last steady orders came with other units of the SKU the same day: the rhythm runs on to the last of them', () => {
  const missed: string[] = [];
  const variants = 40;
  for (let seed = 1; seed <= variants; seed++) {
    const rng = new Random(seed * 6007);
    const cycle = 8 + rng.next() * 42;
    const size = rng.int(6, 40);
    const orders: number[] = [];
    for (let at = START + rng.int(0, 20) * DAY; at < START + 540 * DAY; at += Math.round(cycle + rng.int(-2, 2)) * DAY) orders.push(at);
    const last = orders[orders.length - 1];
    // The last one to three steady orders share their day with other buying of the SKU (half to twice the size).
    const merged = rng.int(1, 3);
    const events: DemandEvent[] = orders.map((at, k) => ({ day: beijingDate(at), city: '上海', customerCode: 'C0003', skuCode: 'SKU-A', quantity: size + rng.int(-1, 1) + (k >= orders.length - merged ? rng.int(Math.ceil(size / 2), 2 * size) : 0) }));
    // And small top-ups every few days since, so the last steady orders are not among the customer's last few.
    for (let t = last - rng.int(10, 40) * DAY; t < last + Math.round(cycle - 3) * DAY; t += rng.int(2, 5) * DAY) if (!orders.includes(t)) events.push({ day: beijingDate(t), city: '上海', customerCode: 'C0003', skuCode: 'SKU-A', quantity: rng.int(1, Math.max(1, Math.floor(size / 3))) });
    const ws = mondayOnOrBefore(last + Math.round(cycle) * DAY);
    const forecast = forecastWeek({ weekStarting: ws, events: [...events, ...background(rng, ws)], skus: SKUS, alerts: [] });
    const named = forecast.find((f) => f.skuCode === 'SKU-A')!.regulars.find((r) => r.customerCode === 'C0003' && Math.abs(r.quantity - size) <= Math.max(1.5, 0.15 * size));
    if (!named || named.lastOrderedOn !== beijingDate(last) || named.orders < 0.5) {
      missed.push(`seed ${seed}: cycle ${cycle.toFixed(1)} size ${size}, last ${beijingDate(last)} (${merged} merged) → ${named ? `${named.cycleDays} d × ${named.quantity}, last ${named.lastOrderedOn}, ${named.orders.toFixed(2)} orders` : 'not named'}`);
    }
  }
  assert.ok(missed.length <= 2, `${missed.length} of ${variants} missed:\n${missed.join('\n')}`);
});

test('a customer late for the next order is due from the end of the data, once in the week, not a cycle after the last order', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const rng = new Random(seed * 3571);
    const cycle = rng.int(8, 30);
    const size = rng.int(8, 40);
    const late = rng.int(1, 2);
    // A steady rhythm (steps ± 2 days) whose next order is one or two days late when the data ends, the
    // day before the week.
    const ws = START + 60 * 7 * DAY;
    const events: DemandEvent[] = [];
    for (let t = ws - (cycle + late) * DAY; t > START; t -= (cycle + rng.int(-2, 2)) * DAY) events.push({ day: beijingDate(t), city: '上海', customerCode: 'C0004', skuCode: 'SKU-A', quantity: size + rng.int(-1, 1) });
    const data = [...events, ...background(rng, ws)];
    const named = forecastWeek({ weekStarting: ws, events: data, skus: SKUS, alerts: [] })
      .find((f) => f.skuCode === 'SKU-A')!
      .regulars.find((r) => r.customerCode === 'C0004');
    assert.ok(named, `seed ${seed}: cycle ${cycle}, ${late} d late: named`);
    assert.deepEqual(named.dueOn, [beijingDate(ws)], `seed ${seed}: due on the week's first day`);
    assert.ok(named.orders >= 0.9 && named.orders <= 1.05, `seed ${seed}: cycle ${cycle}, ${late} d late: ${named.orders.toFixed(3)} orders expected (one, and the one after it a cycle later)`);
  }
});

test('a rhythm that stopped while the customer goes on buying that much every few days is not carried on as due', () => {
  const named: string[] = [];
  for (let seed = 1; seed <= 30; seed++) {
    const rng = new Random(seed * 911);
    const cycle = rng.int(10, 35);
    const size = rng.int(10, 40);
    const ws = START + 70 * 7 * DAY;
    const stopped = ws - Math.round((1.5 + 1.5 * rng.next()) * cycle) * DAY;
    const events: DemandEvent[] = [];
    for (let t = stopped; t > START; t -= (cycle + rng.int(-2, 2)) * DAY) events.push({ day: beijingDate(t), city: '上海', customerCode: 'C0005', skuCode: 'SKU-A', quantity: size + rng.int(-1, 1) });
    for (let t = stopped + rng.int(1, 3) * DAY; t < ws; t += rng.int(1, 4) * DAY) events.push({ day: beijingDate(t), city: '上海', customerCode: 'C0005', skuCode: 'SKU-A', quantity: rng.int(Math.round(1.5 * size), 3 * size) });
    const forecast = forecastWeek({ weekStarting: ws, events: [...events, ...background(rng, ws)], skus: SKUS, alerts: [] });
    for (const r of forecast.find((f) => f.skuCode === 'SKU-A')!.regulars) {
      if (r.customerCode === 'C0005' && Math.abs(r.quantity - size) <= Math.max(1.5, 0.15 * size) && r.orders >= 0.3) named.push(`seed ${seed}: cycle ${cycle} × ${size} stopped ${beijingDate(stopped)} → due ${r.orders.toFixed(2)}, last ${r.lastOrderedOn}`);
    }
  }
  assert.deepEqual(named, []);
});

test('a customer who buys the SKU all the time at random sizes and days is no regular customer', () => {
  const named: string[] = [];
  const variants = 40;
  for (let seed = 1; seed <= variants; seed++) {
    const rng = new Random(seed * 104_729);
    const ws = START + 77 * 7 * DAY;
    const events: DemandEvent[] = [];
    const often = rng.int(2, 8);
    const top = rng.int(4, 16);
    for (let t = START; t < ws; t += rng.int(1, 2 * often) * DAY) events.push({ day: beijingDate(t), city: '上海', customerCode: 'C0002', skuCode: 'SKU-B', quantity: rng.int(1, top) });
    const forecast = forecastWeek({ weekStarting: ws, events: [...events, ...background(rng, ws)], skus: SKUS, alerts: [] });
    for (const f of forecast) for (const r of f.regulars) named.push(`seed ${seed}: ${r.customerCode} ${f.skuCode} ${r.cycleDays} d × ${r.quantity}`);
  }
  assert.deepEqual(named, []);
});

test("a city that joined the market mid-history reads as neither growth nor season: each city's forecast stays at its own level", () => {
  for (let seed = 1; seed <= 10; seed++) {
    const rng = new Random(seed * 31);
    const ws = START + 104 * 7 * DAY;
    const joinedAt = START + rng.int(40, 90) * 7 * DAY;
    const linesPerDay = { 杭州: rng.int(6, 14), 宁波: rng.int(2, 6) };
    const events: DemandEvent[] = [];
    for (let t = START; t < ws; t += DAY) {
      for (const [city, n] of Object.entries(linesPerDay)) {
        if (city === '宁波' && t < joinedAt) continue;
        for (let k = 0; k < n; k++) events.push({ day: beijingDate(t), city, customerCode: `${city}-${rng.int(1, 400)}`, skuCode: rng.pick(['SKU-A', 'SKU-B']), quantity: rng.int(1, 5) });
      }
    }
    for (const [city, n] of Object.entries(linesPerDay)) {
      const units = forecastWeek({ weekStarting: ws, events, skus: SKUS, alerts: [], cities: [city] }).reduce((s, f) => s + f.units, 0);
      const expected = n * 7 * 3; // lines a day × 7 days × the mean quantity
      assert.ok(Math.abs(units - expected) <= 0.1 * expected, `seed ${seed} ${city} (宁波 from week ${(joinedAt - START) / 7 / DAY}): ${units.toFixed(0)} units forecast, ${expected} expected`);
    }
  }
});

test('a city that began selling in the middle of a week is forecast at its own rate, not pulled down by that part week', () => {
  const ws = START + 60 * 7 * DAY;
  for (const [startedDaysBefore, perDay] of [[25, 4], [39, 9], [18, 2], [60, 5]] as const) {
    const began = ws - startedDaysBefore * DAY;
    const events: DemandEvent[] = [];
    for (let t = START; t < ws; t += DAY) {
      // Each line its own customer, so no rhythm is found; three units a line.
      for (let k = 0; k < 10; k++) events.push({ day: beijingDate(t), city: '杭州', customerCode: `杭州-${t}-${k}`, skuCode: k % 2 ? 'SKU-A' : 'SKU-B', quantity: 3 });
      if (t >= began) for (let k = 0; k < perDay; k++) events.push({ day: beijingDate(t), city: '宁波', customerCode: `宁波-${t}-${k}`, skuCode: k % 2 ? 'SKU-A' : 'SKU-B', quantity: 3 });
    }
    const units = forecastWeek({ weekStarting: ws, events, skus: SKUS, alerts: [], cities: ['宁波'] }).reduce((sum, f) => sum + f.units, 0);
    assert.ok(Math.abs(units - perDay * 7 * 3) <= 0.02 * perDay * 7 * 3, `began ${startedDaysBefore} days before: ${units.toFixed(1)} units forecast, ${perDay * 7 * 3} sold a week`);
  }
});

test('full weeks of a history: the Monday-to-Sunday weeks between its first and last day, whatever weekdays it begins and ends on', () => {
  const rng = new Random(4242);
  for (let k = 0; k < 60; k++) {
    const first = START + rng.int(0, 30) * DAY;
    const last = first + rng.int(0, 40) * DAY;
    const ws = mondayOnOrBefore(last) + (rng.chance(0.5) ? 14 : 7) * DAY; // a Monday after the last day
    // And a sale on or after the week's Monday, which the week's history does not hold.
    const events: DemandEvent[] = [first, last, ws + rng.int(0, 20) * DAY].map((t) => ({ day: beijingDate(t), city: '上海', customerCode: 'C1', skuCode: 'SKU-A', quantity: 1 }));
    // Counted by hand: each Monday whose week lies wholly within [first, last] and before ws.
    let expected = 0;
    for (let m = mondayOnOrBefore(first); m + 6 * DAY <= last; m += 7 * DAY) if (m >= first && m + 7 * DAY <= ws) expected++;
    const got = fullWeeks(events, ws);
    assert.equal(got.weeks, expected, `${beijingDate(first)} … ${beijingDate(last)}, week of ${beijingDate(ws)}`);
    // The first full week's Monday on or after the first day, the last one's end on or before the day after the last.
    if (expected) assert.ok(got.from >= first && got.from - first < 7 * DAY && got.to <= last + DAY && last + DAY - got.to < 7 * DAY && (got.to - got.from) / (7 * DAY) === expected);
  }
  assert.deepEqual(fullWeeks([], START), { weeks: 0, from: START, to: START });
});

test('every warehouse forecast from one reading of the history is what it would be alone', () => {
  const rng = new Random(77);
  const ws = START + 60 * 7 * DAY;
  const events: DemandEvent[] = [];
  for (let t = START; t < ws; t += DAY) {
    // 温州 joins the market in week 30; 无锡 is no warehouse's.
    for (const city of ['杭州', '宁波', '苏州', '无锡', ...(t >= START + 30 * 7 * DAY ? ['温州'] : [])]) for (let k = 0; k < 4; k++) events.push({ day: beijingDate(t), city, customerCode: `${city}-${rng.int(1, 40)}`, skuCode: rng.pick(['SKU-A', 'SKU-B']), quantity: rng.int(1, 5) });
    // A regular customer in 宁波, every 12 days.
    if (Math.round((t - START) / DAY) % 12 === 0) events.push({ day: beijingDate(t), city: '宁波', customerCode: 'R1', skuCode: 'SKU-B', quantity: 30 });
  }
  const warehouses = [['杭州'], ['宁波', '苏州', '温州'], undefined];
  const together = forecastWarehouses({ weekStarting: ws, events, skus: SKUS, alerts: [] }, warehouses);
  warehouses.forEach((cities, i) => assert.deepEqual(together[i], forecastWeek({ weekStarting: ws, events, skus: SKUS, alerts: [], cities })));
  assert.ok(together[1].find((f) => f.skuCode === 'SKU-B')!.regulars.some((r) => r.customerCode === 'R1' && r.cycleDays === 12));
  assert.equal(together[0].find((f) => f.skuCode === 'SKU-B')!.regulars.length, 0);
});
