// An order's status and the lifecycle stages in words, Chinese and English: the one place they are
// written. The customer's order page shows `name`; the BI facts' `statusZh` column is `name.zh`; the
// event log's STAGE_REACHED message says `reached`. The words are the customer page's (it is what
// customers and the people they call read): CANCELLED is 已取消, CREATED 待付款.
// Imports nothing, so the pages (web/src/order/stages.ts) bundle it as they are.

export type OrderStatusName = 'CREATED' | 'PAID' | 'PICKING' | 'SHIPPED_OUT' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'SIGNED' | 'COMPLETED' | 'CANCELLED';

export interface StatusText {
  /** The status as a label: a chip, a column, a stage on the timeline. */
  name: { zh: string; en: string };
  /** What an event says when the order reaches it, after 订单 / "The order was …". */
  reached: { zh: string; en: string };
}

export const ORDER_STATUS_TEXT: Record<OrderStatusName, StatusText> = {
  CREATED: { name: { zh: '待付款', en: 'Awaiting payment' }, reached: { zh: '已下单', en: 'placed' } },
  PAID: { name: { zh: '已付款', en: 'Paid' }, reached: { zh: '已付款', en: 'paid' } },
  PICKING: { name: { zh: '仓库拣货', en: 'Being picked' }, reached: { zh: '开始拣货', en: 'being picked' } },
  SHIPPED_OUT: { name: { zh: '已出库', en: 'Left the warehouse' }, reached: { zh: '已出库', en: 'shipped out of the warehouse' } },
  IN_TRANSIT: { name: { zh: '运输中', en: 'In transit' }, reached: { zh: '运输中', en: 'in transit' } },
  OUT_FOR_DELIVERY: { name: { zh: '派送中', en: 'Out for delivery' }, reached: { zh: '派送中', en: 'out for delivery' } },
  SIGNED: { name: { zh: '已签收', en: 'Signed for' }, reached: { zh: '已签收', en: 'signed for' } },
  COMPLETED: { name: { zh: '已完成', en: 'Completed' }, reached: { zh: '已完成', en: 'completed' } },
  CANCELLED: { name: { zh: '已取消', en: 'Cancelled' }, reached: { zh: '已取消', en: 'cancelled' } },
};

