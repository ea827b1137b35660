// Schema migrations: each step tested by migrating to N-1, inserting, migrating to N and checking the
// data; plus the runner's rules (transactional steps, increasing versions, newer databases refused).

import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isInputError } from '../../src/shared/errors';
import { openStore, type Store } from '../../src/main/store/db';
import { latestVersion, migrate, schemaVersion } from '../../src/main/store/migrate';
import { MIGRATIONS, type Migration } from '../../src/main/store/migrations/index';
import { getModel } from '../../src/main/store/models-repo';
import { getStudyRecord } from '../../src/main/store/studies-repo';
import { fakeModelSpec, fakeOldStudySpec, fakeStudySpec, tempDir } from './store-fixtures';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

/**
 * One migration step: open at version-1, let `before` insert rows, reopen (which migrates to
 * `version`), let `after` check them. A test for migration 002 is one more call.
 */
function migrationStep(
  version: number,
  before: (store: Store) => void,
  after: (store: Store) => void,
): void {
  const old = openStore(tmp.dbPath, { targetVersion: version - 1 });
  expect(schemaVersion(old.db)).toBe(version - 1);
  before(old);
  old.close();
  const migrated = openStore(tmp.dbPath, { targetVersion: version });
  try {
    expect(schemaVersion(migrated.db)).toBe(version);
    after(migrated);
  } finally {
    migrated.close();
  }
}

/** Model 1 and token set 1 as raw rows in the columns every schema version has. */
function insertModelAndTokenSet(store: Store): void {
  store.db.exec(`
    INSERT INTO models (id, path, family, model_type, n_layers, n_heads, n_kv_heads, head_dim, hidden_size,
                        vocab_size, checksum, source, spec, added_at)
    VALUES (1, '/m', 'llama', 'llama', 2, 4, 2, 8, 32, 100, 'abc', 'folder', '${JSON.stringify(fakeModelSpec())}', 5);
    INSERT INTO token_sets (id, name, n, tokens, created_at) VALUES (1, 't', 1, x'01000000', 6);
  `);
}

function tableNames(db: Database.Database): string[] {
  return db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
    .pluck()
    .all() as string[];
}

describe('migration 001-initial', () => {
  it('creates every table STRICT, from an empty file', () => {
    migrationStep(
      1,
      (store) => expect(tableNames(store.db)).toEqual([]),
      (store) => {
        const tables = ['conditions', 'head_scores', 'models', 'results', 'score_sets', 'studies', 'token_sets', 'trials'];
        expect(tableNames(store.db)).toEqual(tables);
        const list = store.db.prepare(`PRAGMA table_list`).all() as { name: string; strict: number; wr: number }[];
        for (const t of tables) expect(list.find((r) => r.name === t)?.strict, t).toBe(1);
        expect(list.find((r) => r.name === 'head_scores')?.wr).toBe(1);
        // STRICT: a string in an INTEGER column is an error, not silently stored.
        expect(() =>
          store.db
            .prepare(`INSERT INTO token_sets (name, n, tokens, created_at) VALUES ('x', 'three', x'', 0)`)
            .run(),
        ).toThrow(/cannot store TEXT value in INTEGER column/);
      },
    );
  });
});

describe('migration 002-app-queue', () => {
  it('keeps every row, adds the queue, error-kind, hidden and version columns with their defaults, and the throughput table', () => {
    migrationStep(
      2,
      (store) => {
        // Raw rows as version 1 wrote them (not through today's repositories).
        insertModelAndTokenSet(store);
        store.db.exec(`
          INSERT INTO score_sets (id, model_id, method, source, created_at) VALUES (1, 1, '{"kind":"csv","file":"s.csv"}', 'csv', 7);
          INSERT INTO studies (id, name, spec, model_id, token_set_id, prompt_tokens, seed, permutations, seq_len,
                               batch_size, status, error, created_at)
          VALUES (1, 'old', '${JSON.stringify(fakeOldStudySpec())}', 1, 1, x'01000000', 42, 3, 5, 2, 'failed', 'boom', 8);
        `);
      },
      (store) => {
        const study = store.db.prepare(`SELECT * FROM studies WHERE id = 1`).get() as Record<string, unknown>;
        expect(study).toMatchObject({ name: 'old', status: 'failed', error: 'boom', queue_position: null, error_kind: null, spec_version: 1 });
        expect(store.db.prepare(`SELECT hidden, spec_version FROM models`).get()).toEqual({ hidden: 0, spec_version: 1 });
        expect(store.db.prepare(`SELECT method_version FROM score_sets`).get()).toEqual({ method_version: 1 });
        expect(tableNames(store.db)).toContain('throughput');
        // The repositories read the old rows back, re-validated.
        expect(getStudyRecord(store, 1)?.spec).toEqual(fakeStudySpec());
        expect(getModel(store, 1)?.spec).toEqual(fakeModelSpec());
        expect(() => store.db.prepare(`UPDATE studies SET error_kind = 'oops' WHERE id = 1`).run()).toThrow(/CHECK constraint/);
        const plan = store.db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM studies WHERE queue_position IS NOT NULL ORDER BY queue_position`).all();
        expect(JSON.stringify(plan)).toMatch(/USING (COVERING )?INDEX studies_queue/);
      },
    );
  });
});

describe('migration 003-runner-identity', () => {
  it('keeps a study and its runner id, with no identity for a runner recorded before', () => {
    migrationStep(
      3,
      (store) => {
        insertModelAndTokenSet(store);
        store.db.exec(`
          INSERT INTO studies (id, name, spec, model_id, token_set_id, prompt_tokens, seed, permutations, seq_len,
                               batch_size, status, created_at, runner_pid)
          VALUES (1, 'left running', '${JSON.stringify(fakeStudySpec())}', 1, 1, x'01000000', 42, 3, 5, 2, 'running', 8, 4321);
        `);
      },
      (store) => {
        expect(getStudyRecord(store, 1)).toMatchObject({ name: 'left running', status: 'running', runnerPid: 4321, runnerIdentity: null });
        store.db.prepare(`UPDATE studies SET runner_identity = 'boot:1' WHERE id = 1`).run();
        expect(getStudyRecord(store, 1)?.runnerIdentity).toBe('boot:1');
      },
    );
  });
});

describe('migration runner', () => {
  it('refuses a database from a newer app version, naming the file, and leaves it alone', () => {
    openStore(tmp.dbPath).close();
    const raw = new Database(tmp.dbPath);
    raw.pragma(`user_version = ${latestVersion() + 1}`);
    raw.close();
    let error: unknown;
    try {
      openStore(tmp.dbPath);
    } catch (err) {
      error = err;
    }
    expect(isInputError(error)).toBe(true);
    expect((error as Error).message).toContain(tmp.dbPath);
    expect((error as Error).message).toMatch(/newer than this version of Ablation Studio supports/);
    const after = new Database(tmp.dbPath);
    expect(schemaVersion(after)).toBe(latestVersion() + 1);
    after.close();
  });

  it('runs each migration in a transaction: a failing one leaves the previous version', () => {
    const failing: Migration = {
      version: latestVersion() + 1,
      name: 'broken',
      up: (db) => {
        db.exec(`CREATE TABLE half_done (x INTEGER) STRICT`);
        throw new Error('boom');
      },
    };
    openStore(tmp.dbPath).close();
    expect(() => openStore(tmp.dbPath, { migrations: [...MIGRATIONS, failing] })).toThrow('boom');
    const db = new Database(tmp.dbPath);
    expect(schemaVersion(db)).toBe(latestVersion());
    expect(tableNames(db)).not.toContain('half_done');
    db.close();
  });

  it('rejects a migration list whose versions do not increase', () => {
    const db = new Database(':memory:');
    const m = (version: number): Migration => ({ version, name: `m${version}`, up: () => {} });
    expect(() => migrate(db, { file: 'x.db', migrations: [m(1), m(1)] })).toThrow(/does not follow/);
    expect(() => migrate(db, { file: 'x.db', migrations: [m(2), m(1)] })).toThrow(/does not follow/);
    expect(schemaVersion(db)).toBe(0);
    db.close();
  });

  it('refuses a file that is not a database, naming it', () => {
    writeFileSync(tmp.dbPath, 'this is not sqlite, just text that is long enough '.repeat(20));
    expect(() => openStore(tmp.dbPath)).toThrow(new RegExp(`^${tmp.dbPath}: not an Ablation Studio database`));
  });
});
