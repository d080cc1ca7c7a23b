import type { RequestContext } from '../../../common/src/subgraph.js';
import type { OrderLinkLoaders } from './loaders.js';
import type { HubStore } from './datasource.js';
import type { PickingService } from './picking/service.js';

export interface Context extends RequestContext {
  loaders: OrderLinkLoaders;
  hub: HubStore;
  /** The pick-by-scan flow; one per process (it holds the per-outbound locks). */
  picking: PickingService;
}
