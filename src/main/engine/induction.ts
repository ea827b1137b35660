// Induction scores computed by the app: random token sequences of length T, each
// repeated twice (2T tokens, no BOS); a head's score is its mean attention from every position i of
// the second copy to position i - T + 1, the token AFTER the earlier occurrence of token[i].
// Mirrors TransformerLens's induction-score recipe (without the BOS it prepends).

import { InputError, quoteValue } from '../../shared/errors';
import { compareHeadScores } from '../../shared/study/heads';
import type { HeadScore } from '../../shared/study/types';
import type { Engine } from './engine-types';
import { randomInductionSequences } from './induction-tokens';
import { at, first } from '../../shared/checked';

export type InductionMethod =
  | {
      kind: 'repeated-random';
      seqLen: number;
      count: number;
      seed: number;
      bos: false;
      /** Tokens within one sequence are distinct, so "the earlier occurrence" is unique. */
      distinctTokens: true;
      /** Size of the pool the tokens were drawn from (vocabulary minus special tokens, or a given pool). */
      poolSize: number;
    }
  | { kind: 'repeated-given'; seqLen: number; count: number; bos: false };

export interface InductionResult {
  /** Ranked by compareHeadScores: score descending, ties by layer, then head. */
  scores: HeadScore[];
  method: InductionMethod;
}

export type InductionSource = { seqLen: number; count: number; seed: number } | { sequences: number[][] };

export interface InductionOptions {
  /** Sequences per patterns batch (memory: B x H x 2T x 2T floats per layer). Default 4. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** Named in errors about given sequences (a file path, or `sequences`). */
  source?: string;
}

/** Checks given first copies: non-empty, equal lengths T >= 2, ids inside the vocabulary. */
export function validateSequences(sequences: unknown, vocabSize: number, source = 'sequences', maxPositions = Infinity): number[][] {
  if (!Array.isArray(sequences) || sequences.length === 0) throw new InputError(source, 'must be a non-empty JSON array of token-id arrays');
  const seqLen = Array.isArray(sequences[0]) ? sequences[0].length : -1;
  if (2 * seqLen > maxPositions) {
    throw new InputError(source, `sequences of ${seqLen} tokens, repeated twice, exceed the model's ${maxPositions} positions (max_position_embeddings)`);
  }
  sequences.forEach((seq: unknown, s) => {
    if (!Array.isArray(seq)) throw new InputError(source, `sequence ${s} is not an array of token ids`);
    if (seq.length !== seqLen) throw new InputError(source, `sequence ${s} has ${seq.length} tokens, sequence 0 has ${seqLen}: all must have the same length`);
    if (seq.length < 2) throw new InputError(source, `sequence ${s} has ${seq.length} tokens; an induction sequence needs at least 2`);
    seq.forEach((id: unknown, i) => {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocabSize) {
        throw new InputError(source, `sequence ${s}, position ${i}: ${quoteValue(id)} is not a token id (vocabulary size ${vocabSize})`);
      }
    });
  });
  return sequences as number[][];
}

/**
 * Adds, for each head, the sum over batch rows b and positions i in [T, 2T) of pattern[b, h, i, i-T+1].
 * patterns[l] is [B, H, S, S] with S = 2T; sums is [L * H].
 */
export function accumulateInductionSums(patterns: Float32Array[], batch: number, nHeads: number, seqLen: number, sums: Float64Array): void {
  const T = seqLen;
  const S = 2 * T;
  patterns.forEach((pattern, layer) => {
    if (pattern.length !== batch * nHeads * S * S) {
      throw new Error(`layer ${layer} pattern has ${pattern.length} values, expected B x H x S x S = ${batch * nHeads * S * S}`);
    }
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < nHeads; h++) {
        const base = (b * nHeads + h) * S * S; // pattern[b, h, :, :]
        let sum = 0;
        for (let i = T; i < S; i++) sum += at(pattern, base + i * S + (i - T + 1));
        sums[layer * nHeads + h] = at(sums, layer * nHeads + h) + sum;
      }
    }
  });
}

export async function computeInductionScores(
  engine: Pick<Engine, 'info' | 'patterns'>,
  source: InductionSource,
  tokenPool?: readonly number[],
  options: InductionOptions = {},
): Promise<InductionResult> {
  const { nLayers: L, nHeads: H, vocabSize } = engine.info.spec;
  let sequences: number[][];
  let method: InductionMethod;
  if ('sequences' in source) {
    sequences = validateSequences(source.sequences, vocabSize, options.source);
    method = { kind: 'repeated-given', seqLen: first(sequences).length, count: sequences.length, bos: false }; // validated: non-empty
  } else {
    const pool = tokenPool ?? Array.from({ length: vocabSize }, (_, i) => i);
    sequences = randomInductionSequences(source.seqLen, source.count, source.seed, pool, vocabSize);
    method = { kind: 'repeated-random', seqLen: source.seqLen, count: source.count, seed: source.seed, bos: false, distinctTokens: true, poolSize: pool.length };
  }

  const T = method.seqLen;
  const S = 2 * T;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 4));
  const sums = new Float64Array(L * H);
  for (let start = 0; start < sequences.length; start += batchSize) {
    const rows = sequences.slice(start, start + batchSize);
    const ids = new Int32Array(rows.length * S); // [B, 2T]: each first copy, then the same again
    rows.forEach((seq, b) => {
      ids.set(seq, b * S);
      ids.set(seq, b * S + T);
    });
    const patterns = await engine.patterns(ids, rows.length, S);
    accumulateInductionSums(patterns, rows.length, H, T, sums);
    options.onProgress?.(start + rows.length, sequences.length);
  }

  const denom = sequences.length * T;
  const scores: HeadScore[] = [];
  for (let layer = 0; layer < L; layer++) {
    for (let head = 0; head < H; head++) scores.push({ layer, head, score: at(sums, layer * H + head) / denom });
  }
  return { scores: scores.sort(compareHeadScores), method };
}
