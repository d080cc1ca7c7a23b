// The orders an unlinked document names (hub_document.candidates, a comma list) as rows, so that an
// order's ambiguous and contradicting documents are found by its number through an index. Reading
// every unlinked document and splitting the lists cost ~160 ms a batch of 500 orders at 200,000
// orders (1,753 batches each for the two loaders after a bulk first sync), growing with history.
// The linker writes both in one transaction (src/linking/records.ts saveDocuments); the lists are kept
// as they are, for the blocker triggers and reconciliation that read them.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const PAGE = 2000;

export class DocumentCandidates1767490000000 implements MigrationInterface {
  name = 'DocumentCandidates1767490000000';

  async up(q: QueryRunner): Promise<void> {
    const tail = q.connection.options.type === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
    await q.query(`CREATE TABLE hub_document_candidate (
      system VARCHAR(3) NOT NULL,
      document_no VARCHAR(40) NOT NULL,
      order_no VARCHAR(40) NOT NULL,
      PRIMARY KEY (system, document_no, order_no)
    )${tail}`);
    await q.query('CREATE INDEX ix_hub_document_candidate_order ON hub_document_candidate (order_no)');
    // The lists already written, a page at a time in key order (only unlinked documents have one).
    let after: [string, string] = ['', ''];
    for (;;) {
      const rows: { system: string; document_no: string; candidates: string }[] = await q.query(
        `SELECT system, document_no, candidates FROM hub_document
         WHERE candidates IS NOT NULL AND (system > ? OR (system = ? AND document_no > ?)) ORDER BY system, document_no LIMIT ${PAGE}`,
        [after[0], after[0], after[1]],
      );
      if (!rows.length) break;
      const pairs = rows.flatMap((r) => [...new Set(String(r.candidates).split(',').filter(Boolean))].map((no) => [r.system, r.document_no, no]));
      for (let i = 0; i < pairs.length; i += 500) {
        const chunk = pairs.slice(i, i + 500);
        await q.query(`INSERT INTO hub_document_candidate (system, document_no, order_no) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`, chunk.flat());
      }
      const last = rows[rows.length - 1];
      after = [last.system, last.document_no];
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hub_document_candidate');
  }
}
