// The hub's own schema. Times are epoch milliseconds (BIGINT): the hub has no legacy zone to honour.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class HubInit1732406400000 implements MigrationInterface {
  name = 'HubInit1732406400000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    const pk = mysql ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    const tail = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
    // One row per ERP sales order: the unified order. Node times and status are derived from the
    // order's linked documents and stored so that lists can filter on them.
    await q.query(`CREATE TABLE hub_order (
      id ${pk},
      erp_order_no VARCHAR(30) NOT NULL,
      customer_code VARCHAR(20) NOT NULL,
      store_code VARCHAR(12) NOT NULL,
      region VARCHAR(20) NOT NULL,
      ordered_at BIGINT NOT NULL,
      order_date CHAR(10) NOT NULL,
      sku_signature VARCHAR(40) NOT NULL,
      cancelled SMALLINT NOT NULL DEFAULT 0,
      status VARCHAR(20) NOT NULL,
      wms_outbound_no VARCHAR(30) NULL,
      tms_waybill_no VARCHAR(30) NULL,
      paid_at BIGINT NULL,
      picking_at BIGINT NULL,
      shipped_out_at BIGINT NULL,
      in_transit_at BIGINT NULL,
      out_for_delivery_at BIGINT NULL,
      signed_at BIGINT NULL,
      completed_at BIGINT NULL,
      missing_nodes VARCHAR(120) NOT NULL DEFAULT '',
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )${tail}`);
    await q.query('CREATE UNIQUE INDEX ux_hub_order_erp ON hub_order (erp_order_no)');
    await q.query('CREATE INDEX ix_hub_order_time ON hub_order (ordered_at, id)');
    await q.query('CREATE INDEX ix_hub_order_customer ON hub_order (customer_code, ordered_at)');
    await q.query('CREATE INDEX ix_hub_order_store ON hub_order (store_code, ordered_at)');
    await q.query('CREATE INDEX ix_hub_order_region ON hub_order (region, ordered_at)');
    await q.query('CREATE INDEX ix_hub_order_status ON hub_order (status, ordered_at)');
    await q.query('CREATE INDEX ix_hub_order_match ON hub_order (customer_code, order_date)');

    // Every WMS outbound and TMS waybill the hub has seen, linked to an order or not.
    await q.query(`CREATE TABLE hub_document (
      system VARCHAR(3) NOT NULL,
      document_no VARCHAR(40) NOT NULL,
      order_id BIGINT NULL,
      state VARCHAR(10) NOT NULL,
      method VARCHAR(24) NULL,
      confidence DOUBLE NULL,
      reason VARCHAR(24) NULL,
      candidates VARCHAR(255) NULL,
      reference_raw VARCHAR(60) NULL,
      reference_doc VARCHAR(40) NULL,
      customer_code VARCHAR(20) NULL,
      doc_date CHAR(10) NULL,
      sku_signature VARCHAR(40) NULL,
      milestones VARCHAR(400) NOT NULL DEFAULT '{}',
      first_seen_at BIGINT NOT NULL,
      linked_at BIGINT NULL,
      updated_at BIGINT NOT NULL,
      PRIMARY KEY (system, document_no)
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_document_order ON hub_document (order_id)');
    await q.query('CREATE INDEX ix_hub_document_state ON hub_document (state, first_seen_at)');
    await q.query('CREATE INDEX ix_hub_document_ref ON hub_document (reference_doc, state)');
    await q.query('CREATE INDEX ix_hub_document_customer ON hub_document (customer_code, state)');

    // Where each change feed was last read up to.
    await q.query(`CREATE TABLE hub_sync_cursor (
      source VARCHAR(20) NOT NULL PRIMARY KEY,
      position VARCHAR(120) NOT NULL,
      updated_at BIGINT NOT NULL
    )${tail}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hub_sync_cursor');
    await q.query('DROP TABLE hub_document');
    await q.query('DROP TABLE hub_order');
  }
}
