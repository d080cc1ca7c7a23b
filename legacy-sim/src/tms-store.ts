// The TMS simulator's own storage: waybills and their tracks, weather alerts. Used by the seed to
// fill it and by the TMS server to answer; the API shape (TmsWaybill) is what both exchange.
import type { DataSource } from 'typeorm';
import { insertRows, placeholders, rowsOf } from '../../common/src/db.js';
import type { TmsWaybill } from './story.js';

export const waybillRow = (w: TmsWaybill) => ({
  waybill_no: w.waybillNo,
  carrier_code: w.carrierCode,
  customer_ref: w.customerRef,
  consignee: w.consignee,
  dest_city: w.destCity,
  status: w.status,
  weight_kg: w.weightKg,
  create_time: w.createTime,
  update_time: w.updateTime,
  exception_code: w.exception?.code ?? null,
  exception_desc: w.exception?.desc ?? null,
  delay_minutes: w.exception?.delayMinutes ?? null,
});

export const trackRows = (w: TmsWaybill) =>
  w.tracks.map((t) => ({ waybill_no: w.waybillNo, op_code: t.opCode, op_time: t.opTime, op_city: t.opCity, op_desc: t.opDesc }));

export async function insertWaybills(ds: DataSource, waybills: TmsWaybill[]): Promise<void> {
  await insertRows(ds, 'tms_waybill', rowsOf(waybills, (w) => [waybillRow(w)]));
  await insertRows(ds, 'tms_track', rowsOf(waybills, trackRows));
}

/** MySQL DATETIME comes back as text already (dateStrings); SQLite holds the text we wrote. */
const text = (v: unknown) => (v == null ? null : String(v).slice(0, 19));

/** Rows → API shape, with tracks oldest first. Two queries however many waybills. */
export async function loadWaybills(ds: DataSource, rows: any[]): Promise<TmsWaybill[]> {
  if (rows.length === 0) return [];
  const nos = rows.map((r) => r.waybill_no);
  const tracks = await ds.query(`SELECT * FROM tms_track WHERE waybill_no IN (${placeholders(nos.length)}) ORDER BY waybill_no, op_time, id`, nos);
  const byNo = new Map<string, TmsWaybill['tracks']>();
  for (const t of tracks) {
    const list = byNo.get(t.waybill_no) ?? [];
    list.push({ opCode: Number(t.op_code), opTime: text(t.op_time)!, opCity: t.op_city, opDesc: t.op_desc });
    byNo.set(t.waybill_no, list);
  }
  return rows.map((r) => ({
    waybillNo: r.waybill_no,
    carrierCode: r.carrier_code,
    customerRef: r.customer_ref,
    consignee: r.consignee,
    destCity: r.dest_city,
    status: Number(r.status),
    weightKg: r.weight_kg == null ? null : Number(r.weight_kg).toFixed(2),
    createTime: text(r.create_time)!,
    updateTime: text(r.update_time)!,
    exception: r.exception_code ? { code: r.exception_code, desc: r.exception_desc, delayMinutes: r.delay_minutes == null ? null : Number(r.delay_minutes) } : null,
    tracks: byNo.get(r.waybill_no) ?? [],
  }));
}
