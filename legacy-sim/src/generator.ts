// The deterministic generator: from a seed, the stories of N orders over D days in 47 stores, the
// warehouses' stock, CRM customers and tickets, TMS weather alerts, the anomalies the hub must
// catch, and the ground truth that says what the hub should make of it all.
import { addMonths, formatBeijing, parseBeijing, toIsoBeijing } from '../../common/src/time.js';
import { formatFen } from '../../common/src/money.js';
import { groupInto } from '../../common/src/loader.js';
import { Random, weightedPicker } from './random.js';
import { generateHistory, type History } from './history.js';
import { writeReference } from './references.js';
import {
  CITIES,
  CUSTOMER_TAGS,
  PERSON_GIVEN,
  PERSON_SURNAMES,
  REMARKS,
  SALES_CLERKS,
  SHOP_PREFIXES,
  SHOP_SUFFIXES,
  STORES,
  WAREHOUSES,
  cityByName,
  loadCatalog,
  warehouseByCode,
  type CatalogItem,
  type Store,
} from './world.js';
import { duplicateTruth, ruleTruth } from './rule-truth.js';
import { discrepancyTruth } from './discrepancy-truth.js';
import { buildCalls, type CrmCallRow } from './calls.js';
import { orderTotalFen, visibleTracks, type OrderStory, type OutboundStory, type StoryLine, type TrackPlan, type WaybillStory } from './story.js';
import {
  LIFECYCLE_NODES,
  type AnomalyKind,
  type AnomalyRates,
  type GroundTruth,
  type LifecycleNode,
  type LinkMethod,
  type SeedOptions,
  type TruthAnomaly,
  type TruthOrder,
  type TruthUnlinked,
} from './types.js';

export const DEFAULT_RATES: AnomalyRates = {
  refVariant: 0.04,
  refMissing: 0.02,
  refAmbiguous: 0.004,
  waybillWithoutOutbound: 0.01,
  outboundWithoutWaybill: 0.01,
  orphanWaybill: 0.005,
  orphanOutbound: 0.003,
  missingNode: 0.03,
  quantityMismatch: 0.02,
  outboundMissing: 0.003,
  invoiceMismatch: 0.004,
  gradeCLargeOrder: 0.002,
  creditBreach: 0.0005,
  missedGradeDiscount: 0.004,
  overQuantity: 0.003,
  belowPriceFloor: 0.003,
  duplicateOrder: 0.003,
  // Opt-in (bench:link, linking tests): data sets made with the defaults stay as they were.
  refKeyboard: 0,
  refContradicts: 0,
  lateCommit: 0,
  editedAfterLink: 0,
  deletedRow: 0,
  cancelledOutboundLive: 0,
};

export const DEFAULT_SEED_OPTIONS: SeedOptions = {
  orders: 7800,
  days: 3,
  seed: 20251108,
  start: '2025-11-08',
  customers: 800,
  rates: {},
};

/** The hub's default LINK_MATCH_WINDOW_DAYS: a missing reference is only injected where matching within it is unambiguous. */
export const MATCH_WINDOW_DAYS = 2;

/** The hub's default OUTBOUND_SLA_HOURS: an outbound is due this long after payment. */
export const OUTBOUND_SLA_HOURS = 24;

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
const BEIJING = 8 * HOUR;

/** Beijing midnight of the day `t` falls on. */
export const beijingMidnight = (t: number) => t - ((t + BEIJING) % DAY);
const beijingHour = (t: number) => ((t + BEIJING) % DAY) / HOUR;
const ymd = (t: number) => formatBeijing(t).slice(0, 10).replace(/-/g, '');
const dateOf = (t: number) => formatBeijing(t).slice(0, 10);

// ---- the world: customers, bins, stock ----------------------------------------------------------

export interface Customer {
  code: string;
  name: string;
  grade: 'A' | 'B' | 'C';
  creditLineFen: number;
  store: Store;
  phone: string;
  /** How often this customer orders, relative to others. */
  weight: number;
}

export interface Location {
  locCode: string;
  warehouseCode: string;
  floor: number;
  aisle: number;
  shelf: number;
  usable: boolean;
}

export interface StockLot {
  warehouseCode: string;
  skuCode: string;
  batchNo: string;
  expDate: string | null;
  locCode: string;
  qty: number;
  lockedQty: number;
}

export interface World {
  catalog: CatalogItem[];
  sku: Map<string, CatalogItem>;
  goods: CatalogItem[];
  customers: Customer[];
  locations: Location[];
  stock: StockLot[];
  /** Lots per `warehouse|sku`, first expiry first. */
  fefo: Map<string, StockLot[]>;
}

const GRADE_DISCOUNT = { A: 0.9, B: 0.95, C: 1 } as const;

/** SKUs with an old lot near expiry in stock (what the expiry rule must catch). */
export const SHORT_DATED_SKUS = ['FLD-DOT4-1L', 'FLD-DOT4-500'];
/** SKUs a warehouse does not stock at all: an order for them ships from far away. */
export const NOT_STOCKED: Record<string, string[]> = { 'WH-HZ01': ['BRK-DISC-09A'], 'WH-SZ01': ['LMP-D1S'] };

/** How often each category is ordered, how many at a time, and how heavy one is (kg). */
const CATEGORY: Record<string, { weight: number; qty: [number, number]; kg: number }> = {
  bearing: { weight: 3, qty: [2, 12], kg: 0.4 },
  fluid: { weight: 3, qty: [2, 24], kg: 1.1 },
  oil: { weight: 3, qty: [1, 8], kg: 3.8 },
  filter: { weight: 3, qty: [2, 20], kg: 0.4 },
  belt: { weight: 1.5, qty: [1, 4], kg: 0.6 },
  brake: { weight: 2, qty: [1, 4], kg: 2.5 },
  ignition: { weight: 1.5, qty: [4, 16], kg: 0.1 },
  wiper: { weight: 1, qty: [2, 10], kg: 0.3 },
  battery: { weight: 0.8, qty: [1, 3], kg: 16 },
  suspension: { weight: 0.8, qty: [2, 4], kg: 3 },
  lighting: { weight: 1, qty: [2, 10], kg: 0.1 },
  chemical: { weight: 1, qty: [1, 12], kg: 0.4 },
};
const categoryOf = (item: CatalogItem) => CATEGORY[item.category] ?? { weight: 1, qty: [1, 5] as [number, number], kg: 1 };

export const fefoKey = (warehouseCode: string, skuCode: string) => `${warehouseCode}|${skuCode}`;

export function buildWorld(rng: Random, customerCount: number, start: number): World {
  const catalog = loadCatalog();
  const goods = catalog.filter((c) => !c.isService);

  const names = new Set<string>();
  const customers: Customer[] = [];
  for (let i = 1; i <= customerCount; i++) {
    const store = rng.pick(STORES);
    let name = '';
    for (let tries = 0; !name || names.has(name); tries++) {
      const base = `${rng.pick(SHOP_PREFIXES)}${rng.pick(SHOP_SUFFIXES)}`;
      name = tries < 3 ? base : `${store.city}${base}${tries > 6 ? tries : ''}`;
    }
    names.add(name);
    const grade = rng.weighted([['A', 0.2], ['B', 0.5], ['C', 0.3]] as const);
    const [lo, hi] = grade === 'A' ? [300, 800] : grade === 'B' ? [100, 300] : [20, 100];
    customers.push({
      code: `C${String(i).padStart(5, '0')}`,
      name,
      grade,
      creditLineFen: rng.int(lo, hi) * 1000 * 100,
      store,
      phone: `1${rng.pick([3, 5, 7, 8, 9])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`,
      weight: Math.min(25, rng.next() ** -0.6),
    });
  }

  const locations: Location[] = [];
  for (const wh of WAREHOUSES) {
    for (let f = 1; f <= wh.floors; f++)
      for (let a = 1; a <= wh.aisles; a++)
        for (let s = 1; s <= wh.shelves; s++) {
          locations.push({
            locCode: `F${f}-A${String(a).padStart(2, '0')}-S${String(s).padStart(2, '0')}`,
            warehouseCode: wh.code,
            floor: f,
            aisle: a,
            shelf: s,
            usable: !rng.chance(0.01),
          });
        }
  }
  // Every warehouse names its bins the same way (F1-A01-S01 …): a bin is (warehouse, loc_code).
  const freeBins = new Map(WAREHOUSES.map((w) => [w.code, rng.shuffle(locations.filter((l) => l.warehouseCode === w.code && l.usable))]));

  const startDate = dateOf(start);
  const stock: StockLot[] = [];
  for (const item of goods) {
    // Manufacturer lots: the same batch number and expiry wherever the lot is stored. Stock turns
    // within a year; perishables at most half their shelf life old. DOT4 brake fluid is the
    // exception the expiry rule exists for: one old lot, three months from expiry.
    const lotCount = rng.int(3, 4);
    const maxAge = Math.min(12, item.shelfLifeMonths ? Math.max(2, Math.floor(item.shelfLifeMonths / 2) - 1) : 12);
    const ages = rng.shuffle(Array.from({ length: maxAge }, (_, k) => k + 1)).slice(0, lotCount).sort((a, b) => b - a);
    if (SHORT_DATED_SKUS.includes(item.code)) ages.unshift(item.shelfLifeMonths! - 3);
    const perMonth = new Map<string, number>();
    const lots = ages.map((age) => {
      const produced = addMonths(startDate, -age);
      const month = produced.slice(0, 7).replace('-', '');
      const n = perMonth.get(month) ?? 0;
      perMonth.set(month, n + 1);
      return { batchNo: `${month}${String.fromCharCode(65 + n)}`, expDate: item.shelfLifeMonths ? addMonths(produced, item.shelfLifeMonths) : null };
    });
    for (const wh of WAREHOUSES) {
      if (NOT_STOCKED[wh.code]?.includes(item.code)) continue;
      lots.forEach((lot, i) => {
        // Every warehouse holds the two newest lots; older ones only here and there.
        if (i < lots.length - 2 && !rng.chance(0.6)) return;
        const bin = freeBins.get(wh.code)!.pop()!;
        const qty = rng.int(30, 1200);
        stock.push({ warehouseCode: wh.code, skuCode: item.code, batchNo: lot.batchNo, expDate: lot.expDate, locCode: bin.locCode, qty, lockedQty: rng.chance(0.3) ? rng.int(1, Math.floor(qty / 10)) : 0 });
      });
    }
  }
  const fefo = new Map<string, StockLot[]>();
  for (const lot of stock) {
    const key = fefoKey(lot.warehouseCode, lot.skuCode);
    groupInto(fefo, key, lot);
  }
  for (const lots of fefo.values()) lots.sort((a, b) => (a.expDate ?? '9999').localeCompare(b.expDate ?? '9999') || a.batchNo.localeCompare(b.batchNo));

  return { catalog, sku: new Map(catalog.map((c) => [c.code, c])), goods, customers, locations, stock, fefo };
}

// ---- one order's story ----------------------------------------------------------------------------

export interface StoryParams {
  seed: number;
  erpOrderNo: string;
  orderedAt: number;
  customer: Customer;
  store: Store;
  /** Force the order's SKUs (quantities are still drawn). */
  skuCodes?: string[];
  /** Force the order's lines exactly (a duplicate, an injected rule violation). */
  lines?: StoryLine[];
  /** 1 for real time; below 1 compresses every wait (the live demo). */
  pace: number;
  /** Keep warehouse work between 08:00 and 22:00 Beijing time. */
  workHours: boolean;
}

function drawLines(world: World, rng: Random, customer: Customer, skuCodes?: string[]): StoryLine[] {
  let items: CatalogItem[];
  if (skuCodes) items = skuCodes.map((c) => world.sku.get(c)!);
  else {
    const count = rng.weighted([[1, 0.35], [2, 0.3], [3, 0.2], [4, 0.1], [5, 0.05]] as const);
    const chosen = new Map<string, CatalogItem>();
    while (chosen.size < count) {
      const item = rng.weighted(world.goods.map((g) => [g, categoryOf(g).weight] as const));
      chosen.set(item.code, item);
    }
    items = [...chosen.values()];
    const has = (pred: (c: CatalogItem) => boolean) => items.some(pred);
    // Services are sold with the goods they go with, never alone.
    if (has((c) => c.category === 'belt' && c.code !== 'BLT-6PK1070') && rng.chance(0.4)) items.push(world.sku.get('SVC-TBELT')!);
    if (has((c) => c.category === 'oil') && rng.chance(0.25)) items.push(world.sku.get('SVC-MAINT')!);
    if (has((c) => c.category === 'suspension') && rng.chance(0.3)) items.push(world.sku.get('SVC-ALIGN')!);
  }
  const promo = rng.chance(0.1) ? 0.97 : 1;
  return items.map((item, i) => {
    const [lo, hi] = item.isService ? [1, 1] : categoryOf(item).qty;
    return {
      rowNo: i + 1,
      skuCode: item.code,
      quantity: rng.int(lo, hi),
      unitPriceFen: Math.round(item.priceFen * GRADE_DISCOUNT[customer.grade] * promo),
      isService: item.isService,
    };
  });
}

/** Moves an instant into warehouse working hours (08:00–22:00), as the real warehouse does. */
function workTime(t: number, rng: Random, on: boolean, closeHour = 22): number {
  if (!on) return t;
  const h = beijingHour(t);
  if (h >= 8 && h < closeHour) return t;
  const day = h < 8 ? beijingMidnight(t) : beijingMidnight(t) + DAY;
  return day + 8 * HOUR + rng.int(0, 59) * MIN + rng.int(0, 59) * 1000;
}

/** A FEFO pick of each goods line from the warehouse's lots; now and then a line spans two lots. */
export function allocateLines(world: World, rng: Random, warehouseCode: string, lines: StoryLine[], orderDate: string) {
  const plan: OutboundStory['lines'] = [];
  for (const line of lines.filter((l) => !l.isService)) {
    const lots = (world.fefo.get(fefoKey(warehouseCode, line.skuCode)) ?? []).filter((l) => !l.expDate || l.expDate > addMonths(orderDate, 1));
    const first = lots[0] ?? world.stock.find((s) => s.skuCode === line.skuCode)!;
    if (lots.length >= 2 && line.quantity >= 2 && rng.chance(0.05)) {
      const q1 = rng.int(1, line.quantity - 1);
      plan.push({ lineNo: plan.length + 1, skuCode: line.skuCode, batchNo: first.batchNo, locCode: first.locCode, planQty: q1 });
      plan.push({ lineNo: plan.length + 1, skuCode: line.skuCode, batchNo: lots[1].batchNo, locCode: lots[1].locCode, planQty: line.quantity - q1 });
    } else {
      plan.push({ lineNo: plan.length + 1, skuCode: line.skuCode, batchNo: first.batchNo, locCode: first.locCode, planQty: line.quantity });
    }
  }
  return plan;
}

export function planOutbound(
  world: World,
  rng: Random,
  p: { customer: Customer; warehouseCode: string; lines: StoryLine[]; readyAt: number; pace: number; workHours: boolean },
): OutboundStory {
  const wait = (minutes: number) => Math.round(p.pace * (minutes * MIN + rng.int(0, 59) * 1000));
  const createAt = workTime(p.readyAt + wait(rng.minutes(15, 180)), rng, p.workHours);
  const pickStartAt = workTime(createAt + wait(rng.minutes(30, 300)), rng, p.workHours);
  const pickEndAt = pickStartAt + wait(rng.int(5, 40));
  const packAt = pickEndAt + wait(rng.int(5, 25));
  const shipAt = workTime(packAt + wait(rng.minutes(60, 360)), rng, p.workHours, 21);
  return {
    outboundNo: '',
    reference: null,
    customerCode: p.customer.code,
    customerName: p.customer.name,
    warehouseCode: p.warehouseCode,
    createAt,
    pickStartAt,
    pickEndAt,
    packAt,
    shipAt,
    lines: allocateLines(world, rng, p.warehouseCode, p.lines, dateOf(p.readyAt)),
  };
}

const CARRIERS = [['SF', 0.45], ['JD', 0.3], ['ZTO', 0.25]] as const;

export function planWaybill(
  world: World,
  rng: Random,
  p: { consignee: string; destCity: string; fromCity: string; lines: StoryLine[]; packAt: number; shipAt: number; pace: number; workHours: boolean },
): WaybillStory {
  const step = (lo: number, hi: number) => Math.round(p.pace * (rng.int(lo, hi) * MIN + rng.int(0, 59) * 1000));
  const kg = p.lines.reduce((s, l) => s + (l.isService ? 0 : l.quantity * categoryOf(world.sku.get(l.skuCode)!).kg), 0);
  const carrierCode = kg > 40 && rng.chance(0.7) ? 'DB' : rng.weighted(CARRIERS);
  const createAt = p.packAt + step(1, 10);
  const tracks: TrackPlan[] = [{ code: 0, at: createAt, city: p.fromCity, desc: '订单已创建，等待揽收' }];
  let t = p.shipAt + step(5, 30);
  tracks.push({ code: 10, at: t, city: p.fromCity, desc: '快件已揽收' });
  t += step(60, 180);
  tracks.push({ code: 20, at: t, city: p.fromCity, desc: `快件已从${p.fromCity}转运中心发出` });
  if (p.destCity !== p.fromCity) {
    t += step(120, 300);
    tracks.push({ code: 20, at: t, city: p.destCity, desc: `快件已到达${p.destCity}转运中心` });
  }
  let exception: WaybillStory['exception'] = null;
  if (rng.chance(0.03)) {
    const weather = rng.chance(0.4);
    const delayMinutes = weather ? rng.int(60, 600) : rng.int(30, 240);
    const at = t + step(10, 60);
    const desc = weather ? '天气原因，运输延误' : '车辆故障，延误';
    exception = { code: weather ? 'WEATHER_DELAY' : 'VEHICLE_FAULT', desc, delayMinutes, at };
    tracks.push({ code: 50, at, city: p.destCity, desc });
    t = at + Math.round(p.pace * delayMinutes * MIN);
  }
  const outFor = p.workHours ? beijingMidnight(t) + DAY + 8 * HOUR + rng.int(0, 180) * MIN + rng.int(0, 59) * 1000 : t + step(300, 600);
  const courier = `${rng.pick(PERSON_SURNAMES)}师傅 1${rng.int(30, 99)}****${String(rng.int(0, 9999)).padStart(4, '0')}`;
  tracks.push({ code: 30, at: outFor, city: p.destCity, desc: `快件正在派送中，派送员：${courier}` });
  tracks.push({ code: 40, at: outFor + step(30, 240), city: p.destCity, desc: `已签收，签收人：${rng.pick(['本人', '前台', '门卫', '店员', '仓库'])}` });
  return {
    waybillNo: '',
    carrierCode,
    customerRef: '',
    consignee: p.consignee,
    destCity: p.destCity,
    weightKg: (Math.round(kg * 100) / 100 || 0.5).toFixed(2),
    createAt,
    tracks,
    exception,
  };
}

export function buildOrderStory(world: World, p: StoryParams): OrderStory {
  const base = new Random(p.seed);
  const content = base.fork('content');
  const timeline = base.fork('timeline');
  const transport = base.fork('transport');
  const step = (min: number) => Math.round(p.pace * (min * MIN + timeline.int(0, 59) * 1000));
  const city = cityByName.get(p.store.city)!;
  const whCity = warehouseByCode.get(city.warehouse)!.city;

  const lines = p.lines ? p.lines.map((l, i) => ({ ...l, rowNo: i + 1 })) : drawLines(world, content, p.customer, p.skuCodes);
  const remark = content.chance(0.3) ? content.pick(REMARKS) : null;
  const maker = content.pick(SALES_CLERKS);

  const approveAt = p.orderedAt + step(timeline.int(2, 30));
  let payAt: number | null = null;
  let cancelAt: number | null = null;
  if (timeline.chance(0.015)) cancelAt = p.orderedAt + step(timeline.int(20, 300));
  else if (!timeline.chance(0.01)) payAt = p.orderedAt + step(timeline.minutes(25, 1800));

  let outbound: OutboundStory | null = null;
  let waybill: WaybillStory | null = null;
  let closeAt: number | null = null;
  if (payAt != null) {
    outbound = planOutbound(world, timeline, { customer: p.customer, warehouseCode: city.warehouse, lines, readyAt: payAt, pace: p.pace, workHours: p.workHours });
    waybill = planWaybill(world, transport, {
      consignee: p.customer.name,
      destCity: p.store.city,
      fromCity: whCity,
      lines,
      packAt: outbound.packAt,
      shipAt: outbound.shipAt,
      pace: p.pace,
      workHours: p.workHours,
    });
    const signedAt = waybill.tracks[waybill.tracks.length - 1].at;
    if (!timeline.chance(0.08)) closeAt = signedAt + step(timeline.minutes(600, 4320));
  }
  return {
    erpOrderNo: p.erpOrderNo,
    customerCode: p.customer.code,
    customerName: p.customer.name,
    storeCode: p.store.code,
    region: p.store.city,
    warehouseCode: city.warehouse,
    orderedAt: p.orderedAt,
    // Next day 18:00 where the warehouse is in town, two days elsewhere.
    promisedAt: beijingMidnight(p.orderedAt) + (p.store.city === whCity ? 1 : 2) * DAY + 18 * HOUR,
    approveAt,
    payAt,
    cancelAt,
    closeAt,
    lines,
    remark,
    maker,
    outbound,
    waybill,
  };
}

// ---- the data set ---------------------------------------------------------------------------------

/**
 * Draws from a shuffled pool in pool order: each draw is the first not yet drawn entry that fits.
 * Drawn entries are skipped through a path-compressed "next undrawn" pointer, so a draw costs the
 * entries that do not fit, not every entry drawn before (a plain scan made 1M orders quadratic).
 */
function drawFrom<T, P>(pool: T[], fits: (entry: T, predicate: P) => boolean) {
  const next = Int32Array.from({ length: pool.length + 1 }, (_, i) => i);
  const undrawn = (from: number) => {
    let p = from;
    while (next[p] !== p) p = next[p];
    for (let q = from; q !== p; ) {
      const after = next[q];
      next[q] = p;
      q = after;
    }
    return p;
  };
  return (predicate: P): T | undefined => {
    for (let p = undrawn(0); p < pool.length; p = undrawn(p + 1)) {
      if (!fits(pool[p], predicate)) continue;
      next[p] = p + 1;
      return pool[p];
    }
    return undefined;
  };
}

export interface CrmCustomerRow {
  cust_code: string;
  cust_name: string;
  level_code: number | null;
  tag_list: string | null;
  satisfaction: string | null;
  updated_at: number;
}

export interface CrmTicketRow {
  ticket_id: string;
  order_ref: string;
  cust_code: string;
  ticket_type: string;
  status: string;
  created_at: number;
  closed_at: number | null;
  title: string;
  transcript: string;
  satisfaction: number | null;
}

export interface WeatherAlertRow {
  alert_id: string;
  city: string;
  level: string;
  alert_type: string;
  start_time: string;
  end_time: string;
  description: string;
}

export interface DataSet {
  options: SeedOptions;
  asOf: number;
  world: World;
  orders: OrderStory[];
  orphanOutbounds: OutboundStory[];
  orphanWaybills: WaybillStory[];
  crmCustomers: CrmCustomerRow[];
  tickets: CrmTicketRow[];
  /** CRM service calls with their transcripts */
  calls: CrmCallRow[];
  weatherAlerts: WeatherAlertRow[];
  /** ERP SaleBillVouch rows */
  invoices: InvoiceRow[];
  /** Order history before `start`, when asked for. */
  history: History | null;
  truth: GroundTruth;
  /** What happens after the hub's first sync (later-changes.ts writes it): the truth is the state after. */
  later: {
    /** Orders the seed leaves out, committed later with their old modify times. */
    heldBack: Set<string>;
    /** Outbound no. → the reference it is re-pointed to. */
    reReferenced: Map<string, string>;
    /** Outbounds deleted from the WMS. */
    deleted: string[];
    /** Orders the ERP cancels after the first sync while their outbounds are live (the seed writes them uncancelled). */
    cancelled: string[];
  };
}

/** Orders per hour of the day, 08:00 to 21:00: a morning and an afternoon peak. */
const HOUR_PROFILE = [3, 6, 8, 7, 4, 5, 7, 8, 7, 6, 4, 3, 2, 1];

export function erpOrderNo(t: number, seq: number) {
  return `SO-${dateOf(t).replace(/-/g, '')}-${String(seq).padStart(3, '0')}`;
}

export function outboundNo(t: number, seq: number) {
  return `CK${ymd(t)}-${String(seq).padStart(3, '0')}`;
}

export function generate(options: SeedOptions): DataSet {
  const rates: AnomalyRates = { ...DEFAULT_RATES, ...options.rates };
  const start = parseBeijing(options.start);
  if (start == null || options.orders < 1 || options.days < 1) throw new Error('generate: orders ≥ 1, days ≥ 1 and start YYYY-MM-DD are required');
  const asOf = start + options.days * DAY;
  const rng = new Random(options.seed);
  const world = buildWorld(rng.fork('world'), options.customers, start);
  const orderRng = rng.fork('orders');

  // Cumulative weights: a few large customers order much more than most.
  const pickByWeight = weightedPicker(world.customers, (c) => c.weight);
  const pickCustomer = () => pickByWeight(orderRng);
  const storesByCity = new Map(CITIES.map((c) => [c.name, STORES.filter((s) => s.city === c.name)]));

  interface Draft {
    seed: number;
    story: OrderStory;
  }
  const drafts: Draft[] = [];
  for (let d = 0; d < options.days; d++) {
    const n = Math.floor(options.orders / options.days) + (d < options.orders % options.days ? 1 : 0);
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const hour = 8 + orderRng.weighted(HOUR_PROFILE.map((w, h) => [h, w] as const));
      times.push(start + d * DAY + hour * HOUR + orderRng.int(0, 59) * MIN + orderRng.int(0, 59) * 1000);
    }
    times.sort((a, b) => a - b);
    times.forEach((orderedAt, i) => {
      const customer = pickCustomer();
      const store = orderRng.chance(0.85) ? customer.store : orderRng.pick(storesByCity.get(customer.store.city)!);
      const seed = orderRng.int(0, 2 ** 31 - 1);
      const story = buildOrderStory(world, { seed, erpOrderNo: erpOrderNo(orderedAt, i + 1), orderedAt, customer, store, pace: 1, workHours: true });
      drafts.push({ seed, story });
    });
  }

  // ---- anomalies: exact counts, drawn from the orders where each can show -------------------------
  const arng = rng.fork('anomalies');
  const anomalies: TruthAnomaly[] = [];
  const take = drawFrom(arng.shuffle(drafts.map((_, i) => i)), (k, eligible: (s: OrderStory) => boolean) => eligible(drafts[k].story));
  const count = (kind: AnomalyKind) => Math.round(rates[kind] * options.orders);
  const due = (t: number | null | undefined) => t != null && t <= asOf;
  const hasOutbound = (s: OrderStory) => s.outbound != null && due(s.outbound.createAt);
  const collected = (s: OrderStory) => s.waybill != null && due(s.waybill.tracks.find((t) => t.code === 10)?.at);
  const customerByCode = new Map(world.customers.map((c) => [c.code, c]));
  const storeByCode = new Map(STORES.map((s) => [s.code, s]));

  /** The draft's order made again for another order's customer and store; its timing (same seed) stays. */
  const remake = (draft: Draft, model: OrderStory, content: Pick<StoryParams, 'skuCodes' | 'lines'>) =>
    buildOrderStory(world, {
      seed: draft.seed,
      erpOrderNo: draft.story.erpOrderNo,
      orderedAt: draft.story.orderedAt,
      customer: customerByCode.get(model.customerCode)!,
      store: storeByCode.get(model.storeCode)!,
      ...content,
      pace: 1,
      workHours: true,
    });
  /** … with the model's SKUs (quantities drawn anew). */
  const copyOf = (draft: Draft, model: OrderStory) => remake(draft, model, { skuCodes: model.lines.map((l) => l.skuCode) });
  /** … with exactly these lines. */
  const withLines = (draft: Draft, lines: StoryLine[], model: OrderStory = draft.story) => remake(draft, model, { lines });
  injectRuleViolations();

  /**
   * Orders that break the rules of rules/default-rules.yaml where the data alone would not (a big
   * order of a grade-C customer, a customer over its credit line, a forgotten grade discount, too
   * many batteries, a price below floor, the same order twice): the rule engine must catch them.
   */
  function injectRuleViolations() {
    const customerOf = (s: OrderStory) => customerByCode.get(s.customerCode)!;
    const line = (code: string, quantity: number, customer: Customer, priceFen?: number): StoryLine => {
      const item = world.sku.get(code)!;
      return { rowNo: 0, skuCode: code, quantity, unitPriceFen: priceFen ?? Math.round(item.priceFen * GRADE_DISCOUNT[customer.grade]), isService: item.isService };
    };
    const live = (s: OrderStory) => s.cancelAt == null;
    const firstGoods = (s: OrderStory) => s.lines.findIndex((l) => !l.isService);
    const reprice = (s: OrderStory, price: (listFen: number) => number) => {
      const at = firstGoods(s);
      return s.lines.map((l, i) => (i === at ? { ...l, unitPriceFen: price(world.sku.get(l.skuCode)!.priceFen) } : l));
    };

    for (let k = 0; k < count('gradeCLargeOrder'); k++) {
      const i = take((s) => live(s) && customerOf(s).grade === 'C');
      if (i === undefined) break;
      const d = drafts[i];
      d.story = withLines(d, [...d.story.lines, line('OIL-M1-0W20', 130 + arng.int(0, 40), customerOf(d.story))]);
      anomalies.push({ kind: 'gradeCLargeOrder', erpOrderNo: d.story.erpOrderNo, system: 'ERP' });
    }
    // Whole customers: a credit line cut to 1,000 CNY makes their larger and unpaid orders breach it.
    const customers = arng.shuffle([...new Set(drafts.map((d) => d.story.customerCode))]).slice(0, count('creditBreach'));
    for (const code of customers) {
      customerByCode.get(code)!.creditLineFen = 1000_00;
      anomalies.push({ kind: 'creditBreach', system: 'ERP', detail: { customerCode: code, creditLine: '1000.00' } });
    }
    for (let k = 0; k < count('missedGradeDiscount'); k++) {
      const i = take((s) => live(s) && customerOf(s).grade !== 'C' && firstGoods(s) >= 0);
      if (i === undefined) break;
      const d = drafts[i];
      d.story = withLines(d, reprice(d.story, (list) => list));
      anomalies.push({ kind: 'missedGradeDiscount', erpOrderNo: d.story.erpOrderNo, system: 'ERP' });
    }
    for (let k = 0; k < count('overQuantity'); k++) {
      const i = take((s) => live(s) && !s.lines.some((l) => l.skuCode === 'BAT-VARTA60'));
      if (i === undefined) break;
      const d = drafts[i];
      d.story = withLines(d, [...d.story.lines, line('BAT-VARTA60', arng.int(6, 9), customerOf(d.story))]);
      anomalies.push({ kind: 'overQuantity', erpOrderNo: d.story.erpOrderNo, system: 'ERP' });
    }
    for (let k = 0; k < count('belowPriceFloor'); k++) {
      const i = take((s) => live(s) && firstGoods(s) >= 0);
      if (i === undefined) break;
      const d = drafts[i];
      d.story = withLines(d, reprice(d.story, (list) => Math.round(list * 0.7)));
      anomalies.push({ kind: 'belowPriceFloor', erpOrderNo: d.story.erpOrderNo, system: 'ERP' });
    }
    // The same order again, a few minutes later: a double tap in the ordering app.
    for (let k = 0; k < count('duplicateOrder'); k++) {
      const a = take(live);
      if (a === undefined) break;
      const first = drafts[a].story;
      const b = take((s) => live(s) && s.orderedAt - first.orderedAt >= 2 * MIN && s.orderedAt - first.orderedAt <= 25 * MIN);
      if (b === undefined) continue;
      drafts[b].story = withLines(drafts[b], first.lines, first);
      anomalies.push({ kind: 'duplicateOrder', erpOrderNo: drafts[b].story.erpOrderNo, system: 'ERP', detail: { duplicateOf: first.erpOrderNo } });
    }
  }

  const ambiguous = new Set<string>();
  for (let k = 0; k < count('refAmbiguous'); k++) {
    const a = take(hasOutbound);
    if (a === undefined) break;
    const first = drafts[a].story;
    const day = dateOf(first.orderedAt);
    const b = take((s) => hasOutbound(s) && dateOf(s.orderedAt) === day);
    if (b === undefined) break;
    // The twin: same customer, same day, same SKUs; its own timing, quantities and number.
    const twin = drafts[b];
    twin.story = copyOf(twin, first);
    for (const s of [first, twin.story]) {
      ambiguous.add(s.erpOrderNo);
      anomalies.push({ kind: 'refAmbiguous', erpOrderNo: s.erpOrderNo, system: 'WMS', detail: { twinOf: s === first ? twin.story.erpOrderNo : first.erpOrderNo } });
    }
  }

  const variants = new Map<string, string>();
  const variantOf = (no: string) => {
    const [, date, seq] = /^SO-(\d{8})-(\d+)$/.exec(no)!;
    return arng.pick([`SO${date}${seq}`, no.toLowerCase(), ` ${no} `, `SO${date}-${seq}`, `SO-${date}${seq}`, `${no} `]);
  };
  for (let k = 0; k < count('refVariant'); k++) {
    const i = take(hasOutbound);
    if (i === undefined) break;
    const s = drafts[i].story;
    variants.set(s.erpOrderNo, variantOf(s.erpOrderNo));
    anomalies.push({ kind: 'refVariant', erpOrderNo: s.erpOrderNo, system: 'WMS', detail: { written: variants.get(s.erpOrderNo) } });
  }

  const waybillOnly = new Set<string>();
  for (let k = 0; k < count('waybillWithoutOutbound'); k++) {
    const i = take(collected);
    if (i === undefined) break;
    const s = drafts[i].story;
    s.outbound = null;
    waybillOnly.add(s.erpOrderNo);
    anomalies.push({ kind: 'waybillWithoutOutbound', erpOrderNo: s.erpOrderNo, system: 'TMS' });
  }

  for (let k = 0; k < count('outboundWithoutWaybill'); k++) {
    const i = take((s) => s.outbound != null && due(s.outbound.shipAt));
    if (i === undefined) break;
    const s = drafts[i].story;
    s.waybill = null;
    anomalies.push({ kind: 'outboundWithoutWaybill', erpOrderNo: s.erpOrderNo, system: 'WMS' });
  }

  const signed = (s: OrderStory) => s.waybill != null && due(s.waybill.tracks.find((t) => t.code === 40)?.at);
  for (let k = 0; k < count('missingNode'); k++) {
    const i = take((s) => due(s.payAt) && s.outbound != null && due(s.outbound.pickStartAt));
    if (i === undefined) break;
    const s = drafts[i].story;
    const options: LifecycleNode[] = ['PAID'];
    if (due(s.outbound!.shipAt)) options.push('PICKING');
    if (signed(s)) options.push('OUT_FOR_DELIVERY');
    const node = arng.pick(options);
    if (node === 'PAID') s.dropPayTime = true;
    if (node === 'PICKING') s.outbound!.dropPickStart = true;
    if (node === 'OUT_FOR_DELIVERY') s.waybill!.dropOutForDelivery = true;
    anomalies.push({ kind: 'missingNode', erpOrderNo: s.erpOrderNo, system: node === 'PAID' ? 'ERP' : node === 'PICKING' ? 'WMS' : 'TMS', detail: { node } });
  }

  // A missing reference is injected only where exactly one order can match it: every other order
  // of that customer with the same goods in the match window already holds an outbound linked by
  // reference. Now and then such a repeat order is made on purpose, so the hub must rule it out.
  const goodsSet = (s: OrderStory) => [...new Set(s.lines.filter((l) => !l.isService).map((l) => l.skuCode))].sort().join('|');
  const refMissing = new Set<string>();
  const referenced = (s: OrderStory) => hasOutbound(s) && !ambiguous.has(s.erpOrderNo) && !refMissing.has(s.erpOrderNo);
  const candidates = (s: OrderStory, all: OrderStory[]) => {
    const docDate = dateOf(s.outbound!.createAt);
    const earliest = dateOf(parseBeijing(docDate)! - MATCH_WINDOW_DAYS * DAY);
    const signature = goodsSet(s);
    return all.filter((o) => o !== s && o.customerCode === s.customerCode && !due(o.cancelAt) && dateOf(o.orderedAt) >= earliest && dateOf(o.orderedAt) <= docDate && goodsSet(o) === signature);
  };
  const byCustomer = new Map<string, OrderStory[]>();
  for (const { story } of drafts) groupInto(byCustomer, story.customerCode, story);
  const uniquelyMatchable = (s: OrderStory) => {
    if (!hasOutbound(s) || ambiguous.has(s.erpOrderNo) || s.outbound!.lines.length === 0) return false;
    const same = byCustomer.get(s.customerCode)!;
    if (candidates(s, same).some((o) => !referenced(o))) return false;
    // Dropping this reference must not leave an earlier injected one with two fits.
    return !same.some((o) => refMissing.has(o.erpOrderNo) && candidates(o, [s]).length > 0);
  };
  for (let k = 0; k < count('refMissing'); k++) {
    const i = take(uniquelyMatchable);
    if (i === undefined) break;
    const s = drafts[i].story;
    refMissing.add(s.erpOrderNo);
    s.outbound!.referenceBlank = arng.chance(0.5);
    const detail: Record<string, unknown> = {};
    if (k % 3 === 0) {
      const day = dateOf(s.orderedAt);
      const r = take((o) => hasOutbound(o) && dateOf(o.orderedAt) === day);
      if (r !== undefined) {
        const repeat = drafts[r];
        const before = byCustomer.get(repeat.story.customerCode)!;
        before.splice(before.indexOf(repeat.story), 1);
        repeat.story = copyOf(repeat, s);
        byCustomer.get(s.customerCode)!.push(repeat.story);
        detail.repeatOrderNo = repeat.story.erpOrderNo;
      }
    }
    anomalies.push({ kind: 'refMissing', erpOrderNo: s.erpOrderNo, system: 'WMS', detail });
  }

  // Independent of the above: a clerk's typo in one outbound line's quantity.
  const mismatchPool = arng.shuffle(drafts.map((_, i) => i)).filter((i) => hasOutbound(drafts[i].story));
  for (const i of mismatchPool.slice(0, count('quantityMismatch'))) {
    const s = drafts[i].story;
    const line = s.outbound!.lines[0];
    const ordered = s.lines.find((l) => l.skuCode === line.skuCode)!.quantity;
    const wrong = Math.max(1, line.planQty + arng.pick([-2, -1, 1, 2]));
    line.planQty = wrong === line.planQty ? line.planQty + 1 : wrong;
    anomalies.push({ kind: 'quantityMismatch', erpOrderNo: s.erpOrderNo, system: 'WMS', detail: { sku: line.skuCode, ordered, planned: s.outbound!.lines.filter((l) => l.skuCode === line.skuCode).reduce((q, l) => q + l.planQty, 0) } });
  }

  // Documents that belong to no order at all.
  const orphanRng = rng.fork('orphans');
  const span = Math.max(HOUR, asOf - start - 4 * HOUR);
  const orphanOutbounds: OutboundStory[] = [];
  for (let k = 0; k < count('orphanOutbound'); k++) {
    const customer = orphanRng.pick(world.customers);
    const readyAt = start + orphanRng.int(8 * 60, Math.floor(span / MIN) - 60) * MIN;
    const lines = drawLines(world, orphanRng, customer);
    const ob = planOutbound(world, orphanRng, { customer, warehouseCode: cityByName.get(customer.store.city)!.warehouse, lines, readyAt, pace: 1, workHours: true });
    ob.createAt = Math.min(ob.createAt, asOf - HOUR);
    ob.reference = `SO-${ymd(ob.createAt)}-${9000 + k}`;
    orphanOutbounds.push(ob);
  }
  const orphanWaybills: WaybillStory[] = [];
  for (let k = 0; k < count('orphanWaybill'); k++) {
    const customer = orphanRng.pick(world.customers);
    const packAt = start + orphanRng.int(9 * 60, Math.floor(span / MIN) - 60) * MIN;
    const wb = planWaybill(world, orphanRng, {
      consignee: customer.name,
      destCity: customer.store.city,
      fromCity: warehouseByCode.get(cityByName.get(customer.store.city)!.warehouse)!.city,
      lines: drawLines(world, orphanRng, customer),
      packAt,
      shipAt: packAt + orphanRng.int(30, 120) * MIN,
      pace: 1,
      workHours: true,
    });
    wb.createAt = Math.min(wb.createAt, asOf - HOUR);
    wb.customerRef = `CK${ymd(wb.createAt)}-${9000 + k}`;
    orphanWaybills.push(wb);
  }

  // References written the ways people write them (legacy-sim/src/references.ts: input-method
  // forms, separators, labels and annotations): the hub must read each as the order it names.
  // Drawn only when asked for (rate 0 by default), so data sets made before stay as they were.
  const quantityMismatched = new Set(anomalies.filter((a) => a.kind === 'quantityMismatch').map((a) => a.erpOrderNo));
  const plainlyReferenced = (s: OrderStory) => referenced(s) && !variants.has(s.erpOrderNo) && !quantityMismatched.has(s.erpOrderNo);
  for (let k = 0; k < count('refKeyboard'); k++) {
    const i = take(plainlyReferenced);
    if (i === undefined) break;
    const s = drafts[i].story;
    let written = writeReference([s.erpOrderNo], arng);
    while (written.length > 40) written = writeReference([s.erpOrderNo], arng);
    variants.set(s.erpOrderNo, written);
    anomalies.push({ kind: 'refKeyboard', erpOrderNo: s.erpOrderNo, system: 'WMS', detail: { written } });
  }
  // An outbound whose ref_no names another customer's order (a clerk's slip of one digit, a copied
  // form): the documents contradict the reference, so the hub must not link it.
  const orderPool = drafts.map((d) => d.story).filter((s) => due(s.orderedAt) && !due(s.cancelAt));
  /** Outbounds whose ref_no names another customer's order (written so, or re-pointed later): outbound's order → the order named. */
  const pointedAtAnotherCustomer = (kind: 'refContradicts' | 'editedAfterLink') => {
    const named = new Map<string, string>();
    for (let k = 0; k < count(kind); k++) {
      const i = take(plainlyReferenced);
      if (i === undefined) break;
      const s = drafts[i].story;
      const other = arng.pick(orderPool.filter((o) => o.customerCode !== s.customerCode));
      named.set(s.erpOrderNo, other.erpOrderNo);
      anomalies.push({ kind, erpOrderNo: s.erpOrderNo, system: 'WMS', detail: { names: other.erpOrderNo, reason: 'CUSTOMER_MISMATCH' } });
    }
    return named;
  };
  const contradicting = pointedAtAnotherCustomer('refContradicts');

  // Changes that happen after the hub's first sync (applied by later-changes.ts; the truth is the
  // state after them): an order whose rows become visible only then, with their old modify times
  // (a long transaction, a batch import, an application server with a slow clock); an outbound whose
  // ref_no is re-pointed at another customer's order; an outbound deleted from the WMS.
  const heldBack = new Set<string>();
  for (let k = 0; k < count('lateCommit'); k++) {
    const i = take(plainlyReferenced);
    if (i === undefined) break;
    heldBack.add(drafts[i].story.erpOrderNo);
    anomalies.push({ kind: 'lateCommit', erpOrderNo: drafts[i].story.erpOrderNo, system: 'ERP' });
  }
  const editedAfterLink = pointedAtAnotherCustomer('editedAfterLink');
  const deletedOutbounds = new Set<string>();
  for (let k = 0; k < count('deletedRow'); k++) {
    const i = take(plainlyReferenced);
    if (i === undefined) break;
    deletedOutbounds.add(drafts[i].story.erpOrderNo);
    anomalies.push({ kind: 'deletedRow', erpOrderNo: drafts[i].story.erpOrderNo, system: 'WMS' });
  }

  // ---- numbers: WMS and TMS number their own documents in creation order --------------------------
  const orders = drafts.map((d) => d.story);
  const outbounds = [...orders.flatMap((o) => (o.outbound ? [o.outbound] : [])), ...orphanOutbounds].sort((a, b) => a.createAt - b.createAt);
  const outboundSeq = new Map<string, number>();
  for (const ob of outbounds) {
    const day = ymd(ob.createAt);
    const seq = (outboundSeq.get(day) ?? 0) + 1;
    outboundSeq.set(day, seq);
    ob.outboundNo = outboundNo(ob.createAt, seq);
  }
  const waybills = [...orders.flatMap((o) => (o.waybill ? [o.waybill] : [])), ...orphanWaybills].sort((a, b) => a.createAt - b.createAt);
  const numberRng = rng.fork('waybill-numbers');
  waybills.forEach((wb, i) => {
    wb.waybillNo = `${wb.carrierCode}${100_000_000 + i * 37 + numberRng.int(0, 36)}CN`;
  });
  for (const o of orders) {
    if (o.outbound) {
      o.outbound.reference = ambiguous.has(o.erpOrderNo) || refMissing.has(o.erpOrderNo) ? null : (contradicting.get(o.erpOrderNo) ?? variants.get(o.erpOrderNo) ?? o.erpOrderNo);
    }
    if (o.waybill) o.waybill.customerRef = o.outbound ? o.outbound.outboundNo : o.erpOrderNo;
  }
  const orderByNo = new Map(orders.map((o) => [o.erpOrderNo, o]));
  for (const a of anomalies) {
    const o = a.erpOrderNo ? orderByNo.get(a.erpOrderNo) : undefined;
    if (!o) continue;
    a.documentNo = a.system === 'TMS' ? o.waybill?.waybillNo : a.system === 'WMS' ? o.outbound?.outboundNo : o.erpOrderNo;
  }
  orphanOutbounds.forEach((ob) => anomalies.push({ kind: 'orphanOutbound', system: 'WMS', documentNo: ob.outboundNo, detail: { reference: ob.reference } }));
  orphanWaybills.forEach((wb) => anomalies.push({ kind: 'orphanWaybill', system: 'TMS', documentNo: wb.waybillNo, detail: { reference: wb.customerRef } }));

  // A paid order the warehouse never made an outbound for, long past its SLA: nothing ships. Taken
  // after numbering, so the other documents keep their numbers (WMS skips one, as a deleted draft
  // leaves a gap), and only among customers whose outbounds all carry references: an order without
  // outbound must not become a second fit for an outbound the hub has to match.
  const mismatched = new Set(anomalies.filter((a) => a.kind === 'quantityMismatch').map((a) => a.erpOrderNo));
  const matchingCustomers = new Set(orders.filter((o) => ambiguous.has(o.erpOrderNo) || refMissing.has(o.erpOrderNo)).map((o) => o.customerCode));
  for (let k = 0; k < count('outboundMissing'); k++) {
    const i = take((s) => hasOutbound(s) && s.payAt! + OUTBOUND_SLA_HOURS * HOUR <= asOf && !mismatched.has(s.erpOrderNo) && !matchingCustomers.has(s.customerCode));
    if (i === undefined) break;
    const s = drafts[i].story;
    s.outbound = null;
    s.waybill = null;
    s.closeAt = null;
    anomalies.push({ kind: 'outboundMissing', erpOrderNo: s.erpOrderNo, system: 'WMS', detail: { paidAt: toIsoBeijing(s.payAt!) } });
  }

  // An order the ERP cancels while its outbound is live in the WMS (created, not shipped, not
  // cancelled there): the customer called it off after paying, and nobody told the warehouse. The
  // hub keeps the link and must flag it (warehouse blocker, reconciliation, a pick flow that
  // refuses). Half are cancelled before the hub first reads them, half after its first sync
  // (later-changes.ts); the truth is the state after. Drawn last, so every class above keeps its
  // draws; never an order with an identical twin of its customer, whose duplicate verdict would
  // then hang on when the cancel is read.
  const twinKey = (s: OrderStory) => `${s.customerCode}|${s.lines.map((l) => `${l.skuCode}x${l.quantity}`).sort().join(',')}`;
  const twinCount = new Map<string, number>();
  for (const o of orders) twinCount.set(twinKey(o), (twinCount.get(twinKey(o)) ?? 0) + 1);
  const outboundLive = (s: OrderStory) => plainlyReferenced(s) && due(s.payAt) && !due(s.outbound!.shipAt) && !due(s.cancelAt) && twinCount.get(twinKey(s)) === 1;
  const cancelledAfterSync: string[] = [];
  for (let k = 0; k < count('cancelledOutboundLive'); k++) {
    const i = take(outboundLive);
    if (i === undefined) break;
    const s = drafts[i].story;
    const ob = s.outbound!;
    const afterSync = k % 2 === 0;
    s.cancelAt = afterSync ? asOf : ob.createAt + arng.int(0, Math.floor((Math.min(asOf, ob.shipAt) - 1 - ob.createAt) / 1000)) * 1000;
    if (afterSync) cancelledAfterSync.push(s.erpOrderNo);
    anomalies.push({ kind: 'cancelledOutboundLive', erpOrderNo: s.erpOrderNo, system: 'ERP', documentNo: s.erpOrderNo, detail: { outboundNo: ob.outboundNo, cancelled: afterSync ? 'afterFirstSync' : 'beforeFirstSync' } });
  }

  const crm = buildCrm(world, orders, rng.fork('crm'), asOf);
  const calls = serviceCalls(world, orders, options.seed, asOf);
  const weatherAlerts = buildWeather(rng.fork('weather'), start, options.days);
  const invoices = buildInvoices(orders, rng.fork('invoices'), asOf, count('invoiceMismatch'), anomalies);
  const truth = groundTruth({
    options: { ...options, rates },
    asOf,
    orders,
    ambiguous,
    contradicting: new Map([...contradicting, ...editedAfterLink]),
    deletedOutbounds,
    orphanOutbounds,
    orphanWaybills,
    anomalies,
  });
  truth.rules = ruleTruth({ orders, world, weatherAlerts, asOf });
  const twins = new Map(anomalies.filter((a) => a.kind === 'refAmbiguous').map((a) => [a.erpOrderNo!, String(a.detail!.twinOf)]));
  truth.discrepancies = discrepancyTruth({
    orders,
    orphanOutbounds,
    orphanWaybills,
    invoices,
    ambiguous: twins,
    world,
    asOf,
    outboundSlaHours: OUTBOUND_SLA_HOURS,
    duplicates: duplicateTruth(orders, asOf),
    contradicting: new Map([...contradicting, ...editedAfterLink]),
    deletedOutbounds,
  });
  truth.calls = calls.truth;
  const outboundOf = (no: string) => orders.find((o) => o.erpOrderNo === no)!.outbound!.outboundNo;
  const later = {
    heldBack,
    reReferenced: new Map([...editedAfterLink].map(([no, named]) => [outboundOf(no), named])),
    deleted: [...deletedOutbounds].map(outboundOf),
    cancelled: cancelledAfterSync,
  };
  // Last, and from its own PRNG: the history changes nothing above.
  const history = options.history ? generateHistory(world, start, options.seed, options.history) : null;
  if (history) truth.history = history.truth;
  return { options, asOf, world, orders, orphanOutbounds, orphanWaybills, crmCustomers: crm.customers, tickets: crm.tickets, calls: calls.calls, weatherAlerts, invoices, history, truth, later };
}

/**
 * About one order in sixty gets a service call, a few hours to a day after it was placed; their own
 * seed, so that adding calls moves nothing else the generator draws.
 */
function serviceCalls(world: World, orders: OrderStory[], seed: number, asOf: number) {
  const rng = new Random((seed ^ 0xca11) >>> 0);
  const phone = new Map(world.customers.map((c) => [c.code, c.phone]));
  const subjects = orders
    .filter(() => rng.chance(1 / 60))
    .map((o) => {
      const at = o.orderedAt + rng.int(30, 1440) * MIN;
      // A caller can only read out a number the warehouse or carrier has already given.
      const outboundNo = o.outbound && o.outbound.createAt <= at ? o.outbound.outboundNo : null;
      const waybillNo = o.waybill && o.waybill.createAt <= at ? o.waybill.waybillNo : null;
      return { at, subject: { customerCode: o.customerCode, customerPhone: phone.get(o.customerCode) ?? null, erpOrderNo: o.erpOrderNo, outboundNo, waybillNo } };
    })
    .filter((s) => s.at <= asOf);
  return buildCalls(subjects, seed);
}

// ---- ERP sales invoices ---------------------------------------------------------------------------

export interface InvoiceRow {
  cSBVCode: string;
  cVouchType: string;
  dDate: string;
  cCusCode: string;
  cSOCode: string;
  iSum: string;
  cMaker: string;
  dModifyTime: string;
}

/**
 * One invoice per order ERP has closed, issued within two hours of closing, numbered per day. Now
 * and then finance types the amount wrong (`invoiceMismatch`): a few yuan to a few hundred off.
 */
function buildInvoices(orders: OrderStory[], rng: Random, asOf: number, mismatches: number, anomalies: TruthAnomaly[]): InvoiceRow[] {
  const issued = orders
    .filter((o) => o.closeAt != null && o.closeAt <= asOf)
    .map((o) => ({ o, at: o.closeAt! + rng.int(1, 120) * MIN }))
    .filter((x) => x.at <= asOf)
    .sort((a, b) => a.at - b.at);
  const wrong = new Set(rng.shuffle(issued.map((_, i) => i)).slice(0, mismatches));
  const perDay = new Map<string, number>();
  return issued.map(({ o, at }, i) => {
    const day = ymd(at);
    const seq = (perDay.get(day) ?? 0) + 1;
    perDay.set(day, seq);
    const total = orderTotalFen(o);
    let amount = total;
    const cSBVCode = `FP${day}-${String(seq).padStart(4, '0')}`;
    if (wrong.has(i)) {
      const off = rng.int(5, 800) * 100;
      amount = total > off && rng.chance(0.5) ? total - off : total + off;
      anomalies.push({ kind: 'invoiceMismatch', erpOrderNo: o.erpOrderNo, system: 'ERP', documentNo: cSBVCode, detail: { orderAmount: formatFen(total), invoicedAmount: formatFen(amount) } });
    }
    return {
      cSBVCode,
      cVouchType: rng.chance(0.3) ? '26' : '27',
      dDate: formatBeijing(at),
      cCusCode: o.customerCode,
      cSOCode: o.erpOrderNo,
      iSum: formatFen(amount),
      cMaker: o.maker,
      dModifyTime: formatBeijing(at),
    };
  });
}

// ---- CRM and TMS side data ----------------------------------------------------------------------

function buildCrm(world: World, orders: OrderStory[], rng: Random, asOf: number) {
  const seps = [',', '，', '、', ', '];
  const customers: CrmCustomerRow[] = world.customers.map((c) => {
    const level = c.grade === 'A' ? rng.pick([3, 4]) : c.grade === 'B' ? rng.pick([2, 3]) : rng.pick([1, 2]);
    const tags = rng.shuffle([...CUSTOMER_TAGS]).slice(0, rng.int(0, 3));
    return {
      cust_code: c.code,
      cust_name: c.name,
      level_code: level,
      tag_list: tags.length ? tags.join(rng.pick(seps)) : rng.chance(0.5) ? '' : null,
      satisfaction: rng.chance(0.7) ? (rng.int(30, 50) / 10).toFixed(1) : null,
      updated_at: asOf - rng.int(1, 400) * DAY,
    };
  });

  const tickets: CrmTicketRow[] = [];
  const perDay = new Map<string, number>();
  const add = (o: OrderStory, type: string, createdAt: number, title: string, lines: [string, string][], mood: [number, number]) => {
    if (createdAt > asOf) return;
    const day = ymd(createdAt);
    const seq = (perDay.get(day) ?? 0) + 1;
    perDay.set(day, seq);
    const closedAt = createdAt + rng.int(2, 48) * HOUR;
    const closed = closedAt <= asOf;
    let t = createdAt;
    tickets.push({
      ticket_id: `T${day}${String(seq).padStart(4, '0')}`,
      order_ref: o.erpOrderNo,
      cust_code: o.customerCode,
      ticket_type: type,
      status: closed ? 'CLOSED' : rng.pick(['OPEN', 'PROCESSING']),
      created_at: createdAt,
      closed_at: closed ? closedAt : null,
      title,
      transcript: JSON.stringify(lines.map(([from, text]) => ({ from, at: (t += rng.int(20, 300) * 1000), text }))),
      satisfaction: closed && rng.chance(0.8) ? rng.int(mood[0], mood[1]) : null,
    });
  };
  for (const o of orders) {
    const wb = o.waybill;
    const signedAt = wb?.tracks.find((t) => t.code === 40)?.at;
    const collectedAt = wb?.tracks.find((t) => t.code === 10)?.at;
    if (wb?.exception && wb.exception.at <= asOf && rng.chance(0.5)) {
      add(o, 'COMPLAINT', wb.exception.at + rng.int(60, 300) * MIN, '物流延误投诉', [
        ['customer', `我的货${o.erpOrderNo}怎么还没到？说好的时间早过了`],
        ['agent', `非常抱歉，运单${wb.waybillNo}因${wb.exception.desc}，预计晚${wb.exception.delayMinutes}分钟，我们会持续跟进`],
        ['customer', '下次再这样就换供应商了'],
      ], [1, 3]);
    } else if (collectedAt != null && collectedAt <= asOf && rng.chance(0.04)) {
      add(o, 'INQUIRY', collectedAt + rng.int(60, 600) * MIN, '查询物流进度', [
        ['customer', `订单${o.erpOrderNo}发货了吗？什么时候能到`],
        ['agent', `已发货，运单号${wb!.waybillNo}，预计明天送达`],
      ], [4, 5]);
    } else if (signedAt != null && signedAt <= asOf && rng.chance(0.015)) {
      const exchange = rng.chance(0.5);
      add(o, exchange ? 'EXCHANGE' : 'RETURN', signedAt + rng.int(60, 1440) * MIN, exchange ? '换货：收到货物包装破损' : '退货申请：型号与车型不符', [
        ['customer', exchange ? '收到的货外箱破了，里面有一件变形了，要换' : '这个型号装不上，车型对不上，要退'],
        ['agent', exchange ? '请拍照发给我们，我们安排换货' : '请提供车架号，我们核对后安排退货'],
        ['customer', '好的，已发照片'],
      ], [2, 5]);
    }
  }
  return { customers, tickets };
}

function buildWeather(rng: Random, start: number, days: number): WeatherAlertRow[] {
  // Always one in Shanghai on the first day, while orders are placed: the weather rule must fire.
  const alerts: WeatherAlertRow[] = [
    { alert_id: `WA${ymd(start)}000`, city: '上海', level: '黄', alert_type: '暴雨', start_time: formatBeijing(start + 10 * HOUR), end_time: formatBeijing(start + 16 * HOUR), description: '预计累计降雨量50毫米以上，注意防范城市内涝' },
  ];
  for (let d = 0; d < days; d++) {
    if (!rng.chance(0.4)) continue;
    const from = start + d * DAY + rng.int(0, 20) * HOUR;
    const [type, desc] = rng.pick([
      ['大雾', '能见度低于200米，高速部分路段封闭'],
      ['暴雨', '预计累计降雨量50毫米以上，注意防范城市内涝'],
      ['寒潮', '气温骤降8℃以上，伴有6级大风'],
      ['台风', '受台风外围影响，沿海地区有大风和强降雨'],
    ] as const);
    alerts.push({
      alert_id: `WA${ymd(from)}${String(alerts.length + 1).padStart(3, '0')}`,
      city: rng.pick(['上海', '苏州', '无锡', '杭州', '宁波']),
      level: rng.pick(['蓝', '黄', '橙', '红']),
      alert_type: type,
      start_time: formatBeijing(from),
      end_time: formatBeijing(from + rng.int(6, 30) * HOUR),
      description: desc,
    });
  }
  return alerts;
}

// ---- ground truth ---------------------------------------------------------------------------------

/**
 * What the hub must conclude, worked out from the stories directly (not with the hub's code, so a
 * mistake there cannot hide behind the same mistake here): which documents link and how, which
 * nodes a linked document records, and which passed nodes nobody recorded.
 */
function groundTruth(p: {
  options: SeedOptions & { rates: AnomalyRates };
  asOf: number;
  orders: OrderStory[];
  ambiguous: Set<string>;
  /** Orders whose outbound names another customer's order: erpOrderNo → the order named. */
  contradicting: Map<string, string>;
  /** Orders whose outbound is deleted from the WMS after the first sync. */
  deletedOutbounds: Set<string>;
  orphanOutbounds: OutboundStory[];
  orphanWaybills: WaybillStory[];
  anomalies: TruthAnomaly[];
}): GroundTruth {
  const due = (t: number | null | undefined): t is number => t != null && t <= p.asOf;
  const iso = (t: number) => toIsoBeijing(t)!;
  const unlinked: TruthUnlinked[] = [];
  const orders: TruthOrder[] = p.orders.map((o) => {
    const deleted = p.deletedOutbounds.has(o.erpOrderNo);
    const ob = o.outbound && due(o.outbound.createAt) && !deleted ? o.outbound : null;
    const wb = o.waybill && due(o.waybill.createAt) ? o.waybill : null;
    let outboundMethod: LinkMethod | null = null;
    let confidence: number | undefined;
    if (ob) {
      if (p.ambiguous.has(o.erpOrderNo)) unlinked.push({ system: 'WMS', documentNo: ob.outboundNo, reason: 'AMBIGUOUS_MATCH' });
      else if (p.contradicting.has(o.erpOrderNo)) unlinked.push({ system: 'WMS', documentNo: ob.outboundNo, reason: 'CUSTOMER_MISMATCH' });
      else if (ob.reference == null) {
        outboundMethod = 'MATCHED';
        const days = Math.round((parseBeijing(dateOf(ob.createAt))! - parseBeijing(dateOf(o.orderedAt))!) / DAY);
        confidence = Math.round((0.9 - 0.1 * days) * 1000) / 1000;
      } else outboundMethod = ob.reference === o.erpOrderNo ? 'REFERENCE' : 'NORMALIZED_REFERENCE';
    }
    let waybillMethod: LinkMethod | null = null;
    if (wb) {
      if (wb.customerRef === o.erpOrderNo || outboundMethod) waybillMethod = 'REFERENCE';
      // The outbound it names is gone from the WMS: a reference to nothing.
      else if (deleted) unlinked.push({ system: 'TMS', documentNo: wb.waybillNo, reason: 'REFERENCE_NOT_FOUND' });
      else unlinked.push({ system: 'TMS', documentNo: wb.waybillNo, reason: 'OUTBOUND_UNLINKED' });
    }

    const recorded: Partial<Record<LifecycleNode, string>> = {};
    // A payment stays on the ERP order when it is cancelled afterwards (cancelledOutboundLive).
    if (due(o.payAt) && !o.dropPayTime) recorded.PAID = iso(o.payAt);
    if (ob && outboundMethod) {
      if (due(ob.pickStartAt) && !ob.dropPickStart) recorded.PICKING = iso(ob.pickStartAt);
      if (due(ob.shipAt)) recorded.SHIPPED_OUT = iso(ob.shipAt);
    }
    if (wb && waybillMethod) {
      const first = (codes: number[]) => visibleTracks(wb, p.asOf).filter((t) => codes.includes(t.code)).map((t) => t.at).sort((a, b) => a - b)[0];
      const transit = first([10, 20]);
      const outFor = first([30]);
      const signedAt = first([40]);
      if (transit != null) recorded.IN_TRANSIT = iso(transit);
      if (outFor != null) recorded.OUT_FOR_DELIVERY = iso(outFor);
      if (signedAt != null) recorded.SIGNED = iso(signedAt);
    }
    if (due(o.closeAt)) recorded.COMPLETED = iso(o.closeAt);

    // Passed = anything up to the furthest recorded node; a passed node without a record is missing.
    const reachedUpTo = Math.max(-1, ...LIFECYCLE_NODES.map((n, i) => (recorded[n] ? i : -1)));
    const missing = LIFECYCLE_NODES.slice(0, reachedUpTo + 1).filter((n) => !recorded[n]);
    return {
      erpOrderNo: o.erpOrderNo,
      customerCode: o.customerCode,
      storeCode: o.storeCode,
      region: o.region,
      orderedAt: iso(o.orderedAt),
      promisedAt: iso(o.promisedAt),
      totalAmount: (o.lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0) / 100).toFixed(2),
      expectedStatus: due(o.cancelAt) ? 'CANCELLED' : reachedUpTo >= 0 ? LIFECYCLE_NODES[reachedUpTo] : 'CREATED',
      outbound: ob ? { outboundNo: ob.outboundNo, method: outboundMethod, ...(confidence != null ? { confidence } : {}) } : null,
      waybill: wb ? { waybillNo: wb.waybillNo, method: waybillMethod } : null,
      recorded,
      missing,
    };
  });
  for (const ob of p.orphanOutbounds) if (due(ob.createAt)) unlinked.push({ system: 'WMS', documentNo: ob.outboundNo, reason: 'REFERENCE_NOT_FOUND' });
  for (const wb of p.orphanWaybills) if (due(wb.createAt)) unlinked.push({ system: 'TMS', documentNo: wb.waybillNo, reason: 'REFERENCE_NOT_FOUND' });
  return {
    generator: {
      seed: p.options.seed,
      orders: p.options.orders,
      days: p.options.days,
      start: p.options.start,
      asOf: toIsoBeijing(p.asOf)!,
      rates: p.options.rates,
      matchWindowDays: MATCH_WINDOW_DAYS,
      outboundSlaHours: OUTBOUND_SLA_HOURS,
    },
    orders,
    unlinked,
    anomalies: p.anomalies,
    rules: {},
    discrepancies: [],
  };
}
