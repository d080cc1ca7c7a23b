// Fills the four simulated legacy systems from the generator, dropping what was there, and writes
// the ground truth beside them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, insertRows, openDataSource, rowsOf } from '../../common/src/db.js';
import { formatBeijing } from '../../common/src/time.js';
import { formatFen } from '../../common/src/money.js';
import { generate, DAY, type DataSet } from './generator.js';
import { createLegacySchema, type LegacyStore } from './schema.js';
import { outLineRows, outOrderRow, soDetailRows, soMainRow, waybillAt } from './story.js';
import { insertWaybills } from './tms-store.js';
import { historyDetailRows, historyMainRow } from './history.js';
import { STORES, leadTimeDays } from './world.js';
import type { GroundTruth, SeedOptions, SeedTargets } from './types.js';

/** A fresh, empty store with the legacy schema. */
export async function resetStore(url: string, store: LegacyStore): Promise<DataSource> {
  await dropDatabase(url);
  await ensureDatabase(url);
  const ds = await openDataSource(url);
  await createLegacySchema(ds, store);
  return ds;
}

async function writeStore(url: string, store: LegacyStore, fill: (ds: DataSource) => Promise<void>) {
  const ds = await resetStore(url, store);
  try {
    await fill(ds);
  } finally {
    await ds.destroy();
  }
}

export function erpFill(data: DataSet) {
  return async (ds: DataSource) => {
    await insertRows(ds, 'Department', STORES.map((s) => ({ cDepCode: s.code, cDepName: s.name, cRegion: s.city, cWhCode: s.warehouse })));
    await insertRows(
      ds,
      'Customer',
      data.world.customers.map((c, i) => ({
        cCusCode: c.code,
        cCusName: c.name,
        // The ERP's grade column is CHAR(1) typed by hand: now and then lower case.
        cGrade: i % 97 === 13 ? c.grade.toLowerCase() : c.grade,
        iCreditLine: formatFen(c.creditLineFen),
        cDepCode: c.store.code,
        cCusPhone: c.phone,
        dModifyTime: formatBeijing(data.asOf - ((i % 300) + 1) * DAY),
      })),
    );
    await insertRows(
      ds,
      'Inventory',
      data.world.catalog.map((c) => ({
        cInvCode: c.code,
        cInvName: c.nameZh,
        cInvNameEn: c.nameEn,
        cInvStd: c.model,
        cInvCCode: c.category,
        cComUnitName: c.unit,
        iInvSPrice: formatFen(c.priceFen),
        iShelfLifeMonths: c.shelfLifeMonths,
        bService: c.isService ? 1 : 0,
        cBarCode: c.gtin,
        iInvAdvance: leadTimeDays(c),
      })),
    );
    if (data.history) {
      await insertRows(ds, 'SO_SOMain', rowsOf(data.history.orders, (o) => [historyMainRow(o)]));
      await insertRows(ds, 'SO_SODetails', rowsOf(data.history.orders, historyDetailRows));
    }
    // Orders committed late are not there yet: later-changes.ts writes them after the first sync.
    const visible = data.orders.filter((o) => !data.later.heldBack.has(o.erpOrderNo));
    // … and orders the ERP cancels after the first sync are not cancelled yet.
    const cancelledLater = new Set(data.later.cancelled);
    await insertRows(ds, 'SO_SOMain', rowsOf(visible, (o) => [soMainRow(cancelledLater.has(o.erpOrderNo) ? { ...o, cancelAt: null } : o, data.asOf)!]));
    await insertRows(ds, 'SO_SODetails', rowsOf(visible, soDetailRows));
    await insertRows(ds, 'SaleBillVouch', data.invoices);
  };
}

export function wmsFill(data: DataSet) {
  return async (ds: DataSource) => {
    const outbounds = [...data.orders.flatMap((o) => (o.outbound ? [o.outbound] : [])), ...data.orphanOutbounds]
      .filter((ob) => ob.createAt <= data.asOf)
      .sort((a, b) => a.createAt - b.createAt);
    await insertRows(ds, 't_out_order', rowsOf(outbounds, (ob) => [outOrderRow(ob, data.asOf)!]));
    await insertRows(ds, 't_out_line', rowsOf(outbounds, (ob) => outLineRows(ob, data.asOf)));
    await insertRows(
      ds,
      't_location',
      data.world.locations.map((l) => ({ warehouse_code: l.warehouseCode, loc_code: l.locCode, floor_no: l.floor, aisle_no: l.aisle, shelf_no: l.shelf, status: l.usable ? 1 : 0 })),
    );
    await insertRows(
      ds,
      't_stock',
      data.world.stock.map((s) => ({ warehouse_code: s.warehouseCode, sku: s.skuCode, batch_no: s.batchNo, exp_date: s.expDate, loc_code: s.locCode, qty: s.qty, locked_qty: s.lockedQty })),
    );
  };
}

export function tmsFill(data: DataSet) {
  return async (ds: DataSource) => {
    const waybills = [...data.orders.flatMap((o) => (o.waybill ? [o.waybill] : [])), ...data.orphanWaybills]
      .map((wb) => waybillAt(wb, data.asOf))
      .filter((w) => w != null)
      .sort((a, b) => a.createTime.localeCompare(b.createTime));
    await insertWaybills(ds, waybills);
    await insertRows(ds, 'tms_weather_alert', [...data.weatherAlerts, ...(data.history?.alerts ?? [])]);
  };
}

export function crmFill(data: DataSet) {
  return async (ds: DataSource) => {
    await insertRows(ds, 'crm_customer', data.crmCustomers);
    await insertRows(ds, 'crm_ticket', data.tickets);
    await insertRows(ds, 'crm_call', data.calls);
  };
}

export async function seed(targets: SeedTargets, options: SeedOptions): Promise<GroundTruth> {
  const data = generate(options);
  await Promise.all([
    writeStore(targets.erpUrl, 'erp', erpFill(data)),
    writeStore(targets.wmsUrl, 'wms', wmsFill(data)),
    writeStore(targets.tmsStoreUrl, 'tms', tmsFill(data)),
    writeStore(targets.crmStoreUrl, 'crm', crmFill(data)),
  ]);
  if (options.truthPath) {
    mkdirSync(dirname(options.truthPath), { recursive: true });
    writeFileSync(options.truthPath, JSON.stringify(data.truth, null, 1));
  }
  return data.truth;
}
