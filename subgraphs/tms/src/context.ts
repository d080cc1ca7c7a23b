import type { RequestContext } from '../../../common/src/subgraph.js';
import type { TmsLoaders } from './loaders.js';

export interface Context extends RequestContext {
  loaders: TmsLoaders;
}
