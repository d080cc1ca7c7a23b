import type DataLoader from 'dataloader';
import { oneEach, type LoaderOptions } from '../../../common/src/loader.js';
import type { HubLink, HubOrder, HubStore } from './datasource.js';

export interface OrderLinkLoaders {
  orderByRowId: DataLoader<number, HubOrder | null>;
  orderByErpNo: DataLoader<string, HubOrder | null>;
  /** Keys `WMS:CK…` or `TMS:SF…` → order row id */
  orderIdByDocument: DataLoader<string, number | null>;
  links: DataLoader<number, HubLink[] | null>;
}

/** Fresh per request: a loader caches, and a cache shared across callers would leak data. */
export function createLoaders(hub: HubStore, options: LoaderOptions): OrderLinkLoaders {
  return {
    orderByRowId: oneEach<any, HubOrder>(options, (keys) => hub.ordersByRowId(keys as number[])) as DataLoader<number, HubOrder | null>,
    orderByErpNo: oneEach(options, (keys) => hub.ordersByErpNo(keys)),
    orderIdByDocument: oneEach(options, (keys) => hub.orderIdsByDocument(keys)),
    links: oneEach<any, HubLink[]>(options, (keys) => hub.linksByOrderRowId(keys as number[])) as DataLoader<number, HubLink[] | null>,
  };
}
