import type DataLoader from 'dataloader';
import { oneEach, type LoaderOptions } from '../../../common/src/loader.js';
import type { HubStore } from '#hub';
import type { Context } from './context.js';

/** Fresh per request: a loader caches, and a cache shared across callers would leak data. */
export function createLoaders(hub: HubStore, options: LoaderOptions): Context['loaders'] {
  return {
    orderByRowId: oneEach<any, any>(options, (keys) => hub.ordersByRowId(keys as number[])) as unknown as Context['loaders']['orderByRowId'],
    orderByErpNo: oneEach(options, (keys) => hub.ordersByErpNo(keys)),
    orderIdByDocument: oneEach(options, (keys) => hub.orderIdsByDocument(keys)),
  };
}
