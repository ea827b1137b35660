// Schema version 1: models, token sets, head-score sets, studies with their conditions, trials and
// results. Every table is STRICT; anything the app queries is a typed column, and
// JSON (spec, method, head lists) is only ever read back whole.

import type Database from 'better-sqlite3';

/**
 * Row-size note: WITHOUT ROWID suits small rows only (SQLite advises under ~1/20 of a page). Head
 * scores qualify; trials and results carry BLOBs of 4·S bytes (2 KB at S = 501), so they stay rowid
 * tables with a unique composite primary key.
 */
export function migration001Initial(db: Database.Database): void {
  db.exec(`
    CREATE TABLE models (
      id INTEGER PRIMARY KEY,
      path TEXT NOT NULL,
      family TEXT NOT NULL,
      model_type TEXT NOT NULL,
      n_layers INTEGER NOT NULL CHECK (n_layers > 0),
      n_heads INTEGER NOT NULL CHECK (n_heads > 0),
      n_kv_heads INTEGER NOT NULL CHECK (n_kv_heads > 0),
      head_dim INTEGER NOT NULL CHECK (head_dim > 0),
      hidden_size INTEGER NOT NULL CHECK (hidden_size > 0),
      vocab_size INTEGER NOT NULL CHECK (vocab_size > 0),
      checksum TEXT NOT NULL UNIQUE,
      source TEXT NOT NULL,
      spec TEXT NOT NULL CHECK (json_valid(spec)),
      added_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE token_sets (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      source_path TEXT,
      n INTEGER NOT NULL CHECK (n >= 0),
      tokens BLOB NOT NULL CHECK (length(tokens) = 4 * n),
      dropped_special INTEGER NOT NULL DEFAULT 0 CHECK (dropped_special >= 0),
      created_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE score_sets (
      id INTEGER PRIMARY KEY,
      model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
      method TEXT NOT NULL CHECK (json_valid(method)),
      source TEXT NOT NULL CHECK (source IN ('computed', 'csv')),
      source_path TEXT,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX score_sets_model ON score_sets(model_id);

    CREATE TABLE head_scores (
      score_set_id INTEGER NOT NULL REFERENCES score_sets(id) ON DELETE CASCADE,
      layer INTEGER NOT NULL CHECK (layer >= 0),
      head INTEGER NOT NULL CHECK (head >= 0),
      score REAL NOT NULL,
      PRIMARY KEY (score_set_id, layer, head)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE studies (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      notes TEXT NOT NULL DEFAULT '',
      spec TEXT NOT NULL CHECK (json_valid(spec)),
      model_id INTEGER NOT NULL REFERENCES models(id),
      token_set_id INTEGER NOT NULL REFERENCES token_sets(id),
      score_set_id INTEGER REFERENCES score_sets(id),
      prompt_tokens BLOB NOT NULL,
      seed INTEGER NOT NULL,
      permutations INTEGER NOT NULL CHECK (permutations > 0),
      seq_len INTEGER NOT NULL CHECK (seq_len > 1),
      batch_size INTEGER NOT NULL CHECK (batch_size > 0),
      status TEXT NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')),
      error TEXT,
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      finished_at INTEGER,
      app_version TEXT,
      ort_version TEXT,
      provider TEXT,
      dtype TEXT,
      engine_version TEXT,
      model_checksum TEXT,
      compile_ms REAL,
      run_ms REAL NOT NULL DEFAULT 0,
      runner_pid INTEGER
    ) STRICT;
    CREATE INDEX studies_status ON studies(status);
    CREATE INDEX studies_created ON studies(created_at);
    CREATE INDEX studies_model ON studies(model_id);

    CREATE TABLE conditions (
      id INTEGER PRIMARY KEY,
      study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
      idx INTEGER NOT NULL CHECK (idx >= 0),
      key TEXT NOT NULL,
      label TEXT NOT NULL,
      head_type TEXT NOT NULL CHECK (head_type IN ('none', 'induction', 'random')),
      mode TEXT NOT NULL CHECK (mode IN ('zero', 'mean')),
      layer_range TEXT NOT NULL CHECK (layer_range IN ('full', 'top', 'bottom')),
      count INTEGER NOT NULL CHECK (count >= 0),
      draw INTEGER NOT NULL DEFAULT 0 CHECK (draw >= 0),
      heads TEXT NOT NULL CHECK (json_valid(heads)),
      UNIQUE (study_id, idx),
      UNIQUE (study_id, key)
    ) STRICT;

    CREATE TABLE trials (
      study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
      idx INTEGER NOT NULL CHECK (idx >= 0),
      tokens BLOB NOT NULL CHECK (length(tokens) > 0 AND length(tokens) % 4 = 0),
      PRIMARY KEY (study_id, idx)
    ) STRICT;

    CREATE TABLE results (
      condition_id INTEGER NOT NULL REFERENCES conditions(id) ON DELETE CASCADE,
      trial_idx INTEGER NOT NULL CHECK (trial_idx >= 0),
      probs BLOB NOT NULL CHECK (length(probs) > 0 AND length(probs) % 4 = 0),
      PRIMARY KEY (condition_id, trial_idx)
    ) STRICT;
  `);
}
