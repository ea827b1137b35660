// Head-score sets (induction scores): one row per set with how the scores were obtained (method JSON:
// the computation's parameters, or the CSV it came from), and one typed row per head.

import type { HeadScore } from '../../shared/study/types';
import { insertedId, prepare, type Store } from './db';
import { at } from '../../shared/checked';

export type ScoreSource = 'computed' | 'csv';

export interface ScoreSetRecord {
  id: number;
  modelId: number;
  method: Record<string, unknown>;
  source: ScoreSource;
  sourcePath: string | null;
  createdAt: number;
  /** Ordered by (layer, head). */
  scores: HeadScore[];
}

export interface NewScoreSet {
  modelId: number;
  method: Record<string, unknown>;
  source: ScoreSource;
  sourcePath: string | null;
  scores: readonly HeadScore[];
}

interface ScoreSetRow {
  id: number;
  model_id: number;
  method: string;
  source: ScoreSource;
  source_path: string | null;
  created_at: number;
}

const INSERT_SET = `
  INSERT INTO score_sets (model_id, method, source, source_path, created_at)
  VALUES (?, ?, ?, ?, ?) RETURNING id`;
const INSERT_SCORE = `INSERT INTO head_scores (score_set_id, layer, head, score) VALUES (?, ?, ?, ?)`;
const SELECT_SCORES = `SELECT layer, head, score FROM head_scores WHERE score_set_id = ? ORDER BY layer, head`;

/** Inserts the set and all its head scores; call inside a transaction (the service does). */
export function insertScoreSet(store: Store, set: NewScoreSet): number {
  const row = prepare<unknown[], { id: number }>(store.db, INSERT_SET).get(
    set.modelId,
    JSON.stringify(set.method),
    set.source,
    set.sourcePath,
    Date.now(),
  );
  const id = insertedId(row, 'score set');
  const insertScore = prepare(store.db, INSERT_SCORE);
  for (const s of set.scores) insertScore.run(id, s.layer, s.head, s.score);
  return id;
}

/** An identical set (same model, method, source and scores) already stored, or undefined. */
export function findScoreSet(store: Store, set: NewScoreSet): number | undefined {
  const sql = `SELECT id FROM score_sets WHERE model_id = ? AND method = ? AND source = ? AND source_path IS ? ORDER BY id`;
  const ids = prepare<unknown[], number>(store.db, sql)
    .pluck()
    .all(set.modelId, JSON.stringify(set.method), set.source, set.sourcePath);
  const wanted = byHead(set.scores);
  return ids.find((id) => {
    const have = prepare<[number], HeadScore>(store.db, SELECT_SCORES).all(id);
    return have.length === wanted.length && have.every((s, i) => sameScore(s, at(wanted, i)));
  });
}

function sameScore(a: HeadScore, b: HeadScore): boolean {
  return a.layer === b.layer && a.head === b.head && Object.is(a.score, b.score);
}

function byHead(scores: readonly HeadScore[]): HeadScore[] {
  return [...scores].sort((a, b) => a.layer - b.layer || a.head - b.head);
}

export function getScoreSet(store: Store, id: number): ScoreSetRecord | undefined {
  const row = prepare<[number], ScoreSetRow>(store.db, `SELECT * FROM score_sets WHERE id = ?`).get(id);
  if (!row) return undefined;
  const scores = prepare<[number], HeadScore>(store.db, SELECT_SCORES).all(id);
  return { ...toRecord(row), scores };
}

/** A score set a stored row refers to (foreign keys keep it present); an Error if it is not. */
export function requireScoreSet(store: Store, id: number): ScoreSetRecord {
  const set = getScoreSet(store, id);
  if (!set) throw new Error(`score set ${id} is not in the database`);
  return set;
}

/** Score sets of one model (without their scores), newest first. */
export function listScoreSets(store: Store, modelId: number): Omit<ScoreSetRecord, 'scores'>[] {
  return prepare<[number], ScoreSetRow>(
    store.db,
    `SELECT * FROM score_sets WHERE model_id = ? ORDER BY created_at DESC, id DESC`,
  )
    .all(modelId)
    .map(toRecord);
}

function toRecord(r: ScoreSetRow): Omit<ScoreSetRecord, 'scores'> {
  return {
    id: r.id,
    modelId: r.model_id,
    method: JSON.parse(r.method) as Record<string, unknown>,
    source: r.source,
    sourcePath: r.source_path,
    createdAt: r.created_at,
  };
}
