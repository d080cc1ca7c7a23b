// What a scan needs from ERP and WMS that hardly ever changes — a SKU by code or GTIN, a batch's
// expiry — kept for a short while, so that a burst of scans asks ERP once, not once per scan.
import type { ErpDatasource, SkuRecord } from '#adapters/erp';
import { batchKey, type BinInfo, type WmsDatasource } from '#adapters/wms';
import { boundedCache, type Cache } from '../../../../common/src/cache.js';

const KEPT = { max: 20_000, ttlMs: 60_000 };
/** A barcode nobody knows is asked about again sooner: it may be a SKU being added right now. */
const MISS_TTL_MS = 5_000;

/** What ERP or WMS answered, an unknown (null) included. */
type Known<V> = { value: V };

export class PickCatalog {
  private readonly byCode = boundedCache<string, Known<SkuRecord | null>>(KEPT);
  private readonly byGtin = boundedCache<string, Known<SkuRecord | null>>(KEPT);
  private readonly expiry = boundedCache<string, Known<string | null>>(KEPT);
  private readonly bins = boundedCache<string, Known<BinInfo | null>>(KEPT);

  constructor(
    private readonly erp: ErpDatasource,
    private readonly wms: WmsDatasource,
  ) {}

  private remember(sku: SkuRecord | null, key: string, cache: Cache<string, Known<SkuRecord | null>>) {
    cache.set(key, { value: sku }, { ttl: sku ? KEPT.ttlMs : MISS_TTL_MS });
    if (sku) {
      this.byCode.set(sku.code, { value: sku });
      if (sku.gtin) this.byGtin.set(sku.gtin.trim().padStart(14, '0'), { value: sku });
    }
  }

  async skus(codes: readonly string[]): Promise<Map<string, SkuRecord>> {
    const missing = [...new Set(codes)].filter((c) => !this.byCode.has(c));
    const found = new Map<string, SkuRecord | null>();
    if (missing.length) {
      const skus = await this.erp.skusByCode(missing);
      missing.forEach((code, i) => (found.set(code, skus[i]), this.remember(skus[i], code, this.byCode)));
    }
    const out = new Map<string, SkuRecord>();
    for (const c of codes) {
      const sku = found.has(c) ? found.get(c) : this.byCode.get(c)?.value;
      if (sku) out.set(c, sku);
    }
    return out;
  }

  async skuByGtin(gtin14: string): Promise<SkuRecord | null> {
    const cached = this.byGtin.get(gtin14);
    if (cached) return cached.value;
    const [sku] = await this.erp.skusByGtin([gtin14]);
    this.remember(sku, gtin14, this.byGtin);
    return sku;
  }

  /** A bin of a warehouse from t_location (null: t_location does not know it). */
  async bin(warehouseCode: string, locCode: string): Promise<BinInfo | null> {
    const key = `${warehouseCode}\u0000${locCode}`;
    const cached = this.bins.get(key);
    if (cached) return cached.value;
    const [bin] = await this.wms.binsByCode(warehouseCode, [locCode]);
    this.bins.set(key, { value: bin });
    return bin;
  }

  /** t_stock.exp_date of a batch (null: does not expire; undefined: WMS holds no such batch). */
  async batchExpiry(skuCode: string, batchNo: string): Promise<string | null | undefined> {
    const key = batchKey(skuCode, batchNo);
    const cached = this.expiry.get(key);
    if (cached) return cached.value;
    const [expiresOn] = await this.wms.expiryByBatch([key]);
    // expiryByBatch cannot tell "no such batch" from "no expiry": both come back null.
    this.expiry.set(key, { value: expiresOn });
    return expiresOn;
  }
}
