// When each row of a table BI extracts last changed, stamped by the database itself: a column
// `changed_us` (epoch microseconds) that triggers set on every insert and update, whoever writes —
// the linker, the rules, the health facts, the pick flow — so that an incremental extraction can ask
// "what changed since" without any writer having to remember to say so.
//
// MariaDB stamps with SYSDATE(6), the moment the row is written inside its transaction, never the
// statement's start: a row written by a transaction still open is therefore never stamped before
// that transaction's start, which INFORMATION_SCHEMA.INNODB_TRX shows. common/src/facts/horizon.ts
// builds the late-commit guarantee on exactly that. Rows from before this migration keep 0: changed
// at an unknown time before any high-water mark was handed out.
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables with their key columns (the stamp index ends with them, for a stable order within one microsecond). */
export const STAMPED_TABLES: Record<string, string[]> = {
  hub_order: ['id'],
  hub_order_fact: ['order_id'],
  hub_document: ['system', 'document_no'],
  hub_decision: ['order_id', 'rule_id'],
  hub_hold: ['id'],
  hub_pick_scan: ['id'],
};

export class FactStamps1767300000000 implements MigrationInterface {
  name = 'FactStamps1767300000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    for (const [table, key] of Object.entries(STAMPED_TABLES)) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN changed_us BIGINT NOT NULL DEFAULT 0`);
      await q.query(`CREATE INDEX ix_${table}_changed ON ${table} (changed_us, ${key.join(', ')})`);
      if (mysql) {
        const stamp = 'CAST(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 AS SIGNED)';
        await q.query(`CREATE TRIGGER tr_${table}_stamp_insert BEFORE INSERT ON ${table} FOR EACH ROW SET NEW.changed_us = ${stamp}`);
        await q.query(`CREATE TRIGGER tr_${table}_stamp_update BEFORE UPDATE ON ${table} FOR EACH ROW SET NEW.changed_us = ${stamp}`);
      } else {
        // SQLite cannot assign NEW in a trigger: the row is stamped right after it is written, in
        // the same statement (the trigger's own UPDATE does not fire it again).
        const stamp = "CAST(unixepoch('subsec') * 1000000 AS INTEGER)";
        await q.query(`CREATE TRIGGER tr_${table}_stamp_insert AFTER INSERT ON ${table} FOR EACH ROW BEGIN UPDATE ${table} SET changed_us = ${stamp} WHERE rowid = NEW.rowid; END`);
        await q.query(
          `CREATE TRIGGER tr_${table}_stamp_update AFTER UPDATE ON ${table} FOR EACH ROW WHEN NEW.changed_us = OLD.changed_us BEGIN UPDATE ${table} SET changed_us = ${stamp} WHERE rowid = NEW.rowid; END`,
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    for (const table of Object.keys(STAMPED_TABLES)) {
      await q.query(`DROP TRIGGER tr_${table}_stamp_insert`);
      await q.query(`DROP TRIGGER tr_${table}_stamp_update`);
      await q.query(`DROP INDEX ix_${table}_changed${mysql ? ` ON ${table}` : ''}`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN changed_us`);
    }
  }
}
