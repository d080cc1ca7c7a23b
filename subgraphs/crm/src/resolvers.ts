// Thin: each field picks a loader and maps; no HTTP, no business rule.
import type { Resolvers } from '../../../codegen/generated/crm.js';
import { DateTimeScalar } from '../../../common/src/scalars.js';
import { mayRead } from '../../../common/src/caller.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Customer: {
    // A customer the CRM never heard of still exists in ERP: answer with empty CRM fields.
    __resolveReference: (ref, ctx) => (mayRead(ctx.caller, ref.code) ? { code: ref.code } : null),
    level: async (c, _args, ctx) => (await ctx.loaders.customer.load(c.code))?.level ?? null,
    tags: async (c, _args, ctx) => (await ctx.loaders.customer.load(c.code))?.tags ?? [],
    satisfaction: async (c, _args, ctx) => (await ctx.loaders.customer.load(c.code))?.satisfaction ?? null,
  },
  Order: {
    __resolveReference: (ref) => ({ erpOrderNo: ref.erpOrderNo }),
    tickets: async (order, _args, ctx) => ((await ctx.loaders.tickets.load(order.erpOrderNo)) ?? []).filter((t) => mayRead(ctx.caller, t.customerCode)),
  },
};
