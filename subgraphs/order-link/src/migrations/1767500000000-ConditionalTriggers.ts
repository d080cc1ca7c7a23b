// The event and blocker-due triggers on MariaDB test their condition with IF before writing, instead
// of an INSERT … SELECT … WHERE <condition> that runs (and locks for) every row written: recording
// the rules' decisions for 5,200 orders took ~7.9 s with them and ~5.3 s with IF
// (bench/results/rules.md). Same rows written either way; SQLite keeps its form (a WHERE there is cheap).
// Databases made before this get their triggers recreated; new ones already have them from the
// migrations that introduced them (they build the statements from the same functions).
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { callActionTriggers, eventTriggers, recordedBlockerTriggers } from '../events/triggers.js';
import { blockerDueTriggers } from '../blocker-record.js';

const recreate = async (q: QueryRunner): Promise<void> => {
  if (q.connection.options.type !== 'mysql') return;
  for (const t of [...eventTriggers('mysql'), ...callActionTriggers('mysql'), ...recordedBlockerTriggers('mysql'), ...blockerDueTriggers('mysql')]) {
    await q.query(`DROP TRIGGER IF EXISTS ${t.name}`);
    await q.query(t.sql);
  }
};

export class ConditionalTriggers1767500000000 implements MigrationInterface {
  name = 'ConditionalTriggers1767500000000';

  async up(q: QueryRunner): Promise<void> {
    await recreate(q);
  }

  /** Both forms write the same rows: going back leaves the current form in place. */
  async down(): Promise<void> {}
}
