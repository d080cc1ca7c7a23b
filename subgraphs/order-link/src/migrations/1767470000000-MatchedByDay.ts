// The linker decides again only the matched outbounds a new order could fit (its customer, created
// within the match window after the order's day), so it asks by customer, state and day: the index
// on (customer_code, state) alone made that walk every linked outbound of a customer's history. The
// new one starts with the old one's columns, which every other query by customer still uses.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MatchedByDay1767470000000 implements MigrationInterface {
  name = 'MatchedByDay1767470000000';

  async up(q: QueryRunner): Promise<void> {
    const on = q.connection.options.type === 'mysql' ? ' ON hub_document' : '';
    await q.query('CREATE INDEX ix_hub_document_customer_day ON hub_document (customer_code, state, doc_date)');
    await q.query(`DROP INDEX ix_hub_document_customer${on}`);
  }

  async down(q: QueryRunner): Promise<void> {
    const on = q.connection.options.type === 'mysql' ? ' ON hub_document' : '';
    await q.query('CREATE INDEX ix_hub_document_customer ON hub_document (customer_code, state)');
    await q.query(`DROP INDEX ix_hub_document_customer_day${on}`);
  }
}
