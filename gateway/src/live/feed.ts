// The gateway's one reader of the order event stream, fanning each event out to this instance's
// subscriptions in log order. The bus (NATS JetStream, or the in-process bus) is how events arrive
// fast — with JetStream, a gateway that lost its connection for a while resumes from the stream
// where it stopped (common/src/event-bus.ts); the hub's log is how none goes missing: an event
// whose id is not the next one means the bus lost some (a stream deleted or cut short), and the
// ones between are read from the log before it is passed on. A look at the log's end every
// EVENTS_LOG_CHECK_MS finds what was lost at the very end, where no later event would show the gap.
import type { OrderEventBus, OrderEventEnvelope } from '../../../common/src/event-bus.js';
import type { Logger } from '../../../common/src/logger.js';
import { traceEvents } from '../../../common/src/event-trace.js';

export type Listener = (event: OrderEventEnvelope) => void;

/** Reads the log after a position, as the gateway itself (admin): up to `first` events and the log's end. */
export type LogReader = (after: number, first: number) => Promise<{ events: OrderEventEnvelope[]; logEnd: number }>;

const FILL_PAGE = 500;

export class LiveFeed {
  private readonly byOrder = new Map<string, Set<Listener>>();
  private readonly everyOrder = new Set<Listener>();
  /** The last position passed on; null until the log's end is known. */
  private last: number | null = null;
  /** Everything that moves `last` runs one after another. */
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Events the bus sent that the log had to make up for (a measure of how lossy the bus is). */
  filled = 0;
  /** Each event passed on, and where it came from: the bus, or the hub's log making up for it. */
  onDelivered?: (event: OrderEventEnvelope, source: 'bus' | 'log') => void;

  constructor(
    private readonly bus: OrderEventBus,
    private readonly readLog: LogReader,
    private readonly logger: Logger,
    private readonly checkMs: number,
  ) {}

  /** Starts reading; keeps trying in the background while the bus or the hub is not there yet. */
  start(): void {
    this.stopped = false;
    const attempt = async () => {
      if (this.stopped) return;
      try {
        if (this.last == null) this.last = (await this.readLog(0, 0)).logEnd;
        this.unsubscribe ??= await this.bus.subscribe((e) => this.receive(e));
        // What was published between reading the log's end and the subscription starting.
        this.catchUp();
        this.timer = setInterval(() => this.catchUp(), this.checkMs);
        this.timer.unref();
      } catch (err) {
        this.logger.warn({ err: (err as Error)?.message }, 'live order events not readable yet; retrying');
        this.retry = setTimeout(attempt, 1000);
        this.retry.unref();
      }
    };
    void attempt();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    await this.unsubscribe?.().catch(() => undefined);
    await this.chain.catch(() => undefined);
  }

  /** Where the stream stands: the last event passed on (subscriptions without `after` start after it). */
  get position(): number | null {
    return this.last;
  }

  listen(orderId: string | null, listener: Listener): () => void {
    if (orderId == null) {
      this.everyOrder.add(listener);
      return () => void this.everyOrder.delete(listener);
    }
    let set = this.byOrder.get(orderId);
    if (!set) this.byOrder.set(orderId, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (!set!.size) this.byOrder.delete(orderId);
    };
  }

  get listeners(): number {
    let n = this.everyOrder.size;
    for (const s of this.byOrder.values()) n += s.size;
    return n;
  }

  private receive(event: OrderEventEnvelope): void {
    this.chain = this.chain.then(() => this.take(event)).catch((err) => this.logger.warn({ err: (err as Error)?.message }, 'live event not passed on'));
  }

  private catchUp(): void {
    this.chain = this.chain.then(() => this.fill(Number.MAX_SAFE_INTEGER)).catch((err) => this.logger.warn({ err: (err as Error)?.message }, 'event log not read; next check retries'));
  }

  private async take(event: OrderEventEnvelope): Promise<void> {
    if (this.last == null) return; // not started: subscriptions catch up from the log themselves
    if (event.position <= this.last) return; // seen (at least once: the bus may repeat)
    if (event.position > this.last + 1) await this.fill(event.position - 1);
    if (event.position === this.last + 1) this.deliver(event, 'bus');
  }

  /** Reads the log from the last position passed on up to `until`, passing each on. */
  private async fill(until: number): Promise<void> {
    while (this.last != null && this.last < until) {
      const from = this.last;
      const { events, logEnd } = await this.readLog(from, Math.min(FILL_PAGE, until - from));
      for (const e of events) {
        if (e.position !== this.last + 1) break;
        this.filled += 1;
        this.deliver(e, 'log');
      }
      if (!events.length || this.last === from || this.last >= logEnd) return;
    }
  }

  private deliver(event: OrderEventEnvelope, source: 'bus' | 'log'): void {
    this.last = event.position;
    traceEvents('recorded', [event.position], undefined, Math.floor(event.recordedUs / 1000));
    traceEvents('received', [event.position]);
    this.onDelivered?.(event, source);
    for (const l of this.byOrder.get(event.orderId) ?? []) l(event);
    for (const l of this.everyOrder) l(event);
  }
}
