// Writes straight into the running legacy systems the way their own application servers and batch
// imports do — rows in the ERP and WMS tables, waybills in the TMS store — with whatever modify time
// such a writer would stamp, to see what the hub makes of them.
import type { DataSource } from 'typeorm';
import { insertRows, openDataSource, placeholders } from '../../common/src/db.js';
import { formatBeijing, parseBeijing } from '../../common/src/time.js';
import type { TruthOrder } from '../../legacy-sim/src/types.js';
import type { Stack } from './stack.js';

export interface LegacyWriter {
  erp: DataSource;
  wms: DataSource;
  tms: DataSource;
  close(): Promise<void>;
}

export async function openLegacy(stack: Stack): Promise<LegacyWriter> {
  const [erp, wms, tms] = await Promise.all([
    openDataSource(stack.targets.erpUrl, { poolSize: 2 }),
    openDataSource(stack.targets.wmsUrl, { poolSize: 2 }),
    openDataSource(stack.targets.tmsStoreUrl, { poolSize: 2 }),
  ]);
  return { erp, wms, tms, close: async () => void (await Promise.all([erp.destroy(), wms.destroy(), tms.destroy()])) };
}

/** Copies rows of `table` matching `where`, without their auto-increment id, with `changes` applied. */
async function copyRows(db: DataSource, table: string, idColumn: string | null, where: string, params: unknown[], changes: Record<string, unknown>): Promise<number> {
  const rows: Record<string, unknown>[] = await db.query(`SELECT * FROM ${table} WHERE ${where}`, params);
  const copies = rows.map((r) => {
    const copy = { ...r, ...changes };
    if (idColumn) delete copy[idColumn];
    return copy;
  });
  await insertRows(db, table, copies);
  return copies.length;
}

/** The hub's read position in a feed (Beijing text): what "older than the hub has read" is measured from. */
export async function feedPosition(stack: Stack, source: 'erp' | 'wms' | 'tms'): Promise<string> {
  const [row] = await stack.orderLink.hubDb.query('SELECT position FROM hub_sync_cursor WHERE source = ?', [source]);
  return JSON.parse(row.position).modifiedAt;
}

export const shiftBeijing = (text: string, ms: number) => formatBeijing(parseBeijing(text)! + ms);

export interface CopiedOrder {
  erpOrderNo: string;
  outboundNo: string | null;
  waybillNo: string | null;
}

/**
 * A new order that tells the same story as `original` (same customer, lines, outbound and waybill,
 * each under a new number, each naming the other as the original's did), written with the given
 * modify times: a batch import or a long transaction that commits rows stamped in the past.
 */
export async function copyOrderStory(
  legacy: LegacyWriter,
  original: TruthOrder,
  serial: number,
  modified: { erp: string; wms: string; tms: string },
): Promise<CopiedOrder> {
  const day = original.erpOrderNo.slice(3, 11);
  const erpOrderNo = `SO-${day}-${String(900_000 + serial)}`;
  await copyRows(legacy.erp, 'SO_SOMain', 'ID', 'cSOCode = ?', [original.erpOrderNo], { cSOCode: erpOrderNo, cDefine10: null, dModifyTime: modified.erp });
  await copyRows(legacy.erp, 'SO_SODetails', 'AutoID', 'cSOCode = ?', [original.erpOrderNo], { cSOCode: erpOrderNo });
  let outboundNo: string | null = null;
  if (original.outbound) {
    outboundNo = `CK${original.outbound.outboundNo.slice(2, 10)}-${String(900_000 + serial)}`;
    const [{ ref_no }] = await legacy.wms.query('SELECT ref_no FROM t_out_order WHERE out_no = ?', [original.outbound.outboundNo]);
    if (ref_no !== original.erpOrderNo) throw new Error(`copyOrderStory copies stories linked by exact reference; ${original.outbound.outboundNo} says ${ref_no}`);
    const ref = erpOrderNo;
    await copyRows(legacy.wms, 't_out_order', 'id', 'out_no = ?', [original.outbound.outboundNo], { out_no: outboundNo, ref_no: ref, update_time: modified.wms });
    await copyRows(legacy.wms, 't_out_line', 'id', 'out_no = ?', [original.outbound.outboundNo], { out_no: outboundNo });
  }
  let waybillNo: string | null = null;
  if (original.waybill) {
    waybillNo = `${original.waybill.waybillNo.slice(0, 2)}${String(700_000_000 + serial)}CN`;
    const [{ customer_ref }] = await legacy.tms.query('SELECT customer_ref FROM tms_waybill WHERE waybill_no = ?', [original.waybill.waybillNo]);
    const ref = customer_ref === original.outbound?.outboundNo ? outboundNo : customer_ref === original.erpOrderNo ? erpOrderNo : null;
    if (ref == null) throw new Error(`copyOrderStory copies stories linked by exact reference; ${original.waybill.waybillNo} says ${customer_ref}`);
    await copyRows(legacy.tms, 'tms_waybill', null, 'waybill_no = ?', [original.waybill.waybillNo], { waybill_no: waybillNo, customer_ref: ref, update_time: modified.tms });
    await copyRows(legacy.tms, 'tms_track', 'id', 'waybill_no = ?', [original.waybill.waybillNo], { waybill_no: waybillNo });
  }
  return { erpOrderNo, outboundNo, waybillNo };
}

/** Rows of these orders' stories as the legacy systems hold them, for checks that nothing was doubled there. */
export async function countErpOrders(legacy: LegacyWriter, nos: string[]): Promise<number> {
  const [{ n }] = await legacy.erp.query(`SELECT COUNT(*) AS n FROM SO_SOMain WHERE cSOCode IN (${placeholders(nos.length)})`, nos);
  return Number(n);
}
