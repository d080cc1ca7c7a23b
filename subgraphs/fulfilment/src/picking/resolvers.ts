// Thin: the pick flow's arguments are checked, the order found, and the service does the rest.
import type { MutationResolvers, QueryResolvers, Resolvers } from '../../../../codegen/generated/fulfilment.js';
import { appError, badInput, ErrorCode } from '../../../../common/src/errors.js';
import { MAX_QUEUE } from './queue.js';
import type { Role } from '../../../../common/src/caller.js';
import { toIsoBeijing } from '../../../../common/src/time.js';
import { findOrder, type HubOrder } from '#hub';
import type { Context } from '../context.js';
import { parseWindow, requireRole } from '../../../../common/src/arguments.js';
import { MAX_OPERATOR_LENGTH, parseOperator } from './service.js';
import { hubWritten } from '../../../../common/src/hub-writes.js';

const PICKERS: Role[] = ['warehouse', 'ops'];

async function orderFor(orderId: string, ctx: Context): Promise<HubOrder> {
  const order = await findOrder(orderId, ctx, 'orderId');
  if (!order) {
    throw appError(
      ErrorCode.NOT_FOUND,
      { zh: `没有单号为「${orderId.slice(0, 64)}」的订单`, en: `No order has the number "${orderId.slice(0, 64)}"` },
      { argument: 'orderId' },
    );
  }
  return order;
}

/**
 * An order a picker may work on: a cancelled order, or a hold open or rejected, stops it here,
 * before any stock is allocated for an order that may never ship.
 */
async function pickableOrder(orderId: string, ctx: Context): Promise<HubOrder> {
  const order = await orderFor(orderId, ctx);
  // Cancelled in the ERP while its outbound is still live in the WMS: the goods must not go out.
  if (order.status === 'CANCELLED') {
    throw appError(
      ErrorCode.CONFLICT,
      {
        zh: `订单 ${order.erpOrderNo} 已在 ERP 作废，不能拣货${order.wmsOutboundNo ? `；出库单 ${order.wmsOutboundNo} 应在 WMS 中取消` : ''}`,
        en: `Order ${order.erpOrderNo} was cancelled in the ERP: it cannot be picked${order.wmsOutboundNo ? `; outbound ${order.wmsOutboundNo} must be cancelled in the WMS` : ''}`,
      },
      { reason: 'ORDER_CANCELLED', outboundNo: order.wmsOutboundNo },
    );
  }
  const holds = ((await ctx.loaders.holds.load(order.rowId)) ?? []).filter((h) => h.state !== 'APPROVED');
  if (holds.length) {
    const roles = [...new Set(holds.map((h) => h.approverRole))];
    throw appError(
      ErrorCode.CONFLICT,
      {
        zh: `订单 ${order.erpOrderNo} 被规则暂停（${holds.map((h) => h.ruleId).join('、')}）${holds.some((h) => h.state === 'REJECTED') ? '且已被驳回' : `，等待${roles.join('、')}审批`}，不能拣货`,
        en: `Order ${order.erpOrderNo} is held by ${holds.map((h) => h.ruleId).join(', ')}${holds.some((h) => h.state === 'REJECTED') ? ' and was rejected' : `, awaiting approval by ${roles.join(', ')}`}: it cannot be picked`,
      },
      { reason: 'ON_HOLD', holds: holds.map((h) => String(h.id)) },
    );
  }
  return order;
}

export const pickingQueries: Pick<QueryResolvers<Context>, 'pickList' | 'pickingStats' | 'pickQueue'> = {
  pickQueue: async (_root, { warehouse, first }, ctx) => {
    requireRole(ctx, PICKERS, 'pickQueue');
    const size = first ?? 50;
    if (!Number.isInteger(size) || size < 1 || size > MAX_QUEUE) throw badInput({ zh: `first 须在 1 到 ${MAX_QUEUE} 之间`, en: `first must be between 1 and ${MAX_QUEUE}` }, { argument: 'first' });
    const code = warehouse?.trim() || null;
    if (code && !/^[A-Za-z0-9_-]{1,20}$/.test(code)) throw badInput({ zh: `仓库编码「${code.slice(0, 20)}」无效`, en: `"${code.slice(0, 20)}" is not a warehouse code` }, { argument: 'warehouse' });
    return (await ctx.pickQueue.list(code, size)).map((e) => ({
      order: e.order,
      outboundNo: e.outboundNo,
      warehouseCode: e.warehouseCode,
      outboundStatus: e.outboundStatus,
      chased: e.raisedAt != null,
      chasedAt: toIsoBeijing(e.raisedAt),
      byCall: e.byCall,
      paidAt: toIsoBeijing(e.paidAt),
    }));
  },
  pickList: async (_root, { orderId }, ctx) => {
    requireRole(ctx, PICKERS, 'pickList');
    return ctx.picking.pickList(await pickableOrder(orderId, ctx));
  },
  pickingStats: async (_root, { from, to }, ctx) => {
    requireRole(ctx, [...PICKERS, 'finance'], 'pickingStats');
    const window = parseWindow(from, to);
    return ctx.picking.stats(window.from, window.to);
  },
};

export const pickingMutations: Pick<MutationResolvers<Context>, 'scanItem' | 'sealPackage'> = {
  scanItem: async (_root, { orderId, barcode, picker }, ctx) => {
    requireRole(ctx, PICKERS, 'scanItem');
    const operator = picker != null ? parseOperator(picker, 'picker') : ctx.caller.subject.slice(0, MAX_OPERATOR_LENGTH);
    const scanned = await ctx.picking.scan(await pickableOrder(orderId, ctx), barcode, operator);
    // The last scan of a pick leaves the order waiting for its seal: said at once where order-link runs here too.
    hubWritten();
    return scanned;
  },
  sealPackage: async (_root, { orderId, packer }, ctx) => {
    requireRole(ctx, PICKERS, 'sealPackage');
    const operator = parseOperator(packer, 'packer');
    const sealed = await ctx.picking.seal(await pickableOrder(orderId, ctx), operator);
    hubWritten();
    return sealed;
  },
};

export const pickingTypes: Pick<Resolvers<Context>, 'PackageSeal'> = {
  PackageSeal: {
    sealNo: (s) => s.record.sealNo,
    hash: (s) => s.record.hash,
    content: (s) => s.record.content,
    outboundNo: (s) => s.record.outNo,
    erpOrderNo: (s) => s.content.erpOrderNo,
    packer: (s) => s.record.packer,
    sealedAt: (s) => toIsoBeijing(s.record.sealedAt)!,
    lines: (s) => s.content.lines.map((l) => ({ sku: { code: l.skuCode }, batchNo: l.batchNo, quantity: l.quantity })),
    waybillNo: (s) => s.record.waybillNo,
    shipment: (s) => (s.record.waybillNo ? { waybillNo: s.record.waybillNo } : null),
    verification: async (s, _args, ctx) => {
      const v = await ctx.picking.verify(s);
      return { valid: v.valid, recomputedHash: v.recomputedHash, problems: v.problems.map((p) => ({ code: p.code, messageZh: p.zh, messageEn: p.en })) };
    },
  },
};
