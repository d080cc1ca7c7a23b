// Thin: each field picks a loader and maps; no HTTP, no business rule.
import type { Resolvers } from '../../../codegen/generated/tms.js';
import { DateTimeScalar } from '../../../common/src/scalars.js';
import type { Context } from './context.js';
import type { Waybill } from '#adapters/tms';

const folded = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toUpperCase();

/**
 * Staff read every waybill; a customer only one whose consignee is their own name in the ERP.
 * The TMS does not take a link's word for it: a wrong link must not hand over another customer's parcel.
 */
async function mayReadWaybill(waybill: Waybill, ctx: Context): Promise<boolean> {
  if (ctx.caller.role !== 'customer') return true;
  const name = ctx.caller.customerCode ? await ctx.loaders.customerName.load(ctx.caller.customerCode) : null;
  return !!name && !!waybill.consignee && folded(waybill.consignee) === folded(name);
}

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Shipment: {
    __resolveReference: async (ref, ctx) => {
      const waybill = await ctx.loaders.waybill.load(ref.waybillNo);
      return waybill && (await mayReadWaybill(waybill, ctx)) ? waybill : null;
    },
  },
};
