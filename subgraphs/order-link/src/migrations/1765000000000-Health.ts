// Order health, reconciliation and the daily report: what the linker keeps of the ERP header for
// them, one fact row per order for the health figures, and the reports with their deliveries.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Health1765000000000 implements MigrationInterface {
  name = 'Health1765000000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    const pk = mysql ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    const text = mysql ? 'MEDIUMTEXT' : 'TEXT';
    const tail = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';

    // From the ERP header the linker already reads: the promise, ERP's own status (a payment whose
    // time was never recorded still shows as 已收款) and the total.
    await q.query('ALTER TABLE hub_order ADD COLUMN promised_at BIGINT NULL');
    await q.query('ALTER TABLE hub_order ADD COLUMN erp_status VARCHAR(10) NULL');
    await q.query('ALTER TABLE hub_order ADD COLUMN total_fen BIGINT NULL');
    // The health facts follow hub_order's own changes in (updated_at, id) order.
    await q.query('CREATE INDEX ix_hub_order_updated ON hub_order (updated_at, id)');
    // Orders linked before this migration get the new columns when the linker reads the ERP feed
    // again from the start (it changes nothing else: every other fact is as it was).
    await q.query("DELETE FROM hub_sync_cursor WHERE source = 'erp'");

    // One row per order: what the health figures are computed from, kept current from hub_order's
    // changes and batched legacy reads (ERP lines, WMS lines and stock, CRM tickets). Everything
    // that depends on "as of when" (late yet? outbound overdue?) is decided at query time, from
    // instants stored here: decided_at (delivery can be judged from then on) and late_from (the
    // order counts as late from then on; NULL when it was delivered by its promise).
    await q.query(`CREATE TABLE hub_order_fact (
      order_id BIGINT NOT NULL PRIMARY KEY,
      erp_order_no VARCHAR(30) NOT NULL,
      customer_code VARCHAR(20) NOT NULL,
      store_code VARCHAR(12) NOT NULL,
      region VARCHAR(20) NOT NULL,
      ordered_at BIGINT NOT NULL,
      order_date CHAR(10) NOT NULL,
      promised_at BIGINT NULL,
      promise_date CHAR(10) NULL,
      cancelled SMALLINT NOT NULL,
      paid SMALLINT NOT NULL,
      paid_at BIGINT NULL,
      total_fen BIGINT NULL,
      outbound_no VARCHAR(30) NULL,
      outbound_method VARCHAR(24) NULL,
      waybill_no VARCHAR(30) NULL,
      shipped_out_at BIGINT NULL,
      completion_at BIGINT NULL,
      decided_at BIGINT NULL,
      late_from BIGINT NULL,
      goods_lines INT NOT NULL DEFAULT 0,
      lines_matched INT NOT NULL DEFAULT 0,
      inventory_basis VARCHAR(40) NULL,
      inventory_detail VARCHAR(1000) NULL,
      qty_state VARCHAR(10) NULL,
      qty_diff_fen BIGINT NULL,
      qty_detail VARCHAR(1000) NULL,
      tickets INT NOT NULL DEFAULT 0,
      returns_exchanges INT NOT NULL DEFAULT 0,
      response_hours DOUBLE NULL,
      tickets_at BIGINT NULL,
      fired_mask INT NOT NULL DEFAULT 0,
      source_updated_at BIGINT NOT NULL,
      refreshed_at BIGINT NOT NULL
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_fact_ordered ON hub_order_fact (ordered_at)');
    await q.query('CREATE INDEX ix_hub_fact_promised ON hub_order_fact (promised_at)');
    await q.query('CREATE INDEX ix_hub_fact_region ON hub_order_fact (region, ordered_at)');
    await q.query('CREATE INDEX ix_hub_fact_region_promised ON hub_order_fact (region, promised_at)');
    await q.query('CREATE INDEX ix_hub_fact_store ON hub_order_fact (store_code, ordered_at)');
    await q.query('CREATE INDEX ix_hub_fact_store_promised ON hub_order_fact (store_code, promised_at)');
    await q.query('CREATE INDEX ix_hub_fact_qty ON hub_order_fact (qty_state, ordered_at)');
    // The fired decisions of a batch of orders, without reading the ones that did not fire.
    await q.query('CREATE INDEX ix_hub_decision_fired ON hub_decision (fired, order_id, kind)');

    // One row per reported day: the row is the lock that makes one run of several instances do it.
    await q.query(`CREATE TABLE hub_report (
      report_date CHAR(10) NOT NULL PRIMARY KEY,
      state VARCHAR(10) NOT NULL,
      claimed_by VARCHAR(100) NOT NULL,
      claimed_until BIGINT NOT NULL,
      run_trigger VARCHAR(10) NOT NULL,
      started_at BIGINT NOT NULL,
      finished_at BIGINT NULL,
      as_of BIGINT NOT NULL,
      health ${text} NULL,
      reconciliation ${text} NULL,
      markdown ${text} NULL,
      delivery_state VARCHAR(10) NOT NULL,
      error VARCHAR(500) NULL
    )${tail}`);
    await q.query(`CREATE TABLE hub_report_delivery (
      id ${pk},
      report_date CHAR(10) NOT NULL,
      attempt INT NOT NULL,
      at BIGINT NOT NULL,
      ok SMALLINT NOT NULL,
      http_status INT NULL,
      response VARCHAR(500) NULL,
      error VARCHAR(500) NULL,
      millis INT NOT NULL
    )${tail}`);
    await q.query('CREATE UNIQUE INDEX ux_hub_report_delivery ON hub_report_delivery (report_date, attempt)');
  }

  async down(q: QueryRunner): Promise<void> {
    const on = (table: string) => (q.connection.options.type === 'mysql' ? ` ON ${table}` : '');
    for (const t of ['hub_report_delivery', 'hub_report', 'hub_order_fact']) await q.query(`DROP TABLE ${t}`);
    await q.query(`DROP INDEX ix_hub_decision_fired${on('hub_decision')}`);
    await q.query(`DROP INDEX ix_hub_order_updated${on('hub_order')}`);
    for (const c of ['total_fen', 'erp_status', 'promised_at']) await q.query(`ALTER TABLE hub_order DROP COLUMN ${c}`);
  }
}
