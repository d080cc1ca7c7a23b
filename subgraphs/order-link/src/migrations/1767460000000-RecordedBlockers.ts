// Blockers as a fact the hub keeps (src/blocker-record.ts), so that each raised or cleared is an
// order event (docs/live-events.md):
// - `hub_order_blocker`: each order's blockers by code and key (which hold, line, document), since
//   when, when recorded raised and when cleared; its triggers record BLOCKER_RAISED / _CLEARED;
// - `hub_blocker_due`: orders whose blockers may have changed, marked by triggers on the tables the
//   hub writes when it learns something (by row id, or by the ERP numbers a document names);
// - `hub_blocker_check`: orders recorded, and when the clock alone next changes their blockers;
// - `hub_event_stream.blockers_baseline_to`: the last order known before recording began, whose
//   first record is quiet (what blocked it then is not news). The undelivered ones are marked due at once, so
//   their blockers are recorded (and their promises watched) without waiting for a change.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { recordedBlockerTriggers } from '../events/triggers.js';
import { blockerDueTriggers } from '../blocker-record.js';

export class RecordedBlockers1767460000000 implements MigrationInterface {
  name = 'RecordedBlockers1767460000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    const pk = mysql ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    const tail = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
    await q.query(`CREATE TABLE hub_order_blocker (
      order_id BIGINT NOT NULL,
      code VARCHAR(32) NOT NULL,
      blocker_key VARCHAR(80) NOT NULL,
      severity VARCHAR(8) NOT NULL,
      customer_visible SMALLINT NOT NULL,
      document_no VARCHAR(40) NULL,
      since BIGINT NULL,
      raised_at BIGINT NOT NULL,
      cleared_at BIGINT NULL,
      quiet SMALLINT NOT NULL DEFAULT 0,
      PRIMARY KEY (order_id, code, blocker_key)
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_order_blocker_open ON hub_order_blocker (code, cleared_at)');
    await q.query(`CREATE TABLE hub_blocker_due (
      id ${pk},
      order_id BIGINT NULL,
      order_nos VARCHAR(255) NULL,
      marked_at BIGINT NOT NULL
    )${tail}`);
    await q.query(`CREATE TABLE hub_blocker_check (
      order_id BIGINT NOT NULL PRIMARY KEY,
      recheck_at BIGINT NULL
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_blocker_check_recheck ON hub_blocker_check (recheck_at)');
    const [{ last }] = await q.query('SELECT COALESCE(MAX(id), 0) AS last FROM hub_order');
    await q.query('ALTER TABLE hub_event_stream ADD COLUMN blockers_baseline_to BIGINT NOT NULL DEFAULT 0');
    await q.query('UPDATE hub_event_stream SET blockers_baseline_to = ? WHERE id = 1', [Number(last)]);
    await q.query("INSERT INTO hub_blocker_due (order_id, marked_at) SELECT id, ? FROM hub_order WHERE status NOT IN ('SIGNED', 'COMPLETED', 'CANCELLED')", [Date.now()]);
    const dialect = mysql ? 'mysql' : 'sqlite';
    for (const t of [...recordedBlockerTriggers(dialect), ...blockerDueTriggers(dialect)]) await q.query(t.sql);
  }

  async down(q: QueryRunner): Promise<void> {
    const dialect = q.connection.options.type === 'mysql' ? 'mysql' : 'sqlite';
    for (const t of [...recordedBlockerTriggers(dialect), ...blockerDueTriggers(dialect)]) await q.query(`DROP TRIGGER ${t.name}`);
    await q.query('ALTER TABLE hub_event_stream DROP COLUMN blockers_baseline_to');
    await q.query('DROP TABLE hub_blocker_check');
    await q.query('DROP TABLE hub_blocker_due');
    await q.query('DROP TABLE hub_order_blocker');
  }
}
