// The documents an order must travel with, and which of them the warehouse has confirmed packed.
// What is required: the ERP's structured requirement (SO_SOMain_ExtraDefine.cAttachReq) where one
// is recorded, else what the hub reads in the order's free-text remark — the same reading the
// repair wizard proposes from.
import type { DataSource } from 'typeorm';
import type { Caller } from '../../../common/src/caller.js';
import type { LegacySystem } from '../../../common/src/legacy.js';
import { forUpdate, insertIgnore, placeholders } from '../../../common/src/db.js';
import { groupByKey, unique } from '../../../common/src/loader.js';
import type { Attachment, OrderRequirements } from '../../../common/src/requirements.js';
import { interpretRemark } from '#text';
import { audit } from './rules/store.js';

export interface AttachmentConfirmation {
  orderId: number;
  attachment: Attachment;
  confirmedBy: string;
  confirmedRole: string;
  confirmedAt: number;
}

export interface RequiredAttachments {
  required: Attachment[];
  /** Where the requirement was read: the ERP's field, or the remark when the field is not recorded. */
  source: 'ERP_REQUIREMENT' | 'REMARK' | null;
}

export function requiredAttachments(requirements: OrderRequirements | null, remark: string | null): RequiredAttachments {
  if (requirements?.attachments != null) return { required: [...requirements.attachments].sort(), source: 'ERP_REQUIREMENT' };
  const read = interpretRemark(remark).attachments.value;
  return read.length ? { required: [...read].sort(), source: 'REMARK' } : { required: [], source: null };
}

export class AttachmentStore {
  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
  ) {}

  async confirmationsByOrder(orderIds: readonly number[]): Promise<AttachmentConfirmation[][]> {
    const ids = unique(orderIds);
    if (!ids.length) return [];
    const rows = await this.hub.call('attachment.byOrder', () =>
      this.db.query(`SELECT * FROM hub_attachment WHERE order_id IN (${placeholders(ids.length)}) ORDER BY attachment`, ids),
    );
    const read = rows.map((r: any): AttachmentConfirmation => ({
      orderId: Number(r.order_id),
      attachment: r.attachment,
      confirmedBy: r.confirmed_by,
      confirmedRole: r.confirmed_role,
      confirmedAt: Number(r.confirmed_at),
    }));
    return groupByKey(orderIds, read, (c) => c.orderId);
  }

  /**
   * Records documents as packed with the order, audited in the same transaction. A document already
   * confirmed stays as first confirmed (a retried call changes nothing and writes no second audit entry).
   */
  async confirm(order: { rowId: number; erpOrderNo: string }, attachments: Attachment[], caller: Caller): Promise<AttachmentConfirmation[]> {
    const orderId = order.rowId;
    const wanted = unique(attachments);
    await this.hub.call(
      'attachment.confirm',
      () =>
        this.db.transaction(async (em) => {
          const now = Date.now();
          // The order's row serializes confirmations of one order: one audit entry per document.
          await em.query(`SELECT id FROM hub_order WHERE id = ?${forUpdate(em)}`, [orderId]);
          const known = new Set(
            (await em.query(`SELECT attachment FROM hub_attachment WHERE order_id = ?`, [orderId])).map((r: any) => r.attachment as string),
          );
          const added = wanted.filter((a) => !known.has(a));
          await insertIgnore(
            em,
            'hub_attachment',
            added.map((attachment) => ({ order_id: orderId, attachment, confirmed_by: caller.subject.slice(0, 100), confirmed_role: caller.role, confirmed_at: now })),
          );
          if (added.length) await audit(em, caller, 'ATTACHMENTS_CONFIRMED', 'ORDER', order.erpOrderNo, [...known].sort(), [...known, ...added].sort(), null, now);
        }),
      { idempotent: false },
    );
    return (await this.confirmationsByOrder([orderId]))[0];
  }
}
