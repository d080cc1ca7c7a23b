// Thin: each field picks a loader and maps; no HTTP, no business rule.
import type { Resolvers } from '../../../codegen/generated/tms.js';
import { DateTimeScalar } from '../../../common/src/scalars.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Shipment: {
    __resolveReference: (ref, ctx) => ctx.loaders.waybill.load(ref.waybillNo),
  },
};
