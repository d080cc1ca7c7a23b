// Tokens revoked before they expire: long-lived service-account tokens (role bi) above all. Every
// gateway instance reads this list through the graph (revokedTokens) and refuses what is on it.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RevokedTokens1767300000100 implements MigrationInterface {
  name = 'RevokedTokens1767300000100';

  async up(q: QueryRunner): Promise<void> {
    const tail = q.connection.options.type === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
    // The token's jti is the key: revoking it again is the same fact.
    await q.query(`CREATE TABLE hub_revoked_token (
      jti VARCHAR(128) NOT NULL PRIMARY KEY,
      reason VARCHAR(500) NOT NULL,
      revoked_by VARCHAR(100) NOT NULL,
      revoked_at BIGINT NOT NULL,
      expires_at BIGINT NULL
    )${tail}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hub_revoked_token');
  }
}
