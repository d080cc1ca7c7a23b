// What the rules left behind, read back in batches for the graph: decisions, holds, adjustments,
// the outbox; and hold decisions (approve, reject), each audited in the same transaction.
import type { DataSource } from 'typeorm';
import type { Caller } from '../../../../common/src/caller.js';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import { forUpdate, placeholders } from '../../../../common/src/db.js';
import { appError, ErrorCode } from '../../../../common/src/errors.js';
import { groupByKey, unique } from '../../../../common/src/loader.js';
import type { ContradictingDocument, DecisionView, HoldView } from '../blockers.js';
import { CONTRADICTION_REASONS } from '../linking/records.js';
import { readOutbox, type OutboxMessage } from './outbox.js';
import { audit, readAudit, type AuditEntry, type UserError } from './store.js';

export interface HoldRecord extends HoldView {
  orderId: number;
  ruleVersion: number;
}

export interface Adjustment {
  orderId: number;
  ruleId: string;
  kind: 'DISCOUNT' | 'CREDIT';
  amountFen: number;
  description: string;
}

const readHold = (r: any): HoldRecord => ({
  id: Number(r.id),
  orderId: Number(r.order_id),
  ruleId: r.rule_id,
  ruleVersion: Number(r.rule_version),
  approverRole: r.approver_role,
  reasonCode: r.reason_code,
  internalReason: r.internal_reason,
  state: r.state,
  createdAt: Number(r.created_at),
  decidedBy: r.decided_by,
  decidedRole: r.decided_role,
  decidedAt: r.decided_at == null ? null : Number(r.decided_at),
  decisionReason: r.decision_reason,
});

export interface DecisionRecord extends DecisionView {
  orderId: number;
}

const readDecision = (r: any): DecisionRecord => ({
  orderId: Number(r.order_id),
  ruleId: r.rule_id,
  ruleVersion: Number(r.rule_version),
  kind: r.kind,
  fired: Number(r.fired) === 1,
  facts: JSON.parse(r.facts),
  effects: JSON.parse(r.effects),
  evaluatedAt: Number(r.evaluated_at),
  firstFiredAt: r.first_fired_at == null ? null : Number(r.first_fired_at),
});

export class Ledger {
  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
  ) {}

  private query(operation: string, sql: string, params: unknown[] = []): Promise<any[]> {
    return this.hub.call(operation, () => this.db.query(sql, params));
  }

  audit(entity: string, entityId: string | null, limit: number): Promise<AuditEntry[]> {
    return readAudit(this.db, this.hub, entity, entityId, limit);
  }

  async decisionsByOrder(ids: readonly number[]): Promise<DecisionRecord[][]> {
    const keys = unique(ids);
    const rows = await this.query('decision.byOrder', `SELECT * FROM hub_decision WHERE order_id IN (${placeholders(keys.length)}) ORDER BY rule_id`, keys);
    return groupByKey(ids, rows.map(readDecision), (d) => d.orderId);
  }

  async holdsByOrder(ids: readonly number[]): Promise<HoldRecord[][]> {
    const keys = unique(ids);
    const rows = await this.query('hold.byOrder', `SELECT * FROM hub_hold WHERE order_id IN (${placeholders(keys.length)}) ORDER BY created_at, id`, keys);
    return groupByKey(ids, rows.map(readHold), (h) => h.orderId);
  }

  async adjustmentsByOrder(ids: readonly number[]): Promise<Adjustment[][]> {
    const keys = unique(ids);
    const rows = await this.query('adjustment.byOrder', `SELECT * FROM hub_adjustment WHERE order_id IN (${placeholders(keys.length)}) ORDER BY created_at, rule_id`, keys);
    return groupByKey(
      ids,
      rows.map((r: any) => ({ orderId: Number(r.order_id), ruleId: r.rule_id, kind: r.kind, amountFen: Number(r.amount_fen), description: r.description })),
      (a) => a.orderId,
    );
  }

  /**
   * Unlinked documents naming these orders for one of the reasons, through the rows of their
   * candidates (hub_document_candidate, by order number): never the other unlinked documents.
   * First seen first, as the unlinked list shows them. CROSS JOIN: SQLite then starts from the rows
   * by order number (left to choose, it walked every unlinked document by ix_hub_document_state to
   * spare the sort, and probed the rows for each); MariaDB treats it as JOIN and starts from them anyway.
   */
  private async unlinkedNaming(operation: string, nos: readonly string[], reasons: readonly string[]): Promise<any[]> {
    const keys = unique(nos);
    if (!keys.length) return [];
    return this.query(
      operation,
      `SELECT c.order_no, d.system, d.document_no, d.reason, d.reference_raw
       FROM hub_document_candidate c CROSS JOIN hub_document d ON d.system = c.system AND d.document_no = c.document_no
       WHERE c.order_no IN (${placeholders(keys.length)}) AND d.state = 'UNLINKED' AND d.reason IN (${placeholders(reasons.length)})
       ORDER BY d.first_seen_at, d.system, d.document_no`,
      [...keys, ...reasons],
    );
  }

  /** Unlinked outbounds that list these orders among equally good candidates. */
  async ambiguousOutboundsByOrderNo(nos: readonly string[]): Promise<string[][]> {
    const rows = await this.unlinkedNaming('document.ambiguous', nos, ['AMBIGUOUS_MATCH']);
    return groupByKey(nos, rows, (r) => r.order_no as string).map((rs) => rs.map((r) => r.document_no as string));
  }

  /** Documents whose reference names these orders but contradicts them (not linked: a person must check). */
  async contradictingDocumentsByOrderNo(nos: readonly string[]): Promise<ContradictingDocument[][]> {
    const rows = await this.unlinkedNaming('document.contradicting', nos, CONTRADICTION_REASONS);
    return groupByKey(nos, rows, (r) => r.order_no as string).map((rs) =>
      rs.map((r) => ({ system: r.system, documentNo: r.document_no, reason: r.reason, reference: r.reference_raw }) as ContradictingDocument),
    );
  }

  async holdsByIds(ids: readonly number[]): Promise<(HoldRecord | null)[]> {
    const keys = unique(ids);
    const rows = (await this.query('hold.byId', `SELECT * FROM hub_hold WHERE id IN (${placeholders(keys.length)})`, keys)).map(readHold);
    return ids.map((id) => rows.find((h) => h.id === id) ?? null);
  }

  async listHolds(state: string | null, first: number): Promise<HoldRecord[]> {
    const rows = await this.query('hold.list', `SELECT * FROM hub_hold${state ? ' WHERE state = ?' : ''} ORDER BY created_at DESC, id DESC LIMIT ?`, state ? [state, first] : [first]);
    return rows.map(readHold);
  }

  async listOutbox(state: string | null, first: number, orderId: number | null = null): Promise<OutboxMessage[]> {
    const where = [state ? 'state = ?' : '', orderId != null ? 'order_id = ?' : ''].filter(Boolean);
    const params = [...(state ? [state] : []), ...(orderId != null ? [orderId] : []), first];
    const rows = await this.query('outbox.list', `SELECT * FROM hub_outbox${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`, params);
    return rows.map(readOutbox);
  }

  /**
   * Approves or rejects an open hold, with the reason, audited in the same transaction. Only the
   * role the hold asks for (or admin) may decide; a hold already decided the same way is answered
   * as it stands (a retried call), the other way is refused.
   */
  async decideHold(id: number, decision: 'APPROVED' | 'REJECTED', reason: string, caller: Caller): Promise<{ hold: HoldRecord | null; userErrors: UserError[] }> {
    const text = reason.trim();
    if (text.length < 2 || text.length > 1000) {
      return { hold: null, userErrors: [{ code: 'INVALID_REASON', field: ['reason'], messageZh: '请填写 2–1000 字的理由', messageEn: 'Give a reason of 2–1000 characters' }] };
    }
    return this.hub.call(
      'hold.decide',
      () =>
        this.db.transaction(async (em) => {
          const [row] = await em.query(`SELECT * FROM hub_hold WHERE id = ?${forUpdate(em)}`, [id]);
          if (!row) return { hold: null, userErrors: [{ code: 'NOT_FOUND', field: ['id'], messageZh: `没有暂停单 ${id}`, messageEn: `No hold ${id}` }] };
          const before = readHold(row);
          if (caller.role !== 'admin' && caller.role !== before.approverRole) {
            throw appError(
              ErrorCode.FORBIDDEN,
              { zh: `该暂停需要「${before.approverRole}」角色审批，您的角色是「${caller.role}」`, en: `This hold must be decided by the ${before.approverRole} role; yours is ${caller.role}` },
              { approverRole: before.approverRole },
            );
          }
          if (before.state !== 'OPEN') {
            if (before.state === decision) return { hold: before, userErrors: [] };
            return {
              hold: before,
              userErrors: [{ code: 'ALREADY_DECIDED', field: ['id'], messageZh: `该暂停已于之前被${before.state === 'APPROVED' ? '批准' : '驳回'}`, messageEn: `This hold was already ${before.state.toLowerCase()}` }],
            };
          }
          const now = Date.now();
          await em.query('UPDATE hub_hold SET state = ?, decided_by = ?, decided_role = ?, decided_at = ?, decision_reason = ? WHERE id = ?', [decision, caller.subject, caller.role, now, text, id]);
          const after: HoldRecord = { ...before, state: decision, decidedBy: caller.subject, decidedRole: caller.role, decidedAt: now, decisionReason: text };
          await audit(em, caller, decision === 'APPROVED' ? 'HOLD_APPROVED' : 'HOLD_REJECTED', 'HOLD', String(id), before, after, text, now);
          return { hold: after, userErrors: [] };
        }),
      { idempotent: false },
    );
  }
}
