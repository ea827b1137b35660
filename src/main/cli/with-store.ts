// The study database around one command: opened (created only where the command may create one),
// closed whatever happens, and SQLite failures a user can cause (full disk, damaged or locked file)
// reported as one line naming the file instead of a raw SqliteError.

import { existsSync } from 'node:fs';
import { databaseProblem, openStore, type Store } from '../store/db';

export interface WithStoreOptions {
  /** Whether a missing database may be created (`run`, `demo`: yes; `studies`: no). */
  create: boolean;
}

export async function withStore<T>(dbPath: string, opts: WithStoreOptions, work: (store: Store) => Promise<T>): Promise<T> {
  const isNew = opts.create && !existsSync(dbPath);
  const store = openStore(dbPath, { create: opts.create });
  if (isNew) console.error(`note: created a new study database ${dbPath}`);
  try {
    return await work(store);
  } catch (err) {
    throw databaseProblem(err, dbPath) ?? err;
  } finally {
    try {
      store.close();
    } catch {
      // A close that fails (e.g. a full disk at the final checkpoint) must not hide the first error.
    }
  }
}
