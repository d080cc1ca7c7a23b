// The seven lifecycle stages and the order's status, in a customer's words.
export const STAGE: Record<string, readonly [string, string]> = {
  PAID: ['已付款', 'Paid'],
  PICKING: ['仓库拣货', 'Being picked'],
  SHIPPED_OUT: ['已出库', 'Left the warehouse'],
  IN_TRANSIT: ['运输中', 'In transit'],
  OUT_FOR_DELIVERY: ['派送中', 'Out for delivery'],
  SIGNED: ['已签收', 'Signed for'],
  COMPLETED: ['已完成', 'Completed'],
};

export const STATUS: Record<string, readonly [string, string]> = {
  ...STAGE,
  CREATED: ['待付款', 'Awaiting payment'],
  CANCELLED: ['已取消', 'Cancelled'],
};

export const SHIPMENT_STATUS: Record<string, readonly [string, string]> = {
  CREATED: ['已下单', 'Booked'],
  COLLECTED: ['已揽收', 'Collected'],
  IN_TRANSIT: ['运输中', 'In transit'],
  OUT_FOR_DELIVERY: ['派送中', 'Out for delivery'],
  SIGNED: ['已签收', 'Signed for'],
  EXCEPTION: ['异常', 'Exception'],
  RETURNED: ['退回', 'Returned'],
};

/** Which chip colour a status wears (its word is always shown too). */
export const statusTone = (status: string): string =>
  status === 'CANCELLED' ? 'bad' : status === 'SIGNED' || status === 'COMPLETED' ? 'ok' : status === 'CREATED' ? 'warn' : '';
