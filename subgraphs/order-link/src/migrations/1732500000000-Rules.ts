// The rule engine's tables: rules and their audit, decisions with their explanation, holds,
// price adjustments, and the outbox that carries side effects to the legacy systems.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Rules1732500000000 implements MigrationInterface {
  name = 'Rules1732500000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    const pk = mysql ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    const text = mysql ? 'MEDIUMTEXT' : 'TEXT';
    const tail = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';

    await q.query(`CREATE TABLE hub_rule (
      id VARCHAR(64) NOT NULL PRIMARY KEY,
      kind VARCHAR(32) NOT NULL,
      name VARCHAR(200) NOT NULL,
      description VARCHAR(1000) NULL,
      parameters ${text} NOT NULL,
      priority INT NOT NULL,
      enabled SMALLINT NOT NULL,
      version INT NOT NULL,
      updated_by VARCHAR(100) NOT NULL,
      updated_at BIGINT NOT NULL
    )${tail}`);

    // Who did what, when, with the state before and after: rule changes, hold decisions, evaluations on demand.
    await q.query(`CREATE TABLE hub_audit (
      id ${pk},
      at BIGINT NOT NULL,
      actor VARCHAR(100) NOT NULL,
      actor_role VARCHAR(20) NOT NULL,
      action VARCHAR(40) NOT NULL,
      entity VARCHAR(20) NOT NULL,
      entity_id VARCHAR(64) NOT NULL,
      before_state ${text} NULL,
      after_state ${text} NULL,
      reason VARCHAR(1000) NULL
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_audit_entity ON hub_audit (entity, entity_id, at)');

    // The latest evaluation of each rule for each order, with the facts that made it fire.
    await q.query(`CREATE TABLE hub_decision (
      order_id BIGINT NOT NULL,
      rule_id VARCHAR(64) NOT NULL,
      rule_version INT NOT NULL,
      kind VARCHAR(32) NOT NULL,
      fired SMALLINT NOT NULL,
      facts ${text} NOT NULL,
      effects ${text} NOT NULL,
      evaluated_at BIGINT NOT NULL,
      first_fired_at BIGINT NULL,
      PRIMARY KEY (order_id, rule_id)
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_decision_rule ON hub_decision (rule_id, fired)');

    await q.query(`CREATE TABLE hub_hold (
      id ${pk},
      order_id BIGINT NOT NULL,
      rule_id VARCHAR(64) NOT NULL,
      rule_version INT NOT NULL,
      approver_role VARCHAR(20) NOT NULL,
      reason_code VARCHAR(40) NOT NULL,
      internal_reason VARCHAR(1000) NOT NULL,
      state VARCHAR(12) NOT NULL,
      created_at BIGINT NOT NULL,
      decided_by VARCHAR(100) NULL,
      decided_role VARCHAR(20) NULL,
      decided_at BIGINT NULL,
      decision_reason VARCHAR(1000) NULL
    )${tail}`);
    await q.query('CREATE UNIQUE INDEX ux_hub_hold_order_rule ON hub_hold (order_id, rule_id)');
    await q.query('CREATE INDEX ix_hub_hold_state ON hub_hold (state, created_at)');

    await q.query(`CREATE TABLE hub_adjustment (
      order_id BIGINT NOT NULL,
      rule_id VARCHAR(64) NOT NULL,
      kind VARCHAR(12) NOT NULL,
      amount_fen BIGINT NOT NULL,
      description VARCHAR(500) NOT NULL,
      created_at BIGINT NOT NULL,
      PRIMARY KEY (order_id, rule_id, kind)
    )${tail}`);

    // Side effects written with the decision, delivered by a worker with retries; the key makes a
    // second evaluation (or a second instance) unable to queue the same effect twice.
    await q.query(`CREATE TABLE hub_outbox (
      id ${pk},
      kind VARCHAR(20) NOT NULL,
      idem_key VARCHAR(160) NOT NULL,
      order_id BIGINT NULL,
      rule_id VARCHAR(64) NULL,
      payload ${text} NOT NULL,
      state VARCHAR(12) NOT NULL,
      attempts INT NOT NULL DEFAULT 0,
      next_attempt_at BIGINT NOT NULL,
      claimed_until BIGINT NULL,
      last_error VARCHAR(500) NULL,
      created_at BIGINT NOT NULL,
      delivered_at BIGINT NULL
    )${tail}`);
    await q.query('CREATE UNIQUE INDEX ux_hub_outbox_key ON hub_outbox (idem_key)');
    await q.query('CREATE INDEX ix_hub_outbox_due ON hub_outbox (state, next_attempt_at)');
    await q.query('CREATE INDEX ix_hub_outbox_order ON hub_outbox (order_id)');

    // When the rules last looked at an order on their own (orders are evaluated once, as they are linked).
    await q.query('ALTER TABLE hub_order ADD COLUMN evaluated_at BIGINT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['hub_outbox', 'hub_adjustment', 'hub_hold', 'hub_decision', 'hub_audit', 'hub_rule']) await q.query(`DROP TABLE ${t}`);
  }
}
