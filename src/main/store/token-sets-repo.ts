// Token sets: the pools of unique token ids prompts are drawn from, stored whole (Int32 BLOB) so a
// study can always be re-derived from the database alone.

import { blobInt32, int32Blob } from './blobs';
import { insertedId, prepare, type Store } from './db';

export interface TokenSetRecord {
  id: number;
  name: string;
  sourcePath: string | null;
  n: number;
  tokens: Int32Array;
  /** Special tokens (BOS/EOS/pad...) removed from the imported list. */
  droppedSpecial: number;
  createdAt: number;
}

export interface NewTokenSet {
  name: string;
  sourcePath: string | null;
  tokens: ArrayLike<number>;
  droppedSpecial: number;
}

interface TokenSetRow {
  id: number;
  name: string;
  source_path: string | null;
  n: number;
  tokens: Buffer;
  dropped_special: number;
  created_at: number;
}

const INSERT = `
  INSERT INTO token_sets (name, source_path, n, tokens, dropped_special, created_at)
  VALUES (?, ?, ?, ?, ?, ?) RETURNING id`;

export function insertTokenSet(store: Store, set: NewTokenSet): number {
  const row = prepare<unknown[], { id: number }>(store.db, INSERT).get(
    set.name,
    set.sourcePath,
    set.tokens.length,
    int32Blob(set.tokens),
    set.droppedSpecial,
    Date.now(),
  );
  return insertedId(row, `token set ${set.name}`);
}

/** An identical set (same name, source and tokens) already stored, so re-imports do not pile up. */
export function findTokenSet(store: Store, set: NewTokenSet): number | undefined {
  const sql = `SELECT id FROM token_sets WHERE n = ? AND tokens = ? AND name = ? AND source_path IS ? ORDER BY id LIMIT 1`;
  return prepare<unknown[], number>(store.db, sql)
    .pluck()
    .get(set.tokens.length, int32Blob(set.tokens), set.name, set.sourcePath);
}

export function getTokenSet(store: Store, id: number): TokenSetRecord | undefined {
  const row = prepare<[number], TokenSetRow>(store.db, `SELECT * FROM token_sets WHERE id = ?`).get(id);
  return row && toRecord(row);
}

/** Every token set without its tokens (for lists). */
export function listTokenSets(store: Store): Omit<TokenSetRecord, 'tokens'>[] {
  const rows = prepare<[], Omit<TokenSetRow, 'tokens'>>(
    store.db,
    `SELECT id, name, source_path, n, dropped_special, created_at FROM token_sets ORDER BY id`,
  ).all();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    sourcePath: r.source_path,
    n: r.n,
    droppedSpecial: r.dropped_special,
    createdAt: r.created_at,
  }));
}

function toRecord(r: TokenSetRow): TokenSetRecord {
  return {
    id: r.id,
    name: r.name,
    sourcePath: r.source_path,
    n: r.n,
    tokens: blobInt32(r.tokens),
    droppedSpecial: r.dropped_special,
    createdAt: r.created_at,
  };
}
