// One order by any of its numbers, as the caller may see it: shared by order(id:) and the pick flow.
import { mayRead } from '../../../common/src/caller.js';
import type { HubOrder } from './datasource.js';
import { parseOrderId } from './arguments.js';
import type { Context } from './context.js';

/** What a lookup needs of a request: the caller and the hub's order loaders (order-link's, or a hub worker's own). */
export type OrderLookup = Pick<Context, 'caller'> & { loaders: Pick<Context['loaders'], 'orderByRowId' | 'orderByErpNo' | 'orderIdByDocument'> };

/** Another customer's order is answered like an unknown one: its existence is not given away. */
export const visible = (order: HubOrder | null, ctx: Pick<Context, 'caller'>) => (order && mayRead(ctx.caller, order.customerCode) ? order : null);

/** Null for a well-formed number nobody has; BAD_USER_INPUT (naming `argument`) for one that is no order number. */
export async function findOrder(id: string, ctx: OrderLookup, argument = 'id'): Promise<HubOrder | null> {
  const { kind, canonical, rowId } = parseOrderId(id, argument);
  if (kind === 'ORDER') return visible(await ctx.loaders.orderByRowId.load(rowId!), ctx);
  if (kind === 'ERP') return visible(await ctx.loaders.orderByErpNo.load(canonical), ctx);
  const orderRowId = await ctx.loaders.orderIdByDocument.load(`${kind}:${canonical}`);
  return orderRowId == null ? null : visible(await ctx.loaders.orderByRowId.load(orderRowId), ctx);
}
