// Thin: each field picks a loader and maps; no SQL, no business rule.
import type { Resolvers } from '../../../codegen/generated/erp.js';
import { DateTimeScalar, MoneyScalar } from '../../../common/src/scalars.js';
import { lazyFields, need } from '../../../common/src/loader.js';
import { mayRead } from '../../../common/src/caller.js';
import { requireInstant, requireRole } from '../../../common/src/arguments.js';
import { appError, badInput, ErrorCode } from '../../../common/src/errors.js';
import { formatBeijing } from '../../../common/src/time.js';
import { createHash } from 'node:crypto';
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

/** Requisition numbers of one key: QG-PS- and ten hex digits of its hash, then -01, -02 … per line. */
const requisitionPrefix = (key: string) => `QG-PS-${createHash('sha256').update(key).digest('hex').slice(0, 10).toUpperCase()}`;

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
    raiseRequisitions: async (_root, { input }, ctx) => {
      requireRole(ctx, ['ops', 'director'], 'raiseRequisitions');
      if (input.clientKey.length < 8 || input.clientKey.length > 60) throw badInput({ zh: 'clientKey 须为 8–60 个字符', en: 'clientKey must be 8–60 characters' }, { argument: 'clientKey' });
      const requiredBy = requireInstant(input.requiredBy, 'input.requiredBy');
      const now = formatBeijing(Date.now());
      const result = await ctx.erp.raiseRequisitions({
        key: input.clientKey,
        codePrefix: requisitionPrefix(input.clientKey),
        warehouseCode: input.warehouseCode,
        requiredOn: formatBeijing(requiredBy),
        maker: ctx.caller.subject,
        now,
        lines: input.lines.map((l) => ({ skuCode: l.skuCode, quantity: l.quantity, memo: input.memo })),
      });
      // The same key asking for other goods is a client bug, not a retry: nothing is written.
      const asked = input.lines.map((l) => `${input.warehouseCode}|${l.skuCode}|${l.quantity}`).sort().join(',');
      const made = result.requisitions.map((r) => `${r.warehouseCode}|${r.skuCode}|${r.quantity}`).sort().join(',');
      if (!result.created && asked !== made) {
        throw appError(ErrorCode.CONFLICT, { zh: `clientKey 已用于另一组请购（${result.requisitions.map((r) => r.code).join('、')}）`, en: `clientKey was already used for other requisitions (${result.requisitions.map((r) => r.code).join(', ')})` }, { argument: 'clientKey' });
      }
      return result;
    },
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
