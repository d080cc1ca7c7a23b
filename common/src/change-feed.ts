/** Keyset position in a legacy table's change feed: (modify time as Beijing text, row id). */
export interface ChangeCursor {
  modifiedAt: string;
  /** Row id, or for feeds keyed by document number (TMS) that number. */
  rowId: number | string;
}

export interface ChangePage<T> {
  items: T[];
  next: ChangeCursor;
}

export const FEED_START: ChangeCursor = { modifiedAt: '1970-01-01 00:00:00', rowId: 0 };

/** A legacy row's key and modify time (Beijing text, to the second): enough to tell whether the hub has read this version of it. */
export interface DocumentVersion {
  key: string;
  modifiedAt: string;
}

/** One day of a table as the completeness sweep compares it: how many rows, and the sum of their modify times in seconds. */
export interface DayDigest {
  day: string;
  rows: number;
  seconds: number;
}

/**
 * SQL for a DATETIME (or its text) as whole seconds from year 0, the same on MariaDB (TO_SECONDS)
 * and SQLite, whatever the session's time zone: digests of two databases compare equal.
 */
export function secondsSql(dialect: string, column: string): string {
  return dialect === 'mysql' ? `TO_SECONDS(${column})` : `(CAST(strftime('%s', ${column}) AS INTEGER) + 62167219200)`;
}
