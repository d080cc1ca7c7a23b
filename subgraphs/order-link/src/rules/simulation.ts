// Shapes of a dry run and an on-demand evaluation as the graph returns them.
import type { Effect, Verdict } from './kinds.js';
import type { Rule, UserError } from './store.js';
import type { DecisionRecord } from './ledger.js';
import type { HubOrder } from '../datasource.js';
import type { OrderEvaluation } from './engine.js';

export interface SimulatedOrder {
  erpOrderNo: string;
  verdict: Verdict;
}

export interface SimulationView {
  rule: Rule | null;
  userErrors: UserError[];
  evaluated: number;
  truncated: boolean;
  affected: number;
  affectedNow: number | null;
  newlyAffected: string[];
  noLongerAffected: string[];
  effectCounts: { type: Effect['type']; count: number }[];
  orders: SimulatedOrder[];
}

export interface EvaluationView {
  order: HubOrder | null;
  fired: DecisionRecord[];
}

export function countEffects(fired: { verdict: Verdict }[]): SimulationView['effectCounts'] {
  const counts = new Map<Effect['type'], number>();
  for (const f of fired) for (const e of f.verdict.effects) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  return [...counts].map(([type, count]) => ({ type, count }));
}

/** An evaluation as decisions the graph can show, before they are read back from the hub. */
export function toDecisions(evaluation: OrderEvaluation, now: number): DecisionRecord[] {
  return evaluation.verdicts
    .filter((v) => v.verdict.fired)
    .map((v) => ({
      orderId: evaluation.orderId,
      ruleId: v.rule.id,
      ruleVersion: v.rule.version,
      kind: v.rule.kind,
      fired: true,
      facts: { ...v.verdict.facts, explanation: v.verdict.explanation, ...(v.supersededBy ? { supersededBy: v.supersededBy } : {}) },
      effects: v.verdict.effects,
      evaluatedAt: now,
      firstFiredAt: now,
    }));
}
