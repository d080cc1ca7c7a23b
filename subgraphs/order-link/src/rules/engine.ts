// Runs the enabled rules over orders: facts in batches, every rule for every order, discounts
// stacked as the rules say, and the outcome written in one transaction per batch — decisions with
// their explanation, holds, price adjustments and outbox messages, each under a unique key so that
// evaluating again creates nothing twice.
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../../../../common/src/caller.js';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import type { Logger } from '../../../../common/src/logger.js';
import { insertIgnore, placeholders, upsertRows } from '../../../../common/src/db.js';
import { evaluateRule, precedes, type Effect, type OrderFacts, type Verdict } from './kinds.js';
import { audit, auditAll, RULE_ENGINE, type CompiledRule, type RuleStore } from './store.js';
import type { FactsLoader, OrderRef } from './facts.js';

export interface OrderVerdict {
  rule: CompiledRule;
  verdict: Verdict;
  /** Effects the stacking rules set aside, with the rule that won. */
  supersededBy?: string;
}

export interface OrderEvaluation {
  orderId: number;
  erpOrderNo: string;
  verdicts: OrderVerdict[];
}

const BATCH = 500;
/** Passes of evaluatePending in one call: new orders, then the later orders they turned out to precede. */
const PENDING_PASSES = 3;
const MINUTE = 60_000;

/**
 * Which judged orders a newly judged one may change the verdict of, by the rules that compare an
 * order with the customer's earlier ones: the duplicate rule (its twins within windowMinutes) and
 * the credit limit (the unpaid orders placed before it). The earlier order is the original and comes
 * first, so an order placed earlier that arrives late (the late-commit lane, the sweep) changes the
 * verdicts of the later orders it now precedes; null when no enabled rule compares orders.
 */
function precedenceReach(rules: CompiledRule[]): ((newcomer: OrderFacts, later: { orderedAt: number; erpOrderNo: string }) => boolean) | null {
  const windows = rules.filter((r) => r.kind === 'DUPLICATE_ORDER').map((r) => (r.compiled as { windowMinutes: number }).windowMinutes * MINUTE);
  const duplicateWindow = windows.length ? Math.max(...windows) : null;
  const credit = rules.some((r) => r.kind === 'CREDIT_LIMIT');
  if (duplicateWindow == null && !credit) return null;
  return (newcomer, later) =>
    precedes(newcomer, later) &&
    ((duplicateWindow != null && later.orderedAt - newcomer.orderedAt <= duplicateWindow) ||
      // Only an unpaid order counts against the credit line of the orders after it.
      (credit && (newcomer.erpStatus === 'OPEN' || newcomer.erpStatus === 'APPROVED')));
}

/**
 * Stacking, stated by the rules: within a stacking group one rule applies to an order — the one with
 * the lowest priority number; the others lose everything they would have given (discount and
 * gift). Rules of different groups stack.
 */
export function stackDiscounts(verdicts: OrderVerdict[]): OrderVerdict[] {
  const winner = new Map<string, string>();
  const groupOf = (v: OrderVerdict) => (v.verdict.effects.find((e) => e.type === 'DISCOUNT') as Extract<Effect, { type: 'DISCOUNT' }> | undefined)?.stackGroup;
  for (const v of [...verdicts].sort((a, b) => a.rule.priority - b.rule.priority || a.rule.id.localeCompare(b.rule.id))) {
    const group = groupOf(v);
    if (group && !winner.has(group)) winner.set(group, v.rule.id);
  }
  return verdicts.map((v) => {
    const group = groupOf(v);
    if (!group || winner.get(group) === v.rule.id) return v;
    return { ...v, supersededBy: winner.get(group), verdict: { ...v.verdict, effects: [] } };
  });
}

export function judge(rules: CompiledRule[], facts: OrderFacts): OrderEvaluation {
  const verdicts = rules.map((rule) => ({ rule, verdict: evaluateRule(rule.kind, rule.compiled, facts) }));
  return { orderId: facts.orderId, erpOrderNo: facts.erpOrderNo, verdicts: stackDiscounts(verdicts) };
}

/** The outbox key of an effect: what makes a second evaluation unable to queue it again. */
export function outboxKey(e: Effect, order: { erpOrderNo: string }, ruleId: string): string | null {
  switch (e.type) {
    case 'GIFT_LINE':
      return `GIFT_LINE:${order.erpOrderNo}:${ruleId}:${e.skuCode}`;
    case 'SMS':
      return `SMS:${order.erpOrderNo}:${ruleId}`;
    // One lock and one replenishment per lot, however many orders find it short-dated.
    case 'LOCK_BATCH':
      return `LOCK_BATCH:${e.warehouseCode}:${e.skuCode}:${e.batchNo}`;
    case 'WORK_ORDER':
      return `WORK_ORDER:${e.warehouseCode}:${e.skuCode}:${e.batchNo}`;
    default:
      return null;
  }
}

/** SKUs the rules give away: their stock decides between a gift and its fallback. */
export const giftSkus = (rules: CompiledRule[]) => rules.map((r) => (r.compiled as { giftSku?: string }).giftSku).filter((s): s is string => !!s);

export const requisitionCode = (key: string) => `QG-HUB-${createHash('sha1').update(key).digest('hex').slice(0, 12).toUpperCase()}`;

/** A dry run's ceiling: beyond it a single request would hold the facts of too many orders at once. */
export const MAX_SIMULATED_ORDERS = 50_000;

export class RuleEngine {
  /** Told which orders' decisions were just recorded (health counts interceptions from them). */
  onRecorded: ((orderIds: number[]) => Promise<void>) | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
    private readonly rules: RuleStore,
    private readonly facts: FactsLoader,
    private readonly logger: Logger,
  ) {}

  /**
   * Orders the rules have not looked at yet (new ones, as the linker adds them), oldest first; then
   * the judged orders a new one turned out to precede (record() hands them back as pending), so an
   * order placed earlier that arrived late changes their verdicts in the same round.
   */
  async evaluatePending(limit = 5000): Promise<number> {
    let evaluated = 0;
    for (let pass = 0; pass < PENDING_PASSES; pass++) {
      const rows = await this.hub.call('order.unevaluated', () =>
        this.db.query('SELECT id, erp_order_no FROM hub_order WHERE evaluated_at IS NULL ORDER BY ordered_at, id LIMIT ?', [limit]),
      );
      if (!rows.length) break;
      await this.evaluate(rows.map((r: any) => ({ id: Number(r.id), erpOrderNo: r.erp_order_no })));
      evaluated += rows.length;
    }
    return evaluated;
  }

  /** Evaluates and records; returns what was decided for each order still in the ERP. */
  async evaluate(orders: OrderRef[], now = Date.now()): Promise<OrderEvaluation[]> {
    const rules = await this.rules.enabled();
    const out: OrderEvaluation[] = [];
    for (let i = 0; i < orders.length; i += BATCH) {
      const chunk = orders.slice(i, i + BATCH);
      const facts = await this.facts.load(chunk, giftSkus(rules));
      const evaluations = facts.map((f) => judge(rules, f));
      await this.hub.call('rules.record', () =>
        this.db.transaction(async (em) => {
          const newcomers = await this.record(em, chunk, evaluations, now);
          await this.owePrecedence(em, rules, facts.filter((f) => newcomers.has(f.orderId)), new Set(chunk.map((o) => o.id)), now);
        }),
      );
      await this.onRecorded?.(chunk.map((o) => o.id));
      out.push(...evaluations);
    }
    return out;
  }

  /** On demand: evaluates one order again and audits who asked. */
  async evaluateOne(order: OrderRef, caller: Caller): Promise<OrderEvaluation | null> {
    const [evaluation] = await this.evaluate([order]);
    await this.db.transaction((em) =>
      audit(em, caller, 'ORDER_EVALUATED', 'ORDER', order.erpOrderNo, null, evaluation ? evaluation.verdicts.filter((v) => v.verdict.fired).map((v) => `${v.rule.id}@${v.rule.version}`) : 'not in the ERP', null),
    );
    return evaluation ?? null;
  }

  /**
   * A dry run of rules (validated, not saved) over orders placed in [from, to), on one pass of
   * facts: for each rule, the orders it fires for. Nothing is written.
   */
  async simulate(rules: CompiledRule[], from: number, to: number, maxOrders = MAX_SIMULATED_ORDERS): Promise<{ evaluated: number; truncated: boolean; fired: { erpOrderNo: string; verdict: Verdict }[][] }> {
    // One more than asked for tells whether the window held more.
    const found = await this.facts.ordersBetween(from, to, maxOrders + 1);
    const orders = found.slice(0, maxOrders);
    const fired: { erpOrderNo: string; verdict: Verdict }[][] = rules.map(() => []);
    let evaluated = 0;
    for (let i = 0; i < orders.length; i += BATCH) {
      for (const f of await this.facts.load(orders.slice(i, i + BATCH), giftSkus(rules))) {
        evaluated++;
        rules.forEach((rule, r) => {
          const verdict = evaluateRule(rule.kind, rule.compiled, f);
          if (verdict.fired) fired[r].push({ erpOrderNo: f.erpOrderNo, verdict });
        });
      }
    }
    return { evaluated, truncated: found.length > maxOrders, fired };
  }

  /**
   * Orders judged for the first time may come before orders judged already (placed earlier, arrived
   * later): those are handed back to be judged again — evaluated_at cleared in the same transaction,
   * so the debt survives a crash — with an audit entry naming the orders that now precede them. Only
   * newcomers owe it: judging a later order again changes nothing for the orders after it. An order
   * that has left the warehouse is not judged again: a hold can no longer stop it.
   */
  private async owePrecedence(em: EntityManager, rules: CompiledRule[], newcomers: OrderFacts[], inBatch: Set<number>, now: number): Promise<void> {
    const reach = precedenceReach(rules);
    if (!reach || !newcomers.length) return;
    const customers = [...new Set(newcomers.map((f) => f.customerCode))];
    const since = Math.min(...newcomers.map((f) => f.orderedAt));
    const judged = await em.query(
      `SELECT id, erp_order_no, customer_code, ordered_at FROM hub_order WHERE customer_code IN (${placeholders(customers.length)}) AND ordered_at >= ? AND evaluated_at IS NOT NULL AND cancelled = 0 AND src_deleted_at IS NULL AND shipped_out_at IS NULL`,
      [...customers, since],
    );
    const owed = new Map<number, { erpOrderNo: string; precededBy: string[] }>();
    for (const r of judged) {
      const later = { id: Number(r.id), orderedAt: Number(r.ordered_at), erpOrderNo: r.erp_order_no as string };
      if (inBatch.has(later.id)) continue;
      const before = newcomers.filter((f) => f.customerCode === r.customer_code && reach(f, later)).map((f) => f.erpOrderNo);
      if (before.length) owed.set(later.id, { erpOrderNo: later.erpOrderNo, precededBy: before });
    }
    if (!owed.size) return;
    await em.query(`UPDATE hub_order SET evaluated_at = NULL WHERE id IN (${placeholders(owed.size)})`, [...owed.keys()]);
    await auditAll(
      em,
      RULE_ENGINE,
      [...owed.values()].map((o) => ({
        action: 'ORDER_REJUDGED',
        entity: 'ORDER',
        entityId: o.erpOrderNo,
        before: null,
        after: { precededBy: o.precededBy },
        reason: `placed before it, read after it was judged: ${o.precededBy.join(', ')}`,
      })),
      now,
    );
    this.logger.info({ orders: owed.size, precededBy: newcomers.map((f) => f.erpOrderNo).slice(0, 20) }, 'orders judged again: an order placed before them arrived later');
  }

  /** Records the evaluations; returns the orders judged for the first time (no decision of theirs was recorded before). */
  private async record(em: EntityManager, chunk: OrderRef[], evaluations: OrderEvaluation[], now: number): Promise<Set<number>> {
    const ids = chunk.map((o) => o.id);
    const previous = new Map<string, number | null>();
    if (evaluations.length) {
      const rows = await em.query(`SELECT order_id, rule_id, first_fired_at FROM hub_decision WHERE order_id IN (${placeholders(ids.length)})`, ids);
      for (const r of rows) previous.set(`${r.order_id}:${r.rule_id}`, r.first_fired_at == null ? null : Number(r.first_fired_at));
    }
    const decisions: object[] = [];
    const holds: object[] = [];
    const adjustments: object[] = [];
    const outbox: object[] = [];
    for (const e of evaluations) {
      for (const { rule, verdict, supersededBy } of e.verdicts) {
        const firstFired = previous.get(`${e.orderId}:${rule.id}`) ?? (verdict.fired ? now : null);
        decisions.push({
          order_id: e.orderId,
          rule_id: rule.id,
          rule_version: rule.version,
          kind: rule.kind,
          fired: verdict.fired ? 1 : 0,
          facts: JSON.stringify({ ...verdict.facts, explanation: verdict.explanation, ...(supersededBy ? { supersededBy } : {}) }),
          effects: JSON.stringify(verdict.effects),
          evaluated_at: now,
          first_fired_at: firstFired,
        });
        for (const effect of verdict.effects) {
          if (effect.type === 'HOLD') {
            holds.push({
              order_id: e.orderId,
              rule_id: rule.id,
              rule_version: rule.version,
              approver_role: effect.approverRole,
              reason_code: effect.reasonCode,
              internal_reason: `${effect.reason.zh} / ${effect.reason.en}`.slice(0, 1000),
              state: 'OPEN',
              created_at: now,
            });
          } else if (effect.type === 'DISCOUNT' || effect.type === 'CREDIT') {
            adjustments.push({ order_id: e.orderId, rule_id: rule.id, kind: effect.type, amount_fen: -effect.amountFen, description: `${effect.reason.zh} / ${effect.reason.en}`.slice(0, 500), created_at: now });
          }
          const key = outboxKey(effect, e, rule.id);
          if (key) {
            const payload = effect.type === 'WORK_ORDER' ? { ...effect, code: requisitionCode(key), erpOrderNo: e.erpOrderNo, ruleId: rule.id } : { ...effect, erpOrderNo: e.erpOrderNo, ruleId: rule.id };
            outbox.push({ kind: effect.type, idem_key: key, order_id: e.orderId, rule_id: rule.id, payload: JSON.stringify(payload), state: 'PENDING', attempts: 0, next_attempt_at: now, created_at: now });
          }
        }
      }
    }
    for (let i = 0; i < decisions.length; i += 400) await upsertRows(em, 'hub_decision', decisions.slice(i, i + 400), ['order_id', 'rule_id']);
    // A rule no longer enabled no longer speaks for these orders (what it already did stays done).
    const ruleIds = [...new Set(evaluations.flatMap((e) => e.verdicts.map((v) => v.rule.id)))];
    if (evaluations.length) {
      await em.query(
        `DELETE FROM hub_decision WHERE order_id IN (${placeholders(ids.length)})${ruleIds.length ? ` AND rule_id NOT IN (${placeholders(ruleIds.length)})` : ''}`,
        [...ids, ...ruleIds],
      );
    }
    if (holds.length) {
      await insertIgnore(em, 'hub_hold', holds);
      // A hold placed is a step of the order's audit trail like its approval; only holds this
      // evaluation made (a hold already there keeps its own created_at).
      const placed = await em.query(
        `SELECT id, order_id, rule_id, rule_version, approver_role, reason_code FROM hub_hold WHERE order_id IN (${placeholders(ids.length)}) AND created_at = ?`,
        [...ids, now],
      );
      const orderNo = new Map(chunk.map((o) => [o.id, o.erpOrderNo]));
      await auditAll(
        em,
        RULE_ENGINE,
        placed.map((h: any) => ({
          action: 'HOLD_PLACED',
          entity: 'HOLD',
          entityId: String(h.id),
          before: null,
          after: { erpOrderNo: orderNo.get(Number(h.order_id)), ruleId: h.rule_id, ruleVersion: Number(h.rule_version), approverRole: h.approver_role, reasonCode: h.reason_code, state: 'OPEN' },
          reason: null,
        })),
        now,
      );
    }
    if (adjustments.length) await insertIgnore(em, 'hub_adjustment', adjustments);
    if (outbox.length) await insertIgnore(em, 'hub_outbox', outbox);
    await em.query(`UPDATE hub_order SET evaluated_at = ? WHERE id IN (${placeholders(ids.length)})`, [now, ...ids]);
    const fired = evaluations.reduce((n, e) => n + e.verdicts.filter((v) => v.verdict.fired).length, 0);
    if (fired) this.logger.debug({ orders: evaluations.length, fired, holds: holds.length, outbox: outbox.length }, 'rules evaluated');
    const judgedBefore = new Set([...previous.keys()].map((k) => Number(k.split(':')[0])));
    return new Set(evaluations.map((e) => e.orderId).filter((id) => !judgedBefore.has(id)));
  }
}
