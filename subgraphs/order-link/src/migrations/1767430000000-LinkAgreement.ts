// What the linker needs to link only what agrees: the goods on each side (SKU codes, not only their
// fingerprint), who a waybill is for (consignee, destination city), and the further orders of a
// document whose reference names several (a combined shipment).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LinkAgreement1767430000000 implements MigrationInterface {
  name = 'LinkAgreement1767430000000';

  async up(q: QueryRunner): Promise<void> {
    const tail = q.connection.options.type === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
    await q.query('ALTER TABLE hub_order ADD COLUMN sku_codes TEXT NULL');
    await q.query('ALTER TABLE hub_document ADD COLUMN sku_codes TEXT NULL');
    await q.query('ALTER TABLE hub_document ADD COLUMN consignee VARCHAR(98) NULL');
    await q.query('ALTER TABLE hub_document ADD COLUMN dest_city VARCHAR(40) NULL');
    // hub_document.order_id is the first order a document is linked to; these are the others.
    await q.query(`CREATE TABLE hub_document_order (
      system VARCHAR(3) NOT NULL,
      document_no VARCHAR(40) NOT NULL,
      order_id BIGINT NOT NULL,
      method VARCHAR(24) NOT NULL,
      confidence DOUBLE NOT NULL,
      linked_at BIGINT NOT NULL,
      PRIMARY KEY (system, document_no, order_id)
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_document_order_order ON hub_document_order (order_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hub_document_order');
    for (const c of ['sku_codes', 'consignee', 'dest_city']) await q.query(`ALTER TABLE hub_document DROP COLUMN ${c}`);
    await q.query('ALTER TABLE hub_order DROP COLUMN sku_codes');
  }
}
