// Documents an order's remark or requirements ask to travel with the goods (a test report, a
// certificate …), as the warehouse confirms them packed: until then the order shows a blocker.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Attachments1766100000000 implements MigrationInterface {
  name = 'Attachments1766100000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    const tail = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
    // One row per order and document: confirming twice is the same fact, so the key makes it idempotent.
    await q.query(`CREATE TABLE hub_attachment (
      order_id BIGINT NOT NULL,
      attachment VARCHAR(24) NOT NULL,
      confirmed_by VARCHAR(100) NOT NULL,
      confirmed_role VARCHAR(20) NOT NULL,
      confirmed_at BIGINT NOT NULL,
      PRIMARY KEY (order_id, attachment)
    )${tail}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hub_attachment');
  }
}
