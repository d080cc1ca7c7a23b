// What a scan needs from ERP and WMS that hardly ever changes — a SKU by code or GTIN, a batch's
// expiry — kept for a short while, so that a burst of scans asks ERP once, not once per scan.
import type { ErpDatasource, SkuRecord } from '../../../erp/src/datasource.js';
import { batchKey, type BinInfo, type WmsDatasource } from '../../../wms/src/datasource.js';

const TTL_MS = 60_000;
/** A barcode nobody knows is asked about again sooner: it may be a SKU being added right now. */
const MISS_TTL_MS = 5_000;
const MAX_ENTRIES = 20_000;

class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  get(key: string, now: number): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until < now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, ttl: number, now: number) {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { value, until: now + ttl });
  }
}

export class PickCatalog {
  private readonly byCode = new TtlCache<SkuRecord | null>();
  private readonly byGtin = new TtlCache<SkuRecord | null>();
  private readonly expiry = new TtlCache<string | null>();
  private readonly bins = new TtlCache<BinInfo | null>();

  constructor(
    private readonly erp: ErpDatasource,
    private readonly wms: WmsDatasource,
  ) {}

  private remember(sku: SkuRecord | null, key: string, cache: TtlCache<SkuRecord | null>, now: number) {
    cache.set(key, sku, sku ? TTL_MS : MISS_TTL_MS, now);
    if (sku) {
      this.byCode.set(sku.code, sku, TTL_MS, now);
      if (sku.gtin) this.byGtin.set(sku.gtin.trim().padStart(14, '0'), sku, TTL_MS, now);
    }
  }

  async skus(codes: readonly string[], now = Date.now()): Promise<Map<string, SkuRecord>> {
    const missing = [...new Set(codes)].filter((c) => this.byCode.get(c, now) === undefined);
    if (missing.length) {
      const found = await this.erp.skusByCode(missing);
      missing.forEach((code, i) => this.remember(found[i], code, this.byCode, now));
    }
    const out = new Map<string, SkuRecord>();
    for (const c of codes) {
      const sku = this.byCode.get(c, now);
      if (sku) out.set(c, sku);
    }
    return out;
  }

  async skuByGtin(gtin14: string, now = Date.now()): Promise<SkuRecord | null> {
    const cached = this.byGtin.get(gtin14, now);
    if (cached !== undefined) return cached;
    const [sku] = await this.erp.skusByGtin([gtin14]);
    this.remember(sku, gtin14, this.byGtin, now);
    return sku;
  }

  /** A bin of a warehouse from t_location (null: t_location does not know it). */
  async bin(warehouseCode: string, locCode: string, now = Date.now()): Promise<BinInfo | null> {
    const key = `${warehouseCode}\u0000${locCode}`;
    const cached = this.bins.get(key, now);
    if (cached !== undefined) return cached;
    const [bin] = await this.wms.binsByCode(warehouseCode, [locCode]);
    this.bins.set(key, bin, TTL_MS, now);
    return bin;
  }

  /** t_stock.exp_date of a batch (null: does not expire; undefined: WMS holds no such batch). */
  async batchExpiry(skuCode: string, batchNo: string, now = Date.now()): Promise<string | null | undefined> {
    const key = batchKey(skuCode, batchNo);
    const cached = this.expiry.get(key, now);
    if (cached !== undefined) return cached;
    const [expiresOn] = await this.wms.expiryByBatch([key]);
    // expiryByBatch cannot tell "no such batch" from "no expiry": both come back null.
    this.expiry.set(key, expiresOn, TTL_MS, now);
    return expiresOn;
  }
}
