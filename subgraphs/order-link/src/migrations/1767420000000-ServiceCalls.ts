// Service calls the hub has read (from the CRM's change feed), the orders each concerns, and what
// each intent did: one row per call, order and intent, so reading a call again does nothing twice.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { callActionTriggers } from '../events/triggers.js';

export class ServiceCalls1767420000000 implements MigrationInterface {
  name = 'ServiceCalls1767420000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    const tail = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
    const pk = mysql ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    const text = mysql ? 'MEDIUMTEXT' : 'TEXT';
    await q.query(`CREATE TABLE hub_call (
      call_id VARCHAR(20) NOT NULL PRIMARY KEY,
      change_seq BIGINT NOT NULL,
      customer_code VARCHAR(20) NULL,
      started_at BIGINT NOT NULL,
      transcript ${text} NOT NULL,
      intents VARCHAR(200) NOT NULL,
      reading ${text} NOT NULL,
      order_ref VARCHAR(40) NULL,
      order_source VARCHAR(12) NOT NULL,
      read_at BIGINT NOT NULL
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_call_customer ON hub_call (customer_code, started_at)');
    await q.query(`CREATE TABLE hub_call_order (
      call_id VARCHAR(20) NOT NULL,
      order_id BIGINT NOT NULL,
      source VARCHAR(12) NOT NULL,
      PRIMARY KEY (call_id, order_id)
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_call_order_order ON hub_call_order (order_id)');
    await q.query(`CREATE TABLE hub_call_action (
      id ${pk},
      call_id VARCHAR(20) NOT NULL,
      order_id BIGINT NOT NULL,
      intent VARCHAR(20) NOT NULL,
      action VARCHAR(24) NOT NULL,
      detail VARCHAR(1000) NOT NULL,
      hold_rule_id VARCHAR(64) NULL,
      created_at BIGINT NOT NULL
    )${tail}`);
    await q.query('CREATE UNIQUE INDEX ux_hub_call_action ON hub_call_action (call_id, order_id, intent)');
    await q.query('CREATE INDEX ix_hub_call_action_order ON hub_call_action (order_id, created_at)');
    // What an intent did is an order event too (docs/live-events.md), recorded in the same transaction.
    for (const t of callActionTriggers(mysql ? 'mysql' : 'sqlite')) await q.query(t.sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of callActionTriggers(q.connection.options.type === 'mysql' ? 'mysql' : 'sqlite')) await q.query(`DROP TRIGGER ${t.name}`);
    for (const t of ['hub_call_action', 'hub_call_order', 'hub_call']) await q.query(`DROP TABLE ${t}`);
  }
}
