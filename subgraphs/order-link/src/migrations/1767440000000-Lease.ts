// Many order-link instances against one hub (src/lease.ts):
// - `hub_lease`: who holds the singleton work, its fencing token (raised at every change of holder),
//   until when, and when the holder's last link round started and finished (followers asked for a
//   fresh round wait on it);
// - `hub_fence`: the current token alone, which every singleton write share-locks and checks: kept
//   apart from `hub_lease` so that renewals and round marks never wait for those writes, while a
//   change of holder (an exclusive lock) waits for the former holder's writes in flight;
// - `hub_sync_repair.applied_at`: a sweep's findings are handled by the holder's linker, whichever
//   instance swept; unapplied ones are found by index.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Lease1767440000000 implements MigrationInterface {
  name = 'Lease1767440000000';

  async up(q: QueryRunner): Promise<void> {
    const tail = q.connection.options.type === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
    await q.query(`CREATE TABLE hub_lease (
      name VARCHAR(40) NOT NULL PRIMARY KEY,
      holder VARCHAR(120) NOT NULL,
      token BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      acquired_at BIGINT NOT NULL,
      round_started_at BIGINT NOT NULL,
      round_done_at BIGINT NOT NULL
    )${tail}`);
    await q.query(`CREATE TABLE hub_fence (
      name VARCHAR(40) NOT NULL PRIMARY KEY,
      token BIGINT NOT NULL
    )${tail}`);
    await q.query('ALTER TABLE hub_sync_repair ADD COLUMN applied_at BIGINT NULL');
    await q.query('CREATE INDEX ix_hub_sync_repair_pending ON hub_sync_repair (applied_at, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    const on = q.connection.options.type === 'mysql' ? ' ON hub_sync_repair' : '';
    await q.query(`DROP INDEX ix_hub_sync_repair_pending${on}`);
    await q.query('ALTER TABLE hub_sync_repair DROP COLUMN applied_at');
    await q.query('DROP TABLE hub_fence');
    await q.query('DROP TABLE hub_lease');
  }
}
