// Due blocker marks found by their order: the recorder takes every mark of the orders it records,
// not only those in the window it scanned (src/blocker-record.ts). After a bulk load of 200,000
// orders, 650,000 marks lay far apart (an order's insert, its documents, its decisions) and each
// order was recomputed about once per mark.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class BlockerDueByOrder1767510000000 implements MigrationInterface {
  name = 'BlockerDueByOrder1767510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX ix_hub_blocker_due_order ON hub_blocker_due (order_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_hub_blocker_due_order${q.connection.options.type === 'mysql' ? ' ON hub_blocker_due' : ''}`);
  }
}
