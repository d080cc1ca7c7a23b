// The flat fact connections in the graph: each reads its fact set a page at a time (reader.ts) and
// counts the rows it served by client, so a BI tool's extraction shows in /metrics by name.
import type { DataSource } from 'typeorm';
import type { GraphQLResolveInfo } from 'graphql';
import { Counter } from 'prom-client';
import type { Resolvers } from '../../../../codegen/generated/order-link.js';
import type { Config } from '../../../../common/src/config.js';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import type { Logger } from '../../../../common/src/logger.js';
import type { Metrics } from '../../../../common/src/metrics.js';
import { requireRole } from '../../../../common/src/arguments.js';
import { createHorizon } from '../../../../common/src/facts/horizon.js';
import { FactReader, type FactSet, type Page } from '../../../../common/src/facts/reader.js';
import { connectionOf, pageRequest, type FactArgs } from '../../../../common/src/facts/graphql.js';
import type { ErpDatasource } from '#adapters/erp';
import type { Context } from '../context.js';
import { FACT_SETS } from './sets.js';
import { reconciliationColumns, reconciliationPage } from './reconciliation.js';

type FactName = keyof typeof FACT_SETS;

export interface Facts {
  readers: Record<FactName, FactReader<Context>>;
  /** Order lines are read from the ERP, a page of orders at a time. */
  erp: ErpDatasource;
  personalData: boolean;
  served: Counter<'fact' | 'client'>;
}

export function createFacts(db: DataSource, hub: LegacySystem, erp: ErpDatasource, config: Config, metrics: Metrics, logger: Logger): Facts {
  const horizon = createHorizon(db, { lagMs: config.FACTS_COMMIT_LAG_MS, logger });
  const readers = Object.fromEntries(Object.entries(FACT_SETS).map(([name, set]) => [name, new FactReader(set as FactSet<Context>, db, hub, horizon)])) as Facts['readers'];
  const served = new Counter({
    name: 'facts_rows_served_total',
    help: 'Fact rows served to BI tools and people, by fact set and client (a token\'s client_id, else its role)',
    labelNames: ['fact', 'client'],
    registers: [metrics.registry],
  });
  return { readers, erp, personalData: config.BI_PERSONAL_DATA === 'on', served };
}

/** Who may read flat facts: BI clients and the people who run the business and close its books (admin always). */
const READERS = ['bi', 'finance', 'director', 'ops'] as const;

async function serve(name: string, ctx: Context, read: () => Promise<Page>) {
  requireRole(ctx, [...READERS], name);
  const page = await read();
  ctx.facts.served.inc({ fact: name, client: ctx.caller.client ?? ctx.caller.role }, page.rows.length);
  return connectionOf(page);
}

const connection = (name: FactName) => (_root: unknown, args: FactArgs, ctx: Context, info: GraphQLResolveInfo) =>
  serve(name, ctx, () => {
    const reader = ctx.facts.readers[name];
    return reader.page(pageRequest(args, info, ctx.caller, reader.set.columns, ctx.facts.personalData), ctx);
  });

export const factResolvers: Resolvers = {
  Query: {
    orderFacts: connection('orderFacts'),
    orderLineFacts: connection('orderLineFacts'),
    documentFacts: connection('documentFacts'),
    ruleDecisionFacts: connection('ruleDecisionFacts'),
    holdFacts: connection('holdFacts'),
    scanFacts: connection('scanFacts'),
    reconciliationItemFacts: (_root, args, ctx, info) =>
      serve('reconciliationItemFacts', ctx, () => reconciliationPage(pageRequest(args as FactArgs, info, ctx.caller, reconciliationColumns, ctx.facts.personalData), ctx)),
  },
};
