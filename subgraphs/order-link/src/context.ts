import type { RequestContext } from '../../../common/src/subgraph.js';
import type { OrderLinkLoaders } from './loaders.js';
import type { HubStore } from './datasource.js';
import type { RuleStore } from './rules/store.js';
import type { RuleEngine } from './rules/engine.js';
import type { Ledger } from './rules/ledger.js';
import type { HealthService } from './health/service.js';
import type { DailyReporter } from './health/report.js';
import type { HealthLoaders } from './health/resolvers.js';
import type { AttachmentStore } from './attachments.js';
import type { Facts } from './facts/resolvers.js';
import type { TokenRevocations } from './tokens.js';
import type { PurchasePlanner } from './planning/service.js';
import type { PurchaseRequisitions } from './planning/requisitions.js';
import type { CompletenessSweep } from './linking/sweep.js';
import type { EventLog } from './events/log.js';

export interface Context extends RequestContext {
  loaders: OrderLinkLoaders;
  hub: HubStore;
  rules: RuleStore;
  engine: RuleEngine;
  ledger: Ledger;
  attachments: AttachmentStore;
  /** Order health and reconciliation (src/health/). */
  health: HealthService;
  reporter: DailyReporter;
  healthLoaders: HealthLoaders;
  /** Flat facts for BI tools (src/facts/). */
  facts: Facts;
  tokens: TokenRevocations;
  /** Purchase suggestions and requisitions (src/planning/). */
  planning: { planner: PurchasePlanner; requisitions: PurchaseRequisitions };
  /** The completeness sweep (src/linking/sweep.ts). */
  sweep: CompletenessSweep;
  /** The order event log (src/events/). */
  events: EventLog;
  /** A link round now, for intake's runLinkRound after a draft is confirmed. */
  linkNow: () => Promise<unknown>;
}
