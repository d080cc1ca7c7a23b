// What an order event says, in Chinese and English, made from what the trigger recorded.
import type { Bilingual } from '../../../../common/src/errors.js';
import { toIsoBeijing } from '../../../../common/src/time.js';
import type { OrderEventRow } from './log.js';
import { formatDraftId } from '../../../../common/src/docno.js';
import { ORDER_STATUS_TEXT, type OrderStatusName } from '../../../../common/src/order-status.js';
import { holdToldCustomer } from '../blockers.js';


const SYSTEM: Record<string, Bilingual> = {
  ERP: { zh: 'ERP', en: 'the ERP' },
  WMS: { zh: '仓库系统', en: 'the warehouse system' },
  TMS: { zh: '运输系统', en: 'the transport system' },
  HUB: { zh: '订单中心', en: 'the order hub' },
};

const DECISION: Record<string, Bilingual> = {
  APPROVED: { zh: '批准', en: 'approved' },
  REJECTED: { zh: '驳回', en: 'rejected' },
};

const BLOCKER: Record<string, Bilingual> = {
  LIFECYCLE_GAP: { zh: '状态缺失', en: 'a lifecycle gap' },
  LINE_REJECTED: { zh: '订单行被拒', en: 'a rejected line' },
};

/** What each recorded blocker is (blocker-record.ts), as its events name it. */
const RECORDED_BLOCKER: Record<string, Bilingual> = {
  CANCELLED_OUTBOUND_LIVE: { zh: '订单已作废但出库单仍有效', en: 'outbound still live for a cancelled order' },
  RULE_HOLD: { zh: '规则暂停待审批', en: 'held by a rule for approval' },
  CALL_HOLD: { zh: '来电请求暂停待确认', en: 'held after a service call' },
  CALL_TOO_LATE: { zh: '来电请求已来不及执行', en: 'a caller asked too late' },
  ORDER_REJECTED: { zh: '审核驳回', en: 'rejected on approval' },
  CARRIER_EXCEPTION: { zh: '承运异常', en: 'carrier exception' },
  AWAITING_ATTACHMENT: { zh: '随货资料尚未确认装入', en: 'documents to travel with the goods not confirmed packed' },
  AWAITING_WAYBILL: { zh: '已封箱但尚无运单', en: 'sealed, waiting for a waybill' },
  PROMISE_CHANGED: { zh: '送达时间已调整', en: 'delivery time changed by a rule' },
  PROMISE_OVERDUE: { zh: '已超过承诺送达时间', en: 'past the promised delivery time' },
  PROMISE_AT_RISK: { zh: '承诺送达时间临近仍未发货', en: 'promised time near and nothing shipped' },
  AWAITING_SEAL: { zh: '已拣完待封箱', en: 'picked, waiting to be sealed' },
  AWAITING_COLLECTION: { zh: '已封箱待承运商揽收', en: 'sealed, waiting for the carrier to collect' },
  BATCH_LOCKED: { zh: '近效期批次已锁定', en: 'short-dated batch locked' },
  CONTRADICTING_REFERENCE: { zh: '有单据引用本订单却与之矛盾', en: 'a document names the order but contradicts it' },
  UNLINKED_DOCUMENT: { zh: '有出库单同样符合多个订单', en: 'an outbound fits this and other orders' },
  CHASED: { zh: '客户催单', en: 'chased by the customer' },
};

/** Who reads an event: a customer is not told which document a blocker only staff see is about. */
export type Audience = 'staff' | 'customer';

/** The document an event names, as this reader may see it. */
export function eventDocumentNo(e: OrderEventRow, audience: Audience): string | null {
  if (audience === 'customer' && isRecordedBlocker(e) && !Number(e.detail.visible)) return null;
  return e.detail.documentNo == null ? null : String(e.detail.documentNo);
}

const isRecordedBlocker = (e: OrderEventRow) => (e.type === 'BLOCKER_RAISED' || e.type === 'BLOCKER_CLEARED') && String(e.detail.code) in RECORDED_BLOCKER;

/** What a customer is told of a blocker only staff see (the order page does not show it): that something moved, not what. */
export const STAFF_BLOCKER_TOLD_CUSTOMER: Bilingual = { zh: '订单处理进度有更新', en: 'There is news on how your order is being handled' };

/** Whether this reader may know which blocker an event is about: staff always, a customer only of one the order page shows them. */
export const blockerShownTo = (e: OrderEventRow, audience: Audience): boolean => audience === 'staff' || !isRecordedBlocker(e) || !!Number(e.detail.visible);

/** A recorded blocker raised or cleared: which one, and the order's document it is about (staff, or a blocker the customer sees anyway). */
function recordedBlockerText(e: OrderEventRow, audience: Audience): Bilingual {
  if (!blockerShownTo(e, audience)) return STAFF_BLOCKER_TOLD_CUSTOMER;
  const b = RECORDED_BLOCKER[String(e.detail.code)];
  const doc = eventDocumentNo(e, audience);
  // Every document a blocker is about is an outbound, but a waybill contradicting its reference.
  const waybill = String(e.detail.key ?? '').startsWith('TMS:');
  const about: Bilingual = doc ? { zh: `（${waybill ? '运单' : '出库单'} ${doc}）`, en: ` (${waybill ? 'waybill' : 'outbound'} ${doc})` } : { zh: '', en: '' };
  return e.type === 'BLOCKER_RAISED'
    ? { zh: `出现阻碍：${b.zh}${about.zh}`, en: `Blocker raised: ${b.en}${about.en}` }
    : { zh: `阻碍已解除：${b.zh}${about.zh}`, en: `Blocker cleared: ${b.en}${about.en}` };
}

const str = (v: unknown) => (v == null ? '' : String(v));
const time = (ms: unknown) => (ms == null || ms === '' ? '—' : (toIsoBeijing(Number(ms)) ?? '—').replace('T', ' ').slice(0, 16));

/** The bilingual halves of a rule's own wording (`中文 / English`), as the rules write their reasons. */
function halves(text: string): Bilingual {
  const [zh, en] = text.split(' / ');
  return { zh, en: en ?? zh };
}

/** The promise effect's own words, when a rule corrected the promise. */
function promiseWords(effects: unknown): Bilingual | null {
  try {
    const list = JSON.parse(String(effects)) as { type: string; text?: Bilingual }[];
    return list.find((e) => e.type === 'PROMISE')?.text ?? null;
  } catch {
    return null;
  }
}

export function describeEvent(e: OrderEventRow, audience: Audience = 'staff'): Bilingual {
  const d = e.detail;
  if (isRecordedBlocker(e)) return recordedBlockerText(e, audience);
  const sys = SYSTEM[e.system] ?? { zh: e.system, en: e.system };
  switch (e.type) {
    case 'CREATED':
      return { zh: `订单 ${str(d.erpOrderNo)} 已在 ERP 建立`, en: `Order ${str(d.erpOrderNo)} was entered in the ERP` };
    case 'DOCUMENT_LINKED':
      return e.system === 'WMS'
        ? { zh: `出库单 ${str(d.documentNo)} 已关联到订单`, en: `Outbound ${str(d.documentNo)} was linked to the order` }
        : { zh: `运单 ${str(d.documentNo)} 已关联到订单`, en: `Waybill ${str(d.documentNo)} was linked to the order` };
    case 'DOCUMENT_UNLINKED':
      if (d.reason === 'OUTBOUND_CANCELLED')
        return { zh: `出库单 ${str(d.documentNo)} 已在${sys.zh}取消，不再是订单的出库单`, en: `Outbound ${str(d.documentNo)} was cancelled in ${sys.en} and is no longer the order's outbound` };
      return { zh: `${sys.zh}单据 ${str(d.documentNo)} 已与订单解除关联`, en: `${e.system} document ${str(d.documentNo)} is no longer linked to the order` };
    case 'STAGE_REACHED': {
      const stage: Bilingual = ORDER_STATUS_TEXT[str(d.stage) as OrderStatusName]?.reached ?? { zh: str(d.stage), en: str(d.stage) };
      return { zh: `订单${stage.zh}（${sys.zh}记录，${time(e.at)}）`, en: `The order was ${stage.en} (recorded by ${sys.en}, ${time(e.at)})` };
    }
    case 'BLOCKER_RAISED': {
      const b = BLOCKER[str(d.code)] ?? { zh: str(d.code), en: str(d.code) };
      return d.code === 'LIFECYCLE_GAP'
        ? { zh: `出现${b.zh}：${str(d.stages)} 没有任何系统记录`, en: `Lifecycle gap: no system recorded ${str(d.stages)}` }
        : { zh: `出现阻碍：${b.zh}（规则 ${str(d.ruleId)}）`, en: `Blocked by ${b.en} (rule ${str(d.ruleId)})` };
    }
    case 'BLOCKER_CLEARED': {
      const b = BLOCKER[str(d.code)] ?? { zh: str(d.code), en: str(d.code) };
      return { zh: `阻碍已解除：${b.zh}`, en: `No longer blocked by ${b.en}` };
    }
    case 'HOLD_PLACED': {
      if (audience === 'customer') return holdToldCustomer(str(d.ruleId), d.reasonCode == null ? null : str(d.reasonCode), 'OPEN');
      const r = halves(str(d.reason));
      return { zh: `规则 ${str(d.ruleId)} 暂停订单，等待 ${str(d.approverRole)} 审批：${r.zh}`, en: `Held by rule ${str(d.ruleId)} for approval by ${str(d.approverRole)}: ${r.en}` };
    }
    case 'HOLD_DECIDED': {
      if (audience === 'customer') return holdToldCustomer(str(d.ruleId), null, d.decision === 'REJECTED' ? 'REJECTED' : 'APPROVED');
      const dec = DECISION[str(d.decision)] ?? { zh: str(d.decision), en: str(d.decision) };
      const reason = d.reason ? halves(str(d.reason)) : null;
      return {
        zh: `暂停已${dec.zh}（${str(d.decidedBy)}，${str(d.decidedRole)}）${reason ? `：${reason.zh}` : ''}`,
        en: `Hold ${dec.en} by ${str(d.decidedBy)} (${str(d.decidedRole)})${reason ? `: ${reason.en}` : ''}`,
      };
    }
    case 'PROMISE_CORRECTED': {
      if (e.system === 'ERP') return { zh: `承诺送达时间由 ${time(d.previous)} 改为 ${time(d.promisedAt)}`, en: `Promised delivery changed from ${time(d.previous)} to ${time(d.promisedAt)}` };
      if (d.withdrawn) return { zh: `规则 ${str(d.ruleId)} 对送达时间的调整已撤销`, en: `Rule ${str(d.ruleId)} no longer changes the delivery time` };
      const w = promiseWords(d.effects);
      return { zh: `送达时间调整：${w?.zh ?? `规则 ${str(d.ruleId)}`}`, en: `Delivery time changed: ${w?.en ?? `rule ${str(d.ruleId)}`}` };
    }
    case 'SHIPMENT_EXCEPTION':
      return { zh: `运单 ${str(d.documentNo)} 出现承运异常${d.exception ? ` ${str(d.exception)}` : ''}`, en: `Carrier exception${d.exception ? ` ${str(d.exception)}` : ''} on waybill ${str(d.documentNo)}` };
    case 'CALL_ACTION': {
      const r = halves(str(d.detail));
      return { zh: `来电 ${str(d.callId)}：${r.zh}`, en: `Call ${str(d.callId)}: ${r.en}` };
    }
    case 'DRAFT_CONFIRMED':
      return { zh: `订单由草稿 ${formatDraftId(Number(d.draftId))} 确认生成（${str(d.confirmedBy)}）`, en: `The order was confirmed from draft ${formatDraftId(Number(d.draftId))} by ${str(d.confirmedBy)}` };
    default:
      return { zh: e.type, en: e.type };
  }
}
