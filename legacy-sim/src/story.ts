// An order's story: when each thing happens in each legacy system. The seed writes every story as
// it stands at the end of the data set; the live feed writes the same stories as they unfold, so
// both produce exactly the rows the real systems would hold at that moment.
import { formatBeijing } from '../../common/src/time.js';
import { formatFen } from '../../common/src/money.js';

export interface StoryLine {
  rowNo: number;
  skuCode: string;
  quantity: number;
  unitPriceFen: number;
  isService: boolean;
}

export interface OutboundLinePlan {
  lineNo: number;
  skuCode: string;
  batchNo: string;
  locCode: string;
  planQty: number;
}

export interface OutboundStory {
  /** Assigned in creation order per day once every outbound is known. */
  outboundNo: string;
  /** ref_no exactly as the clerk types it; null when left empty. */
  reference: string | null;
  /** An empty string rather than NULL, as some clerks leave it. */
  referenceBlank?: boolean;
  customerCode: string;
  customerName: string;
  warehouseCode: string;
  createAt: number;
  pickStartAt: number;
  pickEndAt: number;
  packAt: number;
  shipAt: number;
  lines: OutboundLinePlan[];
  dropPickStart?: boolean;
}

export interface TrackPlan {
  code: number;
  at: number;
  city: string;
  desc: string;
}

export interface WaybillStory {
  waybillNo: string;
  carrierCode: string;
  /** Filled in once numbers are assigned: the CK no., or the SO no. when no outbound exists. */
  customerRef: string;
  consignee: string;
  destCity: string;
  weightKg: string;
  createAt: number;
  tracks: TrackPlan[];
  exception: { code: string; desc: string; delayMinutes: number; at: number } | null;
  dropOutForDelivery?: boolean;
}

export interface OrderStory {
  erpOrderNo: string;
  customerCode: string;
  customerName: string;
  storeCode: string;
  region: string;
  warehouseCode: string;
  orderedAt: number;
  promisedAt: number;
  approveAt: number;
  payAt: number | null;
  cancelAt: number | null;
  closeAt: number | null;
  lines: StoryLine[];
  remark: string | null;
  maker: string;
  outbound: OutboundStory | null;
  waybill: WaybillStory | null;
  dropPayTime?: boolean;
}

const at = (t: number | null | undefined, now: number) => t != null && t <= now;
const fmt = (t: number) => formatBeijing(t);
const lastOf = (times: (number | null | undefined)[], now: number) => Math.max(...times.filter((t): t is number => at(t, now)));

export const orderTotalFen = (o: OrderStory) => o.lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0);

/** SO_SOMain as it stands at `now`; null before the order exists. */
export function soMainRow(o: OrderStory, now: number) {
  if (o.orderedAt > now) return null;
  const cancelled = at(o.cancelAt, now);
  const paid = at(o.payAt, now);
  const closed = at(o.closeAt, now);
  return {
    cSOCode: o.erpOrderNo,
    cCusCode: o.customerCode,
    cDepCode: o.storeCode,
    cRegion: o.region,
    dDate: fmt(o.orderedAt),
    dPreDate: fmt(o.promisedAt),
    iStatus: cancelled ? 9 : closed ? 6 : paid ? 3 : at(o.approveAt, now) ? 2 : 1,
    dPayTime: paid && !o.dropPayTime ? fmt(o.payAt!) : null,
    dCloseTime: closed ? fmt(o.closeAt!) : null,
    iTotalSum: formatFen(orderTotalFen(o)),
    cMemo: o.remark,
    cMaker: o.maker,
    dModifyTime: fmt(lastOf([o.orderedAt, o.approveAt, o.cancelAt, o.payAt, o.closeAt], now)),
  };
}

export function soDetailRows(o: OrderStory) {
  return o.lines.map((l) => ({
    cSOCode: o.erpOrderNo,
    iRowNo: l.rowNo,
    cInvCode: l.skuCode,
    iQuantity: l.quantity,
    iTaxUnitPrice: formatFen(l.unitPriceFen),
    iSum: formatFen(l.quantity * l.unitPriceFen),
  }));
}

/** WMS status codes by the last step reached. */
export function outboundStatus(ob: OutboundStory, now: number): number {
  if (at(ob.shipAt, now)) return 60;
  if (at(ob.packAt, now)) return 50;
  if (at(ob.pickEndAt, now)) return 40;
  if (at(ob.pickStartAt, now)) return 30;
  if (at(ob.createAt + 60_000, now)) return 20;
  return 10;
}

/** t_out_order as it stands at `now`; null before the outbound exists. */
export function outOrderRow(ob: OutboundStory, now: number) {
  if (ob.createAt > now) return null;
  return {
    out_no: ob.outboundNo,
    ref_no: ob.reference ?? (ob.referenceBlank ? '' : null),
    consignee_code: ob.customerCode,
    consignee_name: ob.customerName,
    warehouse_code: ob.warehouseCode,
    status: outboundStatus(ob, now),
    create_time: fmt(ob.createAt),
    pick_start_time: at(ob.pickStartAt, now) && !ob.dropPickStart ? fmt(ob.pickStartAt) : null,
    pick_end_time: at(ob.pickEndAt, now) ? fmt(ob.pickEndAt) : null,
    ship_time: at(ob.shipAt, now) ? fmt(ob.shipAt) : null,
    update_time: fmt(lastOf([ob.createAt, ob.createAt + 60_000, ob.pickStartAt, ob.pickEndAt, ob.packAt, ob.shipAt], now)),
  };
}

export function outLineRows(ob: OutboundStory, now: number) {
  const picked = at(ob.pickEndAt, now);
  return ob.lines.map((l) => ({
    out_no: ob.outboundNo,
    line_no: l.lineNo,
    sku: l.skuCode,
    batch_no: l.batchNo,
    loc_code: l.locCode,
    plan_qty: l.planQty,
    picked_qty: picked ? l.planQty : null,
  }));
}

/** The tracks TMS holds at `now` (a dropped record never reaches TMS). */
export function visibleTracks(wb: WaybillStory, now: number): TrackPlan[] {
  return wb.tracks.filter((t) => t.at <= now && !(wb.dropOutForDelivery && t.code === 30));
}

/** A waybill as the TMS API returns it. */
export interface TmsWaybill {
  waybillNo: string;
  carrierCode: string;
  customerRef: string | null;
  consignee: string | null;
  destCity: string | null;
  status: number;
  weightKg: string | null;
  createTime: string;
  updateTime: string;
  exception: { code: string; desc: string | null; delayMinutes: number | null } | null;
  tracks: { opCode: number; opTime: string; opCity: string | null; opDesc: string }[];
}

/** The waybill as the TMS API shows it at `now`; null before it exists. */
export function waybillAt(wb: WaybillStory, now: number): TmsWaybill | null {
  if (wb.createAt > now) return null;
  const tracks = visibleTracks(wb, now);
  const last = tracks[tracks.length - 1];
  const exception = wb.exception && wb.exception.at <= now ? wb.exception : null;
  return {
    waybillNo: wb.waybillNo,
    carrierCode: wb.carrierCode,
    customerRef: wb.customerRef,
    consignee: wb.consignee,
    destCity: wb.destCity,
    status: last?.code ?? 0,
    weightKg: wb.weightKg,
    createTime: fmt(wb.createAt),
    updateTime: fmt(Math.max(wb.createAt, last?.at ?? 0, exception?.at ?? 0)),
    exception: exception ? { code: exception.code, desc: exception.desc, delayMinutes: exception.delayMinutes } : null,
    tracks: tracks.map((t) => ({ opCode: t.code, opTime: fmt(t.at), opCity: t.city, opDesc: t.desc })),
  };
}
