// The pick-by-scan flow across the systems: the hub's order → outbound link, WMS lines, stock and
// bins, the ERP catalog, and TMS for the waybill. Each legacy system is spoken to only through its
// adapter's datasource; the rules (FEFO, scan checks, seal) are the pure modules beside this one.
//
// Allocation. While an outbound has not started picking (WMS status 10 or 20, nothing picked),
// the first pickList or scan allocates it afresh by FEFO under the order's expiry rule, writes the
// allocation into t_out_line and locks the stock it takes (t_stock.locked_qty), in one WMS
// transaction. That happens once per outbound: hub_pick_allocation says so (PENDING before the WMS
// commit, APPLIED after; a PENDING allocation WMS does not show is made again). Once picking has
// started, or when FEFO cannot serve every line, the outbound's lines stay as WMS holds them and
// the pick list says so (allocation.source WMS, with the shortfalls).
import type { Logger } from '../../../../common/src/logger.js';
import { appError, badInput, ErrorCode, type Bilingual } from '../../../../common/src/errors.js';
import { beijingDate, toIsoBeijing } from '../../../../common/src/time.js';
import type { SkuRecord } from '#adapters/erp';
import {
  safeParseBin,
  type AllocatableLot,
  type AllocatedLine,
  type BinInfo,
  type OutboundStatus,
  type PickableOutbound,
  type PickLineRow,
  type WarehouseLayout,
  type WmsDatasource,
} from '#adapters/wms';
import type { TmsDatasource } from '#adapters/tms';
import { allocateFefo, type ShortfallReason } from '#adapters/wms';
import { parseScan, type ScanFormat } from './gs1.js';
import { planRoute, sShapeLength } from './route.js';
import type { HubOrder } from '#hub';
import { minRemainingShelfLifeMonths } from './expiry-rule.js';
import { decideScan, type ScanDecision, type ScanOutcome, type ScanSku } from './verify.js';
import { sealContent, sealOf, verifySeal, type SealContent, type SealVerification } from './seal.js';
import { KeyedMutex, LockWaitTimeout } from './mutex.js';
import { PickCatalog } from './catalog.js';
import type { PickingStore, SealRecord } from './store.js';
import { boundedCache, type Cache } from '../../../../common/src/cache.js';

/** WMS has no warehouse table; TMS only prints the city on the waybill's first track. */
const WAREHOUSE_CITY: Record<string, string> = { 'WH-SH01': '上海', 'WH-SZ01': '苏州', 'WH-HZ01': '杭州' };
/** The carrier a sealed package is handed to. */
export const DEFAULT_CARRIER = 'SF';
/** t_pick_scan.operator and t_seal_log.operator are VARCHAR(20). */
export const MAX_OPERATOR_LENGTH = 20;

const PICKABLE: ReadonlySet<OutboundStatus> = new Set(['CREATED', 'ALLOCATED', 'PICKING', 'PICKED']);
const ALLOCATABLE: ReadonlySet<OutboundStatus> = new Set(['CREATED', 'ALLOCATED']);

export interface PickBinView {
  code: string;
  floor: number;
  aisle: number;
  shelf: number;
  usable: boolean;
}

export interface PickLineView {
  sequence: number | null;
  lineNo: number;
  sku: { code: string };
  batchNo: string;
  expiresOn: string | null;
  bin: PickBinView;
  quantity: number;
  pickedQuantity: number;
  remainingQuantity: number;
  done: boolean;
}

export interface PickProgressView {
  lines: number;
  linesDone: number;
  quantity: number;
  pickedQuantity: number;
  complete: boolean;
}

export interface ShortfallView {
  sku: { code: string };
  quantity: number;
  reason: ShortfallReason;
  messageZh: string;
  messageEn: string;
}

export interface SealView {
  order: HubOrder;
  record: SealRecord;
  content: SealContent;
}

export interface PickListView {
  order: HubOrder;
  outboundNo: string;
  outbound: { outboundNo: string };
  warehouseCode: string;
  outboundStatus: OutboundStatus;
  allocation: { source: 'FEFO' | 'WMS'; allocatedAt: string | null; shortfalls: ShortfallView[] };
  lines: PickLineView[];
  route: { lengthMeters: number; sShapeLengthMeters: number; method: string; floors: { floor: number; lengthMeters: number; method: 'OPTIMAL' | 'S_SHAPE' }[] };
  progress: PickProgressView;
  seal: SealView | null;
}

export interface ScanView {
  outcome: ScanOutcome;
  accepted: boolean;
  messageZh: string;
  messageEn: string;
  orderId: string;
  outboundNo: string;
  outbound: { outboundNo: string };
  outboundStatus: OutboundStatus;
  scanned: { format: ScanFormat | null; sku: { code: string } | null; gtin: string | null; batchNo: string | null; expiresOn: string | null; quantity: number };
  line: PickLineView | null;
  progress: PickProgressView;
}

export interface SealPayloadView {
  outcome: 'SEALED' | 'ALREADY_SEALED' | 'NOT_FULLY_PICKED';
  messageZh: string;
  messageEn: string;
  orderId: string;
  outboundNo: string;
  outbound: { outboundNo: string };
  seal: SealView | null;
  progress: PickProgressView;
  waybillPending: boolean;
}

export interface PickingStatsView {
  from: string;
  to: string;
  scans: number;
  okScans: number;
  errorsCaught: number;
  errorsByOutcome: { outcome: ScanOutcome; count: number }[];
  accuracy: number | null;
  ordersPicked: number;
  ordersSealed: number;
  pickers: { picker: string; scans: number; okScans: number; errorsCaught: number; accuracy: number | null; ordersPicked: number }[];
}

export interface PickingDeps {
  wms: WmsDatasource;
  erp: import('#adapters/erp').ErpDatasource;
  tms: TmsDatasource;
  store: PickingStore;
  logger: Logger;
  /** Epoch ms; tests may pin it. */
  now?: () => number;
  /** How long a scan or seal waits for the ones before it on the same outbound (ms). */
  lockWaitMs?: number;
  /** The order's minimum remaining shelf life for shelf-life goods, in months (from the rules). */
  expiryMonths: (order: HubOrder) => Promise<number>;
}

const WRONG_OUTCOMES: Exclude<ScanOutcome, 'OK'>[] = ['WRONG_SKU', 'WRONG_BATCH', 'EXPIRED', 'OVER_PICK', 'UNKNOWN_BARCODE'];

const round2 = (n: number) => Math.round(n * 100) / 100;
const remaining = (l: PickLineRow) => Math.max(0, l.quantity - l.pickedQuantity);

export function progressOf(lines: readonly PickLineRow[]): PickProgressView {
  const quantity = lines.reduce((s, l) => s + l.quantity, 0);
  const picked = lines.reduce((s, l) => s + Math.min(l.pickedQuantity, l.quantity), 0);
  const linesDone = lines.filter((l) => remaining(l) === 0).length;
  return { lines: lines.length, linesDone, quantity, pickedQuantity: picked, complete: lines.length > 0 && linesDone === lines.length };
}

const STATUS_TEXT: Record<OutboundStatus, Bilingual> = {
  CREATED: { zh: '新建', en: 'created' },
  ALLOCATED: { zh: '已分配', en: 'allocated' },
  PICKING: { zh: '拣货中', en: 'being picked' },
  PICKED: { zh: '拣货完成', en: 'picked' },
  PACKED: { zh: '已封箱', en: 'packed' },
  SHIPPED: { zh: '已发运', en: 'shipped' },
  CANCELLED: { zh: '已取消', en: 'cancelled' },
};

const SHORTFALL_TEXT: Record<ShortfallReason, Bilingual> = {
  NO_STOCK: { zh: '仓库无此商品库存', en: 'no stock of this SKU in the warehouse' },
  INSUFFICIENT_STOCK: { zh: '可用库存不足', en: 'not enough stock' },
  ONLY_LOCKED: { zh: '其余库存已被锁定', en: 'the rest is locked' },
  ONLY_SHORT_DATED: { zh: '其余批次剩余效期不足', en: 'the rest is too close to expiry for this order' },
  ONLY_EXPIRED: { zh: '其余批次已过期', en: 'the rest has expired' },
  ONLY_IN_UNUSABLE_BINS: { zh: '其余库存在停用库位', en: 'the rest sits in disabled bins' },
  TAKEN_BY_EARLIER_LINES: { zh: '其余已分配给本单前面的行', en: 'the rest went to earlier lines of this order' },
  MIXED: { zh: '其余库存被锁定、效期不足或在停用库位', en: 'the rest is locked, short-dated or in disabled bins' },
};

/** A person's name for the scan log: 1–20 characters, no control characters. */
export function parseOperator(value: string, argument: string): string {
  const v = value.normalize('NFKC').trim();
  if (!v || v.length > MAX_OPERATOR_LENGTH || /[\p{Cc}\p{Cf}\p{Cs}]/u.test(v)) {
    throw badInput(
      { zh: `${argument} 应为 1–${MAX_OPERATOR_LENGTH} 个字符的姓名或工号`, en: `${argument} must be a name or staff no. of 1–${MAX_OPERATOR_LENGTH} characters` },
      { argument },
    );
  }
  return v;
}

export class PickingService {
  private readonly mutex: KeyedMutex;
  private readonly catalog: PickCatalog;
  /**
   * Outbounds whose allocation is settled for good (picking started, or the hub's FEFO applied): a
   * fact that never changes back. Only a shortcut: one forgotten costs one more look at it.
   */
  private readonly settled = boundedCache<string, true>({ max: 50_000, ttlMs: null });
  /** Warehouse layouts (t_location), re-read every five minutes. */
  private readonly layouts: Cache<string, { layout: WarehouseLayout | null }>;
  private readonly now: () => number;

  constructor(private readonly deps: PickingDeps) {
    this.catalog = new PickCatalog(deps.erp, deps.wms);
    this.now = deps.now ?? Date.now;
    this.layouts = boundedCache({ max: 1_000, ttlMs: 300_000, clock: this.now });
    this.mutex = new KeyedMutex(deps.lockWaitMs ?? 1000);
  }

  /** Runs `work` alone for the outbound; too long a queue is a CONFLICT the caller may retry (nothing was done). */
  private async exclusive<T>(order: HubOrder, outNo: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.mutex.run(outNo, work);
    } catch (err) {
      if (!(err instanceof LockWaitTimeout)) throw err;
      throw appError(
        ErrorCode.CONFLICT,
        { zh: `出库单 ${outNo} 正有其他扫描或封箱在处理，本次未执行，请重试`, en: `Outbound ${outNo} is busy with other scans or a seal; nothing was done, please retry` },
        { reason: 'OUTBOUND_BUSY', orderId: order.id, outboundNo: outNo },
      );
    }
  }

  // ---- the outbound behind an order ----------------------------------------------------------

  private outboundNoOf(order: HubOrder): string {
    if (!order.wmsOutboundNo) {
      throw appError(
        ErrorCode.CONFLICT,
        { zh: `订单 ${order.erpOrderNo} 还没有出库单，无法拣货`, en: `Order ${order.erpOrderNo} has no WMS outbound yet; there is nothing to pick` },
        { reason: 'NO_OUTBOUND', orderId: order.id },
      );
    }
    return order.wmsOutboundNo;
  }

  private missingOutbound(order: HubOrder, outNo: string) {
    return appError(
      ErrorCode.CONFLICT,
      { zh: `WMS 中找不到订单 ${order.erpOrderNo} 的出库单 ${outNo}`, en: `WMS has no outbound ${outNo} for order ${order.erpOrderNo}` },
      { reason: 'NO_OUTBOUND', orderId: order.id, outboundNo: outNo },
    );
  }

  private notPickable(order: HubOrder, outNo: string, status: OutboundStatus) {
    return appError(
      ErrorCode.CONFLICT,
      {
        zh: `出库单 ${outNo} ${STATUS_TEXT[status].zh}，不能再拣货或封箱`,
        en: `Outbound ${outNo} is ${STATUS_TEXT[status].en}; it can no longer be picked or sealed`,
      },
      { reason: 'OUTBOUND_NOT_PICKABLE', orderId: order.id, outboundNo: outNo, outboundStatus: status },
    );
  }

  // ---- allocation ----------------------------------------------------------------------------

  private allocatable(state: PickableOutbound): boolean {
    return ALLOCATABLE.has(state.outbound.status) && state.lines.length > 0 && state.lines.every((l) => l.pickedQuantity === 0);
  }

  /** FEFO over the outbound's lines, per SKU under the order's expiry rule; null lines when it cannot serve them all. */
  private planAllocation(order: HubOrder, minShelfLifeMonths: number, state: PickableOutbound, lots: AllocatableLot[], skus: Map<string, SkuRecord>, today: string) {
    const demand = new Map<string, number>();
    for (const l of state.lines) demand.set(l.skuCode, (demand.get(l.skuCode) ?? 0) + l.quantity);
    const lines: AllocatedLine[] = [];
    const shortfalls: ShortfallView[] = [];
    for (const [skuCode, quantity] of demand) {
      const sku = skus.get(skuCode);
      const months = minRemainingShelfLifeMonths({ code: skuCode, shelfLifeMonths: sku?.shelfLifeMonths ?? null }, { erpOrderNo: order.erpOrderNo, customerCode: order.customerCode, minShelfLifeMonths });
      const mine = lots.filter((lot) => lot.skuCode === skuCode);
      const result = allocateFefo([{ lineKey: skuCode, skuCode, quantity }], mine, { asOf: today, minRemainingShelfLifeMonths: months });
      const line = result.lines[0];
      if (line.shortfall) {
        const text = SHORTFALL_TEXT[line.shortfall.reason];
        shortfalls.push({
          sku: { code: skuCode },
          quantity: line.shortfall.quantity,
          reason: line.shortfall.reason,
          messageZh: `${skuCode} 缺 ${line.shortfall.quantity} 件：${text.zh}`,
          messageEn: `${skuCode} short by ${line.shortfall.quantity}: ${text.en}`,
        });
        continue;
      }
      for (const a of line.allocations) {
        // Two t_stock rows may hold the same batch in the same bin: take from them in row order.
        let need = a.quantity;
        for (const lot of mine.filter((x) => x.batchNo === a.batchNo && x.locCode === a.locCode).sort((x, y) => x.stockId - y.stockId)) {
          const take = Math.min(need, Math.max(0, lot.quantity - lot.lockedQuantity));
          if (take === 0) continue;
          lines.push({ stockId: lot.stockId, skuCode, batchNo: a.batchNo, locCode: a.locCode, quantity: take });
          need -= take;
          if (need === 0) break;
        }
        if (need > 0) throw new Error(`allocation of ${skuCode} ${a.batchNo}@${a.locCode} does not add up`);
      }
    }
    return { lines: shortfalls.length ? null : lines, shortfalls };
  }

  /** Did a PENDING allocation land in WMS? Its stamp is the outbound's update_time and its lines are the outbound's. */
  private landed(plan: AllocatedLine[], stamp: number, state: PickableOutbound): boolean {
    if (Date.parse(state.modifiedAt) !== Math.floor(stamp / 1000) * 1000) return false;
    if (plan.length !== state.lines.length) return false;
    return plan.every((p, i) => {
      const l = state.lines[i];
      return l.skuCode === p.skuCode && l.batchNo === p.batchNo && l.locCode === p.locCode && l.quantity === p.quantity;
    });
  }

  /**
   * The outbound as it is to be picked: allocated by FEFO first if it has not started (see the
   * head of this file). Returns its state and where its allocation comes from.
   */
  private async prepare(order: HubOrder, outNo: string): Promise<{ state: PickableOutbound; source: 'FEFO' | 'WMS'; allocatedAt: number | null; shortfalls: ShortfallView[] }> {
    const { wms, store } = this.deps;
    const record = await store.allocation(outNo);
    if (record?.state === 'APPLIED') {
      this.settled.set(outNo, true);
      const state = await wms.pickableOutbound(outNo);
      if (!state) throw this.missingOutbound(order, outNo);
      return { state, source: 'FEFO', allocatedAt: record.createdAt, shortfalls: [] };
    }
    const before = await wms.pickableOutbound(outNo);
    if (!before) throw this.missingOutbound(order, outNo);
    if (!this.allocatable(before)) {
      this.settled.set(outNo, true);
      return { state: before, source: 'WMS', allocatedAt: null, shortfalls: [] };
    }
    const skus = await this.catalog.skus(before.lines.map((l) => l.skuCode));
    let shortfalls: ShortfallView[] = [];
    let applied = false as boolean;
    const minShelfLifeMonths = await this.deps.expiryMonths(order);
    await this.exclusive(order, outNo, async () => {
      const now = this.now();
      const result = await wms.allocateOutbound(outNo, now, async (state, lots) => {
        if (!this.allocatable(state)) return null;
        // Decided again under the outbound's lock: another process may have allocated meanwhile.
        const rec = await store.allocation(outNo);
        if (rec?.state === 'APPLIED' || (rec?.state === 'PENDING' && this.landed(rec.plan, rec.stamp, state))) {
          applied = true;
          return null;
        }
        const plan = this.planAllocation(order, minShelfLifeMonths, state, lots, skus, beijingDate(now));
        shortfalls = plan.shortfalls;
        if (!plan.lines) return null;
        await store.saveAllocation({ outNo, state: 'PENDING', stamp: now, plan: plan.lines }, now);
        return plan.lines;
      });
      if (result.applied) applied = true;
      if (applied) {
        await store.markApplied(outNo, now);
        this.settled.set(outNo, true);
      }
    });
    const state = await wms.pickableOutbound(outNo);
    if (!state) throw this.missingOutbound(order, outNo);
    if (applied) {
      const rec = await store.allocation(outNo);
      return { state, source: 'FEFO', allocatedAt: rec?.createdAt ?? null, shortfalls: [] };
    }
    return { state, source: 'WMS', allocatedAt: null, shortfalls };
  }

  // ---- pick list -----------------------------------------------------------------------------

  private async layoutOf(warehouseCode: string): Promise<WarehouseLayout | null> {
    const cached = this.layouts.get(warehouseCode);
    if (cached) return cached.layout;
    const layout = await this.deps.wms.warehouseLayout(warehouseCode);
    this.layouts.set(warehouseCode, { layout });
    return layout;
  }

  private binOf(line: PickLineRow, bins: Map<string, BinInfo | null>): PickBinView {
    const bin = bins.get(line.locCode);
    if (bin) return { code: bin.code, floor: bin.floor, aisle: bin.aisle, shelf: bin.shelf, usable: bin.usable };
    // A bin t_location does not know: placed by its code, and flagged as not usable.
    const parsed = safeParseBin(line.locCode);
    return { code: line.locCode, floor: parsed?.floor ?? 1, aisle: parsed?.aisle ?? 1, shelf: parsed?.shelf ?? 1, usable: false };
  }

  private lineView(line: PickLineRow, bin: PickBinView, expiresOn: string | null, sequence: number | null): PickLineView {
    return {
      sequence,
      lineNo: line.lineNo,
      sku: { code: line.skuCode },
      batchNo: line.batchNo,
      expiresOn,
      bin,
      quantity: line.quantity,
      pickedQuantity: line.pickedQuantity,
      remainingQuantity: remaining(line),
      done: remaining(line) === 0,
    };
  }

  async pickList(order: HubOrder): Promise<PickListView> {
    const { wms } = this.deps;
    const outNo = this.outboundNoOf(order);
    const prepared = await this.prepare(order, outNo);
    const { state } = prepared;
    const warehouse = state.outbound.warehouseCode;
    const codes = [...new Set(state.lines.map((l) => l.locCode))];
    const [binList, layout, expiries, seal] = await Promise.all([
      wms.binsByCode(warehouse, codes),
      this.layoutOf(warehouse),
      Promise.all(state.lines.map((l) => this.catalog.batchExpiry(l.skuCode, l.batchNo))),
      this.sealView(order, outNo),
    ]);
    const bins = new Map(codes.map((c, i) => [c, binList[i]]));
    const views = state.lines.map((l) => ({ line: l, bin: this.binOf(l, bins) }));
    // The grid is t_location's, stretched to any bin a line names beyond it.
    const grid = {
      shelvesPerAisle: Math.max(layout?.shelvesPerAisle ?? 1, ...views.map((v) => v.bin.shelf)),
      aislesPerFloor: Math.max(layout?.aislesPerFloor ?? 1, ...views.map((v) => v.bin.aisle)),
    };
    const stops = views.map((v) => ({ key: String(v.line.id), floor: v.bin.floor, aisle: v.bin.aisle, shelf: v.bin.shelf }));
    const route = planRoute(stops, grid);
    const position = new Map(route.order.map((key, i) => [key, i]));
    const ordered = views
      .map((v, i) => ({ ...v, expiresOn: expiries[i] ?? null }))
      .sort((a, b) => position.get(String(a.line.id))! - position.get(String(b.line.id))!);
    return {
      order,
      outboundNo: outNo,
      outbound: { outboundNo: outNo },
      warehouseCode: warehouse,
      outboundStatus: state.outbound.status,
      allocation: { source: prepared.source, allocatedAt: toIsoBeijing(prepared.allocatedAt), shortfalls: prepared.shortfalls },
      lines: ordered.map((v, i) => this.lineView(v.line, v.bin, v.expiresOn, i + 1)),
      route: {
        lengthMeters: round2(route.lengthMeters),
        sShapeLengthMeters: round2(sShapeLength(stops, grid)),
        method: route.method,
        floors: route.perFloor.map((f) => ({ floor: f.floor, lengthMeters: round2(f.lengthMeters), method: f.method })),
      },
      progress: progressOf(state.lines),
      seal,
    };
  }

  // ---- scans ---------------------------------------------------------------------------------

  async scan(order: HubOrder, barcode: string, picker: string): Promise<ScanView> {
    const { wms, store, logger } = this.deps;
    const outNo = this.outboundNoOf(order);
    if (!this.settled.has(outNo)) {
      const { state } = await this.prepare(order, outNo);
      if (!PICKABLE.has(state.outbound.status)) throw this.notPickable(order, outNo, state.outbound.status);
    }
    const started = this.now();
    const scan = parseScan(barcode, { referenceYear: new Date(started).getUTCFullYear() });
    let sku: SkuRecord | null = null;
    if (scan.ok) {
      if (scan.skuCode) sku = (await this.catalog.skus([scan.skuCode])).get(scan.skuCode) ?? null;
      else if (scan.gtin ?? scan.contentGtin) sku = await this.catalog.skuByGtin((scan.gtin ?? scan.contentGtin)!);
    }
    const toScanSku = (s: SkuRecord): ScanSku => ({ code: s.code, spec: s.spec, name: s.name, shelfLifeMonths: s.shelfLifeMonths });
    const minShelfLifeMonths = await this.deps.expiryMonths(order);
    const rule = (s: ScanSku) => minRemainingShelfLifeMonths(s, { erpOrderNo: order.erpOrderNo, customerCode: order.customerCode, minShelfLifeMonths });

    type ScanResultOf = { refused: OutboundStatus | null; decision: ScanDecision | null; status: OutboundStatus; completed: boolean };
    const outcome = await this.exclusive(order, outNo, () =>
      wms.recordScan<ScanResultOf>(outNo, this.now(), async (state) => {
        // Refused, not thrown: an error thrown inside a legacy call would be taken for WMS failing.
        if (!PICKABLE.has(state.outbound.status)) return { write: null, result: { refused: state.outbound.status, decision: null, status: state.outbound.status, completed: false } };
        const skus = await this.catalog.skus(state.lines.map((l) => l.skuCode));
        const matched = sku && scan.ok && scan.batchNo ? state.lines.find((l) => l.skuCode === sku!.code && l.batchNo.trim().toUpperCase() === scan.batchNo!.trim().toUpperCase()) : undefined;
        const batchExpiresOn = matched ? await this.catalog.batchExpiry(matched.skuCode, matched.batchNo) : undefined;
        const decision = decideScan({
          scan,
          sku: sku ? toScanSku(sku) : null,
          lines: state.lines,
          skus: new Map([...skus].map(([code, s]) => [code, toScanSku(s)])),
          batchExpiresOn,
          today: beijingDate(this.now()),
          minRemainingShelfLifeMonths: rule,
        });
        const ok = decision.outcome === 'OK';
        // Quantities after this scan, to see whether it starts or finishes the picking.
        const after = new Map(decision.increments.map((i) => [i.lineId, i.quantity]));
        const complete = ok && state.lines.every((l) => l.pickedQuantity + (after.get(l.id) ?? 0) >= l.quantity);
        const status = !ok ? null : complete ? 'PICKED' : ALLOCATABLE.has(state.outbound.status) ? 'PICKING' : null;
        return {
          write: {
            increments: decision.increments,
            status,
            log: { skuCode: decision.skuCode, batchNo: decision.batchNo, locCode: decision.line && ok ? decision.line.locCode : null, barcode, operator: picker, ok },
          },
          result: { refused: null, decision, status: (status ?? state.outbound.status) as OutboundStatus, completed: status === 'PICKED' },
        };
      }),
    );
    if (!outcome) throw this.missingOutbound(order, outNo);
    const { state, result } = outcome;
    if (result.refused || !result.decision) throw this.notPickable(order, outNo, result.refused ?? state.outbound.status);
    this.settled.set(outNo, true);
    const { decision } = result;
    // The hub's journal feeds pickingStats; WMS's t_pick_scan is the record of the scan itself.
    await store
      .journal({
        outNo,
        orderId: order.rowId,
        picker,
        outcome: decision.outcome,
        skuCode: decision.skuCode,
        batchNo: decision.batchNo,
        quantity: decision.quantity,
        completed: result.completed,
        scannedAt: started,
      })
      .catch((err) => logger.warn({ err: (err as Error).message, outNo }, 'scan journal not written; pickingStats will miss one scan'));

    let line: PickLineView | null = null;
    if (decision.line) {
      const bin = await this.catalog.bin(state.outbound.warehouseCode, decision.line.locCode);
      const expiresOn = await this.catalog.batchExpiry(decision.line.skuCode, decision.line.batchNo);
      line = this.lineView(decision.line, this.binOf(decision.line, new Map([[decision.line.locCode, bin]])), expiresOn ?? null, null);
    }
    return {
      outcome: decision.outcome,
      accepted: decision.outcome === 'OK',
      messageZh: decision.text.zh,
      messageEn: decision.text.en,
      orderId: order.id,
      outboundNo: outNo,
      outbound: { outboundNo: outNo },
      outboundStatus: result.status,
      scanned: {
        format: scan.ok ? scan.format : null,
        sku: sku ? { code: sku.code } : null,
        gtin: scan.ok ? (scan.gtin ?? scan.contentGtin ?? null) : null,
        batchNo: scan.ok ? (scan.batchNo ?? null) : null,
        expiresOn: scan.ok ? (scan.expiresOn ?? null) : null,
        quantity: decision.quantity,
      },
      line,
      progress: progressOf(state.lines),
    };
  }

  // ---- seal ----------------------------------------------------------------------------------

  private contentFrom(order: HubOrder, state: PickableOutbound, packer: string, sealedAt: string): SealContent {
    return sealContent({
      outboundNo: state.outbound.outboundNo,
      erpOrderNo: order.erpOrderNo,
      warehouseCode: state.outbound.warehouseCode,
      packer,
      sealedAt,
      lines: state.lines,
    });
  }

  private async sealView(order: HubOrder, outNo: string): Promise<SealView | null> {
    const record = await this.deps.store.seal(outNo);
    return record ? { order, record, content: JSON.parse(record.content) as SealContent } : null;
  }

  async seal(order: HubOrder, packer: string): Promise<SealPayloadView> {
    const { wms, tms, store, logger } = this.deps;
    const outNo = this.outboundNoOf(order);
    return this.exclusive(order, outNo, async () => {
      const now = this.now();
      const result = await wms.sealOutbound<OutboundStatus | 'NOT_FULLY_PICKED'>(outNo, now, (state, sealedAt) => {
        const status = state.outbound.status;
        if (!PICKABLE.has(status)) return { refusal: status };
        if (!progressOf(state.lines).complete) return { refusal: 'NOT_FULLY_PICKED' };
        return { sealNo: sealOf(this.contentFrom(order, state, packer, sealedAt)).sealNo, operator: packer };
      });
      if (!result) throw this.missingOutbound(order, outNo);
      const base = { orderId: order.id, outboundNo: outNo, outbound: { outboundNo: outNo }, progress: progressOf(result.state.lines) };
      if (result.refusal === 'NOT_FULLY_PICKED') {
        const p = base.progress;
        return {
          ...base,
          outcome: 'NOT_FULLY_PICKED',
          messageZh: `还未拣完，不能封箱：已完成 ${p.linesDone}/${p.lines} 行，${p.pickedQuantity}/${p.quantity} 件`,
          messageEn: `Not fully picked, so it cannot be sealed: ${p.linesDone} of ${p.lines} lines, ${p.pickedQuantity} of ${p.quantity} items done`,
          seal: null,
          waybillPending: false,
        };
      }
      if (result.refusal) throw this.notPickable(order, outNo, result.refusal);
      const log = result.seal!;

      // The hub's copy of the seal. Everything in it is WMS's record, so a copy lost between the WMS
      // commit and here is rebuilt the same on the next call.
      let record = await store.seal(outNo);
      if (!record) {
        const content = this.contentFrom(order, result.state, log.operator, log.sealedAt);
        const { canonical, hash } = sealOf(content);
        record = await store.insertSeal(
          { outNo, orderId: order.rowId, sealNo: log.sealNo, hash, content: canonical, packer: log.operator, sealedAt: Date.parse(log.sealedAt), waybillNo: null, waybillAt: null },
          now,
        );
      }

      // Hand the package to TMS once: look for a waybill made for this outbound before making one.
      let waybillPending = false;
      if (!record.waybillNo) {
        try {
          record = await store.attachWaybill(outNo, now, async () => {
            const [existing] = await tms.waybillsByReference([outNo]);
            if (existing.length) return existing[0].waybillNo;
            const created = await tms.createWaybill({
              carrierCode: DEFAULT_CARRIER,
              customerReference: outNo,
              consignee: result.state.consigneeName,
              destinationCity: order.region,
              fromCity: WAREHOUSE_CITY[result.state.outbound.warehouseCode] ?? null,
              weightKg: null,
            });
            return created.waybillNo;
          });
        } catch (err) {
          waybillPending = true;
          logger.warn({ err: (err as Error).message, outNo }, 'waybill not created; the next sealPackage call retries');
        }
      }
      const seal: SealView = { order, record, content: JSON.parse(record.content) as SealContent };
      const created = result.created;
      const waybill: Bilingual = record.waybillNo
        ? { zh: `，运单 ${record.waybillNo}`, en: `, waybill ${record.waybillNo}` }
        : { zh: '，运单暂未生成（TMS 不可用），请稍后重试封箱以补建', en: '; the waybill is not created yet (TMS unavailable): call sealPackage again to finish' };
      return {
        ...base,
        outcome: created ? 'SEALED' : 'ALREADY_SEALED',
        messageZh: `${created ? '已封箱' : '此前已封箱'}：封签 ${record.sealNo}，封箱人 ${record.packer}${waybill.zh}`,
        messageEn: `${created ? 'Sealed' : 'Already sealed'}: seal ${record.sealNo} by ${record.packer}${waybill.en}`,
        seal,
        waybillPending,
      };
    });
  }

  /** Recomputes a seal from what WMS shows now and checks it against the hub's copy and WMS's seal no. */
  async verify(seal: SealView): Promise<SealVerification> {
    const { wms } = this.deps;
    const [log, state] = await Promise.all([wms.sealLog(seal.record.outNo), wms.pickableOutbound(seal.record.outNo)]);
    const lines = state?.lines ?? [];
    const current = sealContent({
      outboundNo: seal.record.outNo,
      erpOrderNo: seal.order.erpOrderNo,
      warehouseCode: state?.outbound.warehouseCode ?? seal.content.warehouseCode,
      packer: log?.operator ?? seal.content.packer,
      sealedAt: log?.sealedAt ?? seal.content.sealedAt,
      lines,
    });
    return verifySeal({ content: seal.record.content, hash: seal.record.hash }, log?.sealNo ?? null, current);
  }

  // ---- stats ---------------------------------------------------------------------------------

  async stats(from: number, to: number): Promise<PickingStatsView> {
    const { store } = this.deps;
    const [counts, sealed] = await Promise.all([store.scanCounts(from, to), store.sealCount(from, to)]);
    const summarize = (rows: typeof counts) => {
      const scans = rows.reduce((s, r) => s + r.scans, 0);
      const okScans = rows.filter((r) => r.outcome === 'OK').reduce((s, r) => s + r.scans, 0);
      return {
        scans,
        okScans,
        errorsCaught: scans - okScans,
        accuracy: scans ? Math.round((okScans / scans) * 10_000) / 10_000 : null,
        ordersPicked: rows.reduce((s, r) => s + r.completed, 0),
      };
    };
    const pickers = [...new Set(counts.map((c) => c.picker))].sort().map((picker) => ({ picker, ...summarize(counts.filter((c) => c.picker === picker)) }));
    return {
      from: toIsoBeijing(from)!,
      to: toIsoBeijing(to)!,
      ...summarize(counts),
      errorsByOutcome: WRONG_OUTCOMES.map((outcome) => ({ outcome, count: counts.filter((c) => c.outcome === outcome).reduce((s, c) => s + c.scans, 0) })),
      ordersSealed: sealed,
      pickers,
    };
  }
}
