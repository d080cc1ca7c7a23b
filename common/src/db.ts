// Opens a TypeORM DataSource from one URL, so every component is pointed at MySQL/MariaDB or at the
// embedded SQLite default by configuration alone.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, type EntityManager, type EntitySchema } from 'typeorm';
import { createConnection } from 'mysql2/promise';

export type Dialect = 'mysql' | 'sqlite';

export function dialectOf(url: string): Dialect {
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql';
  if (url.startsWith('sqlite:')) return 'sqlite';
  throw new Error(`unsupported database URL "${url}": use mysql://user:pass@host:port/db or sqlite:path/to/file.sqlite`);
}

/** `sqlite:data/erp.sqlite` → absolute file path; `sqlite::memory:` → ':memory:'. */
export function sqlitePath(url: string): string {
  const p = url.slice('sqlite:'.length);
  return p === ':memory:' ? p : resolve(p);
}

export interface OpenOptions {
  entities?: EntitySchema<any>[];
  /** Pool size for MySQL. */
  poolSize?: number;
  /** Schema migrations this component owns (only the hub and the simulator own schemas). */
  migrations?: Function[];
}

export async function openDataSource(url: string, options: OpenOptions = {}): Promise<DataSource> {
  const entities = options.entities ?? [];
  let ds: DataSource;
  if (dialectOf(url) === 'mysql') {
    ds = new DataSource({
      type: 'mysql',
      url: url.replace(/^mariadb:/, 'mysql:'),
      entities,
      migrations: options.migrations ?? [],
      migrationsTableName: 'hub_migrations',
      // Legacy DATETIME columns hold Beijing wall-clock time with no zone: read them as text and
      // convert in one place (common/src/time.ts) rather than letting the driver guess a zone.
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      charset: 'utf8mb4',
      poolSize: options.poolSize ?? 10,
      extra: { enableKeepAlive: true },
      synchronize: false,
      logging: false,
    });
  } else {
    const file = sqlitePath(url);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    ds = new DataSource({
      type: 'better-sqlite3',
      database: file,
      entities,
      migrations: options.migrations ?? [],
      migrationsTableName: 'hub_migrations',
      synchronize: false,
      logging: false,
      // WAL lets the simulator write while the adapters read the same file.
      prepareDatabase: (db: any) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('synchronous = NORMAL');
      },
    });
  }
  await ds.initialize();
  return ds;
}

/** Creates the MySQL database named in the URL if it does not exist (simulator and hub only). */
export async function ensureDatabase(url: string): Promise<void> {
  if (dialectOf(url) !== 'mysql') return;
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`bad database name in ${url}`);
  u.pathname = '/';
  const conn = await createConnection(u.toString());
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

/** Drops the MySQL database named in the URL, or deletes the SQLite file (used by seed --reset and tests). */
export async function dropDatabase(url: string): Promise<void> {
  if (dialectOf(url) === 'mysql') {
    const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
    const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
    u.pathname = '/';
    const conn = await createConnection(u.toString());
    try {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await conn.end();
    }
  } else {
    const file = sqlitePath(url);
    if (file === ':memory:') return;
    const { rmSync } = await import('node:fs');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }
}

/**
 * Multi-row INSERT in chunks; the same SQL works on MySQL and SQLite (both accept backquoted names).
 * On a DataSource all chunks go in one transaction; on an EntityManager, in the caller's. `rows` may
 * be made lazily (rowsOf): only one chunk of them need exist at a time.
 */
export async function insertRows(
  db: DataSource | EntityManager,
  table: string,
  rows: Iterable<object>,
  chunkSize = 500,
): Promise<void> {
  const source = rows[Symbol.iterator]();
  let next = source.next();
  if (next.done) return;
  const columns = Object.keys(next.value);
  const colSql = columns.map((c) => `\`${c}\``).join(', ');
  const rowSql = `(${columns.map(() => '?').join(', ')})`;
  const run = async (em: DataSource | EntityManager) => {
    while (!next.done) {
      const chunk: object[] = [];
      for (; !next.done && chunk.length < chunkSize; next = source.next()) chunk.push(next.value);
      const params: unknown[] = [];
      for (const r of chunk) for (const c of columns) params.push((r as Record<string, unknown>)[c] ?? null);
      await em.query(`INSERT INTO \`${table}\` (${colSql}) VALUES ${chunk.map(() => rowSql).join(', ')}`, params);
    }
  };
  await (db instanceof DataSource ? db.transaction(run) : run(db));
}

/** Rows made from each item only as insertRows reaches it, so a million items' rows never all exist at once. */
export function* rowsOf<T>(items: Iterable<T>, toRows: (item: T) => object[]): Generator<object> {
  for (const item of items) yield* toRows(item);
}

/**
 * Inserts rows or, where the key exists, overwrites the given columns: one statement per chunk on
 * both dialects (MySQL ON DUPLICATE KEY UPDATE, SQLite ON CONFLICT). Rows carry every NOT NULL column.
 */
export async function upsertRows(
  ds: DataSource | EntityManager,
  table: string,
  rows: object[],
  keyColumns: string[],
  chunkSize = 500,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const updates = columns.filter((c) => !keyColumns.includes(c));
  const colSql = columns.map((c) => `\`${c}\``).join(', ');
  const rowSql = `(${columns.map(() => '?').join(', ')})`;
  const mysql = (ds instanceof DataSource ? ds : ds.connection).options.type === 'mysql';
  const onConflict = mysql
    ? ` ON DUPLICATE KEY UPDATE ${updates.map((c) => `\`${c}\` = VALUES(\`${c}\`)`).join(', ')}`
    : ` ON CONFLICT (${keyColumns.map((c) => `\`${c}\``).join(', ')}) DO UPDATE SET ${updates.map((c) => `\`${c}\` = excluded.\`${c}\``).join(', ')}`;
  for (let i = 0; i < rows.length; i += chunkSize) {
    const chunk = rows.slice(i, i + chunkSize);
    const params: unknown[] = [];
    for (const r of chunk) for (const c of columns) params.push((r as Record<string, unknown>)[c] ?? null);
    await ds.query(`INSERT INTO \`${table}\` (${colSql}) VALUES ${chunk.map(() => rowSql).join(', ')}${onConflict}`, params);
  }
}

/** Row lock for a SELECT inside a transaction: MySQL locks rows; SQLite serializes writers anyway. */
export const forUpdate = (db: DataSource | EntityManager): string =>
  ((db instanceof DataSource ? db : db.connection).options.type === 'mysql' ? ' FOR UPDATE' : '');

/** INSERT that leaves an existing row (same unique key) alone, on both dialects. */
export async function insertIgnore(db: DataSource | EntityManager, table: string, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  const mysql = (db instanceof DataSource ? db : db.connection).options.type === 'mysql';
  const columns = Object.keys(rows[0]);
  const params: unknown[] = [];
  for (const r of rows) for (const c of columns) params.push((r as Record<string, unknown>)[c] ?? null);
  const values = rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
  await db.query(`INSERT ${mysql ? 'IGNORE' : 'OR IGNORE'} INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ${values}`, params);
}

/** `?, ?, ?` for an IN list. */
/** The database's clock in epoch microseconds, as the FactStamps triggers stamp rows (SYSDATE(6): the moment of the write). */
export const nowMicrosSql = (db: DataSource | EntityManager): string =>
  (db instanceof DataSource ? db : db.connection).options.type === 'mysql' ? 'CAST(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 AS SIGNED)' : "CAST(unixepoch('subsec') * 1000000 AS INTEGER)";

export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Inserts one row and returns its AUTO_INCREMENT id; run on an EntityManager (one connection). */
export async function insertReturningId(em: EntityManager, table: string, row: object): Promise<number> {
  await insertRows(em, table, [row]);
  const mysql = em.connection.options.type === 'mysql';
  const [{ id }] = await em.query(mysql ? 'SELECT LAST_INSERT_ID() AS id' : 'SELECT last_insert_rowid() AS id');
  return Number(id);
}

/** Runs an UPDATE or DELETE and returns how many rows it changed, on both dialects. */
export async function execute(db: DataSource | EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  if (!(db instanceof DataSource) && db.queryRunner) return (await db.queryRunner.query(sql, params, true)).affected ?? 0;
  const ds = db instanceof DataSource ? db : db.connection;
  const runner = ds.createQueryRunner();
  try {
    return (await runner.query(sql, params, true)).affected ?? 0;
  } finally {
    await runner.release();
  }
}
