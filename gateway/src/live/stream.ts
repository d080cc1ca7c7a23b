// One subscription's stream: what the subscriber missed (from the hub's log, when it says where it
// stopped), then each live event as the feed passes it on — in log order, none twice — each
// delivered with the subscription's selection resolved as the subscriber, the events waiting
// together in one query (operations.ts, resolve.ts). It
// ends, with a reason, when the token expires or is revoked, when a customer may no longer see the
// order, or when the subscriber cannot keep up.
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Caller } from '../../../common/src/caller.js';
import type { OrderEventEnvelope } from '../../../common/src/event-bus.js';
import type { Execute } from '../execute.js';
import type { LiveFeed } from './feed.js';
import type { LiveOperation } from './operations.js';
import type { EventAnswer, ResolveEvents } from './resolve.js';

export interface StreamDeps {
  feed: LiveFeed;
  execute: Execute;
  /** Resolves the selection for a batch of events (shared between subscriptions asking the same). */
  resolveEvents: ResolveEvents;
  /** Events waiting for one subscriber before it counts as too slow and is cut off. */
  maxPending: number;
  /** Throws when the caller's token has been revoked since it connected. */
  checkToken: (caller: Caller) => void;
  /** An event delivered live: its envelope (for the delay from the hub's record to here) and when its selection was resolved. */
  onDelivered?: (event: OrderEventEnvelope, resolvedAt: number) => void;
}

export interface StreamContext {
  caller: Caller;
  requestId: string;
  /** True when the transport cannot take more (its buffer is full): the subscriber is too slow. */
  congested: () => boolean;
}

const CATCH_UP_PAGE = 500;
/** Batches of events one subscription has being resolved at once. */
const IN_FLIGHT = 2;

/** An error that ends a stream, with a stable code and zh + en. */
export function endOf(code: string, zh: string, en: string, extensions: Record<string, unknown> = {}): ExecutionResult {
  return { errors: [new GraphQLError(`${zh} / ${en}`, { extensions: { code, messageZh: zh, messageEn: en, ...extensions } })] };
}

export const notFound = (id: string) =>
  endOf('NOT_FOUND', `找不到订单「${id.slice(0, 64)}」`, `No order "${id.slice(0, 64)}"`, { argument: 'id' });
export const tokenExpired = () => endOf('TOKEN_EXPIRED', '令牌已过期，订阅结束：请重新登录后再订阅', 'Token expired: the subscription has ended; sign in again and resubscribe');
export const slowConsumer = (pending: number) =>
  endOf('SLOW_CONSUMER', `订阅者接收过慢（积压 ${pending} 个事件），订阅已断开：请带上最后收到的事件 ID（after）重新订阅`, `Subscriber too slow (${pending} events waiting): cut off; resubscribe with the last event id you received as \`after\``, {
    pending,
  });

/**
 * The stream as an iterator whose return() also wakes it: a subscriber that leaves while its stream
 * waits for the next event is let go at once (an async generator would finish only at its next yield).
 */
export function liveStream(deps: StreamDeps, op: LiveOperation, ctx: StreamContext): AsyncGenerator<ExecutionResult> {
  const controller = new AbortController();
  const inner = stream(deps, op, ctx, controller.signal);
  const outer: AsyncGenerator<ExecutionResult> = {
    next: () => inner.next(),
    return: (value) => {
      controller.abort();
      return inner.return(value);
    },
    throw: (err) => {
      controller.abort();
      return inner.throw(err);
    },
    [Symbol.asyncIterator]: () => outer,
    [Symbol.asyncDispose]: async () => void (await outer.return(undefined)),
  } as AsyncGenerator<ExecutionResult>;
  return outer;
}

async function* stream(deps: StreamDeps, op: LiveOperation, ctx: StreamContext, signal: AbortSignal): AsyncGenerator<ExecutionResult> {
  const { caller, requestId } = ctx;
  const run = <T = any>(query: string, variables: Record<string, unknown>) => deps.execute<T>({ query, variables }, caller, requestId);
  let orderId: string | null = null;
  // Where the stream stood when the subscriber asked: events passed on while its order is looked
  // up are read back from the log, not lost in between.
  const askedAt = deps.feed.position;
  if (op.field === 'orderUpdated') {
    // The order by any of its numbers, as the subscriber may see it: another customer's is unknown.
    const found = await run<{ order: { id: string } | null }>('query LiveOrder($id: ID!) { order(id: $id) { id } }', { id: op.args.id });
    if (found.errors?.length) return yield { errors: found.errors as GraphQLError[] };
    if (!found.data?.order) return yield notFound(op.args.id!);
    orderId = found.data.order.id;
  }
  const filter = op.args.filter ?? {};
  const matches = (e: OrderEventEnvelope) =>
    (!filter.types?.length || filter.types.includes(e.type)) &&
    (!filter.storeCodes?.length || filter.storeCodes.includes(e.storeCode)) &&
    (!filter.regions?.length || filter.regions.includes(e.region)) &&
    (!filter.customerCodes?.length || filter.customerCodes.includes(e.customerCode));

  // Live events are collected from before the catch-up is read: nothing falls between the two.
  const live: OrderEventEnvelope[] = [];
  let wake: (() => void) | null = null;
  const stopListening = deps.feed.listen(orderId, (e) => {
    if (!matches(e)) return;
    live.push(e);
    wake?.();
  });
  signal.addEventListener('abort', () => wake?.());
  const resumeFrom = op.args.after != null ? Number(op.args.after) : op.field === 'orderUpdated' && askedAt != null && askedAt < (deps.feed.position ?? 0) ? askedAt : null;
  let last = resumeFrom ?? deps.feed.position ?? 0;
  try {
    const pending: number[] = [];
    if (resumeFrom != null) {
      // What the subscriber missed, from the log, oldest first.
      for (let from = last, more = true; more; ) {
        const page: { data?: any; errors?: readonly unknown[] } =
          op.field === 'orderUpdated'
            ? await run(`query LiveMissed($id: ID!, $after: String, $first: Int) { order(id: $id) { events(after: $after, first: $first) { id } } }`, {
                id: orderId,
                after: String(from),
                first: CATCH_UP_PAGE,
              })
            : await run(
                `query LiveMissed($after: String, $filter: OrderEventFilter, $first: Int) { orderEventLog(after: $after, filter: $filter, first: $first) { events { id } endCursor hasMore } }`,
                { after: String(from), filter: op.args.filter ?? null, first: CATCH_UP_PAGE },
              );
        if (page.errors?.length) return yield { errors: page.errors as GraphQLError[] };
        const ids = (op.field === 'orderUpdated' ? page.data?.order?.events : page.data?.orderEventLog?.events)?.map((e: { id: string }) => Number(e.id)) ?? [];
        pending.push(...ids);
        if (op.field === 'orderUpdated') {
          more = ids.length === CATCH_UP_PAGE;
          from = ids.at(-1) ?? from;
        } else {
          more = !!page.data?.orderEventLog.hasMore && Number(page.data.orderEventLog.endCursor) > from;
          from = Number(page.data?.orderEventLog.endCursor ?? from);
        }
      }
    }
    // Batches being resolved, oldest first: the next starts as soon as its events are there (not
    // when the one before is answered), and the answers go out in order.
    const resolving: { batch: { position: number; envelope: OrderEventEnvelope | null }[]; answers: Promise<EventAnswer[]>; settled: boolean }[] = [];
    let queued = last;
    for (;;) {
      if (signal.aborted) return;
      // Events come in bursts (a link round's, published together): the rest of the burst is let
      // in before a batch is formed, so that it goes in one query rather than one each.
      if (resolving.length < IN_FLIGHT && live.length) await new Promise((r) => setImmediate(r));
      if (signal.aborted) return;
      while (resolving.length < IN_FLIGHT && (pending.length || live.length)) {
        // The events waiting, oldest first, none already taken: resolved by one query (up to
        // the operation's batch size).
        const batch: { position: number; envelope: OrderEventEnvelope | null }[] = [];
        while (batch.length < op.batchMax && (pending.length || live.length)) {
          const fromLog = pending.length > 0;
          const envelope = fromLog ? null : live.shift()!;
          const position = fromLog ? pending.shift()! : envelope!.position;
          if (position <= queued) continue;
          queued = position;
          batch.push({ position, envelope });
        }
        if (!batch.length) continue;
        if (caller.expiresAt != null && caller.expiresAt <= Date.now()) return yield tokenExpired();
        try {
          deps.checkToken(caller);
        } catch (err) {
          const { zh, en } = err as { zh?: string; en?: string };
          return yield endOf('UNAUTHENTICATED', zh ?? '令牌已被吊销', en ?? 'Token revoked');
        }
        if (live.length > deps.maxPending || ctx.congested()) return yield slowConsumer(live.length);
        const entry = {
          batch,
          answers: deps.resolveEvents(
            op,
            batch.map((b) => b.position),
            caller,
            requestId,
          ),
          settled: false,
        };
        // Settled or not, never an unhandled rejection: the error surfaces when it is its turn. One
        // handler per batch, which also wakes the loop below (waiting adds none of its own).
        const settle = () => {
          entry.settled = true;
          wake?.();
        };
        entry.answers.then(settle, settle);
        resolving.push(entry);
      }
      const head = resolving[0];
      if (head?.settled) {
        resolving.shift();
        const results = await head.answers;
        const resolvedAt = Date.now();
        for (let i = 0; i < head.batch.length; i++) {
          if (signal.aborted) return;
          const result = results[i];
          last = head.batch[i].position;
          const payload = result.data?.[op.responseKey];
          if (!payload && !result.errors?.length) {
            // Checked again for every event: an order a customer may no longer see ends the stream.
            if (op.field === 'orderUpdated') return yield notFound(op.args.id!);
            continue;
          }
          if (head.batch[i].envelope) deps.onDelivered?.(head.batch[i].envelope!, resolvedAt);
          yield { data: result.data, ...(result.errors?.length ? { errors: result.errors as GraphQLError[] } : {}) };
        }
        continue;
      }
      const left = caller.expiresAt != null ? caller.expiresAt - Date.now() : null;
      if (left != null && left <= 0) return yield tokenExpired();
      // Until an event, the oldest batch's answer, the subscriber leaving, or the token's expiry
      // (a timer may fire a little early: checked again above).
      let expiry: NodeJS.Timeout | null = null;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (left != null) expiry = setTimeout(resolve, Math.min(left + 5, 2 ** 31 - 1));
      });
      if (expiry) clearTimeout(expiry);
      wake = null;
    }
  } finally {
    stopListening();
  }
}
