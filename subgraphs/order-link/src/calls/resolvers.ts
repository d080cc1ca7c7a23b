// Thin: service calls and what their intents did, through batched loaders.
import type { Resolvers } from '../../../../codegen/generated/order-link.js';
import { mayRead } from '../../../../common/src/caller.js';
import { badInput } from '../../../../common/src/errors.js';
import { toIsoBeijing } from '../../../../common/src/time.js';
import type { Span } from '#text';
import type { CallRecord } from './store.js';
import type { Context } from '../context.js';

const iso = (t: number) => toIsoBeijing(t)!;
const span = (c: CallRecord, s: Span) => ({ start: s[0], end: s[1], text: c.transcript.slice(s[0], s[1]) });

export const callResolvers: Resolvers = {
  Query: {
    callIntents: async (_root, { callId }, ctx) => {
      // Null for a well-formed call id the hub has not read; refused for one that is no call id.
      if (!/^[A-Za-z0-9_-]{1,40}$/.test(callId)) {
        throw badInput({ zh: `「${callId.slice(0, 40)}」不是来电编号（如 CL202511080001）`, en: `"${callId.slice(0, 40)}" is not a call id (such as CL202511080001)` }, { argument: 'callId' });
      }
      const call = await ctx.loaders.call.load(callId);
      return call && (!call.customerCode || mayRead(ctx.caller, call.customerCode)) ? call : null;
    },
  },
  Order: {
    calls: async (order, _args, ctx) => (await ctx.loaders.callsByOrder.load(order.rowId)) ?? [],
    pickPriority: async (order, _args, ctx) => {
      const raised = ((await ctx.loaders.callActionsByOrder.load(order.rowId)) ?? []).find((a) => a.action === 'PRIORITY_RAISED');
      return raised ? { level: 'RAISED', raisedAt: iso(raised.createdAt), byCall: raised.callId } : { level: 'NORMAL', raisedAt: null, byCall: null };
    },
  },
  ServiceCall: {
    startedAt: (c) => iso(c.startedAt),
    readAt: (c) => iso(c.readAt),
    intents: (c) => c.intents.map((i) => ({ intent: i.intent, confidence: i.confidence, evidence: i.evidence.map((e) => ({ cue: e.cue, span: span(c, e.span) })) })),
    setAside: (c) => c.setAside.map((s) => ({ intent: s.intent, cue: s.cue, reason: s.reason, span: span(c, s.span) })),
    orderRef: (c) => c.orderRef?.canonical ?? null,
    newAddress: (c) => (c.newAddress ? { ...c.newAddress, span: span(c, c.newAddress.span) } : null),
    orders: async (c, _args, ctx) => {
      const ids = (await ctx.loaders.callOrderIds.load(c.callId)) ?? [];
      const orders = await ctx.loaders.orderByRowId.loadMany(ids);
      return orders.filter((o): o is Exclude<typeof o, Error | null> => !!o && !(o instanceof Error) && mayRead(ctx.caller, o.customerCode));
    },
    actions: async (c, _args, ctx) => (await ctx.loaders.callActionsByCall.load(c.callId)) ?? [],
  },
  CallAction: {
    intent: (a) => a.intent as any,
    action: (a) => a.action as any,
    messageZh: (a) => a.detail.zh,
    messageEn: (a) => a.detail.en,
    at: (a) => iso(a.createdAt),
    order: async (a, _args, ctx) => (await ctx.loaders.orderByRowId.load(a.orderId))!,
    hold: async (a, _args, ctx: Context) => (a.holdRuleId ? (((await ctx.loaders.holds.load(a.orderId)) ?? []).find((h) => h.ruleId === a.holdRuleId) ?? null) : null),
  },
};
