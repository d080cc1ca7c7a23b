// Thin: each field picks a loader and maps; no SQL, no business rule.
import type { Resolvers } from '../../../codegen/generated/erp.js';
import { DateTimeScalar, MoneyScalar } from '../../../common/src/scalars.js';
import { lazyFields, need } from '../../../common/src/loader.js';
import { mayRead } from '../../../common/src/caller.js';
import { requireInstant, requireRole } from '../../../common/src/arguments.js';
import { REQUIREMENT_FIELDS, type OrderRequirements } from '../../../common/src/requirements.js';
import type { CustomerRecord, SkuRecord } from '#adapters/erp';
import type { Context } from './context.js';

const customerFields = lazyFields<CustomerRecord, 'name' | 'grade' | 'creditLine' | 'phone'>(
  (ctx: Context) => ctx.loaders.customer,
  '客户/customer',
  ['name', 'grade', 'creditLine', 'phone'],
);
const skuFields = lazyFields<SkuRecord, 'name' | 'nameEn' | 'spec' | 'category' | 'unit' | 'listPrice' | 'shelfLifeMonths' | 'isService' | 'gtin'>(
  (ctx: Context) => ctx.loaders.sku,
  '商品/SKU',
  ['name', 'nameEn', 'spec', 'category', 'unit', 'listPrice', 'shelfLifeMonths', 'isService', 'gtin'],
);

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Money: MoneyScalar,
  Order: {
    // Defence in depth behind order-link's scoping: a customer never resolves another's order.
    __resolveReference: async (ref, ctx) => {
      const order = await ctx.loaders.order.load(ref.erpOrderNo);
      return order && mayRead(ctx.caller, order.customerCode) ? order : null;
    },
    store: (order, _args, ctx) => need(ctx.loaders.store, order.storeCode, '门店/store'),
    customer: (order) => ({ code: order.customerCode }),
    lines: async (order, _args, ctx) => (await ctx.loaders.lines.load(order.erpOrderNo)) ?? [],
    requirements: (order, _args, ctx) => ctx.loaders.requirements.load(order.erpOrderNo),
  },
  Mutation: {
    createSalesOrder: async (_root, { input }, ctx) => {
      requireRole(ctx, ['sales', 'ops'], 'createSalesOrder');
      const { requirements } = input;
      return ctx.erp.createSalesOrder({
        ...input,
        orderedAt: requireInstant(input.orderedAt, 'input.orderedAt'),
        promisedAt: input.promisedAt == null ? null : requireInstant(input.promisedAt, 'input.promisedAt'),
        remark: input.remark ?? null,
        contactName: input.contactName ?? null,
        contactMobile: input.contactMobile ?? null,
        shipAddress: input.shipAddress ?? null,
        // GraphQL leaves an absent field undefined; a requirement not recorded is null.
        requirements: Object.fromEntries(REQUIREMENT_FIELDS.map((f) => [f, requirements[f] ?? null])) as unknown as OrderRequirements,
      });
    },
  },
  OrderLine: {
    sku: (line) => ({ code: line.skuCode }),
  },
  Customer: {
    // Existence is checked here so that an unknown code resolves to null, not to a half-object.
    __resolveReference: async (ref, ctx) => (mayRead(ctx.caller, ref.code) && (await ctx.loaders.customer.load(ref.code)) ? { code: ref.code } : null),
    ...customerFields,
    homeStore: async (ref, _args, ctx) => {
      const customer = await need(ctx.loaders.customer, ref.code, '客户/customer');
      return customer.homeStoreCode ? ctx.loaders.store.load(customer.homeStoreCode) : null;
    },
  },
  Sku: {
    __resolveReference: async (ref, ctx) => ((await ctx.loaders.sku.load(ref.code)) ? { code: ref.code } : null),
    ...skuFields,
  },
};
