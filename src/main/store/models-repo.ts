// Models the app has seen: one row per checkpoint (by checksum), with its shape as typed columns and
// the full ModelSpec as JSON. Re-adding a checkpoint found at a new path updates the path. A model
// removed from the app's list while studies still use it is only hidden (re-adding shows it again).

import type { ModelSpec } from '../../shared/model-spec';
import { insertedId, prepare, type Store } from './db';
import { MODEL_SPEC_VERSION, readStoredModelSpec } from './stored-json';

export interface ModelRecord {
  id: number;
  path: string;
  family: string;
  modelType: string;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  hiddenSize: number;
  vocabSize: number;
  checksum: string;
  source: string;
  spec: ModelSpec;
  addedAt: number;
  /** Removed from the app's list (kept for the studies that use it). */
  hidden: boolean;
}

interface ModelRow {
  id: number;
  path: string;
  family: string;
  model_type: string;
  n_layers: number;
  n_heads: number;
  n_kv_heads: number;
  head_dim: number;
  hidden_size: number;
  vocab_size: number;
  checksum: string;
  source: string;
  spec: string;
  added_at: number;
  hidden: 0 | 1;
  spec_version: number;
}

export interface NewModel {
  path: string;
  spec: ModelSpec;
  checksum: string;
  /** Where it came from: 'folder' (a checkpoint the user picked), 'demo', ... */
  source: string;
}

const UPSERT = `
  INSERT INTO models (path, family, model_type, n_layers, n_heads, n_kv_heads, head_dim, hidden_size,
                      vocab_size, checksum, source, spec, spec_version, added_at)
  VALUES (@path, @family, @modelType, @nLayers, @nHeads, @nKvHeads, @headDim, @hiddenSize,
          @vocabSize, @checksum, @source, @spec, @specVersion, @addedAt)
  ON CONFLICT (checksum) DO UPDATE SET path = excluded.path, hidden = 0
  RETURNING id`;
const SELECT = `SELECT * FROM models`;

/** Inserts the model, or finds it by checksum (updating its path); returns its id. */
export function upsertModel(store: Store, model: NewModel): number {
  const s = model.spec;
  const row = prepare<[Record<string, unknown>], { id: number }>(store.db, UPSERT).get({
    path: model.path,
    family: s.family,
    modelType: s.modelType,
    nLayers: s.nLayers,
    nHeads: s.nHeads,
    nKvHeads: s.nKvHeads,
    headDim: s.headDim,
    hiddenSize: s.hiddenSize,
    vocabSize: s.vocabSize,
    checksum: model.checksum,
    source: model.source,
    spec: JSON.stringify(s),
    specVersion: MODEL_SPEC_VERSION,
    addedAt: Date.now(),
  });
  return insertedId(row, `model ${model.path}`);
}

export function getModel(store: Store, id: number): ModelRecord | undefined {
  const row = prepare<[number], ModelRow>(store.db, `${SELECT} WHERE id = ?`).get(id);
  return row && toRecord(store, row);
}

/** A model a stored row refers to (foreign keys keep it present); an Error if it is not. */
export function requireModel(store: Store, id: number): ModelRecord {
  const model = getModel(store, id);
  if (!model) throw new Error(`model ${id} is not in the database`);
  return model;
}

export function findModelByChecksum(store: Store, checksum: string): ModelRecord | undefined {
  const row = prepare<[string], ModelRow>(store.db, `${SELECT} WHERE checksum = ?`).get(checksum);
  return row && toRecord(store, row);
}

/** Models in the order they were added; hidden ones only when asked for. */
export function listModels(store: Store, opts: { includeHidden?: boolean } = {}): ModelRecord[] {
  const where = opts.includeHidden ? '' : ' WHERE hidden = 0';
  return prepare<[], ModelRow>(store.db, `${SELECT}${where} ORDER BY added_at, id`)
    .all()
    .map((row) => toRecord(store, row));
}

export function setModelHidden(store: Store, id: number, hidden: boolean): boolean {
  return prepare(store.db, `UPDATE models SET hidden = ? WHERE id = ?`).run(hidden ? 1 : 0, id).changes === 1;
}

/** Deletes the model row with its score sets and speed measurements; refused by the database while studies use it. */
export function deleteModelRow(store: Store, id: number): boolean {
  return prepare(store.db, `DELETE FROM models WHERE id = ?`).run(id).changes === 1;
}

/** Number of studies per model id. */
export function countStudiesByModel(store: Store): Map<number, number> {
  const rows = prepare<[], { modelId: number; n: number }>(store.db, `SELECT model_id AS modelId, count(*) AS n FROM studies GROUP BY model_id`).all();
  return new Map(rows.map((r) => [r.modelId, r.n]));
}

function toRecord(store: Store, r: ModelRow): ModelRecord {
  return {
    id: r.id,
    path: r.path,
    family: r.family,
    modelType: r.model_type,
    nLayers: r.n_layers,
    nHeads: r.n_heads,
    nKvHeads: r.n_kv_heads,
    headDim: r.head_dim,
    hiddenSize: r.hidden_size,
    vocabSize: r.vocab_size,
    checksum: r.checksum,
    source: r.source,
    spec: readStoredModelSpec(`model ${r.id} in ${store.path}`, r.spec, r.spec_version),
    addedAt: r.added_at,
    hidden: r.hidden === 1,
  };
}

/** The model stored for a checkpoint folder (the most recently added, if several checksums lived there). */
export function findModelByPath(store: Store, path: string): ModelRecord | undefined {
  const row = prepare<[string], ModelRow>(store.db, `${SELECT} WHERE path = ? ORDER BY added_at DESC, id DESC LIMIT 1`).get(path);
  return row && toRecord(store, row);
}
