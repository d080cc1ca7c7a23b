// The completeness sweep: compares each legacy system's documents with what the hub holds, by keys
// and versions rather than by modify time, so that a row the feeds could not see — committed later
// than the late-commit horizon, written with a clock far behind, or deleted — is found, repaired and
// counted instead of lost in silence.
//
// Per system and day (order date in ERP, creation day in WMS), first one grouped query on each side
// gives how many rows and the sum of their modify times; only the days whose digests differ are
// compared key by key. A day of 2,600 orders costs one small grouped query when nothing differs,
// and the cost follows the window, not the size of the tables. TMS's API cannot list waybills by
// day: the hub's own waybills of the window are asked for by number (deleted or changed there);
// a waybill the feed never saw beyond the horizon is out of the sweep's reach (see docs).
//
// What it finds is recorded (`hub_sync_repair`) and counted in /metrics; the linker of whichever
// instance holds the lease takes unapplied findings at the start of each round and handles them like
// anything a feed says. Any instance may sweep (ops' runSyncSweep); the periodic sweeps run on the
// lease holder.
import type { DataSource } from 'typeorm';
import { Cron } from 'croner';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../../../common/src/logger.js';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import { insertReturningId, insertRows, placeholders } from '../../../../common/src/db.js';
import { secondsSql, type DayDigest, type DocumentVersion } from '../../../../common/src/change-feed.js';
import { beijingDate, parseBeijing } from '../../../../common/src/time.js';
import type { ErpDatasource } from '#adapters/erp';
import type { WmsDatasource } from '#adapters/wms';
import type { TmsDatasource } from '#adapters/tms';
import { shiftDate } from './records.js';
import { tmsModifiedAt, type FeedSource } from './feeds.js';
import { Repeater } from '../../../../common/src/repeater.js';

export type SweepTrigger = 'PERIODIC' | 'DAILY' | 'MANUAL';
/** MISSING: in the legacy system, not in the hub. STALE: the hub read an older version. DELETED: in the hub, gone from the legacy system. */
export type RepairKind = 'MISSING' | 'STALE' | 'DELETED';

export interface SweepOptions {
  /** Every this many ms over the last `windowDays` days (SYNC_SWEEP_EVERY_MS; 0: never). */
  everyMs: number;
  windowDays: number;
  /** Cron (Asia/Shanghai) for the whole previous day, before the daily report (SYNC_SWEEP_DAILY). */
  daily: string;
}

export interface SweepResult {
  id: number;
  trigger: SweepTrigger;
  dayFrom: string;
  dayTo: string;
  daysCompared: number;
  daysDiffering: number;
  keysCompared: number;
  repairs: { system: FeedSource; documentNo: string; kind: RepairKind; legacyVersion: string | null; hubVersion: string | null }[];
  /**
   * Per system: documents the sweep covered (ERP, WMS: the legacy rows of the window, in the day digests;
   * TMS: the hub's waybills of the window, asked for by number), keys compared one by one, repairs found.
   */
  bySystem: Record<FeedSource, { documents: number; keysCompared: number; repairs: number }>;
  failedSystems: FeedSource[];
  millis: number;
}

/** How many TMS waybills one batchQuery asks for. */
const TMS_BATCH = 200;

class SweepMetrics {
  readonly repairs: Counter<'system' | 'kind'>;
  readonly runs: Counter<'trigger' | 'outcome'>;
  readonly keys: Counter<'system'>;
  readonly lastSeconds: Gauge<'trigger'>;
  constructor(registry: Registry) {
    this.repairs = new Counter({
      name: 'sync_sweep_repairs_total',
      help: 'Documents the completeness sweep found the hub had wrong, by system and kind (MISSING: never read; STALE: an older version read; DELETED: gone from the legacy system)',
      labelNames: ['system', 'kind'],
      registers: [registry],
    });
    this.runs = new Counter({ name: 'sync_sweep_runs_total', help: 'Completeness sweeps run, by trigger and outcome', labelNames: ['trigger', 'outcome'], registers: [registry] });
    this.keys = new Counter({ name: 'sync_sweep_keys_compared_total', help: 'Keys the completeness sweep compared one by one (only on days whose digests differed), by system', labelNames: ['system'], registers: [registry] });
    this.lastSeconds = new Gauge({ name: 'sync_sweep_last_duration_seconds', help: 'How long the last completeness sweep took, by trigger', labelNames: ['trigger'], registers: [registry] });
  }
}

export class CompletenessSweep {
  /** The window sweep every everyMs, the first one everyMs after start. */
  private readonly periodic = new Repeater(() => this.run('PERIODIC'), {
    delayMs: () => this.options.everyMs,
    onError: (err) => this.logger.warn({ err: (err as Error)?.message }, 'completeness sweep failed; next one retries'),
  });
  private cron: Cron | null = null;
  private running: Promise<SweepResult> | null = null;
  private readonly metrics: SweepMetrics;
  /** Where each feed has read to (Beijing text): rows modified later are the feed's to read, not missing. */
  positions: (source: FeedSource) => Promise<string>;

  constructor(
    private readonly hub: DataSource,
    private readonly hubSystem: LegacySystem,
    private readonly sources: { erp: ErpDatasource; wms: WmsDatasource; tms: TmsDatasource },
    registry: Registry,
    private readonly logger: Logger,
    private readonly options: SweepOptions,
  ) {
    this.metrics = new SweepMetrics(registry);
    this.positions = async (source) => {
      const rows = await this.query('cursor.get', 'SELECT position FROM hub_sync_cursor WHERE source = ?', [source]);
      return rows.length ? JSON.parse(rows[0].position).modifiedAt : '1970-01-01 00:00:00';
    };
  }

  private query(operation: string, sql: string, params: unknown[] = []): Promise<any[]> {
    return this.hubSystem.call(operation, () => this.hub.query(sql, params));
  }

  start(): void {
    if (this.options.everyMs > 0) {
      this.periodic.start(this.options.everyMs);
    }
    if (this.options.daily !== 'off')
      this.cron = new Cron(this.options.daily, { timezone: 'Asia/Shanghai', protect: true }, async () => {
      await this.run('DAILY').catch((err) => this.logger.warn({ err: (err as Error)?.message }, 'daily completeness sweep failed'));
    });
  }

  async stop(): Promise<void> {
    await this.periodic.stop();
    this.cron?.stop();
    this.cron = null;
    await this.running?.catch(() => undefined);
  }

  /**
   * One sweep over [dayFrom, dayTo] (Beijing order days, both included): PERIODIC over the last
   * `windowDays` days, DAILY over yesterday. Sweeps never overlap: a second caller waits for the one in flight.
   */
  async run(trigger: SweepTrigger, days?: { from: string; to: string }, now = Date.now()): Promise<SweepResult> {
    while (this.running) await this.running.catch(() => undefined);
    const today = beijingDate(now);
    const window =
      days ?? (trigger === 'DAILY' ? { from: shiftDate(today, -1), to: shiftDate(today, -1) } : { from: shiftDate(today, -(this.options.windowDays - 1)), to: today });
    this.running = this.sweep(trigger, window.from, window.to).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sweep(trigger: SweepTrigger, dayFrom: string, dayTo: string): Promise<SweepResult> {
    const started = Date.now();
    const id = await this.hubSystem.call(
      'sweep.insert',
      () => this.hub.transaction((em) => insertReturningId(em, 'hub_sync_sweep', { trigger_kind: trigger, day_from: dayFrom, day_to: dayTo, started_at: started })),
      { idempotent: false },
    );
    const none = () => ({ documents: 0, keysCompared: 0, repairs: 0 });
    const result: SweepResult = {
      id,
      trigger,
      dayFrom,
      dayTo,
      daysCompared: 0,
      daysDiffering: 0,
      keysCompared: 0,
      repairs: [],
      bySystem: { erp: none(), wms: none(), tms: none() },
      failedSystems: [],
      millis: 0,
    };
    const end = shiftDate(dayTo, 1);
    for (const source of ['erp', 'wms', 'tms'] as const) {
      try {
        const found = source === 'tms' ? await this.sweepTms(dayFrom, end, result) : await this.sweepByDay(source, dayFrom, end, result);
        result.repairs.push(...found.map((f) => ({ ...f, system: source })));
        result.bySystem[source].repairs = found.length;
      } catch (err) {
        result.failedSystems.push(source);
        this.logger.warn({ system: source, err: (err as Error)?.message }, 'completeness sweep could not compare this system');
      }
    }
    result.millis = Date.now() - started;
    await this.record(result);
    for (const r of result.repairs) this.metrics.repairs.inc({ system: r.system, kind: r.kind });
    this.metrics.runs.inc({ trigger, outcome: result.failedSystems.length ? 'partial' : 'complete' });
    this.metrics.lastSeconds.set({ trigger }, result.millis / 1000);
    if (result.repairs.length) this.logger.warn({ trigger, dayFrom, dayTo, repaired: result.repairs.length }, 'completeness sweep repaired documents the feeds had missed');
    return result;
  }

  /** ERP and WMS: digests per day on both sides, then keys for the days that differ. */
  private async sweepByDay(source: 'erp' | 'wms', dayFrom: string, dayTo: string, result: SweepResult) {
    const legacy: DayDigest[] = source === 'erp' ? await this.sources.erp.orderDigestsByDay(dayFrom, dayTo) : await this.sources.wms.outboundDigestsByDay(dayFrom, dayTo);
    const hub = await this.hubDigests(source, dayFrom, dayTo);
    const days = new Set([...legacy.map((d) => d.day), ...hub.keys()]);
    result.daysCompared += days.size;
    result.bySystem[source].documents += legacy.reduce((n, d) => n + d.rows, 0);
    const legacyByDay = new Map(legacy.map((d) => [d.day, d]));
    const differing = [...days].filter((day) => {
      const l = legacyByDay.get(day);
      const h = hub.get(day);
      return !l || !h || l.rows !== h.rows || l.seconds !== h.seconds;
    });
    result.daysDiffering += differing.length;
    const found: { documentNo: string; kind: RepairKind; legacyVersion: string | null; hubVersion: string | null }[] = [];
    if (!differing.length) return found;
    const position = await this.positions(source);
    for (const day of differing.sort()) {
      const next = shiftDate(day, 1);
      const versions: DocumentVersion[] = source === 'erp' ? await this.sources.erp.orderVersionsByDay(day, next) : await this.sources.wms.outboundVersionsByDay(day, next);
      const held = await this.hubVersionsOfDay(source, day);
      result.keysCompared += versions.length + held.size;
      result.bySystem[source].keysCompared += versions.length + held.size;
      this.metrics.keys.inc({ system: source }, versions.length + held.size);
      const inLegacy = new Set<string>();
      for (const v of versions) {
        inLegacy.add(v.key);
        // Modified after the feed's position: the feed reads it next, nothing was missed.
        if (v.modifiedAt > position) continue;
        if (!held.has(v.key)) found.push({ documentNo: v.key, kind: 'MISSING', legacyVersion: v.modifiedAt, hubVersion: null });
        else {
          const mine = held.get(v.key)!;
          // The hub ahead of this listing means the feed read a newer version meanwhile.
          if (mine == null || mine < v.modifiedAt) found.push({ documentNo: v.key, kind: 'STALE', legacyVersion: v.modifiedAt, hubVersion: mine });
        }
      }
      for (const [key, mine] of held) if (!inLegacy.has(key)) found.push({ documentNo: key, kind: 'DELETED', legacyVersion: null, hubVersion: mine });
    }
    return found;
  }

  /** TMS: the hub's waybills of the window, asked for by number. */
  private async sweepTms(dayFrom: string, dayTo: string, result: SweepResult) {
    const held = new Map<string, string | null>(
      (await this.query('sweep.tmsHeld', "SELECT document_no AS k, src_modified AS v FROM hub_document WHERE system = 'TMS' AND doc_date >= ? AND doc_date < ?", [dayFrom, dayTo])).map((r) => [
        r.k as string,
        (r.v as string | null) ?? null,
      ]),
    );
    result.keysCompared += held.size;
    result.bySystem.tms.documents += held.size;
    result.bySystem.tms.keysCompared += held.size;
    this.metrics.keys.inc({ system: 'tms' }, held.size);
    const found: { documentNo: string; kind: RepairKind; legacyVersion: string | null; hubVersion: string | null }[] = [];
    const keys = [...held.keys()];
    for (let i = 0; i < keys.length; i += TMS_BATCH) {
      const chunk = keys.slice(i, i + TMS_BATCH);
      const waybills = await this.sources.tms.waybillsByNo(chunk);
      chunk.forEach((no, k) => {
        const w = waybills[k];
        const mine = held.get(no) ?? null;
        if (!w) found.push({ documentNo: no, kind: 'DELETED', legacyVersion: null, hubVersion: mine });
        else {
          const theirs = tmsModifiedAt(w);
          if (mine == null || mine < theirs) found.push({ documentNo: no, kind: 'STALE', legacyVersion: theirs, hubVersion: mine });
        }
      });
    }
    return found;
  }

  private async hubDigests(source: 'erp' | 'wms', dayFrom: string, dayTo: string): Promise<Map<string, DayDigest>> {
    const seconds = secondsSql(this.hub.options.type, 'src_modified');
    const rows =
      source === 'erp'
        ? await this.query(
            'sweep.hubDigests',
            `SELECT order_date AS day, COUNT(*) AS n, SUM(${seconds}) AS s FROM hub_order WHERE ordered_at >= ? AND ordered_at < ? AND src_deleted_at IS NULL GROUP BY order_date`,
            [parseBeijing(`${dayFrom} 00:00:00`), parseBeijing(`${dayTo} 00:00:00`)],
          )
        : await this.query(
            'sweep.hubDigests',
            `SELECT doc_date AS day, COUNT(*) AS n, SUM(${seconds}) AS s FROM hub_document WHERE system = 'WMS' AND doc_date >= ? AND doc_date < ? GROUP BY doc_date`,
            [dayFrom, dayTo],
          );
    // A NULL version (read before versions were kept) makes the sum differ: that day is compared key by key.
    return new Map(rows.map((r) => [String(r.day), { day: String(r.day), rows: Number(r.n), seconds: r.s == null ? -1 : Number(r.s) }]));
  }

  private async hubVersionsOfDay(source: 'erp' | 'wms', day: string): Promise<Map<string, string | null>> {
    const rows =
      source === 'erp'
        ? await this.query(
            'sweep.hubVersions',
            'SELECT erp_order_no AS k, src_modified AS v FROM hub_order WHERE ordered_at >= ? AND ordered_at < ? AND src_deleted_at IS NULL',
            [parseBeijing(`${day} 00:00:00`), parseBeijing(`${shiftDate(day, 1)} 00:00:00`)],
          )
        : await this.query('sweep.hubVersions', "SELECT document_no AS k, src_modified AS v FROM hub_document WHERE system = 'WMS' AND doc_date = ?", [day]);
    return new Map(rows.map((r) => [r.k as string, (r.v as string | null) ?? null]));
  }

  private async record(result: SweepResult): Promise<void> {
    await this.hubSystem.call(
      'sweep.record',
      () =>
        this.hub.transaction(async (em) => {
          await em.query(
            'UPDATE hub_sync_sweep SET finished_at = ?, days_compared = ?, days_differing = ?, keys_compared = ?, repaired = ?, failed_systems = ? WHERE id = ?',
            [Date.now(), result.daysCompared, result.daysDiffering, result.keysCompared, result.repairs.length, result.failedSystems.join(',') || null, result.id],
          );
          const foundAt = Date.now();
          await insertRows(
            em,
            'hub_sync_repair',
            result.repairs.map((r) => ({ sweep_id: result.id, system: r.system.toUpperCase(), document_no: r.documentNo, kind: r.kind, legacy_version: r.legacyVersion, hub_version: r.hubVersion, found_at: foundAt })),
          );
        }),
      { idempotent: false },
    );
  }

  /** Resolves once the lease holder's linker has handled every finding of this sweep (or after `timeoutMs`: false). */
  async applied(sweepId: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [{ n }] = await this.query('sweep.unapplied', 'SELECT COUNT(*) AS n FROM hub_sync_repair WHERE sweep_id = ? AND applied_at IS NULL', [sweepId]);
      if (Number(n) === 0) return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The latest sweeps, newest first, with what each repaired (at most `repairsEach`). */
  async latest(first: number, repairsEach: number) {
    const sweeps = await this.query('sweep.latest', 'SELECT * FROM hub_sync_sweep ORDER BY started_at DESC, id DESC LIMIT ?', [first]);
    const ids = sweeps.map((s) => Number(s.id));
    const repairs = ids.length
      ? await this.query('sweep.repairs', `SELECT * FROM hub_sync_repair WHERE sweep_id IN (${placeholders(ids.length)}) ORDER BY sweep_id, id`, ids)
      : [];
    return sweeps.map((s) => ({
      id: Number(s.id),
      trigger: s.trigger_kind as SweepTrigger,
      dayFrom: s.day_from as string,
      dayTo: s.day_to as string,
      startedAt: Number(s.started_at),
      finishedAt: s.finished_at == null ? null : Number(s.finished_at),
      daysCompared: Number(s.days_compared),
      daysDiffering: Number(s.days_differing),
      keysCompared: Number(s.keys_compared),
      repaired: Number(s.repaired),
      failedSystems: s.failed_systems ? String(s.failed_systems).split(',') : [],
      repairs: repairs
        .filter((r) => Number(r.sweep_id) === Number(s.id))
        .slice(0, repairsEach)
        .map((r) => ({
          system: r.system as string,
          documentNo: r.document_no as string,
          kind: r.kind as RepairKind,
          legacyVersion: r.legacy_version ?? null,
          hubVersion: r.hub_version ?? null,
          foundAt: Number(r.found_at),
          appliedAt: r.applied_at == null ? null : Number(r.applied_at),
        })),
    }));
  }
}
