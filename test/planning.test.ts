// Purchase planning end to end: the generator's order history (season, regular customers, weather)
// seeded into MariaDB, purchaseSuggestions and createRequisitions asked through the gateway, every
// figure checked against the ERP and WMS rows and the generator's ground truth.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../common/src/db.js';
import { beijingDate, parseBeijing } from '../common/src/time.js';
import { DEFAULT_SEED_OPTIONS, generate } from '../legacy-sim/src/generator.js';
import { CITIES, LEAD_TIME_DAYS } from '../legacy-sim/src/world.js';
import { startStack, type Stack } from './helpers/stack.js';

const DAY = 86_400_000;
const WEEK_OF = '2025-11-10';
const HISTORY = { weeks: 60, ordersPerDay: 60 };
const CJK = /[\u4e00-\u9fff]/;

describe('the generator’s order history', () => {
  const base = { ...DEFAULT_SEED_OPTIONS, orders: 300, days: 2, customers: 200 };

  test('changes nothing else the generator makes: same stories, same ground truth', () => {
    const without = generate(base);
    const withHistory = generate({ ...base, history: { weeks: 20, ordersPerDay: 40 } });
    const { history, ...truth } = withHistory.truth;
    assert.ok(history);
    assert.deepEqual(truth, without.truth);
    assert.deepEqual(withHistory.orders.map((o) => o.erpOrderNo), without.orders.map((o) => o.erpOrderNo));
    assert.deepEqual(withHistory.weatherAlerts, without.weatherAlerts);
  });

  for (const seed of [7, 20251108, 99]) {
    test(`seed ${seed}: a year and more of history with a season per category, regular cycles and weather that moves demand`, () => {
      const data = generate({ ...base, seed, history: { weeks: 60, ordersPerDay: 120 } });
      const h = data.history!;
      assert.ok((parseBeijing(h.truth.to)! - parseBeijing(h.truth.from)!) / DAY >= 365, 'at least a year');
      assert.ok(h.orders.every((o) => o.orderedAt < parseBeijing(data.options.start)!), 'history ends where the generated days begin');
      const numbers = new Set(h.orders.map((o) => o.erpOrderNo));
      assert.equal(numbers.size, h.orders.length, 'order numbers are unique');
      assert.ok(data.orders.every((o) => !numbers.has(o.erpOrderNo)));

      // Season: the category with the widest swing sells more in the month around its peak than around its trough.
      const category = new Map(data.world.goods.map((g) => [g.code, g.category]));
      const [widest, s] = Object.entries(h.truth.seasonality).sort((a, b) => b[1].amplitude - a[1].amplitude)[0];
      const dayOfYear = (t: number) => Math.floor((t - Date.parse(`${new Date(t + 8 * 3_600_000).toISOString().slice(0, 4)}-01-01T00:00:00+08:00`)) / DAY) + 1;
      const near = (d: number, peak: number) => Math.min(Math.abs(d - peak), 365 - Math.abs(d - peak)) <= 15;
      let atPeak = 0;
      let atTrough = 0;
      for (const o of h.orders)
        for (const l of o.lines)
          if (!l.regular && category.get(l.skuCode) === widest) {
            if (near(dayOfYear(o.orderedAt), s.peakDay)) atPeak += l.quantity;
            if (near(dayOfYear(o.orderedAt), (s.peakDay + 182) % 365)) atTrough += l.quantity;
          }
      assert.ok(atPeak > atTrough * (1 + s.amplitude), `${widest}: ${atPeak} units at the peak, ${atTrough} at the trough (amplitude ${s.amplitude})`);

      // Regular customers: every cycle's orders are in the data, a cycle apart give or take two days.
      for (const c of h.truth.cycles.slice(0, 50)) {
        const days = h.orders.filter((o) => o.customerCode === c.customerCode && o.lines.some((l) => l.regular && l.skuCode === c.skuCode)).map((o) => o.orderedAt);
        assert.ok(days.length >= Math.floor((HISTORY.weeks * 7) / c.cycleDays) - 1, `${c.customerCode} ${c.skuCode} orders every ${c.cycleDays} days`);
        const gaps = days.slice(1).map((d, i) => Math.round((d - days[i]) / DAY));
        assert.ok(gaps.every((g) => Math.abs(g - c.cycleDays) <= 3), `${c.customerCode} ${c.skuCode}: gaps ${gaps.join(',')} around ${c.cycleDays}`);
      }

      // Weather: in the cities and days of an alert that pulls a category hardest, that category sells more than on calm days.
      const alerts = h.alerts.map((a) => ({ ...a, from: parseBeijing(a.start_time)!, to: parseBeijing(a.end_time)! }));
      const [type, cat] = Object.entries(h.truth.weatherEffects)
        .flatMap(([t, e]) => Object.entries(e).filter(([c]) => c !== 'others').map(([c, m]) => [t, c, m] as const))
        .sort((a, b) => b[2] - a[2])[0];
      const perDay = (inAlert: boolean) => {
        let units = 0;
        const days = new Set<string>();
        for (const o of h.orders) {
          const hit = alerts.some((a) => a.alert_type === type && a.city === o.region && o.orderedAt >= a.from && o.orderedAt < a.to);
          if (hit !== inAlert) continue;
          days.add(`${o.region}${new Date(o.orderedAt + 8 * 3_600_000).toISOString().slice(0, 10)}`);
          for (const l of o.lines) if (!l.regular && category.get(l.skuCode) === cat) units += l.quantity;
        }
        return units / Math.max(1, days.size);
      };
      assert.ok(perDay(true) > perDay(false) * 1.2, `${type} moves ${cat}: ${perDay(true).toFixed(1)} a city-day under alert against ${perDay(false).toFixed(1)}`);
    });
  }
});

describe('purchase suggestions and requisitions through the gateway', () => {
  let stack: Stack;
  let erp: DataSource;
  let wms: DataSource;

  before(async () => {
    stack = await startStack({ name: 'planning', orders: 60, days: 1, seed: 2026, customers: 300, history: HISTORY, linkRounds: 0,
      // Planning never asks the hub about orders: keep the linker from working through 25,000 history orders meanwhile.
      env: { LINK_POLL_MS: '600000' } });
    // Planning never asks the hub about orders: the linker (and the rules it runs, which read the TMS
    // weather too) would only work through 25,000 history orders meanwhile and blur the call counts.
    await stack.linker.stop();
    erp = await openDataSource(stack.targets.erpUrl, { poolSize: 2 });
    wms = await openDataSource(stack.targets.wmsUrl, { poolSize: 2 });
    // One requisition still open and one closed, for the same warehouse and SKU.
    await erp.query(
      "INSERT INTO PU_AppVouch (cCode, dDate, cInvCode, iQuantity, cWhCode, cMemo, cMaker, cCloser, dModifyTime) VALUES ('QG-T-OPEN', '2025-11-05 10:00:00', 'FLT-W712', 40, 'WH-SH01', 't', 't', NULL, '2025-11-05 10:00:00'), ('QG-T-DONE', '2025-10-01 10:00:00', 'FLT-W712', 500, 'WH-SH01', 't', 't', '采购员', '2025-10-20 10:00:00')",
    );
  });
  after(async () => {
    await erp?.destroy();
    await wms?.destroy();
    await stack?.close();
  });

  const PLAN = `query Plan($wh: String!, $week: Date!) { purchaseSuggestions(warehouse: $wh, weekStarting: $week) {
    warehouseCode weekStarting regions historyFrom minShelfLifeMonths warnings { messageZh messageEn }
    lines { sku { code name category shelfLifeMonths } forecastQuantity onHand locked expiryBlocked usable openRequisitions leadTimeDays leadTimeRecorded safetyStock suggestedQuantity
      factors { kind value messageZh messageEn }
      regularCustomers { customer { code name } cycleDays lastOrderedOn dueOn expectedOrders quantity }
      weather { alertId city type level days lift pastAlerts } } } }`;

  test('every goods SKU of the warehouse: stock and requisitions as the WMS and ERP hold them, lead times from the ERP, batched reads', async () => {
    const before = await stack.legacyCalls();
    const res = await stack.query(PLAN, { wh: 'WH-SH01', week: WEEK_OF }, { token: await stack.token('ops') });
    const afterCalls = await stack.legacyCalls();
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const plan = res.data.purchaseSuggestions;
    assert.deepEqual([...plan.regions].sort(), CITIES.filter((c) => c.warehouse === 'WH-SH01').map((c) => c.name).sort());
    const goods: { cInvCode: string }[] = await erp.query('SELECT cInvCode FROM Inventory WHERE bService = 0 ORDER BY cInvCode');
    assert.deepEqual(plan.lines.map((l: any) => l.sku.code), goods.map((g) => g.cInvCode));

    const lots: { sku: string; exp_date: string | null; qty: number; locked_qty: number }[] = await wms.query("SELECT sku, exp_date, qty, locked_qty FROM t_stock WHERE warehouse_code = 'WH-SH01'");
    const keepUntil = new Date(Date.UTC(2025, 10 + plan.minShelfLifeMonths, 10)).toISOString().slice(0, 10);
    for (const line of plan.lines) {
      const mine = lots.filter((l) => l.sku === line.sku.code);
      const onHand = mine.reduce((s, l) => s + Number(l.qty), 0);
      const locked = mine.reduce((s, l) => s + Number(l.locked_qty), 0);
      const blocked = mine
        .filter((l) => plan.minShelfLifeMonths > 0 && line.sku.shelfLifeMonths && l.exp_date && String(l.exp_date).slice(0, 10) < keepUntil)
        .reduce((s, l) => s + Number(l.qty) - Number(l.locked_qty), 0);
      assert.deepEqual([line.onHand, line.locked, line.expiryBlocked, line.usable], [onHand, locked, blocked, onHand - locked - blocked], line.sku.code);
      assert.equal(line.leadTimeDays, LEAD_TIME_DAYS[line.sku.category], line.sku.code);
      assert.equal(line.leadTimeRecorded, true);
      assert.equal(line.openRequisitions, line.sku.code === 'FLT-W712' ? 40 : 0, `${line.sku.code}: only open requisitions count`);
      assert.ok(Number.isInteger(line.suggestedQuantity) && line.suggestedQuantity >= 0);
      // Enough for the lead time and a week after it, with safety stock, less what is there or asked for.
      const need = line.forecastQuantity * ((line.leadTimeDays + 7) / 7) + line.safetyStock;
      assert.ok(Math.abs(line.suggestedQuantity - Math.max(0, need - line.usable - line.openRequisitions)) <= 1.5, `${line.sku.code}: ${line.suggestedQuantity} for ${need.toFixed(1)} needed`);
      for (const kind of ['BASE_LEVEL', 'SEASONAL', 'SAFETY_STOCK']) assert.ok(line.factors.some((f: any) => f.kind === kind), `${line.sku.code} says its ${kind}`);
      for (const f of line.factors) assert.ok(CJK.test(f.messageZh) && /^[\x20-\x7e×…–—’]+$/.test(f.messageEn), `${f.kind}: ${f.messageZh} / ${f.messageEn}`);
    }
    // Sixty weeks of history: a season is fitted, nothing to warn of.
    assert.deepEqual(plan.warnings, []);
    // The expiry rule is on by default and DOT4 brake fluid keeps an old lot three months from expiry.
    assert.ok(plan.minShelfLifeMonths > 0);
    assert.ok(plan.lines.some((l: any) => l.expiryBlocked > 0), 'some lot is too short-dated to count');

    // One read of each kind whatever the number of SKUs and customers (no N+1): every warehouse's cities,
    // the catalog, the grouped history and the open requisitions (ERP), the lots (WMS), the weather (TMS).
    // (The Sku and Customer fields the query asks for are batched by the gateway's entity fetches; the
    // hub's own background work may read those too meanwhile, so they are not counted here.)
    const calls = (op: string) => (afterCalls[op] ?? 0) - (before[op] ?? 0);
    for (const op of ['erp:Department.regions', 'erp:Inventory.all', 'erp:SO_SODetails.unitsSold', 'erp:PU_AppVouch.open', 'wms:t_stock.byWarehouse', 'tms:weather.alerts']) {
      assert.equal(calls(op), 1, `${op}: ${calls(op)} calls`);
    }
  });

  test('regular customers, weather and the forecast agree with the ground truth', async () => {
    const res = await stack.query(PLAN, { wh: 'WH-SH01', week: WEEK_OF }, { token: await stack.token('director') });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const plan = res.data.purchaseSuggestions;
    const truth = stack.truth.history!;
    const cities = new Set(plan.regions);
    const ws = parseBeijing(WEEK_OF)!;

    // Every customer named as due is a real regular customer of that SKU, with its cycle found within a few days.
    const cycles = new Map(truth.cycles.map((c) => [`${c.customerCode}|${c.skuCode}`, c]));
    const named = plan.lines.flatMap((l: any) => l.regularCustomers.map((r: any) => ({ sku: l.sku.code, ...r })));
    assert.ok(named.length >= 10, `${named.length} regular customers due`);
    const right = named.filter((r: any) => {
      const c = cycles.get(`${r.customer.code}|${r.sku}`);
      return c && Math.abs(c.cycleDays - r.cycleDays) <= Math.max(2, 0.15 * c.cycleDays);
    });
    const wrong = named.filter((r: any) => !right.includes(r)).map((r: any) => `${r.customer.code}|${r.sku} ${r.cycleDays}d (truth ${cycles.get(`${r.customer.code}|${r.sku}`)?.cycleDays ?? 'none'})`);
    assert.ok(right.length >= 0.85 * named.length, `${right.length} of ${named.length} named regular customers are regular at that cycle; not: ${wrong.join(', ')}`);
    for (const r of named) assert.ok(r.customer.name, 'the customer resolves through the ERP');
    // … and most truly due regular customers of the warehouse are named.
    const due = truth.cycles.filter((c) => cities.has(c.city) && (() => {
      const next = parseBeijing(c.lastOrderedOn)! + c.cycleDays * DAY;
      return next >= ws + 2 * DAY && next < ws + 5 * DAY;
    })());
    const namedKeys = new Set(named.map((r: any) => `${r.customer.code}|${r.sku}`));
    const found = due.filter((c) => namedKeys.has(`${c.customerCode}|${c.skuCode}`));
    assert.ok(found.length >= 0.5 * due.length, `${found.length} of ${due.length} regular customers due mid-week are named`);

    // Weather: exactly the alerts of the warehouse's cities that overlap the week, on every line.
    const expectedAlerts = new Set<string>();
    const tmsAlerts = (await (await fetch(`${stack.tmsApiUrl}/api/v1/weather/alerts?cities=${encodeURIComponent([...cities].join(','))}&from=2025-11-10%2000:00:00&to=2025-11-17%2000:00:00`)).json()) as { data: { alertId: string }[] };
    for (const a of tmsAlerts.data) expectedAlerts.add(a.alertId);
    for (const line of plan.lines) assert.deepEqual(new Set(line.weather.map((w: any) => w.alertId)), expectedAlerts, line.sku.code);
    if (expectedAlerts.size) assert.ok(plan.lines.every((l: any) => l.factors.some((f: any) => f.kind === 'WEATHER')));

    // The forecast in total lands near the demand process's own mean for the week (base plus regulars due).
    const expectedBase = truth.expected.filter((e) => e.warehouseCode === 'WH-SH01' && e.weekStarting === WEEK_OF).reduce((s, e) => s + e.baseUnits, 0);
    const regularDue = truth.cycles
      .filter((c) => cities.has(c.city))
      .reduce((s, c) => {
        let next = parseBeijing(c.lastOrderedOn)! + c.cycleDays * DAY;
        let n = 0;
        for (; next < ws + 7 * DAY; next += c.cycleDays * DAY) if (next >= ws) n++;
        return s + n * c.quantity;
      }, 0);
    const forecast = plan.lines.reduce((s: number, l: any) => s + l.forecastQuantity, 0);
    const expected = expectedBase + regularDue;
    assert.ok(Math.abs(forecast - expected) <= 0.25 * expected, `forecast ${forecast.toFixed(0)} units against ${expected.toFixed(0)} expected (base ${expectedBase.toFixed(0)}, regulars ${regularDue})`);
  });

  test('a short history is said: the week the history begins has no sales, a week later one full week and no season', async () => {
    // The generated history begins on the Monday HISTORY.weeks before the start's week.
    const first = beijingDate(parseBeijing('2025-11-03')! - HISTORY.weeks * 7 * DAY);
    const second = beijingDate(parseBeijing(first)! + 7 * DAY);
    const token = await stack.token('ops');
    const none = (await stack.query(PLAN, { wh: 'WH-SH01', week: first }, { token })).data.purchaseSuggestions;
    assert.deepEqual(none.warnings.map((w: any) => w.messageEn), [`No sales since ${none.historyFrom}: the forecast is zero`]);
    assert.ok(none.lines.every((l: any) => l.forecastQuantity === 0));
    const one = (await stack.query(PLAN, { wh: 'WH-SH01', week: second }, { token })).data.purchaseSuggestions;
    assert.deepEqual(one.warnings.map((w: any) => w.messageEn), ['Only 1 full week of sales company-wide: no season or growth fitted, the forecast is the level of those weeks alone']);
    assert.ok(CJK.test(one.warnings[0].messageZh));
    assert.ok(one.lines.reduce((s: number, l: any) => s + l.forecastQuantity, 0) > 0, 'one week of sales is forecast from');
    assert.ok(one.lines.every((l: any) => l.factors.find((f: any) => f.kind === 'SEASONAL').value === 1));
  });

  test('finance may read the suggestions; warehouse, sales and customers may not', async () => {
    const ok = await stack.query(PLAN, { wh: 'WH-HZ01', week: WEEK_OF }, { token: await stack.token('finance') });
    assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
    assert.ok(ok.data.purchaseSuggestions.lines.length > 0);
    for (const role of ['warehouse', 'sales'] as const) {
      const res = await stack.query(PLAN, { wh: 'WH-SH01', week: WEEK_OF }, { token: await stack.token(role) });
      assert.ok(res.errors?.length, role);
      assert.ok(['FORBIDDEN', 'GRAPHQL_VALIDATION_FAILED'].includes(res.errors![0].extensions?.code), `${role}: ${JSON.stringify(res.errors)}`);
    }
  });

  test('a day that is not a Monday, or a warehouse without stores: BAD_USER_INPUT in Chinese and English', async () => {
    for (const [wh, week, argument] of [['WH-SH01', '2025-11-11', 'weekStarting'], ['WH-SH01', '2025-02-30', 'weekStarting'], ['WH-XX99', WEEK_OF, 'warehouse']]) {
      const res = await stack.query(PLAN, { wh, week });
      const e = res.errors?.[0];
      assert.equal(e?.extensions?.code, 'BAD_USER_INPUT', `${wh} ${week}: ${JSON.stringify(res.errors)}`);
      if (e?.extensions?.argument) assert.equal(e.extensions.argument, argument);
    }
    const res = await stack.query(PLAN, { wh: 'WH-SH01', week: '2025-11-12' });
    assert.ok(CJK.test(res.errors![0].extensions!.messageZh) && /Monday/.test(res.errors![0].extensions!.messageEn));
  });

  const CREATE = `mutation Req($wh: String!, $week: Date!, $key: String!, $lines: [RequisitionLineInput!]!) {
    createRequisitions(warehouse: $wh, weekStarting: $week, clientKey: $key, lines: $lines) { created requisitions { code sku { code name } quantity warehouseCode } } }`;
  const rowsOf = (key: string) => erp.query('SELECT cCode, cInvCode, iQuantity, cWhCode, cDefine10, dRequirDate, cCloser FROM PU_AppVouch WHERE cDefine10 = ? ORDER BY cCode', [key]);
  const count = async () => Number((await erp.query('SELECT COUNT(*) AS n FROM PU_AppVouch'))[0].n);

  test('createRequisitions writes PU_AppVouch once per key, audited; a retry creates nothing twice; suggestions count them', async () => {
    const ops = await stack.token('ops');
    const plan = (await stack.query(PLAN, { wh: 'WH-SZ01', week: WEEK_OF }, { token: ops })).data.purchaseSuggestions;
    const lines = plan.lines.filter((l: any) => l.suggestedQuantity > 0).slice(0, 3).map((l: any) => ({ skuCode: l.sku.code, quantity: l.suggestedQuantity }));
    assert.ok(lines.length >= 1, 'something to requisition');
    const key = `plan-test-${Date.now()}`;
    const first = await stack.query(CREATE, { wh: 'WH-SZ01', week: WEEK_OF, key, lines }, { token: ops });
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    assert.equal(first.data.createRequisitions.created, true);
    const rows = await rowsOf(key);
    assert.deepEqual(rows.map((r: any) => [r.cInvCode, Number(r.iQuantity), r.cWhCode, r.cCloser]), lines.map((l: any) => [l.skuCode, l.quantity, 'WH-SZ01', null]));
    assert.ok(rows.every((r: any) => String(r.dRequirDate).startsWith(WEEK_OF) && /^QG-PS-[0-9A-F]{10}-\d{2}$/.test(r.cCode)));
    assert.deepEqual(first.data.createRequisitions.requisitions.map((r: any) => r.code), rows.map((r: any) => r.cCode));

    const total = await count();
    const again = await stack.query(CREATE, { wh: 'WH-SZ01', week: WEEK_OF, key, lines }, { token: ops });
    assert.equal(again.data.createRequisitions.created, false);
    assert.deepEqual(again.data.createRequisitions.requisitions.map((r: any) => r.code), rows.map((r: any) => r.cCode));
    assert.equal(await count(), total, 'the retry wrote nothing');

    // Two at once with a new key: one set of rows.
    const key2 = `${key}-twice`;
    const [a, b] = await Promise.all([0, 1].map(() => stack.query(CREATE, { wh: 'WH-SZ01', week: '2025-11-17', key: key2, lines: lines.slice(0, 1) }, { token: ops })));
    assert.equal(a.errors ?? b.errors, undefined, JSON.stringify(a.errors ?? b.errors));
    assert.deepEqual([a.data.createRequisitions.created, b.data.createRequisitions.created].sort(), [false, true]);
    assert.equal((await rowsOf(key2)).length, 1);

    const audit = await stack.query(`query A($id: ID!) { auditLog(entity: REQUISITION, entityId: $id) { action actor actorRole } }`, { id: key }, { token: ops });
    assert.equal(audit.errors, undefined, JSON.stringify(audit.errors));
    assert.deepEqual(audit.data.auditLog.map((e: any) => [e.action, e.actorRole]), [['REQUISITIONS_CREATED', 'ops']]);

    const after = (await stack.query(PLAN, { wh: 'WH-SZ01', week: WEEK_OF }, { token: ops })).data.purchaseSuggestions;
    for (const l of lines) {
      const was = plan.lines.find((x: any) => x.sku.code === l.skuCode);
      const now = after.lines.find((x: any) => x.sku.code === l.skuCode);
      assert.equal(now.openRequisitions, was.openRequisitions + l.quantity + (l.skuCode === lines[0].skuCode ? l.quantity : 0), l.skuCode);
      assert.ok(now.suggestedQuantity < was.suggestedQuantity || now.suggestedQuantity === 0, `${l.skuCode}: ${was.suggestedQuantity} → ${now.suggestedQuantity}`);
    }
  });

  test('bad requisitions are refused with a stable code in Chinese and English, and nothing is written', async () => {
    const ops = await stack.token('ops');
    const total = await count();
    const cases: [string, Record<string, unknown>, string][] = [
      ['zero quantity', { lines: [{ skuCode: 'FLT-W712', quantity: 0 }] }, 'BAD_USER_INPUT'],
      ['unknown SKU', { lines: [{ skuCode: 'NO-SUCH', quantity: 2 }] }, 'BAD_USER_INPUT'],
      ['a service', { lines: [{ skuCode: 'SVC-TBELT', quantity: 1 }] }, 'BAD_USER_INPUT'],
      ['the same SKU twice', { lines: [{ skuCode: 'FLT-W712', quantity: 1 }, { skuCode: 'FLT-W712', quantity: 2 }] }, 'BAD_USER_INPUT'],
      ['no lines', { lines: [] }, 'BAD_USER_INPUT'],
      ['short key', { key: 'k1' }, 'BAD_USER_INPUT'],
      ['not a Monday', { week: '2025-11-13' }, 'BAD_USER_INPUT'],
      ['unknown warehouse', { wh: 'WH-NONE' }, 'BAD_USER_INPUT'],
      // A second valid SKU after a bad one: the good line is not written either.
      ['one bad line among good ones', { lines: [{ skuCode: 'OIL-M1-0W20', quantity: 5 }, { skuCode: 'NO-SUCH', quantity: 1 }] }, 'BAD_USER_INPUT'],
    ];
    for (const [name, change, code] of cases) {
      const vars = { wh: 'WH-HZ01', week: WEEK_OF, key: `bad-${name.replace(/\W/g, '-')}-${Date.now()}`, lines: [{ skuCode: 'FLT-W712', quantity: 3 }], ...change };
      const res = await stack.query(CREATE, vars, { token: ops });
      const e = res.errors?.[0];
      assert.equal(e?.extensions?.code, code, `${name}: ${JSON.stringify(res.errors)}`);
      assert.ok(CJK.test(e!.extensions!.messageZh) && e!.extensions!.messageEn, name);
    }
    // The same key for other lines: CONFLICT, and the first rows stay as they were.
    const key = `conflict-${Date.now()}`;
    await stack.query(CREATE, { wh: 'WH-HZ01', week: WEEK_OF, key, lines: [{ skuCode: 'FLT-C27', quantity: 7 }] }, { token: ops });
    const before = await rowsOf(key);
    const res = await stack.query(CREATE, { wh: 'WH-HZ01', week: WEEK_OF, key, lines: [{ skuCode: 'FLT-C27', quantity: 9 }] }, { token: ops });
    assert.equal(res.errors?.[0]?.extensions?.code, 'CONFLICT', JSON.stringify(res.errors));
    assert.deepEqual(await rowsOf(key), before);
    assert.equal(await count(), total + 1);
    // Finance reads plans but does not raise requisitions.
    const fin = await stack.query(CREATE, { wh: 'WH-HZ01', week: WEEK_OF, key: `finance-${Date.now()}`, lines: [{ skuCode: 'FLT-C27', quantity: 1 }] }, { token: await stack.token('finance') });
    assert.ok(['FORBIDDEN', 'GRAPHQL_VALIDATION_FAILED'].includes(fin.errors?.[0]?.extensions?.code), JSON.stringify(fin.errors));
  });

  // Last: it moves orders into a new city, which the tests above must not see.
  test('a warehouse whose city began selling within the last full week is forecast from those days; one after it is not yet, and both say so', async () => {
    // The history's last full week runs 27 October to 2 November; the start (8 November) is a Saturday.
    // Orders are moved into the new cities, and moved back at the end.
    const moved: { cSOCode: string; cRegion: string }[] = await erp.query(
      "SELECT cSOCode, cRegion FROM SO_SOMain WHERE (dDate >= '2025-10-30' AND dDate < '2025-11-03') OR (dDate >= '2025-11-05' AND dDate < '2025-11-08')",
    );
    try {
      await erp.query("INSERT INTO Department (cDepCode, cDepName, cRegion, cWhCode) VALUES ('T-NEW1', '测试门店一', '测试一市', 'WH-T01'), ('T-NEW2', '测试门店二', '测试二市', 'WH-T02')");
      await erp.query("UPDATE SO_SOMain SET cRegion = '测试一市' WHERE dDate >= '2025-10-30' AND dDate < '2025-11-03' ORDER BY cSOCode LIMIT 40");
      await erp.query("UPDATE SO_SOMain SET cRegion = '测试二市' WHERE dDate >= '2025-11-05' AND dDate < '2025-11-08' ORDER BY cSOCode LIMIT 40");
      const firstOf = async (city: string) => String((await erp.query('SELECT MIN(SUBSTR(dDate, 1, 10)) AS d FROM SO_SOMain WHERE cRegion = ?', [city]))[0].d);
      const token = await stack.token('ops');
      const within = (await stack.query(PLAN, { wh: 'WH-T01', week: WEEK_OF }, { token })).data.purchaseSuggestions;
      assert.deepEqual(within.regions, ['测试一市']);
      assert.deepEqual(within.warnings.map((w: any) => w.messageEn), [`The warehouse's cities first sold on ${await firstOf('测试一市')}, within the last full week of sales (through 2025-11-02): their level rests on those days alone and may be low`]);
      assert.ok(within.lines.reduce((s: number, l: any) => s + l.forecastQuantity, 0) > 0, 'those days are forecast from');
      const later = (await stack.query(PLAN, { wh: 'WH-T02', week: WEEK_OF }, { token })).data.purchaseSuggestions;
      assert.deepEqual(later.warnings.map((w: any) => w.messageEn), [`The warehouse's cities first sold on ${await firstOf('测试二市')}, after the last full week of sales the forecast reads (through 2025-11-02): nothing to forecast from yet, the forecast is zero`]);
      assert.ok(later.lines.every((l: any) => l.forecastQuantity === 0));
      for (const w of [...within.warnings, ...later.warnings]) assert.ok(CJK.test(w.messageZh));
    } finally {
      for (const m of moved) await erp.query('UPDATE SO_SOMain SET cRegion = ? WHERE cSOCode = ?', [m.cRegion, m.cSOCode]);
      await erp.query("DELETE FROM Department WHERE cDepCode IN ('T-NEW1', 'T-NEW2')");
    }
  });
});

describe('purchase suggestions with no history before the generated days', () => {
  let stack: Stack;
  before(async () => {
    // The demo data: orders from the start (a Saturday) on, no history before it.
    stack = await startStack({ name: 'planningnew', orders: 40, days: 2, linkRounds: 0 });
  });
  after(async () => stack?.close());

  test('less than a full week of sales: no forecast, and the plan says so rather than showing zeros', async () => {
    const plan = (
      await stack.query(`query { purchaseSuggestions(warehouse: "WH-SH01", weekStarting: "${WEEK_OF}") { warnings { messageZh messageEn } lines { forecastQuantity suggestedQuantity } } }`, {}, { token: await stack.token('ops') })
    ).data.purchaseSuggestions;
    assert.equal(DEFAULT_SEED_OPTIONS.start, '2025-11-08');
    assert.deepEqual(plan.warnings.map((w: any) => w.messageEn), ['Less than one full week of sales (the first on 2025-11-08): no demand can be forecast, the forecast is zero and the suggestions hold only a minimal safety stock']);
    assert.ok(CJK.test(plan.warnings[0].messageZh));
    assert.ok(plan.lines.every((l: any) => l.forecastQuantity === 0));
  });
});
