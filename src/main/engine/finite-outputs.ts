// The last guard against a silently wrong number: every batch of probabilities (and every set of
// induction scores) the engine hands back is checked for NaN and infinities before anything is
// stored or written. Finite weights can still overflow (e.g. float16 activations of a large model),
// so the checkpoint's own weight check (checkpoint-hash.ts) is not enough on its own.

import { InputError } from '../../shared/errors';
import type { HeadScore } from '../../shared/study/types';

/** Index of the first NaN or ±Infinity in `values`, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    // v - v is 0 for every finite v and NaN for NaN and ±Infinity: one comparison per value.
    const v = values[i] as number;
    if (v - v !== 0) return i;
  }
  return -1;
}

/**
 * Throws if a [B, S] batch of probabilities holds a non-finite value, naming the model, the row
 * (`rowName(b)`, e.g. "study 3, condition induction k=5, trial 12") and the position.
 */
export function checkFiniteProbs(probs: Float32Array, seqLen: number, modelDir: string, rowName: (row: number) => string): void {
  const i = firstNonFinite(probs);
  if (i < 0) return;
  const row = Math.floor(i / seqLen);
  throw new InputError(
    modelDir,
    `the model produced ${String(probs[i])} as a probability (${rowName(row)}, position ${i % seqLen}); ` +
      'nothing of this batch was kept. The weights or the numeric precision overflow for this input',
  );
}

/** Throws if an induction score is not finite, naming the model and the head. */
export function checkFiniteScores(scores: readonly HeadScore[], modelDir: string): void {
  const bad = scores.find((s) => !Number.isFinite(s.score));
  if (!bad) return;
  throw new InputError(modelDir, `the model produced ${String(bad.score)} as the induction score of head (${bad.layer}, ${bad.head}); no scores were written`);
}
