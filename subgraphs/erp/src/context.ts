import type { RequestContext } from '../../../common/src/subgraph.js';
import type { ErpLoaders } from './loaders.js';
import type { ErpDatasource } from '#adapters/erp';

export interface Context extends RequestContext {
  loaders: ErpLoaders;
  /** For the hub's writes (createSalesOrder); reads go through the loaders. */
  erp: ErpDatasource;
}
