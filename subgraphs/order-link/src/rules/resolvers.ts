// The rule engine in the graph: thin resolvers over the rule store, the engine and the ledger.
import type { Resolvers } from '../../../../codegen/generated/order-link.js';
import { appError, badInput, ErrorCode } from '../../../../common/src/errors.js';
import { formatFen, toFen } from '../../../../common/src/money.js';
import { toIsoBeijing } from '../../../../common/src/time.js';
import { computeBlockers, currentBlocker, effectivePromise, type Blocker, type BlockerInputs } from '../blockers.js';
import { parsePageSize } from '../arguments.js';
import type { HubOrder } from '../datasource.js';
import { findOrder } from '../find-order.js';
import { requiredAttachments } from '../attachments.js';
import { requireInstant, requireRole } from '../../../../common/src/arguments.js';
import { hubWritten } from '../../../../common/src/hub-writes.js';
import { ATTACHMENT_LABELS } from '../../../../common/src/requirements.js';
import type { Context } from '../context.js';
import { compile, validateRule, type Rule } from './store.js';
import { MAX_SIMULATED_ORDERS } from './engine.js';
import { countEffects, toDecisions, type SimulationView } from './simulation.js';

const iso = (t: number | null | undefined) => toIsoBeijing(t ?? null);
const MAX_SIMULATION_DAYS = 92;

function holdId(id: string): number {
  if (!/^\d{1,12}$/.test(id)) throw badInput({ zh: `暂停单编号「${id.slice(0, 40)}」无效`, en: `"${id.slice(0, 40)}" is not a hold id` }, { argument: 'id' });
  return Number(id);
}

/**
 * What the order must travel with and what is confirmed packed; null while the ERP cannot say
 * (strict: the ERP's failure is thrown instead).
 */
async function attachmentsOf(order: HubOrder, ctx: Pick<Context, 'loaders'>, strict = false) {
  const quietly = <T>(p: Promise<T>) => (strict ? p : p.catch(() => null));
  const [header, requirements, confirmed] = await Promise.all([
    quietly(ctx.loaders.erpOrder.load(order.erpOrderNo)),
    quietly(ctx.loaders.requirements.load(order.erpOrderNo)),
    ctx.loaders.attachmentConfirmations.load(order.rowId),
  ]);
  if (!header) return null;
  const { required, source } = requiredAttachments(requirements, header.remark);
  const done = confirmed ?? [];
  return { required, source, confirmed: done, outstanding: required.filter((a) => !done.some((c) => c.attachment === a)) };
}

/**
 * The facts an order's blockers are computed from, read through the loaders (batched across the
 * orders asked at once). For the graph an unreachable system leaves its part out rather than
 * failing the list; `strict` (recording the blockers, blocker-record.ts) throws instead, because a
 * part left out would read as blockers cleared.
 */
export async function blockerInputsOf(order: HubOrder, ctx: Pick<Context, 'loaders'>, now: number, strict = false): Promise<BlockerInputs> {
  const quietly = <T>(p: Promise<T>) => (strict ? p : p.catch(() => null));
  const [holds, decisions, header, waybill, ambiguous, attachments, outbound, seal, contradicting, callActions] = await Promise.all([
    ctx.loaders.holds.load(order.rowId),
    ctx.loaders.decisions.load(order.rowId),
    quietly(ctx.loaders.erpOrder.load(order.erpOrderNo)),
    order.tmsWaybillNo ? quietly(ctx.loaders.waybill.load(order.tmsWaybillNo)) : null,
    ctx.loaders.ambiguousOutbounds.load(order.erpOrderNo),
    attachmentsOf(order, ctx, strict),
    order.wmsOutboundNo ? quietly(ctx.loaders.outbound.load(order.wmsOutboundNo)) : null,
    order.wmsOutboundNo ? ctx.loaders.seal.load(order.wmsOutboundNo) : null,
    ctx.loaders.contradictingDocuments.load(order.erpOrderNo),
    ctx.loaders.callActionsByOrder.load(order.rowId),
  ]);
  return {
    status: order.status,
    missingNodes: order.lifecycle.missing,
    hasOutbound: order.wmsOutboundNo != null,
    paidAt: order.lifecycle.nodes[0].at,
    holds: holds ?? [],
    decisions: decisions ?? [],
    promisedAt: header?.promisedAt ? Date.parse(header.promisedAt) : null,
    shipment: waybill
      ? { status: waybill.status, exception: waybill.exception, exceptionAt: (() => { const e = waybill.events.find((x) => x.code === 'EXCEPTION'); return e ? Date.parse(e.at) : null; })() }
      : null,
    ambiguousOutbounds: ambiguous ?? [],
    contradictingDocuments: contradicting ?? [],
    attachments: attachments && { outstanding: attachments.outstanding, source: attachments.source, since: order.orderedAt },
    picking:
      outbound && order.wmsOutboundNo
        ? { outboundNo: order.wmsOutboundNo, status: outbound.status, pickedAt: outbound.pickedAt ? Date.parse(outbound.pickedAt) : null, sealedAt: seal?.sealedAt ?? null, waybillNo: seal?.waybillNo ?? null }
        : null,
    callActions: callActions ?? [],
    now,
  };
}

/** The order's blockers as the graph answers them, now. */
export async function blockersOf(order: HubOrder, ctx: Context): Promise<Blocker[]> {
  return computeBlockers(await blockerInputsOf(order, ctx, Date.now()));
}

/** A hold decided (or refused with userErrors, which wrote nothing): its events go out now. */
async function decided<T>(outcome: Promise<T>): Promise<T> {
  const result = await outcome;
  hubWritten();
  return result;
}

export const ruleResolvers: Resolvers = {
  Query: {
    rules: (_root, _args, ctx) => ctx.rules.list(),
    rule: (_root, { id }, ctx) => ctx.rules.get(id),
    holds: (_root, { state, first }, ctx) => ctx.ledger.listHolds(state ?? null, parsePageSize(first)),
    outbox: async (_root, { state, orderId, first }, ctx) => {
      const order = orderId ? await findOrder(orderId, ctx) : null;
      if (orderId && !order) return [];
      return ctx.ledger.listOutbox(state ?? null, parsePageSize(first), order?.rowId ?? null);
    },
    auditLog: (_root, { entity, entityId, first }, ctx) => ctx.ledger.audit(entity, entityId ?? null, parsePageSize(first)),
    simulateRule: async (_root, { rule: input, from, to, first, maxOrders }, ctx): Promise<SimulationView> => {
      const size = parsePageSize(first);
      const limit = maxOrders ?? MAX_SIMULATED_ORDERS;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SIMULATED_ORDERS) {
        throw badInput({ zh: `maxOrders 须在 1 到 ${MAX_SIMULATED_ORDERS} 之间`, en: `maxOrders must be between 1 and ${MAX_SIMULATED_ORDERS}` }, { argument: 'maxOrders' });
      }
      const start = requireInstant(from, 'from');
      const end = requireInstant(to, 'to');
      if (end <= start || end - start > MAX_SIMULATION_DAYS * 86_400_000) {
        throw badInput({ zh: `from 须早于 to，且区间不超过 ${MAX_SIMULATION_DAYS} 天`, en: `from must be before to, at most ${MAX_SIMULATION_DAYS} days apart` }, { argument: 'to' });
      }
      const checked = validateRule(input);
      const empty = { evaluated: 0, truncated: false, affected: 0, affectedNow: null, newlyAffected: [], noLongerAffected: [], effectCounts: [], orders: [] };
      if (!checked.ok) return { rule: null, userErrors: checked.errors, ...empty };
      const saved = input.id ? await ctx.rules.get(input.id) : null;
      if (saved && saved.kind !== checked.rule.kind) {
        return { rule: null, userErrors: [{ code: 'KIND_IMMUTABLE', field: ['kind'], messageZh: `规则 ${saved.id} 的类型不能改变`, messageEn: `Rule ${saved.id}'s kind cannot change` }], ...empty };
      }
      const candidate: Rule = { ...checked.rule, version: (saved?.version ?? 0) + 1, updatedBy: ctx.caller.subject, updatedAt: Date.now() };
      const run = await ctx.engine.simulate([{ ...candidate, compiled: checked.compiled }, ...(saved ? [compile(saved)] : [])], start, end, limit);
      const [firedNew, firedNow] = run.fired;
      const before = new Set(firedNow?.map((f) => f.erpOrderNo) ?? []);
      const after = new Set(firedNew.map((f) => f.erpOrderNo));
      return {
        rule: candidate,
        userErrors: [],
        evaluated: run.evaluated,
        truncated: run.truncated,
        affected: firedNew.length,
        affectedNow: firedNow ? firedNow.length : null,
        newlyAffected: firedNow ? [...after].filter((n) => !before.has(n)) : [],
        noLongerAffected: [...before].filter((n) => !after.has(n)),
        effectCounts: countEffects(firedNew),
        orders: firedNew.slice(0, size),
      };
    },
  },
  Mutation: {
    upsertRule: (_root, { input }, ctx) => ctx.rules.upsert(input, ctx.caller),
    setRuleEnabled: (_root, { id, enabled }, ctx) => ctx.rules.setEnabled(id, enabled, ctx.caller),
    evaluateOrder: async (_root, { id }, ctx) => {
      const order = await findOrder(id, ctx);
      if (!order) throw appError(ErrorCode.NOT_FOUND, { zh: `找不到订单 ${id}`, en: `No order ${id}` }, { argument: 'id' });
      const evaluation = await ctx.engine.evaluateOne({ id: order.rowId, erpOrderNo: order.erpOrderNo }, ctx.caller);
      hubWritten();
      ctx.loaders.decisions.clear(order.rowId);
      ctx.loaders.holds.clear(order.rowId);
      ctx.loaders.adjustments.clear(order.rowId);
      return { order, fired: evaluation ? toDecisions(evaluation, Date.now()) : [] };
    },
    approveHold: (_root, { id, reason }, ctx) => decided(ctx.ledger.decideHold(holdId(id), 'APPROVED', reason, ctx.caller)),
    rejectHold: (_root, { id, reason }, ctx) => decided(ctx.ledger.decideHold(holdId(id), 'REJECTED', reason, ctx.caller)),
    confirmAttachments: async (_root, { orderId, attachments }, ctx) => {
      requireRole(ctx, ['warehouse', 'ops', 'sales'], 'confirmAttachments');
      const order = await findOrder(orderId, ctx, 'orderId');
      if (!order) throw appError(ErrorCode.NOT_FOUND, { zh: `找不到订单 ${orderId}`, en: `No order ${orderId}` }, { argument: 'orderId' });
      const before = await attachmentsOf(order, ctx);
      if (!before) throw appError(ErrorCode.UPSTREAM_UNAVAILABLE, { zh: 'ERP 暂时不可用，无法确认订单要求的随货资料', en: 'The ERP is unavailable; the documents the order requires cannot be checked' }, { system: 'ERP' });
      const userErrors = [];
      if (!attachments.length) userErrors.push({ code: 'EMPTY', field: ['attachments'], messageZh: '请至少确认一份资料', messageEn: 'Confirm at least one document' });
      const notRequired = attachments.filter((a) => !before.required.includes(a));
      if (notRequired.length) {
        userErrors.push({
          code: 'NOT_REQUIRED',
          field: ['attachments'],
          messageZh: `订单不要求随货附 ${notRequired.map((a) => ATTACHMENT_LABELS[a].zh).join('、')}`,
          messageEn: `The order does not require ${notRequired.map((a) => ATTACHMENT_LABELS[a].en).join(', ')}`,
        });
      }
      if (userErrors.length) return { order, attachments: before, userErrors };
      await ctx.attachments.confirm(order, attachments, ctx.caller);
      hubWritten();
      ctx.loaders.attachmentConfirmations.clear(order.rowId);
      return { order, attachments: await attachmentsOf(order, ctx), userErrors: [] };
    },
  },
  Order: {
    decisions: async (order, _args, ctx) => (await ctx.loaders.decisions.load(order.rowId)) ?? [],
    holds: async (order, _args, ctx) => (await ctx.loaders.holds.load(order.rowId)) ?? [],
    onHold: async (order, _args, ctx) => ((await ctx.loaders.holds.load(order.rowId)) ?? []).some((h) => h.state !== 'APPROVED'),
    adjustments: async (order, _args, ctx) => (await ctx.loaders.adjustments.load(order.rowId)) ?? [],
    payableAmount: async (order, _args, ctx) => {
      if (order.totalAmount == null) return null;
      const adjustments = (await ctx.loaders.adjustments.load(order.rowId)) ?? [];
      return formatFen(Math.max(0, toFen(order.totalAmount)! + adjustments.reduce((s, a) => s + a.amountFen, 0)));
    },
    promise: async (order, _args, ctx) => {
      const [header, decisions] = await Promise.all([ctx.loaders.erpOrder.load(order.erpOrderNo), ctx.loaders.decisions.load(order.rowId)]);
      return effectivePromise(header?.promisedAt ? Date.parse(header.promisedAt) : null, decisions ?? []);
    },
    attachments: (order, _args, ctx) => attachmentsOf(order, ctx),
    blockers: (order, _args, ctx) => blockersOf(order, ctx),
    currentBlocker: async (order, _args, ctx) => currentBlocker(await blockersOf(order, ctx)),
  },
  Rule: {
    updatedAt: (r) => iso(r.updatedAt)!,
    audit: (r, { first }, ctx) => ctx.ledger.audit('RULE', r.id, parsePageSize(first)),
  },
  AuditEntry: {
    at: (a) => iso(a.at)!,
  },
  AttachmentConfirmation: {
    confirmedAt: (c) => iso(c.confirmedAt)!,
  },
  RuleDecision: {
    explanationZh: (d) => d.facts.explanation?.zh ?? '',
    explanationEn: (d) => d.facts.explanation?.en ?? '',
    facts: (d) => {
      const { explanation: _explanation, supersededBy: _superseded, ...facts } = d.facts;
      return facts;
    },
    supersededBy: (d) => d.facts.supersededBy ?? null,
    evaluatedAt: (d) => iso(d.evaluatedAt)!,
    firstFiredAt: (d) => iso(d.firstFiredAt),
  },
  RuleEffect: {
    detail: (e) => {
      const { type: _type, ...detail } = e;
      // Times leave the graph as ISO 8601, here as everywhere.
      return 'promisedAt' in detail ? { ...detail, promisedAt: iso(detail.promisedAt) } : detail;
    },
  },
  Hold: {
    id: (h) => String(h.id),
    order: (h, _args, ctx) => ctx.loaders.orderByRowId.load(h.orderId),
    createdAt: (h) => iso(h.createdAt)!,
    decidedAt: (h) => iso(h.decidedAt),
  },
  PriceAdjustment: {
    amount: (a) => formatFen(a.amountFen),
  },
  DeliveryPromise: {
    promisedAt: (p) => iso(p.promisedAt),
    correctedPromisedAt: (p) => iso(p.correctedPromisedAt),
    textZh: (p) => p.text?.zh ?? null,
    textEn: (p) => p.text?.en ?? null,
    correctedByRules: (p) => p.correctedBy,
  },
  Blocker: {
    since: (b) => iso(b.since),
    expectedBy: (b) => iso(b.expectedBy),
    expectedResolutionZh: (b) => b.expectedResolution?.zh ?? null,
    expectedResolutionEn: (b) => b.expectedResolution?.en ?? null,
    messageZh: (b) => b.message.zh,
    messageEn: (b) => b.message.en,
  },
  CustomerBlocker: {
    since: (b) => iso(b.since),
    expectedBy: (b) => iso(b.expectedBy),
    messageZh: (b) => b.customerMessage!.zh,
    messageEn: (b) => b.customerMessage!.en,
  },
  SimulatedDecision: {
    order: (s, _args, ctx) => ctx.loaders.orderByErpNo.load(s.erpOrderNo),
    explanationZh: (s) => s.verdict.explanation.zh,
    explanationEn: (s) => s.verdict.explanation.en,
    facts: (s) => s.verdict.facts,
    effects: (s) => s.verdict.effects,
  },
  OutboxMessage: {
    id: (m) => String(m.id),
    createdAt: (m) => iso(m.createdAt)!,
    deliveredAt: (m) => iso(m.deliveredAt),
    nextAttemptAt: (m) => (m.state === 'PENDING' ? iso(m.nextAttemptAt) : null),
    order: (m, _args, ctx) => (m.orderId == null ? null : ctx.loaders.orderByRowId.load(m.orderId)),
  },
};
