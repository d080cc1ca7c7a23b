import type DataLoader from 'dataloader';
import { oneEach, type LoaderOptions } from '../../../common/src/loader.js';
import type { HubStore, Ledger } from '#hub';
import type { Context } from './context.js';

/** Fresh per request: a loader caches, and a cache shared across callers would leak data. */
export function createLoaders(hub: HubStore, ledger: Ledger, options: LoaderOptions): Context['loaders'] {
  const byNumber = <V>(load: (keys: readonly number[]) => Promise<(V | null)[]>) => oneEach<any, V>(options, (keys) => load(keys as number[])) as unknown as DataLoader<number, V | null>;
  return {
    orderByRowId: byNumber((keys) => hub.ordersByRowId(keys)),
    orderByErpNo: oneEach(options, (keys) => hub.ordersByErpNo(keys)),
    orderIdByDocument: oneEach(options, (keys) => hub.orderIdsByDocument(keys)),
    holds: byNumber((keys) => ledger.holdsByOrder(keys)),
  };
}
