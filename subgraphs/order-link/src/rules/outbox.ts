// Delivers the side effects rules decided on — free lines and purchase requisitions to the ERP,
// batch locks to the WMS, SMS through the CRM — with retries, backoff and jitter. Every delivery is
// idempotent at its target (a line remark, a requisition code, a lock is a lock, an SMS business
// key), so a message delivered twice — after a crash, or by two instances — changes nothing more.
import type { DataSource } from 'typeorm';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import type { Logger } from '../../../../common/src/logger.js';
import { formatBeijing } from '../../../../common/src/time.js';
import { placeholders } from '../../../../common/src/db.js';
import { backoffMs } from '../../../../common/src/resilience.js';
import type { ErpDatasource } from '#adapters/erp';
import { HUB_GIFT_MEMO } from '#adapters/erp';
import type { WmsDatasource } from '#adapters/wms';
import type { CrmDatasource } from '#adapters/crm';
import { Repeater } from '../../../../common/src/repeater.js';

export interface OutboxTargets {
  erp: ErpDatasource;
  wms: WmsDatasource;
  crm: CrmDatasource;
}

export interface OutboxMessage {
  id: number;
  kind: string;
  key: string;
  orderId: number | null;
  ruleId: string | null;
  payload: any;
  state: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export const readOutbox = (r: any): OutboxMessage => ({
  id: Number(r.id),
  kind: r.kind,
  key: r.idem_key,
  orderId: r.order_id == null ? null : Number(r.order_id),
  ruleId: r.rule_id,
  payload: JSON.parse(r.payload),
  state: r.state,
  attempts: Number(r.attempts),
  nextAttemptAt: Number(r.next_attempt_at),
  lastError: r.last_error,
  createdAt: Number(r.created_at),
  deliveredAt: r.delivered_at == null ? null : Number(r.delivered_at),
});

export const MAX_ATTEMPTS = 12;

/** Up to 2 s, 4 s, 8 s … 5 minutes after each failed delivery, with full jitter so that retries from many messages spread out. */
export const OUTBOX_BACKOFF = { initialMs: 2000, maxMs: 300_000 };

export class OutboxWorker {
  private readonly rounds = new Repeater(() => this.runOnce(), {
    delayMs: () => this.pollMs,
    onError: (err) => this.logger.warn({ err: (err as Error)?.message }, 'outbox round failed'),
  });
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
    private readonly targets: OutboxTargets,
    private readonly logger: Logger,
    private readonly pollMs: number,
  ) {}

  start(): void {
    this.stopped = false;
    this.rounds.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.rounds.stop();
    await this.running?.catch(() => undefined);
  }

  /**
   * Delivers everything due at `now`: a round already in flight may have read the queue before the
   * newest messages, so it is waited for and a fresh round run. Returns how many were delivered.
   */
  async runOnce(now = Date.now()): Promise<number> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.deliverDue(now).finally(() => (this.running = null));
    return this.running;
  }

  /** Everything due, a page at a time; a message that fails is rescheduled past `now`, so the loop ends. */
  private async deliverDue(now: number): Promise<number> {
    let delivered = 0;
    for (;;) {
      const due = (
        await this.hub.call('outbox.due', () => this.db.query("SELECT * FROM hub_outbox WHERE state = 'PENDING' AND next_attempt_at <= ? ORDER BY id LIMIT 100", [now]))
      ).map(readOutbox);
      if (!due.length || this.stopped) return delivered;
      delivered += await this.deliverPage(due, now);
    }
  }

  /**
   * One page: its free lines to the ERP in one transaction, the other messages one by one, then the
   * delivered marked in one statement (a crash before that delivers them again, which changes
   * nothing at their targets). A message that fails is rescheduled with backoff, alone.
   */
  private async deliverPage(due: OutboxMessage[], now: number): Promise<number> {
    const failures = new Map<number, unknown>();
    const gifts = due.filter((m) => m.kind === 'GIFT_LINE');
    if (gifts.length) {
      try {
        const outcomes = await this.targets.erp.addFreeLines(
          gifts.map((m) => ({ erpOrderNo: m.payload.erpOrderNo, skuCode: m.payload.skuCode, quantity: m.payload.quantity, memo: `${HUB_GIFT_MEMO}${m.payload.ruleId}` })),
          formatBeijing(Date.now()),
        );
        gifts.forEach((m, i) => outcomes[i] === 'NO_ORDER' && failures.set(m.id, new Error(`ERP: no order ${m.payload.erpOrderNo}`)));
      } catch (err) {
        for (const m of gifts) failures.set(m.id, err);
      }
    }
    for (const message of due) {
      if (message.kind === 'GIFT_LINE') continue;
      try {
        await this.deliver(message);
      } catch (err) {
        failures.set(message.id, err);
      }
    }
    const delivered = due.filter((m) => !failures.has(m.id)).map((m) => m.id);
    if (delivered.length)
      await this.hub.call('outbox.delivered', () =>
        this.db.query(`UPDATE hub_outbox SET state = 'DELIVERED', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE id IN (${placeholders(delivered.length)})`, [Date.now(), ...delivered]),
      );
    for (const message of due) {
      if (!failures.has(message.id)) continue;
      const attempts = message.attempts + 1;
      const state = attempts >= MAX_ATTEMPTS ? 'FAILED' : 'PENDING';
      const error = String((failures.get(message.id) as Error)?.message ?? failures.get(message.id)).slice(0, 500);
      this.logger.warn({ outboxId: message.id, kind: message.kind, attempts, state, err: error }, 'outbox delivery failed');
      await this.hub.call('outbox.failed', () =>
        this.db.query('UPDATE hub_outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?', [state, attempts, Math.max(now, Date.now()) + 1 + backoffMs(attempts, OUTBOX_BACKOFF), error, message.id]),
      );
    }
    return delivered.length;
  }

  /** One message other than a free line (those go to the ERP a page at a time, above). */
  private async deliver(m: OutboxMessage): Promise<void> {
    const p = m.payload;
    const now = formatBeijing(Date.now());
    switch (m.kind) {
      case 'WORK_ORDER':
        await this.targets.erp.raisePurchaseRequisition({
          code: p.code,
          skuCode: p.skuCode,
          quantity: p.quantity,
          warehouseCode: p.warehouseCode,
          memo: `近效期批次 ${p.batchNo} 已锁定，补货（规则 ${p.ruleId}，订单 ${p.erpOrderNo}）`,
          maker: 'order-hub',
          now,
        });
        return;
      case 'LOCK_BATCH':
        await this.targets.wms.lockBatch(p.warehouseCode, p.skuCode, p.batchNo);
        return;
      case 'CRM_TICKET':
        // A return or exchange a caller asked for (calls/intake.ts); the key finds a ticket already opened.
        await this.targets.crm.openTicket({ customerCode: p.customerCode, orderRef: p.erpOrderNo, type: p.type, title: p.title, bizKey: m.key });
        return;
      case 'SMS':
        await this.targets.crm.sendSms({ mobile: p.mobile, content: p.text, bizKey: m.key });
        return;
      default:
        throw new Error(`unknown outbox kind ${m.kind}`);
    }
  }
}
