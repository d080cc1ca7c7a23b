// Brings service calls from the CRM's change feed to the hub: a page of calls at a time (one CRM
// call), each read for intents, the orders found in batches (the number said, else the caller's
// open orders: one hub query each way, one WMS call for the outbounds' status), and everything —
// the reading, the orders, what each intent did (holds, a CRM ticket through the outbox, a raised
// pick priority), the audit and the feed's position — written in one transaction. Every row has
// a key of call, order and intent, so a page read twice (after a crash, or by a second instance)
// adds nothing.
import { hubWritten } from '../../../../common/src/hub-writes.js';
import type { DataSource, EntityManager } from 'typeorm';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import type { Logger } from '../../../../common/src/logger.js';
import { forUpdate, insertIgnore, placeholders, upsertRows } from '../../../../common/src/db.js';
import type { CrmDatasource, ServiceCallRecord } from '#adapters/crm';
import type { WmsDatasource } from '#adapters/wms';
import { readCall, type CallReading } from '#text';
import { auditAll, type Actor } from '../rules/store.js';
import { planActions, type OrderState, type PlannedAction } from './actions.js';
import { toHubOrder, type HubOrder } from '../datasource.js';
import { readOrder } from '../linking/records.js';
import { backoffMs } from '../../../../common/src/resilience.js';
import { Repeater } from '../../../../common/src/repeater.js';

/** Who the audit names for what a call did on its own. */
export const CALL_READER: Actor = { subject: 'call-reader', role: 'system' };
const CURSOR = 'crm-calls';
/** A caller without a number means an order still open, placed within this many days before the call. */
const OPEN_ORDER_DAYS = 30;
const CLOSED = ['SIGNED', 'COMPLETED', 'CANCELLED'];
/** What the intake needs of an order: who it is for, when placed, its outbound, and the lifecycle times its status is derived from. */
const ORDER_COLUMNS =
  'id, erp_order_no, customer_code, region, wms_outbound_no, tms_waybill_no, ordered_at, created_at, cancelled, paid_at, picking_at, shipped_out_at, in_transit_at, out_for_delivery_at, signed_at, completed_at';
/** The same closed orders as CLOSED, in SQL: a signature or a completion recorded makes the status SIGNED or COMPLETED (lifecycle.ts). */
const OPEN_SQL = 'cancelled = 0 AND signed_at IS NULL AND completed_at IS NULL';
/** The longest extra wait between rounds while the CRM (or the hub) keeps failing. */
export const BACKOFF_MAX_MS = 60_000;

export type OrderSource = 'SAID' | 'OPEN_ORDER' | 'NONE';

interface ResolvedCall {
  call: ServiceCallRecord;
  reading: CallReading;
  orders: OrderState[];
  source: OrderSource;
  /** Only one order, and the caller's own: then the intents act. */
  acts: boolean;
}

export class CallIntake {
  /** Rounds failed in a row: the next waits longer (nextDelay). */
  failures = 0;
  private readonly rounds = new Repeater(
    async () => {
      try {
        await this.runOnce();
        this.failures = 0;
      } catch (err) {
        this.failures += 1;
        throw err;
      }
    },
    {
      delayMs: () => this.nextDelay(),
      onError: (err) => {
        this.lastError = String((err as Error)?.message ?? err);
        // Once when it starts failing, then now and then: a CRM down for an hour is not 1,800 warnings.
        if (this.failures === 1 || this.failures % 20 === 0) this.logger.warn({ err: this.lastError, failures: this.failures }, 'service-call round failed; backing off');
      },
    },
  );
  private running: Promise<number> | null = null;
  private stopped = false;
  lastError: string | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
    private readonly crm: CrmDatasource,
    private readonly wms: WmsDatasource,
    private readonly logger: Logger,
    private readonly options: { pollMs: number; pageSize: number; actWithinMs: number },
  ) {}

  start(): void {
    this.stopped = false;
    this.rounds.start();
  }

  /**
   * CALL_POLL_MS while the rounds succeed; after failures in a row, the hub's one backoff scheme on
   * top (exponential from twice CALL_POLL_MS, full jitter, at most BACKOFF_MAX_MS): a CRM that is
   * down is asked less and less often, and the first round that succeeds restores the pace.
   */
  nextDelay(): number {
    return this.failures ? this.options.pollMs + backoffMs(this.failures, { initialMs: 2 * this.options.pollMs, maxMs: BACKOFF_MAX_MS }) : this.options.pollMs;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.rounds.stop();
    await this.running?.catch(() => undefined);
  }

  /** Reads the feed to its end; a round already running is waited for first. Returns the calls read. */
  async runOnce(): Promise<number> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.drain().finally(() => (this.running = null));
    return this.running;
  }

  private async drain(): Promise<number> {
    let read = 0;
    for (;;) {
      const after = await this.position();
      const page = await this.crm.callsChangedSince(after, this.options.pageSize);
      if (!page.calls.length || this.stopped) return read;
      const resolved = await this.resolve(page.calls);
      // Safe to retry: every row has its key, and each attempt audits only the rows it added itself
      // (its own clock), so an attempt that committed after timing out is not audited twice.
      await this.hub.call('calls.record', () => this.db.transaction((em) => this.record(em, resolved, after, page.last, Date.now())), { idempotent: true });
      // What the calls did (holds, actions) is out now, with the blockers it raised.
      hubWritten();
      read += page.calls.length;
      this.lastError = null;
      // A short page is the end of the feed: no request only to hear so.
      if (page.calls.length < this.options.pageSize) return read;
    }
  }

  private async position(): Promise<number> {
    const rows = await this.hub.call('cursor.get', () => this.db.query('SELECT position FROM hub_sync_cursor WHERE source = ?', [CURSOR]));
    return rows.length ? Number(JSON.parse(rows[0].position).after) : 0;
  }

  /** The orders each call concerns, in batches: no query per call. */
  private async resolve(calls: ServiceCallRecord[]): Promise<ResolvedCall[]> {
    const readings = calls.map((c) => readCall(c.transcript));
    const erpNos = new Set<string>();
    const documents = new Set<string>();
    const hubIds = new Set<number>();
    for (const r of readings) {
      const ref = r.orderRef;
      if (!ref) continue;
      if (ref.kind === 'ERP') erpNos.add(ref.canonical);
      else if (ref.kind === 'ORDER') hubIds.add(Number(ref.canonical.slice(2)));
      else documents.add(`${ref.kind}:${ref.canonical}`);
    }
    const byDocument = new Map<string, number>();
    if (documents.size) {
      const pairs = [...documents].map((k) => k.split(':'));
      const rows = await this.hub.call('calls.documents', () =>
        this.db.query(`SELECT system, document_no, order_id FROM hub_document WHERE state = 'LINKED' AND (${pairs.map(() => '(system = ? AND document_no = ?)').join(' OR ')})`, pairs.flat()),
      );
      for (const r of rows) byDocument.set(`${r.system}:${r.document_no}`, Number(r.order_id)), hubIds.add(Number(r.order_id));
    }
    const openFor = [...new Set(calls.filter((_c, i) => !readings[i].orderRef).map((c) => c.customerCode).filter((c): c is string => !!c))];
    const earliest = Math.min(...calls.map((c) => c.startedAt)) - OPEN_ORDER_DAYS * 86_400_000;
    const latest = Math.max(...calls.map((c) => c.startedAt));
    // One indexed query per way of naming an order (an OR across them would scan hub_order); of a
    // caller's orders only the open ones placed in the window (a regular customer has hundreds closed).
    const cols = `SELECT ${ORDER_COLUMNS} FROM hub_order WHERE `;
    const queries: [string, unknown[]][] = [];
    if (erpNos.size) queries.push([`${cols}erp_order_no IN (${placeholders(erpNos.size)})`, [...erpNos]]);
    if (hubIds.size) queries.push([`${cols}id IN (${placeholders(hubIds.size)})`, [...hubIds]]);
    if (openFor.length) queries.push([`${cols}customer_code IN (${placeholders(openFor.length)}) AND ordered_at >= ? AND ordered_at <= ? AND ${OPEN_SQL}`, [...openFor, earliest, latest]]);
    // Where each order stands is what the graph says (the lifecycle from what each system recorded).
    const orders = (await Promise.all(queries.map(([sql, params]) => this.hub.call('calls.orders', () => this.db.query(sql, params))))).flat().map((r: any) => toHubOrder(readOrder(r)));
    // Where each outbound stands (packed or not decides a change of address): one WMS call.
    const outboundNos = [...new Set(orders.map((o) => o.wmsOutboundNo).filter(Boolean))] as string[];
    const outbounds = outboundNos.length ? await this.wms.outboundsByNo(outboundNos).catch(() => outboundNos.map(() => null)) : [];
    const outboundStatus = new Map(outboundNos.map((no, i) => [no, outbounds[i]?.status ?? null]));
    const state = (o: HubOrder): OrderState & { orderedAt: number } => ({
      orderId: o.rowId,
      erpOrderNo: o.erpOrderNo,
      customerCode: o.customerCode,
      status: o.status,
      outboundStatus: o.wmsOutboundNo ? (outboundStatus.get(o.wmsOutboundNo) ?? null) : null,
      orderedAt: o.orderedAt,
    });
    const all = orders.map(state);
    return calls.map((call, i) => {
      const reading = readings[i];
      const ref = reading.orderRef;
      if (ref) {
        const id = ref.kind === 'ERP' ? all.find((o) => o.erpOrderNo === ref.canonical)?.orderId : ref.kind === 'ORDER' ? Number(ref.canonical.slice(2)) : byDocument.get(`${ref.kind}:${ref.canonical}`);
        const order = all.find((o) => o.orderId === id);
        // A number that is not the caller's own is recorded, never acted on.
        const own = !!order && (!call.customerCode || call.customerCode === order.customerCode);
        return { call, reading, orders: order ? [order] : [], source: order ? 'SAID' : 'NONE', acts: own };
      }
      const open = call.customerCode ? all.filter((o) => o.customerCode === call.customerCode && !CLOSED.includes(o.status) && o.orderedAt <= call.startedAt && o.orderedAt >= call.startedAt - OPEN_ORDER_DAYS * 86_400_000) : [];
      return { call, reading, orders: open, source: open.length ? 'OPEN_ORDER' : 'NONE', acts: open.length === 1 };
    });
  }

  private async record(em: EntityManager, resolved: ResolvedCall[], after: number, last: number, now: number): Promise<void> {
    // An old call (read late, or history when the hub first meets a CRM) is recorded, not acted on.
    for (const r of resolved) if (now - r.call.startedAt > this.options.actWithinMs) r.acts = false;
    // Another instance may have recorded this page meanwhile: then the cursor has moved on and the
    // keys below make the second write a no-op.
    const calls = resolved.map(({ call, reading, source }) => ({
      call_id: call.callId,
      change_seq: call.changeSeq,
      customer_code: call.customerCode,
      started_at: call.startedAt,
      transcript: call.transcript,
      intents: reading.intents.map((x) => x.intent).join(','),
      reading: JSON.stringify({ intents: reading.intents, setAside: reading.setAside, orderRef: reading.orderRef, refs: reading.refs, newAddress: reading.newAddress }),
      order_ref: reading.orderRef?.canonical ?? null,
      order_source: source,
      read_at: now,
    }));
    await upsertRows(em, 'hub_call', calls, ['call_id']);
    const links = resolved.flatMap(({ call, orders, source }) => orders.map((o) => ({ call_id: call.callId, order_id: o.orderId, source })));
    if (links.length) await insertIgnore(em, 'hub_call_order', links);

    const planned: { call: ServiceCallRecord; order: OrderState; plan: PlannedAction }[] = [];
    for (const r of resolved) if (r.acts) for (const order of r.orders) for (const plan of planActions(r.call.callId, r.reading, order)) planned.push({ call: r.call, order, plan });
    if (planned.length) {
      await insertIgnore(
        em,
        'hub_call_action',
        planned.map(({ call, order, plan }) => ({
          call_id: call.callId,
          order_id: order.orderId,
          intent: plan.intent,
          action: plan.action,
          detail: `${plan.detail.zh} / ${plan.detail.en}`.slice(0, 1000),
          hold_rule_id: plan.hold?.ruleId ?? null,
          created_at: now,
        })),
      );
      // Only what this round added acts and is audited: a row already there did its part before.
      const ids = [...new Set(planned.map((p) => p.call.callId))];
      const fresh = new Set(
        (await em.query(`SELECT call_id, order_id, intent FROM hub_call_action WHERE call_id IN (${placeholders(ids.length)}) AND created_at = ?`, [...ids, now])).map(
          (r: any) => `${r.call_id}:${r.order_id}:${r.intent}`,
        ),
      );
      const added = planned.filter((p) => fresh.has(`${p.call.callId}:${p.order.orderId}:${p.plan.intent}`));
      const holds = added.filter((p) => p.plan.hold);
      if (holds.length) {
        await insertIgnore(
          em,
          'hub_hold',
          holds.map(({ order, plan }) => ({
            order_id: order.orderId,
            rule_id: plan.hold!.ruleId,
            rule_version: 1,
            approver_role: plan.hold!.approverRole,
            reason_code: plan.hold!.reasonCode,
            internal_reason: `${plan.hold!.reason.zh} / ${plan.hold!.reason.en}`.slice(0, 1000),
            state: 'OPEN',
            created_at: now,
          })),
        );
        // A hold placed is a step of the order's audit trail, as the rule engine's are.
        const placed = await em.query(`SELECT id, order_id, rule_id, approver_role, reason_code FROM hub_hold WHERE rule_id IN (${placeholders(holds.length)}) AND created_at = ?`, [...holds.map((h) => h.plan.hold!.ruleId), now]);
        const orderNo = new Map(holds.map((h) => [h.order.orderId, h.order.erpOrderNo]));
        await auditAll(
          em,
          CALL_READER,
          placed.map((h: any) => ({
            action: 'HOLD_PLACED',
            entity: 'HOLD',
            entityId: String(h.id),
            before: null,
            after: { erpOrderNo: orderNo.get(Number(h.order_id)), ruleId: h.rule_id, approverRole: h.approver_role, reasonCode: h.reason_code, state: 'OPEN' },
            reason: null,
          })),
          now,
        );
      }
      const tickets = added.filter((p) => p.plan.ticket);
      if (tickets.length) {
        await insertIgnore(
          em,
          'hub_outbox',
          tickets.map(({ call, order, plan }) => ({
            kind: 'CRM_TICKET',
            idem_key: `CRM_TICKET:${call.callId}:${order.erpOrderNo}`,
            order_id: order.orderId,
            rule_id: null,
            payload: JSON.stringify({ customerCode: order.customerCode, erpOrderNo: order.erpOrderNo, type: plan.ticket!.type, title: plan.ticket!.title, callId: call.callId }),
            state: 'PENDING',
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
          })),
        );
      }
      await auditAll(
        em,
        CALL_READER,
        added.map(({ call, order, plan }) => ({
          action: `CALL_${plan.action}`,
          entity: 'ORDER',
          entityId: order.erpOrderNo,
          before: null,
          after: { callId: call.callId, intent: plan.intent, action: plan.action, holdRuleId: plan.hold?.ruleId ?? null, ticket: plan.ticket?.type ?? null },
          reason: `${plan.detail.zh} / ${plan.detail.en}`.slice(0, 1000),
        })),
        now,
      );
    }
    // Forward only: a slower instance finishing an older page must not send the feed back.
    const [held] = await em.query(`SELECT position FROM hub_sync_cursor WHERE source = ?${forUpdate(em)}`, [CURSOR]);
    const position = Math.max(after, last, held ? Number(JSON.parse(held.position).after) : 0);
    await upsertRows(em, 'hub_sync_cursor', [{ source: CURSOR, position: JSON.stringify({ after: position }), updated_at: now }], ['source']);
  }
}
