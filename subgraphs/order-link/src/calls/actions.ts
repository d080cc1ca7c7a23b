// What each intent heard in a service call does to the order it concerns, decided from where the
// order stands. Pure: the intake records the plan (holds, a CRM ticket, a raised pick priority) in
// one transaction, each under a key of call, order and intent, so reading a call twice does nothing
// twice.
import type { Bilingual } from '../../../../common/src/errors.js';
import type { OrderStatus } from '../lifecycle.js';
import type { CallIntentKind, CallReading } from '#text';

export type CallActionKind =
  | 'HOLD_FOR_ADDRESS'
  | 'ADDRESS_TOO_LATE'
  | 'HOLD_FOR_CANCEL'
  | 'CANCEL_TOO_LATE'
  | 'RETURN_TICKET'
  | 'PRIORITY_RAISED'
  | 'CHASE_NOTED'
  | 'RECORDED';

export interface OrderState {
  orderId: number;
  erpOrderNo: string;
  customerCode: string;
  status: OrderStatus;
  /** The WMS outbound's status; null without an outbound (or while the WMS cannot say). */
  outboundStatus: string | null;
}

export interface PlannedAction {
  intent: CallIntentKind;
  action: CallActionKind;
  detail: Bilingual;
  /** A hold someone must decide: the hub's hold machinery, keyed by call and intent. */
  hold?: { ruleId: string; approverRole: 'sales'; reasonCode: string; reason: Bilingual };
  /** A CRM ticket to open (through the outbox). */
  ticket?: { type: 'RETURN' | 'EXCHANGE'; title: string };
}

const SHIPPED: ReadonlySet<OrderStatus> = new Set(['SHIPPED_OUT', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'SIGNED', 'COMPLETED']);

/** The hold a call's intent places is named after the call: one per call, order and intent. */
export const callHoldRule = (callId: string, intent: CallIntentKind) => `CALL:${callId}:${intent}`;
export const isCallHold = (ruleId: string) => ruleId.startsWith('CALL:');

export function planActions(callId: string, reading: Pick<CallReading, 'intents' | 'newAddress'>, order: OrderState): PlannedAction[] {
  const shipped = SHIPPED.has(order.status) || order.outboundStatus === 'SHIPPED';
  const packed = shipped || order.outboundStatus === 'PACKED';
  const cancelled = order.status === 'CANCELLED' || order.outboundStatus === 'CANCELLED';
  const out: PlannedAction[] = [];
  for (const { intent, evidence } of reading.intents) {
    const said = evidence.map((e) => e.text).join('…');
    switch (intent) {
      case 'CHANGE_ADDRESS': {
        const to = reading.newAddress?.value ?? null;
        const where: Bilingual = to ? { zh: `改送「${to}」`, en: `deliver to "${to}"` } : { zh: '改地址（未说新地址）', en: 'a new address (none given)' };
        if (packed || cancelled) {
          out.push({
            intent,
            action: 'ADDRESS_TOO_LATE',
            detail: { zh: `客户来电 ${callId} 要求${where.zh}，但出库单已${shipped ? '发运' : '封箱'}：请联系承运商改派`, en: `Caller ${callId} asked to ${where.en}, but the outbound is already ${shipped ? 'shipped' : 'packed'}: ask the carrier to redirect` },
          });
        } else {
          const reason: Bilingual = { zh: `客户来电 ${callId} 要求${where.zh}，确认新地址前暂停出库`, en: `Caller ${callId} asked to ${where.en}; held until someone confirms the new address` };
          out.push({ intent, action: 'HOLD_FOR_ADDRESS', detail: reason, hold: { ruleId: callHoldRule(callId, intent), approverRole: 'sales', reasonCode: 'CALL_CHANGE_ADDRESS', reason } });
        }
        break;
      }
      case 'CANCEL': {
        if (shipped || cancelled) {
          out.push({
            intent,
            action: 'CANCEL_TOO_LATE',
            detail: cancelled
              ? { zh: `客户来电 ${callId} 要求取消，订单已取消`, en: `Caller ${callId} asked to cancel; the order is already cancelled` }
              : { zh: `客户来电 ${callId} 要求取消，但订单已发运：请按退货处理`, en: `Caller ${callId} asked to cancel, but the order has shipped: handle it as a return` },
          });
        } else {
          const reason: Bilingual = { zh: `客户来电 ${callId} 要求取消（「${said}」），暂停待销售处理`, en: `Caller ${callId} asked to cancel ("${said}"); held for sales` };
          out.push({ intent, action: 'HOLD_FOR_CANCEL', detail: reason, hold: { ruleId: callHoldRule(callId, intent), approverRole: 'sales', reasonCode: 'CALL_CANCEL', reason } });
        }
        break;
      }
      case 'RETURN_EXCHANGE': {
        // 换 asks for another one; 退 alone sends it back.
        const type = evidence.some((e) => /换|补发/.test(e.text)) ? 'EXCHANGE' : 'RETURN';
        const reason: Bilingual =
          type === 'EXCHANGE'
            ? { zh: `客户来电 ${callId} 要求换货（「${said}」），已开售后工单，待销售处理`, en: `Caller ${callId} asked for an exchange ("${said}"); a CRM ticket is open, waiting for sales` }
            : { zh: `客户来电 ${callId} 要求退货（「${said}」），已开售后工单，待销售处理`, en: `Caller ${callId} asked to return the goods ("${said}"); a CRM ticket is open, waiting for sales` };
        out.push({
          intent,
          action: 'RETURN_TICKET',
          detail: reason,
          ticket: { type, title: `${type === 'EXCHANGE' ? '换货' : '退货'}：来电 ${callId}（${said}）`.slice(0, 120) },
          hold: { ruleId: callHoldRule(callId, intent), approverRole: 'sales', reasonCode: 'CALL_RETURN_EXCHANGE', reason },
        });
        break;
      }
      case 'CHASE':
        out.push(
          packed || cancelled
            ? { intent, action: 'CHASE_NOTED', detail: { zh: `客户来电 ${callId} 催单；订单已${cancelled ? '取消' : '出库'}`, en: `Caller ${callId} chased the order; it has already ${cancelled ? 'been cancelled' : 'left the warehouse'}` } }
            : { intent, action: 'PRIORITY_RAISED', detail: { zh: `客户来电 ${callId} 催单，拣货优先级已提高`, en: `Caller ${callId} chased the order; its pick priority is raised` } },
        );
        break;
      default:
        out.push({ intent, action: 'RECORDED', detail: { zh: `客户来电 ${callId}：${INTENT_ZH[intent]}`, en: `Caller ${callId}: ${INTENT_EN[intent]}` } });
    }
  }
  return out;
}

export const INTENT_ZH: Record<CallIntentKind, string> = { CHASE: '催单', CHANGE_ADDRESS: '改地址', RETURN_EXCHANGE: '退换货', CANCEL: '取消', INVOICE: '发票', COMPLAINT: '投诉', OTHER: '其他' };
export const INTENT_EN: Record<CallIntentKind, string> = { CHASE: 'chase', CHANGE_ADDRESS: 'change of address', RETURN_EXCHANGE: 'return or exchange', CANCEL: 'cancel', INVOICE: 'invoice', COMPLAINT: 'complaint', OTHER: 'other' };
