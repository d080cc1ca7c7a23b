// The change horizon: an instant before which every row change is committed and visible, so that an
// incremental extraction that reads "changed at or after W, before the horizon" and then hands out
// the horizon as the next W never loses a change to a transaction that commits late.
//
// Rows are stamped by the database with SYSDATE(6) as they are written (migration FactStamps), and
// a row written by a transaction is never stamped before that transaction started. MariaDB lists
// every open transaction with its start (INFORMATION_SCHEMA.INNODB_TRX, a cache at most 0.1 s old):
// the horizon is the oldest start among the open transactions of connections to this database,
// rounded down to the second as INNODB_TRX shows it, and never later than one second ago (a
// transaction that began after the cache was filled is not in it yet). A change not yet visible
// now is then stamped at or after the horizon, whatever happens to its transaction later.
//
// Where the open transactions cannot be seen (SQLite, or a database user without the PROCESS
// privilege) the horizon is now less a fixed lag: a bound on how long a hub transaction stays
// open, not a proof — docs/bi.md says so.
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';

export interface Horizon {
  /** Epoch microseconds. */
  (): Promise<number>;
  /** How it was found the last time: 'transactions' (exact) or 'lag'. */
  method(): 'transactions' | 'lag' | 'unknown';
}

/** INNODB_TRX shows trx_started to the second and may be up to 0.1 s stale. */
const CACHE_MARGIN_US = 1_000_000;

export function createHorizon(db: DataSource, options: { lagMs: number; logger: Logger }): Horizon {
  const mysql = db.options.type === 'mysql';
  let method: 'transactions' | 'lag' | 'unknown' = 'unknown';
  let warned = false;
  const horizon = async (): Promise<number> => {
    if (!mysql) {
      method = 'lag';
      return Date.now() * 1000 - options.lagMs * 1000;
    }
    try {
      const [row] = await db.query(
        `SELECT CAST(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 AS SIGNED) AS now_us,
                (SELECT CAST(MIN(UNIX_TIMESTAMP(t.trx_started)) * 1000000 AS SIGNED)
                   FROM information_schema.INNODB_TRX t
                   JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
                  WHERE p.DB = DATABASE() AND t.trx_mysql_thread_id <> CONNECTION_ID()) AS oldest_us`,
      );
      method = 'transactions';
      const now = Number(row.now_us) - CACHE_MARGIN_US;
      return row.oldest_us == null ? now : Math.min(now, Number(row.oldest_us));
    } catch (err) {
      // Without the PROCESS privilege INNODB_TRX cannot be read: fall back to the lag, and say so once.
      if (!warned) options.logger.warn({ err: (err as Error)?.message }, 'open transactions are not visible (PROCESS privilege?): incremental extraction falls back to FACTS_COMMIT_LAG_MS');
      warned = true;
      method = 'lag';
      const [row] = await db.query('SELECT CAST(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 AS SIGNED) AS now_us');
      return Number(row.now_us) - options.lagMs * 1000;
    }
  };
  return Object.assign(horizon, { method: () => method });
}
