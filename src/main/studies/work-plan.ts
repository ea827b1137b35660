// Deterministic batching of a study's work. The work list is every (trial, condition) pair in
// trial-major order (row r = trial * C + condition); chunk k is rows [kB, (k+1)B), always, whether a
// run is fresh or resumed. onnxruntime's results can depend on what else is in the batch, so a
// resumed run must recompute a chunk with exactly the composition an uninterrupted run would use.

export interface WorkRow {
  /** Row number in the full work list. */
  row: number;
  trialIdx: number;
  conditionIdx: number;
}

export interface WorkChunk {
  /** Chunk number k. */
  index: number;
  /** Every row of the chunk (the batch sent to the engine), in order. */
  rows: WorkRow[];
  /** Rows of the chunk that still lack a result (all of them, unless the batch size changed). */
  missing: WorkRow[];
}

export function workRow(row: number, conditionCount: number): WorkRow {
  return { row, trialIdx: Math.floor(row / conditionCount), conditionIdx: row % conditionCount };
}

/**
 * Chunks with at least one missing row, in order. `hasResult(row)` says whether a row is stored.
 */
export function pendingChunks(
  trials: number,
  conditionCount: number,
  batchSize: number,
  hasResult: (row: number) => boolean,
): WorkChunk[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const total = trials * conditionCount;
  const chunks: WorkChunk[] = [];
  for (let start = 0, index = 0; start < total; start += batchSize, index++) {
    const rows: WorkRow[] = [];
    for (let r = start; r < Math.min(start + batchSize, total); r++) rows.push(workRow(r, conditionCount));
    const missing = rows.filter((w) => !hasResult(w.row));
    if (missing.length > 0) chunks.push({ index, rows, missing });
  }
  return chunks;
}
