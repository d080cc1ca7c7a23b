// The only place that speaks ERP (Yonyou-U8-like): table and column names, iStatus codes, Beijing
// DATETIME text, DECIMAL money. Everything leaves here as domain types.
import { In, type DataSource } from 'typeorm';
import { BULK_MS, type LegacySystem } from '../../../common/src/legacy.js';
import { beijingToIso } from '../../../common/src/time.js';
import { money } from '../../../common/src/money.js';
import { decode } from '../../../common/src/legacy-codes.js';
import { byKey, groupByKey, unique } from '../../../common/src/loader.js';
import { secondsSql, type ChangeCursor, type ChangePage, type DayDigest, type DocumentVersion } from '../../../common/src/change-feed.js';
import { forUpdate, insertIgnore, insertRows, placeholders } from '../../../common/src/db.js';
import { formatBeijing } from '../../../common/src/time.js';
import { retrying } from '../../../common/src/resilience.js';
import {
  NO_REQUIREMENTS,
  encodeRequirement,
  type Attachment,
  type DeliveryConstraint,
  type OrderRequirements,
  type Priority,
  type Purpose,
  type RequirementField,
} from '../../../common/src/requirements.js';
import { SoMainEntity, type SoMainRow } from './entities/SO_SOMain.js';
import { SoDetailsEntity, type SoDetailsRow } from './entities/SO_SODetails.js';
import { CustomerEntity, type CustomerRow } from './entities/Customer.js';
import { InventoryEntity, type InventoryRow } from './entities/Inventory.js';
import { DepartmentEntity, type DepartmentRow } from './entities/Department.js';

export const erpEntities = [SoMainEntity, SoDetailsEntity, CustomerEntity, InventoryEntity, DepartmentEntity];

/** A free line the hub adds to an order (a rule's gift): its memo is the key that makes it once. */
export interface FreeLine {
  erpOrderNo: string;
  skuCode: string;
  quantity: number;
  memo: string;
}

export type FreeLineOutcome = 'ADDED' | 'ALREADY_THERE' | 'NO_ORDER';

export type ErpOrderStatus = 'OPEN' | 'APPROVED' | 'PAID' | 'CLOSED' | 'CANCELLED';
const ORDER_STATUS: Record<number, ErpOrderStatus> = { 1: 'OPEN', 2: 'APPROVED', 3: 'PAID', 6: 'CLOSED', 9: 'CANCELLED' };

export interface SalesOrder {
  erpOrderNo: string;
  /** SO_SOMain.cCusPerson, cPersonPhone, cShipAddress: who receives the goods and where. */
  contactName: string | null;
  contactMobile: string | null;
  shipAddress: string | null;
  orderedAt: string;
  promisedAt: string | null;
  paidAt: string | null;
  closedAt: string | null;
  erpStatus: ErpOrderStatus;
  storeCode: string;
  region: string;
  remark: string | null;
  salesClerk: string | null;
  totalAmount: string;
  customerCode: string;
}

/** An order as order-link's sync reads it: with its ERP modify time and the SKU codes of its goods. */
export type SyncedSalesOrder = SalesOrder & { goodsSkuCodes: string[]; modifiedAt: string };

export interface SalesOrderLine {
  erpOrderNo: string;
  rowNo: number;
  skuCode: string;
  quantity: number;
  unitPrice: string;
  amount: string;
  /** SO_SODetails.cMemo */
  remark: string | null;
}

/** An order whose invoices do not add up to its total (SaleBillVouch against SO_SOMain.iTotalSum). */
export interface InvoiceDifference {
  erpOrderNo: string;
  orderedAt: string;
  orderTotal: string;
  invoiced: string;
  invoiceNos: string[];
}

/** The hub marks the free lines it adds to an ERP order with this line remark. */
export const HUB_GIFT_MEMO = 'HUB-GIFT:';

/** A customer or SKU as other subgraphs hand it over: the key only; fields load lazily. */
export interface CodeRef {
  code: string;
}
export type ErpCustomer = CodeRef;
export type ErpSku = CodeRef;

export interface CustomerRecord {
  code: string;
  name: string;
  grade: 'A' | 'B' | 'C';
  creditLine: string;
  phone: string | null;
  homeStoreCode: string | null;
}

export interface SkuRecord {
  code: string;
  name: string;
  nameEn: string | null;
  spec: string;
  category: string;
  unit: string;
  listPrice: string;
  shelfLifeMonths: number | null;
  isService: boolean;
  gtin: string | null;
  /** Inventory.iInvAdvance (提前期): supplier lead time in days; null when not filled in. */
  leadTimeDays: number | null;
}

export interface UnitsSold {
  customerCode: string;
  /** SO_SOMain.cRegion */
  region: string;
  /** Beijing date of SO_SOMain.dDate, YYYY-MM-DD */
  day: string;
  skuCode: string;
  units: number;
}

/** A purchase requisition (PU_AppVouch). */
export interface Requisition {
  code: string;
  skuCode: string;
  quantity: number;
  warehouseCode: string;
  /** dRequirDate as ISO, when set */
  requiredBy: string | null;
}

const toRequisition = (r: { cCode: string; cInvCode: string; iQuantity: number | string; cWhCode: string; dRequirDate: string | null }): Requisition => ({
  code: r.cCode,
  skuCode: r.cInvCode,
  quantity: Number(r.iQuantity),
  warehouseCode: r.cWhCode,
  requiredBy: beijingToIso(r.dRequirDate),
});

const isDuplicateKey = (err: unknown) => {
  const e = err as { driverError?: { errno?: number; code?: string }; errno?: number; code?: string };
  return (e?.driverError?.errno ?? e?.errno) === 1062 || /SQLITE_CONSTRAINT_UNIQUE/.test(String(e?.driverError?.code ?? e?.code ?? ''));
};

export interface ErpStore {
  code: string;
  name: string;
  region: string;
  warehouseCode: string;
}

const toOrder = (r: SoMainRow): SalesOrder => ({
  erpOrderNo: r.cSOCode,
  contactName: r.cCusPerson?.trim() || null,
  contactMobile: r.cPersonPhone?.trim() || null,
  shipAddress: r.cShipAddress?.trim() || null,
  orderedAt: beijingToIso(r.dDate)!,
  promisedAt: beijingToIso(r.dPreDate),
  paidAt: beijingToIso(r.dPayTime),
  closedAt: beijingToIso(r.dCloseTime),
  erpStatus: decode('ERP', 'SO_SOMain.iStatus', ORDER_STATUS, Number(r.iStatus)),
  storeCode: r.cDepCode,
  region: r.cRegion,
  remark: r.cMemo?.trim() ? r.cMemo : null,
  salesClerk: r.cMaker,
  totalAmount: money(r.iTotalSum)!,
  customerCode: r.cCusCode,
});

const toLine = (r: SoDetailsRow): SalesOrderLine => ({
  erpOrderNo: r.cSOCode,
  rowNo: Number(r.iRowNo),
  skuCode: r.cInvCode,
  quantity: Number(r.iQuantity),
  unitPrice: money(r.iTaxUnitPrice)!,
  amount: money(r.iSum)!,
  remark: r.cMemo?.trim() ? r.cMemo : null,
});

const toCustomer = (r: CustomerRow): CustomerRecord => ({
  code: r.cCusCode,
  name: r.cCusName,
  grade: decode('ERP', 'Customer.cGrade', { A: 'A', B: 'B', C: 'C' } as const, r.cGrade.trim().toUpperCase()),
  creditLine: money(r.iCreditLine)!,
  phone: r.cCusPhone,
  homeStoreCode: r.cDepCode,
});

const toSku = (r: InventoryRow): SkuRecord => ({
  code: r.cInvCode,
  name: r.cInvName,
  nameEn: r.cInvNameEn,
  spec: r.cInvStd,
  category: r.cInvCCode,
  unit: r.cComUnitName,
  listPrice: money(r.iInvSPrice)!,
  shelfLifeMonths: r.iShelfLifeMonths == null ? null : Number(r.iShelfLifeMonths),
  isService: Number(r.bService) === 1,
  gtin: r.cBarCode,
  leadTimeDays: r.iInvAdvance == null ? null : Number(r.iInvAdvance),
});

const toStore = (r: DepartmentRow): ErpStore => ({ code: r.cDepCode, name: r.cDepName, region: r.cRegion, warehouseCode: r.cWhCode });


// SO_SOMain_ExtraDefine codes as the ERP screens show them (see legacy-sim/src/schema.ts).
const URGENCY: Record<string, Priority> = { 紧急: 'URGENT', 普通: 'NORMAL' };
const ATTACHMENT: Record<string, Attachment> = { 检测报告: 'TEST_REPORT', 合格证: 'CONFORMITY_CERT', 发票: 'INVOICE', 质保卡: 'WARRANTY_CARD' };
const PURPOSE: Record<string, Purpose> = { 装车: 'VEHICLE_INSTALL', 备货: 'STOCKING', 维修: 'REPAIR', 转卖: 'RESALE' };
const DELIVERY_LIMIT: Record<string, DeliveryConstraint> = { 仅工作日: 'WORKDAY_ONLY', 仅上午: 'MORNING_ONLY', 仅下午: 'AFTERNOON_ONLY' };
const codeOf = <T extends string>(table: Record<string, T>, value: T): string => Object.keys(table).find((k) => table[k] === value)!;

interface ExtraDefineRow {
  ID: number;
  cUrgency: string | null;
  cAttachReq: string | null;
  cPurpose: string | null;
  iMinShelfMonths: number | null;
  bCallBefore: number | null;
  cDeliveryLimit: string | null;
}

const F = 'SO_SOMain_ExtraDefine';
function toRequirements(r: ExtraDefineRow | undefined): OrderRequirements {
  if (!r) return NO_REQUIREMENTS;
  const text = (v: string | null) => (v == null ? null : v.trim());
  const attach = text(r.cAttachReq);
  return {
    priority: text(r.cUrgency) ? decode('ERP', `${F}.cUrgency`, URGENCY, text(r.cUrgency)!) : null,
    attachments: attach == null ? null : attach === '' ? [] : attach.split(/[,，]/).map((a) => decode('ERP', `${F}.cAttachReq`, ATTACHMENT, a.trim())),
    purpose: text(r.cPurpose) ? decode('ERP', `${F}.cPurpose`, PURPOSE, text(r.cPurpose)!) : null,
    minShelfLifeMonths: r.iMinShelfMonths == null ? null : Number(r.iMinShelfMonths),
    callBeforeDelivery: r.bCallBefore == null ? null : Number(r.bCallBefore) === 1,
    deliveryConstraint: text(r.cDeliveryLimit) ? decode('ERP', `${F}.cDeliveryLimit`, DELIVERY_LIMIT, text(r.cDeliveryLimit)!) : null,
  };
}

function toExtraColumns(q: OrderRequirements): Omit<ExtraDefineRow, 'ID'> {
  return {
    cUrgency: q.priority && codeOf(URGENCY, q.priority),
    cAttachReq: q.attachments == null ? null : [...q.attachments].sort().map((a) => codeOf(ATTACHMENT, a)).join(','),
    cPurpose: q.purpose && codeOf(PURPOSE, q.purpose),
    iMinShelfMonths: q.minShelfLifeMonths,
    bCallBefore: q.callBeforeDelivery == null ? null : q.callBeforeDelivery ? 1 : 0,
    cDeliveryLimit: q.deliveryConstraint && codeOf(DELIVERY_LIMIT, q.deliveryConstraint),
  };
}

/** A new sales order as the hub asks the ERP to create it (SO_SOMain + SO_SODetails). */
export interface NewSalesOrder {
  /** Goes into cDefine10: the same key never creates a second order. */
  clientKey: string;
  customerCode: string;
  storeCode: string;
  region: string;
  orderedAt: number;
  promisedAt: number | null;
  remark: string | null;
  maker: string;
  contactName: string | null;
  contactMobile: string | null;
  shipAddress: string | null;
  lines: { skuCode: string; quantity: number; unitPrice: string }[];
  requirements: OrderRequirements;
}

/** One field of one order to change, if it still holds `expected` (compare and set). */
export interface RequirementChange {
  erpOrderNo: string;
  field: RequirementField;
  /** Canonical JSON (encodeRequirement), null for not recorded. */
  expected: string | null;
  next: string | null;
}

export type RequirementChangeOutcome = 'WRITTEN' | 'ALREADY' | 'CHANGED_SINCE' | 'ORDER_NOT_FOUND';

export class ErpDatasource {
  constructor(
    private readonly db: DataSource,
    private readonly legacy: LegacySystem,
  ) {}

  private call<T>(operation: string, run: () => Promise<T>, options?: { idempotent: boolean; timeoutMs?: number }): Promise<T> {
    return this.legacy.call(operation, run, options);
  }

  async ordersByNo(orderNos: readonly string[]): Promise<(SalesOrder | null)[]> {
    const rows = await this.call('SO_SOMain.byCode', () =>
      this.db.getRepository(SoMainEntity).find({ where: { cSOCode: In(unique(orderNos)) } }),
    );
    return byKey(orderNos, rows.map(toOrder), (o) => o.erpOrderNo);
  }

  async linesByOrderNo(orderNos: readonly string[], operation = 'SO_SODetails.byOrder'): Promise<SalesOrderLine[][]> {
    const rows = await this.call(operation, () =>
      this.db.getRepository(SoDetailsEntity).find({ where: { cSOCode: In(unique(orderNos)) }, order: { cSOCode: 'ASC', iRowNo: 'ASC' } }),
    );
    return groupByKey(orderNos, rows.map(toLine), (l) => l.erpOrderNo);
  }

  async customersByCode(codes: readonly string[]): Promise<(CustomerRecord | null)[]> {
    const rows = await this.call('Customer.byCode', () =>
      this.db.getRepository(CustomerEntity).find({ where: { cCusCode: In(unique(codes)) } }),
    );
    return byKey(codes, rows.map(toCustomer), (c) => c.code);
  }

  async skusByCode(codes: readonly string[]): Promise<(SkuRecord | null)[]> {
    const rows = await this.call('Inventory.byCode', () =>
      this.db.getRepository(InventoryEntity).find({ where: { cInvCode: In(unique(codes)) } }),
    );
    return byKey(codes, rows.map(toSku), (s) => s.code);
  }

  /**
   * SKUs by the GTIN on their box, as a scanner reads it (14 digits). ERP keeps cBarCode as the
   * catalog wrote it, GTIN-13 or GTIN-14 (and would keep a UPC-A or EAN-8 short), so each of those
   * spellings is looked for.
   */
  async skusByGtin(gtins: readonly string[]): Promise<(SkuRecord | null)[]> {
    const spellings = unique(gtins.flatMap((g) => [g, g.replace(/^0/, ''), g.replace(/^00/, ''), g.replace(/^0{6}/, '')]).filter((g) => /^\d{8,14}$/.test(g)));
    if (spellings.length === 0) return gtins.map(() => null);
    const rows = await this.call('Inventory.byBarCode', () => this.db.getRepository(InventoryEntity).find({ where: { cBarCode: In(spellings) } }));
    return byKey(gtins, rows.map(toSku), (s) => (s.gtin ?? '').trim().padStart(14, '0'));
  }

  async storesByCode(codes: readonly string[]): Promise<(ErpStore | null)[]> {
    const rows = await this.call('Department.byCode', () =>
      this.db.getRepository(DepartmentEntity).find({ where: { cDepCode: In(unique(codes)) } }),
    );
    return byKey(codes, rows.map(toStore), (s) => s.code);
  }

  /**
   * Orders changed after a (dModifyTime, ID) keyset cursor, oldest first, with the SKU codes of
   * their goods (services are never picked, so an outbound cannot show them): the change feed
   * order-link syncs from. Three batched queries per page.
   */
  async ordersChangedSince(cursor: ChangeCursor, limit: number): Promise<ChangePage<SyncedSalesOrder>> {
    const rows = await this.call('sync.SO_SOMain', () =>
      this.db
        .getRepository(SoMainEntity)
        .createQueryBuilder('o')
        .where('(o.dModifyTime > :t OR (o.dModifyTime = :t AND o.ID > :id))', { t: cursor.modifiedAt, id: cursor.rowId })
        .orderBy('o.dModifyTime', 'ASC')
        .addOrderBy('o.ID', 'ASC')
        .limit(limit)
        .getMany(),
    );
    if (rows.length === 0) return { items: [], next: cursor };
    const last = rows[rows.length - 1];
    return { items: await this.forSync(rows), next: { modifiedAt: String(last.dModifyTime).slice(0, 19), rowId: Number(last.ID) } };
  }

  /** These orders as the change feed gives them (a late or missing row fetched by its number); unknown numbers are left out. */
  async ordersForSync(orderNos: readonly string[]): Promise<SyncedSalesOrder[]> {
    if (!orderNos.length) return [];
    const rows = await this.call('sync.SO_SOMain.byCode', () => this.db.getRepository(SoMainEntity).find({ where: { cSOCode: In(unique(orderNos)) } }));
    return rows.length ? this.forSync(rows) : [];
  }

  private async forSync(rows: SoMainRow[]): Promise<SyncedSalesOrder[]> {
    const lines = await this.linesByOrderNo(rows.map((r) => r.cSOCode), 'sync.SO_SODetails');
    const skuCodes = unique(lines.flat().map((l) => l.skuCode));
    const skus = await this.call('sync.Inventory', () => this.db.getRepository(InventoryEntity).find({ where: { cInvCode: In(skuCodes) } }));
    const services = new Set(skus.filter((k) => Number(k.bService) === 1).map((k) => k.cInvCode));
    // The gifts the hub adds are never on an outbound made before them: matching ignores them.
    return rows.map((r, i) => ({
      ...toOrder(r),
      modifiedAt: String(r.dModifyTime).slice(0, 19),
      goodsSkuCodes: lines[i].filter((l) => !services.has(l.skuCode) && !l.remark?.startsWith(HUB_GIFT_MEMO)).map((l) => l.skuCode),
    }));
  }

  /** (order no., dModifyTime) of every order modified within [from, to] (Beijing text): what a late commit would hide in, read without lines. */
  async orderVersionsModifiedBetween(from: string, to: string): Promise<DocumentVersion[]> {
    const rows = await this.call('sync.SO_SOMain.versions', () =>
      this.db.query('SELECT cSOCode AS no, dModifyTime AS modified FROM SO_SOMain WHERE dModifyTime >= ? AND dModifyTime <= ?', [from, to]),
    );
    return rows.map((r: any) => ({ key: r.no as string, modifiedAt: String(r.modified).slice(0, 19) }));
  }

  /** Per order day (dDate) in [fromDay, toDay): how many orders and the sum of their modify times; one grouped query on the date index. */
  async orderDigestsByDay(fromDay: string, toDay: string): Promise<DayDigest[]> {
    const rows = await this.call('sync.SO_SOMain.digests', () =>
      this.db.query(
        `SELECT SUBSTR(dDate, 1, 10) AS day, COUNT(*) AS n, SUM(${secondsSql(this.db.options.type, 'dModifyTime')}) AS s FROM SO_SOMain WHERE dDate >= ? AND dDate < ? GROUP BY SUBSTR(dDate, 1, 10)`,
        [fromDay, toDay],
      ),
    );
    return rows.map((r: any) => ({ day: String(r.day), rows: Number(r.n), seconds: Number(r.s) }));
  }

  /** (order no., dModifyTime) of every order dated within [fromDay, toDay): the keys the sweep compares, for days whose digests differ. */
  async orderVersionsByDay(fromDay: string, toDay: string): Promise<DocumentVersion[]> {
    const rows = await this.call('sync.SO_SOMain.dayVersions', () =>
      this.db.query('SELECT cSOCode AS no, dModifyTime AS modified FROM SO_SOMain WHERE dDate >= ? AND dDate < ?', [fromDay, toDay]),
    );
    return rows.map((r: any) => ({ key: r.no as string, modifiedAt: String(r.modified).slice(0, 19) }));
  }

  /** Unpaid orders (开立, 已审核) of these customers: what each owes on orders not yet paid. */
  /** Unpaid orders (iStatus 1, 2) of these customers, with when each was placed (which came first is the rules' business). */
  async unpaidOrdersByCustomer(codes: readonly string[]): Promise<{ customerCode: string; erpOrderNo: string; orderedAt: string; totalAmount: string }[]> {
    if (!codes.length) return [];
    const rows = await this.call('SO_SOMain.unpaidByCustomer', () =>
      this.db
        .getRepository(SoMainEntity)
        .find({ select: { cSOCode: true, cCusCode: true, dDate: true, iTotalSum: true }, where: { cCusCode: In(unique(codes)), iStatus: In([1, 2]) } }),
    );
    return rows.map((r) => ({ customerCode: r.cCusCode, erpOrderNo: r.cSOCode, orderedAt: beijingToIso(r.dDate)!, totalAmount: money(r.iTotalSum)! }));
  }

  /** Orders (not voided) of these customers placed within [from, to], Beijing wall-clock text. */
  async ordersOfCustomersBetween(codes: readonly string[], from: string, to: string): Promise<SalesOrder[]> {
    if (!codes.length) return [];
    const rows = await this.call('SO_SOMain.byCustomerAndDate', () =>
      this.db
        .getRepository(SoMainEntity)
        .createQueryBuilder('o')
        .where('o.cCusCode IN (:...codes) AND o.dDate >= :from AND o.dDate <= :to AND o.iStatus <> 9', { codes: unique(codes), from, to })
        .getMany(),
    );
    return rows.map(toOrder);
  }

  /**
   * Free lines (SO_SODetails at price 0, the memo naming who added it and why), many orders' in one
   * transaction: a line whose memo its order already holds is not added again (a delivery repeated
   * after a crash, or by a second instance), and an order the ERP does not have refuses that line
   * alone. Outcomes in the order asked.
   */
  async addFreeLines(lines: FreeLine[], now: string): Promise<FreeLineOutcome[]> {
    if (!lines.length) return [];
    const orderNos = [...new Set(lines.map((l) => l.erpOrderNo))].sort();
    return this.call(
      'SO_SODetails.addFreeLines',
      () =>
        this.db.transaction(async (em) => {
          // Headers locked in one order, so two writers of overlapping batches cannot deadlock.
          const headers: { cSOCode: string }[] = await em.query(`SELECT cSOCode FROM SO_SOMain WHERE cSOCode IN (${placeholders(orderNos.length)}) ORDER BY cSOCode${forUpdate(em)}`, orderNos);
          const known = new Set(headers.map((h) => h.cSOCode));
          const held: { cSOCode: string; iRowNo: number; cMemo: string | null }[] = known.size
            ? await em.query(`SELECT cSOCode, iRowNo, cMemo FROM SO_SODetails WHERE cSOCode IN (${placeholders(known.size)})`, [...known])
            : [];
          const lastRow = new Map<string, number>();
          const memos = new Set<string>();
          for (const l of held) {
            lastRow.set(l.cSOCode, Math.max(lastRow.get(l.cSOCode) ?? 0, Number(l.iRowNo)));
            if (l.cMemo != null) memos.add(`${l.cSOCode}\n${l.cMemo}`);
          }
          const inserts: object[] = [];
          const outcomes = lines.map((l): FreeLineOutcome => {
            if (!known.has(l.erpOrderNo)) return 'NO_ORDER';
            if (memos.has(`${l.erpOrderNo}\n${l.memo}`)) return 'ALREADY_THERE';
            memos.add(`${l.erpOrderNo}\n${l.memo}`);
            const rowNo = (lastRow.get(l.erpOrderNo) ?? 0) + 1;
            lastRow.set(l.erpOrderNo, rowNo);
            inserts.push({ cSOCode: l.erpOrderNo, iRowNo: rowNo, cInvCode: l.skuCode, iQuantity: l.quantity, iTaxUnitPrice: '0.00', iSum: '0.00', cMemo: l.memo });
            return 'ADDED';
          });
          const touched = [...new Set(lines.filter((_, i) => outcomes[i] === 'ADDED').map((l) => l.erpOrderNo))];
          if (inserts.length) await insertRows(em, 'SO_SODetails', inserts);
          if (touched.length) await em.query(`UPDATE SO_SOMain SET dModifyTime = ? WHERE cSOCode IN (${placeholders(touched.length)})`, [now, ...touched]);
          return outcomes;
        }),
      // Background work (the outbox): a batch's transaction may take seconds on a busy ERP.
      { idempotent: true, timeoutMs: BULK_MS },
    );
  }

  /** Raises a purchase requisition (PU_AppVouch) once per code. */
  async raisePurchaseRequisition(r: { code: string; skuCode: string; quantity: number; warehouseCode: string; memo: string; maker: string; now: string }): Promise<'RAISED' | 'ALREADY_THERE'> {
    return this.call(
      'PU_AppVouch.raise',
      async () => {
        const before = await this.db.query('SELECT ID FROM PU_AppVouch WHERE cCode = ?', [r.code]);
        if (before.length) return 'ALREADY_THERE' as const;
        await insertIgnore(this.db, 'PU_AppVouch', [
          { cCode: r.code, dDate: r.now, cInvCode: r.skuCode, iQuantity: r.quantity, cWhCode: r.warehouseCode, cMemo: r.memo.slice(0, 255), cMaker: r.maker, dModifyTime: r.now },
        ]);
        return 'RAISED' as const;
      },
      { idempotent: true },
    );
  }

  /** Each warehouse's cities: the cities (Department.cRegion) of the stores it (Department.cWhCode) serves — the company's market, in one read. */
  async regionsByWarehouse(): Promise<Map<string, string[]>> {
    const rows: { cWhCode: string; cRegion: string }[] = await this.call(
      'Department.regions',
      () => this.db.query("SELECT DISTINCT cWhCode, cRegion FROM Department WHERE cWhCode IS NOT NULL AND cWhCode <> '' ORDER BY cWhCode, cRegion"),
      { idempotent: true },
    );
    const byWarehouse = new Map<string, string[]>();
    for (const r of rows) byWarehouse.set(r.cWhCode, [...(byWarehouse.get(r.cWhCode) ?? []), r.cRegion]);
    return byWarehouse;
  }

  /**
   * Units sold (SO_SODetails.iQuantity) per customer, delivery city, Beijing day and SKU, for orders
   * (SO_SOMain, not voided) delivered to these cities and dated in [from, to): the history purchase
   * planning learns from, in one grouped query.
   */
  async unitsSold(regions: readonly string[], from: string, to: string): Promise<UnitsSold[]> {
    if (!regions.length) return [];
    const rows: { cCusCode: string; cRegion: string; day: string; cInvCode: string; units: string | number }[] = await this.call(
      'SO_SODetails.unitsSold',
      () =>
        this.db.query(
          `SELECT m.cCusCode, m.cRegion, SUBSTR(m.dDate, 1, 10) AS day, d.cInvCode, SUM(d.iQuantity) AS units
             FROM SO_SOMain m JOIN SO_SODetails d ON d.cSOCode = m.cSOCode
            WHERE m.cRegion IN (${placeholders(regions.length)}) AND m.dDate >= ? AND m.dDate < ? AND m.iStatus <> 9
            GROUP BY m.cCusCode, m.cRegion, SUBSTR(m.dDate, 1, 10), d.cInvCode`,
          [...regions, from, to],
        ),
      { idempotent: true, timeoutMs: 60_000 },
    );
    return rows.map((r) => ({ customerCode: r.cCusCode, region: r.cRegion, day: String(r.day).slice(0, 10), skuCode: r.cInvCode, units: Number(r.units) }));
  }

  /** Units requested and not yet closed (PU_AppVouch with no cCloser) per SKU for a warehouse. */
  async openRequisitions(warehouseCode: string): Promise<Map<string, number>> {
    const rows: { cInvCode: string; units: string | number }[] = await this.call(
      'PU_AppVouch.open',
      () => this.db.query('SELECT cInvCode, SUM(iQuantity) AS units FROM PU_AppVouch WHERE cWhCode = ? AND cCloser IS NULL GROUP BY cInvCode', [warehouseCode]),
      { idempotent: true },
    );
    return new Map(rows.map((r) => [r.cInvCode, Number(r.units)]));
  }

  /**
   * Raises one requisition (PU_AppVouch row) per line in one transaction, once per key (kept in
   * cDefine10): a key already used answers with the rows it made and created false. Numbers are
   * `prefix-01`, `prefix-02` …, so a concurrent second call with the key collides on the unique
   * cCode and finds the first call's rows.
   */
  async raiseRequisitions(r: {
    key: string;
    codePrefix: string;
    warehouseCode: string;
    requiredOn: string;
    maker: string;
    now: string;
    lines: { skuCode: string; quantity: number; memo: string }[];
  }): Promise<{ created: boolean; requisitions: Requisition[] }> {
    const existing = async (q: (sql: string, params: unknown[]) => Promise<any[]>) =>
      (await q('SELECT cCode, cInvCode, iQuantity, cWhCode, dRequirDate FROM PU_AppVouch WHERE cDefine10 = ? ORDER BY cCode', [r.key])).map(toRequisition);
    return this.call(
      'PU_AppVouch.raiseBatch',
      () =>
        retrying({ attempts: 2, retryOn: isDuplicateKey }, () =>
          this.db.transaction(async (em) => {
            const before = await existing((sql, params) => em.query(sql, params));
            if (before.length) return { created: false, requisitions: before };
            await insertRows(
              em,
              'PU_AppVouch',
              r.lines.map((l, i) => ({
                cCode: `${r.codePrefix}-${String(i + 1).padStart(2, '0')}`,
                dDate: r.now,
                cInvCode: l.skuCode,
                iQuantity: l.quantity,
                cWhCode: r.warehouseCode,
                cMemo: l.memo.slice(0, 255),
                cMaker: r.maker.slice(0, 40),
                dRequirDate: r.requiredOn,
                cDefine10: r.key,
                cCloser: null,
                dModifyTime: r.now,
              })),
            );
            return { created: true, requisitions: await existing((sql, params) => em.query(sql, params)) };
          }),
        ),
      { idempotent: true },
    );
  }

  /** The whole catalog (a few hundred SKUs): what a pasted chat message's products are matched against. */
  async allSkus(): Promise<SkuRecord[]> {
    const rows = await this.call('Inventory.all', () => this.db.getRepository(InventoryEntity).find());
    return rows.map(toSku);
  }

  /** Every customer's code, name and phone: what a pasted chat message is matched against. */
  async customerDirectory(): Promise<{ code: string; name: string; phone: string | null; homeStoreCode: string | null }[]> {
    const rows = await this.call('Customer.directory', () => this.db.query('SELECT cCusCode, cCusName, cCusPhone, cDepCode FROM Customer'));
    return rows.map((r: any) => ({ code: r.cCusCode, name: r.cCusName, phone: r.cCusPhone, homeStoreCode: r.cDepCode }));
  }

  /** The order's structured requirements (SO_SOMain_ExtraDefine); every field null when none were recorded. */
  async requirementsByOrderNo(orderNos: readonly string[], timeoutMs?: number): Promise<(OrderRequirements | null)[]> {
    const nos = unique(orderNos);
    if (!nos.length) return [];
    const rows: (ExtraDefineRow & { cSOCode: string; hasExtra: number | null })[] = await this.call(
      `${F}.byOrder`,
      () =>
        this.db.query(
          `SELECT m.cSOCode, e.ID AS hasExtra, e.* FROM SO_SOMain m LEFT JOIN SO_SOMain_ExtraDefine e ON e.ID = m.ID WHERE m.cSOCode IN (${placeholders(nos.length)})`,
          nos,
        ),
      { idempotent: true, timeoutMs },
    );
    const found = new Map(rows.map((r) => [r.cSOCode, toRequirements(r.hasExtra == null ? undefined : r)]));
    return orderNos.map((no) => found.get(no) ?? null);
  }

  /**
   * Creates a sales order in one ERP transaction, once per client key: an order already carrying
   * the key (cDefine10) is returned instead of a second one. The number continues the day's
   * SO-yyyymmdd-nnn sequence; a collision with a concurrent writer is retried with the next number.
   */
  async createSalesOrder(o: NewSalesOrder): Promise<{ erpOrderNo: string; created: boolean }> {
    return this.call(
      'SO_SOMain.create',
      () =>
        // Another writer took the number between our MAX() and INSERT: try the next one.
        retrying({ attempts: 6, retryOn: (err) => /Duplicate entry|UNIQUE constraint failed/i.test(err.message) }, (attempt) =>
          this.db.transaction(async (em) => {
              const existing = await em.query(`SELECT cSOCode FROM SO_SOMain WHERE cDefine10 = ?${forUpdate(em)}`, [o.clientKey]);
              if (existing.length) return { erpOrderNo: existing[0].cSOCode as string, created: false };
              const now = formatBeijing(o.orderedAt);
              const day = now.slice(0, 10).replace(/-/g, '');
              // Longest first: SO-…-1000 comes after SO-…-999.
              const last = await em.query('SELECT cSOCode FROM SO_SOMain WHERE cSOCode LIKE ? ORDER BY LENGTH(cSOCode) DESC, cSOCode DESC LIMIT 1', [`SO-${day}-%`]);
              const seq = (last.length ? Number(String(last[0].cSOCode).slice(12)) : 0) + attempt;
              const erpOrderNo = `SO-${day}-${String(seq).padStart(3, '0')}`;
              const totalFen = o.lines.reduce((sum, l) => sum + Math.round(Number(l.unitPrice) * 100) * l.quantity, 0);
              await insertRows(em, 'SO_SOMain', [
                {
                  cSOCode: erpOrderNo,
                  cCusCode: o.customerCode,
                  cDepCode: o.storeCode,
                  cRegion: o.region,
                  dDate: now,
                  dPreDate: o.promisedAt == null ? null : formatBeijing(o.promisedAt),
                  iStatus: 1,
                  dPayTime: null,
                  dCloseTime: null,
                  iTotalSum: (totalFen / 100).toFixed(2),
                  cMemo: o.remark?.slice(0, 255) ?? null,
                  cMaker: o.maker.slice(0, 20),
                  cCusPerson: o.contactName?.slice(0, 40) ?? null,
                  cPersonPhone: o.contactMobile,
                  cShipAddress: o.shipAddress?.slice(0, 255) ?? null,
                  cDefine10: o.clientKey,
                  dModifyTime: now,
                },
              ]);
              await insertRows(
                em,
                'SO_SODetails',
                o.lines.map((l, i) => ({
                  cSOCode: erpOrderNo,
                  iRowNo: i + 1,
                  cInvCode: l.skuCode,
                  iQuantity: l.quantity,
                  iTaxUnitPrice: l.unitPrice,
                  iSum: ((Math.round(Number(l.unitPrice) * 100) * l.quantity) / 100).toFixed(2),
                  cMemo: null,
                })),
              );
              if (Object.values(o.requirements).some((v) => v != null)) {
                const [{ ID }] = await em.query('SELECT ID FROM SO_SOMain WHERE cSOCode = ?', [erpOrderNo]);
                await insertRows(em, 'SO_SOMain_ExtraDefine', [{ ID: Number(ID), ...toExtraColumns(o.requirements), dModifyTime: now }]);
              }
              return { erpOrderNo, created: true };
            }),
        ),
      { idempotent: true },
    );
  }

  /**
   * Writes requirement changes in one transaction, each only where the field still holds what the
   * change expects (else CHANGED_SINCE: someone edited it meanwhile); a field already holding the
   * new value is ALREADY, so a retried batch writes nothing twice. dModifyTime of the header is
   * left alone: these fields change nothing the hub links or rules on.
   */
  async writeRequirements(changes: readonly RequirementChange[], now: number, timeoutMs?: number): Promise<RequirementChangeOutcome[]> {
    if (!changes.length) return [];
    return this.call(
      `${F}.write`,
      () =>
        this.db.transaction(async (em) => {
          const nos = unique(changes.map((c) => c.erpOrderNo));
          const heads: { ID: number; cSOCode: string }[] = await em.query(`SELECT ID, cSOCode FROM SO_SOMain WHERE cSOCode IN (${placeholders(nos.length)})`, nos);
          const idOf = new Map(heads.map((h) => [h.cSOCode, Number(h.ID)]));
          const ids = [...idOf.values()];
          const extras: ExtraDefineRow[] = ids.length ? await em.query(`SELECT * FROM SO_SOMain_ExtraDefine WHERE ID IN (${placeholders(ids.length)})${forUpdate(em)}`, ids) : [];
          const current = new Map<number, OrderRequirements>(ids.map((id) => [id, toRequirements(extras.find((e) => Number(e.ID) === id))]));
          const touched = new Set<number>();
          const outcomes = changes.map((c): RequirementChangeOutcome => {
            const id = idOf.get(c.erpOrderNo);
            if (id == null) return 'ORDER_NOT_FOUND';
            const req = current.get(id)!;
            const held = encodeRequirement(c.field, req[c.field]);
            if (held === c.next) return 'ALREADY';
            if (held !== c.expected) return 'CHANGED_SINCE';
            current.set(id, { ...req, [c.field]: c.next == null ? null : JSON.parse(c.next) });
            touched.add(id);
            return 'WRITTEN';
          });
          if (touched.size) {
            const list = [...touched];
            await em.query(`DELETE FROM SO_SOMain_ExtraDefine WHERE ID IN (${placeholders(list.length)})`, list);
            await insertRows(em, 'SO_SOMain_ExtraDefine', list.map((id) => ({ ID: id, ...toExtraColumns(current.get(id)!), dModifyTime: formatBeijing(now) })));
          }
          return outcomes;
        }),
      { idempotent: true, timeoutMs },
    );
  }

  /**
   * Orders placed in [from, to) (Beijing wall-clock text) whose sales invoices (SaleBillVouch) do
   * not add up to the order's total, with the invoices. Orders without an invoice are not listed.
   */
  async invoiceDifferences(from: string, to: string): Promise<InvoiceDifference[]> {
    const rows = await this.call('SaleBillVouch.differences', () =>
      this.db.query(
        `SELECT m.cSOCode AS so, m.dDate AS ordered, m.iTotalSum AS total, SUM(v.iSum) AS invoiced FROM SO_SOMain m JOIN SaleBillVouch v ON v.cSOCode = m.cSOCode ` +
          `WHERE m.dDate >= ? AND m.dDate < ? AND m.iStatus <> 9 GROUP BY m.cSOCode, m.dDate, m.iTotalSum HAVING ROUND(SUM(v.iSum) * 100) <> ROUND(m.iTotalSum * 100)`,
        [from, to],
      ),
    );
    if (!rows.length) return [];
    const nos = rows.map((r: any) => r.so as string);
    const invoices: { cSBVCode: string; cSOCode: string }[] = await this.call('SaleBillVouch.byOrder', () =>
      this.db.query(`SELECT cSBVCode, cSOCode FROM SaleBillVouch WHERE cSOCode IN (${nos.map(() => '?').join(', ')}) ORDER BY cSBVCode`, nos),
    );
    return rows.map((r: any) => ({
      erpOrderNo: r.so,
      orderedAt: beijingToIso(String(r.ordered).slice(0, 19))!,
      orderTotal: money(r.total)!,
      // SQLite sums DECIMAL as a double: back to fen before it is shown.
      invoiced: money(Number(r.invoiced).toFixed(2))!,
      invoiceNos: invoices.filter((i) => i.cSOCode === r.so).map((i) => i.cSBVCode),
    }));
  }

  async ping(): Promise<void> {
    await this.call('ping', () => this.db.query('SELECT 1'));
  }
}
