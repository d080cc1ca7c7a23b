// The daily health report: at 02:00 Asia/Shanghai (REPORT_SCHEDULE, croner) the previous day's
// health and reconciliation are computed, stored (hub_report) and posted as Markdown to a WeCom
// group robot (REPORT_WEBHOOK_URL), with retries, every attempt recorded (hub_report_delivery).
// The report's row is the lock: of several instances (or two hands on runDailyReport) one claims
// the day and makes the report; the others wait for it and return the same one.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Cron } from 'croner';
import type { DataSource } from 'typeorm';
import type { LegacySystem } from '../../../../common/src/legacy.js';
import type { Logger } from '../../../../common/src/logger.js';
import { insertIgnore, placeholders } from '../../../../common/src/db.js';
import { formatFen } from '../../../../common/src/money.js';
import { beijingDate, formatBeijing, parseBeijing } from '../../../../common/src/time.js';
import { backoffMs, retrying } from '../../../../common/src/resilience.js';
import { headline, viewOf, type HealthService, type HealthView } from './service.js';
import { CLASS_LABEL, type ReconTotal, type ReconciliationView } from './reconciliation.js';
import type { DayFigures, HealthScope } from './metrics.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A claim older than this belongs to an instance that died: another may take the day over. */
const LEASE_MS = 10 * 60_000;
/** How long a second caller waits for the report another is making (under the gateway's slow timeout). */
const WAIT_MS = 50_000;
/** Up to 2 s, 4 s, 8 s … before each retry of a delivery, with full jitter. */
const WEBHOOK_BACKOFF = { initialMs: 2000, maxMs: 300_000 };
/** WeCom refuses markdown content over 4096 bytes. */
const WECOM_MAX_BYTES = 4096;

export type ReportState = 'RUNNING' | 'DONE' | 'FAILED';
export type DeliveryState = 'PENDING' | 'DELIVERED' | 'FAILED' | 'SKIPPED';

export interface ReportRecord {
  date: string;
  state: ReportState;
  trigger: 'SCHEDULE' | 'MANUAL';
  startedAt: number;
  finishedAt: number | null;
  asOf: number;
  health: HealthView | null;
  totals: ReconTotal[];
  items: number;
  markdown: string | null;
  deliveryState: DeliveryState;
  error: string | null;
}

export interface DeliveryAttempt {
  date: string;
  attempt: number;
  at: number;
  ok: boolean;
  httpStatus: number | null;
  response: string | null;
  error: string | null;
  millis: number;
}

export interface ReporterOptions {
  webhookUrl: string | undefined;
  attempts: number;
  timeoutMs: number;
  schedule: string;
  logger: Logger;
  /** Waits between delivery attempts (tests pass a short one). */
  backoff?: (attempt: number) => number;
}

/** The instant a day's report is as of: 02:00 the next morning, or now if that is still to come. */
export const reportAsOf = (date: string, now: number) => Math.min(now, parseBeijing(date)! + DAY + 2 * HOUR);

const pct = (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);
const n = (v: number) => v.toLocaleString('en-US');

/** The report as WeCom markdown (its subset: headings, bold, quotes, <font color>), within 4096 bytes. */
export function renderMarkdown(date: string, health: HealthView, recon: { totals: ReconTotal[]; asOf: number }): string {
  const h = headline(health.totals);
  const color = (ok: boolean) => (ok ? 'info' : 'warning');
  const kinds = Object.entries(health.totals.interceptions.byKind).sort((a, b) => b[1] - a[1]);
  const lines = [
    `# 订单健康日报 Order health · ${date}`,
    `> 截至 as of ${formatBeijing(health.scope.asOf).slice(0, 16)}（北京时间）· 下单 ${n(h.orders)} 单 orders placed`,
    '',
    `**准时交付 On-time**: <font color="${color((h.onTimeRate ?? 1) >= 0.95)}">${pct(h.onTimeRate)}</font>（到期 ${n(h.deliveryCount)} 单 due，迟到 ${n(h.late)} late；p50 ${h.latenessP50Hours ?? '—'} h · p90 ${h.latenessP90Hours ?? '—'} h）`,
    `**库存匹配 Inventory match**: <font color="${color((h.inventoryMatchRate ?? 1) >= 0.98)}">${pct(h.inventoryMatchRate)}</font>（${n(h.inventoryLines)} 行 lines）`,
    `**单据一致 Document consistency**: <font color="${color((h.consistencyRate ?? 1) >= 0.95)}">${pct(h.consistencyRate)}</font>（${n(h.consistencyCount)} 单 orders）`,
    `**规则拦截 Interceptions**: ${n(h.intercepted)} 单 orders（${pct(h.interceptionRate)}）${kinds.length ? '：' + kinds.map(([k, c]) => `${k} ${c}`).join('，') : ''}`,
    `**预测满意度 Predicted satisfaction**: <font color="${color((h.satisfaction ?? 5) >= 4)}">${h.satisfaction ?? '—'}</font> / 5（风险 at risk ${n(h.atRisk)} 单）`,
    '',
    '## 对账差异 Reconciliation',
    ...recon.totals.filter((t) => t.count > 0).map((t) => `> ${CLASS_LABEL[t.class].zh} ${CLASS_LABEL[t.class].en}: <font color="warning">${t.count}</font> 笔，¥${formatFen(t.amountFen)}`),
  ];
  if (recon.totals.every((t) => t.count === 0)) lines.push('> 无差异 No differences');
  let text = lines.join('\n');
  while (Buffer.byteLength(text, 'utf8') > WECOM_MAX_BYTES) text = text.slice(0, text.lastIndexOf('\n'));
  return text;
}

const readReport = (r: any): ReportRecord => {
  const health = r.health ? (JSON.parse(r.health) as { scope: HealthScope; days: DayFigures[] }) : null;
  const recon = r.reconciliation ? (JSON.parse(r.reconciliation) as { totals: ReconTotal[]; items: number }) : null;
  return {
    date: r.report_date,
    state: r.state,
    trigger: r.run_trigger,
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at == null ? null : Number(r.finished_at),
    asOf: Number(r.as_of),
    health: health ? viewOf(health.scope, health.days) : null,
    totals: recon?.totals ?? [],
    items: recon?.items ?? 0,
    markdown: r.markdown ?? null,
    deliveryState: r.delivery_state,
    error: r.error ?? null,
  };
};

export class DailyReporter {
  private cron: Cron | null = null;
  private readonly instance = `${hostname()}:${process.pid}`;
  private readonly backoff: (attempt: number) => number;

  constructor(
    private readonly db: DataSource,
    private readonly hub: LegacySystem,
    private readonly health: HealthService,
    private readonly options: ReporterOptions,
  ) {
    this.backoff = options.backoff ?? ((retry) => backoffMs(retry, WEBHOOK_BACKOFF));
  }

  private query(operation: string, sql: string, params: unknown[] = []): Promise<any[]> {
    return this.hub.call(operation, () => this.db.query(sql, params));
  }

  /** Runs the previous day's report on the schedule (Asia/Shanghai); every instance may, one will. */
  start(): void {
    if (this.options.schedule === 'off') return;
    this.cron = new Cron(this.options.schedule, { timezone: 'Asia/Shanghai', protect: true }, async () => {
      const date = beijingDate(Date.now() - DAY);
      try {
        await this.run(date, 'SCHEDULE');
      } catch (err) {
        this.options.logger.error({ err: (err as Error)?.message, date }, 'daily report failed');
      }
    });
  }

  stop(): void {
    this.cron?.stop();
  }

  /** When the scheduler will run next (null when off). */
  nextRun(): Date | null {
    return this.cron?.nextRun() ?? null;
  }

  async get(date: string): Promise<ReportRecord | null> {
    const rows = await this.query('report.get', 'SELECT * FROM hub_report WHERE report_date = ?', [date]);
    return rows.length ? readReport(rows[0]) : null;
  }

  /** Reports of days in [from, to], newest first. */
  async list(from: string | null, to: string | null, limit: number): Promise<ReportRecord[]> {
    const rows = await this.query(
      'report.list',
      `SELECT * FROM hub_report WHERE report_date >= ? AND report_date <= ? ORDER BY report_date DESC LIMIT ${Math.trunc(limit)}`,
      [from ?? '0000-00-00', to ?? '9999-99-99'],
    );
    return rows.map(readReport);
  }

  async deliveries(dates: readonly string[]): Promise<DeliveryAttempt[][]> {
    if (!dates.length) return [];
    const rows = await this.query('report.deliveries', `SELECT * FROM hub_report_delivery WHERE report_date IN (${placeholders(dates.length)}) ORDER BY attempt`, [...dates]);
    return dates.map((d) =>
      rows
        .filter((r) => r.report_date === d)
        .map((r) => ({ date: d, attempt: Number(r.attempt), at: Number(r.at), ok: Number(r.ok) === 1, httpStatus: r.http_status == null ? null : Number(r.http_status), response: r.response, error: r.error, millis: Number(r.millis) })),
    );
  }

  /**
   * Makes the report of `date` once: the first caller claims the day and makes it; a caller that
   * finds it made gets it back (a failed delivery is tried again), one that finds it being made
   * waits for it. `created` says whether this call made it.
   */
  async run(date: string, trigger: 'SCHEDULE' | 'MANUAL', now = Date.now()): Promise<{ report: ReportRecord; created: boolean }> {
    const token = `${this.instance}:${randomUUID()}`;
    const asOf = reportAsOf(date, now);
    await this.hub.call('report.claim', () =>
      insertIgnore(this.db, 'hub_report', [
        { report_date: date, state: 'RUNNING', claimed_by: token, claimed_until: now + LEASE_MS, run_trigger: trigger, started_at: now, as_of: asOf, delivery_state: 'PENDING' },
      ]),
    );
    // A day left RUNNING by an instance that died, or one that failed, may be taken over.
    await this.query(
      'report.takeOver',
      "UPDATE hub_report SET state = 'RUNNING', claimed_by = ?, claimed_until = ?, run_trigger = ?, started_at = ?, as_of = ?, error = NULL, delivery_state = 'PENDING' WHERE report_date = ? AND (state = 'FAILED' OR (state = 'RUNNING' AND claimed_until < ?))",
      [token, now + LEASE_MS, trigger, now, asOf, date, now],
    );
    let current = (await this.get(date))!;
    const mine = (await this.query('report.owner', 'SELECT claimed_by FROM hub_report WHERE report_date = ?', [date]))[0]?.claimed_by === token && current.state === 'RUNNING';
    if (!mine) {
      current = await this.waitFor(date);
      if (current.state === 'DONE' && current.deliveryState === 'FAILED') await this.deliver(date, token);
      return { report: (await this.get(date))!, created: false };
    }
    try {
      const from = parseBeijing(date)!;
      const scope = { from, to: from + DAY, region: null, storeCode: null, asOf };
      // CRM has no change feed: the day's tickets are read again before they are counted.
      await this.health.facts.refreshTickets(scope.from, scope.to, now);
      const [health, recon] = await Promise.all([this.health.health(scope), this.health.reconciler.run(scope.from, scope.to, asOf)]);
      const markdown = renderMarkdown(date, health, recon);
      await this.query(
        'report.done',
        "UPDATE hub_report SET state = 'DONE', finished_at = ?, health = ?, reconciliation = ?, markdown = ?, delivery_state = ? WHERE report_date = ? AND claimed_by = ?",
        [Date.now(), JSON.stringify({ scope: health.scope, days: health.days }), JSON.stringify(summary(recon)), markdown, this.options.webhookUrl ? 'PENDING' : 'SKIPPED', date, token],
      );
      this.options.logger.info({ date, orders: health.totals.orders, differences: recon.items.length }, 'daily report made');
    } catch (err) {
      await this.query('report.failed', "UPDATE hub_report SET state = 'FAILED', finished_at = ?, error = ? WHERE report_date = ? AND claimed_by = ?", [Date.now(), String((err as Error)?.message ?? err).slice(0, 500), date, token]).catch(() => undefined);
      throw err;
    }
    if (this.options.webhookUrl) await this.deliver(date, token);
    return { report: (await this.get(date))!, created: true };
  }

  /** The report once it is no longer being made, or as it stands when `waitMs` is up (still RUNNING). */
  private async waitFor(date: string, waitMs = WAIT_MS): Promise<ReportRecord> {
    const until = Date.now() + waitMs;
    for (;;) {
      const report = (await this.get(date))!;
      if (report.state !== 'RUNNING' || Date.now() >= until) return report;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * Posts the report's Markdown to the webhook until it is taken (HTTP 2xx and WeCom errcode 0) or
   * the attempts run out; each attempt is recorded. Only the holder of the day's delivery claim posts.
   */
  private async deliver(date: string, token: string): Promise<void> {
    const url = this.options.webhookUrl!;
    const now = Date.now();
    await this.query(
      'report.claimDelivery',
      "UPDATE hub_report SET delivery_state = 'PENDING', claimed_by = ?, claimed_until = ? WHERE report_date = ? AND state = 'DONE' AND (claimed_by = ? OR delivery_state = 'FAILED' OR (delivery_state = 'PENDING' AND claimed_until < ?))",
      [token, now + LEASE_MS, date, token, now],
    );
    const row = (await this.query('report.owner', 'SELECT claimed_by, markdown, delivery_state FROM hub_report WHERE report_date = ?', [date]))[0];
    if (row?.claimed_by !== token || row.delivery_state !== 'PENDING') return;
    const body = JSON.stringify({ msgtype: 'markdown', markdown: { content: row.markdown } });
    const done = await this.query('report.attempts', 'SELECT COALESCE(MAX(attempt), 0) AS n FROM hub_report_delivery WHERE report_date = ?', [date]);
    let attempt = Number(done[0].n);
    const delivered = await retrying({ attempts: this.options.attempts, delayMs: this.backoff, retryIf: (ok) => !ok }, async () => {
      attempt++;
      const started = Date.now();
      let ok = false;
      let httpStatus: number | null = null;
      let response: string | null = null;
      let error: string | null = null;
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(this.options.timeoutMs) });
        httpStatus = res.status;
        response = (await res.text()).slice(0, 500);
        let errcode = 0;
        try {
          errcode = Number((JSON.parse(response) as { errcode?: number }).errcode ?? 0);
        } catch {
          // WeCom always answers JSON; a receiver that does not is judged by its status alone.
        }
        ok = res.ok && errcode === 0;
        if (!ok) error = res.ok ? `errcode ${errcode}` : `HTTP ${res.status}`;
      } catch (err) {
        // The URL carries the robot's key: the error is kept without it.
        error = String((err as Error)?.name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : ((err as Error)?.message ?? err)).replace(url, '<webhook>').slice(0, 500);
      }
      await this.hub.call('report.delivery', () =>
        insertIgnore(this.db, 'hub_report_delivery', [{ report_date: date, attempt, at: started, ok: ok ? 1 : 0, http_status: httpStatus, response, error, millis: Date.now() - started }]),
      );
      if (!ok) this.options.logger.warn({ date, attempt, httpStatus, error }, 'daily report not delivered; retrying');
      return ok;
    });
    if (delivered) await this.query('report.delivered', "UPDATE hub_report SET delivery_state = 'DELIVERED' WHERE report_date = ? AND claimed_by = ?", [date, token]);
    else await this.query('report.undelivered', "UPDATE hub_report SET delivery_state = 'FAILED' WHERE report_date = ? AND claimed_by = ?", [date, token]);
  }
}

function summary(recon: ReconciliationView) {
  return { totals: recon.totals, items: recon.items.length };
}
