// Uploaded files nobody started a repair job from are removed after UPLOAD_RETENTION_HOURS, row and
// file. Every order-link instance sweeps; a file goes with the instance whose DELETE of its row
// takes effect (the row is deleted only while no job names it), so each is removed once. Files
// without a row (a receiver that died between writing and recording) go after the same time.
import { readdir, rm, stat } from 'node:fs/promises';
import type { DataSource } from 'typeorm';
import { execute } from '../../../../common/src/db.js';
import type { Logger } from '../../../../common/src/logger.js';
import { uploadPath } from './runner.js';

export interface SweepResult {
  /** Uploads whose row and file this sweep removed. */
  removed: string[];
  /** Files in the directory with no row, removed. */
  orphans: string[];
}

export class UploadRetention {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly dir: string,
    private readonly retentionMs: number,
    private readonly logger: Logger,
  ) {}

  /** Removes what is older than the retention at `now` and unused. */
  async sweepOnce(now = Date.now()): Promise<SweepResult> {
    const cutoff = now - this.retentionMs;
    const unused = `NOT EXISTS (SELECT 1 FROM hub_repair_job j WHERE j.upload_id = hub_upload.id)`;
    const stale: { id: string }[] = await this.db.query(`SELECT id FROM hub_upload WHERE created_at < ? AND ${unused} ORDER BY created_at LIMIT 1000`, [cutoff]);
    const removed: string[] = [];
    for (const { id } of stale) {
      // Whoever deletes the row removes the file; a job started meanwhile keeps both.
      if ((await execute(this.db, `DELETE FROM hub_upload WHERE id = ? AND ${unused}`, [id])) !== 1) continue;
      await rm(uploadPath(this.dir, id), { force: true });
      removed.push(id);
    }
    const orphans: string[] = [];
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch {
      // no directory yet: nothing uploaded
    }
    for (const name of names) {
      const id = name.replace(/\.part$/, '');
      if (!/^[0-9a-f-]{36}$/.test(id)) continue;
      const info = await stat(uploadPath(this.dir, name)).catch(() => null);
      if (!info || info.mtimeMs >= cutoff) continue;
      const [row] = await this.db.query('SELECT 1 AS x FROM hub_upload WHERE id = ?', [id]);
      if (row && !name.endsWith('.part')) continue;
      await rm(uploadPath(this.dir, name), { force: true });
      orphans.push(name);
    }
    if (removed.length || orphans.length) this.logger.info({ removed: removed.length, orphans: orphans.length }, 'unused uploads removed');
    return { removed, orphans };
  }

  /** Sweeps every quarter of the retention, at most hourly. */
  start(): void {
    const every = Math.min(Math.max(this.retentionMs / 4, 60_000), 3_600_000);
    const tick = () => {
      this.sweepOnce()
        .catch((err) => this.logger.warn({ err: (err as Error)?.message }, 'upload sweep failed; next time'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, every);
        });
    };
    this.timer = setTimeout(tick, every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
