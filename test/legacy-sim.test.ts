// The stand-in legacy systems: a deterministic generator that injects what it says it injects,
// a catalog that carries the distributor's real SKUs, documented tables and endpoints, and TMS and
// CRM servers that answer (and refuse) the way the real ones do.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataSource } from '../common/src/db.js';
import { DEFAULT_RATES, DEFAULT_SEED_OPTIONS, generate } from '../legacy-sim/src/generator.js';
import { createLegacySchema, type LegacyStore } from '../legacy-sim/src/schema.js';
import { seed } from '../legacy-sim/src/seed.js';
import { startTmsSim } from '../legacy-sim/src/tms-server.js';
import { startCrmSim } from '../legacy-sim/src/crm-server.js';
import type { SimServer } from '../legacy-sim/src/sim-http.js';
import { loadCatalog, parseCsv, STORES } from '../legacy-sim/src/world.js';
import type { AnomalyKind, GroundTruth } from '../legacy-sim/src/types.js';
import { sharedPath } from './helpers/shared.js';

const small = { ...DEFAULT_SEED_OPTIONS, orders: 1500, days: 2, customers: 150, rates: {} };

/** GS1 mod-10 check digit over a GTIN-8/12/13/14. */
function validGtin(gtin: string): boolean {
  if (!/^\d{8}$|^\d{12,14}$/.test(gtin)) return false;
  const digits = [...gtin].map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((s, d, i) => s + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

describe('the generator', () => {
  test('is deterministic: the same seed gives the same data, another seed other data', () => {
    const a = generate(small);
    const b = generate(small);
    const c = generate({ ...small, seed: small.seed + 1 });
    assert.deepEqual(a.truth, b.truth);
    assert.deepEqual(a.tickets, b.tickets);
    assert.notDeepEqual(a.truth.orders.map((o) => o.totalAmount), c.truth.orders.map((o) => o.totalAmount));
  });

  test('spreads orders over the days and 47 stores and numbers them per day', () => {
    const { truth } = generate(small);
    assert.equal(truth.orders.length, 1500);
    assert.equal(new Set(STORES.map((s) => s.code)).size, 47);
    assert.deepEqual([...new Set(truth.orders.map((o) => o.storeCode))].sort(), STORES.map((s) => s.code).sort(), 'every store sells');
    const perDay = new Map<string, number>();
    for (const o of truth.orders) perDay.set(o.orderedAt.slice(0, 10), (perDay.get(o.orderedAt.slice(0, 10)) ?? 0) + 1);
    assert.deepEqual([...perDay.values()], [750, 750]);
    assert.equal(truth.orders[0].erpOrderNo, 'SO-20251108-001');
    assert.equal(truth.orders[749].erpOrderNo, 'SO-20251108-750');
    for (const o of truth.orders) assert.match(o.orderedAt, /^2025-11-(08|09)T(0[89]|1\d|2[01]):\d{2}:\d{2}\+08:00$/);
  });

  test('injects every anomaly kind exactly at its configured rate', () => {
    const rates = {
      refVariant: 0.05, refMissing: 0.03, refAmbiguous: 0.004, waybillWithoutOutbound: 0.01, outboundWithoutWaybill: 0.01, orphanWaybill: 0.004, orphanOutbound: 0.004, missingNode: 0.03, quantityMismatch: 0.02,
      gradeCLargeOrder: 0.004, creditBreach: 0.002, missedGradeDiscount: 0.006, overQuantity: 0.004, belowPriceFloor: 0.004, duplicateOrder: 0.004,
    };
    const { truth } = generate({ ...small, rates });
    const counted = new Map<AnomalyKind, number>();
    for (const a of truth.anomalies) counted.set(a.kind, (counted.get(a.kind) ?? 0) + 1);
    for (const [kind, rate] of Object.entries(rates) as [AnomalyKind, number][]) {
      // Ambiguity comes in pairs of orders; a credit breach is a whole customer (rate × orders customers).
      const expected = Math.round(rate * small.orders) * (kind === 'refAmbiguous' ? 2 : 1);
      assert.equal(counted.get(kind), expected, kind);
    }
    const none = generate({ ...small, rates: Object.fromEntries(Object.keys(DEFAULT_RATES).map((k) => [k, 0])) });
    assert.equal(none.truth.anomalies.length, 0);
    assert.equal(none.truth.unlinked.length, 0);
    assert.ok(none.truth.orders.every((o) => o.missing.length === 0 && o.outbound?.method !== 'MATCHED'));
  });

  test('the ground truth agrees with the anomalies it lists', () => {
    const { truth, orders } = generate({ ...small, rates: { refVariant: 0.05, refMissing: 0.03, waybillWithoutOutbound: 0.02, missingNode: 0.05 } });
    const byNo = new Map(truth.orders.map((o) => [o.erpOrderNo, o]));
    const stories = new Map(orders.map((o) => [o.erpOrderNo, o]));
    for (const a of truth.anomalies) {
      const t = byNo.get(a.erpOrderNo!)!;
      if (a.kind === 'refVariant') {
        assert.equal(t.outbound!.method, 'NORMALIZED_REFERENCE');
        assert.notEqual(stories.get(a.erpOrderNo!)!.outbound!.reference, a.erpOrderNo);
      }
      if (a.kind === 'refMissing') {
        assert.equal(t.outbound!.method, 'MATCHED');
        assert.ok(t.outbound!.confidence! < 1 && t.outbound!.confidence! >= 0.7);
      }
      if (a.kind === 'waybillWithoutOutbound') {
        assert.equal(t.outbound, null);
        assert.equal(t.waybill!.method, 'REFERENCE');
        assert.deepEqual(t.missing.slice(0, 2), ['PICKING', 'SHIPPED_OUT']);
      }
      if (a.kind === 'missingNode') assert.ok(t.missing.includes(a.detail!.node as any), `${a.erpOrderNo} misses ${a.detail!.node}`);
    }
    assert.ok(truth.anomalies.some((a) => a.kind === 'refMissing' && a.detail?.repeatOrderNo), 'some missing references sit beside a repeat order');
  });

  test('cancels orders while their outbounds are live (opt-in, drawn last): the truth keeps the link and lists the contradiction, and every other class is drawn as without it', () => {
    const rates = { refKeyboard: 0.04, refContradicts: 0.01, lateCommit: 0.01, editedAfterLink: 0.01, deletedRow: 0.01 };
    const without = generate({ ...small, rates });
    const withIt = generate({ ...small, rates: { ...rates, cancelledOutboundLive: 0.01 } });
    const cases = withIt.truth.anomalies.filter((a) => a.kind === 'cancelledOutboundLive');
    assert.equal(cases.length, Math.round(0.01 * small.orders));
    const chosen = new Set(cases.map((a) => a.erpOrderNo!));
    // The other classes draw exactly as before: same anomalies, same stories, same truth for every other order.
    assert.deepEqual(withIt.truth.anomalies.filter((a) => a.kind !== 'cancelledOutboundLive'), without.truth.anomalies);
    assert.deepEqual(withIt.orders.filter((o) => !chosen.has(o.erpOrderNo)), without.orders.filter((o) => !chosen.has(o.erpOrderNo)));
    assert.deepEqual(withIt.truth.orders.filter((o) => !chosen.has(o.erpOrderNo)), without.truth.orders.filter((o) => !chosen.has(o.erpOrderNo)));
    const stories = new Map(withIt.orders.map((o) => [o.erpOrderNo, o]));
    const asOf = withIt.asOf;
    for (const a of cases) {
      const s = stories.get(a.erpOrderNo!)!;
      const t = withIt.truth.orders.find((o) => o.erpOrderNo === a.erpOrderNo)!;
      assert.ok(s.cancelAt! <= asOf && s.outbound!.createAt <= s.cancelAt! && s.outbound!.shipAt > asOf, `${a.erpOrderNo}: cancelled while its outbound was live`);
      assert.deepEqual([t.expectedStatus, t.outbound?.outboundNo, t.outbound?.method], ['CANCELLED', (a.detail as any).outboundNo, 'REFERENCE']);
      assert.ok(withIt.truth.discrepancies.some((d) => d.class === 'CANCELLED_ORDER_OUTBOUND_LIVE' && d.documents.join() === [a.erpOrderNo, (a.detail as any).outboundNo].sort().join()), a.erpOrderNo);
    }
    // Half of them after the hub's first sync: the seed writes those uncancelled, later-changes.ts cancels them.
    assert.deepEqual(withIt.later.cancelled, cases.filter((a) => (a.detail as any).cancelled === 'afterFirstSync').map((a) => a.erpOrderNo));
    assert.ok(withIt.later.cancelled.length > 0 && withIt.later.cancelled.length < cases.length);
  });

  test('every injected rule violation is among the orders its rule must fire for', () => {
    const { truth } = generate({ ...small, rates: { gradeCLargeOrder: 0.004, creditBreach: 0.002, missedGradeDiscount: 0.006, overQuantity: 0.004, belowPriceFloor: 0.004, duplicateOrder: 0.004 } });
    const ruleOf: Record<string, string> = {
      gradeCLargeOrder: 'R01-grade-c-large-order',
      missedGradeDiscount: 'R08-grade-discount',
      overQuantity: 'R09-quantity-limit',
      belowPriceFloor: 'R10-price-floor',
      duplicateOrder: 'R11-duplicate-order',
    };
    for (const a of truth.anomalies.filter((x) => ruleOf[x.kind])) assert.ok(truth.rules[ruleOf[a.kind]].includes(a.erpOrderNo!), `${a.kind} ${a.erpOrderNo}`);
    const breached = truth.anomalies.filter((a) => a.kind === 'creditBreach').map((a) => a.detail!.customerCode);
    assert.ok(breached.length > 0);
    // Cut customers breach; so may a big grade-C order on its own (both are real breaches).
    const customerOf = (no: string) => truth.orders.find((o) => o.erpOrderNo === no)!.customerCode;
    assert.ok(truth.rules['R02-credit-limit'].some((no) => breached.includes(customerOf(no))), 'the cut customers breach');
    for (const id of Object.keys(truth.rules)) assert.ok(truth.rules[id].length > 0, `${id} fires somewhere`);
  });
});

describe('the catalog', () => {
  test('carries every SKU of the shared catalog, with valid GTINs', () => {
    const catalog = loadCatalog();
    for (const item of catalog) if (item.gtin) assert.ok(validGtin(item.gtin), `${item.code} GTIN ${item.gtin}`);
    assert.ok(catalog.some((c) => c.model === 'NTN-N204') && catalog.some((c) => c.shelfLifeMonths && c.code.startsWith('FLD-DOT4')));
    const [header, ...rows] = parseCsv(readFileSync(sharedPath('catalog.csv'), 'utf8'));
    const code = header.indexOf('code');
    const mine = new Map(parseCsv(readFileSync(new URL('../legacy-sim/data/catalog.csv', import.meta.url), 'utf8')).map((r) => [r[code], r.join(',')]));
    for (const row of rows) assert.equal(mine.get(row[code]), row.join(','), `catalog row ${row[code]}`);
  });
});

describe('legacy-sim/README.md', () => {
  test('documents every table and column of the four systems and every endpoint', async () => {
    const readme = readFileSync('legacy-sim/README.md', 'utf8');
    const ds = await openDataSource('sqlite::memory:');
    try {
      for (const store of ['erp', 'wms', 'tms', 'crm'] as LegacyStore[]) {
        await createLegacySchema(ds, store);
      }
      const tables: { name: string }[] = await ds.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
      assert.deepEqual(tables.map((t) => t.name).sort(), [
        'Customer', 'Department', 'Inventory', 'PU_AppVouch', 'SO_SODetails', 'SO_SOMain', 'SO_SOMain_ExtraDefine', 'SaleBillVouch',
        'crm_call', 'crm_customer', 'crm_sms', 'crm_ticket',
        't_location', 't_out_line', 't_out_order', 't_pick_scan', 't_seal_log', 't_stock',
        'tms_track', 'tms_waybill', 'tms_weather_alert',
      ]);
      // Each table's entry: from the line that opens with its name in backticks (or a table row
      // that does) to the next such line or heading. Every column is named in its own table's entry.
      const names = new Set(tables.map((t) => t.name));
      const lines = readme.split('\n');
      const starts = lines.flatMap((line, i) => {
        const m = /^(?:\| )?`(\w+)`/.exec(line);
        return m && names.has(m[1]) ? [{ i, name: m[1] }] : [];
      });
      for (const { name } of tables) {
        const at = starts.findIndex((x) => x.name === name);
        assert.ok(at >= 0, `README has an entry for table ${name}`);
        const end = Math.min(starts[at + 1]?.i ?? lines.length, ...lines.map((l, i) => (i > starts[at].i && l.startsWith('#') ? i : lines.length)));
        const entry = lines.slice(starts[at].i, end).join('\n');
        const documented = new Set([...entry.matchAll(/`(\w+)`/g), ...entry.matchAll(/^\| (\w+) \|/gm)].map((m) => m[1]));
        const columns: string[] = (await ds.query(`PRAGMA table_info(${name})`)).map((c: any) => c.name);
        assert.deepEqual(columns.filter((c) => !documented.has(c)), [], `README's entry for ${name} names every column`);
      }
    } finally {
      await ds.destroy();
    }
    for (const path of ['/api/v1/waybill/batchQuery', '/api/v1/waybill/queryByRef', '/api/v1/waybill/changes', '/api/v1/waybill/create', '/api/v1/waybill/{waybillNo}/track', '/api/v1/weather/alerts', '/crm/api/customers', '/crm/api/tickets/search', '/crm/api/tickets', '/crm/api/calls/changes', '/crm/api/calls/search', '/crm/api/calls']) {
      assert.ok(readme.includes(path), `README documents ${path}`);
    }
  });
});

describe('the TMS and CRM simulators', () => {
  let dir: string;
  let truth: GroundTruth;
  let tms: SimServer;
  let crm: SimServer;
  const post = async (base: string, path: string, body: unknown) => {
    const res = await fetch(new URL(path, base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const get = async (base: string, path: string) => {
    const res = await fetch(new URL(path, base));
    return { status: res.status, body: (await res.json()) as any };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oh-sim-'));
    const url = (n: string) => `sqlite:${join(dir, `${n}.sqlite`)}`;
    truth = await seed({ erpUrl: url('erp'), wmsUrl: url('wms'), tmsStoreUrl: url('tms'), crmStoreUrl: url('crm') }, { ...small, orders: 200, customers: 30 });
    tms = await startTmsSim({ databaseUrl: url('tms'), port: 0 });
    crm = await startCrmSim({ databaseUrl: url('crm'), port: 0 });
  });

  after(async () => {
    await tms?.close();
    await crm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('TMS answers batch look-ups in its envelope with Beijing-time strings, leaving unknown numbers out', async () => {
    const known = truth.orders.filter((o) => o.waybill).slice(0, 3).map((o) => o.waybill!.waybillNo);
    const res = await post(tms.url, '/api/v1/waybill/batchQuery', { waybillNos: [...known, 'SF999999999CN'] });
    assert.equal(res.status, 200);
    assert.equal(res.body.code, 0);
    assert.deepEqual(res.body.data.map((w: any) => w.waybillNo).sort(), [...known].sort());
    for (const w of res.body.data) {
      assert.match(w.createTime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.ok(w.tracks.length >= 1 && w.tracks.every((t: any) => [0, 10, 20, 30, 40, 50].includes(t.opCode)));
    }
  });

  test('TMS refuses oversized or malformed calls and duplicate waybills, and can be taken down', async () => {
    const tooMany = await post(tms.url, '/api/v1/waybill/batchQuery', { waybillNos: Array.from({ length: 501 }, (_, i) => `SF${100000000 + i}CN`) });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.code, 400);
    const existing = truth.orders.find((o) => o.waybill)!.waybill!.waybillNo;
    const dup = await post(tms.url, '/api/v1/waybill/create', { waybillNo: existing, carrierCode: existing.slice(0, 2).replace(/\d/g, ''), customerRef: 'CK20251108-001' });
    assert.equal(dup.status, 200, 'the real TMS says no with HTTP 200');
    assert.equal(dup.body.code, 1001);
    const created = await post(tms.url, '/api/v1/waybill/create', { carrierCode: 'SF', customerRef: 'CK20251108-999', destCity: '苏州' });
    assert.equal(created.body.code, 0);
    assert.match(created.body.data.waybillNo, /^SF\d{9}CN$/);
    const track = await post(tms.url, `/api/v1/waybill/${created.body.data.waybillNo}/track`, { opCode: 10, opTime: '2025-11-10 10:00:00', opCity: '苏州', opDesc: '快件已揽收' });
    assert.equal(track.body.data.status, 10);
    assert.equal((await post(tms.url, '/api/v1/waybill/SF000000001CN/track', { opCode: 10, opTime: '2025-11-10 10:00:00' })).body.code, 1002);
    assert.equal((await get(tms.url, '/api/v1/waybill/changes?since=yesterday')).body.code, 400);
    tms.setFault({ down: true });
    assert.equal((await get(tms.url, '/health')).status, 503);
    tms.setFault({});
    assert.equal((await get(tms.url, '/health')).status, 200);
  });

  test('TMS change feed pages by (updateTime, waybillNo) without gaps or repeats', async () => {
    const seen: string[] = [];
    let since = '1970-01-01 00:00:00';
    let afterNo = '';
    for (;;) {
      const page = (await get(tms.url, `/api/v1/waybill/changes?since=${encodeURIComponent(since)}&afterNo=${afterNo}&limit=37`)).body.data;
      if (!page.items.length) break;
      seen.push(...page.items.map((w: any) => w.waybillNo));
      ({ nextSince: since, nextAfterNo: afterNo } = page);
    }
    assert.equal(new Set(seen).size, seen.length);
    const all = truth.orders.filter((o) => o.waybill).length + truth.unlinked.filter((u) => u.system === 'TMS' && u.reason === 'REFERENCE_NOT_FOUND').length;
    assert.equal(seen.length, all + 1, 'every seeded waybill and the one created above');
  });

  test('TMS lists weather alerts active at a time, by city', async () => {
    await post(tms.url, '/api/v1/weather/alerts', { alertId: 'WA-TEST', city: '上海', level: '橙', type: '台风', startTime: '2025-11-09 08:00:00', endTime: '2025-11-09 20:00:00', desc: '台风' });
    const during = await get(tms.url, `/api/v1/weather/alerts?cities=${encodeURIComponent('上海,苏州')}&at=${encodeURIComponent('2025-11-09 12:00:00')}`);
    assert.ok(during.body.data.some((a: any) => a.alertId === 'WA-TEST'));
    const afterwards = await get(tms.url, `/api/v1/weather/alerts?cities=${encodeURIComponent('上海')}&at=${encodeURIComponent('2025-11-09 21:00:00')}`);
    assert.ok(!afterwards.body.data.some((a: any) => a.alertId === 'WA-TEST'));
  });

  test('CRM answers in its envelope with epoch milliseconds and refuses more than 500 keys', async () => {
    const codes = [...new Set(truth.orders.map((o) => o.customerCode))].slice(0, 5);
    const customers = await get(crm.url, `/crm/api/customers?codes=${codes.join(',')},C99999`);
    assert.equal(customers.body.success, true);
    assert.deepEqual(customers.body.result.map((c: any) => c.custCode).sort(), codes.sort());
    assert.ok(customers.body.result.every((c: any) => Number.isInteger(c.updatedAt) && [1, 2, 3, 4].includes(c.levelCode)));
    const tooMany = await post(crm.url, '/crm/api/tickets/search', { orderRefs: Array.from({ length: 501 }, (_, i) => `SO-20251108-${i}`) });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.success, false);
    const created = await post(crm.url, '/crm/api/tickets', { custCode: codes[0], orderRef: truth.orders[0].erpOrderNo, type: 'INQUIRY', title: '查询' });
    assert.match(created.body.result.ticketId, /^T\d{8}\d{4}$/);
    const found = await post(crm.url, '/crm/api/tickets/search', { orderRefs: [truth.orders[0].erpOrderNo] });
    assert.ok(found.body.result.some((t: any) => t.ticketId === created.body.result.ticketId));
  });

  test('CRM keeps service calls with their transcripts and hands them out by change counter, in pages of at most 500', async () => {
    const calls = truth.calls ?? [];
    assert.ok(calls.length > 0, 'the generator made calls');
    const seen: any[] = [];
    let after = 0;
    for (;;) {
      const page = await get(crm.url, `/crm/api/calls/changes?after=${after}&limit=2`);
      assert.equal(page.body.success, true);
      if (!page.body.result.calls.length) break;
      seen.push(...page.body.result.calls);
      after = page.body.result.last;
    }
    assert.deepEqual(seen.map((c) => c.callId), calls.map((c) => c.callId), 'every call once, in the order the truth lists them');
    assert.ok(seen.every((c, i) => i === 0 || c.changeSeq > seen[i - 1].changeSeq));
    assert.ok(seen.every((c) => typeof c.transcript === 'string' && c.transcript.length > 5 && Number.isInteger(c.startedAt)));
    const orders = new Map(truth.orders.map((o) => [o.erpOrderNo, o]));
    for (const t of calls) {
      assert.ok(t.intents.length >= 1 && [...t.intents].sort().join() === t.intents.join(), 'intents sorted, at least one');
      if (t.erpOrderNo) assert.equal(orders.get(t.erpOrderNo)?.customerCode, t.customerCode, 'a call is about one of the caller\'s orders');
      assert.equal(t.newAddress !== null, t.intents.includes('CHANGE_ADDRESS'));
    }
    assert.equal((await get(crm.url, '/crm/api/calls/changes?after=0&limit=501')).status, 400);
    const made = await post(crm.url, '/crm/api/calls', { custCode: calls[0].customerCode, transcript: '客户：SO-20251108-001到哪了？' });
    assert.match(made.body.result.callId, /^CL\d{8}\d{4}$/);
    assert.equal(made.body.result.changeSeq, seen.at(-1).changeSeq + 1, 'a new call comes after every call the feed has handed out');
    const byId = await post(crm.url, '/crm/api/calls/search', { callIds: [made.body.result.callId, calls[0].callId, 'CL000'] });
    assert.deepEqual(byId.body.result.map((c: any) => c.callId).sort(), [made.body.result.callId, calls[0].callId].sort());
    assert.equal((await post(crm.url, '/crm/api/calls', { transcript: '' })).status, 400);
  });
});
