// The order event log (issue 13): every change the hub learns of an order, recorded by triggers in
// the writer's transaction (events/triggers.ts), numbered per order and in one global order by the
// sequencer (events/log.ts), and published from here to subscribers (outbox style).
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { eventTriggers } from '../events/triggers.js';

export class OrderEvents1767400000000 implements MigrationInterface {
  name = 'OrderEvents1767400000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    const pk = mysql ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    const tail = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
    // seq (per order) and position (across all orders) are NULL until the sequencer numbers the
    // event: in the order events commit, which is the order subscribers get them in.
    await q.query(`CREATE TABLE hub_order_event (
      id ${pk},
      order_id BIGINT NOT NULL,
      type VARCHAR(24) NOT NULL,
      system VARCHAR(4) NOT NULL,
      at BIGINT NULL,
      detail TEXT NOT NULL,
      recorded_us BIGINT NOT NULL,
      seq INT NULL,
      position BIGINT NULL
    )${tail}`);
    await q.query('CREATE UNIQUE INDEX ux_hub_order_event_position ON hub_order_event (position)');
    await q.query('CREATE UNIQUE INDEX ux_hub_order_event_seq ON hub_order_event (order_id, seq)');
    await q.query('CREATE INDEX ix_hub_order_event_order ON hub_order_event (order_id, position)');
    // One row: how far the log is numbered, and how far it has been handed to the bus.
    await q.query(`CREATE TABLE hub_event_stream (
      id INT NOT NULL PRIMARY KEY,
      numbered_to BIGINT NOT NULL,
      published_to BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )${tail}`);
    await q.query('INSERT INTO hub_event_stream (id, numbered_to, published_to, updated_at) VALUES (1, 0, 0, 0)');
    for (const t of eventTriggers(mysql ? 'mysql' : 'sqlite')) await q.query(t.sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of eventTriggers(q.connection.options.type === 'mysql' ? 'mysql' : 'sqlite')) await q.query(`DROP TRIGGER ${t.name}`);
    await q.query('DROP TABLE hub_event_stream');
    await q.query('DROP TABLE hub_order_event');
  }
}
