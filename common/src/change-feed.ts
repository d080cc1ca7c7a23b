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
