// The 7-node lifecycle, derived from what each system recorded. Pure: used when the hub stores an
// order's status and when the graph shows its nodes, so the two can never disagree.
export const STAGES = ['PAID', 'PICKING', 'SHIPPED_OUT', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'SIGNED', 'COMPLETED'] as const;
export type Stage = (typeof STAGES)[number];
export type OrderStatus = 'CREATED' | Stage | 'CANCELLED';
export type SystemName = 'ERP' | 'WMS' | 'TMS';

export const STAGE_SOURCE: Record<Stage, SystemName> = {
  PAID: 'ERP',
  PICKING: 'WMS',
  SHIPPED_OUT: 'WMS',
  IN_TRANSIT: 'TMS',
  OUT_FOR_DELIVERY: 'TMS',
  SIGNED: 'TMS',
  COMPLETED: 'ERP',
};

/** Recorded time per stage (epoch ms) and the document per system. */
export interface LifecycleFacts {
  cancelled: boolean;
  times: Partial<Record<Stage, number | null>>;
  documents: Record<SystemName, string | null>;
}

export interface LifecycleNodeView {
  stage: Stage;
  reached: boolean;
  recorded: boolean;
  missing: boolean;
  at: number | null;
  sourceSystem: SystemName;
  sourceDocumentNo: string | null;
}

export interface Lifecycle {
  nodes: LifecycleNodeView[];
  status: OrderStatus;
  missing: Stage[];
}

export function computeLifecycle(facts: LifecycleFacts): Lifecycle {
  let lastRecorded = -1;
  STAGES.forEach((stage, i) => {
    if (facts.times[stage] != null) lastRecorded = i;
  });
  const nodes = STAGES.map((stage, i): LifecycleNodeView => {
    const at = facts.times[stage] ?? null;
    const recorded = at != null;
    // A later recorded node proves this one was passed, recorded or not.
    const reached = i <= lastRecorded;
    return {
      stage,
      reached,
      recorded,
      missing: reached && !recorded,
      at,
      sourceSystem: STAGE_SOURCE[stage],
      sourceDocumentNo: facts.documents[STAGE_SOURCE[stage]],
    };
  });
  const status: OrderStatus = facts.cancelled ? 'CANCELLED' : lastRecorded >= 0 ? STAGES[lastRecorded] : 'CREATED';
  return { nodes, status, missing: nodes.filter((n) => n.missing).map((n) => n.stage) };
}
