// Token sequences for induction scores: which ids may be drawn (the vocabulary without special
// tokens, when a tokenizer says which those are) and the seeded draw itself. Sequence i is a pure
// function of (seed, i), so a run with more sequences extends a run with fewer.

import { createRng, sampleWithoutReplacement } from '../../shared/study/prng';
import { InputError } from '../../shared/errors';
import { loadTokenizer } from './checkpoint';
import { promptableIds } from './checkpoint/special-tokens';

/** Stream tag for induction-sequence draws ('indc'), apart from the study's trial and head streams. */
const INDUCTION_DOMAIN = 0x696e6463;

/**
 * Ids 0..n-1 minus the tokenizer's special tokens, where n is the smaller of the model's and the
 * tokenizer's vocabulary (padded embedding rows beyond the tokenizer were never trained).
 * Without a tokenizer: every id of the model's vocabulary.
 */
export function inductionTokenPool(vocabSize: number, tokenizerPath: string | null): number[] {
  if (!tokenizerPath) return promptableIds({ vocabSize, specialTokenIds: [] });
  const tok = loadTokenizer(tokenizerPath);
  return promptableIds({ vocabSize: Math.min(vocabSize, tok.vocabSize), specialTokenIds: tok.specialTokenIds });
}

/** `count` sequences of `seqLen` distinct ids from `pool`. */
export function randomInductionSequences(seqLen: number, count: number, seed: number, pool: readonly number[], vocabSize: number): number[][] {
  if (!Number.isInteger(seqLen) || seqLen < 2) throw new InputError('induction.seqLen', `must be an integer >= 2, got ${seqLen}`);
  if (!Number.isInteger(count) || count < 1) throw new InputError('induction.count', `must be an integer >= 1, got ${count}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError('induction.seed', `must be a non-negative integer, got ${seed}`);
  if (pool.length < seqLen) {
    throw new InputError('induction.seqLen', `${seqLen} distinct tokens per sequence, but only ${pool.length} tokens can be drawn`);
  }
  for (const id of pool) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new InputError('induction.tokenPool', `${id} is not a token id (vocabulary size ${vocabSize})`);
  }
  return Array.from({ length: count }, (_, i) => sampleWithoutReplacement(createRng(seed, INDUCTION_DOMAIN, i), pool, seqLen));
}
