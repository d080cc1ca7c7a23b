// Indexes for statements the linker runs every round, whatever the data: without them each round
// read all of hub_order (orders the rules have not seen yet) and all of hub_outbox (the hub's own
// lot locks), which at a million orders took seconds, twice a second.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ScaleIndexes1766000000000 implements MigrationInterface {
  name = 'ScaleIndexes1766000000000';

  async up(q: QueryRunner): Promise<void> {
    // RuleEngine.evaluatePending: WHERE evaluated_at IS NULL ORDER BY ordered_at, id.
    await q.query('CREATE INDEX ix_hub_order_unevaluated ON hub_order (evaluated_at, ordered_at, id)');
    // FactsLoader.hubLocks: WHERE kind = 'LOCK_BATCH'.
    await q.query('CREATE INDEX ix_hub_outbox_kind ON hub_outbox (kind)');
  }

  async down(q: QueryRunner): Promise<void> {
    const on = (table: string) => (q.connection.options.type === 'mysql' ? ` ON ${table}` : '');
    await q.query(`DROP INDEX ix_hub_outbox_kind${on('hub_outbox')}`);
    await q.query(`DROP INDEX ix_hub_order_unevaluated${on('hub_order')}`);
  }
}
