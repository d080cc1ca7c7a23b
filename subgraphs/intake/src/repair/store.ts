// The repair wizard's tables: uploads, jobs (with their lease), proposed changes and row issues.
import type { DataSource, EntityManager } from 'typeorm';
import { BULK_MS, type LegacySystem } from '../../../../common/src/legacy.js';
import { execute, forUpdate, insertIgnore, insertReturningId, insertRows, placeholders } from '../../../../common/src/db.js';
import type { RequirementField } from '../../../../common/src/requirements.js';
import type { ColumnMap, Proposal, ProposalSource } from './propose.js';
import { boundedCache } from '../../../../common/src/cache.js';

export type RepairJobState = 'READING' | 'READY' | 'APPLYING' | 'APPLIED' | 'UNDOING' | 'UNDONE' | 'FAILED';
export type RepairDecision = 'ACCEPTED' | 'REJECTED' | 'REVIEW';
export type RepairChangeState = 'PROPOSED' | 'APPLIED' | 'CHANGED_SINCE' | 'NOT_FOUND' | 'UNDONE' | 'UNDO_CONFLICT';

export interface Upload {
  id: string;
  fileName: string;
  contentType: string | null;
  bytes: number;
  sha256: string;
  uploadedBy: string;
  createdAt: number;
}

export interface JobColumns extends ColumnMap {
  /** Per field: data rows whose cell was blank, or every row when the file has no such column. */
  blank: Partial<Record<RequirementField, number>>;
  proposeDefaults: boolean;
  /** XLSX: the sheet read. */
  sheet: string | null;
}

export interface RepairJob {
  id: number;
  uploadId: string;
  fileName: string;
  state: RepairJobState;
  format: string | null;
  encoding: string | null;
  columns: JobColumns;
  autoAccept: number;
  rowsRead: number;
  bytesRead: number;
  bytesTotal: number;
  stepDone: number;
  stepTotal: number;
  error: { code: string; zh: string; en: string; row: number | null } | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  readAt: number | null;
  appliedBy: string | null;
  appliedAt: number | null;
  undoneBy: string | null;
  undoneAt: number | null;
}

/** A proposal as kept: where it came from in the file, what was decided, what applying and undoing did. */
export interface RepairChange extends Proposal {
  id: number;
  jobId: number;
  rowNo: number;
  erpOrderNo: string;
  decision: RepairDecision;
  state: RepairChangeState;
  appliedAt: number | null;
  undoneAt: number | null;
}

export interface RepairIssue {
  id: number;
  rowNo: number;
  code: string;
  column: string | null;
  cell: string | null;
}

export interface ChangeFilter {
  field?: RequirementField | null;
  decision?: RepairDecision | null;
  kind?: 'FILL' | 'CONFLICT' | null;
  source?: ProposalSource | null;
  state?: RepairChangeState | null;
  minConfidence?: number | null;
  maxConfidence?: number | null;
  erpOrderNo?: string | null;
}

const toJob = (r: any): RepairJob => ({
  id: Number(r.id),
  uploadId: r.upload_id,
  fileName: r.file_name,
  state: r.state,
  format: r.format,
  encoding: r.encoding,
  columns: r.columns_json ? JSON.parse(r.columns_json) : { orderNo: null, text: [], fields: {}, ignored: [], blank: {}, proposeDefaults: true, sheet: null },
  autoAccept: Number(r.auto_accept),
  rowsRead: Number(r.rows_read),
  bytesRead: Number(r.bytes_read),
  bytesTotal: Number(r.bytes_total),
  stepDone: Number(r.step_done),
  stepTotal: Number(r.step_total),
  error: r.error_code ? { code: r.error_code, zh: r.error_zh, en: r.error_en, row: r.error_row == null ? null : Number(r.error_row) } : null,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  readAt: r.read_at == null ? null : Number(r.read_at),
  appliedBy: r.applied_by,
  appliedAt: r.applied_at == null ? null : Number(r.applied_at),
  undoneBy: r.undone_by,
  undoneAt: r.undone_at == null ? null : Number(r.undone_at),
});

const toChange = (r: any): RepairChange => ({
  id: Number(r.id),
  jobId: Number(r.job_id),
  rowNo: Number(r.row_no),
  erpOrderNo: r.erp_order_no,
  field: r.field,
  kind: r.kind,
  source: r.source,
  fileValue: r.file_value,
  erpBefore: r.erp_before,
  proposed: r.proposed,
  confidence: Number(r.confidence),
  evidence: JSON.parse(r.evidence),
  decision: r.decision,
  state: r.state,
  appliedAt: r.applied_at == null ? null : Number(r.applied_at),
  undoneAt: r.undone_at == null ? null : Number(r.undone_at),
});


/** Moves updated_at on, by at least 1 ms: the summary cache is keyed by it. Takes [now, now]. */
const BUMP = 'updated_at = CASE WHEN ? > updated_at THEN ? ELSE updated_at + 1 END';

function filterSql(jobId: number, f: ChangeFilter): { where: string; params: unknown[] } {
  const parts = ['job_id = ?'];
  const params: unknown[] = [jobId];
  const eq = (col: string, v: unknown) => {
    if (v != null) parts.push(`${col} = ?`), params.push(v);
  };
  eq('field', f.field);
  eq('decision', f.decision);
  eq('kind', f.kind);
  eq('source', f.source);
  eq('state', f.state);
  eq('erp_order_no', f.erpOrderNo);
  if (f.minConfidence != null) parts.push('confidence >= ?'), params.push(f.minConfidence);
  if (f.maxConfidence != null) parts.push('confidence <= ?'), params.push(f.maxConfidence);
  return { where: parts.join(' AND '), params };
}

export interface Tally {
  field: RequirementField;
  source: ProposalSource;
  decision: RepairDecision;
  state: RepairChangeState;
  n: number;
  confidenceSum: number;
}

export class RepairStore {
  /** Tallies by job and its last change: a changed job has a new key, the old one ages out. */
  private readonly tallies = boundedCache<string, { rows: Tally[]; issues: number }>({ max: 100, ttlMs: 10 * 60_000 });

  constructor(
    readonly db: DataSource,
    private readonly hub: LegacySystem,
  ) {}

  private query(operation: string, sql: string, params: unknown[] = []): Promise<any[]> {
    return this.hub.call(operation, () => this.db.query(sql, params));
  }

  private update(operation: string, sql: string, params: unknown[]): Promise<number> {
    return this.hub.call(operation, () => execute(this.db, sql, params), { idempotent: false });
  }

  /** A transaction; bulk ones (a batch of a file, a decision over a whole job) get BULK_MS. */
  private write<T>(operation: string, work: (em: EntityManager) => Promise<T>, bulk = false): Promise<T> {
    return this.hub.call(operation, () => this.db.transaction(work), { idempotent: false, timeoutMs: bulk ? BULK_MS : undefined });
  }

  // ---- uploads -------------------------------------------------------------------------------

  addUpload(u: Upload): Promise<void> {
    return this.write('upload.insert', (em) =>
      insertRows(em, 'hub_upload', [
        { id: u.id, file_name: u.fileName, content_type: u.contentType, bytes: u.bytes, sha256: u.sha256, uploaded_by: u.uploadedBy, created_at: u.createdAt },
      ]),
    );
  }

  async upload(id: string): Promise<Upload | null> {
    const [r] = await this.query('upload.byId', 'SELECT * FROM hub_upload WHERE id = ?', [id]);
    return r
      ? { id: r.id, fileName: r.file_name, contentType: r.content_type, bytes: Number(r.bytes), sha256: r.sha256, uploadedBy: r.uploaded_by, createdAt: Number(r.created_at) }
      : null;
  }

  // ---- jobs ----------------------------------------------------------------------------------

  createJob(j: { upload: Upload; columns: JobColumns; autoAccept: number; format: string; encoding: string | null; createdBy: string; now: number }): Promise<number> {
    return this.write('repair.create', (em) =>
      insertReturningId(em, 'hub_repair_job', {
        upload_id: j.upload.id,
        file_name: j.upload.fileName,
        state: 'READING',
        format: j.format,
        encoding: j.encoding,
        columns_json: JSON.stringify(j.columns),
        auto_accept: j.autoAccept,
        rows_read: 0,
        bytes_read: 0,
        bytes_total: j.upload.bytes,
        step_done: 0,
        step_total: 0,
        created_by: j.createdBy,
        created_at: j.now,
        updated_at: j.now,
      }),
    );
  }

  async jobs(ids: readonly number[]): Promise<(RepairJob | null)[]> {
    if (!ids.length) return [];
    const rows = await this.query('repair.byId', `SELECT * FROM hub_repair_job WHERE id IN (${placeholders(ids.length)})`, [...ids]);
    const found = new Map(rows.map((r) => [Number(r.id), toJob(r)]));
    return ids.map((id) => found.get(id) ?? null);
  }

  async job(id: number): Promise<RepairJob | null> {
    return (await this.jobs([id]))[0];
  }

  async recentJobs(first: number): Promise<RepairJob[]> {
    return (await this.query('repair.recent', 'SELECT * FROM hub_repair_job ORDER BY id DESC LIMIT ?', [first])).map(toJob);
  }

  /** Jobs with work left whose lease is free: what a runner picks up after a restart. */
  async unfinished(now: number): Promise<number[]> {
    const rows = await this.query(
      'repair.unfinished',
      "SELECT id FROM hub_repair_job WHERE state IN ('READING', 'APPLYING', 'UNDOING') AND (lease_until IS NULL OR lease_until < ?) ORDER BY id",
      [now],
    );
    return rows.map((r) => Number(r.id));
  }

  /** Takes or renews the job's lease; false when another runner holds it. */
  async lease(id: number, owner: string, until: number, now: number): Promise<boolean> {
    const changed = await this.update(
      'repair.lease',
      'UPDATE hub_repair_job SET lease_owner = ?, lease_until = ? WHERE id = ? AND (lease_owner = ? OR lease_until IS NULL OR lease_until < ?)',
      [owner, until, id, owner, now],
    );
    return changed > 0;
  }

  async release(id: number, owner: string): Promise<void> {
    await this.query('repair.release', 'UPDATE hub_repair_job SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?', [id, owner]);
  }

  /** Moves a job from one of `from` to `to`, with the given columns set; false when it was elsewhere. */
  async transition(id: number, from: RepairJobState[], to: RepairJobState, set: Record<string, unknown>, now: number): Promise<boolean> {
    const cols = Object.keys(set);
    const changed = await this.update(
      'repair.transition',
      `UPDATE hub_repair_job SET state = ?, ${BUMP}${cols.map((c) => `, ${c} = ?`).join('')} WHERE id = ? AND state IN (${placeholders(from.length)})`,
      [to, now, now, ...cols.map((c) => set[c]), id, ...from],
    );
    return changed > 0;
  }

  async fail(id: number, error: { code: string; zh: string; en: string; row?: number | null }, now: number): Promise<void> {
    await this.query('repair.fail', `UPDATE hub_repair_job SET state = ?, error_code = ?, error_zh = ?, error_en = ?, error_row = ?, ${BUMP} WHERE id = ?`, [
      'FAILED',
      error.code,
      error.zh.slice(0, 500),
      error.en.slice(0, 500),
      error.row ?? null,
      now,
      now,
      id,
    ]);
  }

  /** One batch of a file read: its changes and issues, and the job's progress, in one transaction. */
  saveReadBatch(
    jobId: number,
    changes: Omit<RepairChange, 'id' | 'jobId' | 'state' | 'appliedAt' | 'undoneAt'>[],
    issues: Omit<RepairIssue, 'id'>[],
    progress: { rowsRead: number; bytesRead: number; columns: JobColumns },
    now: number,
  ): Promise<void> {
    return this.write('repair.readBatch', async (em) => {
      const rows = changes.map((c) => ({
        job_id: jobId,
        row_no: c.rowNo,
        erp_order_no: c.erpOrderNo,
        field: c.field,
        kind: c.kind,
        source: c.source,
        file_value: c.fileValue,
        erp_before: c.erpBefore,
        proposed: c.proposed,
        confidence: c.confidence,
        evidence: JSON.stringify(c.evidence),
        decision: c.decision,
        state: 'PROPOSED',
      }));
      // Keyed by (job, row, field): a batch read again after a restart adds nothing twice.
      for (let i = 0; i < rows.length; i += 300) await insertIgnore(em, 'hub_repair_change', rows.slice(i, i + 300));
      if (issues.length) {
        const have = await em.query(`SELECT row_no, code, column_name FROM hub_repair_issue WHERE job_id = ? AND row_no IN (${placeholders(issues.length)})`, [jobId, ...issues.map((i) => i.rowNo)]);
        const key = (r: { rowNo: number; code: string; column: string | null }) => `${r.rowNo}|${r.code}|${r.column ?? ''}`;
        const known = new Set(have.map((h: any) => key({ rowNo: Number(h.row_no), code: h.code, column: h.column_name })));
        const fresh = issues.filter((i) => !known.has(key(i)));
        await insertRows(em, 'hub_repair_issue', fresh.map((i) => ({ job_id: jobId, row_no: i.rowNo, code: i.code, column_name: i.column, cell: i.cell })), 300);
      }
      await em.query(`UPDATE hub_repair_job SET rows_read = ?, bytes_read = ?, columns_json = ?, ${BUMP} WHERE id = ?`, [
        progress.rowsRead,
        progress.bytesRead,
        JSON.stringify(progress.columns),
        now,
        now,
        jobId,
      ]);
    }, true);
  }

  // ---- changes -------------------------------------------------------------------------------

  async changes(jobId: number, filter: ChangeFilter, first: number, afterId: number | null): Promise<{ changes: RepairChange[]; totalCount: number; hasNextPage: boolean }> {
    const { where, params } = filterSql(jobId, filter);
    const [rows, count] = await Promise.all([
      this.query('repair.changes', `SELECT * FROM hub_repair_change WHERE ${where}${afterId != null ? ' AND id > ?' : ''} ORDER BY id LIMIT ?`, [
        ...params,
        ...(afterId != null ? [afterId] : []),
        first + 1,
      ]),
      this.query('repair.changeCount', `SELECT COUNT(*) AS n FROM hub_repair_change WHERE ${where}`, params),
    ]);
    return { changes: rows.slice(0, first).map(toChange), totalCount: Number(count[0].n), hasNextPage: rows.length > first };
  }

  /** The next changes to apply (accepted, still proposed) or to undo (applied), by id. */
  async pending(jobId: number, mode: 'apply' | 'undo', limit: number): Promise<RepairChange[]> {
    const sql =
      mode === 'apply'
        ? "SELECT * FROM hub_repair_change WHERE job_id = ? AND state = 'PROPOSED' AND decision = 'ACCEPTED' ORDER BY id LIMIT ?"
        : // Only accepted changes are ever applied; saying so keeps the scan on (job_id, state, decision, id), in id order, with no sort.
          "SELECT * FROM hub_repair_change WHERE job_id = ? AND state = 'APPLIED' AND decision = 'ACCEPTED' ORDER BY id LIMIT ?";
    return (await this.query(`repair.pending.${mode}`, sql, [jobId, limit])).map(toChange);
  }

  async countPending(jobId: number, mode: 'apply' | 'undo'): Promise<number> {
    const sql =
      mode === 'apply'
        ? "SELECT COUNT(*) AS n FROM hub_repair_change WHERE job_id = ? AND state = 'PROPOSED' AND decision = 'ACCEPTED'"
        : "SELECT COUNT(*) AS n FROM hub_repair_change WHERE job_id = ? AND state = 'APPLIED' AND decision = 'ACCEPTED'";
    return Number((await this.query(`repair.count.${mode}`, sql, [jobId]))[0].n);
  }

  /** Records what one ERP batch did to each change, and the job's progress, in one transaction. */
  markChanges(jobId: number, byState: Map<RepairChangeState, number[]>, stamp: 'applied_at' | 'undone_at', done: number, now: number): Promise<void> {
    return this.write('repair.mark', async (em) => {
      for (const [state, ids] of byState) {
        if (ids.length) await em.query(`UPDATE hub_repair_change SET state = ?, ${stamp} = ? WHERE id IN (${placeholders(ids.length)})`, [state, now, ...ids]);
      }
      await em.query(`UPDATE hub_repair_job SET step_done = step_done + ?, ${BUMP} WHERE id = ?`, [done, now, now, jobId]);
    }, true);
  }

  /** Sets the decision of matching proposed changes; null when the job is no longer READY. */
  async decide(jobId: number, decision: RepairDecision, ids: number[] | null, filter: ChangeFilter | null, now = Date.now()): Promise<number | null> {
    const { where, params } = filterSql(jobId, filter ?? {});
    const byIds = ids ? ` AND id IN (${placeholders(ids.length)})` : '';
    return this.write(
      'repair.decide',
      async (em) => {
        // Under the job's row lock: an apply starting meanwhile waits, and one already started wins.
        const [job] = await em.query(`SELECT state FROM hub_repair_job WHERE id = ?${forUpdate(em)}`, [jobId]);
        if (job?.state !== 'READY') return null;
        const n = await execute(em, `UPDATE hub_repair_change SET decision = ? WHERE ${where} AND state = 'PROPOSED'${byIds}`, [decision, ...params, ...(ids ?? [])]);
        await em.query(`UPDATE hub_repair_job SET ${BUMP} WHERE id = ?`, [now, now, jobId]);
        return n;
      },
      true,
    );
  }

  /**
   * Counts by field, source, decision and state, in one grouped scan of a covering index; kept
   * while the job is unchanged, so a client polling the preview does not rescan it each time.
   */
  async tally(job: RepairJob): Promise<{ rows: Tally[]; issues: number }> {
    const key = `${job.id}:${job.updatedAt}`;
    const cached = this.tallies.get(key);
    if (cached) return cached;
    const [rows, issues] = await Promise.all([
      this.hub.call(
        'repair.tally',
        (): Promise<any[]> => this.db.query('SELECT field, source, decision, state, COUNT(*) AS n, SUM(confidence) AS c FROM hub_repair_change WHERE job_id = ? GROUP BY field, source, decision, state', [job.id]),
        { timeoutMs: BULK_MS },
      ),
      this.query('repair.issueCount', 'SELECT COUNT(*) AS n FROM hub_repair_issue WHERE job_id = ?', [job.id]),
    ]);
    const out = {
      rows: rows.map((r) => ({ field: r.field, source: r.source, decision: r.decision, state: r.state, n: Number(r.n), confidenceSum: Number(r.c) })),
      issues: Number(issues[0].n),
    };
    this.tallies.set(key, out);
    return out;
  }

  async issues(jobId: number, first: number, afterId: number | null): Promise<{ issues: RepairIssue[]; totalCount: number; hasNextPage: boolean }> {
    const [rows, count] = await Promise.all([
      this.query('repair.issues', `SELECT * FROM hub_repair_issue WHERE job_id = ?${afterId != null ? ' AND id > ?' : ''} ORDER BY id LIMIT ?`, [
        jobId,
        ...(afterId != null ? [afterId] : []),
        first + 1,
      ]),
      this.query('repair.issueCount', 'SELECT COUNT(*) AS n FROM hub_repair_issue WHERE job_id = ?', [jobId]),
    ]);
    return {
      issues: rows.slice(0, first).map((r) => ({ id: Number(r.id), rowNo: Number(r.row_no), code: r.code, column: r.column_name, cell: r.cell })),
      totalCount: Number(count[0].n),
      hasNextPage: rows.length > first,
    };
  }
}

