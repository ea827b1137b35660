// What the app reads about a checkpoint folder without compiling it: its ModelSpec (readModelSpec:
// config.json, dispatched to its family), the tokenizer's vocabulary and special tokens, and the
// checkpoint's content hash (memoised per file, so a model hashed once is recognised instantly afterwards).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec } from '../../shared/model-spec';
import { hashCheckpoint, loadTokenizer, openCheckpoint } from '../engine/checkpoint';
import type { VocabInfo } from '../studies/import/token-set';

export { readModelSpec } from '../engine/load-engine';
export type { VocabInfo } from '../studies/import/token-set';

/** The tokenizer's vocabulary (ids the model has real tokens for) and special tokens. */
export function vocabularyOf(modelDir: string, model: Pick<ModelSpec, 'vocabSize'>): VocabInfo {
  const path = join(modelDir, 'tokenizer.json');
  if (!existsSync(path)) return { vocabSize: model.vocabSize, specialTokenIds: [] };
  const tok = loadTokenizer(path);
  // Embedding matrices are often padded past the tokenizer: those rows are no tokens at all.
  return { vocabSize: Math.min(tok.vocabSize, model.vocabSize), specialTokenIds: tok.specialTokenIds };
}

/** Ids a prompt or an induction sequence may use: the vocabulary without special tokens. */
export function usableTokenIds(vocab: VocabInfo): number[] {
  const special = new Set(vocab.specialTokenIds);
  return Array.from({ length: vocab.vocabSize }, (_, i) => i).filter((i) => !special.has(i));
}

/** The checkpoint's content hash (the engine's cache key and the model's identity in the store). */
export async function checkpointChecksum(modelDir: string, memoDir: string, onProgress?: (fraction: number) => void): Promise<string> {
  const checkpoint = openCheckpoint(modelDir);
  try {
    return await hashCheckpoint(checkpoint, memoDir, onProgress);
  } finally {
    checkpoint.close();
  }
}
