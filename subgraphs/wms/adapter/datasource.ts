// The only place that speaks WMS: t_out_* tables, status codes 10–90, bin codes F2-A03-S05.
import { In, type DataSource } from 'typeorm';
import type { LegacySystem } from '../../../common/src/legacy.js';
import { beijingToIso, formatBeijing } from '../../../common/src/time.js';
import { decode } from '../../../common/src/legacy-codes.js';
import { byKey, groupByKey, unique } from '../../../common/src/loader.js';
import { retrying } from '../../../common/src/resilience.js';
import { OutOrderEntity, type OutOrderRow } from './entities/t_out_order.js';
import { OutLineEntity, type OutLineRow } from './entities/t_out_line.js';
import { StockEntity, type StockRowRaw } from './entities/t_stock.js';
import { secondsSql, type ChangeCursor, type ChangePage, type DayDigest, type DocumentVersion } from '../../../common/src/change-feed.js';
import type { StockLot } from './allocation.js';

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
const OUTBOUND_STATUS_CODE = Object.fromEntries(Object.entries(OUTBOUND_STATUS).map(([code, status]) => [status, Number(code)])) as Record<OutboundStatus, number>;

export interface BinLocation {
  code: string;
  floor: number;
  aisle: number;
  shelf: number;
}

/** 'F2-A03-S05' → floor 2, aisle 3, shelf 5, or null when the code is not in that form. */
export function safeParseBin(code: string): BinLocation | null {
  try {
    return parseBin(code);
  } catch {
    return null;
  }
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

/** An outbound as order-link's sync reads it: with its WMS update time and the SKU codes of its lines. */
export type SyncedOutbound = OutboundOrder & { skuCodes: string[]; modifiedAt: string };

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


// ---- pick by scan: the WMS side of order-link's pick flow -------------------------------------

/** One t_out_line as the pick flow sees it: picked_qty NULL reads as 0. */
export interface PickLineRow {
  id: number;
  lineNo: number;
  skuCode: string;
  batchNo: string;
  locCode: string;
  quantity: number;
  pickedQuantity: number;
}

/** An outbound with its lines, as read inside (or outside) a pick transaction. */
export interface PickableOutbound {
  outbound: OutboundOrder;
  consigneeName: string | null;
  /** t_out_order.update_time */
  modifiedAt: string;
  lines: PickLineRow[];
}

/** A bin from t_location. */
export interface BinInfo extends BinLocation {
  warehouseCode: string;
  /** t_location.status 1 */
  usable: boolean;
}

/** A warehouse's bin grid, from t_location. */
export interface WarehouseLayout {
  warehouseCode: string;
  floors: number;
  aislesPerFloor: number;
  shelvesPerAisle: number;
}

/** A stock lot (t_stock row joined with its bin) the allocation may draw from. */
export interface AllocatableLot extends StockLot {
  stockId: number;
}

/** A line of a new allocation: take `quantity` of the lot `stockId`. */
export interface AllocatedLine {
  stockId: number;
  skuCode: string;
  batchNo: string;
  locCode: string;
  quantity: number;
}

/** What one scan writes: the quantities counted (none for a wrong scan), the status it moves the
 * outbound to, and the scan log row. */
export interface ScanWrite {
  increments: { lineId: number; quantity: number }[];
  status: 'PICKING' | 'PICKED' | null;
  log: { skuCode: string | null; batchNo: string | null; locCode: string | null; barcode: string; operator: string; ok: boolean };
}

/** A t_seal_log row. */
export interface SealLogRow {
  outboundNo: string;
  sealNo: string;
  sealedAt: string;
  operator: string;
}

/** A change made by someone else between our read and our write, caught by a conditional update. */
export class ConcurrentChangeError extends Error {}

/** The outcome of an attempt to seal: the seal this call wrote, or the one already there. */
export interface SealResult<T> {
  state: PickableOutbound;
  seal: SealLogRow | null;
  created: boolean;
  refusal: T | null;
}

interface Tx {
  rows(sql: string, params?: unknown[]): Promise<any[]>;
  /** Rows affected. */
  run(sql: string, params?: unknown[]): Promise<number>;
}

/** t_pick_scan.barcode and .operator, t_seal_log.operator are this wide. */
const BARCODE_WIDTH = 120;
const OPERATOR_WIDTH = 20;
/** A transaction must be committed this long before the caller's attempt times out, or not at all. */
const COMMIT_MARGIN_MS = 60;

const toPickLine = (r: any): PickLineRow => ({
  id: Number(r.id),
  lineNo: Number(r.line_no),
  skuCode: r.sku,
  batchNo: r.batch_no,
  locCode: String(r.loc_code).trim().toUpperCase(),
  quantity: Number(r.plan_qty),
  pickedQuantity: r.picked_qty == null ? 0 : Number(r.picked_qty),
});

const toSealLog = (r: any): SealLogRow => ({
  outboundNo: r.out_no,
  sealNo: r.seal_no,
  sealedAt: beijingToIso(String(r.seal_time).slice(0, 19))!,
  operator: r.operator,
});

const isRetryable = (err: unknown) => {
  const e = err as { driverError?: { errno?: number; code?: string }; errno?: number; code?: string };
  const errno = e?.driverError?.errno ?? e?.errno;
  // 1213 deadlock, 1205 lock wait timeout: InnoDB rolled back, a second try usually passes. 1062 a
  // duplicate key (t_seal_log.out_no): the second try finds the row that won.
  return err instanceof ConcurrentChangeError || errno === 1213 || errno === 1205 || errno === 1062 || /SQLITE_CONSTRAINT_UNIQUE/.test(String(e?.driverError?.code ?? e?.code ?? ''));
};

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

  /** Every lot (t_stock row) of one warehouse: what purchase planning counts as on hand, in one query. */
  async stockInWarehouse(warehouseCode: string): Promise<StockRow[]> {
    const rows = await this.call('t_stock.byWarehouse', () =>
      this.db.getRepository(StockEntity).find({ where: { warehouse_code: warehouseCode }, order: { sku: 'ASC', exp_date: 'ASC', batch_no: 'ASC' } }),
    );
    return rows.map(toStock);
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
  async outboundsChangedSince(cursor: ChangeCursor, limit: number): Promise<ChangePage<SyncedOutbound>> {
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
    const last = rows[rows.length - 1];
    return { items: await this.forSync(rows), next: { modifiedAt: String(last.update_time).slice(0, 19), rowId: Number(last.id) } };
  }

  /** These outbounds as the change feed gives them (a late or missing row fetched by its number); unknown numbers are left out. */
  async outboundsForSync(outboundNos: readonly string[]): Promise<SyncedOutbound[]> {
    if (!outboundNos.length) return [];
    const rows = await this.call('sync.t_out_order.byNo', () => this.db.getRepository(OutOrderEntity).find({ where: { out_no: In(unique(outboundNos)) } }));
    return rows.length ? this.forSync(rows) : [];
  }

  private async forSync(rows: OutOrderRow[]): Promise<SyncedOutbound[]> {
    const lines = await this.linesByOutboundNo(rows.map((r) => r.out_no), 'sync.t_out_line');
    return rows.map((r, i) => ({ ...toOutbound(r), modifiedAt: String(r.update_time).slice(0, 19), skuCodes: lines[i].map((l) => l.skuCode) }));
  }

  /** (outbound no., update_time) of every outbound modified within [from, to] (Beijing text): what a late commit would hide in, read without lines. */
  async outboundVersionsModifiedBetween(from: string, to: string): Promise<DocumentVersion[]> {
    const rows = await this.call('sync.t_out_order.versions', () =>
      this.db.query('SELECT out_no AS no, update_time AS modified FROM t_out_order WHERE update_time >= ? AND update_time <= ?', [from, to]),
    );
    return rows.map((r: any) => ({ key: r.no as string, modifiedAt: String(r.modified).slice(0, 19) }));
  }

  /** Per creation day in [fromDay, toDay): how many outbounds and the sum of their update times; one grouped query. */
  async outboundDigestsByDay(fromDay: string, toDay: string): Promise<DayDigest[]> {
    const rows = await this.call('sync.t_out_order.digests', () =>
      this.db.query(
        `SELECT SUBSTR(create_time, 1, 10) AS day, COUNT(*) AS n, SUM(${secondsSql(this.db.options.type, 'update_time')}) AS s FROM t_out_order WHERE create_time >= ? AND create_time < ? GROUP BY SUBSTR(create_time, 1, 10)`,
        [fromDay, toDay],
      ),
    );
    return rows.map((r: any) => ({ day: String(r.day), rows: Number(r.n), seconds: Number(r.s) }));
  }

  /** (outbound no., update_time) of every outbound created within [fromDay, toDay), for days whose digests differ. */
  async outboundVersionsByDay(fromDay: string, toDay: string): Promise<DocumentVersion[]> {
    const rows = await this.call('sync.t_out_order.dayVersions', () =>
      this.db.query('SELECT out_no AS no, update_time AS modified FROM t_out_order WHERE create_time >= ? AND create_time < ?', [fromDay, toDay]),
    );
    return rows.map((r: any) => ({ key: r.no as string, modifiedAt: String(r.modified).slice(0, 19) }));
  }

  /** Locks all of a batch in a warehouse (locked_qty = qty): nothing more is allocated from it. Idempotent. */
  async lockBatch(warehouseCode: string, skuCode: string, batchNo: string): Promise<void> {
    await this.legacy.call('t_stock.lockBatch', () =>
      this.db.query('UPDATE t_stock SET locked_qty = qty WHERE warehouse_code = ? AND sku = ? AND batch_no = ?', [warehouseCode, skuCode, batchNo]),
    );
  }


  // ---- pick by scan -----------------------------------------------------------------------------

  private get mysql(): boolean {
    return this.db.options.type === 'mysql';
  }

  /** `FOR UPDATE` on MySQL/MariaDB; SQLite has no row locks (its writers are serialized below). */
  private get forUpdate(): string {
    return this.mysql ? ' FOR UPDATE' : '';
  }

  private sqliteQueue: Promise<unknown> = Promise.resolve();
  private readonly lockTimeoutSet = new WeakSet<object>();

  /**
   * A write transaction, guarded like every legacy call but never retried by the guard (a write is
   * not idempotent). It commits only while the caller still waits: a transaction that would finish
   * after the attempt's timeout rolls back, so a caller told "timeout" never has its write land
   * later. Deadlocks and conflicting concurrent changes are retried inside the same budget.
   */
  private write<T>(operation: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.legacy.call(
      operation,
      (timeoutMs) => {
        const run = () => this.transaction(Date.now() + timeoutMs - COMMIT_MARGIN_MS, work);
        if (this.mysql) return run();
        // One SQLite connection serves the whole process: transactions must not interleave on it.
        const next = this.sqliteQueue.then(run, run);
        this.sqliteQueue = next.catch(() => undefined);
        return next;
      },
      { idempotent: false },
    );
  }

  private transaction<T>(deadline: number, work: (tx: Tx) => Promise<T>): Promise<T> {
    return retrying({ attempts: 3, retryOn: (err) => isRetryable(err) && Date.now() < deadline - 50 }, async () => {
      const runner = this.db.createQueryRunner();
      const connection = await runner.connect();
      try {
        // A row held longer than this by someone else is not worth waiting for (InnoDB's default
        // is 50 s): set once per pooled connection.
        if (this.mysql && !this.lockTimeoutSet.has(connection)) {
          await runner.query('SET SESSION innodb_lock_wait_timeout = 2');
          this.lockTimeoutSet.add(connection);
        }
        await runner.startTransaction();
        const tx: Tx = {
          rows: async (sql, params = []) => (await runner.query(sql, params, true)).records ?? [],
          run: async (sql, params = []) => (await runner.query(sql, params, true)).affected ?? 0,
        };
        const result = await work(tx);
        if (Date.now() > deadline) throw new Error('no answer within the legacy timeout: rolled back');
        await runner.commitTransaction();
        return result;
      } catch (err) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw err;
      } finally {
        await runner.release();
      }
    });
  }

  private async readPickable(q: Tx['rows'], outNo: string, lock: boolean): Promise<PickableOutbound | null> {
    const lockSql = lock ? this.forUpdate : '';
    const [header] = await q(`SELECT * FROM t_out_order WHERE out_no = ?${lockSql}`, [outNo]);
    if (!header) return null;
    const lines = await q(`SELECT id, line_no, sku, batch_no, loc_code, plan_qty, picked_qty FROM t_out_line WHERE out_no = ? ORDER BY line_no, id${lockSql}`, [outNo]);
    return {
      outbound: toOutbound(header),
      consigneeName: header.consignee_name ?? null,
      modifiedAt: beijingToIso(String(header.update_time).slice(0, 19))!,
      lines: lines.map(toPickLine),
    };
  }

  /** An outbound and its lines as they stand; null when WMS has no such outbound. */
  async pickableOutbound(outNo: string): Promise<PickableOutbound | null> {
    return this.call('pick.outbound', () => this.readPickable((sql, params) => this.db.query(sql, params), outNo, false));
  }

  /** Bins by loc_code in one warehouse; null for a code t_location does not know. */
  async binsByCode(warehouseCode: string, codes: readonly string[]): Promise<(BinInfo | null)[]> {
    if (codes.length === 0) return [];
    const keys = unique(codes.map((c) => c.trim().toUpperCase()));
    const rows = await this.call('t_location.byCode', () =>
      this.db.query(`SELECT * FROM t_location WHERE warehouse_code = ? AND loc_code IN (${keys.map(() => '?').join(', ')})`, [warehouseCode, ...keys]),
    );
    const bins = rows.map(
      (r: any): BinInfo => ({
        warehouseCode: r.warehouse_code,
        code: String(r.loc_code).trim().toUpperCase(),
        floor: Number(r.floor_no),
        aisle: Number(r.aisle_no),
        shelf: Number(r.shelf_no),
        usable: Number(r.status) === 1,
      }),
    );
    return byKey(
      codes.map((c) => c.trim().toUpperCase()),
      bins,
      (b) => b.code,
    );
  }

  /** The bin grid of a warehouse, from its t_location rows; null when it has none. */
  async warehouseLayout(warehouseCode: string): Promise<WarehouseLayout | null> {
    const [row] = await this.call('t_location.layout', () =>
      this.db.query('SELECT MAX(floor_no) AS floors, MAX(aisle_no) AS aisles, MAX(shelf_no) AS shelves FROM t_location WHERE warehouse_code = ?', [warehouseCode]),
    );
    if (!row || row.floors == null) return null;
    return { warehouseCode, floors: Number(row.floors), aislesPerFloor: Number(row.aisles), shelvesPerAisle: Number(row.shelves) };
  }

  /**
   * Replaces an outbound's lines with a new allocation and locks the stock it takes, in one
   * transaction holding the outbound and the SKUs' stock rows. `plan` sees the outbound and every
   * lot of its SKUs in its warehouse (bins from t_location) and returns the new lines, or null to
   * leave everything as it is. The outbound is left ALLOCATED (20), its update_time set to `now`.
   */
  async allocateOutbound(
    outNo: string,
    now: number,
    plan: (state: PickableOutbound, lots: AllocatableLot[]) => Promise<AllocatedLine[] | null>,
  ): Promise<{ state: PickableOutbound | null; applied: AllocatedLine[] | null }> {
    return this.write('pick.allocate', async (tx) => {
      const state = await this.readPickable(tx.rows, outNo, true);
      if (!state) return { state, applied: null };
      const skus = unique(state.lines.map((l) => l.skuCode));
      const stock = skus.length
        ? await tx.rows(
            `SELECT s.id, s.sku, s.batch_no, s.exp_date, s.loc_code, s.qty, s.locked_qty, l.floor_no, l.aisle_no, l.shelf_no, l.status AS bin_status
               FROM t_stock s LEFT JOIN t_location l ON l.warehouse_code = s.warehouse_code AND l.loc_code = s.loc_code
              WHERE s.warehouse_code = ? AND s.sku IN (${skus.map(() => '?').join(', ')})
              ORDER BY s.id${this.forUpdate}`,
            [state.outbound.warehouseCode, ...skus],
          )
        : [];
      const lots = stock.map((r: any): AllocatableLot => {
        // A bin t_location does not know is not a bin anyone can walk to.
        const known = r.floor_no != null;
        const parsed = known ? null : safeParseBin(r.loc_code);
        return {
          stockId: Number(r.id),
          skuCode: r.sku,
          batchNo: r.batch_no,
          expiresOn: r.exp_date ? String(r.exp_date).slice(0, 10) : null,
          locCode: String(r.loc_code).trim().toUpperCase(),
          floor: known ? Number(r.floor_no) : (parsed?.floor ?? 1),
          aisle: known ? Number(r.aisle_no) : (parsed?.aisle ?? 1),
          shelf: known ? Number(r.shelf_no) : (parsed?.shelf ?? 1),
          quantity: Number(r.qty),
          lockedQuantity: Number(r.locked_qty),
          binUsable: known && Number(r.bin_status) === 1,
        };
      });
      const lines = await plan(state, lots);
      if (!lines) return { state, applied: null };
      await tx.run('DELETE FROM t_out_line WHERE out_no = ?', [outNo]);
      let lineNo = 0;
      for (const line of lines) {
        await tx.run('INSERT INTO t_out_line (out_no, line_no, sku, batch_no, loc_code, plan_qty, picked_qty) VALUES (?, ?, ?, ?, ?, ?, NULL)', [
          outNo,
          ++lineNo,
          line.skuCode,
          line.batchNo,
          line.locCode,
          line.quantity,
        ]);
        // The lot was read under lock, so this holds; the condition guards against a writer that
        // does not lock (the WMS's own screens).
        const locked = await tx.run('UPDATE t_stock SET locked_qty = locked_qty + ? WHERE id = ? AND qty - locked_qty >= ?', [line.quantity, line.stockId, line.quantity]);
        if (locked !== 1) throw new ConcurrentChangeError(`t_stock ${line.stockId} changed while allocating ${outNo}`);
      }
      await tx.run('UPDATE t_out_order SET status = ?, update_time = ? WHERE out_no = ?', [OUTBOUND_STATUS_CODE.ALLOCATED, formatBeijing(now), outNo]);
      return { state, applied: lines };
    });
  }

  /**
   * One scan, in one transaction holding the outbound and its lines: `decide` sees them as they
   * stand and says what to count (or null to write nothing); quantities are added with a conditional update that can never
   * take a line past plan_qty; the scan is logged in t_pick_scan (result 1 ok, 0 wrong) either way.
   */
  async recordScan<T>(
    outNo: string,
    now: number,
    decide: (state: PickableOutbound) => Promise<{ write: ScanWrite | null; result: T }>,
  ): Promise<{ state: PickableOutbound; result: T } | null> {
    return this.write('pick.scan', async (tx) => {
      const state = await this.readPickable(tx.rows, outNo, true);
      if (!state) return null;
      const { write, result } = await decide(state);
      // A refusal (the outbound cannot be picked any more) writes nothing, not even the log.
      if (!write) return { state, result };
      const stamp = formatBeijing(now);
      for (const inc of write.increments) {
        const changed = await tx.run('UPDATE t_out_line SET picked_qty = COALESCE(picked_qty, 0) + ? WHERE id = ? AND out_no = ? AND COALESCE(picked_qty, 0) + ? <= plan_qty', [
          inc.quantity,
          inc.lineId,
          outNo,
          inc.quantity,
        ]);
        if (changed !== 1) throw new ConcurrentChangeError(`t_out_line ${inc.lineId} changed under scan of ${outNo}`);
        const line = state.lines.find((l) => l.id === inc.lineId);
        if (line) line.pickedQuantity += inc.quantity;
      }
      if (write.status === 'PICKING') {
        await tx.run('UPDATE t_out_order SET status = ?, pick_start_time = COALESCE(pick_start_time, ?), update_time = ? WHERE out_no = ?', [
          OUTBOUND_STATUS_CODE.PICKING,
          stamp,
          stamp,
          outNo,
        ]);
      } else if (write.status === 'PICKED') {
        await tx.run('UPDATE t_out_order SET status = ?, pick_start_time = COALESCE(pick_start_time, ?), pick_end_time = ?, update_time = ? WHERE out_no = ?', [
          OUTBOUND_STATUS_CODE.PICKED,
          stamp,
          stamp,
          stamp,
          outNo,
        ]);
      } else if (write.increments.length) {
        await tx.run('UPDATE t_out_order SET update_time = ? WHERE out_no = ?', [stamp, outNo]);
      }
      const { log } = write;
      await tx.run('INSERT INTO t_pick_scan (out_no, sku, batch_no, loc_code, barcode, scan_time, operator, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        outNo,
        log.skuCode,
        log.batchNo,
        log.locCode,
        log.barcode.slice(0, BARCODE_WIDTH),
        stamp,
        log.operator.slice(0, OPERATOR_WIDTH),
        log.ok ? 1 : 0,
      ]);
      return { state, result };
    });
  }

  /** The outbound's seal, if it has one. */
  async sealLog(outNo: string): Promise<SealLogRow | null> {
    const rows = await this.call('t_seal_log.byOutNo', () => this.db.query('SELECT * FROM t_seal_log WHERE out_no = ?', [outNo]));
    return rows.length ? toSealLog(rows[0]) : null;
  }

  /**
   * Seals an outbound once: in one transaction holding the outbound, returns the seal already
   * there, or asks `build` (which sees the outbound and its lines) for the seal number or a refusal,
   * then writes t_seal_log and moves the outbound to PACKED (50). The unique index on
   * t_seal_log.out_no stops a second seal even from a writer that does not lock.
   */
  async sealOutbound<T>(
    outNo: string,
    now: number,
    build: (state: PickableOutbound, sealedAt: string) => { sealNo: string; operator: string } | { refusal: T },
  ): Promise<SealResult<T> | null> {
    return this.write('pick.seal', async (tx) => {
      const state = await this.readPickable(tx.rows, outNo, true);
      if (!state) return null;
      const existing = await tx.rows('SELECT * FROM t_seal_log WHERE out_no = ?', [outNo]);
      if (existing.length) return { state, seal: toSealLog(existing[0]), created: false, refusal: null };
      const stamp = formatBeijing(now);
      const sealedAt = beijingToIso(stamp)!;
      const built = build(state, sealedAt);
      if ('refusal' in built) return { state, seal: null, created: false, refusal: built.refusal };
      const operator = built.operator.slice(0, OPERATOR_WIDTH);
      await tx.run('INSERT INTO t_seal_log (out_no, seal_no, seal_time, operator) VALUES (?, ?, ?, ?)', [outNo, built.sealNo, stamp, operator]);
      await tx.run('UPDATE t_out_order SET status = ?, update_time = ? WHERE out_no = ?', [OUTBOUND_STATUS_CODE.PACKED, stamp, outNo]);
      state.outbound.status = 'PACKED';
      return { state, seal: { outboundNo: outNo, sealNo: built.sealNo, sealedAt, operator }, created: true, refusal: null };
    });
  }

  async ping(): Promise<void> {
    await this.call('ping', () => this.db.query('SELECT 1'));
  }
}
