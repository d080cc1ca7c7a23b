import type DataLoader from 'dataloader';
import { oneEach, type LoaderOptions } from '../../../common/src/loader.js';
import type { CrmCustomerRecord, CrmDatasource, Ticket } from '#adapters/crm';

export interface CrmLoaders {
  customer: DataLoader<string, CrmCustomerRecord | null>;
  tickets: DataLoader<string, Ticket[] | null>;
}

/** Fresh per request: a loader caches, and a cache shared across callers would leak data. */
export function createLoaders(crm: CrmDatasource, options: LoaderOptions): CrmLoaders {
  return {
    customer: oneEach(options, (keys) => crm.customersByCode(keys)),
    tickets: oneEach(options, (keys) => crm.ticketsByOrderNo(keys)),
  };
}
