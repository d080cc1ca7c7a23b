// The rule engine in the graph: thin resolvers over the rule store, the engine and the ledger.
import type { Resolvers } from '../../../../codegen/generated/order-link.js';
import { appError, badInput, ErrorCode } from '../../../../common/src/errors.js';
import { formatFen, toFen } from '../../../../common/src/money.js';
import { parseIsoInstant, toIsoBeijing } from '../../../../common/src/time.js';
import { computeBlockers, currentBlocker, effectivePromise, type Blocker } from '../blockers.js';
import { parsePageSize } from '../arguments.js';
import type { HubOrder } from '../datasource.js';
import { findOrder } from '../find-order.js';
import type { Context } from '../context.js';
import { compile, validateRule, type Rule } from './store.js';
import { countEffects, toDecisions, type SimulationView } from './simulation.js';

const iso = (t: number | null | undefined) => toIsoBeijing(t ?? null);
const MAX_SIMULATION_DAYS = 92;

function instant(value: string, argument: string): number {
  const t = parseIsoInstant(value);
  if (t == null) throw badInput({ zh: `${argument} 不是合法时间「${value}」`, en: `${argument} "${value}" is not a valid time` }, { argument });
  return t;
}

function holdId(id: string): number {
  if (!/^\d{1,12}$/.test(id)) throw badInput({ zh: `暂停单编号「${id.slice(0, 40)}」无效`, en: `"${id.slice(0, 40)}" is not a hold id` }, { argument: 'id' });
  return Number(id);
}

/** The facts a blocker needs that other systems hold; an unreachable system leaves its part out rather than failing the list. */
async function blockersOf(order: HubOrder, ctx: Context): Promise<Blocker[]> {
  const quietly = <T>(p: Promise<T>) => p.catch(() => null);
  const [holds, decisions, header, waybill, ambiguous] = await Promise.all([
    ctx.loaders.holds.load(order.rowId),
    ctx.loaders.decisions.load(order.rowId),
    quietly(ctx.loaders.erpOrder.load(order.erpOrderNo)),
    order.tmsWaybillNo ? quietly(ctx.loaders.waybill.load(order.tmsWaybillNo)) : null,
    ctx.loaders.ambiguousOutbounds.load(order.erpOrderNo),
  ]);
  return computeBlockers({
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
    now: Date.now(),
  });
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
    simulateRule: async (_root, { rule: input, from, to, first }, ctx): Promise<SimulationView> => {
      const size = parsePageSize(first);
      const start = instant(from, 'from');
      const end = instant(to, 'to');
      if (end <= start || end - start > MAX_SIMULATION_DAYS * 86_400_000) {
        throw badInput({ zh: `from 须早于 to，且区间不超过 ${MAX_SIMULATION_DAYS} 天`, en: `from must be before to, at most ${MAX_SIMULATION_DAYS} days apart` }, { argument: 'to' });
      }
      const checked = validateRule(input);
      const empty = { evaluated: 0, affected: 0, affectedNow: null, newlyAffected: [], noLongerAffected: [], effectCounts: [], orders: [] };
      if (!checked.ok) return { rule: null, userErrors: checked.errors, ...empty };
      const saved = input.id ? await ctx.rules.get(input.id) : null;
      if (saved && saved.kind !== checked.rule.kind) {
        return { rule: null, userErrors: [{ code: 'KIND_IMMUTABLE', field: ['kind'], messageZh: `规则 ${saved.id} 的类型不能改变`, messageEn: `Rule ${saved.id}'s kind cannot change` }], ...empty };
      }
      const candidate: Rule = { ...checked.rule, version: (saved?.version ?? 0) + 1, updatedBy: ctx.caller.subject, updatedAt: Date.now() };
      const run = await ctx.engine.simulate([{ ...candidate, compiled: checked.compiled }, ...(saved ? [compile(saved)] : [])], start, end);
      const [firedNew, firedNow] = run.fired;
      const before = new Set(firedNow?.map((f) => f.erpOrderNo) ?? []);
      const after = new Set(firedNew.map((f) => f.erpOrderNo));
      return {
        rule: candidate,
        userErrors: [],
        evaluated: run.evaluated,
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
      ctx.loaders.decisions.clear(order.rowId);
      ctx.loaders.holds.clear(order.rowId);
      ctx.loaders.adjustments.clear(order.rowId);
      return { order, fired: evaluation ? toDecisions(evaluation, Date.now()) : [] };
    },
    approveHold: (_root, { id, reason }, ctx) => ctx.ledger.decideHold(holdId(id), 'APPROVED', reason, ctx.caller),
    rejectHold: (_root, { id, reason }, ctx) => ctx.ledger.decideHold(holdId(id), 'REJECTED', reason, ctx.caller),
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
