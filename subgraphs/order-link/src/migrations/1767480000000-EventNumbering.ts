// The sequencer (events/log.ts) asks for the oldest unnumbered events: `position IS NULL ORDER BY id`.
// With only the unique index on position, MariaDB walks the primary key from the start, past every
// event already numbered, before it finds one — at 436,000 numbered events 0.9 s per batch of 500,
// beyond the hub's read timeout, so after a bulk load the backlog was numbered at ~50 events/s.
// This index hands over the unnumbered ones in id order, reading only them (and covers order_id).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EventNumbering1767480000000 implements MigrationInterface {
  name = 'EventNumbering1767480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX ix_hub_order_event_unnumbered ON hub_order_event (position, id, order_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    // SQLite's DROP INDEX takes no table.
    const on = q.connection.options.type === 'mysql' ? ' ON hub_order_event' : '';
    await q.query(`DROP INDEX ix_hub_order_event_unnumbered${on}`);
  }
}
