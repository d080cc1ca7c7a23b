// Thin: arguments are validated, then each field picks a loader and maps.
import type { Resolvers } from '../../../codegen/generated/order-link.js';
import { DateScalar, DateTimeScalar } from '../../../common/src/scalars.js';
import { appError, ErrorCode } from '../../../common/src/errors.js';
import { toIsoBeijing } from '../../../common/src/time.js';
import type { HubUnlinkedDocument, ListCursor } from './datasource.js';
import { decodeCursor, encodeCursor, parseOrderFilter, parsePageSize, selects } from './arguments.js';
import { findOrder, visible } from './find-order.js';
import type { Context } from './context.js';
import { ruleResolvers } from './rules/resolvers.js';
import { healthResolvers } from './health/resolvers.js';
import { planningResolvers } from './planning/resolvers.js';
import { lineageResolvers } from './lineage-resolvers.js';
import { syncResolvers } from './linking/resolvers.js';
import { factResolvers } from './facts/resolvers.js';
import { tokenResolvers } from './tokens.js';
import { callResolvers } from './calls/resolvers.js';
import { eventResolvers } from './events/resolvers.js';

const isListCursor = (v: any): v is ListCursor => Number.isFinite(v?.at) && Number.isInteger(v?.id);
const isUnlinkedCursor = (v: any): v is { at: number; key: string } => Number.isFinite(v?.at) && typeof v?.key === 'string';

const UNLINKED_TEXT: Record<HubUnlinkedDocument['reason'], (d: HubUnlinkedDocument) => { zh: string; en: string }> = {
  REFERENCE_NOT_FOUND: (d) => ({
    zh: `单据引用的「${d.reference ?? ''}」在各系统中都找不到对应单据`,
    en: `The reference "${d.reference ?? ''}" names a document no system has`,
  }),
  AMBIGUOUS_MATCH: (d) => ({
    zh: `单据没有引用单号，且有 ${d.candidateOrderNos.length} 个订单同样符合（同客户、同日期、同商品）：${d.candidateOrderNos.join('、')}，需人工确认`,
    en: `No reference, and ${d.candidateOrderNos.length} orders fit equally (same customer, date and SKUs): ${d.candidateOrderNos.join(', ')}; a person must decide`,
  }),
  NO_MATCH: () => ({
    zh: '单据没有引用单号，也找不到符合的订单（同客户、两天内、同商品）',
    en: 'No reference, and no order fits (same customer, within two days, same SKUs)',
  }),
  OUTBOUND_UNLINKED: (d) => ({
    zh: `运单引用的出库单「${d.reference ?? ''}」本身未能关联到订单`,
    en: `The waybill names outbound "${d.reference ?? ''}", which is itself not linked to an order`,
  }),
  CUSTOMER_MISMATCH: (d) => ({
    zh: `出库单引用「${d.reference ?? ''}」，但收货客户 ${d.customerCode ?? ''} 不是订单 ${d.candidateOrderNos.join('、')} 的客户：未关联，需人工核对`,
    en: `The outbound names "${d.reference ?? ''}", but its consignee ${d.customerCode ?? ''} is not the customer of ${d.candidateOrderNos.join(', ')}: not linked, a person must check`,
  }),
  GOODS_MISMATCH: (d) => ({
    zh: `出库单引用「${d.reference ?? ''}」，但所出商品与订单 ${d.candidateOrderNos.join('、')} 没有一件相同：未关联，需人工核对`,
    en: `The outbound names "${d.reference ?? ''}", but carries none of the goods of ${d.candidateOrderNos.join(', ')}: not linked, a person must check`,
  }),
  CONSIGNEE_MISMATCH: (d) => ({
    zh: `运单引用「${d.reference ?? ''}」，但收货人和目的城市都与订单 ${d.candidateOrderNos.join('、')} 不符：未关联，需人工核对`,
    en: `The waybill names "${d.reference ?? ''}", but neither its consignee nor its destination city is that of ${d.candidateOrderNos.join(', ')}: not linked, a person must check`,
  }),
};

const linkResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: {
    order: (_root, { id }, ctx) => findOrder(id, ctx),
    orders: async (_root, { filter, first, after }, ctx, info) => {
      const size = parsePageSize(first);
      const query = parseOrderFilter(filter);
      const cursor = decodeCursor(after, isListCursor);
      if (ctx.caller.role === 'customer') {
        // A customer's list is its own, whatever the filter asks for.
        if (query.customerCode && query.customerCode !== ctx.caller.customerCode) return { edges: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } };
        query.customerCode = ctx.caller.customerCode;
      }
      const page = await ctx.hub.listOrders(query, size, cursor, selects(info, 'totalCount'));
      const edges = page.orders.map((order) => ({ node: order, cursor: encodeCursor({ at: order.orderedAt, id: order.rowId }) }));
      return {
        edges,
        totalCount: page.totalCount,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
      };
    },
    unlinkedDocuments: async (_root, { system, first, after }, ctx, info) => {
      // The gateway's policy refuses customers already; a subgraph does not rely on it alone.
      if (ctx.caller.role === 'customer') throw appError(ErrorCode.FORBIDDEN, { zh: '客户无权查看未关联单据', en: 'Customers may not list unlinked documents' });
      const size = parsePageSize(first);
      const cursor = decodeCursor(after, isUnlinkedCursor);
      const page = await ctx.hub.listUnlinked(system ?? null, size, cursor, selects(info, 'totalCount'));
      const edges = page.documents.map(({ doc, cursor: c }) => ({ node: doc, cursor: encodeCursor(c) }));
      return {
        edges,
        totalCount: page.totalCount,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
      };
    },
  },
  Order: {
    __resolveReference: async (ref, ctx) => {
      const order = 'id' in ref ? await findOrder(ref.id, ctx) : visible(await ctx.loaders.orderByErpNo.load(ref.erpOrderNo), ctx);
      // The ERP total arrives with the reference when payableAmount asks for it (@requires).
      return order && 'totalAmount' in ref ? { ...order, totalAmount: (ref as { totalAmount?: string | null }).totalAmount ?? null } : order;
    },
    links: async (order, _args, ctx) => [
      // The ERP order is the anchor every other document is joined to.
      { system: 'ERP', documentNo: order.erpOrderNo, method: 'REFERENCE', confidence: 1, reference: null, linkedAt: toIsoBeijing(order.createdAt)! },
      ...((await ctx.loaders.links.load(order.rowId)) ?? []),
    ],
    lifecycle: (order) =>
      order.lifecycle.nodes.map((n) => ({
        stage: n.stage,
        reached: n.reached,
        recorded: n.recorded,
        missing: n.missing,
        at: toIsoBeijing(n.at),
        sourceSystem: n.sourceSystem,
        sourceDocumentNo: n.sourceDocumentNo,
      })),
    missingNodes: (order) => order.lifecycle.missing,
    outbound: (order) => (order.wmsOutboundNo ? { outboundNo: order.wmsOutboundNo } : null),
    shipment: (order) => (order.tmsWaybillNo ? { waybillNo: order.tmsWaybillNo } : null),
  },
  UnlinkedDocument: {
    messageZh: (d) => UNLINKED_TEXT[d.reason](d).zh,
    messageEn: (d) => UNLINKED_TEXT[d.reason](d).en,
  },
};

/** Linking, the rules, health, facts, events and calls: one resolver map. */
/** What intake asks of order-link (@inaccessible: not in the client API; reached only signed). */
const intakeHooks: Resolvers = {
  Mutation: {
    runLinkRound: async (_root, _args, ctx) => {
      try {
        await ctx.linkNow();
        return true;
      } catch {
        return false;
      }
    },
  },
};

export const resolvers: Resolvers = {
  ...linkResolvers,
  ...ruleResolvers,
  ...healthResolvers,
  ...eventResolvers,
  ...callResolvers,
  ...planningResolvers,
  Query: { ...linkResolvers.Query, ...ruleResolvers.Query, ...healthResolvers.Query, ...factResolvers.Query, ...tokenResolvers.Query, ...eventResolvers.Query, ...syncResolvers.Query, ...callResolvers.Query, ...planningResolvers.Query, ...lineageResolvers.Query },
  Mutation: { ...linkResolvers.Mutation, ...intakeHooks.Mutation, ...ruleResolvers.Mutation, ...healthResolvers.Mutation, ...tokenResolvers.Mutation, ...syncResolvers.Mutation, ...planningResolvers.Mutation },
  Order: { ...linkResolvers.Order, ...ruleResolvers.Order, ...healthResolvers.Order, ...eventResolvers.Order, ...callResolvers.Order },
};
