import type DataLoader from 'dataloader';
import type { RequestContext } from '../../../common/src/subgraph.js';
import type { HoldRecord, OrderLookup } from '#hub';
import type { PickingService } from './picking/service.js';
import type { PickQueue } from './picking/queue.js';

export interface Context extends RequestContext {
  /** The hub's orders by any number (read through #hub) and the rules' holds on them, per request. */
  loaders: OrderLookup['loaders'] & { holds: DataLoader<number, HoldRecord[] | null> };
  /** The pick-by-scan flow; one per process (it holds the per-outbound locks). */
  picking: PickingService;
  /** What the warehouse has to pick, chased orders first. */
  pickQueue: PickQueue;
}
