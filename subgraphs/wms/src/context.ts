import type { RequestContext } from '../../../common/src/subgraph.js';
import type { WmsLoaders } from './loaders.js';

export interface Context extends RequestContext {
  loaders: WmsLoaders;
}
