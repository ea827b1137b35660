// Causal self-attention with ablation done LITERALLY on the scores, the way the seed script's hooks
// do it (README: The experiment), so that parity with the app's gated graph (keep * attn + uniform * mean(v))
// proves the gates right. Order per head: q.k * scale -> soft-cap -> causal/window mask -> ablation
// -> softmax -> NaN rows to zero -> probs @ v.

import { softmaxRow } from './tensor-math';
import { at } from '../../src/shared/checked';

export type AblationMode = 'none' | 'zero' | 'mean';

export interface AttentionArgs {
  seqLen: number;
  nHeads: number;
  /** Query head h reads kv head floor(h / (nHeads / nKvHeads)). */
  nKvHeads: number;
  headDim: number;
  /** [S, nHeads, headDim], rotary already applied. */
  q: Float64Array;
  /** [S, nKvHeads, headDim] */
  k: Float64Array;
  /** [S, nKvHeads, headDim] */
  v: Float64Array;
  scale: number;
  /** Gemma-2: scores = cap * tanh(scores / cap). */
  softcap: number | null;
  /** A query q sees keys q-W+1..q when set. */
  window: number | null;
  /** One mode per query head. */
  modes: AblationMode[];
}

export interface AttentionResult {
  /** [S, nHeads * headDim]: each head's output before the output projection. */
  z: Float64Array;
  /** Per head, [S, S] attention probabilities as used (after ablation). */
  probs: Float64Array[];
}

export function attend(a: AttentionArgs): AttentionResult {
  const { seqLen: S, nHeads: H, nKvHeads: K, headDim: Dh } = a;
  const group = H / K;
  const z = new Float64Array(S * H * Dh);
  const probs: Float64Array[] = [];
  for (let h = 0; h < H; h++) {
    const kv = Math.floor(h / group);
    const p = new Float64Array(S * S); // [S_q, S_k]
    for (let qi = 0; qi < S; qi++) {
      const scores = new Float64Array(S);
      const allowed: boolean[] = [];
      for (let ki = 0; ki < S; ki++) {
        let dot = 0;
        for (let d = 0; d < Dh; d++) dot += at(a.q, (qi * H + h) * Dh + d) * at(a.k, (ki * K + kv) * Dh + d);
        let s = dot * a.scale;
        if (a.softcap !== null) s = a.softcap * Math.tanh(s / a.softcap);
        const ok = ki <= qi && (a.window === null || ki > qi - a.window);
        allowed.push(ok);
        scores[ki] = ok ? s : -Infinity;
      }
      ablateScores(scores, allowed, at(a.modes, h));
      const row = softmaxRow(scores);
      // An all -inf row (zero ablation) is NaN after the softmax; the seed replaces it by zeros.
      for (let ki = 0; ki < S; ki++) p[qi * S + ki] = Number.isNaN(at(row, ki)) ? 0 : at(row, ki);
    }
    for (let qi = 0; qi < S; qi++) {
      for (let d = 0; d < Dh; d++) {
        let acc = 0;
        for (let ki = 0; ki < S; ki++) acc += at(p, qi * S + ki) * at(a.v, (ki * K + kv) * Dh + d);
        z[(qi * H + h) * Dh + d] = acc;
      }
    }
    probs.push(p);
  }
  return { z, probs };
}

/**
 * zero: every score of the row becomes -inf. mean: every unmasked score becomes the mean of the
 * unmasked scores (masked ones stay -inf), so the softmax is uniform over the allowed keys.
 */
function ablateScores(scores: Float64Array, allowed: boolean[], mode: AblationMode): void {
  if (mode === 'zero') {
    scores.fill(-Infinity);
  } else if (mode === 'mean') {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < scores.length; i++) {
      if (allowed[i]) {
        sum += at(scores, i);
        n++;
      }
    }
    for (let i = 0; i < scores.length; i++) if (allowed[i]) scores[i] = sum / n;
  }
}
