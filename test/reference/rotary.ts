// Rotary position embeddings as transformers computes them (modeling_rope_utils + LlamaRotaryEmbedding):
// inv_freq = 1 / theta^(2i/d), optionally reshaped by the `llama3` rule, cos/sin laid out as
// cat(freqs, freqs), applied with rotate-half to the first `rotaryDim` dims of each head.
// transformers builds inv_freq and the angles in float32 (on purpose, "bfloat16 loses precision on
// long contexts"); we round at the same steps, so positions far out get the same angles as HF.

import type { RefRope } from './hf-config';
import { at } from '../../src/shared/checked';

const f32 = Math.fround;

/** inv_freq [rotaryDim / 2], float32 values, after llama3 scaling when configured. */
export function inverseFrequencies(rope: RefRope, rotaryDim: number): number[] {
  const inv: number[] = [];
  for (let i = 0; i < rotaryDim; i += 2) inv.push(f32(1 / f32(rope.theta ** f32(i / rotaryDim))));
  return rope.llama3 ? llama3Frequencies(inv, rope.llama3) : inv;
}

/**
 * `_compute_llama3_parameters`: wavelengths shorter than original/high_freq_factor keep their
 * frequency, longer than original/low_freq_factor are divided by `factor`, and the band between is
 * interpolated with smooth = (original/wavelen - low) / (high - low). Elementwise float32, as torch,
 * including its quirk that `python_float / tensor` is `tensor.reciprocal() * python_float`.
 */
function llama3Frequencies(inv: number[], s: NonNullable<RefRope['llama3']>): number[] {
  const rdiv = (scalar: number, t: number) => f32(f32(1 / t) * f32(scalar));
  const lowWavelen = f32(s.originalMaxPositions / s.lowFreqFactor);
  const highWavelen = f32(s.originalMaxPositions / s.highFreqFactor);
  const band = f32(s.highFreqFactor - s.lowFreqFactor);
  return inv.map((f) => {
    const wavelen = rdiv(2 * Math.PI, f);
    const scaled = wavelen > lowWavelen ? f32(f / s.factor) : f;
    const smooth = f32(f32(rdiv(s.originalMaxPositions, wavelen) - s.lowFreqFactor) / band);
    const smoothed = f32(f32(f32(f32(1 - smooth) * scaled) / s.factor) + f32(smooth * scaled));
    const medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
    return medium ? smoothed : scaled;
  });
}

export interface RotaryTables {
  rotaryDim: number;
  /** [S, rotaryDim] */
  cos: Float64Array;
  /** [S, rotaryDim] */
  sin: Float64Array;
}

/** cos/sin for positions 0..S-1; angle pos * inv_freq and its cos/sin are float32, as in HF. */
export function rotaryTables(rope: RefRope, rotaryDim: number, seqLen: number): RotaryTables {
  const inv = inverseFrequencies(rope, rotaryDim);
  const half = rotaryDim / 2;
  const cos = new Float64Array(seqLen * rotaryDim);
  const sin = new Float64Array(seqLen * rotaryDim);
  for (let s = 0; s < seqLen; s++) {
    for (let i = 0; i < half; i++) {
      const angle = f32(s * at(inv, i));
      for (const j of [i, i + half]) {
        cos[s * rotaryDim + j] = f32(Math.cos(angle));
        sin[s * rotaryDim + j] = f32(Math.sin(angle));
      }
    }
  }
  return { rotaryDim, cos, sin };
}

/**
 * In place on x [S, nHeads, headDim]: for d < rotaryDim, x[d] = x[d] cos + rotate_half(x)[d] sin with
 * rotate_half(x) = cat(-x[half:], x[:half]) taken over the rotary slice; dims >= rotaryDim pass through.
 */
export function applyRotary(x: Float64Array, seqLen: number, nHeads: number, headDim: number, t: RotaryTables): void {
  const r = t.rotaryDim;
  const half = r / 2;
  const tmp = new Float64Array(r);
  for (let s = 0; s < seqLen; s++) {
    for (let h = 0; h < nHeads; h++) {
      const base = (s * nHeads + h) * headDim;
      for (let d = 0; d < r; d++) {
        const rotated = d < half ? -at(x, base + d + half) : at(x, base + d - half);
        tmp[d] = at(x, base + d) * at(t.cos, s * r + d) + rotated * at(t.sin, s * r + d);
      }
      for (let d = 0; d < r; d++) x[base + d] = at(tmp, d);
    }
  }
}
