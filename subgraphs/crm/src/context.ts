import type { RequestContext } from '../../../common/src/subgraph.js';
import type { CrmLoaders } from './loaders.js';

export interface Context extends RequestContext {
  loaders: CrmLoaders;
}
