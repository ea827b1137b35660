// Results: one Float32 BLOB of S probabilities per (condition, trial). Rows are only ever inserted
// (a batch's rows in one transaction); a row's presence is what marks that work as done.

import { blobFloat32, float32Blob } from './blobs';
import { prepare, type Store } from './db';

const INSERT = `INSERT INTO results (condition_id, trial_idx, probs) VALUES (?, ?, ?)`;

export function insertResult(store: Store, conditionId: number, trialIdx: number, probs: Float32Array): void {
  prepare(store.db, INSERT).run(conditionId, trialIdx, float32Blob(probs));
}

/** (condition id, trial index) of every result the study has. */
export function listResultKeys(store: Store, studyId: number): { conditionId: number; trialIdx: number }[] {
  const sql = `
    SELECT r.condition_id AS conditionId, r.trial_idx AS trialIdx
    FROM results r JOIN conditions c ON c.id = r.condition_id
    WHERE c.study_id = ?`;
  return prepare<[number], { conditionId: number; trialIdx: number }>(store.db, sql).all(studyId);
}

export function countStudyResults(store: Store, studyId: number): number {
  const sql = `SELECT count(*) FROM results r JOIN conditions c ON c.id = r.condition_id WHERE c.study_id = ?`;
  return prepare<[number], number>(store.db, sql).pluck().get(studyId) ?? 0; // count(*) always yields a row
}

/** A condition's results ordered by trial index: the raw BLOBs (for bitwise comparisons, export). */
export function loadResultBlobs(store: Store, conditionId: number): { trialIdx: number; probs: Buffer }[] {
  const sql = `SELECT trial_idx AS trialIdx, probs FROM results WHERE condition_id = ? ORDER BY trial_idx`;
  return prepare<[number], { trialIdx: number; probs: Buffer }>(store.db, sql).all(conditionId);
}

/** A condition's results ordered by trial index, decoded. */
export function loadResults(store: Store, conditionId: number): { trialIdx: number; probs: Float32Array }[] {
  return loadResultBlobs(store, conditionId).map((r) => ({ trialIdx: r.trialIdx, probs: blobFloat32(r.probs) }));
}
