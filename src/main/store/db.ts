// Opens the app's SQLite database (better-sqlite3) with the settings every connection needs, runs the
// migrations, and caches prepared statements per connection (Signal-Desktop's `prepare`).
//
// Durability: WAL with synchronous=NORMAL. A commit is in the WAL file (the OS's page cache) before
// it returns, so killing the process (SIGKILL, crash) loses nothing committed. A power cut or an OS
// crash may roll back the last few commits, but never corrupts the file (WAL is only synced at
// checkpoints). For a study that only costs recomputing the last batches on resume, which is why
// FULL's fsync on every commit is not worth it.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../../shared/errors';
import { migrate, type MigrateOptions } from './migrate';

/** PRAGMA application_id marking the file as ours ('ABLS'). */
export const APPLICATION_ID = 0x41424c53;
const BUSY_TIMEOUT_MS = 5000;

export interface Store {
  readonly db: Database.Database;
  /** The database file. */
  readonly path: string;
  close(): void;
}

export interface OpenStoreOptions {
  /** Migrate to this version instead of the latest (migration tests only). */
  targetVersion?: number;
  migrations?: MigrateOptions['migrations'];
}

export function openStore(path: string, opts: OpenStoreOptions = {}): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    configure(db, path);
    migrate(db, { file: path, target: opts.targetVersion, migrations: opts.migrations });
    if (db.pragma('application_id', { simple: true }) === 0) {
      db.pragma(`application_id = ${APPLICATION_ID}`);
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    db,
    path,
    close: () => {
      statementCache.delete(db);
      db.close();
    },
  };
}

function configure(db: Database.Database, path: string): void {
  let appId: number;
  try {
    appId = db.pragma('application_id', { simple: true }) as number;
  } catch (err) {
    // SQLITE_NOTADB and friends surface on the first read, not on open.
    throw new InputError(path, `not an Ablation Studio database (${(err as Error).message})`);
  }
  if (appId !== 0 && appId !== APPLICATION_ID) {
    throw new InputError(path, `not an Ablation Studio database (application_id ${appId})`);
  }
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal' && path !== ':memory:') {
    throw new Error(`${path}: could not switch to WAL journaling (got ${String(mode)})`);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
}

const statementCache = new WeakMap<Database.Database, Map<string, Database.Statement<unknown[], unknown>>>();

/**
 * The prepared statement for `sql` on this connection, prepared on first use. SQL text is always a
 * constant; values go in as bound parameters.
 */
export function prepare<Params extends unknown[] = unknown[], Row = unknown>(
  db: Database.Database,
  sql: string,
): Database.Statement<Params, Row> {
  let perDb = statementCache.get(db);
  if (!perDb) {
    perDb = new Map();
    statementCache.set(db, perDb);
  }
  let stmt = perDb.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    perDb.set(sql, stmt);
  }
  return stmt as unknown as Database.Statement<Params, Row>;
}

/** The id an `INSERT ... RETURNING id` gave back (SQLite returns a row for every row it inserts). */
export function insertedId(row: { id: number } | undefined, what: string): number {
  if (!row) throw new Error(`inserting ${what} returned no id`);
  return row.id;
}

/** Runs `fn` in one IMMEDIATE transaction (takes the write lock up front: no upgrade deadlocks). */
export function inTransaction<T>(store: Store, fn: () => T): T {
  return store.db.transaction(fn).immediate();
}
