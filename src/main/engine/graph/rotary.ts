// Rotary position embeddings: cos/sin tables computed once in float64 (incl. Llama-3.1's `llama3`
// frequency scaling, as HF's _compute_llama3_parameters) and stored as initializers
// [maxPositions, rotaryDim]; the graph gathers rows by position and rotates with HF's rotate-half
// convention on the first rotaryDim dims of each head (GPT-NeoX's partial rotary leaves the rest).

import type { Positional, RopeScalingLlama3 } from '../../../shared/model-spec';
import type { GraphBuilder } from './onnx-builder';
import type { ComputeType } from './ops';
import { encodeFloats } from './onnx-builder';

type Rotary = Extract<Positional, { kind: 'rotary' }>;

/** inv_freq[i] = theta^(-2i/rotaryDim), i < rotaryDim/2, then the llama3 scaling if any. */
export function rotaryInvFreq(p: Rotary): Float64Array {
  const half = p.rotaryDim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / p.theta ** ((2 * i) / p.rotaryDim);
  return p.scaling ? scaleLlama3(inv, p.scaling) : inv;
}

/**
 * Llama 3.1: long wavelengths (> original context / low_freq_factor) are slowed by `factor`, short
 * ones (< original context / high_freq_factor) kept, and the band between interpolated smoothly.
 */
export function scaleLlama3(inv: Float64Array, s: RopeScalingLlama3): Float64Array {
  const lowFreqWavelen = s.originalMaxPositions / s.lowFreqFactor;
  const highFreqWavelen = s.originalMaxPositions / s.highFreqFactor;
  return inv.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highFreqWavelen) return f;
    if (wavelen > lowFreqWavelen) return f / s.factor;
    const smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
    return (1 - smooth) * (f / s.factor) + smooth * f;
  });
}

/**
 * cos [P, rd] and sinSigned [P, rd] in HF's cat(freqs, freqs) layout. sinSigned negates the first
 * half so that rotate_half(x) * sin == swap_halves(x) * sinSigned (one Concat instead of Neg + Concat).
 */
export function rotaryTables(p: Rotary, maxPositions: number): { cos: Float32Array; sinSigned: Float32Array } {
  const rd = p.rotaryDim;
  const half = rd / 2;
  const inv = rotaryInvFreq(p);
  const cos = new Float32Array(maxPositions * rd);
  const sinSigned = new Float32Array(maxPositions * rd);
  for (let pos = 0; pos < maxPositions; pos++) {
    inv.forEach((freq, i) => {
      // i < half = inv.length
      const angle = pos * freq;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[pos * rd + i] = c;
      cos[pos * rd + half + i] = c;
      sinSigned[pos * rd + i] = -s;
      sinSigned[pos * rd + half + i] = s;
    });
  }
  return { cos, sinSigned };
}

/** The two tables as initializers `/model/rotary/cos_table`, `/model/rotary/sin_signed_table`. */
export function rotaryTableInits(g: GraphBuilder, p: Rotary, maxPositions: number, dt: ComputeType): { cos: string; sin: string } {
  const dims = [maxPositions, p.rotaryDim];
  const note = 'computed in float64 from spec.positional';
  // Each table is recomputed when written rather than cached: 128k positions x 2 tables would
  // otherwise stay in memory for the whole (streamed) write.
  return {
    cos: g.initializer({ name: '/model/rotary/cos_table', dims, elemType: dt, note, bytes: () => encodeFloats(rotaryTables(p, maxPositions).cos, dt) }),
    sin: g.initializer({ name: '/model/rotary/sin_signed_table', dims, elemType: dt, note, bytes: () => encodeFloats(rotaryTables(p, maxPositions).sinSigned, dt) }),
  };
}

/**
 * Rotates x [B, S, nHeads, Dh] by cos/sin [S, 1, rd] (broadcast over batch and heads).
 *
 *   x ─Split(rd, Dh-rd)─ rot ─Mul(cos)──────────────────────┐
 *                        rot ─Split(halves)─Concat(x2,x1)─Mul(sinSigned)─Add─ Concat(pass) ─▶
 *                        pass ───────────────────────────────────────────────┘
 */
export function applyRotary(
  g: GraphBuilder,
  x: string,
  cs: { cos: string; sin: string },
  dims: { rotaryDim: number; headDim: number },
  name: string,
): string {
  const { rotaryDim: rd, headDim: dh } = dims;
  const partial = rd < dh;
  const [rot, pass] = partial
    ? g.op2('Split', [x, g.constI64([rd, dh - rd])], `${name}/SplitRotary`, { attrs: { axis: -1 } })
    : [x, null];
  const [x1, x2] = g.op2('Split', [rot], `${name}/SplitHalves`, { attrs: { axis: -1 } });
  const swapped = g.op1('Concat', [x2, x1], `${name}/Swap`, { attrs: { axis: -1 } });
  const rotated = g.op1(
    'Add',
    [g.op1('Mul', [rot, cs.cos], `${name}/MulCos`), g.op1('Mul', [swapped, cs.sin], `${name}/MulSin`)],
    `${name}/Add`,
  );
  return pass ? g.op1('Concat', [rotated, pass], `${name}/ConcatPass`, { attrs: { axis: -1 } }) : rotated;
}
