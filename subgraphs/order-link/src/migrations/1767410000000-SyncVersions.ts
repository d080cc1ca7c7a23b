// What the hub knows of each legacy row's version, for the late-commit lane and the completeness
// sweep (src/linking/feeds.ts, sweep.ts):
// - `src_modified` on hub_order and hub_document: the legacy modify time of the version last read
//   (Beijing text as the legacy systems keep it). Rows from before keep NULL, which matches no
//   version: the first sweep over their days reads them again.
// - `hub_order.src_deleted_at`: when the sweep found the order deleted in ERP.
// - indexes for the sweep's per-day digests of the hub's side.
// - `hub_sync_sweep` and `hub_sync_repair`: every sweep and what it repaired, for ops (`syncSweeps`).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SyncVersions1767410000000 implements MigrationInterface {
  name = 'SyncVersions1767410000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    const pk = mysql ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    const tail = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
    await q.query('ALTER TABLE hub_order ADD COLUMN src_modified VARCHAR(19) NULL');
    await q.query('ALTER TABLE hub_order ADD COLUMN src_deleted_at BIGINT NULL');
    await q.query('ALTER TABLE hub_document ADD COLUMN src_modified VARCHAR(19) NULL');
    await q.query('CREATE INDEX ix_hub_document_day ON hub_document (system, doc_date)');
    await q.query(`CREATE TABLE hub_sync_sweep (
      id ${pk},
      trigger_kind VARCHAR(16) NOT NULL,
      day_from VARCHAR(10) NOT NULL,
      day_to VARCHAR(10) NOT NULL,
      started_at BIGINT NOT NULL,
      finished_at BIGINT NULL,
      days_compared INT NOT NULL DEFAULT 0,
      days_differing INT NOT NULL DEFAULT 0,
      keys_compared INT NOT NULL DEFAULT 0,
      repaired INT NOT NULL DEFAULT 0,
      failed_systems VARCHAR(40) NULL
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_sync_sweep_started ON hub_sync_sweep (started_at)');
    await q.query(`CREATE TABLE hub_sync_repair (
      id ${pk},
      sweep_id BIGINT NOT NULL,
      system VARCHAR(8) NOT NULL,
      document_no VARCHAR(40) NOT NULL,
      kind VARCHAR(16) NOT NULL,
      legacy_version VARCHAR(19) NULL,
      hub_version VARCHAR(19) NULL,
      found_at BIGINT NOT NULL
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_sync_repair_sweep ON hub_sync_repair (sweep_id, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    const on = (table: string) => (q.connection.options.type === 'mysql' ? ` ON ${table}` : '');
    await q.query('DROP TABLE hub_sync_repair');
    await q.query('DROP TABLE hub_sync_sweep');
    await q.query(`DROP INDEX ix_hub_document_day${on('hub_document')}`);
    await q.query('ALTER TABLE hub_document DROP COLUMN src_modified');
    await q.query('ALTER TABLE hub_order DROP COLUMN src_deleted_at');
    await q.query('ALTER TABLE hub_order DROP COLUMN src_modified');
  }
}
