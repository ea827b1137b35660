// Schema version 2, for the desktop app: the queue's order survives a restart (queue_position), a
// failed study keeps what kind of error stopped it, a model can be removed from the list while
// studies still use it (hidden), stored JSON carries the version of its shape (re-validated on
// read: stored-json.ts), and measured engine speeds feed run-time estimates (throughput).

import type Database from 'better-sqlite3';

export function migration002AppQueue(db: Database.Database): void {
  db.exec(`
    ALTER TABLE studies ADD COLUMN queue_position INTEGER;
    ALTER TABLE studies ADD COLUMN error_kind TEXT
      CHECK (error_kind IS NULL OR error_kind IN ('input', 'conflict', 'not-found', 'internal'));
    ALTER TABLE studies ADD COLUMN spec_version INTEGER NOT NULL DEFAULT 1 CHECK (spec_version >= 1);
    CREATE INDEX studies_queue ON studies(queue_position) WHERE queue_position IS NOT NULL;

    ALTER TABLE models ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));
    ALTER TABLE models ADD COLUMN spec_version INTEGER NOT NULL DEFAULT 1 CHECK (spec_version >= 1);

    ALTER TABLE score_sets ADD COLUMN method_version INTEGER NOT NULL DEFAULT 1 CHECK (method_version >= 1);

    CREATE TABLE throughput (
      id INTEGER PRIMARY KEY,
      model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
      provider TEXT NOT NULL,
      dtype TEXT NOT NULL,
      seq_len INTEGER NOT NULL CHECK (seq_len > 0),
      batch_size INTEGER NOT NULL CHECK (batch_size > 0),
      rows INTEGER NOT NULL CHECK (rows > 0),
      ms REAL NOT NULL CHECK (ms > 0),
      source TEXT NOT NULL CHECK (source IN ('compile', 'study')),
      measured_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX throughput_model ON throughput(model_id, measured_at);
  `);
}
