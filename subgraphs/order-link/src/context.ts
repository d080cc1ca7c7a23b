import type { RequestContext } from '../../../common/src/subgraph.js';
import type { OrderLinkLoaders } from './loaders.js';
import type { HubStore } from './datasource.js';

export interface Context extends RequestContext {
  loaders: OrderLinkLoaders;
  hub: HubStore;
}
