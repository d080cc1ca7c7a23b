// Resolving the subscriptions' selections for their events: one query per batch of events
// (operations.ts: orderUpdates for several, orderUpdate for one), and shared by every subscription that asks
// the same thing at the same time — the same document and variables, as the same caller, for the
// same events. A BI tool's WebSocket and SSE feeds, or a customer's page open twice, cost one pass
// through the query planner per batch of events, not one per event and per subscription.
import type { GraphQLFormattedError } from 'graphql';
import type { Caller } from '../../../common/src/caller.js';
import type { Execute } from '../execute.js';
import { EVENT_VARIABLE, EVENTS_VARIABLE, type LiveOperation } from './operations.js';

/** One event's answer, in the subscription's shape: `{ [responseKey]: { event, order } }`. */
export interface EventAnswer {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

export type ResolveEvents = (op: LiveOperation, positions: readonly number[], caller: Caller, requestId: string) => Promise<EventAnswer[]>;

type Result = { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] };

/**
 * Event i's part of the answer, in the subscription's shape: its data, its errors with their path
 * under the subscription's field, and the errors of the query as a whole (which are every event's).
 */
function answerOf(result: Result, i: number, n: number, responseKey: string): EventAnswer {
  const key = n === 1 ? EVENT_VARIABLE : EVENTS_VARIABLE;
  const at = n === 1 ? 0 : 1;
  const errors: GraphQLFormattedError[] = [];
  for (const e of result.errors ?? []) {
    const path = e.path ?? [];
    if (path[0] !== key || (n > 1 && path.length < 2)) errors.push(e);
    else if (n === 1 || path[1] === i) errors.push({ ...e, path: [responseKey, ...path.slice(at + 1)] });
  }
  const value = n === 1 ? result.data?.[key] : (result.data?.[key] as unknown[] | null | undefined)?.[i];
  return { data: result.data ? { [responseKey]: value ?? null } : null, ...(errors.length ? { errors } : {}) };
}

export function eventResolver(execute: Execute): ResolveEvents {
  const running = new Map<string, Promise<EventAnswer[]>>();

  async function run(op: LiveOperation, positions: readonly number[], caller: Caller, requestId: string): Promise<EventAnswer[]> {
    const ids = positions.map(String);
    const variables = { ...op.variables, ...(ids.length === 1 ? { [EVENT_VARIABLE]: ids[0] } : { [EVENTS_VARIABLE]: ids }) };
    const result = await execute({ query: op.eventQuery(positions.length), variables }, caller, requestId);
    // The batch refused or failed as a whole (no list): each event on its own, so that one
    // event's answer is exactly what its own query would answer.
    if (positions.length > 1 && !Array.isArray(result.data?.[EVENTS_VARIABLE])) return (await Promise.all(positions.map((p) => run(op, [p], caller, requestId)))).flat();
    return positions.map((_, i) => answerOf(result, i, positions.length, op.responseKey));
  }

  return (op, positions, caller, requestId) => {
    // The same caller (token, role, customer) gets the same answer; anyone else runs their own.
    const key = JSON.stringify([op.eventQuery(positions.length), op.responseKey, op.variables, caller, positions]);
    let answers = running.get(key);
    if (!answers) {
      answers = run(op, positions, caller, requestId).finally(() => running.delete(key));
      running.set(key, answers);
    }
    return answers;
  };
}
