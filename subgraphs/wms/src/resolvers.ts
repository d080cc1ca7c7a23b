// Thin: each field picks a loader and maps; no SQL, no business rule.
import type { Resolvers } from '../../../codegen/generated/wms.js';
import { DateScalar, DateTimeScalar } from '../../../common/src/scalars.js';
import { batchKey } from '#adapters/wms';
import { mayRead } from '../../../common/src/caller.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Outbound: {
    __resolveReference: async (ref, ctx) => {
      const outbound = await ctx.loaders.outbound.load(ref.outboundNo);
      return outbound && mayRead(ctx.caller, outbound.customerCode) ? outbound : null;
    },
    lines: async (outbound, _args, ctx) => (await ctx.loaders.lines.load(outbound.outboundNo)) ?? [],
  },
  OutboundLine: {
    sku: (line) => ({ code: line.skuCode }),
    expiresOn: (line, _args, ctx) => ctx.loaders.expiry.load(batchKey(line.skuCode, line.batchNo)),
  },
  Sku: {
    // WMS knows every SKU the ERP sells, even with no stock: an empty batch list is an answer.
    __resolveReference: (ref) => ({ code: ref.code }),
    batches: async (sku, _args, ctx) => (await ctx.loaders.stock.load(sku.code)) ?? [],
    availableQuantity: async (sku, _args, ctx) =>
      ((await ctx.loaders.stock.load(sku.code)) ?? []).reduce((sum, b) => sum + Math.max(0, b.availableQuantity), 0),
  },
};
