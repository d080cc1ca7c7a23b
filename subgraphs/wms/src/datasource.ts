// The only place that speaks WMS: t_out_* tables, status codes 10–90, bin codes F2-A03-S05.
import { In, type DataSource } from 'typeorm';
import type { LegacySystem } from '../../../common/src/legacy.js';
import { beijingToIso } from '../../../common/src/time.js';
import { decode } from '../../../common/src/legacy-codes.js';
import { byKey, groupByKey, unique } from '../../../common/src/loader.js';
import { OutOrderEntity, type OutOrderRow } from './entities/t_out_order.js';
import { OutLineEntity, type OutLineRow } from './entities/t_out_line.js';
import { StockEntity, type StockRowRaw } from './entities/t_stock.js';
import type { ChangeCursor, ChangePage } from '../../../common/src/change-feed.js';

export const wmsEntities = [OutOrderEntity, OutLineEntity, StockEntity];

export type OutboundStatus = 'CREATED' | 'ALLOCATED' | 'PICKING' | 'PICKED' | 'PACKED' | 'SHIPPED' | 'CANCELLED';
const OUTBOUND_STATUS: Record<number, OutboundStatus> = {
  10: 'CREATED',
  20: 'ALLOCATED',
  30: 'PICKING',
  40: 'PICKED',
  50: 'PACKED',
  60: 'SHIPPED',
  90: 'CANCELLED',
};

export interface BinLocation {
  code: string;
  floor: number;
  aisle: number;
  shelf: number;
}

/** 'F2-A03-S05' → floor 2, aisle 3, shelf 5. */
export function parseBin(code: string): BinLocation {
  const m = /^F(\d+)-A(\d+)-S(\d+)$/i.exec(code.trim());
  if (!m) throw new Error(`WMS: malformed loc_code ${JSON.stringify(code)}`);
  return { code: code.trim().toUpperCase(), floor: Number(m[1]), aisle: Number(m[2]), shelf: Number(m[3]) };
}

export interface OutboundOrder {
  outboundNo: string;
  reference: string | null;
  status: OutboundStatus;
  warehouseCode: string;
  customerCode: string;
  createdAt: string;
  pickStartedAt: string | null;
  pickedAt: string | null;
  shippedAt: string | null;
}

export interface OutboundOrderLine {
  outboundNo: string;
  lineNo: number;
  skuCode: string;
  batchNo: string;
  location: BinLocation;
  quantity: number;
  pickedQuantity: number | null;
}

export interface StockRow {
  skuCode: string;
  batchNo: string;
  warehouseCode: string;
  expiresOn: string | null;
  location: BinLocation;
  quantity: number;
  lockedQuantity: number;
  availableQuantity: number;
}

export interface SkuRef {
  code: string;
}

const toOutbound = (r: OutOrderRow): OutboundOrder => ({
  outboundNo: r.out_no,
  reference: r.ref_no,
  status: decode('WMS', 't_out_order.status', OUTBOUND_STATUS, Number(r.status)),
  warehouseCode: r.warehouse_code,
  customerCode: r.consignee_code,
  createdAt: beijingToIso(r.create_time)!,
  pickStartedAt: beijingToIso(r.pick_start_time),
  pickedAt: beijingToIso(r.pick_end_time),
  shippedAt: beijingToIso(r.ship_time),
});

const toLine = (r: OutLineRow): OutboundOrderLine => ({
  outboundNo: r.out_no,
  lineNo: Number(r.line_no),
  skuCode: r.sku,
  batchNo: r.batch_no,
  location: parseBin(r.loc_code),
  quantity: Number(r.plan_qty),
  pickedQuantity: r.picked_qty == null ? null : Number(r.picked_qty),
});

const toStock = (r: StockRowRaw): StockRow => ({
  skuCode: r.sku,
  batchNo: r.batch_no,
  warehouseCode: r.warehouse_code,
  expiresOn: r.exp_date ? String(r.exp_date).slice(0, 10) : null,
  location: parseBin(r.loc_code),
  quantity: Number(r.qty),
  lockedQuantity: Number(r.locked_qty),
  availableQuantity: Number(r.qty) - Number(r.locked_qty),
});

/** Key for a (sku, batch) pair in a loader. */
export const batchKey = (skuCode: string, batchNo: string) => `${skuCode}\u0000${batchNo}`;

export class WmsDatasource {
  constructor(
    private readonly db: DataSource,
    private readonly legacy: LegacySystem,
  ) {}

  private call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return this.legacy.call(operation, run);
  }

  async outboundsByNo(outboundNos: readonly string[]): Promise<(OutboundOrder | null)[]> {
    const rows = await this.call('t_out_order.byOutNo', () =>
      this.db.getRepository(OutOrderEntity).find({ where: { out_no: In(unique(outboundNos)) } }),
    );
    return byKey(outboundNos, rows.map(toOutbound), (o) => o.outboundNo);
  }

  async linesByOutboundNo(outboundNos: readonly string[], operation = 't_out_line.byOutNo'): Promise<OutboundOrderLine[][]> {
    const rows = await this.call(operation, () =>
      this.db.getRepository(OutLineEntity).find({ where: { out_no: In(unique(outboundNos)) }, order: { out_no: 'ASC', line_no: 'ASC' } }),
    );
    return groupByKey(outboundNos, rows.map(toLine), (l) => l.outboundNo);
  }

  async stockBySku(skuCodes: readonly string[]): Promise<StockRow[][]> {
    const rows = await this.call('t_stock.bySku', () =>
      this.db.getRepository(StockEntity).find({ where: { sku: In(unique(skuCodes)) }, order: { sku: 'ASC', exp_date: 'ASC', batch_no: 'ASC' } }),
    );
    return groupByKey(skuCodes, rows.map(toStock), (s) => s.skuCode);
  }

  /** Expiry of (sku, batch) pairs; keys from batchKey(). One query for the whole batch of pairs. */
  async expiryByBatch(keys: readonly string[]): Promise<(string | null)[]> {
    const pairs = keys.map((k) => k.split('\u0000') as [string, string]);
    const rows = await this.call('t_stock.byBatch', () =>
      this.db.getRepository(StockEntity).find({
        where: { sku: In(unique(pairs.map((p) => p[0]))), batch_no: In(unique(pairs.map((p) => p[1]))) },
      }),
    );
    const expiry = new Map<string, string | null>();
    for (const r of rows) expiry.set(batchKey(r.sku, r.batch_no), r.exp_date ? String(r.exp_date).slice(0, 10) : null);
    return keys.map((k) => expiry.get(k) ?? null);
  }

  /** Outbounds changed after a (update_time, id) keyset cursor, oldest first, with their SKU codes. */
  async outboundsChangedSince(cursor: ChangeCursor, limit: number): Promise<ChangePage<OutboundOrder & { skuCodes: string[] }>> {
    const rows = await this.call('sync.t_out_order', () =>
      this.db
        .getRepository(OutOrderEntity)
        .createQueryBuilder('o')
        .where('(o.update_time > :t OR (o.update_time = :t AND o.id > :id))', { t: cursor.modifiedAt, id: cursor.rowId })
        .orderBy('o.update_time', 'ASC')
        .addOrderBy('o.id', 'ASC')
        .limit(limit)
        .getMany(),
    );
    if (rows.length === 0) return { items: [], next: cursor };
    const lines = await this.linesByOutboundNo(rows.map((r) => r.out_no), 'sync.t_out_line');
    const last = rows[rows.length - 1];
    return {
      items: rows.map((r, i) => ({ ...toOutbound(r), skuCodes: lines[i].map((l) => l.skuCode) })),
      next: { modifiedAt: String(last.update_time).slice(0, 19), rowId: Number(last.id) },
    };
  }

  /** Locks all of a batch in a warehouse (locked_qty = qty): nothing more is allocated from it. Idempotent. */
  async lockBatch(warehouseCode: string, skuCode: string, batchNo: string): Promise<void> {
    await this.legacy.call('t_stock.lockBatch', () =>
      this.db.query('UPDATE t_stock SET locked_qty = qty WHERE warehouse_code = ? AND sku = ? AND batch_no = ?', [warehouseCode, skuCode, batchNo]),
    );
  }

  async ping(): Promise<void> {
    await this.call('ping', () => this.db.query('SELECT 1'));
  }
}
