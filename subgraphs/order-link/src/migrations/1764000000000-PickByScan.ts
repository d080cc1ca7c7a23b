// The hub's records of the pick-by-scan flow. WMS keeps the legacy side (t_out_line quantities,
// t_pick_scan, t_seal_log); these hold what WMS has no column for.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PickByScan1764000000000 implements MigrationInterface {
  name = 'PickByScan1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    const pk = mysql ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    const tail = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
    const text = mysql ? 'MEDIUMTEXT' : 'TEXT';

    // The FEFO allocation the hub wrote into an outbound's t_out_line, once per outbound. PENDING
    // is written before the WMS transaction commits, APPLIED after: a PENDING row whose lines and
    // stamp WMS does not show is an allocation that never landed and is made again.
    await q.query(`CREATE TABLE hub_pick_allocation (
      out_no VARCHAR(30) NOT NULL PRIMARY KEY,
      state VARCHAR(10) NOT NULL,
      stamp BIGINT NOT NULL,
      plan ${text} NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )${tail}`);

    // Every scan with its outcome (t_pick_scan only says right or wrong): pickingStats reads here.
    await q.query(`CREATE TABLE hub_pick_scan (
      id ${pk},
      out_no VARCHAR(30) NOT NULL,
      order_id BIGINT NOT NULL,
      picker VARCHAR(40) NOT NULL,
      outcome VARCHAR(16) NOT NULL,
      sku VARCHAR(30) NULL,
      batch_no VARCHAR(20) NULL,
      quantity INT NOT NULL,
      completed SMALLINT NOT NULL DEFAULT 0,
      scanned_at BIGINT NOT NULL
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_pick_scan_time ON hub_pick_scan (scanned_at)');
    await q.query('CREATE INDEX ix_hub_pick_scan_out ON hub_pick_scan (out_no)');

    // The electronic seal: the canonical content that was hashed, the hash (t_seal_log.seal_no
    // holds its first 38 hex digits), and the waybill handed to TMS.
    await q.query(`CREATE TABLE hub_seal (
      out_no VARCHAR(30) NOT NULL PRIMARY KEY,
      order_id BIGINT NOT NULL,
      seal_no VARCHAR(40) NOT NULL,
      hash CHAR(64) NOT NULL,
      content ${text} NOT NULL,
      packer VARCHAR(40) NOT NULL,
      sealed_at BIGINT NOT NULL,
      waybill_no VARCHAR(30) NULL,
      waybill_at BIGINT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_seal_time ON hub_seal (sealed_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hub_seal');
    await q.query('DROP TABLE hub_pick_scan');
    await q.query('DROP TABLE hub_pick_allocation');
  }
}
