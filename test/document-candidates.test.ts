// An order's ambiguous and contradicting documents are found through hub_document_candidate by its
// number: the loaders answer what reading every unlinked document and splitting its list answered,
// the migration fills the rows from the lists already written and goes back down, the linker's write
// keeps rows and lists together, and the loaders' statement starts from the order_no index (SQLite and MariaDB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, openDataSource } from '../common/src/db.js';
import type { LegacySystem } from '../common/src/legacy.js';
import { HUB_MIGRATIONS } from '../subgraphs/order-link/src/server.js';
import { DocumentCandidates1767490000000 } from '../subgraphs/order-link/src/migrations/1767490000000-DocumentCandidates.js';
import { Ledger } from '../subgraphs/order-link/src/rules/ledger.js';
import { CONTRADICTION_REASONS, deleteDocuments, newDocument, readDocument, saveDocuments, type DocumentRecord } from '../subgraphs/order-link/src/linking/records.js';
import { MYSQL_URL, mysqlAvailable } from './helpers/stack.js';
import { Random } from '../legacy-sim/src/random.js';

const direct = { call: (_op: string, fn: () => Promise<unknown>) => fn() } as unknown as LegacySystem;
const ORDERS = Array.from({ length: 120 }, (_, i) => `SO-20251108-${String(i + 1).padStart(3, '0')}`);

/** The generator's seeded PRNG, as a function. */
const random = (seed: number) => {
  const g = new Random(seed);
  return () => g.next();
};

/** Documents of every state and reason, some naming orders, some the same order several times over. */
function documents(seed: number, count: number): DocumentRecord[] {
  const r = random(seed);
  const pick = () => ORDERS[Math.floor(r() * ORDERS.length)];
  const some = (n: number) => Array.from({ length: n }, pick);
  const reasons = ['AMBIGUOUS_MATCH', ...CONTRADICTION_REASONS, 'NO_MATCH', 'REFERENCE_NOT_FOUND', 'OUTBOUND_UNLINKED'] as const;
  return Array.from({ length: count }, (_, i) => {
    const system = r() < 0.6 ? 'WMS' : 'TMS';
    const roll = r();
    const state = roll < 0.5 ? 'UNLINKED' : roll < 0.85 ? 'LINKED' : 'CANCELLED';
    const reason = state === 'UNLINKED' ? reasons[Math.floor(r() * reasons.length)] : state === 'CANCELLED' ? 'OUTBOUND_CANCELLED' : null;
    const named = reason === 'AMBIGUOUS_MATCH' ? some(2 + Math.floor(r() * 3)) : reason && reason !== 'REFERENCE_NOT_FOUND' ? some(1 + Math.floor(r() * 2)) : [];
    // A long list is cut at 255 characters, as the linker cuts it; a linked one now and then keeps a stale list.
    const list = r() < 0.03 ? some(20) : state === 'LINKED' && r() < 0.1 ? some(1) : named;
    // Ties on purpose: several documents are first seen in the same millisecond.
    const doc = newDocument(system, `${system === 'WMS' ? 'CK' : 'SF'}${String(seed).padStart(3, '0')}-${String(i).padStart(4, '0')}`, 1_762_560_000_000 + Math.floor(i / 3));
    return { ...doc, state, reason, candidates: list.length ? list.join(',').slice(0, 255) : null, reference_raw: r() < 0.8 ? pick() : null, doc_date: '2025-11-08' } as DocumentRecord;
  });
}

/** What the loaders answered before: every unlinked document with the reason, its list split. */
async function readEveryUnlinked(db: any, nos: string[], reasons: readonly string[]) {
  const rows = (await db.query(`SELECT * FROM hub_document WHERE state = 'UNLINKED'`)).map(readDocument) as DocumentRecord[];
  rows.sort((a, b) => a.first_seen_at - b.first_seen_at || a.system.localeCompare(b.system) || (a.document_no < b.document_no ? -1 : 1));
  return nos.map((no) => rows.filter((d) => reasons.includes(d.reason!) && [...new Set(String(d.candidates ?? '').split(','))].includes(no)));
}

async function sameAsReadingEverything(db: any, label: string) {
  const ledger = new Ledger(db, direct);
  const nos = [...ORDERS, 'SO-20991231-999'];
  const ambiguous = await ledger.ambiguousOutboundsByOrderNo(nos);
  const want = await readEveryUnlinked(db, nos, ['AMBIGUOUS_MATCH']);
  assert.deepEqual(ambiguous, want.map((ds) => ds.map((d) => d.document_no)), `${label}: ambiguous`);
  const contradicting = await ledger.contradictingDocumentsByOrderNo(nos);
  const wantC = await readEveryUnlinked(db, nos, CONTRADICTION_REASONS);
  assert.deepEqual(
    contradicting,
    wantC.map((ds) => ds.map((d) => ({ system: d.system, documentNo: d.document_no, reason: d.reason, reference: d.reference_raw }))),
    `${label}: contradicting`,
  );
  assert.ok(ambiguous.some((x) => x.length > 1) && contradicting.some((x) => x.length > 0), `${label}: the data has both kinds`);
  // The same key twice in one batch, as DataLoader never sends but a caller could.
  assert.deepEqual(await ledger.ambiguousOutboundsByOrderNo([ORDERS[0], ORDERS[0]]), [ambiguous[0], ambiguous[0]]);
}

// The migrations up to the one under test, without it and with it (later ones are not this test's).
const CANDIDATES = HUB_MIGRATIONS.indexOf(DocumentCandidates1767490000000);

async function exercise(url: string) {
  const before = await openDataSource(url, { migrations: HUB_MIGRATIONS.slice(0, CANDIDATES), poolSize: 2 });
  try {
    await before.runMigrations({ transaction: 'each' });
    // Written before the table existed: the migration must find these.
    const first = documents(1, 400);
    for (let i = 0; i < first.length; i += 100) {
      const docs = first.slice(i, i + 100);
      const cols = Object.keys(docs[0]);
      await before.query(
        `INSERT INTO hub_document (${cols.join(', ')}) VALUES ${docs.map(() => `(${cols.map(() => '?').join(', ')})`).join(', ')}`,
        docs.flatMap((d) => cols.map((c) => (d as any)[c])),
      );
    }
  } finally {
    await before.destroy();
  }
  const db = await openDataSource(url, { migrations: HUB_MIGRATIONS.slice(0, CANDIDATES + 1), poolSize: 2 });
  try {
    await db.runMigrations({ transaction: 'each' });
    await sameAsReadingEverything(db, 'after the migration');

    // The linker's write: documents decided again (other lists, linked, unlinked), new ones, and deleted ones.
    const first = documents(1, 400);
    const again = documents(2, 400).map((d, i) => ({ ...d, document_no: first[i].document_no, system: first[i].system }));
    await saveDocuments(db, [...again.slice(0, 250), ...documents(3, 150)]);
    await deleteDocuments(db, 'WMS', again.slice(250, 300).filter((d) => d.system === 'WMS').map((d) => d.document_no));
    await sameAsReadingEverything(db, 'after the linker wrote');
    const [{ n: stale }] = await db.query(
      `SELECT COUNT(*) AS n FROM hub_document_candidate c WHERE NOT EXISTS (SELECT 1 FROM hub_document d WHERE d.system = c.system AND d.document_no = c.document_no)`,
    );
    assert.equal(Number(stale), 0, 'no rows of a deleted document');

    // The loaders' statement, as src/rules/ledger.ts makes it, starts from the order numbers on both dialects.
    const seen: [string, unknown[]][] = [];
    const spy = { options: db.options, query: (sql: string, params: unknown[]) => (seen.push([sql, params]), db.query(sql, params)) } as unknown as typeof db;
    await new Ledger(spy, direct).contradictingDocumentsByOrderNo(ORDERS.slice(0, 3));
    const [[statement, params]] = seen;
    if (db.options.type !== 'mysql') {
      const plan = (await db.query(`EXPLAIN QUERY PLAN ${statement}`, params)).map((p: any) => p.detail as string);
      assert.match(plan[0], /^SEARCH c USING INDEX ix_hub_document_candidate_order/, plan.join('; '));
      assert.match(plan[1], /^SEARCH d USING INDEX sqlite_autoindex_hub_document_1 \(system=\? AND document_no=\?\)/, plan.join('; '));
    }
    if (db.options.type === 'mysql') {
      // With more than a few rows, as the optimizer would see a real hub.
      await saveDocuments(db, documents(4, 3000).map((d, i) => ({ ...d, document_no: `X${i}` })));
      await db.query('ANALYZE TABLE hub_document, hub_document_candidate');
      const plan = await db.query(`EXPLAIN ${statement}`, params);
      const c = plan.find((p: any) => p.table === 'c');
      const d = plan.find((p: any) => p.table === 'd');
      assert.equal(c?.key, 'ix_hub_document_candidate_order', JSON.stringify(plan));
      assert.equal(d?.key, 'PRIMARY', JSON.stringify(plan));
      assert.equal(d?.type, 'eq_ref', JSON.stringify(plan));
    }

    await db.undoLastMigration({ transaction: 'each' });
    const left = await db.query(db.options.type === 'mysql' ? "SHOW TABLES LIKE 'hub_document_candidate'" : "SELECT name FROM sqlite_master WHERE name = 'hub_document_candidate'");
    assert.equal(left.length, 0, 'down drops the table');
    await db.runMigrations({ transaction: 'each' });
    await sameAsReadingEverything(db, 'down and up again');
  } finally {
    await db.destroy();
  }
}

test('an order\'s ambiguous and contradicting documents by its number, on the embedded SQLite default', async () => {
  await exercise(`sqlite:${join(mkdtempSync(join(tmpdir(), 'oh-candidates-')), 'hub.sqlite')}`);
});

test('an order\'s ambiguous and contradicting documents by its number, on MariaDB, through the order_no index', async (t) => {
  if (!(await mysqlAvailable())) return t.skip('MariaDB unreachable');
  const url = `${MYSQL_URL.replace(/\/$/, '')}/${process.env.TEST_DB_PREFIX ?? 'oh'}_candidates_hub`;
  await dropDatabase(url);
  await ensureDatabase(url);
  try {
    await exercise(url);
  } finally {
    await dropDatabase(url);
  }
});
