// An order's blockers as a fact the hub keeps (hub_order_blocker), so that one appearing or going
// away is an order event like any other (BLOCKER_RAISED / BLOCKER_CLEARED, by the table's triggers
// in events/triggers.ts, in the transaction that records it).
//
// What can change an order's blockers is written to the hub by many hands — the linker, the rules,
// a person deciding a hold, the pick flow (the fulfilment subgraph, maybe another process), the call
// intake, the warehouse confirming attachments. Rather than each remembering to say so, triggers on
// those tables mark the order due (hub_blocker_due) in the writer's own transaction. The lease
// holder then recomputes the due orders' blockers with the very function the graph answers with
// (blockers.ts computeBlockers, through rules/resolvers.ts blockerInputsOf, batched per 500 orders)
// and records the difference: after every link round, and for what the clock alone changes (a
// promise coming near, then passing) when each order's next such moment comes (hub_blocker_check).
//
// Recording the same blockers again writes nothing, so a pass repeated after a crash, a timeout or
// a change of lease holder announces nothing twice; the due marks go only after their orders are
// recorded, so nothing is lost either. An order the hub knew before blockers were recorded gets its
// first record quietly: what blocked it then is not news.
import type { DataSource, EntityManager } from 'typeorm';
import type { Dialect } from '../../../common/src/db.js';
import { forUpdate, placeholders, upsertRows } from '../../../common/src/db.js';
import { BULK_MS, type LegacySystem } from '../../../common/src/legacy.js';
import type { Logger } from '../../../common/src/logger.js';
import { computeBlockers, nextChangeByTime, type Blocker } from './blockers.js';
import type { HubOrder, HubStore } from './datasource.js';
import type { OrderLinkLoaders } from './loaders.js';
import { blockerInputsOf } from './rules/resolvers.js';

/** Orders recomputed at once: one batched read per loader (their batch size). */
const CHUNK = 500;
/**
 * Due marks looked at per step to choose the orders it records, oldest first. An order is marked many
 * times over (its insert, its documents, its rules), after a bulk load far apart: every mark of the
 * orders recorded is taken with them (by the order_id index), so each is recomputed once, not once
 * per window its marks fall in.
 */
export const DUE_SCAN = 20_000;
/**
 * Orders one pass records at most: a bulk load's backlog is spread over the rounds that follow
 * rather than holding one up (bench/results/blockers.md: ~1 s per 500 orders on the busy machine).
 */
export const MAX_ORDERS_PER_PASS = 2000;

export interface BlockerPass {
  /** Orders whose blockers were recomputed. */
  orders: number;
  raised: number;
  cleared: number;
  /** Due marks taken (several may name the same order). */
  marks: number;
  /** Orders looked at again because their time had come (a promise near or passed). */
  timed: number;
}

const keyOf = (code: string, key: string) => `${code}\u0000${key}`;

export class BlockerRecorder {
  private baselineTo: number | null = null;

  constructor(
    /** The hub as the singleton work writes it (fenced by the lease). */
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
    private readonly store: HubStore,
    /** Fresh loaders for each chunk: the same the graph's requests use, so the inputs are read alike. */
    private readonly loaders: () => OrderLinkLoaders,
    private readonly logger: Logger,
  ) {}

  private query(operation: string, sql: string, params: unknown[] = []): Promise<any[]> {
    return this.hub.call(operation, () => this.db.query(sql, params));
  }

  /**
   * Records the blockers of the orders due now (up to `maxOrders`); returns what changed. Passes of
   * one instance run one after another (after a link round, after a write outside one); two
   * instances' passes during a handover are kept apart by the rows they lock.
   */
  runOnce(now?: number, maxOrders = MAX_ORDERS_PER_PASS): Promise<BlockerPass> {
    const run = this.queue.then(() => this.pass(now ?? Date.now(), maxOrders));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private queue: Promise<unknown> = Promise.resolve();

  private async pass(now: number, maxOrders: number): Promise<BlockerPass> {
    const pass: BlockerPass = { orders: 0, raised: 0, cleared: 0, marks: 0, timed: 0 };
    let timedTaken = false;
    while (pass.orders < maxOrders) {
      const scanned = await this.query('blockers.due', `SELECT id, order_id, order_nos FROM hub_blocker_due ORDER BY id LIMIT ${DUE_SCAN}`);
      const timed = timedTaken ? [] : await this.query('blockers.timed', `SELECT order_id FROM hub_blocker_check WHERE recheck_at <= ? ORDER BY recheck_at LIMIT ${CHUNK}`, [now]);
      timedTaken = true;
      if (!scanned.length && !timed.length) break;
      const ids = new Set<number>(timed.map((r) => Number(r.order_id)));
      // The oldest marks, as many as name the orders this pass may still take (and every other mark of those).
      const room = maxOrders - pass.orders;
      const named = new Set<string>();
      const due = scanned.filter((r) => {
        const fits = (r.order_id == null || ids.has(Number(r.order_id)) || ids.size + named.size < room) && (!r.order_nos || ids.size + named.size < room);
        if (fits) {
          if (r.order_id != null) ids.add(Number(r.order_id));
          for (const no of r.order_nos ? String(r.order_nos).split(',').filter(Boolean) : []) named.add(no);
        }
        return fits;
      });
      // A document that names orders it is not linked to (a contradicting reference, an outbound
      // fitting several) marks them by their ERP numbers.
      const nos = [...named];
      for (let i = 0; i < nos.length; i += CHUNK) {
        const chunk = nos.slice(i, i + CHUNK);
        for (const r of await this.query('blockers.orderIds', `SELECT id FROM hub_order WHERE erp_order_no IN (${placeholders(chunk.length)})`, chunk)) ids.add(Number(r.id));
      }
      const list = [...ids].sort((a, b) => a - b);
      const taken = new Set(due.map((r) => Number(r.id)));
      for (let i = 0; i < list.length; i += CHUNK) {
        const chunk = list.slice(i, i + CHUNK);
        // Read before the order is: a mark seen here was committed with its change, which the
        // recording then reads. (A mark committed later stays for the next pass.)
        for (const r of await this.query('blockers.marksOf', `SELECT id FROM hub_blocker_due WHERE order_id IN (${placeholders(chunk.length)})`, chunk)) taken.add(Number(r.id));
        const done = await this.record(chunk, now);
        pass.raised += done.raised;
        pass.cleared += done.cleared;
      }
      pass.orders += list.length;
      pass.marks += taken.size;
      pass.timed += timed.length;
      // Only now: a pass that fails before here leaves the marks for the next, which records the same.
      const marks = [...taken];
      for (let i = 0; i < marks.length; i += CHUNK) {
        const chunk = marks.slice(i, i + CHUNK);
        await this.hub.call('blockers.taken', () => this.db.query(`DELETE FROM hub_blocker_due WHERE id IN (${placeholders(chunk.length)})`, chunk), { idempotent: true });
      }
      if (scanned.length < DUE_SCAN && due.length === scanned.length) break;
    }
    if (pass.raised || pass.cleared) this.logger.debug(pass, 'blockers recorded');
    return pass;
  }

  /** The highest order id the hub held when blockers began to be recorded (its migration). */
  private async baseline(): Promise<number> {
    if (this.baselineTo == null) {
      const [row] = await this.query('blockers.baseline', 'SELECT blockers_baseline_to FROM hub_event_stream WHERE id = 1');
      this.baselineTo = Number(row?.blockers_baseline_to ?? 0);
    }
    return this.baselineTo;
  }

  /** Recomputes these orders' blockers and records what differs from what is recorded. */
  private async record(ids: number[], now: number): Promise<{ raised: number; cleared: number }> {
    const orders = (await this.store.ordersByRowId(ids)).filter((o): o is HubOrder => o != null);
    if (!orders.length) return { raised: 0, cleared: 0 };
    const ctx = { loaders: this.loaders() };
    // Strict: a system that cannot answer fails the chunk (retried next pass) rather than reading as blockers gone.
    const inputs = await Promise.all(orders.map((o) => blockerInputsOf(o, ctx, now, true)));
    const wanted = new Map<number, { blockers: Map<string, Blocker>; recheckAt: number | null }>();
    orders.forEach((o, i) => {
      const blockers = new Map<string, Blocker>();
      for (const b of computeBlockers(inputs[i])) blockers.set(keyOf(b.code, b.key), b);
      wanted.set(o.rowId, { blockers, recheckAt: nextChangeByTime(inputs[i]) });
    });
    const baselineTo = await this.baseline();
    const orderIds = [...wanted.keys()];
    return this.hub.call('blockers.record', () => this.db.transaction((em) => this.write(em, orderIds, wanted, baselineTo, now)), { idempotent: true, timeoutMs: BULK_MS });
  }

  private async write(
    em: EntityManager,
    orderIds: number[],
    wanted: Map<number, { blockers: Map<string, Blocker>; recheckAt: number | null }>,
    baselineTo: number,
    now: number,
  ): Promise<{ raised: number; cleared: number }> {
    const list = placeholders(orderIds.length);
    // Locked: two holders during a handover record one after the other, the second finding nothing to do.
    const recorded = await em.query(`SELECT order_id, code, blocker_key, cleared_at FROM hub_order_blocker WHERE order_id IN (${list})${forUpdate(em)}`, orderIds);
    const checks = new Map<number, number | null>(
      (await em.query(`SELECT order_id, recheck_at FROM hub_blocker_check WHERE order_id IN (${list})${forUpdate(em)}`, orderIds)).map((r: any) => [
        Number(r.order_id),
        r.recheck_at == null ? null : Number(r.recheck_at),
      ]),
    );
    const rowsOf = new Map<number, Map<string, { cleared: boolean }>>();
    for (const r of recorded) {
      const id = Number(r.order_id);
      if (!rowsOf.has(id)) rowsOf.set(id, new Map());
      rowsOf.get(id)!.set(keyOf(r.code, r.blocker_key), { cleared: r.cleared_at != null });
    }
    const opened: Record<string, unknown>[] = [];
    const closed: unknown[][] = [];
    const checked: Record<string, unknown>[] = [];
    for (const id of orderIds) {
      const want = wanted.get(id)!;
      const have = rowsOf.get(id) ?? new Map<string, { cleared: boolean }>();
      // Never recorded and known before recording began: its blockers now are its starting point.
      const quiet = !checks.has(id) && id <= baselineTo ? 1 : 0;
      for (const [k, b] of want.blockers) {
        const row = have.get(k);
        if (row && !row.cleared) continue;
        opened.push({
          order_id: id,
          code: b.code,
          blocker_key: b.key,
          severity: b.severity,
          customer_visible: b.customerVisible ? 1 : 0,
          document_no: subjectOf(b),
          since: b.since,
          raised_at: now,
          cleared_at: null,
          quiet,
        });
      }
      for (const [k, row] of have) if (!row.cleared && !want.blockers.has(k)) closed.push([id, ...k.split('\u0000')]);
      if (!checks.has(id) || checks.get(id) !== want.recheckAt) checked.push({ order_id: id, recheck_at: want.recheckAt });
    }
    await upsertRows(em, 'hub_order_blocker', opened, ['order_id', 'code', 'blocker_key']);
    for (let i = 0; i < closed.length; i += CHUNK) {
      const chunk = closed.slice(i, i + CHUNK);
      await em.query(`UPDATE hub_order_blocker SET cleared_at = ? WHERE cleared_at IS NULL AND (order_id, code, blocker_key) IN (${chunk.map(() => '(?, ?, ?)').join(', ')})`, [now, ...chunk.flat()]);
    }
    await upsertRows(em, 'hub_blocker_check', checked, ['order_id']);
    return { raised: opened.filter((r) => !r.quiet).length, cleared: closed.length };
  }
}

/** The order's own document a blocker is about, when it has one (the event names it). */
function subjectOf(b: Blocker): string | null {
  switch (b.code) {
    case 'AWAITING_SEAL':
    case 'AWAITING_WAYBILL':
    case 'AWAITING_COLLECTION':
    case 'CANCELLED_OUTBOUND_LIVE':
    case 'UNLINKED_DOCUMENT':
      return b.key;
    case 'CONTRADICTING_REFERENCE':
      return b.key.slice(b.key.indexOf(':') + 1);
    default:
      return null;
  }
}

// ---- what marks an order due --------------------------------------------------------------------

interface DueRule {
  table: string;
  op: 'insert' | 'update' | 'delete';
  /** SQL condition on OLD/NEW: the write changed something an order's blockers are computed from. */
  when: string;
  /** Marks: the order's row id and/or a comma list of ERP order numbers (SQL expressions), each when `also` holds too. */
  marks: { orderId: string; orderNos?: string; also?: string }[];
}

function dueRules(d: Dialect): DueRule[] {
  const differs = (col: string) => (d === 'mysql' ? `NOT (OLD.${col} <=> NEW.${col})` : `OLD.${col} IS NOT NEW.${col}`);
  const any = (...cols: string[]) => cols.map(differs).join(' OR ');
  const doc = (row: 'OLD' | 'NEW') => ({ orderId: `${row}.order_id`, orderNos: `${row}.candidates` });
  const order = (row: 'OLD' | 'NEW') => ({ orderId: `${row}.order_id` });
  return [
    { table: 'hub_order', op: 'insert', when: '1 = 1', marks: [{ orderId: 'NEW.id' }] },
    // Its stages, documents, promise, cancellation, and any new ERP version (a remark asking for a document).
    {
      table: 'hub_order',
      op: 'update',
      when: any('status', 'cancelled', 'missing_nodes', 'promised_at', 'wms_outbound_no', 'tms_waybill_no', 'paid_at', 'src_modified', 'src_deleted_at'),
      marks: [{ orderId: 'NEW.id' }],
    },
    // A document linked or unlinked, its milestones (a carrier exception) or WMS status (picked,
    // cancelled), and the orders an unlinked one names (candidates: contradicting, ambiguous).
    { table: 'hub_document', op: 'insert', when: '1 = 1', marks: [doc('NEW')] },
    {
      table: 'hub_document',
      op: 'update',
      when: any('state', 'order_id', 'reason', 'candidates', 'milestones', 'doc_status'),
      marks: [{ ...doc('OLD'), also: any('order_id', 'candidates') }, doc('NEW')],
    },
    { table: 'hub_document', op: 'delete', when: '1 = 1', marks: [doc('OLD')] },
    // Only a decision that fires has effects a blocker comes from.
    { table: 'hub_decision', op: 'insert', when: 'NEW.fired = 1', marks: [order('NEW')] },
    { table: 'hub_decision', op: 'update', when: any('fired', 'effects', 'first_fired_at'), marks: [order('NEW')] },
    { table: 'hub_decision', op: 'delete', when: 'OLD.fired = 1', marks: [order('OLD')] },
    { table: 'hub_hold', op: 'insert', when: '1 = 1', marks: [order('NEW')] },
    { table: 'hub_hold', op: 'update', when: any('state'), marks: [order('NEW')] },
    // The pick flow: the last scan of an outbound, its seal, its waybill.
    { table: 'hub_pick_scan', op: 'insert', when: 'NEW.completed = 1', marks: [order('NEW')] },
    { table: 'hub_seal', op: 'insert', when: '1 = 1', marks: [order('NEW')] },
    { table: 'hub_seal', op: 'update', when: any('sealed_at', 'waybill_no'), marks: [order('NEW')] },
    { table: 'hub_attachment', op: 'insert', when: '1 = 1', marks: [order('NEW')] },
    { table: 'hub_attachment', op: 'delete', when: '1 = 1', marks: [order('OLD')] },
    { table: 'hub_call_action', op: 'insert', when: '1 = 1', marks: [order('NEW')] },
  ];
}

export const DUE_TRIGGER_PREFIX = 'tr_blockers_due_';

/** CREATE TRIGGER statements marking an order's blockers due when the hub learns something about it. */
export function blockerDueTriggers(d: Dialect): { name: string; sql: string }[] {
  const nowMs = d === 'mysql' ? 'CAST(UNIX_TIMESTAMP(SYSDATE(3)) * 1000 AS SIGNED)' : "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
  const byTable = new Map<string, DueRule[]>();
  for (const r of dueRules(d)) byTable.set(`${r.table}:${r.op}`, [...(byTable.get(`${r.table}:${r.op}`) ?? []), r]);
  return [...byTable].map(([k, rules]) => {
    const [table, op] = k.split(':');
    const name = `${DUE_TRIGGER_PREFIX}${table}_${op}`;
    const body = rules
      .flatMap((r) =>
        r.marks.map((m) => {
          const nos = m.orderNos ?? 'NULL';
          const when = `(${r.when})${m.also ? ` AND (${m.also})` : ''} AND (${m.orderId} IS NOT NULL OR ${nos} IS NOT NULL)`;
          const columns = 'INSERT INTO hub_blocker_due (order_id, order_nos, marked_at)';
          if (d === 'mysql') return `IF ${when} THEN ${columns} VALUES (${m.orderId}, ${nos}, ${nowMs}); END IF`;
          return `${columns} SELECT ${m.orderId}, ${nos}, ${nowMs} WHERE ${when}`;
        }),
      )
      .join('; ');
    return { name, sql: `CREATE TRIGGER ${name} AFTER ${op.toUpperCase()} ON ${table} FOR EACH ROW BEGIN ${body}; END` };
  });
}
