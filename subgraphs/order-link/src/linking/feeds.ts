// The change feeds the linker reads, one per legacy system, behind one small interface: the linker
// asks a feed where to start, reads pages to the end and asks it for rows committed late. Polling by
// modify time is what the legacy systems allow today; a change-data-capture reader (MariaDB binlog
// row events, where the legacy database grants replication) would implement the same interface for
// its system — its position a binlog file and offset, and no late rows at all, since a log is read
// in commit order — and the linker would not change.
import type { DataSource } from 'typeorm';
import { Counter, type Registry } from 'prom-client';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import { placeholders } from '../../../../common/src/db.js';
import { FEED_START, type ChangeCursor, type ChangePage, type DocumentVersion } from '../../../../common/src/change-feed.js';
import { formatBeijing, parseBeijing } from '../../../../common/src/time.js';
import type { ErpDatasource, SyncedSalesOrder } from '#adapters/erp';
import type { SyncedOutbound, WmsDatasource } from '#adapters/wms';
import type { TmsDatasource, Waybill } from '#adapters/tms';

export type FeedSource = 'erp' | 'wms' | 'tms';

export interface ChangeFeed<T> {
  /** Its position's name in hub_sync_cursor. */
  readonly source: FeedSource;
  /** Where a round reads from, given the saved position (a polling feed steps back a little: rows of the same second). */
  startAt(saved: ChangeCursor): ChangeCursor;
  /** Changes after `from`, oldest first, at most `limit` (fewer does not mean drained: only an empty page does). */
  read(from: ChangeCursor, limit: number): Promise<ChangePage<T>>;
  /**
   * Rows at or before the saved position in a version the hub has not read: a transaction that
   * committed after the feed had passed its modify time. Called every round; a feed decides how
   * often it looks and how far back. A feed read in commit order has none.
   */
  late?(saved: ChangeCursor): Promise<T[]>;
  /** These documents as the feed gives them, by key (what the sweep found missing or changed); unknown keys are left out. */
  documents(keys: string[]): Promise<T[]>;
}

export interface LinkerFeeds {
  erp: ChangeFeed<SyncedSalesOrder>;
  wms: ChangeFeed<SyncedOutbound>;
  tms: ChangeFeed<Waybill>;
}

export interface FeedOptions {
  /** Re-read this much behind the saved position every round: rows of the same second and clocks a little apart. */
  overlapMs: number;
  /** How much older than what the hub has read a row may be when it becomes visible and still be read (SYNC_LATE_COMMIT_MS). */
  lateCommitMs: number;
  /** Look for late rows every this many rounds (SYNC_LATE_EVERY_ROUNDS). */
  lateEveryRounds: number;
}

/** What the feeds count in /metrics: rows read by each lane, and late rows caught. */
export class FeedMetrics {
  readonly rows: Counter<'source' | 'lane'>;
  readonly late: Counter<'source'>;
  constructor(registry: Registry) {
    this.rows = new Counter({
      name: 'sync_rows_read_total',
      help: 'Rows order-link read from the legacy change feeds, by feed and lane (feed: new changes; late: versions re-read behind the position to catch late commits)',
      labelNames: ['source', 'lane'],
      registers: [registry],
    });
    this.late = new Counter({
      name: 'sync_late_rows_total',
      help: 'Rows found behind the feed position in a version the hub had not read (committed late), by feed',
      labelNames: ['source'],
      registers: [registry],
    });
  }
}

/** The version of each key the hub holds (null: known, version never recorded; absent: unknown). */
export type HubVersions = (source: FeedSource, keys: string[]) => Promise<Map<string, string | null>>;

/** Reads the hub's recorded legacy modify times: hub_order for ERP, hub_document for WMS and TMS. */
export function hubVersions(hub: DataSource, hubSystem: LegacySystem): HubVersions {
  return async (source, keys) => {
    const found = new Map<string, string | null>();
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      const rows: any[] = await hubSystem.call('sync.versions', () =>
        source === 'erp'
          ? hub.query(`SELECT erp_order_no AS k, src_modified AS v FROM hub_order WHERE erp_order_no IN (${placeholders(chunk.length)})`, chunk)
          : hub.query(`SELECT document_no AS k, src_modified AS v FROM hub_document WHERE system = ? AND document_no IN (${placeholders(chunk.length)})`, [source.toUpperCase(), ...chunk]),
      );
      for (const r of rows) found.set(r.k, r.v ?? null);
    }
    return found;
  };
}

const stepBack = (cursor: ChangeCursor, ms: number): ChangeCursor =>
  cursor === FEED_START || cursor.modifiedAt === FEED_START.modifiedAt
    ? FEED_START
    : { modifiedAt: formatBeijing(Math.max(0, parseBeijing(cursor.modifiedAt)! - ms)), rowId: 0 };

/**
 * A feed polled by (modify time, row id). Late rows are looked for every `lateEveryRounds` rounds
 * over [position − lateCommitMs, position]: by versions alone (key and modify time, no lines) where
 * the system can list them, fetching in full only the rows whose version the hub has not read.
 */
export class PollingFeed<T> implements ChangeFeed<T> {
  private rounds = 0;

  constructor(
    readonly source: FeedSource,
    private readonly options: FeedOptions,
    private readonly system: {
      changesSince(from: ChangeCursor, limit: number): Promise<ChangePage<T>>;
      /** Versions of rows modified within [from, to]; absent: late rows are found by reading the changes themselves again. */
      versionsModifiedBetween?(from: string, to: string): Promise<DocumentVersion[]>;
      documents(keys: string[]): Promise<T[]>;
      version(item: T): { key: string; modifiedAt: string };
    },
    private readonly known: HubVersions,
    private readonly metrics: FeedMetrics,
    private readonly batchSize: number,
  ) {}

  startAt(saved: ChangeCursor): ChangeCursor {
    return stepBack(saved, this.options.overlapMs);
  }

  async read(from: ChangeCursor, limit: number): Promise<ChangePage<T>> {
    const page = await this.system.changesSince(from, limit);
    this.metrics.rows.inc({ source: this.source, lane: 'feed' }, page.items.length);
    return page;
  }

  async late(saved: ChangeCursor): Promise<T[]> {
    if (this.options.lateCommitMs <= 0 || saved.modifiedAt === FEED_START.modifiedAt) return [];
    if (this.rounds++ % Math.max(1, this.options.lateEveryRounds) !== 0) return [];
    const from = stepBack(saved, this.options.lateCommitMs);
    let versions: DocumentVersion[];
    let fetched: T[] | null = null;
    if (this.system.versionsModifiedBetween) {
      versions = await this.system.versionsModifiedBetween(from.modifiedAt, saved.modifiedAt);
    } else {
      // No list of versions: the changes behind the position are read again, whole.
      fetched = [];
      for (let cursor = from; ; ) {
        const page = await this.system.changesSince(cursor, this.batchSize);
        const behind = page.items.filter((i) => this.system.version(i).modifiedAt <= saved.modifiedAt);
        fetched.push(...behind);
        if (page.items.length === 0 || behind.length < page.items.length) break;
        cursor = page.next;
      }
      versions = fetched.map((i) => this.system.version(i));
    }
    this.metrics.rows.inc({ source: this.source, lane: 'late' }, versions.length);
    if (!versions.length) return [];
    const hub = await this.known(this.source, versions.map((v) => v.key));
    const unread = new Set(versions.filter((v) => hub.get(v.key) !== v.modifiedAt).map((v) => v.key));
    if (!unread.size) return [];
    this.metrics.late.inc({ source: this.source }, unread.size);
    return fetched ? fetched.filter((i) => unread.has(this.system.version(i).key)) : this.system.documents([...unread]);
  }

  documents(keys: string[]): Promise<T[]> {
    return this.system.documents(keys);
  }
}

/** The three polled feeds over the adapters' datasources. */
export function pollingFeeds(
  sources: { erp: ErpDatasource; wms: WmsDatasource; tms: TmsDatasource },
  known: HubVersions,
  metrics: FeedMetrics,
  options: FeedOptions & { batchSize: number },
): LinkerFeeds {
  const { erp, wms, tms } = sources;
  return {
    erp: new PollingFeed<SyncedSalesOrder>(
      'erp',
      options,
      {
        changesSince: (c, n) => erp.ordersChangedSince(c, n),
        versionsModifiedBetween: (from, to) => erp.orderVersionsModifiedBetween(from, to),
        documents: (keys) => erp.ordersForSync(keys),
        version: (o) => ({ key: o.erpOrderNo, modifiedAt: o.modifiedAt }),
      },
      known,
      metrics,
      options.batchSize,
    ),
    wms: new PollingFeed<SyncedOutbound>(
      'wms',
      options,
      {
        changesSince: (c, n) => wms.outboundsChangedSince(c, n),
        versionsModifiedBetween: (from, to) => wms.outboundVersionsModifiedBetween(from, to),
        documents: (keys) => wms.outboundsForSync(keys),
        version: (o) => ({ key: o.outboundNo, modifiedAt: o.modifiedAt }),
      },
      known,
      metrics,
      options.batchSize,
    ),
    // TMS's API lists changes but not versions: its late lane reads the changes behind the position again.
    tms: new PollingFeed<Waybill>(
      'tms',
      options,
      {
        changesSince: async (c, n) => {
          const page = await tms.waybillsChangedSince(c.modifiedAt, c.rowId === 0 ? '' : String(c.rowId), n);
          return { items: page.items, next: { modifiedAt: page.nextSince, rowId: page.nextAfterNo } };
        },
        documents: async (keys) => (keys.length ? await tms.waybillsByNo(keys) : []).filter((w): w is Waybill => w != null),
        version: (w) => ({ key: w.waybillNo, modifiedAt: tmsModifiedAt(w) }),
      },
      known,
      metrics,
      options.batchSize,
    ),
  };
}

/** A waybill's TMS updateTime as Beijing text, the form the hub records versions in. */
export const tmsModifiedAt = (w: Waybill): string => formatBeijing(Date.parse(w.updatedAt));
