// The WMS status of each outbound as last read (`hub_document.doc_status`; null for TMS waybills and
// for outbounds read before it was kept): an outbound cancelled in the WMS after linking is no longer
// the order's live outbound (src/linking/linker.ts), so the hub has to know it was cancelled.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OutboundStatus1767450000000 implements MigrationInterface {
  name = 'OutboundStatus1767450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE hub_document ADD COLUMN doc_status VARCHAR(12) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE hub_document DROP COLUMN doc_status');
  }
}
