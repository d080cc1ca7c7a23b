import type DataLoader from 'dataloader';
import { oneEach, type LoaderOptions } from '../../../common/src/loader.js';
import type { TmsDatasource, Waybill } from '#adapters/tms';

export interface TmsLoaders {
  waybill: DataLoader<string, Waybill | null>;
}

/** Fresh per request: a loader caches, and a cache shared across callers would leak data. */
export function createLoaders(tms: TmsDatasource, options: LoaderOptions): TmsLoaders {
  return {
    waybill: oneEach(options, (keys) => tms.waybillsByNo(keys)),
  };
}
