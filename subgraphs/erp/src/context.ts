import type { RequestContext } from '../../../common/src/subgraph.js';
import type { ErpLoaders } from './loaders.js';

export interface Context extends RequestContext {
  loaders: ErpLoaders;
}
