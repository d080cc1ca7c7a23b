// Pick by scan through the gateway, on MariaDB: FEFO allocation at pick time, the walk through a
// known layout, every scan outcome, parallel pickers on one line, sealing once, the lifecycle, and
// pick accuracy. Each test sets up its own new order (legacy-sim's live writer, outbound not yet
// picked) with its own SKUs and stock in the test's WMS database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { startStack, type Stack } from './helpers/stack.js';
import { openDataSource } from '../common/src/db.js';
import { beijingDate, beijingToIso, formatBeijing, toIsoBeijing } from '../common/src/time.js';
import { createOrdersAwaitingPick, type OrderAwaitingPick } from '../legacy-sim/src/live.js';
import { loadCatalog } from '../legacy-sim/src/world.js';
import { addMonths } from '../common/src/time.js';
import { GS } from '../subgraphs/fulfilment/src/picking/gs1.js';

let stack: Stack;
let wms: DataSource;
let erp: DataSource;
let hubDb: DataSource;
let orders: OrderAwaitingPick[];
const startedAt = Date.now();
const GTIN = new Map(loadCatalog().map((c) => [c.code, c.gtin!]));
const today = beijingDate(Date.now());
/** Every scan this file makes, to hold pickingStats to. */
const scans: { picker: string; outcome: string }[] = [];

before(async () => {
  stack = await startStack({ name: 'picking', orders: 200, days: 1, seed: 77 });
  wms = await openDataSource(stack.targets.wmsUrl, { poolSize: 2 });
  erp = await openDataSource(stack.targets.erpUrl, { poolSize: 1 });
  hubDb = await openDataSource(stack.config.HUB_DATABASE_URL, { poolSize: 1 });
  orders = await createOrdersAwaitingPick({ erpUrl: stack.targets.erpUrl, wmsUrl: stack.targets.wmsUrl, tmsApiUrl: stack.tmsApiUrl }, { count: 9, seed: 707 });
  await stack.linker.runRound();
});

after(async () => {
  await wms?.destroy();
  await erp?.destroy();
  await hubDb?.destroy();
  await stack?.close();
});

/** The next new order, its outbound moved to `warehouse` with exactly these lines (batch and bin left to allocation). */
async function order(warehouse: string, lines: { sku: string; quantity: number }[]): Promise<OrderAwaitingPick> {
  const o = orders.shift()!;
  // As the WMS writes it: a changed outbound carries a new update_time (without one the hub would keep
  // its earlier reading of the lines, and find the changed order's goods missing from it).
  await wms.query('UPDATE t_out_order SET warehouse_code = ?, update_time = ? WHERE out_no = ?', [warehouse, formatBeijing(Date.now()), o.outboundNo]);
  await wms.query('DELETE FROM t_out_line WHERE out_no = ?', [o.outboundNo]);
  let n = 0;
  for (const l of lines) {
    await wms.query("INSERT INTO t_out_line (out_no, line_no, sku, batch_no, loc_code, plan_qty, picked_qty) VALUES (?, ?, ?, 'WMS-OWN', 'F1-A01-S01', ?, NULL)", [o.outboundNo, ++n, l.sku, l.quantity]);
  }
  // The order asks for what its outbound carries: the hub links an outbound only to an order it
  // shares goods with (an outbound with none of the order's goods contradicts its reference).
  await erp.query('DELETE FROM SO_SODetails WHERE cSOCode = ?', [o.erpOrderNo]);
  n = 0;
  for (const l of lines) {
    await erp.query('INSERT INTO SO_SODetails (cSOCode, iRowNo, cInvCode, iQuantity, iTaxUnitPrice, iSum, cMemo) VALUES (?, ?, ?, ?, 10, ?, NULL)', [o.erpOrderNo, ++n, l.sku, l.quantity, 10 * l.quantity]);
  }
  await erp.query('UPDATE SO_SOMain SET dModifyTime = ? WHERE cSOCode = ?', [formatBeijing(Date.now()), o.erpOrderNo]);
  // Both documents changed, so the hub decides the link again; a round that read one change and not
  // yet the other may have unlinked it meanwhile. Go on once two rounds in a row find it linked, as
  // a picker would find it.
  for (let linked = 0, tries = 0; linked < 2; tries++) {
    await stack.linker.runRound();
    const res = await stack.query('query($id: ID!) { order(id: $id) { erpOrderNo } }', { id: o.outboundNo });
    linked = res.data?.order?.erpOrderNo === o.erpOrderNo ? linked + 1 : 0;
    if (tries > 40) throw new Error(`${o.outboundNo} is not linked to ${o.erpOrderNo} again`);
  }
  return o;
}

interface Lot {
  batch: string;
  bin: string;
  qty: number;
  locked?: number;
  expires?: string | null;
}

/** Replaces the SKU's stock in the warehouse with these lots, in usable bins. */
async function stock(warehouse: string, sku: string, lots: Lot[]) {
  await wms.query('DELETE FROM t_stock WHERE warehouse_code = ? AND sku = ?', [warehouse, sku]);
  for (const lot of lots) {
    await wms.query('INSERT INTO t_stock (warehouse_code, sku, batch_no, exp_date, loc_code, qty, locked_qty) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      warehouse,
      sku,
      lot.batch,
      lot.expires ?? null,
      lot.bin,
      lot.qty,
      lot.locked ?? 0,
    ]);
    await wms.query('UPDATE t_location SET status = 1 WHERE warehouse_code = ? AND loc_code = ?', [warehouse, lot.bin]);
  }
}

const PICK_LIST = `query($id: ID!) { pickList(orderId: $id) {
  outboundNo warehouseCode outboundStatus
  allocation { source allocatedAt shortfalls { sku { code } quantity reason messageZh messageEn } }
  lines { sequence lineNo sku { code spec } batchNo expiresOn bin { code floor aisle shelf usable } quantity pickedQuantity remainingQuantity done }
  route { lengthMeters sShapeLengthMeters method floors { floor lengthMeters method } }
  progress { lines linesDone quantity pickedQuantity complete }
} }`;

async function pickList(id: string) {
  const res = await stack.query(PICK_LIST, { id }, { token: await stack.token('warehouse') });
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data.pickList;
}

const SCAN = `mutation($id: ID!, $barcode: String!, $picker: String) { scanItem(orderId: $id, barcode: $barcode, picker: $picker) {
  outcome accepted messageZh messageEn orderId outboundNo outboundStatus
  scanned { format sku { code } gtin batchNo expiresOn quantity }
  line { lineNo sku { code } batchNo bin { code } quantity pickedQuantity done }
  progress { lines linesDone quantity pickedQuantity complete }
} }`;

async function scan(id: string, barcode: string, picker = 'picker-1') {
  const res = await stack.query(SCAN, { id, barcode, picker }, { token: await stack.token('warehouse') });
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  scans.push({ picker, outcome: res.data.scanItem.outcome });
  return res.data.scanItem;
}

const SEAL = `mutation($id: ID!, $packer: String!) { sealPackage(orderId: $id, packer: $packer) {
  outcome messageZh messageEn waybillPending progress { complete }
  seal { sealNo hash content packer sealedAt outboundNo erpOrderNo waybillNo lines { sku { code } batchNo quantity } verification { valid recomputedHash problems { code messageZh messageEn } } }
} }`;

const gs1 = (sku: string, batch: string, extra = '') => `(01)${GTIN.get(sku)}(10)${batch}${extra}`;
const yymmdd = (date: string) => date.slice(2).replace(/-/g, '');
const lines = (outNo: string) => wms.query('SELECT sku, batch_no, loc_code, plan_qty, picked_qty FROM t_out_line WHERE out_no = ? ORDER BY line_no', [outNo]);
const header = async (outNo: string) => (await wms.query('SELECT status, pick_start_time, pick_end_time FROM t_out_order WHERE out_no = ?', [outNo]))[0];
const lotLocks = async (warehouse: string, sku: string) =>
  Object.fromEntries((await wms.query('SELECT batch_no, locked_qty FROM t_stock WHERE warehouse_code = ? AND sku = ?', [warehouse, sku])).map((r: any) => [r.batch_no, Number(r.locked_qty)]));

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('pick list', () => {
  test('pickList allocates by FEFO at pick time: skips locked, expired and short-dated lots, splits a line over two batches, locks what it takes, once', async () => {
    const o = await order('WH-SH01', [{ sku: 'FLD-DOT4-1L', quantity: 30 }]);
    await stock('WH-SH01', 'FLD-DOT4-1L', [
      { batch: 'FEFO-LOCKED', bin: 'F1-A03-S02', qty: 50, locked: 50, expires: addMonths(today, 7) },
      { batch: 'FEFO-EXPIRED', bin: 'F1-A03-S03', qty: 80, expires: addMonths(today, -1) },
      { batch: 'FEFO-SHORT', bin: 'F1-A03-S04', qty: 100, expires: addMonths(today, 5) },
      { batch: 'FEFO-FIRST', bin: 'F2-A05-S10', qty: 20, expires: addMonths(today, 8) },
      { batch: 'FEFO-NEXT', bin: 'F1-A07-S01', qty: 40, locked: 5, expires: addMonths(today, 14) },
      { batch: 'FEFO-LATER', bin: 'F1-A02-S02', qty: 100, expires: addMonths(today, 20) },
    ]);
    // Five phones open the list at once: one allocation, one set of locks.
    const asked = Date.now();
    const lists = await Promise.all(Array.from({ length: 5 }, () => pickList(o.erpOrderNo)));
    const answered = Date.now();
    for (const list of lists) assert.deepEqual(list, lists[0]);
    const list = lists[0];
    assert.equal(list.allocation.source, 'FEFO');
    // When the hub recorded the allocation, to the second, while the phones asked.
    const [made] = await hubDb.query('SELECT created_at FROM hub_pick_allocation WHERE out_no = ?', [o.outboundNo]);
    assert.equal(list.allocation.allocatedAt, toIsoBeijing(Number(made.created_at)));
    assert.ok(Number(made.created_at) >= asked && Number(made.created_at) <= answered, `${made.created_at} within [${asked}, ${answered}]`);
    assert.deepEqual(list.allocation.shortfalls, []);
    assert.deepEqual(
      list.lines.map((l: any) => [l.batchNo, l.bin.code, l.quantity, l.expiresOn]).sort(),
      [
        ['FEFO-FIRST', 'F2-A05-S10', 20, addMonths(today, 8)],
        ['FEFO-NEXT', 'F1-A07-S01', 10, addMonths(today, 14)],
      ],
      'first expiry first; the locked, expired and short-dated lots are never taken',
    );
    assert.deepEqual(
      list.lines.map((l: any) => l.bin.code),
      ['F1-A07-S01', 'F2-A05-S10'],
      'floor 1 before floor 2',
    );
    assert.equal(list.lines[0].sku.spec, 'DOT4-1L');
    assert.deepEqual(
      (await lines(o.outboundNo)).map((r: any) => [r.batch_no, r.loc_code, Number(r.plan_qty)]).sort(),
      [
        ['FEFO-FIRST', 'F2-A05-S10', 20],
        ['FEFO-NEXT', 'F1-A07-S01', 10],
      ],
      'the allocation is written into t_out_line',
    );
    const locks = { 'FEFO-LOCKED': 50, 'FEFO-EXPIRED': 0, 'FEFO-SHORT': 0, 'FEFO-FIRST': 20, 'FEFO-NEXT': 15, 'FEFO-LATER': 0 };
    assert.deepEqual(await lotLocks('WH-SH01', 'FLD-DOT4-1L'), locks, 'what it takes is locked in t_stock');
    assert.equal((await header(o.outboundNo)).status, 20);
    assert.deepEqual(await pickList(o.erpOrderNo), list, 'asking again changes nothing');
    assert.deepEqual(await lotLocks('WH-SH01', 'FLD-DOT4-1L'), locks);
  });

  test('when FEFO cannot serve a line the outbound keeps WMS\'s allocation and the pick list says why', async () => {
    const o = await order('WH-SH01', [{ sku: 'FLD-COOL-1L', quantity: 5 }]);
    await stock('WH-SH01', 'FLD-COOL-1L', [
      { batch: 'COOL-SHORT', bin: 'F1-A04-S04', qty: 300, expires: addMonths(today, 2) },
      { batch: 'COOL-LOCKED', bin: 'F1-A04-S05', qty: 10, locked: 10, expires: addMonths(today, 30) },
    ]);
    const list = await pickList(o.outboundNo);
    assert.equal(list.allocation.source, 'WMS');
    assert.deepEqual(
      list.allocation.shortfalls.map((s: any) => [s.sku.code, s.quantity, s.reason]),
      [['FLD-COOL-1L', 5, 'MIXED']],
    );
    assert.match(list.allocation.shortfalls[0].messageZh, /缺 5 件/);
    assert.deepEqual(list.lines.map((l: any) => l.batchNo), ['WMS-OWN'], 'lines left as WMS holds them');
    assert.deepEqual(await lotLocks('WH-SH01', 'FLD-COOL-1L'), { 'COOL-SHORT': 0, 'COOL-LOCKED': 10 }, 'nothing locked');
  });

  test('the pick list walks floor by floor on a known layout (WH-HZ01: 8 aisles × 16 shelves) and reports the route length', async () => {
    const o = await order('WH-HZ01', [
      { sku: 'BRG-N204', quantity: 1 },
      { sku: 'BRG-6205', quantity: 2 },
      { sku: 'FLT-W712', quantity: 3 },
      { sku: 'SPK-BKR6EIX', quantity: 4 },
    ]);
    await stock('WH-HZ01', 'BRG-N204', [{ batch: '202501A', bin: 'F2-A03-S04', qty: 10 }]);
    await stock('WH-HZ01', 'BRG-6205', [{ batch: '202502A', bin: 'F1-A02-S14', qty: 10 }]);
    await stock('WH-HZ01', 'FLT-W712', [{ batch: '202503A', bin: 'F1-A01-S10', qty: 10 }]);
    await stock('WH-HZ01', 'SPK-BKR6EIX', [{ batch: '202504A', bin: 'F1-A01-S05', qty: 10 }]);
    const list = await pickList(o.erpOrderNo);
    // By hand (3 m between aisles, 1.2 m per shelf, back cross-aisle at shelf 17, 30 m per lift
    // ride): floor 1 is one loop up aisle 1 and down aisle 2, 20.4 + 3 + 20.4 + 3 = 46.8 m (two out-
    // and-back trips would be 24 + 39.6); floor 2 is out to aisle 3 shelf 4 and back, 2 × 10.8.
    assert.deepEqual(list.route.floors.map((f: any) => [f.floor, f.lengthMeters]), [
      [1, 46.8],
      [2, 21.6],
    ]);
    assert.equal(list.route.lengthMeters, 128.4);
    assert.ok(list.route.sShapeLengthMeters >= list.route.lengthMeters);
    const walk = list.lines.map((l: any) => l.bin.code);
    assert.ok(
      JSON.stringify(walk) === JSON.stringify(['F1-A01-S05', 'F1-A01-S10', 'F1-A02-S14', 'F2-A03-S04']) ||
        JSON.stringify(walk) === JSON.stringify(['F1-A02-S14', 'F1-A01-S10', 'F1-A01-S05', 'F2-A03-S04']),
      `walking order along the loop, floor 1 first: ${walk}`,
    );
    assert.deepEqual(list.lines.map((l: any) => l.sequence), [1, 2, 3, 4]);
    assert.deepEqual(list.lines[3].bin, { code: 'F2-A03-S04', floor: 2, aisle: 3, shelf: 4, usable: true }, 'coordinates from t_location');
    assert.deepEqual(list.progress, { lines: 4, linesDone: 0, quantity: 10, pickedQuantity: 0, complete: false });
  });
});

describe('scanning', () => {
  test('each scan outcome: unknown barcode, wrong SKU, wrong batch, expired, over-pick, OK — a wrong scan changes nothing, every scan is logged', async () => {
    const o = await order('WH-SZ01', [
      { sku: 'BRK-P85020', quantity: 3 },
      { sku: 'FLD-COOL-4L', quantity: 2 },
    ]);
    await stock('WH-SZ01', 'BRK-P85020', [{ batch: '202509B', bin: 'F1-A02-S03', qty: 40 }]);
    await stock('WH-SZ01', 'FLD-COOL-4L', [{ batch: '202510A', bin: 'F1-A05-S07', qty: 40, expires: addMonths(today, 12) }]);
    await pickList(o.erpOrderNo);
    const wrong: [string, string, RegExp][] = [
      ['hello', 'UNKNOWN_BARCODE', /无法识别/],
      ['(01)04006381333931(10)X1', 'UNKNOWN_BARCODE', /不在商品目录/],
      ['WMS|NOPE-1|X|1', 'UNKNOWN_BARCODE', /NOPE-1/],
      ['(00)106141411234567897', 'UNKNOWN_BARCODE', /没有商品码/],
      [gs1('WIP-AERO24', '202501A'), 'WRONG_SKU', /BOSCH-AEROTWIN-24.*不在本单/],
      [gs1('BRK-P85020', '202509C'), 'WRONG_BATCH', /批次 202509C 不是本单分配的批次.*应拣批次 202509B（库位 F1-A02-S03）/],
      [`]E0${GTIN.get('BRK-P85020')!.slice(1)}`, 'WRONG_BATCH', /不含批次/],
      [gs1('FLD-COOL-4L', '202510A', '(17)250131'), 'EXPIRED', /已过期/],
      [gs1('FLD-COOL-4L', '202510A', `(17)${yymmdd(addMonths(today, 3))}`), 'EXPIRED', /至少 6 个月/],
      [gs1('BRK-P85020', '202509B', '(30)5'), 'OVER_PICK', /超过.*还需的 3 件/],
    ];
    for (const [barcode, outcome, message] of wrong) {
      const res = await scan(o.erpOrderNo, barcode);
      assert.equal(res.outcome, outcome, `${barcode}: ${res.messageEn}`);
      assert.equal(res.accepted, false);
      assert.match(res.messageZh, message, barcode);
      assert.match(res.messageEn, /[A-Za-z]/);
      assert.equal(res.progress.pickedQuantity, 0);
    }
    assert.deepEqual((await lines(o.outboundNo)).map((r: any) => r.picked_qty), [null, null], 'wrong scans counted nothing');
    assert.equal((await header(o.outboundNo)).status, 20, 'nor started picking');
    const wrongScan = await scan(o.erpOrderNo, gs1('WIP-AERO24', '202501A'));
    assert.equal(wrongScan.line.sku.code, 'BRK-P85020', 'a wrong scan points to what to pick instead');
    assert.equal((await stack.query(`query($id: ID!) { order(id: $id) { status } }`, { id: o.erpOrderNo })).data.order.status, 'PAID');

    // The warehouse label, quantity 2, starts picking.
    const beforeFirst = formatBeijing(Date.now() - 999);
    const first = await scan(o.outboundNo, 'WMS|brk-p85020|202509B|2');
    const afterFirst = formatBeijing(Date.now());
    assert.equal(first.outcome, 'OK', first.messageEn);
    assert.deepEqual([first.line.pickedQuantity, first.line.quantity, first.line.bin.code], [2, 3, 'F1-A02-S03']);
    assert.equal(first.outboundStatus, 'PICKING');
    const started = await header(o.outboundNo);
    assert.equal(started.status, 30);
    // Stamped by that scan (WMS keeps seconds), and not finished.
    assert.ok(started.pick_start_time >= beforeFirst && started.pick_start_time <= afterFirst, `${started.pick_start_time} within [${beforeFirst}, ${afterFirst}]`);
    assert.equal(started.pick_end_time, null);
    const inGraph = await eventually(
      async () => (await stack.query(`query($id: ID!) { order(id: $id) { status lifecycle { stage recorded at } } }`, { id: o.erpOrderNo })).data.order,
      (v: any) => v.status === 'PICKING',
    );
    assert.equal(inGraph.status, 'PICKING', 'the lifecycle shows PICKING within seconds of the first good scan');
    assert.deepEqual(inGraph.lifecycle.find((n: any) => n.stage === 'PICKING'), { stage: 'PICKING', recorded: true, at: beijingToIso(started.pick_start_time) });

    // Raw GS1-128 as the scanner sends it (symbology identifier, FNC1 as GS), quantity 1.
    assert.equal((await scan(o.erpOrderNo, `]C101${GTIN.get('BRK-P85020')}10202509B${GS}301`)).outcome, 'OK');
    assert.equal((await scan(o.erpOrderNo, gs1('BRK-P85020', '202509B'))).outcome, 'OVER_PICK', 'the line is complete');
    const beforeLast = formatBeijing(Date.now() - 999);
    const last = await scan(o.erpOrderNo, gs1('FLD-COOL-4L', '202510A', `(17)${yymmdd(addMonths(today, 12))}(30)2`));
    const afterLast = formatBeijing(Date.now());
    assert.equal(last.outcome, 'OK', last.messageEn);
    assert.equal(last.outboundStatus, 'PICKED');
    assert.deepEqual(last.progress, { lines: 2, linesDone: 2, quantity: 5, pickedQuantity: 5, complete: true });
    const done = await header(o.outboundNo);
    assert.equal(done.status, 40);
    assert.equal(done.pick_start_time, started.pick_start_time, 'the start stays the first scan');
    assert.ok(done.pick_end_time >= beforeLast && done.pick_end_time <= afterLast, `${done.pick_end_time} within [${beforeLast}, ${afterLast}]`);
    assert.deepEqual((await lines(o.outboundNo)).map((r: any) => Number(r.picked_qty)), [3, 2]);
    const log = await wms.query('SELECT result, operator, barcode FROM t_pick_scan WHERE out_no = ? ORDER BY id', [o.outboundNo]);
    assert.equal(log.length, wrong.length + 5, 'every scan logged');
    assert.deepEqual(log.map((r: any) => Number(r.result)), [...wrong.map(() => 0), 0, 1, 1, 0, 1]);
    assert.ok(log.every((r: any) => r.operator === 'picker-1'));
  });

  test('parallel pickers on one order never over-pick: exactly plan_qty is accepted', async () => {
    const o = await order('WH-SZ01', [
      { sku: 'LMP-H7', quantity: 12 },
      { sku: 'LMP-D1S', quantity: 4 },
    ]);
    await stock('WH-SZ01', 'LMP-H7', [{ batch: 'H7-2025', bin: 'F1-A06-S06', qty: 500 }]);
    await stock('WH-SZ01', 'LMP-D1S', [{ batch: 'D1S-2025', bin: 'F2-A06-S06', qty: 500 }]);
    await pickList(o.erpOrderNo);
    const barcodes = [...Array.from({ length: 30 }, () => gs1('LMP-H7', 'H7-2025')), ...Array.from({ length: 10 }, () => gs1('LMP-D1S', 'D1S-2025'))];
    const results = await Promise.all(barcodes.map((b, i) => scan(o.erpOrderNo, b, `picker-${(i % 4) + 1}`)));
    const count = (sku: string, outcome: string) => results.filter((r) => r.scanned.sku.code === sku && r.outcome === outcome).length;
    assert.deepEqual([count('LMP-H7', 'OK'), count('LMP-H7', 'OVER_PICK')], [12, 18]);
    assert.deepEqual([count('LMP-D1S', 'OK'), count('LMP-D1S', 'OVER_PICK')], [4, 6]);
    assert.deepEqual((await lines(o.outboundNo)).map((r: any) => Number(r.picked_qty)), [12, 4]);
    const log = await wms.query('SELECT SUM(result) AS ok, COUNT(*) AS n FROM t_pick_scan WHERE out_no = ?', [o.outboundNo]);
    assert.deepEqual([Number(log[0].ok), Number(log[0].n)], [16, 40]);
    assert.equal((await header(o.outboundNo)).status, 40);
    assert.equal(results.filter((r) => r.outcome === 'OK' && r.progress.complete).length, 1, 'exactly one scan finished the picking');
  });
});

describe('sealing', () => {
  test('sealPackage refuses an unfinished pick, then seals once: repeated and concurrent calls give one seal and one waybill', async () => {
    const o = await order('WH-SZ01', [
      { sku: 'SHK-KYB334', quantity: 2 },
      { sku: 'BLT-CT1028', quantity: 1 },
    ]);
    await stock('WH-SZ01', 'SHK-KYB334', [{ batch: 'KYB-01', bin: 'F1-A08-S08', qty: 20 }]);
    await stock('WH-SZ01', 'BLT-CT1028', [{ batch: 'CT-01', bin: 'F1-A09-S01', qty: 20 }]);
    const token = await stack.token('warehouse');
    const seal = (packer = '李四') => stack.query(SEAL, { id: o.erpOrderNo, packer }, { token });

    const early = await seal();
    assert.equal(early.errors, undefined);
    assert.equal(early.data.sealPackage.outcome, 'NOT_FULLY_PICKED');
    assert.equal(early.data.sealPackage.seal, null);
    assert.match(early.data.sealPackage.messageZh, /还未拣完/);
    await scan(o.erpOrderNo, gs1('SHK-KYB334', 'KYB-01', '(30)2'));
    assert.equal((await seal()).data.sealPackage.outcome, 'NOT_FULLY_PICKED');
    assert.equal((await scan(o.erpOrderNo, gs1('BLT-CT1028', 'CT-01'))).outboundStatus, 'PICKED');

    // The blockers follow each step: picked and waiting for the packer; a document the remark asks
    // for and nobody has confirmed packed (the ERP remark written as a clerk would).
    const erp = await openDataSource(stack.targets.erpUrl, { poolSize: 1 });
    try {
      await erp.query('UPDATE SO_SOMain SET cMemo = ? WHERE cSOCode = ?', ['急！需附检测报告，装车用', o.erpOrderNo]);
      await erp.query('DELETE e FROM SO_SOMain_ExtraDefine e JOIN SO_SOMain m ON m.ID = e.ID WHERE m.cSOCode = ?', [o.erpOrderNo]);
    } finally {
      await erp.destroy();
    }
    const BLOCKERS = `query($id: ID!) { order(id: $id) { blockers { code severity sourceSystem messageZh messageEn } currentBlocker { code messageZh messageEn } attachments { required source outstanding confirmed { attachment confirmedBy } } } }`;
    const blockersNow = async () => (await stack.query(BLOCKERS, { id: o.erpOrderNo })).data.order;
    let now = await blockersNow();
    assert.deepEqual(now.blockers.map((b: any) => b.code).filter((c: string) => c.startsWith('AWAITING_')), ['AWAITING_ATTACHMENT', 'AWAITING_SEAL']);
    assert.deepEqual(now.attachments, { required: ['TEST_REPORT'], source: 'REMARK', outstanding: ['TEST_REPORT'], confirmed: [] });
    assert.match(now.blockers.find((b: any) => b.code === 'AWAITING_ATTACHMENT').messageZh, /备注要求随货附检测报告/);
    assert.deepEqual(now.currentBlocker, { code: 'AWAITING_ATTACHMENT', messageZh: '您要求的检测报告正在准备，备齐后随货发出', messageEn: 'The test report you asked for is being prepared; your order ships with it' });
    const CONFIRM = `mutation($id: ID!, $docs: [RequiredAttachment!]!) { confirmAttachments(orderId: $id, attachments: $docs) { attachments { outstanding confirmed { attachment confirmedBy } } userErrors { code messageEn } } }`;
    const refused = (await stack.query(CONFIRM, { id: o.erpOrderNo, docs: ['TEST_REPORT', 'INVOICE'] }, { token })).data.confirmAttachments;
    assert.deepEqual(refused.userErrors, [{ code: 'NOT_REQUIRED', messageEn: 'The order does not require invoice' }]);
    assert.deepEqual(refused.attachments.outstanding, ['TEST_REPORT'], 'nothing written');
    for (let i = 0; i < 2; i++) {
      const confirmed = (await stack.query(CONFIRM, { id: o.outboundNo, docs: ['TEST_REPORT'] }, { token })).data.confirmAttachments;
      assert.deepEqual(confirmed, { attachments: { outstanding: [], confirmed: [{ attachment: 'TEST_REPORT', confirmedBy: 'test-warehouse' }] }, userErrors: [] });
    }
    const audited = (await stack.query(`{ auditLog(entity: ORDER, entityId: "${o.erpOrderNo}") { action actor after } }`)).data.auditLog;
    assert.deepEqual(audited.filter((a: any) => a.action === 'ATTACHMENTS_CONFIRMED').map((a: any) => [a.actor, a.after]), [['test-warehouse', ['TEST_REPORT']]], 'once, though asked twice');
    now = await blockersNow();
    assert.deepEqual(now.blockers.map((b: any) => b.code).filter((c: string) => c.startsWith('AWAITING_')), ['AWAITING_SEAL']);
    assert.equal(now.blockers.find((b: any) => b.code === 'AWAITING_SEAL').sourceSystem, 'WMS');

    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => seal(`封箱员${i}`)));
    for (const r of results) assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const payloads = [...results.map((r) => r.data.sealPackage), (await seal('后来者')).data.sealPackage];
    assert.deepEqual(payloads.map((p) => p.outcome).sort(), ['ALREADY_SEALED', 'ALREADY_SEALED', 'ALREADY_SEALED', 'ALREADY_SEALED', 'ALREADY_SEALED', 'ALREADY_SEALED', 'SEALED']);
    const sealed = payloads.find((p) => p.outcome === 'SEALED')!.seal;
    for (const p of payloads) assert.deepEqual(p.seal, sealed, 'every call answers with the same seal');
    assert.ok(payloads.every((p) => !p.waybillPending));
    assert.match(sealed.hash, /^[0-9a-f]{64}$/);
    assert.equal(sealed.sealNo, `SL${sealed.hash.slice(0, 38).toUpperCase()}`);
    assert.deepEqual(JSON.parse(sealed.content), {
      version: 1,
      outboundNo: o.outboundNo,
      erpOrderNo: o.erpOrderNo,
      warehouseCode: 'WH-SZ01',
      packer: sealed.packer,
      sealedAt: sealed.sealedAt,
      lines: [
        { skuCode: 'BLT-CT1028', batchNo: 'CT-01', quantity: 1 },
        { skuCode: 'SHK-KYB334', batchNo: 'KYB-01', quantity: 2 },
      ],
    });
    const { createHash } = await import('node:crypto');
    assert.equal(createHash('sha256').update(sealed.content).digest('hex'), sealed.hash, 'anyone can recompute the hash');
    assert.deepEqual(sealed.verification, { valid: true, recomputedHash: sealed.hash, problems: [] });

    const sealRows = await wms.query('SELECT seal_no, operator FROM t_seal_log WHERE out_no = ?', [o.outboundNo]);
    assert.deepEqual(sealRows.map((r: any) => [r.seal_no, r.operator]), [[sealed.sealNo, sealed.packer]], 'one seal row');
    assert.equal((await header(o.outboundNo)).status, 50, 'packed');
    const byRef = (await (await fetch(`${stack.tmsApiUrl}/api/v1/waybill/queryByRef`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerRefs: [o.outboundNo] }) })).json()) as any;
    assert.deepEqual(byRef.data.map((w: any) => w.waybillNo), [sealed.waybillNo], 'one waybill, made for the outbound');
    // Addressed as ERP and WMS say: the order's region, the outbound's consignee.
    const [{ consignee_name: consignee }] = await wms.query('SELECT consignee_name FROM t_out_order WHERE out_no = ?', [o.outboundNo]);
    const region = (await stack.query(`query($id: ID!) { order(id: $id) { region } }`, { id: o.erpOrderNo })).data.order.region;
    assert.deepEqual([byRef.data[0].destCity, byRef.data[0].consignee, byRef.data[0].customerRef], [region, consignee, o.outboundNo]);

    // The graph follows: the outbound is packed and the new waybill is linked to the order.
    const graph = await eventually(
      async () => (await stack.query(`query($id: ID!) { order(id: $id) { status tmsWaybillNo outbound { status } shipment { waybillNo status } } }`, { id: o.erpOrderNo })).data.order,
      (v: any) => v.tmsWaybillNo === sealed.waybillNo,
    );
    assert.deepEqual(graph, { status: 'PICKING', tmsWaybillNo: sealed.waybillNo, outbound: { status: 'PACKED' }, shipment: { waybillNo: sealed.waybillNo, status: 'CREATED' } });
    now = await blockersNow();
    assert.deepEqual(now.blockers.map((b: any) => b.code).filter((c: string) => c.startsWith('AWAITING_')), ['AWAITING_COLLECTION']);
    assert.deepEqual(now.blockers.find((b: any) => b.code === 'AWAITING_COLLECTION').sourceSystem, 'TMS');
    assert.match(now.blockers.find((b: any) => b.code === 'AWAITING_COLLECTION').messageEn, new RegExp(`waiting for the carrier to collect waybill ${sealed.waybillNo}`));

    // A packed outbound takes no more scans.
    const late = await stack.query(SCAN, { id: o.erpOrderNo, barcode: gs1('BLT-CT1028', 'CT-01') }, { token });
    assert.equal(late.errors?.[0]?.extensions?.code, 'CONFLICT');
    assert.equal(late.errors?.[0]?.extensions?.reason, 'OUTBOUND_NOT_PICKABLE');
    assert.match(late.errors![0].message, /已封箱.*packed/);

    // Tampering with what WMS says was packed shows up.
    await wms.query("UPDATE t_out_line SET picked_qty = 1 WHERE out_no = ? AND sku = 'SHK-KYB334'", [o.outboundNo]);
    const tampered = (await seal()).data.sealPackage.seal.verification;
    assert.equal(tampered.valid, false);
    assert.deepEqual(tampered.problems.map((p: any) => p.code), ['CONTENT_CHANGED']);
    assert.match(tampered.problems[0].messageEn, /SHK-KYB334 KYB-01 sealed 2, now 1/);
    await wms.query("UPDATE t_out_line SET picked_qty = 2 WHERE out_no = ? AND sku = 'SHK-KYB334'", [o.outboundNo]);
    await wms.query('UPDATE t_seal_log SET seal_no = ? WHERE out_no = ?', ['SL0000', o.outboundNo]);
    assert.deepEqual((await seal()).data.sealPackage.seal.verification.problems.map((p: any) => p.code), ['SEAL_NO_MISMATCH']);
    await wms.query('UPDATE t_seal_log SET seal_no = ? WHERE out_no = ?', [sealed.sealNo, o.outboundNo]);
    assert.equal((await seal()).data.sealPackage.seal.verification.valid, true);

    const list = await pickList(o.erpOrderNo);
    assert.equal(list.outboundStatus, 'PACKED');
  });
});

describe('access and bad arguments', () => {
  test('customers, sales and finance may not scan or seal; finance may read pickingStats', async () => {
    const id = orders[0].erpOrderNo;
    for (const [role, customer] of [['customer', 'C00001'], ['finance'], ['sales']] as const) {
      const token = await stack.token(role, customer);
      for (const query of [
        ['mutation($id: ID!) { scanItem(orderId: $id, barcode: "x") { outcome } }'],
        ['mutation($id: ID!) { sealPackage(orderId: $id, packer: "x") { outcome } }'],
        ['query($id: ID!) { pickList(orderId: $id) { outboundNo } }'],
      ]) {
        const res = await stack.query(query[0], { id }, { token });
        assert.equal(res.errors?.[0]?.extensions?.code, 'FORBIDDEN', `${role}: ${query[0]}`);
        assert.equal(res.data, undefined);
      }
    }
    // Finance reads the same figures the warehouse does: every scan this file made so far.
    const window = { from: new Date(startedAt - 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const stats = await stack.query('query($from: DateTime!, $to: DateTime!) { pickingStats(from: $from, to: $to) { scans okScans } }', window, { token: await stack.token('finance') });
    assert.deepEqual(stats, { data: { pickingStats: { scans: scans.length, okScans: scans.filter((s) => s.outcome === 'OK').length } } });
    assert.equal(Number((await wms.query('SELECT COUNT(*) AS n FROM t_pick_scan WHERE out_no = ?', [orders[0].outboundNo]))[0].n), 0, 'nothing was logged');
  });

  test('an unknown order is NOT_FOUND, a malformed number BAD_USER_INPUT, an order without outbound CONFLICT', async () => {
    const token = await stack.token('ops');
    const ask = (id: string, packer = 'x') => stack.query('mutation($id: ID!, $p: String!) { sealPackage(orderId: $id, packer: $p) { outcome } }', { id, p: packer }, { token });
    const unknown = await ask('SO-20991231-001');
    assert.equal(unknown.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    assert.equal(unknown.errors?.[0]?.extensions?.argument, 'orderId');
    assert.match(unknown.errors![0].message, /没有单号.*No order has/);
    const malformed = await stack.query('query { pickList(orderId: "hello; DROP TABLE t_out_line") { outboundNo } }', {}, { token });
    assert.equal(malformed.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(malformed.errors?.[0]?.extensions?.argument, 'orderId');
    const noOutbound = stack.truth.orders.find((t) => !t.outbound && !t.waybill)!;
    const conflict = await stack.query('mutation($id: ID!) { scanItem(orderId: $id, barcode: "x") { outcome } }', { id: noOutbound.erpOrderNo }, { token });
    assert.equal(conflict.errors?.[0]?.extensions?.code, 'CONFLICT');
    assert.equal(conflict.errors?.[0]?.extensions?.reason, 'NO_OUTBOUND');
    const badPacker = await ask(orders[0].erpOrderNo, '一个名字长到超过二十个字符的封箱员的姓名和工号合在一起');
    assert.equal(badPacker.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(badPacker.errors?.[0]?.extensions?.argument, 'packer');
    const badWindow = await stack.query('{ pickingStats(from: "2025-12-01", to: "2025-11-01") { scans } }', {}, { token });
    assert.equal(badWindow.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });
});

describe('holds', () => {
  test('an order a rule holds cannot be picked until the hold is approved', async () => {
    const o = orders[orders.length - 1];
    const ops = await stack.token('ops');
    const rule = { id: 'T-hold-everything', kind: 'CUSTOMER_GRADE_HOLD', name: 'test: hold every order', priority: 1, parameters: { grades: ['A', 'B', 'C'], amountOver: '0.00', approverRole: 'director' } };
    await stack.query('mutation($i: RuleInput!) { upsertRule(input: $i) { userErrors { code } } }', { i: rule }, { token: ops });
    try {
      await stack.query('mutation($id: ID!) { evaluateOrder(id: $id) { fired { ruleId } } }', { id: o.erpOrderNo }, { token: ops });
      const held = await stack.query(PICK_LIST, { id: o.erpOrderNo }, { token: await stack.token('warehouse') });
      assert.equal(held.errors?.[0]?.extensions?.code, 'CONFLICT');
      assert.equal(held.errors?.[0]?.extensions?.reason, 'ON_HOLD');
      assert.match(held.errors![0].message, /T-hold-everything.*director/);
      const scanned = await stack.query(SCAN, { id: o.erpOrderNo, barcode: 'x', picker: 'p' }, { token: await stack.token('warehouse') });
      assert.equal(scanned.errors?.[0]?.extensions?.reason, 'ON_HOLD');
      assert.equal(Number((await wms.query('SELECT COUNT(*) AS n FROM t_pick_scan WHERE out_no = ?', [o.outboundNo]))[0].n), 0, 'nothing was done');
      const holds = await stack.query('query($id: ID!) { order(id: $id) { holds { id ruleId state } } }', { id: o.erpOrderNo }, { token: ops });
      const hold = holds.data.order.holds.find((h: any) => h.ruleId === 'T-hold-everything');
      await stack.query('mutation($id: ID!) { approveHold(id: $id, reason: "checked with the customer") { hold { state } } }', { id: hold.id }, { token: await stack.token('director') });
      const list = await pickList(o.erpOrderNo);
      // Picking may start once approved: the whole outbound, nothing picked yet.
      const planned = await lines(o.outboundNo);
      assert.deepEqual(
        list.lines.map((l: any) => [l.sku.code, l.batchNo, l.bin.code, l.quantity, l.pickedQuantity]).sort(),
        planned.map((r: any) => [r.sku, r.batch_no, r.loc_code, Number(r.plan_qty), 0]).sort(),
      );
      assert.deepEqual(list.progress, { lines: planned.length, linesDone: 0, quantity: planned.reduce((n: number, r: any) => n + Number(r.plan_qty), 0), pickedQuantity: 0, complete: false });
    } finally {
      await stack.query('mutation { setRuleEnabled(id: "T-hold-everything", enabled: false) { rule { enabled } } }', {}, { token: ops });
    }
  });
});

describe('pick accuracy', () => {
  test('pickingStats counts every scan, the errors caught by kind, accuracy, orders picked and sealed, per picker', async () => {
    const from = new Date(startedAt - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await stack.query(
      `query($from: DateTime!, $to: DateTime!) { pickingStats(from: $from, to: $to) { scans okScans errorsCaught errorsByOutcome { outcome count } accuracy ordersPicked ordersSealed pickers { picker scans okScans errorsCaught accuracy ordersPicked } } }`,
      { from, to },
      { token: await stack.token('warehouse') },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const stats = res.data.pickingStats;
    const ok = scans.filter((s) => s.outcome === 'OK').length;
    assert.equal(stats.scans, scans.length);
    assert.equal(stats.okScans, ok);
    assert.equal(stats.errorsCaught, scans.length - ok);
    assert.equal(stats.accuracy, Math.round((ok / scans.length) * 10_000) / 10_000);
    for (const outcome of ['WRONG_SKU', 'WRONG_BATCH', 'EXPIRED', 'OVER_PICK', 'UNKNOWN_BARCODE']) {
      const row = stats.errorsByOutcome.find((e: any) => e.outcome === outcome);
      assert.equal(row.count, scans.filter((s) => s.outcome === outcome).length, outcome);
      assert.ok(row.count > 0, `${outcome} was caught`);
    }
    assert.equal(stats.ordersPicked, 3);
    assert.equal(stats.ordersSealed, 1);
    const pickers = [...new Set(scans.map((s) => s.picker))].sort();
    assert.deepEqual(stats.pickers.map((p: any) => p.picker), pickers);
    for (const p of stats.pickers) assert.equal(p.scans, scans.filter((s) => s.picker === p.picker).length);
    const empty = await stack.query('{ pickingStats(from: "2025-01-01", to: "2025-01-02") { scans accuracy pickers { picker } } }');
    assert.deepEqual(empty.data.pickingStats, { scans: 0, accuracy: null, pickers: [] });
  });
});
