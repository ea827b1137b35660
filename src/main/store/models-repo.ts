// Models the app has seen: one row per checkpoint (by checksum), with its shape as typed columns and
// the full ModelSpec as JSON. Re-adding a checkpoint found at a new path updates the path.

import type { ModelSpec } from '../../shared/model-spec';
import { insertedId, prepare, type Store } from './db';

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
                      vocab_size, checksum, source, spec, added_at)
  VALUES (@path, @family, @modelType, @nLayers, @nHeads, @nKvHeads, @headDim, @hiddenSize,
          @vocabSize, @checksum, @source, @spec, @addedAt)
  ON CONFLICT (checksum) DO UPDATE SET path = excluded.path
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
    addedAt: Date.now(),
  });
  return insertedId(row, `model ${model.path}`);
}

export function getModel(store: Store, id: number): ModelRecord | undefined {
  const row = prepare<[number], ModelRow>(store.db, `${SELECT} WHERE id = ?`).get(id);
  return row && toRecord(row);
}

/** A model a stored row refers to (foreign keys keep it present); an Error if it is not. */
export function requireModel(store: Store, id: number): ModelRecord {
  const model = getModel(store, id);
  if (!model) throw new Error(`model ${id} is not in the database`);
  return model;
}

export function findModelByChecksum(store: Store, checksum: string): ModelRecord | undefined {
  const row = prepare<[string], ModelRow>(store.db, `${SELECT} WHERE checksum = ?`).get(checksum);
  return row && toRecord(row);
}

export function listModels(store: Store): ModelRecord[] {
  return prepare<[], ModelRow>(store.db, `${SELECT} ORDER BY added_at, id`).all().map(toRecord);
}

function toRecord(r: ModelRow): ModelRecord {
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
    spec: JSON.parse(r.spec) as ModelSpec,
    addedAt: r.added_at,
  };
}
