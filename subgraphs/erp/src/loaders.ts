import type DataLoader from 'dataloader';
import { oneEach, type LoaderOptions } from '../../../common/src/loader.js';
import type { OrderRequirements } from '../../../common/src/requirements.js';
import type { CustomerRecord, ErpDatasource, ErpStore, SalesOrder, SalesOrderLine, SkuRecord } from '#adapters/erp';

export interface ErpLoaders {
  order: DataLoader<string, SalesOrder | null>;
  lines: DataLoader<string, SalesOrderLine[] | null>;
  customer: DataLoader<string, CustomerRecord | null>;
  sku: DataLoader<string, SkuRecord | null>;
  store: DataLoader<string, ErpStore | null>;
  requirements: DataLoader<string, OrderRequirements | null>;
}

/** Fresh per request: a loader caches, and a cache shared across callers would leak data. */
export function createLoaders(erp: ErpDatasource, options: LoaderOptions): ErpLoaders {
  return {
    order: oneEach(options, (keys) => erp.ordersByNo(keys)),
    lines: oneEach(options, (keys) => erp.linesByOrderNo(keys)),
    customer: oneEach(options, (keys) => erp.customersByCode(keys)),
    sku: oneEach(options, (keys) => erp.skusByCode(keys)),
    store: oneEach(options, (keys) => erp.storesByCode(keys)),
    requirements: oneEach(options, (keys) => erp.requirementsByOrderNo(keys)),
  };
}
