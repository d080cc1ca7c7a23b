// The change horizon: an instant before which every row change is committed and visible, so that an
// incremental extraction that reads "changed at or after W, before the horizon" and then hands out
// the horizon as the next W never loses a change to a transaction that commits late.
//
// Rows are stamped by the database with SYSDATE(6) as they are written (migration FactStamps), and
// a row written by a transaction is never stamped before that transaction started. MariaDB lists
// every open transaction with its start (INFORMATION_SCHEMA.INNODB_TRX): the horizon is the oldest
// start among the open transactions of connections to this database, rounded down to the second as
// INNODB_TRX shows it, and never later than one second before the moment the horizon was asked for.
// INNODB_TRX is a cache that InnoDB fills again only when nobody has read it for 0.1 s — readers
// every few tens of milliseconds (several BI clients) keep an old copy alive indefinitely, blind to
// every transaction begun since. So the horizon opens a transaction of its own first and trusts the
// list only once it shows that transaction running the very statement that reads the list: the copy
// was then filled after the horizon's moment, and
// every transaction still open that began before it is in it. A change not yet visible now is then
// stamped at or after the horizon, whatever happens to its transaction later.
//
// Where the open transactions cannot be seen (SQLite, or a database user without the PROCESS
// privilege) the horizon is now less a fixed lag: a bound on how long a hub transaction stays
// open, not a proof — docs/bi.md says so.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { nowMicrosSql } from '../db.js';
import type { Logger } from '../logger.js';

export interface Horizon {
  /** Epoch microseconds. */
  (): Promise<number>;
  /** How it was found the last time: 'transactions' (exact) or 'lag'. */
  method(): 'transactions' | 'lag' | 'unknown';
}

/** INNODB_TRX shows trx_started to the second. */
const CACHE_MARGIN_US = 1_000_000;
/** InnoDB fills the INNODB_TRX copy again once it has not been read for 0.1 s. */
const CACHE_IDLE_MS = 110;
const CACHE_TRIES = 5;
/** How long an answered horizon serves further askers: just past InnoDB's 0.1 s, so freshness barely moves. */
const REUSE_MS = 150;

export function createHorizon(db: DataSource, options: { lagMs: number; logger: Logger }): Horizon {
  const mysql = db.options.type === 'mysql';
  let method: 'transactions' | 'lag' | 'unknown' = 'unknown';
  let warned = false;
  const lag = async (): Promise<number> => {
    method = 'lag';
    // SQLite stamps with this host's clock; MariaDB with its own.
    const now = mysql ? Number((await db.query(`SELECT ${nowMicrosSql(db)} AS now_us`))[0].now_us) : Date.now() * 1000;
    return now - options.lagMs * 1000;
  };
  /** The oldest open transaction's start from a copy of INNODB_TRX filled after `asked`, or undefined if none came. */
  const fromFreshList = async (): Promise<{ asked: number; oldest: number | null } | undefined> => {
    const runner = db.createQueryRunner();
    try {
      await runner.connect();
      const [start] = await runner.query(`SELECT ${nowMicrosSql(db)} AS now_us`);
      await runner.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
      for (let attempt = 0; attempt < CACHE_TRIES; attempt++) {
        // Our own row with this very statement as its query: a copy filled while the statement ran (an
        // old copy can hold this pooled connection's earlier transaction under the same thread id).
        const token = `horizon ${randomUUID()}`;
        const [row] = await runner.query(
          `SELECT /* ${token} */ MAX(t.trx_mysql_thread_id = CONNECTION_ID() AND t.trx_query LIKE '%${token}%') AS self_seen,
                  CAST(MIN(CASE WHEN t.trx_mysql_thread_id <> CONNECTION_ID() AND p.DB = DATABASE() THEN UNIX_TIMESTAMP(t.trx_started) END) * 1000000 AS SIGNED) AS oldest_us
             FROM information_schema.INNODB_TRX t
             LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id`,
        );
        if (Number(row?.self_seen) === 1) return { asked: Number(start.now_us), oldest: row.oldest_us == null ? null : Number(row.oldest_us) };
        await new Promise((resolve) => setTimeout(resolve, CACHE_IDLE_MS));
      }
      return undefined;
    } finally {
      await runner.query('COMMIT').catch(() => undefined);
      await runner.release();
    }
  };
  // A horizon stays a true one as time passes (what was visible then is visible now), only less fresh:
  // asked for again within REUSE_MS — extractions of several fact sets in a row — the last one answers,
  // instead of each waiting 0.1 s for InnoDB to refill the copy the previous one just read.
  let last: { at: number; value: Promise<number> } | null = null;
  const horizon = (): Promise<number> => {
    if (!mysql) return compute();
    if (last && performance.now() - last.at < REUSE_MS) return last.value;
    const value = compute();
    last = { at: performance.now(), value };
    value.catch(() => (last = null));
    return value;
  };
  const compute = async (): Promise<number> => {
    if (!mysql) return lag();
    try {
      const list = await fromFreshList();
      if (!list) {
        // Read so often by others that no fresh copy came: the lag is the bound this time.
        options.logger.warn({ tries: CACHE_TRIES }, 'INNODB_TRX not refreshed while asked: this extraction mark falls back to FACTS_COMMIT_LAG_MS');
        return lag();
      }
      method = 'transactions';
      const now = list.asked - CACHE_MARGIN_US;
      return list.oldest == null ? now : Math.min(now, list.oldest);
    } catch (err) {
      // Without the PROCESS privilege INNODB_TRX cannot be read: fall back to the lag, and say so once.
      if (!warned) options.logger.warn({ err: (err as Error)?.message }, 'open transactions are not visible (PROCESS privilege?): incremental extraction falls back to FACTS_COMMIT_LAG_MS');
      warned = true;
      return lag();
    }
  };
  return Object.assign(horizon, { method: () => method });
}
