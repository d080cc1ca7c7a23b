// The customers and the catalog a pasted chat message is matched against, read from ERP and kept
// for a minute: a burst of drafts asks ERP twice, not twice per draft. The catalog array keeps its
// identity while cached, so the text engine's index of it is built once per refresh.
import type { ErpDatasource, SkuRecord } from '#adapters/erp';
import type { CatalogEntry, KnownCustomer } from '#text';
import { loadingCache } from '../../../../common/src/cache.js';

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
  /** One entry: the directory, read again a minute after it was read; drafts meanwhile wait for one read. */
  private readonly cache = loadingCache<'directory', Directory>({ max: 1, ttlMs: TTL_MS }, () => this.load());

  constructor(private readonly erp: ErpDatasource) {}

  async get(): Promise<Directory> {
    return (await this.cache.fetch('directory'))!;
  }

  private async load(): Promise<Directory> {
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
    return directory;
  }
}
