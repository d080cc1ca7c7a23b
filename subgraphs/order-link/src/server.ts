// Builds the order-link subgraph and its linker; index.ts runs them.
import { signingKeyFor, type Config } from '../../../common/src/config.js';
import { readRoverConfig } from '../../../common/src/rover-config.js';
import { ensureDatabase, openDataSource } from '../../../common/src/db.js';
import { LegacyHttpClient } from '../../../common/src/legacy-http.js';
import { inBackground } from '../../../common/src/legacy.js';
import { buildSubgraph, subgraphKit } from '../../../common/src/subgraph.js';
import { ErpDatasource, ErpOrders, erpEntities } from '#adapters/erp';
import { WmsDatasource, wmsEntities } from '#adapters/wms';
import { TmsDatasource } from '#adapters/tms';
import { CrmDatasource } from '#adapters/crm';
import { HubStore } from './datasource.js';
import { Linker } from './linking/linker.js';
import { FeedMetrics, hubVersions, pollingFeeds } from './linking/feeds.js';
import { CompletenessSweep } from './linking/sweep.js';
import { Lease } from './lease.js';
import { Lease1767440000000 } from './migrations/1767440000000-Lease.js';
import { OutboundStatus1767450000000 } from './migrations/1767450000000-OutboundStatus.js';
import { RecordedBlockers1767460000000 } from './migrations/1767460000000-RecordedBlockers.js';
import { MatchedByDay1767470000000 } from './migrations/1767470000000-MatchedByDay.js';
import { EventNumbering1767480000000 } from './migrations/1767480000000-EventNumbering.js';
import { DocumentCandidates1767490000000 } from './migrations/1767490000000-DocumentCandidates.js';
import { ConditionalTriggers1767500000000 } from './migrations/1767500000000-ConditionalTriggers.js';
import { BlockerDueByOrder1767510000000 } from './migrations/1767510000000-BlockerDueByOrder.js';
import { BlockerRecorder } from './blocker-record.js';
import { SyncVersions1767410000000 } from './migrations/1767410000000-SyncVersions.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers.js';
import { HubInit1732406400000 } from './migrations/1732406400000-HubInit.js';
import { Rules1732500000000 } from './migrations/1732500000000-Rules.js';
import { RuleStore } from './rules/store.js';
import { FactsLoader } from './rules/facts.js';
import { RuleEngine } from './rules/engine.js';
import { Ledger } from './rules/ledger.js';
import { OutboxWorker } from './rules/outbox.js';
import { PickByScan1764000000000 } from './migrations/1764000000000-PickByScan.js';
import { Health1765000000000 } from './migrations/1765000000000-Health.js';
import { PickingStore } from '#fulfilment';
import { expiryRuleMonths } from '../hub.js';
import { TextAndRepair1765200000000 } from './migrations/1765200000000-TextAndRepair.js';
import { ScaleIndexes1766000000000 } from './migrations/1766000000000-ScaleIndexes.js';
import { Attachments1766100000000 } from './migrations/1766100000000-Attachments.js';
import { AttachmentStore } from './attachments.js';
import type { Context } from './context.js';
import { HealthFacts } from './health/facts.js';
import { HealthMetrics } from './health/metrics.js';
import { HealthDrill } from './health/drill.js';
import { Reconciler } from './health/reconciliation.js';
import { HealthService } from './health/service.js';
import { DailyReporter } from './health/report.js';
import { createHealthLoaders } from './health/resolvers.js';
import { FactStamps1767300000000 } from './migrations/1767300000000-FactStamps.js';
import { createFacts } from './facts/resolvers.js';
import { RevokedTokens1767300000100 } from './migrations/1767300000100-RevokedTokens.js';
import { LinkAgreement1767430000000 } from './migrations/1767430000000-LinkAgreement.js';
import { TokenRevocations } from './tokens.js';
import { PurchasePlanner } from './planning/service.js';
import { PurchaseRequisitions } from './planning/requisitions.js';
import { ServiceCalls1767420000000 } from './migrations/1767420000000-ServiceCalls.js';
import { CallIntake } from './calls/intake.js';
import { CallStore } from './calls/store.js';
import { OrderEvents1767400000000 } from './migrations/1767400000000-OrderEvents.js';
import { EventLog } from './events/log.js';
import { openEventBus } from '../../../common/src/event-bus.js';
import { onHubWrite } from '../../../common/src/hub-writes.js';

/** The hub's schema, oldest first. */
export const HUB_MIGRATIONS = [HubInit1732406400000, Rules1732500000000, PickByScan1764000000000, Health1765000000000, TextAndRepair1765200000000, ScaleIndexes1766000000000, Attachments1766100000000, FactStamps1767300000000, RevokedTokens1767300000100, OrderEvents1767400000000, SyncVersions1767410000000, ServiceCalls1767420000000, LinkAgreement1767430000000, Lease1767440000000, OutboundStatus1767450000000, RecordedBlockers1767460000000, MatchedByDay1767470000000, EventNumbering1767480000000, DocumentCandidates1767490000000, ConditionalTriggers1767500000000, BlockerDueByOrder1767510000000];

export interface OrderLinkOptions {
  /** Poll the change feeds (default on); tests drive rounds themselves when off. */
  startLinker?: boolean;
  /** Deliver outbox messages (default on). */
  startOutbox?: boolean;
  /** Read the CRM's feed of service calls (default on); tests drive rounds themselves when off. */
  startCalls?: boolean;
  /** Number and publish order events (default on); tests drive EventLog.runOnce() themselves when off. */
  startEvents?: boolean;
  /** Waits between daily-report delivery attempts (tests shorten them). */
  reportBackoff?: (attempt: number) => number;
  /** Where the erp subgraph listens, when not at ERP_SUBGRAPH_URL (tests and npm start pick ports as they go). */
  erpSubgraphUrl?: string;
}

export async function createOrderLinkSubgraph(config: Config, options: OrderLinkOptions = {}) {
  const kit = subgraphKit('order-link', config);
  await ensureDatabase(config.HUB_DATABASE_URL);
  const hubDb = await openDataSource(config.HUB_DATABASE_URL, { migrations: HUB_MIGRATIONS });
  await hubDb.runMigrations({ transaction: 'each' });
  // order-link reads (and, for the rules' effects, writes) the legacy systems through the adapters'
  // own datasources: one place speaks each legacy tongue. The WMS pool stays at the 12 it had when
  // the pick flow (now subgraphs/fulfilment) lived here.
  const erpDb = await openDataSource(config.ERP_DATABASE_URL, { entities: erpEntities, poolSize: 4 });
  const wmsDb = await openDataSource(config.WMS_DATABASE_URL, { entities: wmsEntities, poolSize: 12 });
  const tmsHttp = new LegacyHttpClient(kit.legacy('tms'), config.TMS_API_URL, 4);
  const crmHttp = new LegacyHttpClient(kit.legacy('crm'), config.CRM_API_URL, 2);
  const hubSystem = kit.legacy('hub');
  const erp = new ErpDatasource(erpDb, kit.legacy('erp'));
  const wms = new WmsDatasource(wmsDb, kit.legacy('wms'));
  const tms = new TmsDatasource(tmsHttp);
  const crm = new CrmDatasource(crmHttp);

  const hub = new HubStore(hubDb, hubSystem);
  // Many instances may serve the graph; one at a time holds the lease and does the singleton work
  // (linking, judging new orders, delivering the outbox, health facts, sweeps, the report's schedule),
  // writing through the fenced hub: a former holder that wakes up cannot write.
  const lease = new Lease(hubDb, kit.logger.child({ part: 'lease' }), { leaseMs: config.LINK_LEASE_MS }, kit.metrics.registry);
  const fencedDb = lease.fenced();
  // The lease holder's work runs in the background: its writes to the hub get the bulk budget
  // (a round's batch of orders is seconds of writing on a busy database, not a page read).
  const hubInBackground = inBackground(hubSystem);
  const rules = new RuleStore(hubDb, hubSystem);
  const seeded = await rules.seedIfEmpty();
  if (seeded) kit.logger.info({ rules: seeded }, 'rules seeded from rules/default-rules.yaml');
  const facts = new FactsLoader(hubDb, hubSystem, { erp, wms, tms });
  const engine = new RuleEngine(hubDb, hubSystem, rules, facts, kit.logger.child({ part: 'rules' }));
  const ledger = new Ledger(hubDb, hubSystem);
  const leaderEngine = new RuleEngine(fencedDb, hubInBackground, rules, facts, kit.logger.child({ part: 'rules' }));
  const outbox = new OutboxWorker(fencedDb, hubInBackground, { erp, wms, crm }, kit.logger.child({ part: 'outbox' }), config.OUTBOX_POLL_MS);

  // The enabled expiry-control rule says how much shelf life a lot must keep; none when it is off.
  const expiryMonths = () => expiryRuleMonths(rules);
  const healthFacts = new HealthFacts(hubDb, hubSystem, { erp, wms, crm, hubLocks: () => facts.hubLocks(), expiryMonths }, kit.logger.child({ part: 'health' }));
  // Interceptions follow the rules' decisions as they are recorded, whoever asked for them.
  // A failure leaves the order's next refresh to count them: the decisions themselves are recorded.
  engine.onRecorded = (ids) => healthFacts.refreshInterceptions(ids).catch((err) => kit.logger.warn({ err: (err as Error)?.message }, 'interceptions not counted yet'));
  // The lease holder's own: facts after its rounds and the ticket sweep, fenced like the rest of its work.
  const leaderFacts = new HealthFacts(fencedDb, hubInBackground, { erp, wms, crm, hubLocks: () => facts.hubLocks(), expiryMonths }, kit.logger.child({ part: 'health' }));
  leaderEngine.onRecorded = (ids) => leaderFacts.refreshInterceptions(ids).catch((err) => kit.logger.warn({ err: (err as Error)?.message }, 'interceptions not counted yet'));
  const health = new HealthService(
    new HealthMetrics(hubDb, hubSystem, config.OUTBOUND_SLA_HOURS, config.SATISFACTION_MODEL),
    new HealthDrill(hubDb, hubSystem),
    new Reconciler(hubDb, hubSystem, { erp, wms }, config.OUTBOUND_SLA_HOURS),
    healthFacts,
    config.SATISFACTION_MODEL,
    config.OUTBOUND_SLA_HOURS,
  );
  const reporter = new DailyReporter(hubDb, hubSystem, health, {
    webhookUrl: config.REPORT_WEBHOOK_URL,
    attempts: config.REPORT_WEBHOOK_ATTEMPTS,
    timeoutMs: config.REPORT_WEBHOOK_TIMEOUT_MS,
    schedule: config.REPORT_SCHEDULE,
    logger: kit.logger.child({ part: 'report' }),
    backoff: options.reportBackoff,
  });

  // Order events: recorded by triggers, numbered and handed to the bus (NATS, or in-process) here.
  const eventBus = await openEventBus(config, kit.logger.child({ part: 'events' }));
  // Its own guard on the hub database: the log's polling timing out on a busy database must not
  // open the circuit the linker and the resolvers share.
  const events = new EventLog(hubDb, kit.legacy('hub-events'), eventBus, kit.logger.child({ part: 'events' }), config.EVENTS_PUBLISH_MS);
  const picks = new PickingStore(hubDb, hubSystem);
  const attachments = new AttachmentStore(hubDb, hubSystem);
  const calls = new CallStore(hubDb, hubSystem);
  const newLoaders = () => createLoaders({ hub, ledger, erp, tms, wms, picks, attachments, calls }, { batching: kit.batching });
  // Each order's blockers recorded as they change (the lease holder's, fenced), so that they are events too.
  const blockers = new BlockerRecorder(fencedDb, hubInBackground, hub, newLoaders, kit.logger.child({ part: 'blockers' }));
  const feeds = pollingFeeds({ erp, wms, tms }, hubVersions(hubDb, hubSystem), new FeedMetrics(kit.metrics.registry), {
    // Rows of the same second as the position, and clocks a little apart, every round.
    overlapMs: 3000,
    lateCommitMs: config.SYNC_LATE_COMMIT_MS,
    lateEveryRounds: config.SYNC_LATE_EVERY_ROUNDS,
    batchSize: config.LINK_BATCH_SIZE,
  });
  const linker = new Linker(fencedDb, feeds, hubInBackground, kit.logger.child({ part: 'linker' }), {
    batchSize: config.LINK_BATCH_SIZE,
    matchWindowDays: config.LINK_MATCH_WINDOW_DAYS,
    pollMs: config.LINK_POLL_MS,
    customerNames: async (codes) => new Map((await erp.customersByCode(codes)).filter((c) => c != null).map((c) => [c!.code, c!.name])),
    // New orders are evaluated in the same round that links them; then the health facts of every
    // order the round changed follow.
    afterRound: async () => {
      events.wake();
      await leaderEngine.evaluatePending();
      events.wake();
      // After the rules: the holds and rejections they just recorded are among what changed.
      await blockers.runOnce();
      events.wake();
      await leaderFacts.refreshChanged();
    },
    roundMarks: (phase, startedAt) => lease.markRound(phase, startedAt),
  });
  const sweep = new CompletenessSweep(hubDb, hubInBackground, { erp, wms, tms }, kit.metrics.registry, kit.logger.child({ part: 'sweep' }), {
    everyMs: config.SYNC_SWEEP_EVERY_MS,
    windowDays: config.SYNC_SWEEP_WINDOW_DAYS,
    daily: config.SYNC_SWEEP_DAILY,
  });
  const flatFacts = createFacts(hubDb, hubSystem, erp, config, kit.metrics, kit.logger.child({ part: 'facts' }));
  const tokens = new TokenRevocations(hubDb, hubSystem);
  // The same address the gateway uses: ERP_SUBGRAPH_URL, else rover-config.yaml's routing_url.
  const erpSubgraphUrl = options.erpSubgraphUrl ?? config.ERP_SUBGRAPH_URL ?? readRoverConfig('rover-config.yaml').find((s) => s.name === 'erp')!.url;
  const erpSubgraph = new LegacyHttpClient(kit.legacy('erp'), erpSubgraphUrl, 2);
  const erpOrders = new ErpOrders(erpSubgraph, signingKeyFor(config, 'erp'));
  const planner = new PurchasePlanner({ erp, wms, tms, expiryMonths }, { historyWeeks: config.PLAN_HISTORY_WEEKS, defaultLeadTimeDays: config.PLAN_DEFAULT_LEAD_TIME_DAYS });
  const planning = { planner, requisitions: new PurchaseRequisitions(hubDb, hubSystem, erp, erpOrders, planner) };
  // The call intake polls the CRM every CALL_POLL_MS: through a guard of its own, so that while the
  // CRM is down its polling neither opens the circuit SMS delivery and the resolvers share, nor is
  // refused by theirs; it backs off while the CRM fails (calls/intake.ts).
  const crmCallsHttp = new LegacyHttpClient(kit.legacy('crm-calls'), config.CRM_API_URL, 1);
  const callIntake = new CallIntake(fencedDb, hubInBackground, new CrmDatasource(crmCallsHttp), wms, kit.logger.child({ part: 'calls' }), {
    pollMs: config.CALL_POLL_MS,
    pageSize: config.CALL_PAGE_SIZE,
    actWithinMs: config.CALL_ACT_WITHIN_HOURS * 3_600_000,
  });
  lease.onChange(
    () => {
      if (options.startLinker !== false) {
        linker.start();
        sweep.start();
      }
      if (options.startOutbox !== false) outbox.start();
      // Reading service calls and numbering/publishing order events: the holder's too, so nothing is
      // read, acted on or published twice by two instances.
      if (options.startCalls !== false) callIntake.start();
      if (options.startEvents !== false) events.start();
      leaderFacts.startTicketSweep(config.HEALTH_TICKET_SWEEP_MS, config.HEALTH_TICKET_SWEEP_DAYS);
      reporter.start();
    },
    async () => {
      reporter.stop();
      await sweep.stop();
      await linker.stop();
      await outbox.stop();
      await callIntake.stop();
      await events.stop();
      await leaderFacts.stop();
    },
  );
  // A write outside the link rounds (a hold decided, a pick step …, common/src/hub-writes.ts): on
  // the holder, its events and the blockers it changed go out now, not at the next poll or round.
  let nudging: Promise<void> | null = null;
  let nudgeAgain = false;
  const nudge = () => {
    if (!lease.isLeader) return;
    if (nudging) return void (nudgeAgain = true);
    nudging = (async () => {
      do {
        nudgeAgain = false;
        events.wake();
        await blockers.runOnce().catch((err) => kit.logger.warn({ err: (err as Error)?.message }, 'blockers not recorded yet; the next round records them'));
        events.wake();
      } while (nudgeAgain);
    })().finally(() => (nudging = null));
  };
  const stopNudges = onHubWrite(nudge);
  await lease.start();
  const subgraph = buildSubgraph<Context>({
    kit,
    schemaPath: new URL('../schema.graphql', import.meta.url),
    resolvers,
    createContext: (base) => ({
      ...base,
      hub,
      rules,
      engine,
      ledger,
      health,
      reporter,
      attachments,
      loaders: newLoaders(),
      healthLoaders: createHealthLoaders(health, reporter, { batching: kit.batching }),
      facts: flatFacts,
      tokens,
      planning,
      sweep,
      events,
      // A round that starts after now: here when this instance holds the lease, else the holder's.
      linkNow: () => (lease.isLeader ? linker.runFreshRound() : lease.roundAfter(Date.now(), Math.max(15_000, config.LINK_LEASE_MS * 2))),
    }),
    readiness: {
      hubDatabase: () => hub.ping(),
      // Ready while the linking keeps up — this instance's rounds when it holds the lease, the
      // holder's otherwise: a full round within the last 20 polls (or 10 s, or a takeover's time).
      linker: async () => {
        const last = lease.isLeader ? linker.lastRoundAt : await lease.lastRoundDoneAt();
        if (last == null || last === 0) throw new Error(linker.lastError ? 'link rounds failing' : 'first link round not finished');
        if (Date.now() - last > Math.max(10_000, 20 * config.LINK_POLL_MS, 2 * config.LINK_LEASE_MS)) throw new Error('no full link round lately');
      },
    },
    close: async () => {
      stopNudges();
      await nudging;
      // Given up first, so another instance takes over at once.
      await lease.stop();
      reporter.stop();
      await sweep.stop();
      await linker.stop();
      await outbox.stop();
      await callIntake.stop();
      await healthFacts.stop();
      await leaderFacts.stop();
      await events.stop();
      await eventBus.close();
      await Promise.all([hubDb.destroy(), erpDb.destroy(), wmsDb.destroy(), tmsHttp.close(), crmHttp.close(), crmCallsHttp.close(), erpSubgraph.close()]);
    },
  });
  return { subgraph, linker, engine, outbox, callIntake, rules, facts, hubDb, hubSystem, health, reporter, events, sweep, lease, blockers };
}
