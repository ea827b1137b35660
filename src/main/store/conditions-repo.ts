// A study's resolved conditions (the exact heads silenced, in run order) and its trials (each
// trial's token order, Int32 BLOB), both written once when the study is created.

import type { HeadRef } from '../../shared/model-spec';
import type { Condition } from '../../shared/study/types';
import { blobInt32, int32Blob } from './blobs';
import { insertedId, prepare, type Store } from './db';

export interface ConditionRecord extends Condition {
  id: number;
  studyId: number;
  /** Position in the study's run order (0-based). */
  idx: number;
}

interface ConditionRow {
  id: number;
  study_id: number;
  idx: number;
  key: string;
  label: string;
  head_type: Condition['headType'];
  mode: Condition['mode'];
  layer_range: Condition['layerRange'];
  count: number;
  draw: number;
  heads: string;
}

const INSERT_CONDITION = `
  INSERT INTO conditions (study_id, idx, key, label, head_type, mode, layer_range, count, draw, heads)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`;
const INSERT_TRIAL = `INSERT INTO trials (study_id, idx, tokens) VALUES (?, ?, ?)`;

/** Inserts the conditions in order (idx = position in `conditions`); returns their ids. */
export function insertConditions(store: Store, studyId: number, conditions: readonly Condition[]): number[] {
  const stmt = prepare<unknown[], { id: number }>(store.db, INSERT_CONDITION);
  return conditions.map((c, idx) =>
    insertedId(stmt.get(studyId, idx, c.key, c.label, c.headType, c.mode, c.layerRange, c.count, c.draw, JSON.stringify(c.heads)), `condition ${c.key}`),
  );
}

export function listConditions(store: Store, studyId: number): ConditionRecord[] {
  return prepare<[number], ConditionRow>(store.db, `SELECT * FROM conditions WHERE study_id = ? ORDER BY idx`)
    .all(studyId)
    .map((r) => ({
      id: r.id,
      studyId: r.study_id,
      idx: r.idx,
      key: r.key,
      label: r.label,
      headType: r.head_type,
      mode: r.mode,
      layerRange: r.layer_range,
      count: r.count,
      draw: r.draw,
      heads: JSON.parse(r.heads) as HeadRef[],
    }));
}

export function insertTrial(store: Store, studyId: number, idx: number, tokens: ArrayLike<number>): void {
  prepare(store.db, INSERT_TRIAL).run(studyId, idx, int32Blob(tokens));
}

/** Every trial's token order, by trial index. */
export function loadTrials(store: Store, studyId: number): Int32Array[] {
  return prepare<[number], Buffer>(store.db, `SELECT tokens FROM trials WHERE study_id = ? ORDER BY idx`)
    .pluck()
    .all(studyId)
    .map(blobInt32);
}
