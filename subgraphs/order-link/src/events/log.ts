// The order event log: numbering what the triggers recorded (triggers.ts), reading it back, and
// handing it to the bus outbox-style.
//
// Numbering. The triggers insert events unnumbered, in their writers' transactions. The sequencer
// numbers every committed, unnumbered event — `seq` within its order, `position` across all — under
// one lock row (hub_event_stream), so numbers are handed out in the order events are seen to
// commit, never twice, and two order-link instances take turns. A reader asking "after position P"
// therefore never misses an event that commits late: it has no position until it is numbered after P.
//
// Publishing. Numbered events after `published_to` go to the bus in position order; the mark moves
// only once the bus has acknowledged them. While the bus is down nothing moves and nothing is lost;
// when it is back, the backlog goes first. A crash between the bus's acknowledgement and the mark
// sends some again (at least once): JetStream drops repeats by message ID within its window, and
// subscribers drop what they have already seen by position.
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../../../../common/src/logger.js';
import { BULK_MS, type LegacySystem } from '../../../../common/src/legacy.js';
import { execute, forUpdate, placeholders } from '../../../../common/src/db.js';
import { formatHubOrderId } from '../../../../common/src/docno.js';
import { backoffMs } from '../../../../common/src/resilience.js';
import type { OrderEventBus, OrderEventEnvelope } from '../../../../common/src/event-bus.js';
import { traceEvents } from '../../../../common/src/event-trace.js';
import type { HubOrder } from '../datasource.js';
import { Repeater } from '../../../../common/src/repeater.js';

export interface OrderEventRow {
  position: number;
  orderRowId: number;
  seq: number;
  type: string;
  system: string;
  at: number | null;
  detail: Record<string, unknown>;
  recordedUs: number;
  customerCode: string;
  storeCode: string;
  region: string;
}

export interface OrderUpdateView {
  event: OrderEventRow;
  order: HubOrder | null;
}

export interface EventPageView {
  events: OrderEventRow[];
  endCursor: string;
  hasMore: boolean;
  logEnd: string;
}

export interface EventFilter {
  types?: string[] | null;
  storeCodes?: string[] | null;
  regions?: string[] | null;
  customerCodes?: string[] | null;
}

const BATCH = 500;
function readEvent(r: any): OrderEventRow {
  let detail: Record<string, unknown> = {};
  try {
    detail = JSON.parse(r.detail);
  } catch {
    // recorded by a trigger: always JSON
  }
  return {
    position: Number(r.position),
    orderRowId: Number(r.order_id),
    seq: Number(r.seq),
    type: r.type,
    system: r.system,
    at: r.at == null ? null : Number(r.at),
    detail,
    recordedUs: Number(r.recorded_us),
    customerCode: r.customer_code,
    storeCode: r.store_code,
    region: r.region,
  };
}

export const envelopeOf = (e: OrderEventRow): OrderEventEnvelope => ({
  position: e.position,
  orderId: formatHubOrderId(e.orderRowId),
  seq: e.seq,
  type: e.type,
  system: e.system,
  at: e.at,
  customerCode: e.customerCode,
  storeCode: e.storeCode,
  region: e.region,
  recordedUs: e.recordedUs,
});

const SELECT = 'SELECT e.*, o.customer_code, o.store_code, o.region FROM hub_order_event e JOIN hub_order o ON o.id = e.order_id';

export class EventLog {
  /** Rounds every pollMs; after a failed one (runOnce counts it), the hub's one backoff scheme (exponential, full jitter) up to 5 s. */
  private readonly rounds = new Repeater(() => this.runOnce(), {
    delayMs: () => (this.failures ? this.pollMs + backoffMs(this.failures, { initialMs: 2 * this.pollMs, maxMs: 5000 }) : this.pollMs),
    onError: (err) => this.logger.warn({ err: (err as Error)?.message }, 'order event round failed'),
  });
  private running: Promise<void> | null = null;
  private stopped = true;
  /** Set by stop() only (a log used without start() — the tests' — numbers all it is asked to). */
  private halted = false;
  private again = false;
  /** Consecutive failed publishes: the wait before the next grows, up to five seconds. */
  private failures = 0;
  lastError: unknown = null;

  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
    private readonly bus: OrderEventBus | null,
    private readonly logger: Logger,
    private readonly pollMs: number,
  ) {}

  private query(operation: string, sql: string, params: unknown[] = []): Promise<any[]> {
    return this.hub.call(operation, () => this.db.query(sql, params));
  }

  // ---- numbering -------------------------------------------------------------------------------

  /** Numbers every committed unnumbered event; returns how many. */
  async sequence(): Promise<number> {
    let total = 0;
    for (;;) {
      const numbered = await this.hub.call('event.sequence', () => this.db.transaction((em) => this.sequenceBatch(em)), { idempotent: true, timeoutMs: BULK_MS });
      traceEvents('numbered', numbered);
      total += numbered.length;
      // Stopping (the lease lost, a shutdown) ends the pass between batches: a backlog of a bulk load
      // is numbered by whoever holds the lease next, and a shutdown does not wait for all of it.
      if (numbered.length < BATCH || this.halted) return total;
    }
  }

  /** Numbers up to BATCH events; returns the positions given. */
  private async sequenceBatch(em: EntityManager): Promise<number[]> {
    // The lock row first: a second instance waits here, then sees what this one numbered. The
    // events themselves are read without locks, so a writer's open transaction never holds this up.
    const [stream] = await em.query(`SELECT numbered_to FROM hub_event_stream WHERE id = 1${forUpdate(em)}`);
    const rows = await em.query(`SELECT id, order_id FROM hub_order_event WHERE position IS NULL ORDER BY id LIMIT ${BATCH}`);
    if (!rows.length) return [];
    const orderIds = [...new Set(rows.map((r: any) => Number(r.order_id)))];
    const last = new Map<number, number>(
      (await em.query(`SELECT order_id, MAX(seq) AS seq FROM hub_order_event WHERE order_id IN (${placeholders(orderIds.length)}) AND seq IS NOT NULL GROUP BY order_id`, orderIds)).map(
        (r: any) => [Number(r.order_id), Number(r.seq)],
      ),
    );
    let position = Number(stream.numbered_to);
    const seqCase: string[] = [];
    const posCase: string[] = [];
    const params: number[] = [];
    const posParams: number[] = [];
    const ids: number[] = [];
    const given: number[] = [];
    for (const r of rows) {
      const orderId = Number(r.order_id);
      const seq = (last.get(orderId) ?? 0) + 1;
      last.set(orderId, seq);
      position += 1;
      given.push(position);
      seqCase.push('WHEN ? THEN ?');
      params.push(Number(r.id), seq);
      posCase.push('WHEN ? THEN ?');
      posParams.push(Number(r.id), position);
      ids.push(Number(r.id));
    }
    await em.query(`UPDATE hub_order_event SET seq = CASE id ${seqCase.join(' ')} END, position = CASE id ${posCase.join(' ')} END WHERE id IN (${placeholders(ids.length)})`, [
      ...params,
      ...posParams,
      ...ids,
    ]);
    await em.query('UPDATE hub_event_stream SET numbered_to = ?, updated_at = ? WHERE id = 1', [position, Date.now()]);
    return given;
  }

  // ---- publishing ------------------------------------------------------------------------------

  /** Hands numbered events to the bus, oldest first, moving the mark as the bus acknowledges them. */
  async publish(): Promise<number> {
    if (!this.bus) return 0;
    let total = 0;
    for (;;) {
      const [stream] = await this.query('event.mark', 'SELECT published_to FROM hub_event_stream WHERE id = 1');
      const from = Number(stream.published_to);
      const events = (await this.hub.call<any[]>('event.unpublished', () => this.db.query(`${SELECT} WHERE e.position > ? ORDER BY e.position LIMIT ${BATCH}`, [from]), { timeoutMs: BULK_MS })).map(readEvent);
      if (!events.length) return total;
      await this.bus.publish(events.map(envelopeOf));
      traceEvents('published', events.map((e) => e.position));
      const to = events[events.length - 1].position;
      // Only forward: another instance may have published further meanwhile.
      await this.hub.call('event.markPublished', () => execute(this.db, 'UPDATE hub_event_stream SET published_to = ?, updated_at = ? WHERE id = 1 AND published_to < ?', [to, Date.now(), to]));
      total += events.length;
      if (events.length < BATCH || this.halted) return total;
    }
  }

  /** One pass: number, then publish. Concurrent callers share the pass in flight (and ask for one more). */
  runOnce(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          // One look when idle: anything to number, or numbered and not yet published?
          const [state] = await this.query(
            'event.state',
            'SELECT numbered_to, published_to, EXISTS (SELECT 1 FROM hub_order_event WHERE position IS NULL) AS unnumbered FROM hub_event_stream WHERE id = 1',
          );
          if (Number(state.unnumbered)) await this.sequence();
          if (this.bus && (Number(state.unnumbered) || Number(state.numbered_to) > Number(state.published_to))) await this.publish();
        } while (this.again);
        this.failures = 0;
        this.lastError = null;
      } catch (err) {
        this.failures += 1;
        if (this.failures === 1 || this.failures % 50 === 0) this.logger.warn({ err: (err as Error)?.message, failures: this.failures }, 'order events not published yet; retrying');
        this.lastError = err;
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Something was just written (a link round ended): number and publish now rather than at the next tick. */
  wake(): void {
    if (!this.stopped) void this.runOnce();
  }

  start(): void {
    this.stopped = false;
    this.halted = false;
    this.rounds.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    await this.rounds.stop();
    await this.running;
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** An order's numbered events after a position, oldest first. */
  async ofOrders(orderRowIds: readonly number[], after: number, first: number): Promise<OrderEventRow[][]> {
    if (!orderRowIds.length) return [];
    const rows = (
      await this.query('event.byOrder', `${SELECT} WHERE e.order_id IN (${placeholders(orderRowIds.length)}) AND e.position > ? ORDER BY e.order_id, e.position`, [...orderRowIds, after])
    ).map(readEvent);
    return orderRowIds.map((id) => rows.filter((r) => r.orderRowId === id).slice(0, first));
  }

  async byPositions(positions: readonly number[]): Promise<(OrderEventRow | null)[]> {
    if (!positions.length) return [];
    const rows = (await this.query('event.byPosition', `${SELECT} WHERE e.position IN (${placeholders(positions.length)})`, [...positions])).map(readEvent);
    const by = new Map(rows.map((r) => [r.position, r]));
    return positions.map((p) => by.get(p) ?? null);
  }

  /** Every order's numbered events after a position, oldest first, filtered; and the log's last position. */
  async feed(after: number, filter: EventFilter, first: number): Promise<{ events: OrderEventRow[]; head: number }> {
    const where = ['e.position > ?'];
    const params: unknown[] = [after];
    const inList = (column: string, values?: string[] | null) => {
      if (!values?.length) return;
      where.push(`${column} IN (${placeholders(values.length)})`);
      params.push(...values);
    };
    inList('e.type', filter.types);
    inList('o.store_code', filter.storeCodes);
    inList('o.region', filter.regions);
    inList('o.customer_code', filter.customerCodes);
    const [events, [stream]] = await Promise.all([
      this.query('event.feed', `${SELECT} WHERE ${where.join(' AND ')} ORDER BY e.position LIMIT ${Math.max(0, Math.floor(first))}`, params),
      this.query('event.head', 'SELECT numbered_to FROM hub_event_stream WHERE id = 1'),
    ]);
    return { events: events.map(readEvent), head: Number(stream.numbered_to) };
  }
}
