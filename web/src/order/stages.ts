// The order's status and its lifecycle stages, in a customer's words: the words are written
// once, in common/src/order-status.ts, which the graph's facts and event messages use too.
import { ORDER_STATUS_TEXT } from '../../../common/src/order-status';

const pair = (status: keyof typeof ORDER_STATUS_TEXT) => [ORDER_STATUS_TEXT[status].name.zh, ORDER_STATUS_TEXT[status].name.en] as const;

/** A status or a lifecycle stage (the stages are statuses too), as [Chinese, English]. */
export const STATUS: Record<string, readonly [string, string]> = Object.fromEntries(Object.keys(ORDER_STATUS_TEXT).map((s) => [s, pair(s as keyof typeof ORDER_STATUS_TEXT)]));

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
