import type DataLoader from 'dataloader';
import { oneEach, type LoaderOptions } from '../../../common/src/loader.js';
import type { OutboundOrder, OutboundOrderLine, StockRow, WmsDatasource } from '#adapters/wms';

export interface WmsLoaders {
  outbound: DataLoader<string, OutboundOrder | null>;
  lines: DataLoader<string, OutboundOrderLine[] | null>;
  stock: DataLoader<string, StockRow[] | null>;
  expiry: DataLoader<string, string | null>;
}

/** Fresh per request: a loader caches, and a cache shared across callers would leak data. */
export function createLoaders(wms: WmsDatasource, options: LoaderOptions): WmsLoaders {
  return {
    outbound: oneEach(options, (keys) => wms.outboundsByNo(keys)),
    lines: oneEach(options, (keys) => wms.linesByOutboundNo(keys)),
    stock: oneEach(options, (keys) => wms.stockBySku(keys)),
    expiry: oneEach(options, (keys) => wms.expiryByBatch(keys)),
  };
}
