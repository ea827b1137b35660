// Plain-loop float64 math for the reference forward pass: projections, norms, activations and the
// softmax. Every accumulation is a float64 sum in index order; nothing here is clever on purpose.
// Activations follow transformers' ACT2FN names (silu, gelu, gelu_new, gelu_pytorch_tanh).

import { at } from '../../src/shared/checked';

/** nn.Linear: y[s, o] = sum_i x[s, i] * w[o, i] + b[o]; x [S, In], w [Out, In] -> [S, Out]. */
export function linear(x: Float64Array, seqLen: number, w: Float64Array, outDim: number, bias?: Float64Array | null): Float64Array {
  const inDim = x.length / seqLen;
  const y = new Float64Array(seqLen * outDim);
  for (let s = 0; s < seqLen; s++) {
    for (let o = 0; o < outDim; o++) {
      let acc = bias ? at(bias, o) : 0;
      const xo = s * inDim;
      const wo = o * inDim;
      for (let i = 0; i < inDim; i++) acc += at(x, xo + i) * at(w, wo + i);
      y[s * outDim + o] = acc;
    }
  }
  return y;
}

/** GPT-2's Conv1D, weight stored transposed: y[s, o] = sum_i x[s, i] * w[i, o] + b[o]; w [In, Out]. */
export function conv1d(x: Float64Array, seqLen: number, w: Float64Array, outDim: number, bias: Float64Array): Float64Array {
  const inDim = x.length / seqLen;
  const y = new Float64Array(seqLen * outDim);
  for (let s = 0; s < seqLen; s++) {
    for (let o = 0; o < outDim; o++) {
      let acc = at(bias, o);
      for (let i = 0; i < inDim; i++) acc += at(x, s * inDim + i) * at(w, i * outDim + o);
      y[s * outDim + o] = acc;
    }
  }
  return y;
}

/** RMSNorm over the last dim: x / sqrt(mean(x^2) + eps) * (offset + w); offset 1 for Gemma-2. */
export function rmsNorm(x: Float64Array, dim: number, w: Float64Array, eps: number, offset = 0): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / dim; r++) {
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += at(x, r * dim + i) ** 2;
    const inv = 1 / Math.sqrt(ss / dim + eps);
    for (let i = 0; i < dim; i++) y[r * dim + i] = at(x, r * dim + i) * inv * (offset + at(w, i));
  }
  return y;
}

/** nn.LayerNorm over the last dim (biased variance, as torch). */
export function layerNorm(x: Float64Array, dim: number, w: Float64Array, b: Float64Array, eps: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < x.length / dim; r++) {
    let mean = 0;
    for (let i = 0; i < dim; i++) mean += at(x, r * dim + i);
    mean /= dim;
    let v = 0;
    for (let i = 0; i < dim; i++) v += (at(x, r * dim + i) - mean) ** 2;
    const inv = 1 / Math.sqrt(v / dim + eps);
    for (let i = 0; i < dim; i++) y[r * dim + i] = (at(x, r * dim + i) - mean) * inv * at(w, i) + at(b, i);
  }
  return y;
}

export type ActName = 'silu' | 'gelu' | 'gelu_tanh';

/** Map a transformers activation name onto the three functions the families use. */
export function activationByName(name: string, file: string): ActName {
  if (name === 'silu' || name === 'swish') return 'silu';
  if (name === 'gelu') return 'gelu';
  // gelu_new, gelu_pytorch_tanh and gelu_fast are the same tanh approximation written three ways.
  if (name === 'gelu_new' || name === 'gelu_pytorch_tanh' || name === 'gelu_fast') return 'gelu_tanh';
  throw new Error(`${file}: activation ${name} is not supported by the reference`);
}

export function activate(x: Float64Array, act: ActName): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = at(x, i);
    if (act === 'silu') y[i] = v / (1 + Math.exp(-v));
    else if (act === 'gelu') y[i] = 0.5 * v * (1 + erf(v / Math.SQRT2));
    else y[i] = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
  }
  return y;
}

/**
 * erf to ~1e-15: erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)); every term is
 * positive, so no cancellation. Beyond |x| = 6, 1 - erf(x) < 2e-17 is below a double's resolution.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  let term = ax;
  let sum = ax;
  for (let n = 0; term > sum * 1e-17; n++) {
    term *= (2 * ax * ax) / (2 * n + 3);
    sum += term;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-ax * ax) * sum;
}

/**
 * Softmax of one row, computed the textbook way: subtract the max, exponentiate, divide by the sum.
 * A row of all -Infinity gives -inf - (-inf) = NaN everywhere, exactly as torch does; callers decide
 * what to do with NaN rows.
 */
export function softmaxRow(row: Float64Array): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (at(row, i) > max) max = at(row, i);
  const out = new Float64Array(row.length);
  let sum = 0;
  for (let i = 0; i < row.length; i++) {
    out[i] = Math.exp(at(row, i) - max);
    sum += at(out, i);
  }
  for (let i = 0; i < row.length; i++) out[i] = at(out, i) / sum;
  return out;
}

/** Elementwise a += b (residual adds). */
export function addInPlace(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] = at(a, i) + at(b, i);
}

/** Elementwise product (gated MLPs). */
export function mul(a: Float64Array, b: Float64Array): Float64Array {
  const y = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) y[i] = at(a, i) * at(b, i);
  return y;
}

/** Row `s` of a [S, D] matrix, as its own [1, D] array. */
export function row(x: Float64Array, dim: number, s: number): Float64Array {
  return x.slice(s * dim, (s + 1) * dim);
}

/** Round to the nearest bfloat16 (round-to-nearest-even), as torch's .to(torch.bfloat16). */
export function roundBf16(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer);
  const lsb = (at(u, 0) >>> 16) & 1;
  u[0] = ((at(u, 0) + 0x7fff + lsb) >>> 16) << 16;
  return at(f, 0);
}

/** Round to the nearest float16 (enough for the finite, normal values configs produce). */
export function roundF16(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const e = Math.floor(Math.log2(Math.abs(v)));
  const ulp = 2 ** (Math.max(e, -14) - 10);
  const q = v / ulp;
  // round half to even
  let r = Math.round(q);
  if (Math.abs(q - Math.trunc(q)) === 0.5) r = 2 * Math.round(q / 2);
  return r * ulp;
}
