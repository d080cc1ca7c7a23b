// One order-link at a time does the singleton work — linking, rule evaluation of new orders, outbox
// delivery, health facts, the completeness sweep — however many instances run against one hub. They
// share a lease in the hub database (`hub_lease`); whoever holds it carries a fencing token, raised
// by one at every change of holder, and every write of that work checks the token inside its own
// transaction (`hub_fence`'s row share-locked: the holder's writes never wait for each other, a change
// of holder waits for them), so a former holder that wakes up — after a pause, a partition, a stop of
// the world — cannot write: its token is no longer the row's, its transaction rolls back.
//
// The lease lasts 80 % of LINK_LEASE_MS from the last renewal and is renewed every quarter of it;
// the others look every tenth, so a dead holder is replaced within LINK_LEASE_MS. A holder that
// shuts down gives the lease up at once (a rolling deploy hands over without waiting).
// Expiry is judged by each instance's clock: clocks apart by more than the margin only delay or
// hasten a takeover — safety rests on the token, not on clocks.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../../common/src/logger.js';
import { execute, insertIgnore } from '../../../common/src/db.js';

/** A write refused because the lease has passed to another holder (or was never held). */
export class FencedOut extends Error {
  constructor(readonly held: number | null, readonly current: number | null) {
    super(`fenced out: this instance's lease token ${held ?? 'none'} is not the current ${current ?? 'none'}`);
    this.name = 'FencedOut';
  }
}

export interface LeaseOptions {
  /** LINK_LEASE_MS: a dead holder is replaced within this long. */
  leaseMs: number;
  /** The lease's name: one per singleton set (order-link has one). */
  name?: string;
}

const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;

export class Lease {
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly name: string;
  /** The fencing token while this instance holds the lease; null otherwise. */
  token: number | null = null;
  private heldUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private readonly gained = new Set<(token: number) => void | Promise<void>>();
  private readonly lost = new Set<() => void | Promise<void>>();
  private readonly metrics: { leader: Gauge; takeovers: Counter; fenced: Counter };
  private changing: Promise<void> = Promise.resolve();
  /** The loss in progress, so its handlers run once however many callers notice it. */
  private losing: Promise<void> | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
    private readonly options: LeaseOptions,
    registry: Registry,
  ) {
    this.name = options.name ?? 'order-link';
    this.metrics = {
      leader: new Gauge({ name: 'lease_leader', help: 'Whether this instance holds the singleton lease (1) or not (0)', registers: [registry] }),
      takeovers: new Counter({ name: 'lease_acquired_total', help: 'Times this instance took the singleton lease', registers: [registry] }),
      fenced: new Counter({ name: 'lease_fenced_writes_total', help: 'Singleton writes refused because this instance no longer held the lease token', registers: [registry] }),
    };
  }

  get isLeader(): boolean {
    return this.token != null && Date.now() < this.heldUntil;
  }

  private get ttl(): number {
    return Math.floor(this.options.leaseMs * 0.8);
  }

  /** Runs when this instance takes the lease (with its token) and when it loses or gives it up. */
  onChange(gained: (token: number) => void | Promise<void>, lost: () => void | Promise<void>): void {
    this.gained.add(gained);
    this.lost.add(lost);
  }

  /** Takes the lease now if it is free (start-up), then keeps holding or watching it. */
  async start(): Promise<void> {
    this.stopped = false;
    await insertIgnore(this.db, 'hub_lease', [{ name: this.name, holder: '', token: 0, expires_at: 0, acquired_at: 0, round_started_at: 0, round_done_at: 0 }]);
    await insertIgnore(this.db, 'hub_fence', [{ name: this.name, token: 0 }]);
    await this.tick();
    const loop = async () => {
      if (this.stopped) return;
      await this.tick();
      if (!this.stopped) this.schedule(loop);
    };
    this.schedule(loop);
  }

  /** The holder renews every quarter of the lease; the others look every tenth. The server, not the lease, keeps a process alive. */
  private schedule(loop: () => Promise<void>): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(loop, this.isLeader ? Math.floor(this.options.leaseMs / 4) : Math.max(50, Math.floor(this.options.leaseMs / 10)));
    this.timer.unref();
  }

  /** Stops watching and gives the lease up, so another instance takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const token = this.token;
    if (token != null) {
      // The work stops first, while its writes still carry the token; then the lease is given up.
      await this.lose({ whileHeld: true });
      await execute(this.db, 'UPDATE hub_lease SET expires_at = 0 WHERE name = ? AND token = ?', [this.name, token]).catch(() => undefined);
    }
    // A loss noticed just before (a renewal that failed) may still be stopping the work: wait for it.
    await this.losing;
  }

  private async tick(): Promise<void> {
    try {
      const now = Date.now();
      if (this.token != null) {
        const renewed = await execute(this.db, 'UPDATE hub_lease SET expires_at = ? WHERE name = ? AND token = ? AND holder = ?', [now + this.ttl, this.name, this.token, this.holder]);
        if (renewed === 1) this.heldUntil = now + this.ttl;
        else {
          this.logger.warn({ token: this.token }, 'singleton lease lost to another instance');
          await this.lose();
        }
        return;
      }
      // Taken in one transaction with the fence: its exclusive lock waits until the former holder's
      // writes in flight have committed or rolled back, and every later one sees the new token.
      const token = await this.db.transaction(async (em) => {
        const taken = await execute(em, 'UPDATE hub_lease SET holder = ?, token = token + 1, expires_at = ?, acquired_at = ? WHERE name = ? AND expires_at < ?', [
          this.holder,
          now + this.ttl,
          now,
          this.name,
          now,
        ]);
        if (taken !== 1) return null;
        const [row] = await em.query('SELECT token, holder FROM hub_lease WHERE name = ?', [this.name]);
        if (row.holder !== this.holder) return null;
        await em.query('UPDATE hub_fence SET token = ? WHERE name = ?', [Number(row.token), this.name]);
        return Number(row.token);
      });
      if (token == null) return;
      this.token = token;
      this.heldUntil = now + this.ttl;
      this.metrics.takeovers.inc();
      this.metrics.leader.set(1);
      this.logger.info({ token: this.token, holder: this.holder }, 'singleton lease taken: this instance links, judges, delivers and sweeps');
      await this.chain(async () => {
        await Promise.all([...this.gained].map((f) => f(token)));
      });
    } catch (err) {
      // The hub unreachable: a holder that cannot renew stops before its lease runs out.
      this.logger.warn({ err: (err as Error)?.message }, 'singleton lease not renewed or taken this time');
      if (this.token != null && Date.now() >= this.heldUntil) await this.lose();
    }
  }

  /**
   * Runs the lost-lease handlers once per holding, in the chain that orders gain and loss. Lost to
   * another instance (or run out), the token is dropped first: the work's writes are refused anyway.
   * Given up (`whileHeld`, a shutdown), the work stops while its writes still carry the token, and
   * the token is dropped after. A second call while the first runs (a tick failing to renew during
   * a shutdown) waits for it instead of stopping the work again.
   */
  private lose({ whileHeld = false } = {}): Promise<void> {
    if (this.losing) return this.losing;
    if (this.token == null) return Promise.resolve();
    const drop = () => {
      this.token = null;
      this.heldUntil = 0;
      this.metrics.leader.set(0);
    };
    if (!whileHeld) drop();
    this.losing = this.chain(async () => {
      await Promise.all([...this.lost].map((f) => f()));
      if (whileHeld) drop();
    }).finally(() => {
      this.losing = null;
    });
    return this.losing;
  }

  /** Gains and losses run one after another, in the order they happened; one that fails does not stop the next. */
  private chain(step: () => Promise<void>): Promise<void> {
    const run = this.changing.then(step);
    this.changing = run.catch((err) => this.logger.warn({ err: (err as Error)?.message }, 'singleton lease handler failed'));
    return run;
  }

  /** Inside a transaction: the fence row share-locked until it ends, its token must be this instance's. */
  async check(em: EntityManager): Promise<void> {
    const shared = em.connection.options.type === 'mysql' ? ' LOCK IN SHARE MODE' : '';
    const [row] = await em.query(`SELECT token FROM hub_fence WHERE name = ?${shared}`, [this.name]);
    const current = row ? Number(row.token) : null;
    if (this.token == null || current !== this.token) {
      this.metrics.fenced.inc();
      throw new FencedOut(this.token, current);
    }
  }

  /** The leader marks when a link round started and when one finished (the start of the last finished one): followers wait on it. */
  async markRound(phase: 'started' | 'done', startedAt: number): Promise<void> {
    if (this.token == null) return;
    await execute(this.db, `UPDATE hub_lease SET ${phase === 'started' ? 'round_started_at' : 'round_done_at'} = ? WHERE name = ? AND token = ?`, [startedAt, this.name, this.token]);
  }

  /** The start of the holder's last clean link round (epoch ms; 0 before any): how fresh the hub is, seen from any instance. */
  async lastRoundDoneAt(): Promise<number> {
    const [row] = await this.db.query('SELECT round_done_at FROM hub_lease WHERE name = ?', [this.name]);
    return row ? Number(row.round_done_at) : 0;
  }

  /** Resolves once the leader has finished a link round that started after `since` (a follower's fresh round). */
  async roundAfter(since: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await this.db.query('SELECT round_done_at FROM hub_lease WHERE name = ?', [this.name]);
      if (row && Number(row.round_done_at) > since) return;
      if (Date.now() > deadline) throw new Error('no link round finished in time (no instance holds the lease?)');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * The hub database as the singleton work sees it: every write statement, and every transaction,
   * first share-locks the fence row and checks the token. Reads pass straight through.
   */
  fenced(): DataSource {
    const lease = this;
    const target = this.db;
    return new Proxy(target, {
      get(t, prop, receiver) {
        if (prop === 'query')
          return (sql: string, params?: unknown[]) =>
            WRITE.test(sql)
              ? t.transaction(async (em) => {
                  await lease.check(em);
                  return em.query(sql, params);
                })
              : t.query(sql, params);
        if (prop === 'transaction')
          return (...args: any[]) => {
            const work = args[args.length - 1] as (em: EntityManager) => Promise<unknown>;
            const fenced = async (em: EntityManager) => {
              await lease.check(em);
              return work(em);
            };
            return args.length > 1 ? t.transaction(args[0], fenced) : t.transaction(fenced);
          };
        return Reflect.get(t, prop, receiver);
      },
    });
  }
}
