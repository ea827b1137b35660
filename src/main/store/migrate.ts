// Applies schema migrations (Signal-Desktop's pattern): each in its own transaction together with
// the PRAGMA user_version bump, so a failed migration leaves the previous version intact. A database
// written by a newer app is refused rather than guessed at.

import type Database from 'better-sqlite3';
import { InputError } from '../../shared/errors';
import { MIGRATIONS, type Migration } from './migrations/index';
import { last } from '../../shared/checked';

export interface MigrateOptions {
  /** The database file, for error messages. */
  file: string;
  migrations?: readonly Migration[];
  /** Stop after this version (tests migrate to N-1, insert, then to N). Default: the latest. */
  target?: number;
}

export interface MigrateResult {
  from: number;
  to: number;
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length === 0 ? 0 : last(migrations).version;
}

export function migrate(db: Database.Database, opts: MigrateOptions): MigrateResult {
  const migrations = opts.migrations ?? MIGRATIONS;
  checkMigrationList(migrations);
  const latest = latestVersion(migrations);
  const target = opts.target ?? latest;
  refuseNewerSchema(db, opts.file, migrations);
  const from = schemaVersion(db);
  if (target < from) {
    throw new Error(`cannot migrate ${opts.file} down from version ${from} to ${target}`);
  }
  for (const m of migrations) {
    if (m.version <= from || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      // PRAGMA takes no bound parameters; the version is a checked integer from the list above.
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { from, to: schemaVersion(db) };
}

/** A database written by a newer app is refused (before anything, even the journal mode, is changed). */
export function refuseNewerSchema(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS): void {
  const version = schemaVersion(db);
  const latest = latestVersion(migrations);
  if (version > latest) {
    throw new InputError(
      file,
      `database schema version ${version} is newer than this version of Ablation Studio supports ` +
        `(${latest}); open it with a newer version of the app`,
    );
  }
}

function checkMigrationList(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(`migration ${m.name}: version ${m.version} does not follow ${previous}`);
    }
    previous = m.version;
  }
}
