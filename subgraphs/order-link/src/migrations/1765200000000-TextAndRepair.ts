// Order drafts read from chat text, uploaded files, and the data-repair wizard's jobs, proposed
// changes and row issues.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TextAndRepair1765200000000 implements MigrationInterface {
  name = 'TextAndRepair1765200000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    const pk = mysql ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    const tail = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
    const text = mysql ? 'MEDIUMTEXT' : 'TEXT';

    // A draft as read from the pasted text (parsed: the reading, JSON) and, once confirmed, the
    // order it became. client_key is unique: one confirmation per key, whoever retries it.
    await q.query(`CREATE TABLE hub_order_draft (
      id ${pk},
      source_text ${text} NOT NULL,
      parsed ${text} NOT NULL,
      store_code VARCHAR(12) NULL,
      state VARCHAR(12) NOT NULL,
      created_by VARCHAR(80) NOT NULL,
      created_at BIGINT NOT NULL,
      client_key VARCHAR(80) NULL,
      erp_order_no VARCHAR(30) NULL,
      confirmed_order ${text} NULL,
      confirmed_by VARCHAR(80) NULL,
      confirmed_at BIGINT NULL
    )${tail}`);
    await q.query('CREATE UNIQUE INDEX ux_hub_draft_client_key ON hub_order_draft (client_key)');

    await q.query(`CREATE TABLE hub_upload (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      file_name VARCHAR(255) NOT NULL,
      content_type VARCHAR(120) NULL,
      bytes BIGINT NOT NULL,
      sha256 CHAR(64) NOT NULL,
      uploaded_by VARCHAR(80) NOT NULL,
      created_at BIGINT NOT NULL
    )${tail}`);

    // One repair job per uploaded file read. The lease lets several order-link instances share
    // the work: whoever holds an unexpired lease runs the job's next step.
    await q.query(`CREATE TABLE hub_repair_job (
      id ${pk},
      upload_id VARCHAR(36) NOT NULL,
      file_name VARCHAR(255) NOT NULL,
      state VARCHAR(12) NOT NULL,
      format VARCHAR(8) NULL,
      encoding VARCHAR(10) NULL,
      columns_json ${text} NULL,
      auto_accept DOUBLE NOT NULL,
      rows_read INT NOT NULL DEFAULT 0,
      bytes_read BIGINT NOT NULL DEFAULT 0,
      bytes_total BIGINT NOT NULL DEFAULT 0,
      step_done INT NOT NULL DEFAULT 0,
      step_total INT NOT NULL DEFAULT 0,
      error_code VARCHAR(40) NULL,
      error_zh VARCHAR(500) NULL,
      error_en VARCHAR(500) NULL,
      error_row INT NULL,
      lease_owner VARCHAR(60) NULL,
      lease_until BIGINT NULL,
      created_by VARCHAR(80) NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      read_at BIGINT NULL,
      applied_by VARCHAR(80) NULL,
      applied_at BIGINT NULL,
      undone_by VARCHAR(80) NULL,
      undone_at BIGINT NULL
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_repair_job_state ON hub_repair_job (state)');

    // Every proposed change: one field of one order, what the file and ERP held, what the hub
    // proposes, why (evidence) and how sure; then what applying and undoing did.
    await q.query(`CREATE TABLE hub_repair_change (
      id ${pk},
      job_id BIGINT NOT NULL,
      row_no INT NOT NULL,
      erp_order_no VARCHAR(30) NOT NULL,
      field VARCHAR(24) NOT NULL,
      kind VARCHAR(10) NOT NULL,
      source VARCHAR(10) NOT NULL,
      file_value VARCHAR(160) NULL,
      erp_before VARCHAR(160) NULL,
      proposed VARCHAR(160) NOT NULL,
      confidence DOUBLE NOT NULL,
      evidence ${text} NOT NULL,
      decision VARCHAR(10) NOT NULL,
      state VARCHAR(14) NOT NULL,
      applied_at BIGINT NULL,
      undone_at BIGINT NULL
    )${tail}`);
    await q.query('CREATE UNIQUE INDEX ux_hub_repair_change ON hub_repair_change (job_id, row_no, field)');
    await q.query('CREATE INDEX ix_hub_repair_change_state ON hub_repair_change (job_id, state, decision, id)');
    // Covers the preview's summary (one grouped scan of the job's changes, no row lookups).
    await q.query('CREATE INDEX ix_hub_repair_change_tally ON hub_repair_change (job_id, field, source, decision, state, confidence)');

    // Rows that could not be used, and cells that were refused (formula injection), by row.
    await q.query(`CREATE TABLE hub_repair_issue (
      id ${pk},
      job_id BIGINT NOT NULL,
      row_no INT NOT NULL,
      code VARCHAR(30) NOT NULL,
      column_name VARCHAR(120) NULL,
      cell VARCHAR(200) NULL
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_repair_issue_job ON hub_repair_issue (job_id, id)');
    await q.query('CREATE INDEX ix_hub_repair_issue_row ON hub_repair_issue (job_id, row_no)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['hub_repair_issue', 'hub_repair_change', 'hub_repair_job', 'hub_upload', 'hub_order_draft']) await q.query(`DROP TABLE ${t}`);
  }
}
