// Runs repair jobs in the background: reading an uploaded file into proposed changes (streamed,
// batch by batch, with progress), applying the accepted ones to ERP in batches, and undoing them.
// Each step holds the job's lease, renewed per batch, so one runner works a job at a time however
// many order-link instances share the hub; a step cut off by a restart is picked up again and,
// being keyed and compare-and-set throughout, repeats nothing.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Caller } from '../../../../common/src/caller.js';
import { appError, badInput, ErrorCode } from '../../../../common/src/errors.js';
import { normalizeErpOrderNo } from '../../../../common/src/docno.js';
import type { Logger } from '../../../../common/src/logger.js';
import { BULK_MS } from '../../../../common/src/legacy.js';
import type { ErpDatasource, RequirementChangeOutcome } from '#adapters/erp';
import { openRepairFile, RepairReadError, type RepairReader, type RepairRow } from '#text';
import { audit } from '#hub';
import { cachedInterpreter, isBlankCell, mapColumns, proposeForRow } from './propose.js';
import { isFormulaLike } from '../../../../common/src/csv.js';
import { type JobColumns, type RepairChange, type RepairChangeState, type RepairIssue, type RepairJob, type RepairStore, type Upload } from './store.js';
import { Repeater } from '../../../../common/src/repeater.js';

const LEASE_MS = 60_000;
const RESUME_EVERY_MS = 30_000;

export interface RepairOptions {
  uploadDir: string;
  batchRows: number;
  applyBatch: number;
  autoAccept: number;
}

export interface StartOptions {
  autoAcceptConfidence?: number | null;
  encoding?: 'auto' | 'utf-8' | 'gb18030';
  sheet?: string | null;
  proposeDefaults?: boolean;
}

export const uploadPath = (dir: string, id: string) => join(dir, id);

const readError = (err: RepairReadError) =>
  badInput({ zh: err.messageZh, en: err.messageEn }, { reason: err.code, ...(err.row != null ? { row: err.row } : {}), ...(err.column != null ? { column: err.column } : {}) });

export class RepairRunner {
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly active = new Map<number, Promise<void>>();
  private readonly resumer = new Repeater(
    async () => {
      for (const id of await this.store.unfinished(Date.now())) this.kick(id);
    },
    { delayMs: () => RESUME_EVERY_MS, onError: (err) => this.logger.warn({ err: (err as Error)?.message }, 'could not look for unfinished repair jobs') },
  );
  private stopped = false;

  constructor(
    private readonly store: RepairStore,
    private readonly erp: ErpDatasource,
    private readonly options: RepairOptions,
    private readonly logger: Logger,
  ) {}

  /** Picks up unfinished jobs now and every half minute (those whose runner went away). */
  start(): void {
    this.stopped = false;
    this.resumer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.resumer.stop();
    await Promise.all([...this.active.values()]);
  }

  /** Waits for whatever this runner is doing on a job (tests, shutdown). */
  async settled(jobId: number): Promise<void> {
    await this.active.get(jobId);
  }

  private reader(upload: Upload, opts: { encoding?: 'auto' | 'utf-8' | 'gb18030'; sheet?: string | null }): RepairReader {
    return openRepairFile(uploadPath(this.options.uploadDir, upload.id), { encoding: opts.encoding ?? 'auto', sheet: opts.sheet ?? undefined });
  }

  /**
   * Checks the file far enough to refuse it with a clear error while the caller waits (empty, no
   * header, wrong encoding, no order-number column …), then reads the rest in the background.
   */
  async startJob(uploadId: string, opts: StartOptions, caller: Caller, now = Date.now()): Promise<number> {
    const upload = await this.store.upload(uploadId);
    if (!upload) throw appError(ErrorCode.NOT_FOUND, { zh: `没有上传文件「${uploadId.slice(0, 40)}」`, en: `No upload "${uploadId.slice(0, 40)}"` }, { argument: 'uploadId' });
    const autoAccept = opts.autoAcceptConfidence ?? this.options.autoAccept;
    if (!(autoAccept >= 0 && autoAccept <= 1)) throw badInput({ zh: 'autoAcceptConfidence 须在 0 到 1 之间', en: 'autoAcceptConfidence must be between 0 and 1' }, { argument: 'autoAcceptConfidence' });
    const reader = this.reader(upload, opts);
    const rows = reader[Symbol.asyncIterator]();
    let first: IteratorResult<RepairRow>;
    try {
      first = await rows.next();
    } catch (err) {
      if (err instanceof RepairReadError) throw readError(err);
      throw err;
    } finally {
      await rows.return?.();
    }
    if (first.done) throw badInput({ zh: '文件只有表头，没有数据行', en: 'The file has a header but no data rows' }, { reason: 'EMPTY_FILE' });
    const map = mapColumns(reader.header ?? []);
    if (!map.orderNo) {
      throw badInput(
        { zh: `找不到订单号列（可用列名：订单号、销售订单号、单号、cSOCode、order no）；文件的列：${(reader.header ?? []).join('、')}`, en: `No order number column (订单号, 销售订单号, cSOCode, order no …); the file has: ${(reader.header ?? []).join(', ')}` },
        { reason: 'REQUIRED_COLUMN_MISSING', column: '订单号' },
      );
    }
    if (!map.text.length && !Object.keys(map.fields).length) {
      throw badInput(
        { zh: '文件既没有备注列，也没有要补全的字段列，没有可修复的内容', en: 'The file has neither a remark column nor any requirement column: nothing to repair from' },
        { reason: 'NO_USABLE_COLUMNS' },
      );
    }
    const columns: JobColumns = { ...map, blank: {}, proposeDefaults: opts.proposeDefaults ?? true, sheet: opts.sheet ?? null };
    const progress = reader.progress;
    const id = await this.store.createJob({ upload, columns, autoAccept, format: progress.format, encoding: progress.encoding, createdBy: caller.subject.slice(0, 80), now });
    await this.store.db.transaction((em) => audit(em, caller, 'REPAIR_STARTED', 'REPAIR_JOB', String(id), null, { uploadId, fileName: upload.fileName, columns: map }, null, now));
    this.kick(id);
    return id;
  }

  async apply(jobId: number, caller: Caller, now = Date.now()): Promise<RepairJob> {
    return this.begin(jobId, 'apply', caller, now);
  }

  async undo(jobId: number, caller: Caller, now = Date.now()): Promise<RepairJob> {
    return this.begin(jobId, 'undo', caller, now);
  }

  private async begin(jobId: number, mode: 'apply' | 'undo', caller: Caller, now: number): Promise<RepairJob> {
    const job = await this.needJob(jobId);
    const [ready, running, done] = mode === 'apply' ? (['READY', 'APPLYING', 'APPLIED'] as const) : (['APPLIED', 'UNDOING', 'UNDONE'] as const);
    // Asked again while running or after: the same job, nothing started twice.
    if (job.state === running || job.state === done) return job;
    if (job.state !== ready) {
      throw appError(
        ErrorCode.CONFLICT,
        mode === 'apply'
          ? { zh: `任务状态为 ${job.state}，只有预览就绪（READY）的任务可以应用`, en: `The job is ${job.state}: only a job READY for preview can be applied` }
          : { zh: `任务状态为 ${job.state}，只有已应用（APPLIED）的任务可以撤销`, en: `The job is ${job.state}: only an APPLIED job can be undone` },
        { reason: 'JOB_STATE', state: job.state },
      );
    }
    const who = caller.subject.slice(0, 80);
    const set = mode === 'apply' ? { applied_by: who, applied_at: now, step_done: 0 } : { undone_by: who, undone_at: now, step_done: 0 };
    // Counted after the move: decisions (taken only while READY, under the job's row lock) are final by then.
    if (await this.store.transition(jobId, [ready], running, set, now)) {
      const total = await this.store.countPending(jobId, mode);
      await this.store.transition(jobId, [running], running, { step_total: total }, now);
      await this.store.db.transaction((em) => audit(em, caller, mode === 'apply' ? 'REPAIR_APPLY' : 'REPAIR_UNDO', 'REPAIR_JOB', String(jobId), null, { changes: total }, null, now));
      this.kick(jobId);
    }
    return (await this.store.job(jobId))!;
  }

  async needJob(jobId: number): Promise<RepairJob> {
    const job = await this.store.job(jobId);
    if (!job) throw appError(ErrorCode.NOT_FOUND, { zh: `没有修复任务 ${jobId}`, en: `No repair job ${jobId}` }, { argument: 'id' });
    return job;
  }

  private kick(jobId: number): void {
    if (this.active.has(jobId) || this.stopped) return;
    const work = this.run(jobId)
      .catch((err) => this.logger.error({ err, jobId }, 'repair job step failed'))
      .finally(() => this.active.delete(jobId));
    this.active.set(jobId, work);
  }

  private async run(jobId: number): Promise<void> {
    if (!(await this.store.lease(jobId, this.owner, Date.now() + LEASE_MS, Date.now()))) return;
    try {
      const job = await this.needJob(jobId);
      if (job.state === 'READING') await this.read(job);
      else if (job.state === 'APPLYING') await this.write(job, 'apply');
      else if (job.state === 'UNDOING') await this.write(job, 'undo');
    } catch (err) {
      // A file that turns out unreadable further down fails the job; anything else (ERP down, a
      // lost lease) leaves it for the next pick-up.
      if (err instanceof RepairReadError) await this.store.fail(jobId, { code: err.code, zh: err.messageZh, en: err.messageEn, row: err.row }, Date.now());
      else throw err;
    } finally {
      await this.store.release(jobId, this.owner).catch(() => undefined);
    }
  }

  private async renew(jobId: number): Promise<void> {
    if (!(await this.store.lease(jobId, this.owner, Date.now() + LEASE_MS, Date.now()))) throw new Error(`lost the lease of repair job ${jobId}`);
  }

  // ---- reading -------------------------------------------------------------------------------

  private async read(job: RepairJob): Promise<void> {
    const upload = (await this.store.upload(job.uploadId))!;
    // The encoding found (or asked for) when the job started, so a resumed read decodes the same.
    const reader = this.reader(upload, { encoding: (job.encoding as 'utf-8' | 'gb18030' | null) ?? 'auto', sheet: job.columns.sheet });
    const columns: JobColumns = { ...job.columns, blank: {} };
    const interpret = cachedInterpreter();
    // An order listed twice is read once: the first row wins, later ones are reported.
    const seen = new Map<string, number>();
    let batch: RepairRow[] = [];
    const flush = async () => {
      await this.readBatch(job, batch, columns, seen, interpret, reader);
      batch = [];
      await this.renew(job.id);
    };
    for await (const row of reader) {
      batch.push(row);
      if (batch.length >= this.options.batchRows) await flush();
    }
    await flush();
    await this.store.transition(job.id, ['READING'], 'READY', { read_at: Date.now(), rows_read: reader.progress.rowsRead, bytes_read: reader.progress.totalBytes }, Date.now());
  }

  private async readBatch(
    job: RepairJob,
    rows: RepairRow[],
    columns: JobColumns,
    seen: Map<string, number>,
    interpret: ReturnType<typeof cachedInterpreter>,
    reader: RepairReader,
  ): Promise<void> {
    const issues: Omit<RepairIssue, 'id'>[] = [];
    const issue = (rowNo: number, code: string, column: string | null, cell: string | null) => issues.push({ rowNo, code, column, cell: cell == null ? null : cell.slice(0, 200) });
    const used = new Set([columns.orderNo!, ...columns.text, ...Object.values(columns.fields)]);
    const candidates: { row: RepairRow; orderNo: string }[] = [];
    for (const row of rows) {
      // A formula in a cell the hub reads makes the row untrustworthy; elsewhere it is only reported.
      // An XLSX formula cell whose stored result is harmless is read as that result.
      const injected = row.flags.filter((f) => isFormulaLike(f.value));
      for (const f of injected) issue(row.rowNumber, 'FORMULA_INJECTION', f.column, f.value);
      if (injected.some((f) => used.has(f.column))) continue;
      const cell = row.values[columns.orderNo!] ?? '';
      if (isBlankCell(cell)) {
        issue(row.rowNumber, 'ORDER_NO_MISSING', columns.orderNo, null);
        continue;
      }
      const orderNo = normalizeErpOrderNo(cell);
      if (!orderNo) {
        issue(row.rowNumber, 'ORDER_NO_INVALID', columns.orderNo, cell);
        continue;
      }
      const earlier = seen.get(orderNo);
      if (earlier != null && earlier !== row.rowNumber) {
        issue(row.rowNumber, 'DUPLICATE_ORDER_ROW', columns.orderNo, `${cell} (= row ${earlier})`);
        continue;
      }
      seen.set(orderNo, row.rowNumber);
      candidates.push({ row, orderNo });
    }
    const held = candidates.length ? await this.erp.requirementsByOrderNo(candidates.map((c) => c.orderNo), BULK_MS) : [];
    const changes: Omit<RepairChange, 'id' | 'jobId' | 'state' | 'appliedAt' | 'undoneAt'>[] = [];
    candidates.forEach(({ row, orderNo }, i) => {
      const erp = held[i];
      if (!erp) return issue(row.rowNumber, 'ORDER_NOT_FOUND', columns.orderNo, orderNo);
      const found = proposeForRow(row.values, columns, erp, interpret, { proposeDefaults: columns.proposeDefaults });
      for (const u of found.unreadable) issue(row.rowNumber, 'VALUE_UNREADABLE', u.column, u.cell);
      for (const f of found.blank) columns.blank[f] = (columns.blank[f] ?? 0) + 1;
      for (const p of found.proposals) {
        // Overwriting what ERP records, or a file value the remark contradicts, waits for a person.
        const decision = p.kind === 'FILL' && p.confidence >= job.autoAccept ? 'ACCEPTED' : 'REVIEW';
        changes.push({ rowNo: row.rowNumber, erpOrderNo: orderNo, ...p, decision });
      }
    });
    const progress = reader.progress;
    await this.store.saveReadBatch(job.id, changes, issues, { rowsRead: progress.rowsRead, bytesRead: progress.bytesRead, columns }, Date.now());
  }

  // ---- applying and undoing ------------------------------------------------------------------

  private async write(job: RepairJob, mode: 'apply' | 'undo'): Promise<void> {
    const outcomeState: Record<RequirementChangeOutcome, RepairChangeState> =
      mode === 'apply'
        ? // ALREADY: written by an earlier try cut off before it was recorded here (or, rarely, by someone else to the same value).
          { WRITTEN: 'APPLIED', ALREADY: 'APPLIED', CHANGED_SINCE: 'CHANGED_SINCE', ORDER_NOT_FOUND: 'NOT_FOUND' }
        : { WRITTEN: 'UNDONE', ALREADY: 'UNDONE', CHANGED_SINCE: 'UNDO_CONFLICT', ORDER_NOT_FOUND: 'UNDO_CONFLICT' };
    for (;;) {
      const batch = await this.store.pending(job.id, mode, this.options.applyBatch);
      if (!batch.length) break;
      const now = Date.now();
      const outcomes = await this.erp.writeRequirements(
        batch.map((c) =>
          mode === 'apply'
            ? { erpOrderNo: c.erpOrderNo, field: c.field, expected: c.erpBefore, next: c.proposed }
            : { erpOrderNo: c.erpOrderNo, field: c.field, expected: c.proposed, next: c.erpBefore },
        ),
        now,
        BULK_MS,
      );
      const byState = new Map<RepairChangeState, number[]>();
      batch.forEach((c, i) => {
        const state = outcomeState[outcomes[i]];
        (byState.get(state) ?? byState.set(state, []).get(state)!).push(c.id);
      });
      await this.store.markChanges(job.id, byState, mode === 'apply' ? 'applied_at' : 'undone_at', batch.length, now);
      await this.renew(job.id);
    }
    await this.store.transition(job.id, [mode === 'apply' ? 'APPLYING' : 'UNDOING'], mode === 'apply' ? 'APPLIED' : 'UNDONE', {}, Date.now());
  }
}
