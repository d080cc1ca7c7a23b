// Where an order event's time goes between the legacy write and the subscriber, stage by stage
// (bench/events.ts prints the breakdown): the parts that handle events mark when each stage
// happened. Nothing is recorded unless a tracer is installed in the process — the benchmark runs
// the hub and the gateway in its own process and installs one; in service it costs one null check.
//
//   round      a link round started (it reads the change feeds; its writes record the events), and
//              when it had written all it read (it wakes the sequencer then)
//   recorded   a trigger recorded the event, in its writer's transaction (the event's own stamp)
//   numbered   the sequencer numbered the events (they are in the hub's log, in order)
//   published  the bus acknowledged them (NATS JetStream, or the in-process bus)
//   received   a gateway's feed passed them on to its subscriptions
//   resolved   a subscription's selection was resolved for them (query planner and subgraphs)
//   sent       a subscription handed one to its transport (WebSocket or SSE)
export type EventStage = 'recorded' | 'numbered' | 'published' | 'received' | 'resolved' | 'sent';

export interface EventTracer {
  round(phase: 'started' | 'written', at: number): void;
  stage(stage: EventStage, positions: readonly number[], at: number, protocol?: string): void;
}

let tracer: EventTracer | null = null;

/** Installs (or, with null, removes) the process's tracer. */
export function setEventTracer(t: EventTracer | null): void {
  tracer = t;
}

export function traceRound(phase: 'started' | 'written', at = Date.now()): void {
  tracer?.round(phase, at);
}

export function traceEvents(stage: EventStage, positions: readonly number[], protocol?: string, at = Date.now()): void {
  if (tracer && positions.length) tracer.stage(stage, positions, at, protocol);
}
