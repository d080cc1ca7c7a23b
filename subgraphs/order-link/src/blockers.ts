// Why an order is not moving, in one list: rule holds and rejections, rejected lines, locked
// batches, corrected promises, carrier exceptions, documents the order must travel with and nobody
// has confirmed packed, where the pick flow stands (picked and not sealed, sealed and no waybill,
// waiting for the carrier), documents the hub could not link, lifecycle gaps, and a promise
// overdue or at risk. Each says who must act and, where a customer may know, how to
// tell them. Pure: the resolvers hand it what the systems said.
import type { Bilingual } from '../../../common/src/errors.js';
import type { Effect } from './rules/kinds.js';
import type { Stage } from './lifecycle.js';
import { ATTACHMENT_LABELS, type Attachment } from '../../../common/src/requirements.js';

export type Severity = 'BLOCKING' | 'WARNING' | 'INFO';

/** What a customer is told of a hold on their order: never the rule's internal reason, nor who decided. */
export const HOLD_TOLD_CUSTOMER: Record<'OPEN' | 'APPROVED' | 'REJECTED', Bilingual> = {
  OPEN: { zh: '您的订单正在审核中，审核通过后即安排发货', en: 'Your order is being reviewed; it will ship as soon as it is approved' },
  APPROVED: { zh: '您的订单已通过审核，即将安排发货', en: 'Your order was approved and will ship shortly' },
  REJECTED: { zh: '您的订单未通过审核，销售人员会尽快与您联系', en: 'Your order could not be approved; our sales team will contact you shortly' },
};

export interface Blocker {
  code: string;
  /** Which one of its code, when an order can have several (the hold, the line, the document); '' when it cannot. */
  key: string;
  severity: Severity;
  since: number | null;
  expectedBy: number | null;
  expectedResolution: Bilingual | null;
  sourceSystem: 'HUB' | 'ERP' | 'WMS' | 'TMS' | 'CRM';
  message: Bilingual;
  customerVisible: boolean;
  /** What a customer is told; set when customerVisible. */
  customerMessage: Bilingual | null;
}

export interface HoldView {
  id: number;
  ruleId: string;
  approverRole: string;
  reasonCode: string;
  internalReason: string;
  state: 'OPEN' | 'APPROVED' | 'REJECTED';
  createdAt: number;
  decidedBy: string | null;
  decidedRole: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
}

export interface DecisionView {
  ruleId: string;
  ruleVersion: number;
  kind: string;
  fired: boolean;
  facts: Record<string, unknown> & { explanation?: Bilingual; supersededBy?: string };
  effects: Effect[];
  evaluatedAt: number;
  firstFiredAt: number | null;
}

/** A document naming an order it disagrees with: who the goods are for, or what they are. */
export interface ContradictingDocument {
  system: 'WMS' | 'TMS';
  documentNo: string;
  reason: 'CUSTOMER_MISMATCH' | 'GOODS_MISMATCH' | 'CONSIGNEE_MISMATCH';
  reference: string | null;
}

const CONTRADICTION_TEXT: Record<ContradictingDocument['reason'], (d: ContradictingDocument) => Bilingual> = {
  CUSTOMER_MISMATCH: (d) => ({ zh: `出库单 ${d.documentNo} 引用本订单（「${d.reference ?? ''}」），但收货客户不是本订单的客户：未关联`, en: `outbound ${d.documentNo} names this order ("${d.reference ?? ''}") but is consigned to another customer: not linked` }),
  GOODS_MISMATCH: (d) => ({ zh: `出库单 ${d.documentNo} 引用本订单（「${d.reference ?? ''}」），但没有一件本订单的商品：未关联`, en: `outbound ${d.documentNo} names this order ("${d.reference ?? ''}") but carries none of its goods: not linked` }),
  CONSIGNEE_MISMATCH: (d) => ({ zh: `运单 ${d.documentNo} 引用本订单（「${d.reference ?? ''}」），但收货人和目的城市都不是本订单的：未关联`, en: `waybill ${d.documentNo} names this order ("${d.reference ?? ''}") but neither its consignee nor its city is this order's: not linked` }),
};

export interface BlockerInputs {
  status: string;
  missingNodes: Stage[];
  hasOutbound: boolean;
  paidAt: number | null;
  holds: HoldView[];
  decisions: DecisionView[];
  /** ERP SO_SOMain.dPreDate; null while the ERP is unreachable. */
  promisedAt: number | null;
  shipment: { status: string; exception: { type: string; description: string | null; delayMinutes: number | null } | null; exceptionAt: number | null } | null;
  /** Outbounds that fit this order and another equally well. */
  ambiguousOutbounds: string[];
  /** Documents whose reference names this order but which contradict it (not linked). */
  contradictingDocuments?: ContradictingDocument[];
  /** Documents the order must travel with (ERP requirement or remark) not yet confirmed packed; null while the ERP is unreachable. */
  attachments: { outstanding: Attachment[]; source: 'ERP_REQUIREMENT' | 'REMARK' | null; since: number | null } | null;
  /** The pick flow: the WMS outbound's status and when it was picked, and the hub's seal; null without an outbound (or while WMS is unreachable). */
  picking: { outboundNo: string; status: string; pickedAt: number | null; sealedAt: number | null; waybillNo: string | null } | null;
  /** What service calls about the order did (calls/intake.ts); empty when none. */
  callActions?: { callId: string; intent: string; action: string; detail: Bilingual; createdAt: number }[];
  now: number;
}

const ROLE_ZH: Record<string, string> = { director: '销售总监', finance: '财务', sales: '销售', ops: '运营', warehouse: '仓库', admin: '管理员' };
const RANK: Record<Severity, number> = { BLOCKING: 0, WARNING: 1, INFO: 2 };
/** Within a severity, the specific cause before the generic one (a carrier fault explains being late). */
const CODE_ORDER = [
  'CANCELLED_OUTBOUND_LIVE',
  'RULE_HOLD',
  'CALL_HOLD',
  'CALL_TOO_LATE',
  'ORDER_REJECTED',
  'LINE_REJECTED',
  'CARRIER_EXCEPTION',
  'AWAITING_ATTACHMENT',
  'AWAITING_WAYBILL',
  'PROMISE_CHANGED',
  'PROMISE_OVERDUE',
  'PROMISE_AT_RISK',
  'AWAITING_SEAL',
  'AWAITING_COLLECTION',
  'BATCH_LOCKED',
  'CONTRADICTING_REFERENCE',
  'UNLINKED_DOCUMENT',
  'LIFECYCLE_GAP',
  'CHASED',
];
const DELIVERED = new Set(['SIGNED', 'COMPLETED', 'CANCELLED']);
/** WMS outbound statuses with goods still meant to leave: neither shipped nor cancelled. */
export const LIVE_OUTBOUND = new Set(['CREATED', 'ALLOCATED', 'PICKING', 'PICKED', 'PACKED']);
const SHIPPED = new Set(['SHIPPED_OUT', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'SIGNED', 'COMPLETED']);
const AT_RISK_MS = 6 * 3_600_000;

export interface PromiseView {
  promisedAt: number | null;
  correctedPromisedAt: number | null;
  text: Bilingual | null;
  correctedBy: string[];
}

/** The delivery promise after the rules: the latest corrected time, or a wording instead of a time. */
export function effectivePromise(promisedAt: number | null, decisions: DecisionView[]): PromiseView {
  const corrections = decisions.filter((d) => d.fired).flatMap((d) => d.effects.filter((e): e is Extract<Effect, { type: 'PROMISE' }> => e.type === 'PROMISE').map((e) => ({ ...e, ruleId: d.ruleId })));
  const worded = corrections.find((c) => c.promisedAt == null);
  const latest = corrections.filter((c) => c.promisedAt != null).sort((a, b) => b.promisedAt! - a.promisedAt!)[0];
  return {
    promisedAt,
    correctedPromisedAt: worded ? null : (latest?.promisedAt ?? null),
    text: worded?.text ?? latest?.text ?? null,
    correctedBy: corrections.map((c) => c.ruleId),
  };
}

/** What a customer is told while a hold a call placed waits, and what staff must do. */
const CALL_HOLD_TEXT: Record<string, { customer: Bilingual; resolution: Bilingual }> = {
  CALL_CHANGE_ADDRESS: {
    customer: { zh: '已收到您的改地址请求，确认新地址后即安排发货', en: 'We have your new address; your order ships as soon as it is confirmed' },
    resolution: { zh: '销售确认新地址后放行', en: 'sales to confirm the new address, then release' },
  },
  CALL_CANCEL: {
    customer: { zh: '已收到您的取消请求，销售人员会尽快与您确认', en: 'We have your cancellation request; our sales team will confirm it with you shortly' },
    resolution: { zh: '销售确认是否取消', en: 'sales to confirm the cancellation' },
  },
  CALL_RETURN_EXCHANGE: {
    customer: { zh: '已登记您的退换货申请，售后人员会尽快与您联系', en: 'Your return or exchange is registered; our after-sales team will contact you shortly' },
    resolution: { zh: '销售处理售后工单', en: 'sales to handle the CRM ticket' },
  },
};

/**
 * What a customer reads of a hold placed or decided on their order (its events): a service call's hold
 * in the words the order page uses for it, a rule's as the order page says it. Never the rule's
 * internal reason, which rule it was, nor who decided.
 */
export function holdToldCustomer(ruleId: string, reasonCode: string | null, state: 'OPEN' | 'APPROVED' | 'REJECTED'): Bilingual {
  if (ruleId.startsWith('CALL:')) {
    if (state !== 'OPEN') return { zh: '您来电提出的请求已处理', en: 'The request you made by phone has been handled' };
    const code = reasonCode ?? `CALL_${ruleId.split(':').at(-1)}`;
    return (CALL_HOLD_TEXT[code] ?? CALL_HOLD_TEXT.CALL_CANCEL).customer;
  }
  return HOLD_TOLD_CUSTOMER[state];
}

export function computeBlockers(o: BlockerInputs): Blocker[] {
  const out: Blocker[] = [];
  const delivered = DELIVERED.has(o.status);
  for (const h of o.holds) {
    if (h.ruleId.startsWith('CALL:')) {
      // A hold a service call placed: someone confirms what the caller asked, then it goes on.
      if (h.state !== 'OPEN') continue;
      const told = CALL_HOLD_TEXT[h.reasonCode] ?? CALL_HOLD_TEXT.CALL_CANCEL;
      out.push({
        code: 'CALL_HOLD',
        key: String(h.id),
        severity: h.reasonCode === 'CALL_RETURN_EXCHANGE' ? 'WARNING' : 'BLOCKING',
        since: h.createdAt,
        expectedBy: null,
        expectedResolution: told.resolution,
        sourceSystem: 'CRM',
        message: { zh: h.internalReason.split(' / ')[0], en: h.internalReason.split(' / ')[1] ?? h.internalReason },
        customerVisible: true,
        customerMessage: told.customer,
      });
      continue;
    }
    if (h.state === 'OPEN') {
      out.push({
        code: 'RULE_HOLD',
        key: String(h.id),
        severity: 'BLOCKING',
        since: h.createdAt,
        expectedBy: null,
        expectedResolution: { zh: `等待${ROLE_ZH[h.approverRole] ?? h.approverRole}审批`, en: `awaiting approval by ${h.approverRole}` },
        sourceSystem: 'HUB',
        message: { zh: `规则 ${h.ruleId} 暂停订单：${h.internalReason.split(' / ')[0]}`, en: `held by rule ${h.ruleId}: ${h.internalReason.split(' / ')[1] ?? h.internalReason}` },
        customerVisible: true,
        customerMessage: HOLD_TOLD_CUSTOMER.OPEN,
      });
    } else if (h.state === 'REJECTED') {
      out.push({
        code: 'ORDER_REJECTED',
        key: String(h.id),
        severity: 'BLOCKING',
        since: h.decidedAt,
        expectedBy: null,
        expectedResolution: { zh: '销售与客户联系修改订单', en: 'sales to contact the customer and amend the order' },
        sourceSystem: 'HUB',
        message: { zh: `${h.decidedBy}（${h.decidedRole}）驳回：${h.decisionReason ?? ''}`, en: `rejected by ${h.decidedBy} (${h.decidedRole}): ${h.decisionReason ?? ''}` },
        customerVisible: true,
        customerMessage: HOLD_TOLD_CUSTOMER.REJECTED,
      });
    }
  }
  for (const d of o.decisions.filter((x) => x.fired)) {
    for (const e of d.effects) {
      if (e.type === 'REJECT_LINE') {
        out.push({
          code: 'LINE_REJECTED',
          key: `${d.ruleId}:${e.rowNo}`,
          severity: 'BLOCKING',
          since: d.firstFiredAt,
          expectedBy: null,
          expectedResolution: { zh: '销售删除该行或改换商品', en: 'sales to remove or replace the line' },
          sourceSystem: 'HUB',
          message: { zh: `第 ${e.rowNo} 行 ${e.skuCode} 被规则 ${d.ruleId} 拒绝：${e.reason.zh}`, en: `line ${e.rowNo} (${e.skuCode}) rejected by rule ${d.ruleId}: ${e.reason.en}` },
          customerVisible: true,
          customerMessage: { zh: `订单中的 ${e.skuCode} 无法在您所在地区销售（${e.reason.zh}），销售会与您确认替代商品`, en: `${e.skuCode} cannot be sold in your region (${e.reason.en}); our sales team will offer an alternative` },
        });
      }
      if (e.type === 'LOCK_BATCH' && !SHIPPED.has(o.status) && !delivered) {
        out.push({
          code: 'BATCH_LOCKED',
          key: `${e.skuCode}:${e.batchNo}`,
          severity: 'WARNING',
          since: d.firstFiredAt,
          expectedBy: null,
          expectedResolution: { zh: '从后一批次发货；已生成补货请购单', en: 'picked from the next batch; replenishment requisition raised' },
          sourceSystem: 'WMS',
          message: { zh: `${e.skuCode} 批次 ${e.batchNo}（${e.expiresOn}到期）近效期已锁定`, en: `${e.skuCode} batch ${e.batchNo} (expires ${e.expiresOn}) locked as short-dated` },
          customerVisible: false,
          customerMessage: null,
        });
      }
    }
  }
  for (const a of o.callActions ?? []) {
    if ((a.action === 'ADDRESS_TOO_LATE' || a.action === 'CANCEL_TOO_LATE') && !delivered) {
      out.push({
        code: 'CALL_TOO_LATE',
        key: `${a.callId}:${a.intent}`,
        severity: 'WARNING',
        since: a.createdAt,
        expectedBy: null,
        expectedResolution: a.action === 'ADDRESS_TOO_LATE' ? { zh: '联系承运商改派', en: 'ask the carrier to redirect' } : { zh: '与客户商定退货', en: 'agree a return with the customer' },
        sourceSystem: 'CRM',
        message: a.detail,
        customerVisible: false,
        customerMessage: null,
      });
    }
    if ((a.action === 'PRIORITY_RAISED' || a.action === 'CHASE_NOTED') && !delivered) {
      const inWarehouse = a.action === 'PRIORITY_RAISED' && !SHIPPED.has(o.status);
      out.push({
        code: 'CHASED',
        key: `${a.callId}:${a.intent}`,
        severity: 'INFO',
        since: a.createdAt,
        expectedBy: null,
        expectedResolution: null,
        sourceSystem: 'CRM',
        message: a.detail,
        customerVisible: true,
        customerMessage: inWarehouse
          ? { zh: '已收到您的催单，仓库已优先为您拣货', en: 'We have your reminder: the warehouse is picking your order first' }
          : { zh: '已收到您的催单，包裹正在途中，我们会持续跟进', en: 'We have your reminder: your parcel is on its way and we are following it' },
      });
    }
  }
  const promise = effectivePromise(o.promisedAt, o.decisions);
  if (promise.text && !delivered) {
    out.push({
      code: 'PROMISE_CHANGED',
      key: '',
      severity: 'WARNING',
      since: o.decisions.find((d) => d.fired && promise.correctedBy.includes(d.ruleId))?.firstFiredAt ?? null,
      expectedBy: promise.correctedPromisedAt,
      expectedResolution: null,
      sourceSystem: 'HUB',
      message: promise.text,
      customerVisible: true,
      customerMessage: { zh: `送达时间调整：${promise.text.zh}`, en: `Delivery time changed: ${promise.text.en}` },
    });
  }
  const exception = o.shipment?.exception;
  if (exception && !delivered) {
    const hours = exception.delayMinutes ? Math.max(1, Math.round(exception.delayMinutes / 60)) : null;
    out.push({
      code: 'CARRIER_EXCEPTION',
      key: '',
      severity: 'WARNING',
      since: o.shipment!.exceptionAt,
      expectedBy: o.promisedAt != null && exception.delayMinutes ? o.promisedAt + exception.delayMinutes * 60_000 : null,
      expectedResolution: hours ? { zh: `预计晚到约 ${hours} 小时`, en: `about ${hours} hour${hours > 1 ? 's' : ''} late` } : null,
      sourceSystem: 'TMS',
      message: { zh: `承运商异常 ${exception.type}：${exception.description ?? ''}`, en: `carrier exception ${exception.type}: ${exception.description ?? ''}` },
      customerVisible: true,
      customerMessage: {
        zh: `运输途中出现异常（${exception.description ?? exception.type}）${hours ? `，预计晚到约 ${hours} 小时` : ''}`,
        en: `Your parcel is delayed in transit${exception.type === 'VEHICLE_FAULT' ? ' by a vehicle fault' : exception.type === 'WEATHER_DELAY' ? ' by the weather' : ''}${hours ? `, about ${hours} hour${hours > 1 ? 's' : ''} late` : ''}`,
      },
    });
  }
  const owed = o.attachments?.outstanding ?? [];
  // Before the goods leave: what is not in the package by then can no longer travel with them.
  if (owed.length && !SHIPPED.has(o.status) && !delivered) {
    const zh = owed.map((a) => ATTACHMENT_LABELS[a].zh).join('、');
    const en = owed.map((a) => ATTACHMENT_LABELS[a].en).join(', ');
    const from = o.attachments!.source === 'REMARK' ? { zh: '订单备注要求', en: 'the order remark asks for' } : { zh: '订单要求', en: 'the order requires' };
    out.push({
      code: 'AWAITING_ATTACHMENT',
      key: '',
      // Nothing refuses the seal for it: the packer may have the document in hand and confirm later.
      severity: 'WARNING',
      since: o.attachments!.since,
      expectedBy: null,
      expectedResolution: { zh: `仓库将${zh}放入包裹并确认（confirmAttachments）`, en: `the warehouse to pack the ${en} and confirm it (confirmAttachments)` },
      sourceSystem: 'ERP',
      message: { zh: `${from.zh}随货附${zh}，尚未确认装入`, en: `${from.en} a ${en} to travel with the goods; not confirmed packed` },
      customerVisible: true,
      customerMessage: { zh: `您要求的${zh}正在准备，备齐后随货发出`, en: `The ${en} you asked for is being prepared; your order ships with it` },
    });
  }
  const pick = o.picking;
  if (pick && !delivered && o.status !== 'CANCELLED') {
    if (pick.sealedAt != null && pick.waybillNo == null) {
      out.push({
        code: 'AWAITING_WAYBILL',
        key: pick.outboundNo,
        severity: 'WARNING',
        since: pick.sealedAt,
        expectedBy: null,
        expectedResolution: { zh: '重新封箱（sealPackage）以再次向 TMS 下单', en: 'seal again (sealPackage) to ask TMS for the waybill once more' },
        sourceSystem: 'TMS',
        message: { zh: `出库单 ${pick.outboundNo} 已封箱，但 TMS 尚未生成运单`, en: `outbound ${pick.outboundNo} is sealed but TMS has no waybill for it yet` },
        customerVisible: false,
        customerMessage: null,
      });
    } else if (pick.sealedAt != null && !SHIPPED.has(o.status)) {
      out.push({
        code: 'AWAITING_COLLECTION',
        key: pick.outboundNo,
        severity: 'INFO',
        since: pick.sealedAt,
        expectedBy: null,
        expectedResolution: { zh: `承运商揽收运单 ${pick.waybillNo}`, en: `the carrier to collect waybill ${pick.waybillNo}` },
        sourceSystem: 'TMS',
        message: { zh: `已封箱，等待承运商揽收（运单 ${pick.waybillNo}）`, en: `sealed; waiting for the carrier to collect waybill ${pick.waybillNo}` },
        customerVisible: true,
        customerMessage: { zh: '您的订单已打包完成，等待快递揽收', en: 'Your order is packed and waiting for the carrier to collect it' },
      });
    } else if (pick.sealedAt == null && pick.status === 'PICKED') {
      out.push({
        code: 'AWAITING_SEAL',
        key: pick.outboundNo,
        severity: 'INFO',
        since: pick.pickedAt,
        expectedBy: null,
        expectedResolution: { zh: '打包员封箱（sealPackage）', en: 'a packer to seal the package (sealPackage)' },
        sourceSystem: 'WMS',
        message: { zh: `出库单 ${pick.outboundNo} 已拣完，等待封箱`, en: `outbound ${pick.outboundNo} is fully picked and waiting to be sealed` },
        customerVisible: false,
        customerMessage: null,
      });
    }
  }
  // The ERP voided the order, the WMS still means to ship it: the warehouse must stop it.
  if (o.status === 'CANCELLED' && o.picking && LIVE_OUTBOUND.has(o.picking.status)) {
    const outboundNo = o.picking.outboundNo;
    out.push({
      code: 'CANCELLED_OUTBOUND_LIVE',
      key: outboundNo,
      severity: 'BLOCKING',
      since: null,
      expectedBy: null,
      expectedResolution: { zh: `仓库在 WMS 中取消出库单 ${outboundNo}，不再拣货发货`, en: `the warehouse cancels outbound ${outboundNo} in the WMS and neither picks nor ships it` },
      sourceSystem: 'WMS',
      message: {
        zh: `订单已在 ERP 作废，但出库单 ${outboundNo} 在 WMS 中仍有效（${o.picking.status}）：拣货已停止`,
        en: `the order was cancelled in the ERP, but outbound ${outboundNo} is still live in the WMS (${o.picking.status}): picking is stopped`,
      },
      customerVisible: false,
      customerMessage: null,
    });
  }
  for (const d of o.contradictingDocuments ?? []) {
    out.push({
      code: 'CONTRADICTING_REFERENCE',
      key: `${d.system}:${d.documentNo}`,
      severity: 'WARNING',
      since: null,
      expectedBy: null,
      expectedResolution: { zh: '人工核对：更正单据上的引用号，或更正单据本身', en: 'a person must check: correct the reference on the document, or the document itself' },
      sourceSystem: d.system,
      message: CONTRADICTION_TEXT[d.reason](d),
      customerVisible: false,
      customerMessage: null,
    });
  }
  for (const outboundNo of o.ambiguousOutbounds) {
    out.push({
      code: 'UNLINKED_DOCUMENT',
      key: outboundNo,
      severity: 'WARNING',
      since: null,
      expectedBy: null,
      expectedResolution: { zh: '人工确认出库单属于哪个订单', en: 'a person must decide which order the outbound belongs to' },
      sourceSystem: 'WMS',
      message: { zh: `出库单 ${outboundNo} 没有引用单号，且与多个订单同样符合`, en: `outbound ${outboundNo} has no reference and fits several orders equally` },
      customerVisible: false,
      customerMessage: null,
    });
  }
  if (o.missingNodes.length) {
    out.push({
      code: 'LIFECYCLE_GAP',
      key: '',
      severity: 'INFO',
      since: null,
      expectedBy: null,
      expectedResolution: { zh: '补录缺失节点', en: 'record the missing steps' },
      sourceSystem: 'HUB',
      message: { zh: `节点已经过但无系统记录：${o.missingNodes.join('、')}`, en: `passed but never recorded: ${o.missingNodes.join(', ')}` },
      customerVisible: false,
      customerMessage: null,
    });
  }
  const due = promiseDue(o.promisedAt, promise);
  if (due != null && !delivered) {
    if (o.now > due) {
      out.push({
        code: 'PROMISE_OVERDUE',
        key: '',
        severity: 'WARNING',
        since: due,
        expectedBy: null,
        expectedResolution: { zh: '催促承运商并告知客户新的送达时间', en: 'chase the carrier and give the customer a new time' },
        sourceSystem: 'HUB',
        message: { zh: '已超过承诺送达时间仍未签收', en: 'past the promised delivery time and not signed for' },
        customerVisible: true,
        customerMessage: { zh: '订单已超过承诺送达时间，我们正在全力催促，给您带来不便深表歉意', en: 'Your order is past its promised delivery time; we are chasing it and apologise for the delay' },
      });
    } else if (o.now > due - AT_RISK_MS && !SHIPPED.has(o.status)) {
      out.push({
        code: 'PROMISE_AT_RISK',
        key: '',
        severity: 'WARNING',
        since: due - AT_RISK_MS,
        expectedBy: due,
        expectedResolution: { zh: '今天发出', en: 'ship it today' },
        sourceSystem: 'HUB',
        message: { zh: '承诺送达时间临近但尚未发货', en: 'the promised time is near and nothing has shipped' },
        customerVisible: false,
        customerMessage: null,
      });
    }
  }
  return out.sort((a, b) => RANK[a.severity] - RANK[b.severity] || CODE_ORDER.indexOf(a.code) - CODE_ORDER.indexOf(b.code) || (b.since ?? 0) - (a.since ?? 0));
}

/** The time the promise is kept by: the corrected one, else the ERP's; null when a rule worded it instead. */
function promiseDue(promisedAt: number | null, promise: PromiseView): number | null {
  return promise.correctedPromisedAt ?? (promise.text ? null : promisedAt);
}

/**
 * When the order's blockers next change by the clock alone — the promise coming within reach
 * (PROMISE_AT_RISK), then passing (PROMISE_OVERDUE) — as computeBlockers would see it; null when
 * nothing will change until something else does. The recorded blockers are looked at again then.
 */
export function nextChangeByTime(o: BlockerInputs): number | null {
  const due = promiseDue(o.promisedAt, effectivePromise(o.promisedAt, o.decisions));
  if (due == null || DELIVERED.has(o.status)) return null;
  if (o.now <= due - AT_RISK_MS && !SHIPPED.has(o.status)) return due - AT_RISK_MS + 1;
  return o.now <= due ? due + 1 : null;
}

/** The one blocker a customer should see, worded for them; internal ones never show. */
export function currentBlocker(blockers: Blocker[]): Blocker | null {
  return blockers.find((b) => b.customerVisible) ?? null;
}
