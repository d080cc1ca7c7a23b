// The only place that speaks ERP (Yonyou-U8-like): table and column names, iStatus codes, Beijing
// DATETIME text, DECIMAL money. Everything leaves here as domain types.
import { In, type DataSource } from 'typeorm';
import type { LegacySystem } from '../../../common/src/legacy.js';
import { beijingToIso } from '../../../common/src/time.js';
import { money } from '../../../common/src/money.js';
import { decode } from '../../../common/src/legacy-codes.js';
import { byKey, groupByKey, unique } from '../../../common/src/loader.js';
import type { ChangeCursor, ChangePage } from '../../../common/src/change-feed.js';
import { forUpdate, insertIgnore, insertRows } from '../../../common/src/db.js';
import { SoMainEntity, type SoMainRow } from './entities/SO_SOMain.js';
import { SoDetailsEntity, type SoDetailsRow } from './entities/SO_SODetails.js';
import { CustomerEntity, type CustomerRow } from './entities/Customer.js';
import { InventoryEntity, type InventoryRow } from './entities/Inventory.js';
import { DepartmentEntity, type DepartmentRow } from './entities/Department.js';

export const erpEntities = [SoMainEntity, SoDetailsEntity, CustomerEntity, InventoryEntity, DepartmentEntity];

export type ErpOrderStatus = 'OPEN' | 'APPROVED' | 'PAID' | 'CLOSED' | 'CANCELLED';
const ORDER_STATUS: Record<number, ErpOrderStatus> = { 1: 'OPEN', 2: 'APPROVED', 3: 'PAID', 6: 'CLOSED', 9: 'CANCELLED' };

export interface SalesOrder {
  erpOrderNo: string;
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
}

export interface ErpStore {
  code: string;
  name: string;
  region: string;
  warehouseCode: string;
}

const toOrder = (r: SoMainRow): SalesOrder => ({
  erpOrderNo: r.cSOCode,
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
});

const toStore = (r: DepartmentRow): ErpStore => ({ code: r.cDepCode, name: r.cDepName, region: r.cRegion, warehouseCode: r.cWhCode });

export class ErpDatasource {
  constructor(
    private readonly db: DataSource,
    private readonly legacy: LegacySystem,
  ) {}

  private call<T>(operation: string, run: () => Promise<T>, options?: { idempotent: boolean }): Promise<T> {
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
  async ordersChangedSince(cursor: ChangeCursor, limit: number): Promise<ChangePage<SalesOrder & { goodsSkuCodes: string[] }>> {
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
    const lines = await this.linesByOrderNo(rows.map((r) => r.cSOCode), 'sync.SO_SODetails');
    const skuCodes = unique(lines.flat().map((l) => l.skuCode));
    const skus = await this.call('sync.Inventory', () => this.db.getRepository(InventoryEntity).find({ where: { cInvCode: In(skuCodes) } }));
    const services = new Set(skus.filter((k) => Number(k.bService) === 1).map((k) => k.cInvCode));
    const last = rows[rows.length - 1];
    return {
      // The gifts the hub adds are never on an outbound made before them: matching ignores them.
      items: rows.map((r, i) => ({ ...toOrder(r), goodsSkuCodes: lines[i].filter((l) => !services.has(l.skuCode) && !l.remark?.startsWith(HUB_GIFT_MEMO)).map((l) => l.skuCode) })),
      next: { modifiedAt: String(last.dModifyTime).slice(0, 19), rowId: Number(last.ID) },
    };
  }

  /** Unpaid orders (开立, 已审核) of these customers: what each owes on orders not yet paid. */
  async unpaidOrdersByCustomer(codes: readonly string[]): Promise<{ customerCode: string; erpOrderNo: string; totalAmount: string }[]> {
    if (!codes.length) return [];
    const rows = await this.call('SO_SOMain.unpaidByCustomer', () =>
      this.db.getRepository(SoMainEntity).find({ select: { cSOCode: true, cCusCode: true, iTotalSum: true }, where: { cCusCode: In(unique(codes)), iStatus: In([1, 2]) } }),
    );
    return rows.map((r) => ({ customerCode: r.cCusCode, erpOrderNo: r.cSOCode, totalAmount: money(r.iTotalSum)! }));
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
   * Adds a free line to an order once: a line with the same remark already there means it was
   * added before (a retried delivery), and nothing is written again.
   */
  async addFreeLine(erpOrderNo: string, skuCode: string, quantity: number, memo: string, now: string): Promise<'ADDED' | 'ALREADY_THERE'> {
    return this.call(
      'SO_SODetails.addFreeLine',
      () =>
        this.db.transaction(async (em) => {
          const header = await em.query(`SELECT ID FROM SO_SOMain WHERE cSOCode = ?${forUpdate(em)}`, [erpOrderNo]);
          if (!header.length) throw new Error(`ERP: no order ${erpOrderNo}`);
          const lines: { iRowNo: number; cMemo: string | null }[] = await em.query('SELECT iRowNo, cMemo FROM SO_SODetails WHERE cSOCode = ?', [erpOrderNo]);
          if (lines.some((l) => l.cMemo === memo)) return 'ALREADY_THERE' as const;
          const rowNo = Math.max(0, ...lines.map((l) => Number(l.iRowNo))) + 1;
          await insertRows(em, 'SO_SODetails', [{ cSOCode: erpOrderNo, iRowNo: rowNo, cInvCode: skuCode, iQuantity: quantity, iTaxUnitPrice: '0.00', iSum: '0.00', cMemo: memo }]);
          await em.query('UPDATE SO_SOMain SET dModifyTime = ? WHERE cSOCode = ?', [now, erpOrderNo]);
          return 'ADDED' as const;
        }),
      { idempotent: true },
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
