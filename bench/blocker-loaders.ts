// What the two blocker loaders that read unlinked documents cost per batch of 500 orders, before and
// after hub_document_candidate: before, every unlinked document with the reason was read and its
// candidates list split in JS; now the rows naming the asked orders are read through the order_no
// index. A hub database of its own, seeded with documents as the linker writes them (no stack, no
// legacy systems): the statements alone. Its section of bench/results/blockers.md is replaced when rerun.
// Run: npx tsx bench/blocker-loaders.ts [--orders 50000] [--dialect mysql|sqlite] [--batches 20]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, openDataSource } from '../common/src/db.js';
import type { LegacySystem } from '../common/src/legacy.js';
import { groupByKey } from '../common/src/loader.js';
import { HUB_MIGRATIONS } from '../subgraphs/order-link/src/server.js';
import { Ledger } from '../subgraphs/order-link/src/rules/ledger.js';
import { CONTRADICTION_REASONS, newDocument, saveDocuments, type DocumentRecord } from '../subgraphs/order-link/src/linking/records.js';
import { MYSQL_URL } from '../test/helpers/stack.js';
import { args, LOADERS_HEADING, machine, median, writeSection } from './lib.js';

const opts = args({ orders: '50000', dialect: 'mysql', batches: '20', shares: '0.02,0.2' });
const orders = Number(opts.orders);
const direct = { call: (_op: string, fn: () => Promise<unknown>) => fn() } as unknown as LegacySystem;
const orderNo = (i: number) => `SO-202511${String(1 + Math.floor(i / 2600)).padStart(2, '0')}-${String(i % 2600).padStart(4, '0')}`;

/** As the loaders read before this change (src/rules/ledger.ts until hub_document_candidate). */
const before = {
  async ambiguous(db: DataSource, nos: string[]) {
    const rows = await db.query("SELECT document_no, candidates FROM hub_document WHERE state = 'UNLINKED' AND reason = 'AMBIGUOUS_MATCH'");
    const pairs = rows.flatMap((r: any) => String(r.candidates ?? '').split(',').map((no) => ({ no, outbound: r.document_no as string })));
    return groupByKey(nos, pairs, (p: any) => p.no).map((ps) => ps.map((p: any) => p.outbound));
  },
  async contradicting(db: DataSource, nos: string[]) {
    const rows = await db.query(`SELECT system, document_no, reason, candidates, reference_raw FROM hub_document WHERE state = 'UNLINKED' AND reason IN (?, ?, ?)`, [...CONTRADICTION_REASONS]);
    const pairs = rows.flatMap((r: any) =>
      String(r.candidates ?? '').split(',').filter(Boolean).map((no) => ({ no, doc: { system: r.system, documentNo: r.document_no, reason: r.reason, reference: r.reference_raw } })),
    );
    return groupByKey(nos, pairs, (p: any) => p.no).map((ps) => ps.map((p: any) => p.doc));
  },
};

/** One WMS outbound an order, a waybill for two in three; `share` of them unlinked, as the linker leaves them. */
function* documents(share: number): Generator<DocumentRecord[]> {
  let seed = 7;
  const r = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let batch: DocumentRecord[] = [];
  for (let i = 0; i < orders; i++) {
    for (const system of ['WMS', 'TMS'] as const) {
      if (system === 'TMS' && r() < 1 / 3) continue;
      const unlinked = r() < share;
      const roll = r();
      // Of the unlinked: ambiguous outbounds naming two orders, contradicting documents naming one, the rest naming none.
      const reason = !unlinked ? null : system === 'WMS' && roll < 0.45 ? 'AMBIGUOUS_MATCH' : roll < 0.55 ? CONTRADICTION_REASONS[Math.floor(r() * 3)] : 'REFERENCE_NOT_FOUND';
      const named = reason === 'AMBIGUOUS_MATCH' ? [orderNo(i), orderNo(Math.min(orders - 1, i + 1 + Math.floor(r() * 5)))] : reason && reason !== 'REFERENCE_NOT_FOUND' ? [orderNo(i)] : [];
      batch.push({
        ...newDocument(system, `${system === 'WMS' ? 'CK' : 'SF'}${String(i).padStart(9, '0')}`, 1_762_560_000_000 + i * 1000),
        ...(unlinked ? { reason: reason as DocumentRecord['reason'] } : { order_id: i + 1, state: 'LINKED', method: 'REFERENCE', confidence: 1 }),
        candidates: named.length ? named.join(',') : null,
        reference_raw: orderNo(i),
        reference_doc: orderNo(i),
        customer_code: `C${String(i % 2000).padStart(4, '0')}`,
        doc_date: '2025-11-08',
      });
      if (batch.length >= 2000) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

async function time(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

const sections: string[] = [];
for (const share of opts.shares.split(',').map(Number)) {
  const url =
    opts.dialect === 'mysql'
      ? `${MYSQL_URL.replace(/\/$/, '')}/${process.env.TEST_DB_PREFIX ?? 'oh'}_loaders_hub`
      : `sqlite:${join(mkdtempSync(join(tmpdir(), 'oh-loaders-')), 'hub.sqlite')}`;
  await dropDatabase(url);
  await ensureDatabase(url);
  const db = await openDataSource(url, { migrations: HUB_MIGRATIONS, poolSize: 2 });
  try {
    await db.runMigrations({ transaction: 'each' });
    for (const docs of documents(share)) await saveDocuments(db, docs);
    if (opts.dialect === 'mysql') await db.query('ANALYZE TABLE hub_document, hub_document_candidate');
    const count = async (sql: string) => Number((await db.query(sql))[0].n);
    const docs = await count('SELECT COUNT(*) AS n FROM hub_document');
    const unlinked = await count("SELECT COUNT(*) AS n FROM hub_document WHERE state = 'UNLINKED'");
    const pairs = await count('SELECT COUNT(*) AS n FROM hub_document_candidate');
    const ledger = new Ledger(db, direct);
    const batches = Number(opts.batches);
    // Batches of 500 orders spread over the history, as a pass over every due order asks them.
    const asked = Array.from({ length: batches }, (_, b) => Array.from({ length: 500 }, (_, k) => orderNo(Math.floor((b / batches) * (orders - 500)) + k)));
    let round = 0;
    const next = () => asked[round++ % batches];
    // Same answers first (duplicates in a list aside, which the linker never writes).
    for (const nos of asked.slice(0, 3)) {
      if (JSON.stringify(await before.ambiguous(db, nos)) !== JSON.stringify(await ledger.ambiguousOutboundsByOrderNo(nos))) throw new Error('ambiguous answers differ');
      const [a, b] = [await before.contradicting(db, nos), await ledger.contradictingDocumentsByOrderNo(nos)];
      if (JSON.stringify(a.map((x) => x.length)) !== JSON.stringify(b.map((x) => x.length))) throw new Error('contradicting answers differ');
    }
    const figures = {
      floor: await time(() => db.query('SELECT 1'), batches),
      ambiguousBefore: await time(() => before.ambiguous(db, next()), batches),
      ambiguousAfter: await time(() => ledger.ambiguousOutboundsByOrderNo(next()), batches),
      contradictingBefore: await time(() => before.contradicting(db, next()), batches),
      contradictingAfter: await time(() => ledger.contradictingDocumentsByOrderNo(next()), batches),
    };
    let plan = '';
    if (opts.dialect === 'mysql') {
      const seen: [string, unknown[]][] = [];
      const spy = { options: db.options, query: (sql: string, params: unknown[]) => (seen.push([sql, params]), db.query(sql, params)) } as unknown as DataSource;
      await new Ledger(spy, direct).contradictingDocumentsByOrderNo(asked[0]);
      const rows = await db.query(`EXPLAIN ${seen[0][0]}`, seen[0][1]);
      plan = `\nEXPLAIN of the new statement (500 order numbers): ${rows.map((p: any) => `\`${p.table}\` ${p.type} on ${p.key} (${p.rows} rows)`).join(', ')}.\n`;
    }
    console.log(share, figures, plan);
    const f = (ms: number) => ms.toFixed(ms < 10 ? 2 : 1);
    sections.push(`### ${(share * 100).toFixed(0)} % of documents unlinked

${docs.toLocaleString('en-US')} documents, ${unlinked.toLocaleString('en-US')} unlinked, ${pairs.toLocaleString('en-US')} rows in hub_document_candidate.

| loader (batch of 500 orders) | before: every unlinked document, split in JS | after: by order_no through hub_document_candidate |
| --- | ---: | ---: |
| document.ambiguous | ${f(figures.ambiguousBefore)} ms | ${f(figures.ambiguousAfter)} ms |
| document.contradicting | ${f(figures.contradictingBefore)} ms | ${f(figures.contradictingAfter)} ms |
| (a round trip: \`SELECT 1\`) | ${f(figures.floor)} ms | |
${plan}`);
  } finally {
    await db.destroy();
    await dropDatabase(url);
  }
}

const MARIADB_PLAN =
  ' Where hub_document_candidate is small, MariaDB may read all of its primary key (narrow and covering: the order number is checked before any document is looked up) rather than 500 ranges; that stays bounded by the documents that name an order, and the EXPLAIN lines say which plan each size got.';
const heading = `${LOADERS_HEADING} (${opts.dialect === 'mysql' ? 'MariaDB' : 'SQLite'})`;
const md = `${heading}

\`npx tsx bench/blocker-loaders.ts --orders ${opts.orders} --dialect ${opts.dialect} --batches ${opts.batches}\` — ${new Date().toISOString().slice(0, 10)}, ${machine()}${opts.dialect === 'mysql' ? ', MariaDB 10.11 on the same machine' : ', embedded SQLite'} (shared and busy: medians of ${opts.batches} calls each; the statements alone, on a hub database of their own holding ${orders.toLocaleString('en-US')} orders' documents as the linker writes them).

At 200,000 orders the lead's \`npm run bench:scale -- --sizes 20000,200000\` had measured 276 s (document.ambiguous) and 279 s (document.contradicting) in 1,753 calls each, ~160 ms a call, in the catch-up after a bulk first sync. Before, a call's cost grows with the unlinked documents of the whole history; after, with the documents naming the asked orders.${opts.dialect === 'mysql' ? MARIADB_PLAN : ''}

${sections.join('\n')}`;
writeSection('bench/results/blockers.md', heading, md);
