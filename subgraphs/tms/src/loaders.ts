import type DataLoader from 'dataloader';
import { oneEach, type LoaderOptions } from '../../../common/src/loader.js';
import type { ErpDatasource } from '#adapters/erp';
import type { TmsDatasource, Waybill } from '#adapters/tms';

export interface TmsLoaders {
  waybill: DataLoader<string, Waybill | null>;
  /** ERP customer names by customer code: whom a waybill's consignee is. */
  customerName: DataLoader<string, string | null>;
}

/** Fresh per request: a loader caches, and a cache shared across callers would leak data. */
export function createLoaders(tms: TmsDatasource, erp: ErpDatasource, options: LoaderOptions): TmsLoaders {
  return {
    waybill: oneEach(options, (keys) => tms.waybillsByNo(keys)),
    customerName: oneEach(options, async (codes) => (await erp.customersByCode(codes)).map((c) => c?.name ?? null)),
  };
}
