// Measured engine speeds per model (rows per second at a prompt length, batch size, provider and
// dtype), from a short measurement after compiling and from every study run session. Run-time
// estimates for new studies are read from here.

import { prepare, type Store } from './db';

export interface ThroughputSample {
  modelId: number;
  provider: string;
  dtype: string;
  seqLen: number;
  batchSize: number;
  rows: number;
  ms: number;
  source: 'compile' | 'study';
}

export interface ThroughputRecord extends ThroughputSample {
  id: number;
  measuredAt: number;
}

interface ThroughputRow {
  id: number;
  model_id: number;
  provider: string;
  dtype: string;
  seq_len: number;
  batch_size: number;
  rows: number;
  ms: number;
  source: 'compile' | 'study';
  measured_at: number;
}

const INSERT = `
  INSERT INTO throughput (model_id, provider, dtype, seq_len, batch_size, rows, ms, source, measured_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function insertThroughput(store: Store, t: ThroughputSample): void {
  prepare(store.db, INSERT).run(t.modelId, t.provider, t.dtype, t.seqLen, t.batchSize, t.rows, t.ms, t.source, Date.now());
}

/** A model's measurements, newest first. */
export function listThroughput(store: Store, modelId: number, limit = 50): ThroughputRecord[] {
  const sql = `SELECT * FROM throughput WHERE model_id = ? ORDER BY measured_at DESC, id DESC LIMIT ?`;
  return prepare<[number, number], ThroughputRow>(store.db, sql)
    .all(modelId, limit)
    .map((r) => ({
      id: r.id,
      modelId: r.model_id,
      provider: r.provider,
      dtype: r.dtype,
      seqLen: r.seq_len,
      batchSize: r.batch_size,
      rows: r.rows,
      ms: r.ms,
      source: r.source,
      measuredAt: r.measured_at,
    }));
}
