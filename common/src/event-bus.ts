// The bus order events travel on from the hub's log to the gateways: NATS JetStream when
// EVENTS_NATS_URL is set (one stream, a subject per order, each event stored once by its log
// position; each gateway reads the stream with an ordered consumer of its own), else an in-process
// bus for when the hub and the gateway share a process (npm start, the tests). The hub's log stays
// the truth: a gateway that misses something on the bus reads it from the log
// (gateway/src/live/feed.ts), so the bus only has to be fast, not perfect.
import { EventEmitter } from 'node:events';
import { connect, DeliverPolicy, JSONCodec, RetentionPolicy, type ConsumerMessages, type NatsConnection } from 'nats';
import type { Logger } from './logger.js';

/** What the bus carries for one event: enough to route and filter it without asking the hub. */
export interface OrderEventEnvelope {
  /** Place in the hub's log across all orders: the cursor subscribers resume from. */
  position: number;
  /** The unified order ID (OH…). */
  orderId: string;
  /** Number of the event within its order, from 1. */
  seq: number;
  type: string;
  system: string;
  /** When it happened in its system (epoch ms), when known. */
  at: number | null;
  customerCode: string;
  storeCode: string;
  region: string;
  /** When the hub recorded it (epoch µs): where latency is measured from. */
  recordedUs: number;
}

export interface OrderEventBus {
  readonly kind: 'nats' | 'local';
  /** Resolves once the bus holds every event (JetStream acknowledged them); rejects when it is down. */
  publish(events: OrderEventEnvelope[]): Promise<void>;
  /**
   * Live events from now on, in the bus's order. With JetStream, a connection lost for a while
   * loses nothing the stream still holds: the consumer resumes after the last message it delivered.
   */
  subscribe(onEvent: (event: OrderEventEnvelope) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface BusSettings {
  EVENTS_NATS_URL?: string;
  EVENTS_NATS_STREAM: string;
  EVENTS_NATS_REPLICAS: number;
  EVENTS_NATS_SUBJECT: string;
  HUB_DATABASE_URL: string;
}

/** One in-process bus per hub database: two stacks in one test process do not hear each other. */
const LOCAL = Symbol.for('order-hub.local-event-bus');
function localEmitter(key: string): EventEmitter {
  const all = ((globalThis as any)[LOCAL] ??= new Map<string, EventEmitter>()) as Map<string, EventEmitter>;
  let e = all.get(key);
  if (!e) {
    e = new EventEmitter();
    e.setMaxListeners(0);
    all.set(key, e);
  }
  return e;
}

function localBus(key: string): OrderEventBus {
  const emitter = localEmitter(key);
  return {
    kind: 'local',
    async publish(events) {
      for (const e of events) emitter.emit('event', e);
    },
    async subscribe(onEvent) {
      emitter.on('event', onEvent);
      return async () => void emitter.off('event', onEvent);
    },
    async close() {},
  };
}

const codec = JSONCodec<OrderEventEnvelope>();

function natsBus(settings: BusSettings, logger: Logger): OrderEventBus {
  let nc: NatsConnection | null = null;
  let connecting: Promise<NatsConnection> | null = null;
  let closed = false;
  // Connected on first use, and again on the next use when the first attempt failed: a hub or
  // gateway starts whether or not the bus is up. Once connected, the client reconnects by itself.
  const connection = (): Promise<NatsConnection> => {
    if (closed) return Promise.reject(new Error('event bus closed'));
    if (nc && !nc.isClosed()) return Promise.resolve(nc);
    return (connecting ??= connect({
      servers: settings.EVENTS_NATS_URL!.split(',').map((s) => s.trim()),
      name: 'order-hub',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: 2000,
    })
      .then((c) => {
        nc = c;
        void (async () => {
          for await (const s of c.status()) {
            if (s.type === 'disconnect' || s.type === 'reconnect') logger.info({ bus: 'nats', status: s.type }, 'event bus connection');
          }
        })().catch(() => undefined);
        return c;
      })
      .finally(() => {
        connecting = null;
      }));
  };
  const subject = settings.EVENTS_NATS_SUBJECT;
  const stream = settings.EVENTS_NATS_STREAM;
  let streamReady: Promise<void> | null = null;
  // The stream is declared by whoever uses it first; an existing one is left as it is.
  const ensureStream = (c: NatsConnection) =>
    (streamReady ??= (async () => {
      const jsm = await c.jetstreamManager();
      try {
        await jsm.streams.info(stream);
      } catch {
        await jsm.streams.add({
          name: stream,
          subjects: [`${subject}.>`],
          retention: RetentionPolicy.Limits,
          max_age: 7 * 24 * 3600 * 1e9,
          duplicate_window: 10 * 60 * 1e9,
          num_replicas: settings.EVENTS_NATS_REPLICAS,
        });
      }
    })().catch((err) => {
      streamReady = null;
      throw err;
    }));
  return {
    kind: 'nats',
    async publish(events) {
      const c = await connection();
      await ensureStream(c);
      const js = c.jetstream();
      // Published in log order; each is stored once by its message ID however often it is sent.
      await Promise.all(events.map((e) => js.publish(`${subject}.${e.orderId}`, codec.encode(e), { msgID: `${stream}:${e.position}`, timeout: 2000 })));
    },
    async subscribe(onEvent) {
      const c = await connection();
      await ensureStream(c);
      const js = c.jetstream();
      // An ordered consumer per gateway: ephemeral, flow-controlled, nothing to acknowledge. It
      // starts with what is published from now on; after a lost connection (or a restarted
      // server) the client recreates it from the stream sequence after the last message it
      // delivered, so what the gateway missed meanwhile comes from the stream, in order. Should the
      // consumer end anyway (the stream deleted, say), a new one starts after that same sequence.
      let lastSeq = 0;
      let stopped = false;
      let messages: ConsumerMessages | null = null;
      const open = async () => {
        const consumer = await js.consumers.get(
          stream,
          lastSeq
            ? { filterSubjects: `${subject}.>`, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: lastSeq + 1 }
            : { filterSubjects: `${subject}.>`, deliver_policy: DeliverPolicy.New },
        );
        messages = await consumer.consume();
        return messages;
      };
      const read = async (current: ConsumerMessages) => {
        for (;;) {
          try {
            for await (const m of current) {
              lastSeq = m.seq;
              try {
                onEvent(codec.decode(m.data));
              } catch (err) {
                logger.warn({ err: (err as Error)?.message }, 'event from the bus not delivered');
              }
            }
          } catch (err) {
            logger.warn({ err: (err as Error)?.message, after: lastSeq }, 'event stream consumer ended; starting another');
          }
          if (stopped) return;
          for (;;) {
            await new Promise((r) => setTimeout(r, 1000));
            if (stopped) return;
            try {
              current = await open();
              break;
            } catch (err) {
              logger.warn({ err: (err as Error)?.message }, 'event stream consumer not started yet; retrying');
            }
          }
        }
      };
      void read(await open());
      return async () => {
        stopped = true;
        await messages?.close();
      };
    },
    async close() {
      closed = true;
      const c = nc ?? (await connecting?.catch(() => null));
      if (c && !c.isClosed()) await c.drain().catch(() => c.close());
    },
  };
}

/** The bus the configuration asks for. */
export async function openEventBus(settings: BusSettings, logger: Logger): Promise<OrderEventBus> {
  return settings.EVENTS_NATS_URL ? natsBus(settings, logger) : localBus(settings.HUB_DATABASE_URL);
}
