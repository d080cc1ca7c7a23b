// New orders as they happen: stories like the generator's, written into the running simulated
// systems as they unfold (compressed in time), the way the real ERP, WMS and TMS would record
// them. `npm start` keeps a trickle flowing; tests create one order and time how fast it links.
import type { DataSource } from 'typeorm';
import { insertRows, openDataSource } from '../../common/src/db.js';
import { formatBeijing } from '../../common/src/time.js';
import { formatFen } from '../../common/src/money.js';
import { Random } from './random.js';
import { composeCall } from './calls.js';
import { buildOrderStory, fefoKey, HOUR, type Customer, type World } from './generator.js';
import { orderTotalFen, outLineRows, outOrderRow, soDetailRows, soMainRow, visibleTracks, waybillAt, type OrderStory } from './story.js';
import { STORES, loadCatalog, warehouseByCode, cityByName, type Store } from './world.js';

export interface LiveTargets {
  erpUrl: string;
  wmsUrl: string;
  tmsApiUrl: string;
  /** Where the CRM listens: when given, some live orders get a service call (legacy-sim/src/calls.ts). */
  crmApiUrl?: string;
}

export interface LiveOrderNumbers {
  erpOrderNo: string;
  outboundNo: string;
  waybillNo: string;
}

/** Real time divided by this: a four-hour wait takes a minute. */
const DEFAULT_PACE = 1 / 240;

/** What has been written of one story so far. */
interface Progress {
  story: OrderStory;
  erp?: { iStatus: number; dPayTime: string | null; dCloseTime: string | null };
  outbound?: { status: number };
  waybillNo?: string;
  tracksPosted: number;
  /** When this order's customer calls the CRM about it (epoch ms); none for most orders. */
  callAt?: number;
}

class LiveWriter {
  private readonly sequences = new Map<string, number>();

  private constructor(
    private readonly erp: DataSource,
    private readonly wms: DataSource,
    private readonly tmsApiUrl: string,
    readonly world: World,
  ) {}

  /** Reads the world (customers, stores, stock) from the running systems, not from a seed. */
  static async open(targets: LiveTargets): Promise<LiveWriter> {
    const erp = await openDataSource(targets.erpUrl, { poolSize: 2 });
    const wms = await openDataSource(targets.wmsUrl, { poolSize: 2 });
    const stores = new Map<string, Store>(STORES.map((s) => [s.code, s]));
    const customers: Customer[] = (await erp.query('SELECT cCusCode, cCusName, cGrade, cDepCode, cCusPhone FROM Customer')).map((r: any) => ({
      code: r.cCusCode,
      name: r.cCusName,
      grade: String(r.cGrade).trim().toUpperCase(),
      creditLineFen: 0,
      store: stores.get(r.cDepCode) ?? STORES[0],
      phone: r.cCusPhone,
      weight: 1,
    }));
    const stock: World['stock'] = (await wms.query('SELECT warehouse_code, sku, batch_no, exp_date, loc_code, qty, locked_qty FROM t_stock')).map((r: any) => ({
      warehouseCode: r.warehouse_code,
      skuCode: r.sku,
      batchNo: r.batch_no,
      expDate: r.exp_date ? String(r.exp_date).slice(0, 10) : null,
      locCode: r.loc_code,
      qty: Number(r.qty),
      lockedQty: Number(r.locked_qty),
    }));
    const fefo: World['fefo'] = new Map();
    for (const lot of stock) fefo.set(fefoKey(lot.warehouseCode, lot.skuCode), [...(fefo.get(fefoKey(lot.warehouseCode, lot.skuCode)) ?? []), lot]);
    for (const lots of fefo.values()) lots.sort((a, b) => (a.expDate ?? '9999').localeCompare(b.expDate ?? '9999') || a.batchNo.localeCompare(b.batchNo));
    const catalog = loadCatalog();
    const world: World = { catalog, sku: new Map(catalog.map((c) => [c.code, c])), goods: catalog.filter((c) => !c.isService), customers, locations: [], stock, fefo };
    if (!customers.length) throw new Error('live orders need a seeded ERP (no customers found)');
    return new LiveWriter(erp, wms, targets.tmsApiUrl.replace(/\/$/, ''), world);
  }

  story(rng: Random, orderedAt: number, pace: number): OrderStory {
    const customer = rng.pick(this.world.customers);
    return buildOrderStory(this.world, { seed: rng.int(0, 2 ** 31 - 1), erpOrderNo: '', orderedAt, customer, store: customer.store, pace, workHours: false });
  }

  /**
   * Next number of a daily sequence, continuing whatever the system holds now: others write the
   * same sequence (the hub creates ERP orders from chat drafts).
   */
  private async next(ds: DataSource, table: string, column: string, prefix: string): Promise<number> {
    const rows = await ds.query(`SELECT ${column} AS no FROM ${table} WHERE ${column} LIKE ?`, [`${prefix}%`]);
    const held = Math.max(0, ...rows.map((r: any) => Number(String(r.no).slice(prefix.length)) || 0));
    const seq = Math.max(held, this.sequences.get(prefix) ?? 0) + 1;
    this.sequences.set(prefix, seq);
    return seq;
  }

  private async tms(path: string, body: unknown): Promise<any> {
    const res = await fetch(`${this.tmsApiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const envelope = (await res.json()) as { code: number; msg: string; data: any };
    if (envelope.code !== 0) throw new Error(`TMS ${path}: ${envelope.code} ${envelope.msg}`);
    return envelope.data;
  }

  /** Writes whatever of the story has happened by `now` and was not written yet. */
  async advance(p: Progress, now = Date.now()): Promise<boolean> {
    const s = p.story;
    const stamp = formatBeijing(now);
    const header = soMainRow(s, now);
    if (!header) return false;
    if (!p.erp) {
      const day = stamp.slice(0, 10).replace(/-/g, '');
      s.erpOrderNo = `SO-${day}-${String(await this.next(this.erp, 'SO_SOMain', 'cSOCode', `SO-${day}-`)).padStart(3, '0')}`;
      await this.erp.transaction(async (em) => {
        const row = { ...soMainRow(s, now)!, dModifyTime: stamp };
        await insertRows(em, 'SO_SOMain', [row]);
        await insertRows(em, 'SO_SODetails', soDetailRows(s));
      });
    } else if (p.erp.iStatus !== header.iStatus || p.erp.dPayTime !== header.dPayTime || p.erp.dCloseTime !== header.dCloseTime) {
      await this.erp.query('UPDATE SO_SOMain SET iStatus = ?, dPayTime = ?, dCloseTime = ?, dModifyTime = ? WHERE cSOCode = ?', [
        header.iStatus,
        header.dPayTime,
        header.dCloseTime,
        stamp,
        s.erpOrderNo,
      ]);
    }
    if (header.dCloseTime && !p.erp?.dCloseTime) {
      // Finance invoices what ERP closes.
      const day = stamp.slice(0, 10).replace(/-/g, '');
      const cSBVCode = `FP${day}-${String(await this.next(this.erp, 'SaleBillVouch', 'cSBVCode', `FP${day}-`)).padStart(4, '0')}`;
      await insertRows(this.erp, 'SaleBillVouch', [
        { cSBVCode, cVouchType: '27', dDate: stamp, cCusCode: s.customerCode, cSOCode: s.erpOrderNo, iSum: formatFen(orderTotalFen(s)), cMaker: s.maker, dModifyTime: stamp },
      ]);
    }
    p.erp = { iStatus: header.iStatus, dPayTime: header.dPayTime, dCloseTime: header.dCloseTime };

    const ob = s.outbound;
    const outRow = ob ? outOrderRow({ ...ob, reference: s.erpOrderNo }, now) : null;
    if (ob && outRow) {
      if (!p.outbound) {
        const day = stamp.slice(0, 10).replace(/-/g, '');
        ob.outboundNo = `CK${day}-${String(await this.next(this.wms, 't_out_order', 'out_no', `CK${day}-`)).padStart(3, '0')}`;
        ob.reference = s.erpOrderNo;
        await this.wms.transaction(async (em) => {
          await insertRows(em, 't_out_order', [{ ...outOrderRow(ob, now)!, update_time: stamp }]);
          await insertRows(em, 't_out_line', outLineRows(ob, now));
        });
      } else if (p.outbound.status !== outRow.status) {
        await this.wms.transaction(async (em) => {
          await em.query('UPDATE t_out_order SET status = ?, pick_start_time = ?, pick_end_time = ?, ship_time = ?, update_time = ? WHERE out_no = ?', [
            outRow.status,
            outRow.pick_start_time,
            outRow.pick_end_time,
            outRow.ship_time,
            stamp,
            ob.outboundNo,
          ]);
          if (outRow.pick_end_time) await em.query('UPDATE t_out_line SET picked_qty = plan_qty WHERE out_no = ? AND picked_qty IS NULL', [ob.outboundNo]);
        });
      }
      p.outbound = { status: outRow.status };
    }

    const wb = s.waybill;
    if (wb && ob?.outboundNo && waybillAt(wb, now)) {
      if (!p.waybillNo) {
        const from = warehouseByCode.get(cityByName.get(s.region)!.warehouse)!.city;
        const created = await this.tms('/api/v1/waybill/create', {
          carrierCode: wb.carrierCode,
          customerRef: ob.outboundNo,
          consignee: wb.consignee,
          destCity: wb.destCity,
          weightKg: wb.weightKg,
          fromCity: from,
          createTime: formatBeijing(wb.createAt),
        });
        p.waybillNo = wb.waybillNo = created.waybillNo;
        p.tracksPosted = 1;
      }
      const tracks = visibleTracks(wb, now);
      for (const t of tracks.slice(p.tracksPosted)) {
        await this.tms(`/api/v1/waybill/${p.waybillNo}/track`, {
          opCode: t.code,
          opTime: formatBeijing(t.at),
          opCity: t.city,
          opDesc: t.desc,
          ...(t.code === 50 && wb.exception ? { exception: { code: wb.exception.code, desc: wb.exception.desc, delayMinutes: wb.exception.delayMinutes } } : {}),
        });
        p.tracksPosted++;
      }
    }
    const done = s.cancelAt != null ? s.cancelAt <= now : s.payAt == null ? s.orderedAt + HOUR <= now : s.closeAt != null ? s.closeAt <= now : (wb?.tracks.at(-1)?.at ?? 0) <= now;
    return done;
  }

  async close(): Promise<void> {
    await Promise.all([this.erp.destroy(), this.wms.destroy()]);
  }
}

/**
 * Writes one new order that has, by now, been paid, picked, shipped and collected: its ERP order,
 * WMS outbound and TMS waybill all exist. Returns its three numbers.
 */
export async function createLiveOrder(targets: LiveTargets, seed = Date.now()): Promise<LiveOrderNumbers> {
  const writer = await LiveWriter.open(targets);
  try {
    const rng = new Random(seed);
    let story: OrderStory;
    // An order that is paid and ships (most do); the same seed gives the same waits wherever it starts.
    for (;;) {
      const storySeed = rng.int(0, 2 ** 31 - 1);
      const probe = writer.story(new Random(storySeed), 0, DEFAULT_PACE);
      const collected = probe.waybill?.tracks.find((t) => t.code === 10)?.at;
      if (collected == null) continue;
      story = writer.story(new Random(storySeed), Date.now() - collected - 1000, DEFAULT_PACE);
      break;
    }
    const progress: Progress = { story, tracksPosted: 0 };
    await writer.advance(progress);
    return { erpOrderNo: story.erpOrderNo, outboundNo: story.outbound!.outboundNo, waybillNo: progress.waybillNo! };
  } finally {
    await writer.close();
  }
}

export interface OrderAwaitingPick {
  erpOrderNo: string;
  outboundNo: string;
}

/**
 * Writes new orders that are paid and whose WMS outbound has just been created (status 10
 * CREATED) or allocated (20 ALLOCATED), nothing picked, no waybill: what a picker's phone starts
 * from. Their stories are not advanced further, so they stay there for the pick-by-scan tests.
 */
export async function createOrdersAwaitingPick(
  targets: LiveTargets,
  options: { count?: number; seed?: number; stage?: 'CREATED' | 'ALLOCATED' } = {},
): Promise<OrderAwaitingPick[]> {
  const writer = await LiveWriter.open(targets);
  const stage = options.stage ?? 'CREATED';
  try {
    const rng = new Random(options.seed ?? Date.now());
    const made: OrderAwaitingPick[] = [];
    while (made.length < (options.count ?? 1)) {
      const storySeed = rng.int(0, 2 ** 31 - 1);
      const probe = writer.story(new Random(storySeed), 0, DEFAULT_PACE);
      const ob = probe.outbound;
      if (!ob || probe.cancelAt != null || !ob.lines.length) continue;
      // WMS moves an outbound to 20 a minute after creating it (outboundStatus in story.ts).
      const into = stage === 'CREATED' ? 1000 : 61_000;
      if (ob.pickStartAt - ob.createAt <= into + 1000) continue;
      const story = writer.story(new Random(storySeed), Date.now() - ob.createAt - into, DEFAULT_PACE);
      await writer.advance({ story, tracksPosted: 0 });
      made.push({ erpOrderNo: story.erpOrderNo, outboundNo: story.outbound!.outboundNo });
    }
    return made;
  } finally {
    await writer.close();
  }
}

export interface LiveFeed {
  stop(): Promise<void>;
}

/** A new order every 60/perMinute seconds, each written step by step as its story unfolds. */
/** The call platform hands the CRM a call about a live order, composed as the generator composes them. */
async function recordLiveCall(crmApiUrl: string, p: Progress, rng: Random): Promise<void> {
  const s = p.story;
  const { transcript } = composeCall({ customerCode: s.customerCode, customerPhone: null, erpOrderNo: s.erpOrderNo, outboundNo: null, waybillNo: p.waybillNo ?? null }, rng);
  const res = await fetch(`${crmApiUrl.replace(/\/$/, '')}/crm/api/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ custCode: s.customerCode, transcript, startedAt: Date.now() }),
  });
  if (!res.ok) throw new Error(`CRM refused a live call: HTTP ${res.status}`);
}

export function startLiveFeed(targets: LiveTargets, options: { perMinute: number; pace?: number; seed?: number; onError?: (err: unknown) => void }): LiveFeed {
  const pace = options.pace ?? DEFAULT_PACE;
  const rng = new Random(options.seed ?? Date.now());
  const active: Progress[] = [];
  let writer: LiveWriter | null = null;
  let stopped = false;
  let nextOrderAt = Date.now();
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    writer ??= await LiveWriter.open(targets);
    if (Date.now() >= nextOrderAt) {
      // About one order in eight gets a service call a little while after it is placed.
      const callAt = targets.crmApiUrl && rng.chance(1 / 8) ? Date.now() + rng.int(20, 120) * 1000 : undefined;
      active.push({ story: writer.story(rng, Date.now(), pace), tracksPosted: 0, callAt });
      nextOrderAt += 60_000 / options.perMinute;
    }
    for (const p of [...active]) {
      if (p.callAt != null && p.erp && Date.now() >= p.callAt) {
        p.callAt = undefined;
        await recordLiveCall(targets.crmApiUrl!, p, rng);
      }
      if (await writer.advance(p)) active.splice(active.indexOf(p), 1);
    }
  };
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(tick).catch((err) => options.onError?.(err));
  }, 1000);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await writer?.close();
    },
  };
}

/** One new order that is paid and ships, written as its story unfolds, one step whenever asked. */
export interface LiveStory {
  /** The order's numbers as far as they exist yet. */
  numbers(): Partial<LiveOrderNumbers>;
  /** Writes whatever of the story has happened by `now`; true once the story is over. */
  step(now?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** `pace` compresses the story's waits (1/240: four hours in a minute); tests use far less. */
export async function openLiveStory(targets: LiveTargets, options: { seed?: number; pace?: number; startAt?: number } = {}): Promise<LiveStory> {
  const writer = await LiveWriter.open(targets);
  const rng = new Random(options.seed ?? Date.now());
  const pace = options.pace ?? DEFAULT_PACE;
  let story: OrderStory;
  for (;;) {
    const storySeed = rng.int(0, 2 ** 31 - 1);
    const probe = writer.story(new Random(storySeed), 0, pace);
    if (probe.cancelAt != null || probe.payAt == null || !probe.waybill?.tracks.length) continue;
    story = writer.story(new Random(storySeed), options.startAt ?? Date.now(), pace);
    break;
  }
  const progress: Progress = { story, tracksPosted: 0 };
  return {
    numbers: () => ({ erpOrderNo: story.erpOrderNo || undefined, outboundNo: story.outbound?.outboundNo || undefined, waybillNo: progress.waybillNo }),
    step: (now) => writer.advance(progress, now),
    close: () => writer.close(),
  };
}
