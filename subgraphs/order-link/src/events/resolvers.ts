// The order event log in the graph: an order's events, the log across orders (staff and BI), and
// one event with its order — the query each subscription event is delivered through (the gateway
// runs it per event as the subscriber, so it is answered exactly like any query).
import DataLoader from 'dataloader';
import type { Resolvers } from '../../../../codegen/generated/order-link.js';
import { appError, badInput, ErrorCode } from '../../../../common/src/errors.js';
import { formatHubOrderId } from '../../../../common/src/docno.js';
import { toIsoBeijing } from '../../../../common/src/time.js';
import { mayRead } from '../../../../common/src/caller.js';
import type { Context } from '../context.js';
import { visible } from '../find-order.js';
import { blockerShownTo, describeEvent, eventDocumentNo, type Audience } from './text.js';
import type { OrderEventRow } from './log.js';

const MAX_EVENTS = 500;

/** An event id (a position in the log) as given by a client; `argument` names it in the error. */
export function parsePosition(value: string | null | undefined, argument: string): number {
  if (value == null || value === '') return 0;
  if (!/^\d{1,15}$/.test(value)) {
    throw badInput({ zh: `${argument} 应为事件 ID（OrderEvent.id，一个非负整数），收到「${value.slice(0, 40)}」`, en: `${argument} must be an event id (OrderEvent.id, a non-negative integer); got "${value.slice(0, 40)}"` }, { argument });
  }
  return Number(value);
}

function pageSize(first: number | null | undefined): number {
  const n = first ?? 100;
  if (!Number.isInteger(n) || n < 0 || n > MAX_EVENTS) {
    throw badInput({ zh: `first 必须在 0 到 ${MAX_EVENTS} 之间（收到 ${n}）`, en: `first must be between 0 and ${MAX_EVENTS} (got ${n})` }, { argument: 'first', max: MAX_EVENTS });
  }
  return n;
}

/** Per request: events by position, and orders' events by (after, first), each batched. */
const loaders = new WeakMap<Context, { byPosition: DataLoader<number, OrderEventRow | null>; ofOrder: DataLoader<string, OrderEventRow[]> }>();
function eventLoaders(ctx: Context) {
  let l = loaders.get(ctx);
  if (!l) {
    l = {
      byPosition: new DataLoader((keys) => ctx.events.byPositions(keys)),
      // Key `rowId:after:first`; one read per distinct (after, first), all orders at once.
      ofOrder: new DataLoader(async (keys) => {
        const groups = new Map<string, number[]>();
        for (const k of keys) {
          const [id, rest] = [Number(k.split(':')[0]), k.slice(k.indexOf(':') + 1)];
          groups.set(rest, [...(groups.get(rest) ?? []), id]);
        }
        const out = new Map<string, OrderEventRow[]>();
        for (const [rest, ids] of groups) {
          const [after, first] = rest.split(':').map(Number);
          const lists = await ctx.events.ofOrders(ids, after, first);
          ids.forEach((id, i) => out.set(`${id}:${rest}`, lists[i]));
        }
        return keys.map((k) => out.get(k) ?? []);
      }),
    };
    loaders.set(ctx, l);
  }
  return l;
}

const str = (v: unknown) => (v == null ? null : String(v));

const audienceOf = (ctx: Context): Audience => (ctx.caller.role === 'customer' ? 'customer' : 'staff');

const MAX_UPDATES = 100;

/** One event with its order, as the caller may see it: another customer's is answered like one that does not exist. */
async function updateOf(event: string, ctx: Context) {
  const position = parsePosition(event, 'event');
  const row = position ? await eventLoaders(ctx).byPosition.load(position) : null;
  if (!row) return null;
  if (!mayRead(ctx.caller, row.customerCode)) return null;
  return { event: row, order: visible(await ctx.loaders.orderByRowId.load(row.orderRowId), ctx) };
}

export const eventResolvers: Resolvers = {
  Query: {
    orderEventLog: async (_root, { after, filter, first }, ctx) => {
      if (ctx.caller.role === 'customer') throw appError(ErrorCode.FORBIDDEN, { zh: '客户无权查看全部订单事件', en: 'Customers may not read the event log of all orders' });
      const from = parsePosition(after, 'after');
      const size = pageSize(first);
      const { events, head } = await ctx.events.feed(from, filter ?? {}, size + 1);
      const page = events.slice(0, size);
      const more = events.length > size;
      const last = page.length ? page[page.length - 1].position : from;
      return {
        events: page,
        hasMore: more || last < head,
        // Nothing (more) matched: the log's end, so a reader does not scan the same stretch again.
        endCursor: String(more || size === 0 ? last : Math.max(last, head)),
        logEnd: String(head),
      };
    },
    orderUpdate: (_root, { event }, ctx) => updateOf(event, ctx),
    orderUpdates: (_root, { events }, ctx) => {
      if (events.length > MAX_UPDATES) {
        throw badInput({ zh: `一次最多 ${MAX_UPDATES} 个事件（收到 ${events.length} 个）`, en: `At most ${MAX_UPDATES} events at once (got ${events.length})` }, { argument: 'events', max: MAX_UPDATES });
      }
      // One read of the events and one of their orders for all of them (the loaders batch).
      return Promise.all(events.map((e) => updateOf(e, ctx)));
    },
  },
  Order: {
    events: (order, { after, first }, ctx) => eventLoaders(ctx).ofOrder.load(`${order.rowId}:${parsePosition(after, 'after')}:${pageSize(first)}`),
  },
  OrderEvent: {
    id: (e) => String(e.position),
    orderId: (e) => formatHubOrderId(e.orderRowId),
    sequence: (e) => e.seq,
    type: (e) => e.type as any,
    source: (e) => e.system as any,
    at: (e) => toIsoBeijing(e.at),
    recordedAt: (e) => toIsoBeijing(Math.floor(e.recordedUs / 1000))!,
    stage: (e) => (str(e.detail.stage) as any) ?? null,
    documentNo: (e, _args, ctx) => eventDocumentNo(e, audienceOf(ctx)),
    // Which rule held an order, and a blocker only staff see, are staff's to know: a customer reads them in words (describeEvent).
    code: (e, _args, ctx) => {
      const audience = audienceOf(ctx);
      return (audience === 'customer' && e.type.startsWith('HOLD_')) || !blockerShownTo(e, audience) ? null : str(e.detail.code ?? e.detail.ruleId);
    },
    messageZh: (e, _args, ctx) => describeEvent(e, audienceOf(ctx)).zh,
    messageEn: (e, _args, ctx) => describeEvent(e, audienceOf(ctx)).en,
  },
};
