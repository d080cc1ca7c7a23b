// The flat fact sets BI tools read (docs/bi.md): one row per fact, scalar columns only, each named
// with where it comes from. Orders, their lines (from the ERP, in batches), legacy documents and
// their links, rule decisions, holds and pick scans; reconciliation items are in reconciliation.ts.
// Personal data — a receiver's name and mobile, an address, free text a person typed — is marked
// `personal`: the gateway refuses it to BI clients unless BI_PERSONAL_DATA=on.
import type { FactColumn } from '../../../../common/src/facts/columns.js';
import type { FactSet, Row } from '../../../../common/src/facts/reader.js';
import { toFen } from '../../../../common/src/money.js';
import { unique } from '../../../../common/src/loader.js';
import { ORDER_STATUS_TEXT } from '../../../../common/src/order-status.js';
import { RULE_KINDS } from '../rules/kinds.js';
import type { Context } from '../context.js';
import { blockersOf } from '../rules/resolvers.js';

/** The status's Chinese name, as the customer's order page shows it (common/src/order-status.ts). */
export const STATUS_ZH: Record<string, string> = Object.fromEntries(Object.entries(ORDER_STATUS_TEXT).map(([status, text]) => [status, text.name.zh]));
const ERP_STATUS_ZH = { OPEN: '开立', APPROVED: '已审核', PAID: '已收款', CLOSED: '已关闭', CANCELLED: '作废' };
const LINK_METHOD_ZH = { REFERENCE: '单号引用', NORMALIZED_REFERENCE: '单号变体引用', MATCHED: '按客户、日期、商品匹配' };
const QUANTITY_STATE_ZH = { AGREE: '数量一致', MISMATCH: '数量不一致' };
const DOCUMENT_STATE_ZH = { LINKED: '已关联', UNLINKED: '未关联' };
const UNLINKED_REASON_ZH = { REFERENCE_NOT_FOUND: '引用的单号不存在', AMBIGUOUS_MATCH: '多个订单同样符合', NO_MATCH: '没有符合的订单', OUTBOUND_UNLINKED: '引用的出库单未关联', CUSTOMER_MISMATCH: '引用的订单属于其他客户', GOODS_MISMATCH: '与引用的订单商品不符', CONSIGNEE_MISMATCH: '收货人和城市与引用的订单不符' };
export const RULE_KIND_ZH: Record<(typeof RULE_KINDS)[number], string> = {
  CUSTOMER_GRADE_HOLD: '客户等级审批',
  CREDIT_LIMIT: '信用额度',
  EXPIRY_CONTROL: '效期管控',
  WEATHER_BREAKER: '天气熔断',
  MANDATORY_GIFT: '强制赠品',
  THRESHOLD_PROMOTION: '满额促销',
  REGION_RESTRICTION: '区域限售',
  GRADE_DISCOUNT: '等级折扣',
  QUANTITY_LIMIT: '限购数量',
  PRICE_FLOOR: '价格底线',
  DUPLICATE_ORDER: '重复下单',
  PROMISE_FEASIBILITY: '交期可行性',
};
const HOLD_STATE_ZH = { OPEN: '待审批', APPROVED: '已批准', REJECTED: '已驳回' };
const SCAN_OUTCOME_ZH = { OK: '正确', WRONG_SKU: '商品错误', WRONG_BATCH: '批次错误', EXPIRED: '效期不符', OVER_PICK: '超拣', UNKNOWN_BARCODE: '无法识别' };

const both = (mysql: string, sqlite: string) => ({ mysql, sqlite });
/** The later of two stamps: when the row (made of two tables) last changed. */
const latest = (a: string, b: string) => both(`GREATEST(${a}, ${b})`, `MAX(${a}, ${b})`);
/** A text value inside a JSON column. */
const jsonText = (column: string, path: string) => both(`JSON_UNQUOTE(JSON_EXTRACT(${column}, '${path}'))`, `json_extract(${column}, '${path}')`);
const bitCount = (column: string) => both(`BIT_COUNT(${column})`, `(${RULE_KINDS.map((_k, i) => `((${column} >> ${i}) & 1)`).join(' + ')})`);

const col = (name: string, type: FactColumn['type'], sql?: FactColumn['sql'], extra: Partial<FactColumn> = {}): FactColumn => ({ name, type, sql, ...extra });
const label = (name: string, of: string, zh: Record<string, string>): FactColumn => ({ name, type: 'string', label: { of, zh } });

/** The columns of hub_order every fact about an order carries, for filtering and joining in BI. */
const orderColumns = (o: string): FactColumn[] => [
  col('orderId', 'orderId', `${o}.id`),
  col('erpOrderNo', 'string', `${o}.erp_order_no`),
];

const ORDER_STAMPS = ['o.changed_us', 'COALESCE(f.changed_us, 0)'];

export const orderFacts: FactSet<Context> = {
  name: 'orders',
  from: 'hub_order o LEFT JOIN hub_order_fact f ON f.order_id = o.id',
  key: ['orderId'],
  stamps: ORDER_STAMPS,
  columns: [
    ...orderColumns('o'),
    col('wmsOutboundNo', 'string', 'o.wms_outbound_no'),
    col('tmsWaybillNo', 'string', 'o.tms_waybill_no'),
    col('status', 'string', 'o.status'),
    label('statusZh', 'status', STATUS_ZH),
    col('cancelled', 'boolean', 'o.cancelled'),
    col('customerCode', 'string', 'o.customer_code'),
    col('storeCode', 'string', 'o.store_code'),
    col('region', 'string', 'o.region'),
    col('orderDate', 'date', 'o.order_date'),
    col('orderedAt', 'instant', 'o.ordered_at'),
    col('paidAt', 'instant', 'o.paid_at'),
    col('pickingAt', 'instant', 'o.picking_at'),
    col('shippedOutAt', 'instant', 'o.shipped_out_at'),
    col('inTransitAt', 'instant', 'o.in_transit_at'),
    col('outForDeliveryAt', 'instant', 'o.out_for_delivery_at'),
    col('signedAt', 'instant', 'o.signed_at'),
    col('completedAt', 'instant', 'o.completed_at'),
    col('deliveredAt', 'instant', 'COALESCE(o.signed_at, o.completed_at)'),
    col('promisedAt', 'instant', 'o.promised_at'),
    col('missingNodes', 'string', 'o.missing_nodes'),
    col('erpStatus', 'string', 'o.erp_status'),
    label('erpStatusZh', 'erpStatus', ERP_STATUS_ZH),
    col('totalAmount', 'money', 'o.total_fen'),
    col('outboundMethod', 'string', 'f.outbound_method'),
    label('outboundMethodZh', 'outboundMethod', LINK_METHOD_ZH),
    col('goodsLines', 'int', 'f.goods_lines'),
    col('linesMatched', 'int', 'f.lines_matched'),
    col('quantityState', 'string', 'f.qty_state'),
    label('quantityStateZh', 'quantityState', QUANTITY_STATE_ZH),
    col('quantityDifferenceAmount', 'money', 'f.qty_diff_fen'),
    col('tickets', 'int', 'f.tickets'),
    col('returnsExchanges', 'int', 'f.returns_exchanges'),
    col('firstResponseHours', 'float', 'f.response_hours'),
    col('deliveryJudgedFrom', 'instant', 'f.decided_at'),
    col('lateFrom', 'instant', 'f.late_from'),
    col('rulesFired', 'int', bitCount('f.fired_mask')),
    col('blockersCount', 'int'),
    col('receiverName', 'string', undefined, { personal: true }),
    col('receiverMobile', 'string', undefined, { personal: true }),
    col('shipAddress', 'string', undefined, { personal: true }),
    col('changedAt', 'stamp', latest(ORDER_STAMPS[0], ORDER_STAMPS[1])),
  ],
  needs: { blockersCount: ['orderId'], receiverName: ['erpOrderNo'], receiverMobile: ['erpOrderNo'], shipAddress: ['erpOrderNo'] },
  // Blockers and the receiver come from the systems that hold them, through the request's loaders:
  // one batched call per system for the whole page.
  async compute(rows, wanted, ctx) {
    if (wanted.has('blockersCount')) {
      const orders = await Promise.all(rows.map((r) => ctx.loaders.orderByRowId.load(Number(r.orderId))));
      const counts = await Promise.all(orders.map((o) => (o ? blockersOf(o, ctx).then((b) => b.length) : null)));
      rows.forEach((r, i) => (r.blockersCount = counts[i]));
    }
    if (wanted.has('receiverName') || wanted.has('receiverMobile') || wanted.has('shipAddress')) {
      const headers = await Promise.all(rows.map((r) => ctx.loaders.erpOrder.load(String(r.erpOrderNo))));
      rows.forEach((r, i) => {
        r.receiverName = headers[i]?.contactName ?? null;
        r.receiverMobile = headers[i]?.contactMobile ?? null;
        r.shipAddress = headers[i]?.shipAddress ?? null;
      });
    }
  },
};

/** One row per ERP order line (SO_SODetails), under the hub's order: the lines are read from the ERP for a page of orders at once. */
export const orderLineFacts: FactSet<Context> = {
  name: 'orderLines',
  from: 'hub_order o LEFT JOIN hub_order_fact f ON f.order_id = o.id',
  key: ['orderId'],
  stamps: ORDER_STAMPS,
  columns: [
    ...orderColumns('o'),
    col('orderDate', 'date', 'o.order_date'),
    col('orderedAt', 'instant', 'o.ordered_at'),
    col('customerCode', 'string', 'o.customer_code'),
    col('storeCode', 'string', 'o.store_code'),
    col('region', 'string', 'o.region'),
    col('lineNo', 'int'),
    col('skuCode', 'string'),
    col('skuName', 'string'),
    col('skuSpec', 'string'),
    col('isService', 'boolean'),
    col('isGift', 'boolean'),
    col('quantity', 'int'),
    col('unitPrice', 'money'),
    col('amount', 'money'),
    col('changedAt', 'stamp', latest(ORDER_STAMPS[0], ORDER_STAMPS[1])),
  ],
  needs: { lineNo: ['erpOrderNo'] },
  expand: {
    childKey: 'lineNo',
    async children(rows, wanted, ctx) {
      const nos = rows.map((r) => String(r.erpOrderNo));
      // One ERP read for the lines of every order of the page, one for their SKUs when asked.
      const lines = nos.length ? await ctx.facts.erp.linesByOrderNo(nos, 'SO_SODetails.facts') : [];
      const needSku = wanted.has('skuName') || wanted.has('skuSpec') || wanted.has('isService');
      const skuCodes = unique(lines.flat().map((l) => l.skuCode));
      const skus = needSku && skuCodes.length ? new Map((await ctx.facts.erp.skusByCode(skuCodes)).flatMap((s) => (s ? [[s.code, s] as const] : []))) : new Map();
      return rows.map((order, i) =>
        lines[i].map((l): Row => {
          const sku = skus.get(l.skuCode);
          return {
            ...order,
            lineNo: l.rowNo,
            skuCode: l.skuCode,
            skuName: sku?.name ?? null,
            skuSpec: sku?.spec ?? null,
            isService: sku ? (sku.isService ? 1 : 0) : null,
            // Free lines the hub's rules added carry HUB-GIFT:<rule id> in the line remark.
            isGift: (l.remark ?? '').startsWith('HUB-GIFT:') ? 1 : 0,
            quantity: l.quantity,
            unitPrice: toFen(l.unitPrice),
            amount: toFen(l.amount),
          };
        }),
      );
    },
  },
};

export const documentFacts: FactSet<Context> = {
  name: 'documents',
  from: 'hub_document d LEFT JOIN hub_order o ON o.id = d.order_id',
  key: ['system', 'documentNo'],
  stamps: ['d.changed_us'],
  columns: [
    col('system', 'string', 'd.system'),
    col('documentNo', 'string', 'd.document_no'),
    col('state', 'string', 'd.state'),
    label('stateZh', 'state', DOCUMENT_STATE_ZH),
    col('orderId', 'orderId', 'd.order_id'),
    col('erpOrderNo', 'string', 'o.erp_order_no'),
    col('linkMethod', 'string', 'd.method'),
    label('linkMethodZh', 'linkMethod', LINK_METHOD_ZH),
    col('confidence', 'float', 'd.confidence'),
    col('unlinkedReason', 'string', 'd.reason'),
    label('unlinkedReasonZh', 'unlinkedReason', UNLINKED_REASON_ZH),
    col('reference', 'string', 'd.reference_raw'),
    col('customerCode', 'string', 'd.customer_code'),
    col('documentDate', 'date', 'd.doc_date'),
    col('firstSeenAt', 'instant', 'd.first_seen_at'),
    col('linkedAt', 'instant', 'd.linked_at'),
    col('changedAt', 'stamp', 'd.changed_us'),
  ],
};

export const ruleDecisionFacts: FactSet<Context> = {
  name: 'ruleDecisions',
  from: 'hub_decision x JOIN hub_order o ON o.id = x.order_id',
  key: ['orderId', 'ruleId'],
  stamps: ['x.changed_us'],
  columns: [
    ...orderColumns('o').map((c) => (c.name === 'orderId' ? col('orderId', 'orderId', 'x.order_id') : c)),
    col('ruleId', 'string', 'x.rule_id'),
    col('ruleVersion', 'int', 'x.rule_version'),
    col('kind', 'string', 'x.kind'),
    label('kindZh', 'kind', RULE_KIND_ZH),
    col('fired', 'boolean', 'x.fired'),
    col('explanationZh', 'string', jsonText('x.facts', '$.explanation.zh')),
    col('explanationEn', 'string', jsonText('x.facts', '$.explanation.en')),
    col('supersededBy', 'string', jsonText('x.facts', '$.supersededBy')),
    col('evaluatedAt', 'instant', 'x.evaluated_at'),
    col('firstFiredAt', 'instant', 'x.first_fired_at'),
    col('changedAt', 'stamp', 'x.changed_us'),
  ],
};

export const holdFacts: FactSet<Context> = {
  name: 'holds',
  from: 'hub_hold h JOIN hub_order o ON o.id = h.order_id',
  key: ['holdId'],
  stamps: ['h.changed_us'],
  columns: [
    col('holdId', 'int', 'h.id'),
    ...orderColumns('o'),
    col('ruleId', 'string', 'h.rule_id'),
    col('ruleVersion', 'int', 'h.rule_version'),
    col('approverRole', 'string', 'h.approver_role'),
    col('reasonCode', 'string', 'h.reason_code'),
    col('internalReason', 'string', 'h.internal_reason'),
    col('state', 'string', 'h.state'),
    label('stateZh', 'state', HOLD_STATE_ZH),
    col('createdAt', 'instant', 'h.created_at'),
    col('decidedBy', 'string', 'h.decided_by'),
    col('decidedRole', 'string', 'h.decided_role'),
    col('decidedAt', 'instant', 'h.decided_at'),
    col('decisionReason', 'string', 'h.decision_reason', { personal: true }),
    col('changedAt', 'stamp', 'h.changed_us'),
  ],
};

export const scanFacts: FactSet<Context> = {
  name: 'scans',
  from: 'hub_pick_scan s LEFT JOIN hub_order o ON o.id = s.order_id',
  key: ['scanId'],
  stamps: ['s.changed_us'],
  columns: [
    col('scanId', 'int', 's.id'),
    col('outboundNo', 'string', 's.out_no'),
    col('orderId', 'orderId', 's.order_id'),
    col('erpOrderNo', 'string', 'o.erp_order_no'),
    col('picker', 'string', 's.picker'),
    col('outcome', 'string', 's.outcome'),
    label('outcomeZh', 'outcome', SCAN_OUTCOME_ZH),
    col('skuCode', 'string', 's.sku'),
    col('batchNo', 'string', 's.batch_no'),
    col('quantity', 'int', 's.quantity'),
    col('completed', 'boolean', 's.completed'),
    col('scannedAt', 'instant', 's.scanned_at'),
    col('changedAt', 'stamp', 's.changed_us'),
  ],
};

export const FACT_SETS = { orderFacts, orderLineFacts, documentFacts, ruleDecisionFacts, holdFacts, scanFacts };
