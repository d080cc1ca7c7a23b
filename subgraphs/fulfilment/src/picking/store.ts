// The hub's own picking records (hub_pick_allocation, hub_pick_scan, hub_seal): what WMS has no
// column for. Our database, so plain SQL, each call guarded and counted like a legacy one.
import type { DataSource } from 'typeorm';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import type { AllocatedLine } from '#adapters/wms';
import type { ScanOutcome } from './verify.js';
import { placeholders } from '../../../../common/src/db.js';
import { byKey, unique } from '../../../../common/src/loader.js';

export interface AllocationRecord {
  outNo: string;
  state: 'PENDING' | 'APPLIED';
  /** The update_time (epoch ms) the allocation writes on the outbound. */
  stamp: number;
  plan: AllocatedLine[];
  createdAt: number;
}

export interface SealRecord {
  outNo: string;
  orderId: number;
  sealNo: string;
  hash: string;
  content: string;
  packer: string;
  sealedAt: number;
  waybillNo: string | null;
  waybillAt: number | null;
}

export interface ScanJournalEntry {
  outNo: string;
  orderId: number;
  picker: string;
  outcome: ScanOutcome;
  skuCode: string | null;
  batchNo: string | null;
  quantity: number;
  /** This scan finished the outbound's picking. */
  completed: boolean;
  scannedAt: number;
}

export interface PickerCounts {
  picker: string;
  outcome: ScanOutcome;
  scans: number;
  completed: number;
}

const toSeal = (r: any): SealRecord => ({
  outNo: r.out_no,
  orderId: Number(r.order_id),
  sealNo: r.seal_no,
  hash: r.hash,
  content: r.content,
  packer: r.packer,
  sealedAt: Number(r.sealed_at),
  waybillNo: r.waybill_no ?? null,
  waybillAt: r.waybill_at == null ? null : Number(r.waybill_at),
});

export class PickingStore {
  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
  ) {}

  private get mysql(): boolean {
    return this.db.options.type === 'mysql';
  }

  private query(operation: string, sql: string, params: unknown[] = [], idempotent = true): Promise<any> {
    return this.hub.call(operation, () => this.db.query(sql, params), { idempotent });
  }

  async allocation(outNo: string): Promise<AllocationRecord | null> {
    const [r] = await this.query('pick_allocation.get', 'SELECT * FROM hub_pick_allocation WHERE out_no = ?', [outNo]);
    return r ? { outNo: r.out_no, state: r.state, stamp: Number(r.stamp), plan: JSON.parse(r.plan), createdAt: Number(r.created_at) } : null;
  }

  async saveAllocation(rec: Omit<AllocationRecord, 'createdAt'>, now: number): Promise<void> {
    const upsert = this.mysql
      ? 'INSERT INTO hub_pick_allocation (out_no, state, stamp, plan, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE state = VALUES(state), stamp = VALUES(stamp), plan = VALUES(plan), updated_at = VALUES(updated_at)'
      : 'INSERT INTO hub_pick_allocation (out_no, state, stamp, plan, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (out_no) DO UPDATE SET state = excluded.state, stamp = excluded.stamp, plan = excluded.plan, updated_at = excluded.updated_at';
    await this.query('pick_allocation.save', upsert, [rec.outNo, rec.state, rec.stamp, JSON.stringify(rec.plan), now, now]);
  }

  async markApplied(outNo: string, now: number): Promise<void> {
    await this.query('pick_allocation.applied', "UPDATE hub_pick_allocation SET state = 'APPLIED', updated_at = ? WHERE out_no = ?", [now, outNo]);
  }

  async journal(entry: ScanJournalEntry): Promise<void> {
    await this.query(
      'pick_scan.insert',
      'INSERT INTO hub_pick_scan (out_no, order_id, picker, outcome, sku, batch_no, quantity, completed, scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [entry.outNo, entry.orderId, entry.picker.slice(0, 40), entry.outcome, entry.skuCode, entry.batchNo, entry.quantity, entry.completed ? 1 : 0, entry.scannedAt],
      false,
    );
  }

  async seal(outNo: string): Promise<SealRecord | null> {
    const [r] = await this.query('seal.get', 'SELECT * FROM hub_seal WHERE out_no = ?', [outNo]);
    return r ? toSeal(r) : null;
  }

  /** Seals of many outbounds at once (the blockers of a page of orders); null where none is. */
  async sealsByOutNo(outNos: readonly string[]): Promise<(SealRecord | null)[]> {
    const keys = unique(outNos);
    if (!keys.length) return [];
    const rows = await this.query('seal.byOutNo', `SELECT * FROM hub_seal WHERE out_no IN (${placeholders(keys.length)})`, keys);
    return byKey(outNos, rows.map(toSeal), (s) => s.outNo);
  }

  /** Stores a seal unless one is there already (the first writer's stays); returns the stored one. */
  async insertSeal(rec: SealRecord, now: number): Promise<SealRecord> {
    const ignore = this.mysql ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    await this.query(
      'seal.insert',
      `${ignore} INTO hub_seal (out_no, order_id, seal_no, hash, content, packer, sealed_at, waybill_no, waybill_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
      [rec.outNo, rec.orderId, rec.sealNo, rec.hash, rec.content, rec.packer.slice(0, 40), rec.sealedAt, now, now],
    );
    return (await this.seal(rec.outNo))!;
  }

  /**
   * Runs `create` for a seal that has no waybill yet, holding its row (MySQL) so that no other
   * process hands the same package to TMS at the same time, and records the waybill it returns.
   * The row is locked across `create`'s TMS calls; they are bounded by the legacy timeouts.
   */
  async attachWaybill(outNo: string, now: number, create: (seal: SealRecord) => Promise<string>): Promise<SealRecord> {
    const attach = async (q: (sql: string, params: unknown[]) => Promise<any[]>, lock: string) => {
      const [r] = await q(`SELECT * FROM hub_seal WHERE out_no = ?${lock}`, [outNo]);
      if (!r) throw new Error(`hub_seal ${outNo} missing`);
      const seal = toSeal(r);
      if (seal.waybillNo) return seal;
      const waybillNo = await create(seal);
      await q('UPDATE hub_seal SET waybill_no = ?, waybill_at = ?, updated_at = ? WHERE out_no = ?', [waybillNo, now, now, outNo]);
      return { ...seal, waybillNo, waybillAt: now };
    };
    if (this.mysql) return this.db.transaction((em) => attach((sql, params) => em.query(sql, params), ' FOR UPDATE'));
    // Embedded SQLite is one process on one connection, where the caller's per-outbound mutex
    // already serializes; a transaction held across HTTP calls would block the linker's writes.
    return attach((sql, params) => this.db.query(sql, params), '');
  }

  /** Scans in [from, to) per picker and outcome, with how many finished an outbound. */
  async scanCounts(from: number, to: number): Promise<PickerCounts[]> {
    const rows = await this.query(
      'pick_scan.stats',
      'SELECT picker, outcome, COUNT(*) AS n, SUM(completed) AS done FROM hub_pick_scan WHERE scanned_at >= ? AND scanned_at < ? GROUP BY picker, outcome',
      [from, to],
    );
    return rows.map((r: any) => ({ picker: r.picker, outcome: r.outcome, scans: Number(r.n), completed: Number(r.done ?? 0) }));
  }

  async sealCount(from: number, to: number): Promise<number> {
    const [r] = await this.query('seal.count', 'SELECT COUNT(*) AS n FROM hub_seal WHERE sealed_at >= ? AND sealed_at < ?', [from, to]);
    return Number(r?.n ?? 0);
  }
}
