import type { RequestContext } from '../../../common/src/subgraph.js';
import type { OrderLookup } from '#hub';
import type { DraftService } from './drafts/service.js';
import type { RepairRunner } from './repair/runner.js';
import type { RepairStore } from './repair/store.js';

export interface Context extends RequestContext {
  /** The hub's orders by any number (read through #hub), per request: a confirmed draft names its order. */
  loaders: OrderLookup['loaders'];
  drafts: DraftService;
  repair: { store: RepairStore; runner: RepairRunner };
}
