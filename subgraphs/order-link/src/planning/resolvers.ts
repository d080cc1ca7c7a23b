// Purchase planning in the graph: thin over the planner and the requisitions writer.
import type { Resolvers } from '../../../../codegen/generated/order-link.js';
import { requireRole } from '../../../../common/src/arguments.js';

export const planningResolvers: Resolvers = {
  Query: {
    purchaseSuggestions: async (_root, { warehouse, weekStarting }, ctx) => {
      requireRole(ctx, ['ops', 'director', 'finance'], 'purchaseSuggestions');
      return ctx.planning.planner.plan(warehouse, weekStarting);
    },
  },
  Mutation: {
    createRequisitions: async (_root, args, ctx) => {
      requireRole(ctx, ['ops', 'director'], 'createRequisitions');
      return ctx.planning.requisitions.create(args, ctx.caller);
    },
  },
  PurchasePlan: {
    warnings: (plan) => plan.warnings.map((w) => ({ messageZh: w.zh, messageEn: w.en })),
  },
  PurchaseSuggestion: {
    sku: (s) => ({ code: s.skuCode }),
  },
  PurchaseRequisition: {
    sku: (r) => ({ code: r.skuCode }),
  },
  DueCustomer: {
    customer: (c) => ({ code: c.customerCode }),
    expectedOrders: (c) => Math.round(c.orders * 100) / 100,
  },
};
