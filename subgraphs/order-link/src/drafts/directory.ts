// The customers and the catalog a pasted chat message is matched against, read from ERP and kept
// for a minute: a burst of drafts asks ERP twice, not twice per draft. The catalog array keeps its
// identity while cached, so the text engine's index of it is built once per refresh.
import type { ErpDatasource, SkuRecord } from '../../../erp/src/datasource.js';
import type { CatalogEntry, KnownCustomer } from '../text/index.js';

const TTL_MS = 60_000;

export interface DirectoryCustomer extends KnownCustomer {
  homeStoreCode: string | null;
}

export interface Directory {
  customers: DirectoryCustomer[];
  customerByCode: Map<string, DirectoryCustomer>;
  catalog: CatalogEntry[];
  skuByCode: Map<string, SkuRecord>;
  /** Model (cInvStd) and SKU code, upper case and without spaces, → SKU. */
  skuByModel: Map<string, SkuRecord>;
}

export const modelKey = (s: string) => s.normalize('NFKC').toUpperCase().replace(/\s+/g, '');

export class TextDirectory {
  private cached: { directory: Directory; until: number } | null = null;
  private loading: Promise<Directory> | null = null;

  constructor(private readonly erp: ErpDatasource) {}

  async get(now = Date.now()): Promise<Directory> {
    if (this.cached && this.cached.until > now) return this.cached.directory;
    this.loading ??= this.load(now).finally(() => (this.loading = null));
    return this.loading;
  }

  private async load(now: number): Promise<Directory> {
    const [customers, skus] = await Promise.all([this.erp.customerDirectory(), this.erp.allSkus()]);
    const skuByModel = new Map<string, SkuRecord>();
    for (const s of skus) {
      skuByModel.set(modelKey(s.spec), s);
      skuByModel.set(modelKey(s.code), s);
    }
    const directory: Directory = {
      customers,
      customerByCode: new Map(customers.map((c) => [c.code, c])),
      catalog: skus.map((s) => ({ code: s.code, model: s.spec, nameZh: s.name, nameEn: s.nameEn ?? '', unit: s.unit, category: s.category })),
      skuByCode: new Map(skus.map((s) => [s.code, s])),
      skuByModel,
    };
    this.cached = { directory, until: now + TTL_MS };
    return directory;
  }
}
