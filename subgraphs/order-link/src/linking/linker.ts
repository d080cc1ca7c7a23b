// Keeps the hub's index of legacy documents current and joins them into orders.
//
// Each round reads the change feeds of ERP, WMS and TMS (batched pages, never one call per
// document), links what it can — by reference, by normalized reference, or by matching customer,
// date and SKU set — records why the rest cannot be linked, and re-derives the lifecycle of every
// order touched. Unlinked documents are retried when something that could complete them arrives.
import type { DataSource } from 'typeorm';
import type { Logger } from '../../../../common/src/logger.js';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import { insertRows, nowMicrosSql, placeholders, upsertRows } from '../../../../common/src/db.js';
import { FEED_START, type ChangeCursor } from '../../../../common/src/change-feed.js';
import { beijingDate } from '../../../../common/src/time.js';
import { traceRound } from '../../../../common/src/event-trace.js';
import { readDocumentNumbers, type DocumentKind } from '../../../../common/src/docno.js';
import { toFen } from '../../../../common/src/money.js';
import { groupByKey, groupInto } from '../../../../common/src/loader.js';
import type { SyncedSalesOrder } from '#adapters/erp';
import type { SyncedOutbound } from '#adapters/wms';
import type { Waybill } from '#adapters/tms';
import { tmsModifiedAt, type ChangeFeed, type FeedSource, type LinkerFeeds } from './feeds.js';
import { computeLifecycle, type Stage } from '../lifecycle.js';
import {
  alsoLinkedSql,
  daysBetween,
  deleteDocuments,
  newDocument,
  readAlsoLinked,
  readDocument,
  saveDocuments,
  samePlaceOrName,
  shareGoods,
  skuList,
  readOrder,
  shiftDate,
  skuSignature,
  type DocumentRecord,
  type LinkMethod,
  type OrderRecord,
  type UnlinkedReason,
  type ContradictionReason,
} from './records.js';
import { Repeater } from '../../../../common/src/repeater.js';

export interface LinkerOptions {
  batchSize: number;
  matchWindowDays: number;
  pollMs: number;
  /** Runs at the end of every round (the rules evaluate the orders just linked); its failure does not fail the round. */
  afterRound?: () => Promise<void>;
  /** ERP customer names by code (one batched call): whom a waybill's consignee must be when its city does not already agree. */
  customerNames: (codes: string[]) => Promise<Map<string, string>>;
  /** Told when a round starts and when one has finished clean (with its start): the lease records both for other instances. */
  roundMarks?: (phase: 'started' | 'done', startedAt: number) => Promise<void>;
}

export interface RoundStats {
  erpOrders: number;
  outbounds: number;
  waybills: number;
  ordersRefreshed: number;
  millis: number;
  /** Feeds that could not be read this round (their systems were unreachable). */
  failedFeeds: number;
}

/** What one round has changed so far, so later steps know what to retry and what to refresh. */
class Round {
  readonly now = Date.now();
  readonly touchedOrders: Set<number>;
  readonly newOrderNos: Set<string>;
  readonly newCustomers: Set<string>;
  /** Known orders whose customer, goods or cancellation changed: the link decisions of their documents are made again. */
  readonly changedOrderNos: Set<string>;
  /** Outbounds whose link changed: their waybills must follow. */
  readonly relinkedOutbounds: Set<string>;
  /** Customers with an outbound linked this round: their unmatched outbounds may now fit. */
  readonly linkedCustomers: Set<string>;
  /** A failed round's wake-ups start the next one: its feeds' cursors have moved on, so nothing else would repeat them. */
  constructor(unfinished?: Round) {
    this.touchedOrders = new Set(unfinished?.touchedOrders);
    this.newOrderNos = new Set(unfinished?.newOrderNos);
    this.newCustomers = new Set(unfinished?.newCustomers);
    this.changedOrderNos = new Set(unfinished?.changedOrderNos);
    this.relinkedOutbounds = new Set(unfinished?.relinkedOutbounds);
    this.linkedCustomers = new Set(unfinished?.linkedCustomers);
  }
  /** Waybills decided from the TMS feed this round, after every outbound of the round: nothing left to wake them for. */
  readonly decidedWaybills = new Set<string>();
  stats = { erpOrders: 0, outbounds: 0, waybills: 0 };
  touch(...ids: (number | null | undefined)[]) {
    for (const id of ids) if (id != null) this.touchedOrders.add(id);
  }
}

const MATCH_BASE_CONFIDENCE = 0.9;
/** Keys per IN list: a first sync wakes documents for every order at once, far more than one statement should carry. */
const IN_LIST_MAX = 1000;
const MATCH_CONFIDENCE_PER_DAY = 0.1;
/** hub_sync_cursor's row for the one walk over outbounds read before the hub kept their WMS status. */
const STATUS_BACKFILL = 'wms-status';
/** Outbounds the walk looks at per round (by key, on the primary key): a bounded cost however large the hub. */
const STATUS_SCAN = 5000;
/**
 * hub_sync_cursor's row for how far the wake-ups are done: the last order inserted, and the database's
 * clock (the `changed_us` stamps of migration FactStamps, so one clock whichever host wrote) when the
 * last clean round ended. What is written after it is owed a look by whoever runs the next round,
 * even if the holder that wrote it was killed before waking anything.
 */
const WOKEN = 'link-woken';
interface WokenMark {
  orderId: number;
  changedUs: number;
}
const isWokenMark = (m: any): m is WokenMark => Number.isSafeInteger(m?.orderId) && Number.isSafeInteger(m?.changedUs);

const epoch = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

/** An outbound the WMS has cancelled: it is no order's live outbound. */
const isCancelled = (doc: DocumentRecord) => doc.system === 'WMS' && doc.doc_status === 'CANCELLED';

/** The numbers a reference names, read by the one reader `order(id:)` uses too, in the order written. */
const referencedNos = (raw: string | null, kinds: DocumentKind[]) => readDocumentNumbers(raw, kinds).map((n) => n.canonical);

/** What the linker knows of an order a reference names: enough to check the documents agree. */
interface NamedOrder {
  id: number;
  erp_order_no: string;
  customer_code: string;
  region: string;
  sku_codes: string | null;
}

/** A further order a document is linked to (hub_document_order). */
interface AlsoLink {
  order_id: number;
  method: LinkMethod;
  confidence: number;
}

/** Does the outbound contradict the order its reference names? Who it is for first, then its goods. */
function outboundContradicts(doc: DocumentRecord, order: NamedOrder): ContradictionReason | null {
  if (doc.customer_code && order.customer_code && doc.customer_code !== order.customer_code) return 'CUSTOMER_MISMATCH';
  if (!shareGoods(doc.sku_codes, order.sku_codes)) return 'GOODS_MISMATCH';
  return null;
}

/** Does the waybill contradict the order it leads to? It agrees when its consignee is the customer or its city the order's. */
function waybillContradicts(doc: DocumentRecord, order: NamedOrder, customerName: string | null): ContradictionReason | null {
  if (!doc.consignee?.trim() && !doc.dest_city?.trim()) return null;
  if (samePlaceOrName(doc.consignee, customerName) || samePlaceOrName(doc.dest_city, order.region)) return null;
  return 'CONSIGNEE_MISMATCH';
}

function latest(events: Waybill['events'], codes: string[]): number | undefined {
  const times = events.filter((e) => codes.includes(e.code)).map((e) => Date.parse(e.at));
  return times.length ? Math.max(...times) : undefined;
}

function earliest(events: Waybill['events'], codes: string[]): number | undefined {
  const times = events.filter((e) => codes.includes(e.code)).map((e) => Date.parse(e.at));
  return times.length ? Math.min(...times) : undefined;
}

export class Linker {
  /**
   * Rounds start every pollMs, however long each takes (while rounds are shorter than that, a change
   * waits at most pollMs for the round that reads it); a round that overran is followed after a
   * tenth of the period, never back to back.
   */
  private readonly rounds = new Repeater(() => this.runRound(), {
    delayMs: (roundMs) => Math.max(this.options.pollMs / 10, this.options.pollMs - roundMs),
    onError: (err) => {
      this.lastError = err;
      this.logger.warn({ err }, 'link round failed; retrying next round');
    },
  });
  private running: Promise<RoundStats> | null = null;
  private stopped = false;
  lastRoundAt: number | null = null;
  lastError: unknown = null;
  /** The last round that did not finish cleanly: what it woke or touched is carried into the next. */
  private unfinished: Round | null = null;
  /** The first round of a process or lease term takes on what an earlier holder owed (WOKEN). */
  private owedLook = true;
  /** What the completeness sweep found (sweep.ts, hub_sync_repair), not yet handled: keys to read again, rows deleted in their system. */
  private readonly asked: Record<FeedSource, { reread: Set<string>; deleted: Set<string> }> = {
    erp: { reread: new Set(), deleted: new Set() },
    wms: { reread: new Set(), deleted: new Set() },
    tms: { reread: new Set(), deleted: new Set() },
  };

  constructor(
    private readonly hub: DataSource,
    /** Where changes come from (feeds.ts): polled today, replaceable per system by a log reader. */
    private readonly feeds: LinkerFeeds,
    /** The hub's database as a guarded system: reads are retried, inserts are not. */
    private readonly hubSystem: LegacySystem,
    private readonly logger: Logger,
    private readonly options: LinkerOptions,
  ) {}

  private query(operation: string, sql: string, params: unknown[] = []): Promise<any[]> {
    return this.hubSystem.call(operation, () => this.hub.query(sql, params));
  }

  /** One query per IN_LIST_MAX keys; `sql` gets the placeholders of one chunk. */
  private async queryIn(operation: string, keys: readonly unknown[], sql: (inList: string) => string, params: unknown[] = []): Promise<any[]> {
    const rows: any[] = [];
    for (let i = 0; i < keys.length; i += IN_LIST_MAX) {
      const chunk = keys.slice(i, i + IN_LIST_MAX);
      rows.push(...(await this.query(operation, sql(placeholders(chunk.length)), [...params, ...chunk])));
    }
    return rows;
  }

  start(): void {
    this.stopped = false;
    this.owedLook = true;
    this.rounds.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.rounds.stop();
    await this.running?.catch(() => undefined);
  }

  /** One round; concurrent callers share the round in flight. */
  runRound(): Promise<RoundStats> {
    if (!this.running) {
      this.running = this.round().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /**
   * The sweep's findings, whichever instance swept, are handled by the next round like anything a
   * feed says: MISSING and STALE keys are fetched whole and applied (inserted or updated, their link
   * decisions made again); DELETED rows are gone from their system — an order is marked so and no
   * longer named by references, a document is dropped and its order and waybills re-decided. They
   * are marked applied once the round's feeds have run clean.
   */
  private async takeSweepFindings(): Promise<number[]> {
    const rows = await this.query('sweep.pending', 'SELECT id, system, document_no, kind FROM hub_sync_repair WHERE applied_at IS NULL ORDER BY id LIMIT 20000');
    for (const r of rows) this.asked[String(r.system).toLowerCase() as FeedSource]?.[r.kind === 'DELETED' ? 'deleted' : 'reread'].add(r.document_no);
    return rows.map((r) => Number(r.id));
  }

  /**
   * The wake-ups an earlier holder owed and may not have paid: a holder killed after inserting or
   * changing orders and before the documents waiting for them were decided again leaves them
   * waiting, the feeds' cursors past them. Everything written after the last clean round (WOKEN) is
   * taken on as if this round had written it: orders inserted since are new; orders written since
   * are changed (their documents decided again); outbounds written since, in any state, have their
   * waybills follow, their orders refreshed and their customers' waiting outbounds looked at;
   * waybills written since have their orders refreshed. Index range reads on the stamps; normally
   * only what other writers (the rules) stamped on orders after the last round.
   */
  private async takeOwedWakeUps(round: Round): Promise<void> {
    const [row] = await this.query('cursor.get', 'SELECT position FROM hub_sync_cursor WHERE source = ?', [WOKEN]);
    let mark: unknown = null;
    try {
      mark = row ? JSON.parse(row.position) : null;
    } catch {
      /* unreadable: as absent */
    }
    if (!isWokenMark(mark)) {
      // A hub from before the mark (or one whose cursors were reset): what an earlier holder owed is
      // unknown, and taking the whole hub as owed would re-link everything in one round. The mark is
      // written when this round ends clean.
      if (row) this.logger.warn({ position: row.position }, 'wake-up mark unreadable: not looked at, written anew');
      return;
    }
    for (const o of await this.query('order.owedNew', 'SELECT id, erp_order_no, customer_code FROM hub_order WHERE id > ?', [mark.orderId])) {
      round.touch(Number(o.id));
      round.newOrderNos.add(o.erp_order_no);
      round.newCustomers.add(o.customer_code);
    }
    for (const o of await this.query('order.owedChanged', 'SELECT id, erp_order_no FROM hub_order WHERE changed_us > ? AND id <= ?', [mark.changedUs, mark.orderId])) {
      round.touch(Number(o.id));
      round.changedOrderNos.add(o.erp_order_no);
    }
    for (const d of await this.query('document.owed', 'SELECT system, document_no, order_id, customer_code FROM hub_document WHERE changed_us > ?', [mark.changedUs])) {
      round.touch(d.order_id == null ? null : Number(d.order_id));
      if (d.system !== 'WMS') continue;
      round.relinkedOutbounds.add(d.document_no);
      if (d.customer_code) round.linkedCustomers.add(d.customer_code);
    }
  }

  /** A clean round has woken everything it and the rounds it carried wrote: the mark moves past them. */
  private async markWoken(round: Round): Promise<void> {
    const [last] = await this.query('order.last', `SELECT MAX(id) AS id, ${nowMicrosSql(this.hub)} AS now_us FROM hub_order`);
    const mark: WokenMark = { orderId: Number(last?.id ?? 0), changedUs: Number(last.now_us) };
    await upsertRows(this.hub, 'hub_sync_cursor', [{ source: WOKEN, position: JSON.stringify(mark), updated_at: round.now }], ['source']);
  }

  /** What the hub holds: its orders, and the outbounds and waybills linked to them (start-up's summary). */
  async holdings(): Promise<{ orders: number; outbounds: number; waybills: number }> {
    const [r] = await this.query(
      'hub.holdings',
      "SELECT (SELECT COUNT(*) FROM hub_order) AS orders, (SELECT COUNT(*) FROM hub_document WHERE system = 'WMS' AND state = 'LINKED') AS outbounds, (SELECT COUNT(*) FROM hub_document WHERE system = 'TMS' AND state = 'LINKED') AS waybills",
    );
    return { orders: Number(r.orders), outbounds: Number(r.outbounds), waybills: Number(r.waybills) };
  }

  /** A round that starts after now: what was just written to a legacy system is in it. */
  async runFreshRound(): Promise<RoundStats> {
    await this.running?.catch(() => undefined);
    return this.runRound();
  }

  private async round(): Promise<RoundStats> {
    const round = new Round(this.unfinished ?? undefined);
    // Until its feeds and refresh have run clean, the round's wake-ups are owed to the next one.
    this.unfinished = round;
    traceRound('started', round.now);
    // One system down must not stop the others from linking: each feed keeps its own cursor and
    // picks up where it stopped once its system is back.
    await this.options.roundMarks?.('started', round.now);
    const failures: unknown[] = [];
    // Until the look has been taken the mark must not move; the round's own work goes on.
    let owedTaken = !this.owedLook;
    if (this.owedLook) {
      try {
        await this.takeOwedWakeUps(round);
        this.owedLook = false;
        owedTaken = true;
      } catch (err) {
        this.logger.warn({ err: (err as Error)?.message }, 'wake-ups owed by an earlier holder not read this round; looked for again next round');
      }
    }
    const findings = await this.takeSweepFindings();
    for (const [feed, sync] of [
      ['erp', () => this.syncErp(round)],
      ['wms', () => this.syncWms(round)],
      ['tms', () => this.syncTms(round)],
    ] as const) {
      try {
        await sync();
      } catch (err) {
        failures.push(err);
        this.logger.warn({ feed, err: (err as Error)?.message }, 'change feed not read this round');
      }
    }
    if (!failures.length && round.stats.outbounds + round.stats.waybills > 0) {
      try {
        await this.readUpstreamAgain(round);
      } catch (err) {
        // The next round's feeds bring the same changes; only their order may then be the one read.
        this.logger.warn({ err: (err as Error)?.message }, 'upstream documents not read again this round');
      }
    }
    const refreshed = await this.refreshOrders([...round.touchedOrders], round.now);
    if (!failures.length) {
      this.unfinished = null;
      try {
        if (owedTaken) await this.markWoken(round);
      } catch (err) {
        // The mark stays behind: a later term looks at this round's writes again, which is idempotent.
        this.logger.warn({ err: (err as Error)?.message }, 'wake-up mark not moved this round');
      }
    }
    // An UPDATE answers with a result header, not rows: not through queryIn, which gathers rows.
    if (!failures.length && findings.length)
      for (let i = 0; i < findings.length; i += IN_LIST_MAX) {
        const chunk = findings.slice(i, i + IN_LIST_MAX);
        await this.query('sweep.applied', `UPDATE hub_sync_repair SET applied_at = ? WHERE id IN (${placeholders(chunk.length)})`, [round.now, ...chunk]);
      }
    traceRound('written');
    if (this.options.afterRound) {
      try {
        await this.options.afterRound();
      } catch (err) {
        failures.push(err);
        this.logger.warn({ err: (err as Error)?.message }, 'after-round step failed; retried next round');
      }
    }
    this.lastError = failures[0] ?? null;
    if (!failures.length) {
      this.lastRoundAt = Date.now();
      await this.options.roundMarks?.('done', round.now);
    }
    return { ...round.stats, ordersRefreshed: refreshed, millis: Date.now() - round.now, failedFeeds: failures.length };
  }

  // ---- cursors -------------------------------------------------------------------------------

  private async loadCursor(source: string): Promise<ChangeCursor> {
    const rows = await this.query('cursor.get', 'SELECT position FROM hub_sync_cursor WHERE source = ?', [source]);
    return rows.length ? (JSON.parse(rows[0].position) as ChangeCursor) : FEED_START;
  }

  private async saveCursor(source: string, cursor: ChangeCursor, now: number): Promise<void> {
    await upsertRows(this.hub, 'hub_sync_cursor', [{ source, position: JSON.stringify(cursor), updated_at: now }], ['source']);
  }

  /**
   * Reads a change feed to its end, page by page, then applies what it says was committed late
   * behind the saved position. Applying is idempotent, so whatever is read twice changes nothing.
   */
  private async drain<T>(feed: ChangeFeed<T>, round: Round, apply: (items: T[]) => Promise<void>): Promise<void> {
    const asked = this.asked[feed.source];
    if (asked.deleted.size) {
      const gone = [...asked.deleted];
      await this.forgetDeleted(feed.source, gone, round);
      for (const k of gone) asked.deleted.delete(k);
    }
    const saved = await this.loadCursor(feed.source);
    let cursor = feed.startAt(saved);
    let last = saved;
    // Until a page comes back empty: a legacy API may return fewer rows than asked for (TMS caps
    // its pages), so a short page does not prove the feed is drained.
    for (;;) {
      const page = await feed.read(cursor, this.options.batchSize);
      if (page.items.length === 0) break;
      await apply(page.items);
      cursor = last = page.next;
    }
    const late = feed.late ? await feed.late(saved) : [];
    for (let i = 0; i < late.length; i += this.options.batchSize) await apply(late.slice(i, i + this.options.batchSize));
    const reread = [...asked.reread];
    for (let i = 0; i < reread.length; i += this.options.batchSize) {
      const keys = reread.slice(i, i + this.options.batchSize);
      const items = await feed.documents(keys);
      if (items.length) await apply(items);
      for (const k of keys) asked.reread.delete(k);
    }
    if (last !== saved) await this.saveCursor(feed.source, last, round.now);
  }

  /** Rows deleted in their legacy system (the sweep found them gone). */
  private async forgetDeleted(source: FeedSource, keys: string[], round: Round): Promise<void> {
    if (source === 'erp') {
      const rows = await this.queryIn('order.byErpNo', keys, (list) => `SELECT id, erp_order_no FROM hub_order WHERE src_deleted_at IS NULL AND erp_order_no IN (${list})`);
      if (!rows.length) return;
      await this.hubSystem.call('order.deleted', () =>
        this.hub.query(`UPDATE hub_order SET src_deleted_at = ?, updated_at = ? WHERE id IN (${placeholders(rows.length)})`, [round.now, round.now, ...rows.map((r) => Number(r.id))]),
      );
      for (const r of rows) {
        round.touch(Number(r.id));
        round.changedOrderNos.add(r.erp_order_no);
      }
      return;
    }
    const system = source === 'wms' ? 'WMS' : 'TMS';
    const docs = await this.documents(system, keys);
    if (!docs.size) return;
    await this.hubSystem.call('document.deleted', () => deleteDocuments(this.hub, system, [...docs.keys()]));
    // A combined shipment's further orders lose it too.
    const also = await this.alsoLinks(system, [...docs.keys()]);
    if (also.size) {
      await this.hubSystem.call('document.alsoLinks.delete', () =>
        this.hub.query(`DELETE FROM hub_document_order WHERE system = ? AND document_no IN (${placeholders(also.size)})`, [system, ...also.keys()]),
      );
      for (const ids of also.values()) round.touch(...ids);
    }
    for (const d of docs.values()) {
      round.touch(d.order_id);
      if (system === 'WMS') round.relinkedOutbounds.add(d.document_no);
    }
  }

  // ---- ERP: the orders themselves -------------------------------------------------------------

  /**
   * The feeds are read one after another, so a later feed may show a document whose upstream change
   * committed just after the earlier feed was read: an outbound being picked whose order's payment the
   * ERP committed a moment after the hub read it, a waybill in transit whose outbound the WMS marked
   * shipped meanwhile. The upstream documents of the orders this round touched are read again by key,
   * after the downstream ones, so the hub records the stages in the order the systems passed them.
   */
  private async readUpstreamAgain(round: Round): Promise<void> {
    const ids = [...round.touchedOrders];
    if (!ids.length) return;
    // Read again, not read from the feeds: the round's counts stay what the feeds gave.
    const { erpOrders, outbounds: outboundsRead } = round.stats;
    try {
      await this.readUpstreamOf(ids, round);
    } finally {
      Object.assign(round.stats, { erpOrders, outbounds: outboundsRead });
    }
  }

  private async readUpstreamOf(ids: number[], round: Round): Promise<void> {
    if (round.stats.waybills > 0) {
      // Orders already known before this round whose shipping out the hub has not recorded (a first
      // sync's orders are all new: their documents were read in this round already).
      const outbounds = (
        await this.queryIn(
          'document.ofTouchedOrders',
          ids,
          (list) =>
            `SELECT d.document_no, o.erp_order_no FROM hub_document d JOIN hub_order o ON o.id = d.order_id WHERE d.system = 'WMS' AND d.state = 'LINKED' AND o.shipped_out_at IS NULL AND o.cancelled = 0 AND d.order_id IN (${list})`,
        )
      )
        .filter((r: any) => !round.newOrderNos.has(String(r.erp_order_no)))
        .map((r: any) => String(r.document_no));
      for (let i = 0; i < outbounds.length; i += this.options.batchSize) {
        const items = await this.feeds.wms.documents(outbounds.slice(i, i + this.options.batchSize));
        if (items.length) await this.applyOutbounds(items, round);
      }
    }
    const unpaid = (
      await this.queryIn('order.unpaidTouched', ids, (list) => `SELECT erp_order_no FROM hub_order WHERE paid_at IS NULL AND cancelled = 0 AND id IN (${list})`)
    ).map((r: any) => String(r.erp_order_no));
    for (let i = 0; i < unpaid.length; i += this.options.batchSize) {
      const items = await this.feeds.erp.documents(unpaid.slice(i, i + this.options.batchSize));
      if (items.length) await this.applyErpOrders(items, round);
    }
  }

  private async syncErp(round: Round): Promise<void> {
    await this.drain(this.feeds.erp, round, (items) => this.applyErpOrders(items, round));
  }

  private async applyErpOrders(items: SyncedSalesOrder[], round: Round): Promise<void> {
    round.stats.erpOrders += items.length;
    const nos = items.map((i) => i.erpOrderNo);
    const existing = new Map(
      (await this.query('order.byErpNo', `SELECT * FROM hub_order WHERE erp_order_no IN (${placeholders(nos.length)})`, nos))
        .map(readOrder)
        .map((o) => [o.erp_order_no, o]),
    );
    const inserts: Record<string, unknown>[] = [];
    const updates: OrderRecord[] = [];
    for (const item of items) {
      const orderedAt = Date.parse(item.orderedAt);
      const facts = {
        customer_code: item.customerCode,
        store_code: item.storeCode,
        region: item.region,
        ordered_at: orderedAt,
        order_date: beijingDate(orderedAt),
        sku_signature: skuSignature(item.goodsSkuCodes),
        sku_codes: skuList(item.goodsSkuCodes),
        cancelled: item.erpStatus === 'CANCELLED' ? 1 : 0,
        paid_at: epoch(item.paidAt),
        completed_at: epoch(item.closedAt),
        promised_at: epoch(item.promisedAt),
        erp_status: item.erpStatus,
        total_fen: toFen(item.totalAmount),
      };
      const known = existing.get(item.erpOrderNo);
      // Inserted by a round whose insert timed out yet committed: its lifecycle is still to derive.
      if (known && round.newOrderNos.has(item.erpOrderNo)) round.touch(known.id);
      if (!known) {
        inserts.push({ erp_order_no: item.erpOrderNo, ...facts, src_modified: item.modifiedAt, status: 'CREATED', missing_nodes: '', created_at: round.now, updated_at: round.now });
      } else if (Object.entries(facts).some(([k, v]) => (known as any)[k] !== v)) {
        updates.push({ ...known, ...facts, src_modified: item.modifiedAt, src_deleted_at: null, updated_at: round.now });
        round.touch(known.id);
        // Corrected after linking: who the goods are for, what they are, or the order cancelled.
        if (known.customer_code !== facts.customer_code || known.sku_signature !== facts.sku_signature || known.cancelled !== facts.cancelled) round.changedOrderNos.add(known.erp_order_no);
      } else if (known.src_modified !== item.modifiedAt || known.src_deleted_at != null) {
        // Read in this version, nothing the hub keeps changed: only the version is recorded (and an
        // order the sweep had found deleted is back).
        updates.push({ ...known, src_modified: item.modifiedAt, src_deleted_at: null });
        if (known.src_deleted_at != null) (round.touch(known.id), round.changedOrderNos.add(known.erp_order_no));
      }
    }
    if (inserts.length) {
      try {
        await this.hubSystem.call('order.insert', () => insertRows(this.hub, 'hub_order', inserts), { idempotent: false });
      } catch (err) {
        // An insert that timed out may still have committed: the next round then finds these
        // orders known, so the documents waiting for them must be woken from here (the round's
        // wake-ups are carried into the next one).
        for (const r of inserts) (round.newOrderNos.add(r.erp_order_no as string), round.newCustomers.add(r.customer_code as string));
        throw err;
      }
      const newNos = inserts.map((r) => r.erp_order_no as string);
      const created = await this.query(
        'order.byErpNo',
        `SELECT id, erp_order_no, customer_code FROM hub_order WHERE erp_order_no IN (${placeholders(newNos.length)})`,
        newNos,
      );
      for (const row of created) {
        round.touch(Number(row.id));
        round.newOrderNos.add(row.erp_order_no);
        round.newCustomers.add(row.customer_code);
      }
    }
    if (updates.length) await this.hubSystem.call('order.update', () => upsertRows(this.hub, 'hub_order', updates, ['id']));
  }

  // ---- WMS: outbounds -------------------------------------------------------------------------

  private async syncWms(round: Round): Promise<void> {
    await this.drain(this.feeds.wms, round, (items) => this.applyOutbounds(items, round));
    await this.backfillOutboundStatus(round);
    // Outbounds waiting for an order that has just arrived, or whose customer's orders changed
    // hands: re-deciding an unlinked document is idempotent, so one more look is always safe.
    const customers = [...new Set([...round.newCustomers, ...round.linkedCustomers])];
    const waiting = new Map<string, DocumentRecord>();
    for (const row of [
      ...(await this.queryIn('document.waiting', [...round.newOrderNos], (list) => `SELECT * FROM hub_document WHERE system = 'WMS' AND state = 'UNLINKED' AND reference_doc IN (${list})`)),
      ...(await this.queryIn('document.waiting', customers, (list) => `SELECT * FROM hub_document WHERE system = 'WMS' AND state = 'UNLINKED' AND reference_doc IS NULL AND customer_code IN (${list})`)),
      ...(await this.matchedWithinReach(round)),
      ...(await this.documentsOfOrders('WMS', [...round.changedOrderNos])),
    ])
      waiting.set(row.document_no, readDocument(row));
    if (waiting.size) await this.decideOutbounds([...waiting.values()], round);
  }

  /**
   * A match is a guess made on the orders known then: an order of the same customer arriving later
   * (a late commit, a feed behind the WMS) may fit as well, and then it is no longer one. Only matched
   * outbounds the round's new orders could fit are decided again — same customer and goods, created
   * on the order's day or within LINK_MATCH_WINDOW_DAYS after it — not every match of the customer's
   * history (index ix_hub_document_customer_day: customer, state, day).
   */
  private async matchedWithinReach(round: Round): Promise<any[]> {
    const fresh = await this.queryIn('order.newOfRound', [...round.newOrderNos], (list) => `SELECT customer_code, order_date, sku_signature FROM hub_order WHERE erp_order_no IN (${list})`);
    if (!fresh.length) return [];
    const window = this.options.matchWindowDays;
    const days = fresh.map((o) => String(o.order_date)).sort();
    const ofCustomer = new Map<string, { order_date: string; sku_signature: string }[]>();
    for (const o of fresh) groupInto(ofCustomer, o.customer_code as string, o);
    const rows = await this.queryIn(
      'document.matchedOfCustomers',
      [...ofCustomer.keys()],
      (list) => `SELECT * FROM hub_document WHERE doc_date >= ? AND doc_date <= ? AND state = 'LINKED' AND system = 'WMS' AND method = 'MATCHED' AND customer_code IN (${list})`,
      [days[0], shiftDate(days[days.length - 1], window)],
    );
    return rows.filter((d) =>
      ofCustomer.get(d.customer_code)!.some((o) => {
        const apart = daysBetween(String(o.order_date), String(d.doc_date));
        return o.sku_signature === d.sku_signature && apart >= 0 && apart <= window;
      }),
    );
  }

  /**
   * Outbounds read before the hub kept their WMS status (migration 1767450000000-OutboundStatus) have
   * none until something makes the hub read them again — and one the WMS cancelled back then is still
   * its order's live outbound. Each round walks the next STATUS_SCAN outbounds by key and reads again,
   * by key and in batches, those without a status, applied like anything the feed says (a cancelled
   * one is decided again). The walk's position is kept in hub_sync_cursor; once it reaches the end it
   * is marked done and costs one lookup a round.
   */
  private async backfillOutboundStatus(round: Round): Promise<void> {
    const [row] = await this.query('cursor.get', 'SELECT position FROM hub_sync_cursor WHERE source = ?', [STATUS_BACKFILL]);
    const at: { after: string; done?: boolean } = row ? JSON.parse(row.position) : { after: '' };
    if (at.done) return;
    const scanned = await this.query(
      'document.statusWalk',
      "SELECT document_no, doc_status FROM hub_document WHERE system = 'WMS' AND document_no > ? ORDER BY document_no LIMIT ?",
      [at.after, STATUS_SCAN],
    );
    const without = scanned.filter((r) => r.doc_status == null).map((r) => String(r.document_no));
    for (let i = 0; i < without.length; i += this.options.batchSize) {
      const items = await this.feeds.wms.documents(without.slice(i, i + this.options.batchSize));
      if (items.length) await this.applyOutbounds(items, round);
    }
    const next = { after: scanned.length ? String(scanned[scanned.length - 1].document_no) : at.after, done: scanned.length < STATUS_SCAN };
    await upsertRows(this.hub, 'hub_sync_cursor', [{ source: STATUS_BACKFILL, position: JSON.stringify(next), updated_at: round.now }], ['source']);
    if (without.length) this.logger.info({ outbounds: without.length, done: next.done }, 'outbounds read before their WMS status was kept read again');
  }

  private async applyOutbounds(items: SyncedOutbound[], round: Round): Promise<void> {
    round.stats.outbounds += items.length;
    const existing = await this.documents('WMS', items.map((i) => i.outboundNo));
    const toDecide: DocumentRecord[] = [];
    const changed: DocumentRecord[] = [];
    for (const item of items) {
      const milestones: Partial<Record<Stage, number>> = {};
      if (item.pickStartedAt) milestones.PICKING = Date.parse(item.pickStartedAt);
      if (item.shippedAt) milestones.SHIPPED_OUT = Date.parse(item.shippedAt);
      const known = existing.get(item.outboundNo);
      const doc = this.documentFacts('WMS', item.outboundNo, known, round.now, {
        reference_raw: item.reference,
        reference_doc: referencedNos(item.reference, ['ERP'])[0] ?? null,
        customer_code: item.customerCode,
        doc_date: item.createdAt.slice(0, 10),
        sku_signature: skuSignature(item.skuCodes),
        sku_codes: skuList(item.skuCodes),
        consignee: null,
        dest_city: null,
        milestones: JSON.stringify(milestones),
        src_modified: item.modifiedAt,
        doc_status: item.status,
      });
      this.classify(doc, known, toDecide, changed, round);
    }
    if (changed.length) await this.saveDocuments(changed);
    if (toDecide.length) await this.decideOutbounds(toDecide, round);
  }

  private async decideOutbounds(docs: DocumentRecord[], round: Round): Promise<void> {
    const before = new Map(docs.map((d) => [d.document_no, d.order_id]));
    const stateBefore = new Map(docs.map((d) => [d.document_no, d.state]));
    const taken = new Set<number>();
    // Cancelled in the WMS: no longer any order's live outbound. It keeps the order it was linked to
    // for that order's history (the trigger records DOCUMENT_UNLINKED, reason OUTBOUND_CANCELLED), the
    // order is free for a replacement outbound, and its waybills are decided again.
    for (const doc of docs.filter(isCancelled)) {
      // order_id stays: the order it was linked to (an unlinked document has none).
      Object.assign(doc, { state: 'CANCELLED', method: null, confidence: null, reason: 'OUTBOUND_CANCELLED', candidates: null });
      // Outbounds of the customer left waiting (NO_MATCH, AMBIGUOUS_MATCH) may now fit the freed order.
      if (stateBefore.get(doc.document_no) === 'LINKED' && doc.customer_code) round.linkedCustomers.add(doc.customer_code);
    }
    const live = docs.filter((d) => !isCancelled(d));
    const withRef = live.filter((d) => d.reference_raw?.trim());
    const withoutRef = live.filter((d) => !d.reference_raw?.trim());

    const also = new Map<string, AlsoLink[]>();
    const orders = await this.ordersByErpNo(withRef.flatMap((d) => referencedNos(d.reference_raw, ['ERP'])));
    for (const doc of withRef) {
      // Every order the reference names (a combined shipment names several); only those the
      // outbound agrees with are linked.
      const nos = referencedNos(doc.reference_raw, ['ERP']);
      const named = nos.map((no) => orders.get(no)).filter((o): o is NamedOrder => !!o);
      if (!named.length) {
        this.unlink(doc, 'REFERENCE_NOT_FOUND');
        continue;
      }
      const agreeing = named.filter((o) => !outboundContradicts(doc, o));
      if (!agreeing.length) {
        this.unlink(doc, outboundContradicts(doc, named[0])!, named.map((o) => o.erp_order_no));
        continue;
      }
      const method: LinkMethod = nos.length === 1 && doc.reference_raw === doc.reference_doc ? 'REFERENCE' : 'NORMALIZED_REFERENCE';
      this.link(doc, agreeing[0].id, method, 1, round.now);
      also.set(doc.document_no, agreeing.slice(1).map((o) => ({ order_id: o.id, method, confidence: 1 })));
      for (const o of agreeing) taken.add(o.id);
    }

    // A reference beats an earlier guess: a matched outbound on an order now claimed by
    // reference goes back to matching.
    const claimed = [...taken];
    const batchNos = new Set(docs.map((d) => d.document_no));
    if (claimed.length) {
      const demoted = (
        await this.query(
          'document.matchedOnOrders',
          `SELECT * FROM hub_document WHERE system = 'WMS' AND state = 'LINKED' AND method = 'MATCHED' AND order_id IN (${placeholders(claimed.length)})`,
          claimed,
        )
      )
        .map(readDocument)
        .filter((d) => !batchNos.has(d.document_no));
      for (const d of demoted) {
        before.set(d.document_no, d.order_id);
        docs.push(d);
        withoutRef.push(d);
      }
    }

    if (withoutRef.length) {
      const window = this.options.matchWindowDays;
      const dates = withoutRef.map((d) => d.doc_date!).sort();
      const customers = [...new Set(withoutRef.map((d) => d.customer_code!))];
      const candidates = await this.queryIn(
        'order.matchCandidates',
        customers,
        (list) =>
          `SELECT id, erp_order_no, customer_code, order_date, sku_signature FROM hub_order ` +
          `WHERE order_date >= ? AND order_date <= ? AND cancelled = 0 AND src_deleted_at IS NULL AND customer_code IN (${list})`,
        [shiftDate(dates[0], -window), dates[dates.length - 1]],
      );
      // An order already holding a linked outbound is not free, whether linked in this round or an
      // earlier one (hub_order.wms_outbound_no is only refreshed at the end of a round). Asked by
      // order ID, not as a subquery per candidate: for that, MariaDB walked every WMS document.
      const holding = new Map(
        (
          await this.queryIn(
            'document.outboundOfOrders',
            candidates.map((r) => Number(r.id)),
            (list) => `SELECT order_id, MIN(document_no) AS document_no FROM hub_document WHERE order_id IN (${list}) AND system = 'WMS' AND state = 'LINKED' GROUP BY order_id`,
          )
        ).map((r) => [Number(r.order_id), r.document_no as string]),
      );
      // By customer: a first sync matches thousands of outbounds against every order of their customers.
      const pool = new Map<string, { id: number; erp_order_no: string; order_date: string; sku_signature: string; linked_outbound: string | null }[]>();
      for (const r of candidates) groupInto(pool, r.customer_code, { ...r, id: Number(r.id), linked_outbound: holding.get(Number(r.id)) ?? null });
      for (const doc of withoutRef) {
        const fits = (pool.get(doc.customer_code!) ?? []).filter((o) => {
          if (o.sku_signature !== doc.sku_signature || taken.has(o.id) || (o.linked_outbound && o.linked_outbound !== doc.document_no)) return false;
          const days = daysBetween(o.order_date, doc.doc_date!);
          return days >= 0 && days <= window;
        });
        if (fits.length === 1) {
          const days = daysBetween(fits[0].order_date, doc.doc_date!);
          this.link(doc, fits[0].id, 'MATCHED', Math.max(0.5, MATCH_BASE_CONFIDENCE - MATCH_CONFIDENCE_PER_DAY * days), round.now);
          taken.add(fits[0].id);
        } else {
          this.unlink(doc, fits.length > 1 ? 'AMBIGUOUS_MATCH' : 'NO_MATCH', fits.map((o) => o.erp_order_no));
        }
      }
    }

    const alsoBefore = await this.alsoLinks('WMS', docs.map((d) => d.document_no));
    for (const doc of docs) {
      const previous = before.get(doc.document_no) ?? null;
      if (doc.state === 'LINKED' && doc.customer_code) round.linkedCustomers.add(doc.customer_code);
      round.touch(previous, doc.order_id, ...(alsoBefore.get(doc.document_no) ?? []), ...(also.get(doc.document_no) ?? []).map((l) => l.order_id));
      if (previous !== doc.order_id || (stateBefore.get(doc.document_no) === 'LINKED') !== (doc.state === 'LINKED')) round.relinkedOutbounds.add(doc.document_no);
    }
    await this.saveDocuments(docs);
    await this.saveAlsoLinks('WMS', docs, also, alsoBefore, round.now);
  }

  // ---- TMS: waybills --------------------------------------------------------------------------

  private async syncTms(round: Round): Promise<void> {
    await this.drain(this.feeds.tms, round, (items) => this.applyWaybills(items, round));
    // Numbers first (the index holds them): in a first sync nearly every waybill was decided above already.
    const refs = [...round.relinkedOutbounds, ...round.newOrderNos, ...round.changedOrderNos];
    const nos = (await this.queryIn('document.waitingNos', refs, (list) => `SELECT document_no FROM hub_document WHERE system = 'TMS' AND reference_doc IN (${list})`))
      .map((r) => r.document_no as string)
      .filter((no) => !round.decidedWaybills.has(no));
    const waiting = await this.documents('TMS', [...new Set(nos)]);
    if (waiting.size) await this.decideWaybills([...waiting.values()], round);
  }

  private async applyWaybills(items: Waybill[], round: Round): Promise<void> {
    round.stats.waybills += items.length;
    const existing = await this.documents('TMS', items.map((i) => i.waybillNo));
    const toDecide: DocumentRecord[] = [];
    const changed: DocumentRecord[] = [];
    for (const item of items) {
      const milestones: Partial<Record<Stage, number>> = {};
      const inTransit = earliest(item.events, ['COLLECTED', 'IN_TRANSIT']);
      const outForDelivery = earliest(item.events, ['OUT_FOR_DELIVERY']);
      const signed = earliest(item.events, ['SIGNED']);
      if (inTransit) milestones.IN_TRANSIT = inTransit;
      if (outForDelivery) milestones.OUT_FOR_DELIVERY = outForDelivery;
      if (signed) milestones.SIGNED = signed;
      // The carrier's current exception, by its latest report: a new one is an order event (events/triggers.ts).
      const exceptionAt = item.exception ? latest(item.events, ['EXCEPTION']) : undefined;
      if (exceptionAt) Object.assign(milestones, { EXCEPTION: exceptionAt, EXCEPTION_TYPE: item.exception!.type });
      const known = existing.get(item.waybillNo);
      const doc = this.documentFacts('TMS', item.waybillNo, known, round.now, {
        reference_raw: item.customerReference,
        reference_doc: referencedNos(item.customerReference, ['WMS'])[0] ?? referencedNos(item.customerReference, ['ERP'])[0] ?? null,
        customer_code: null,
        doc_date: item.createdAt.slice(0, 10),
        sku_signature: null,
        sku_codes: null,
        consignee: item.consignee,
        dest_city: item.destinationCity,
        milestones: JSON.stringify(milestones),
        src_modified: tmsModifiedAt(item),
        doc_status: null,
      });
      this.classify(doc, known, toDecide, changed, round);
    }
    if (changed.length) await this.saveDocuments(changed);
    if (toDecide.length) await this.decideWaybills(toDecide, round);
    for (const doc of toDecide) round.decidedWaybills.add(doc.document_no);
  }

  private async decideWaybills(docs: DocumentRecord[], round: Round): Promise<void> {
    const before = new Map(docs.map((d) => [d.document_no, d.order_id]));
    const refs = new Map(docs.map((d) => [d.document_no, referencedNos(d.reference_raw, ['WMS', 'ERP'])]));
    const all = [...new Set([...refs.values()].flat())];
    const outbounds = await this.documents('WMS', all.filter((n) => n.startsWith('CK')));
    const linkedOutbounds = [...outbounds.values()].filter((o) => o.state === 'LINKED' && o.order_id != null);
    // A combined outbound leads to every order it is linked to, and so does its waybill.
    const outboundAlso = await this.alsoLinks('WMS', linkedOutbounds.map((o) => o.document_no));
    const byNo = await this.ordersByErpNo(all.filter((n) => n.startsWith('SO')));
    const byId = await this.ordersById(linkedOutbounds.flatMap((o) => [o.order_id!, ...(outboundAlso.get(o.document_no) ?? [])]));
    const leadsTo = (no: string): { order: NamedOrder; confidence: number }[] | 'NOT_FOUND' | 'UNLINKED' => {
      if (no.startsWith('SO')) return byNo.has(no) ? [{ order: byNo.get(no)!, confidence: 1 }] : 'NOT_FOUND';
      const outbound = outbounds.get(no);
      if (!outbound) return 'NOT_FOUND';
      if (outbound.state !== 'LINKED' || outbound.order_id == null) return 'UNLINKED';
      // Only as sure of the order as we are of the outbound it names.
      return [outbound.order_id, ...(outboundAlso.get(no) ?? [])].map((id) => ({ order: byId.get(id)!, confidence: outbound.confidence ?? 1 })).filter((t) => t.order);
    };
    // Who each order is for, asked of the ERP (one call) only for waybills whose city does not already agree.
    const needNames = new Set<string>();
    for (const doc of docs)
      for (const no of refs.get(doc.document_no)!) {
        const led = leadsTo(no);
        if (typeof led === 'object') for (const t of led) if (doc.consignee?.trim() && !samePlaceOrName(doc.dest_city, t.order.region)) needNames.add(t.order.customer_code);
      }
    const names = await this.customerNames([...needNames]);
    const also = new Map<string, AlsoLink[]>();
    for (const doc of docs) {
      const nos = refs.get(doc.document_no)!;
      const method: LinkMethod = nos.length === 1 && doc.reference_raw === nos[0] ? 'REFERENCE' : 'NORMALIZED_REFERENCE';
      const targets: { order: NamedOrder; confidence: number }[] = [];
      const contradicted: NamedOrder[] = [];
      let contradiction: ContradictionReason | null = null;
      let unlinkedOutbound = false;
      for (const no of nos) {
        const led = leadsTo(no);
        if (led === 'UNLINKED') unlinkedOutbound = true;
        if (typeof led === 'string') continue;
        for (const t of led) {
          const c = waybillContradicts(doc, t.order, names.get(t.order.customer_code) ?? null);
          if (c) (contradiction = c), contradicted.push(t.order);
          else if (!targets.some((x) => x.order.id === t.order.id)) targets.push(t);
        }
      }
      if (targets.length) {
        this.link(doc, targets[0].order.id, method, targets[0].confidence, round.now);
        also.set(doc.document_no, targets.slice(1).map((t) => ({ order_id: t.order.id, method, confidence: t.confidence })));
      } else if (!doc.reference_raw?.trim()) this.unlink(doc, 'NO_MATCH');
      else if (contradiction) this.unlink(doc, contradiction, [...new Set(contradicted.map((o) => o.erp_order_no))]);
      else this.unlink(doc, unlinkedOutbound ? 'OUTBOUND_UNLINKED' : 'REFERENCE_NOT_FOUND');
    }
    const alsoBefore = await this.alsoLinks('TMS', docs.map((d) => d.document_no));
    for (const doc of docs) round.touch(before.get(doc.document_no), doc.order_id, ...(alsoBefore.get(doc.document_no) ?? []), ...(also.get(doc.document_no) ?? []).map((l) => l.order_id));
    await this.saveDocuments(docs);
    await this.saveAlsoLinks('TMS', docs, also, alsoBefore, round.now);
  }

  // ---- shared document handling ---------------------------------------------------------------

  private documentFacts(
    system: 'WMS' | 'TMS',
    documentNo: string,
    known: DocumentRecord | undefined,
    now: number,
    facts: Pick<
      DocumentRecord,
      'reference_raw' | 'reference_doc' | 'customer_code' | 'doc_date' | 'sku_signature' | 'sku_codes' | 'consignee' | 'dest_city' | 'milestones' | 'src_modified' | 'doc_status'
    >,
  ): DocumentRecord {
    const base: DocumentRecord = known ?? newDocument(system, documentNo, now);
    return { ...base, ...facts, updated_at: now };
  }

  /**
   * New, unlinked or re-referenced documents are (re)decided, and so is an outbound cancelled in the
   * WMS (or, rarely, revived); linked ones only carry new milestones.
   */
  private classify(doc: DocumentRecord, known: DocumentRecord | undefined, toDecide: DocumentRecord[], changed: DocumentRecord[], round: Round) {
    const keyChanged =
      known &&
      (known.reference_raw !== doc.reference_raw ||
        known.sku_signature !== doc.sku_signature ||
        known.customer_code !== doc.customer_code ||
        (known.consignee ?? null) !== (doc.consignee ?? null) ||
        (known.dest_city ?? null) !== (doc.dest_city ?? null) ||
        isCancelled(known) !== isCancelled(doc));
    if (!known || known.state !== 'LINKED' || keyChanged) toDecide.push(doc);
    else if (known.milestones !== doc.milestones) {
      changed.push(doc);
      round.touch(doc.order_id);
    } else if (known.src_modified !== doc.src_modified || (known.doc_status ?? null) !== (doc.doc_status ?? null)) changed.push(doc); // only the version read is new
  }

  private link(doc: DocumentRecord, orderId: number, method: LinkMethod, confidence: number, now: number) {
    if (doc.state !== 'LINKED' || doc.order_id !== orderId) doc.linked_at = now;
    Object.assign(doc, { state: 'LINKED', order_id: orderId, method, confidence: Math.round(confidence * 1000) / 1000, reason: null, candidates: null });
  }

  private unlink(doc: DocumentRecord, reason: UnlinkedReason, candidates: string[] = []) {
    Object.assign(doc, { state: 'UNLINKED', order_id: null, method: null, confidence: null, reason, linked_at: null, candidates: candidates.length ? candidates.join(',').slice(0, 255) : null });
  }

  private async documents(system: 'WMS' | 'TMS', nos: string[]): Promise<Map<string, DocumentRecord>> {
    const rows = await this.queryIn('document.byNo', nos, (list) => `SELECT * FROM hub_document WHERE system = ? AND document_no IN (${list})`, [system]);
    return new Map(rows.map(readDocument).map((d) => [d.document_no, d]));
  }

  /** Documents linked to these orders or naming them: their decisions are made again when an order changes. */
  private async documentsOfOrders(system: 'WMS' | 'TMS', erpOrderNos: string[]): Promise<any[]> {
    if (!erpOrderNos.length) return [];
    const ids = (await this.queryIn('order.byErpNo', erpOrderNos, (list) => `SELECT id FROM hub_order WHERE erp_order_no IN (${list})`)).map((r) => Number(r.id));
    return [
      ...(await this.queryIn('document.ofOrders', ids, (list) => `SELECT * FROM hub_document WHERE system = ? AND order_id IN (${list})`, [system])),
      ...(await this.queryIn('document.naming', erpOrderNos, (list) => `SELECT * FROM hub_document WHERE system = ? AND reference_doc IN (${list})`, [system])),
    ];
  }

  /** Orders by ERP number, with what the agreement checks need; an order deleted in ERP is no longer there to be named. */
  private async ordersByErpNo(nos: string[]): Promise<Map<string, NamedOrder>> {
    const rows = await this.queryIn('order.byErpNo', [...new Set(nos)], (list) => `SELECT id, erp_order_no, customer_code, region, sku_codes FROM hub_order WHERE src_deleted_at IS NULL AND erp_order_no IN (${list})`);
    return new Map(rows.map((r) => [r.erp_order_no as string, { ...r, id: Number(r.id) }]));
  }

  private async ordersById(ids: number[]): Promise<Map<number, NamedOrder>> {
    const rows = await this.queryIn('order.byId', [...new Set(ids)], (list) => `SELECT id, erp_order_no, customer_code, region, sku_codes FROM hub_order WHERE src_deleted_at IS NULL AND id IN (${list})`);
    return new Map(rows.map((r) => [Number(r.id), { ...r, id: Number(r.id) }]));
  }

  /** Customer names from the ERP, one call for all of them. */
  private async customerNames(codes: string[]): Promise<Map<string, string>> {
    return codes.length ? this.options.customerNames(codes) : new Map();
  }

  /** The further orders of these documents (hub_document_order), by document no. */
  private async alsoLinks(system: 'WMS' | 'TMS', nos: string[]): Promise<Map<string, number[]>> {
    const rows = await this.queryIn('document.alsoLinks', nos, (list) => `SELECT document_no, order_id FROM hub_document_order WHERE system = ? AND document_no IN (${list})`, [system]);
    const out = new Map<string, number[]>();
    for (const r of rows) groupInto(out, r.document_no as string, Number(r.order_id));
    return out;
  }

  /** Replaces the further orders of these decided documents: only what has changed is written. */
  private async saveAlsoLinks(system: 'WMS' | 'TMS', docs: DocumentRecord[], also: Map<string, AlsoLink[]>, before: Map<string, number[]>, now: number): Promise<void> {
    const changed = docs.filter((d) => {
      const was = [...(before.get(d.document_no) ?? [])].sort().join(',');
      const is = (d.state === 'LINKED' ? (also.get(d.document_no) ?? []) : []).map((l) => l.order_id).sort().join(',');
      return was !== is;
    });
    if (!changed.length) return;
    const nos = changed.map((d) => d.document_no);
    await this.hubSystem.call('document.alsoLinks.delete', () => this.hub.query(`DELETE FROM hub_document_order WHERE system = ? AND document_no IN (${placeholders(nos.length)})`, [system, ...nos]));
    const rows = changed
      .filter((d) => d.state === 'LINKED')
      .flatMap((d) => (also.get(d.document_no) ?? []).map((l) => ({ system, document_no: d.document_no, order_id: l.order_id, method: l.method, confidence: l.confidence, linked_at: now })));
    if (rows.length) await this.hubSystem.call('document.alsoLinks.insert', () => insertRows(this.hub, 'hub_document_order', rows), { idempotent: false });
  }

  private async saveDocuments(docs: DocumentRecord[]): Promise<void> {
    await this.hubSystem.call('document.upsert', () => saveDocuments(this.hub, docs));
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Re-derives documents, node times and status for the given orders; writes only what changed. */
  async refreshOrders(ids: number[], now = Date.now()): Promise<number> {
    let written = 0;
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const orders = (await this.query('order.byId', `SELECT * FROM hub_order WHERE id IN (${placeholders(chunk.length)})`, chunk)).map(readOrder);
      const docs = (
        await this.query(
          'document.byOrder',
          `SELECT * FROM hub_document WHERE state = 'LINKED' AND order_id IN (${placeholders(chunk.length)}) ORDER BY first_seen_at, document_no`,
          chunk,
        )
      ).map(readDocument);
      docs.push(...(await this.query('document.alsoByOrder', alsoLinkedSql(placeholders(chunk.length)), chunk)).map(readAlsoLinked));
      const updates: OrderRecord[] = [];
      const docsOf = groupByKey(orders.map((o) => o.id), docs, (d) => d.order_id);
      orders.forEach((order, k) => {
        const mine = docsOf[k];
        const outbound = primaryDocument(mine.filter((d) => d.system === 'WMS'));
        const waybill = primaryDocument(mine.filter((d) => d.system === 'TMS'));
        const wmsTimes = outbound ? (JSON.parse(outbound.milestones) as Partial<Record<Stage, number>>) : {};
        const tmsTimes = waybill ? (JSON.parse(waybill.milestones) as Partial<Record<Stage, number>>) : {};
        const lifecycle = computeLifecycle({
          cancelled: order.cancelled === 1,
          times: { PAID: order.paid_at, COMPLETED: order.completed_at, ...wmsTimes, ...tmsTimes },
          documents: { ERP: order.erp_order_no, WMS: outbound?.document_no ?? null, TMS: waybill?.document_no ?? null },
        });
        const next: OrderRecord = {
          ...order,
          status: lifecycle.status,
          wms_outbound_no: outbound?.document_no ?? null,
          tms_waybill_no: waybill?.document_no ?? null,
          picking_at: wmsTimes.PICKING ?? null,
          shipped_out_at: wmsTimes.SHIPPED_OUT ?? null,
          in_transit_at: tmsTimes.IN_TRANSIT ?? null,
          out_for_delivery_at: tmsTimes.OUT_FOR_DELIVERY ?? null,
          signed_at: tmsTimes.SIGNED ?? null,
          missing_nodes: lifecycle.missing.join(','),
        };
        const fields: (keyof OrderRecord)[] = ['status', 'wms_outbound_no', 'tms_waybill_no', 'picking_at', 'shipped_out_at', 'in_transit_at', 'out_for_delivery_at', 'signed_at', 'missing_nodes'];
        if (fields.some((f) => next[f] !== order[f])) updates.push({ ...next, updated_at: now });
      });
      if (updates.length) {
        await this.hubSystem.call('order.update', () => upsertRows(this.hub, 'hub_order', updates, ['id']));
        written += updates.length;
      }
    }
    return written;
  }
}

/** The document that speaks for an order when several are linked: references before guesses, then the first seen. */
function primaryDocument(docs: DocumentRecord[]): DocumentRecord | undefined {
  const rank = (d: DocumentRecord) => (d.method === 'REFERENCE' ? 0 : d.method === 'NORMALIZED_REFERENCE' ? 1 : 2);
  return [...docs].sort((a, b) => rank(a) - rank(b) || a.first_seen_at - b.first_seen_at)[0];
}
