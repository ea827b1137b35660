// Opens the app's SQLite database (better-sqlite3) with the settings every connection needs, runs the
// migrations, and caches prepared statements per connection (Signal-Desktop's `prepare`).
//
// Durability: WAL with synchronous=NORMAL. A commit is in the WAL file (the OS's page cache) before
// it returns, so killing the process (SIGKILL, crash) loses nothing committed. A power cut or an OS
// crash may roll back the last few commits, but never corrupts the file (WAL is only synced at
// checkpoints). For a study that only costs recomputing the last batches on resume, which is why
// FULL's fsync on every commit is not worth it.

import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../../shared/errors';
import { databaseFileState, prepareOutputFolder } from '../output-paths';
import { migrate, refuseNewerSchema, type MigrateOptions } from './migrate';

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
  /**
   * Whether a missing database file may be created (default true: starting a study may create
   * one). Commands that only read or manage existing studies pass false, so a mistyped path is an
   * error instead of a new empty database.
   */
  create?: boolean;
  /** Migrate to this version instead of the latest (migration tests only). */
  targetVersion?: number;
  migrations?: MigrateOptions['migrations'];
}

export function openStore(path: string, opts: OpenStoreOptions = {}): Store {
  if (path !== ':memory:') checkDatabasePath(path, opts.create ?? true);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw databaseProblem(err, path) ?? err;
  }
  try {
    // Nothing is written to a file until it is known to be ours (or empty) and not from a newer app.
    checkOwnership(db, path);
    refuseNewerSchema(db, path, opts.migrations);
    configure(db, path);
    migrate(db, { file: path, target: opts.targetVersion, migrations: opts.migrations });
    if (db.pragma('application_id', { simple: true }) === 0) {
      db.pragma(`application_id = ${APPLICATION_ID}`);
    }
  } catch (err) {
    db.close();
    throw databaseProblem(err, path) ?? err;
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

/** The file must be absent (and creatable, when allowed) or a regular file; never a folder. */
function checkDatabasePath(path: string, create: boolean): void {
  if (databaseFileState(path, 'the study database') === 'file') return;
  if (!create) {
    throw new InputError(path, 'no study database here (it is not created by this command: check the path, or give the --db that `run` used)');
  }
  prepareOutputFolder(dirname(path), 'the study database');
}

/** Tables every Ablation Studio schema has (since version 1). */
const OWN_TABLES = ['models', 'studies', 'results'];

function checkOwnership(db: Database.Database, path: string): void {
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
  if (appId === 0) checkUnmarkedDatabase(db, path);
}

function configure(db: Database.Database, path: string): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal' && path !== ':memory:') {
    throw new InputError(path, `cannot be used: SQLite could not switch it to WAL journaling (got ${String(mode)}; is its folder read-only?)`);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
}

/**
 * A database without our application_id is opened only if it is empty, or holds our schema (a
 * process killed between the first migration and the id being set). Another application's file is
 * refused before anything is written to it.
 */
function checkUnmarkedDatabase(db: Database.Database, path: string): void {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  if (tables.length === 0) return;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > 0 && OWN_TABLES.every((t) => tables.includes(t))) return;
  const names = tables.slice(0, 5).join(', ') + (tables.length > 5 ? `, ... (${tables.length} tables)` : '');
  throw new InputError(path, `not an Ablation Studio database: it is another application's SQLite file (tables ${names}); nothing was changed`);
}

/** SQLite's result codes that a user can cause (disk, file, lock), in plain words. */
const SQLITE_PROBLEMS: [RegExp, string][] = [
  [/^SQLITE_FULL/, 'the disk is full; results up to the last finished batch are kept, free some space and resume'],
  [/^SQLITE_CORRUPT/, 'the database file is damaged (SQLite: database disk image is malformed); restore it from a backup'],
  [/^SQLITE_NOTADB/, 'not an Ablation Studio database (not an SQLite file)'],
  [/^SQLITE_READONLY/, 'the database cannot be written (read-only file, folder or file system)'],
  [/^SQLITE_CANTOPEN/, 'the database file cannot be opened (missing folder, or no permission)'],
  [/^SQLITE_BUSY|^SQLITE_LOCKED/, 'the database is locked by another process (still busy after 5 s); try again when it is done'],
  [/^SQLITE_IOERR/, 'the disk reported an I/O error'],
  [/^SQLITE_PERM|^SQLITE_AUTH/, 'permission denied'],
];

/**
 * An InputError naming the database file for an SQLite error a user can cause (a full disk, a
 * damaged or locked file), or null for anything else (a bug, to be reported as such).
 */
export function databaseProblem(err: unknown, path: string): InputError | null {
  if (!(err instanceof Error) || err.name !== 'SqliteError') return null;
  const code = String((err as Error & { code?: unknown }).code ?? '');
  const found = SQLITE_PROBLEMS.find(([pattern]) => pattern.test(code));
  return found ? new InputError(path, `${found[1]} (${code})`) : null;
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
