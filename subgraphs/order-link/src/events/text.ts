// What an order event says, in Chinese and English, made from what the trigger recorded.
import type { Bilingual } from '../../../../common/src/errors.js';
import { toIsoBeijing } from '../../../../common/src/time.js';
import type { OrderEventRow } from './log.js';
import { formatDraftId } from '../../../../common/src/docno.js';
import { ORDER_STATUS_TEXT, type OrderStatusName } from '../../../../common/src/order-status.js';


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

export function describeEvent(e: OrderEventRow): Bilingual {
  const d = e.detail;
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
      const r = halves(str(d.reason));
      return { zh: `规则 ${str(d.ruleId)} 暂停订单，等待 ${str(d.approverRole)} 审批：${r.zh}`, en: `Held by rule ${str(d.ruleId)} for approval by ${str(d.approverRole)}: ${r.en}` };
    }
    case 'HOLD_DECIDED': {
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
