// Canonical model weights: what every family module hands the graph builder. Each tensor is lazy
// (name, dims, read()) so a compile streams a huge checkpoint one tensor at a time. Helpers here
// check shapes up front (failing with the tensor's name) and do the usual layout work: transpose
// HF Linear weights [out, in] to MatMul-ready [in, out], pick rows/columns out of fused tensors.

import type { Checkpoint } from '../checkpoint/checkpoint';
import { InputError } from '../../../shared/errors';
import { at } from '../../../shared/checked';

export interface LazyTensor {
  /** HF tensor name; a slice of a fused tensor is `<hf name>/q` (or /k, /v). */
  name: string;
  dims: number[];
  /** Row-major float32 data, read when the writer reaches this tensor. */
  read(): Float32Array;
  /** How the data differ from the stored HF tensor (e.g. "transposed to [in, out]"); kept in the graph. */
  note?: string;
}

/** y = x @ weight + bias, weight [in, out]. */
export interface Linear {
  weight: LazyTensor;
  bias: LazyTensor | null;
}

export interface NormWeights {
  /** [hidden], as stored (the graph applies spec.norm.weightOffset). */
  weight: LazyTensor;
  /** [hidden]; layer norm only, null where the checkpoint has none. */
  bias: LazyTensor | null;
}

export interface AttentionWeights {
  q: Linear; // [hidden, nHeads * headDim]
  k: Linear; // [hidden, nKvHeads * headDim]
  v: Linear; // [hidden, nKvHeads * headDim]
  o: Linear; // [nHeads * headDim, hidden]
}

export type MlpWeights =
  | { kind: 'gated'; gate: Linear; up: Linear; down: Linear } // down(act(gate(x)) * up(x))
  | { kind: 'plain'; fcIn: Linear; fcOut: Linear }; // fcOut(act(fcIn(x)))

export interface LayerWeights {
  /** Llama `input_layernorm`, GPT-2 `ln_1`. */
  preAttnNorm: NormWeights;
  /** Gemma-2 `post_attention_layernorm` (spec.block.postNorms); null otherwise. */
  postAttnNorm: NormWeights | null;
  /** Llama `post_attention_layernorm` (sic: it sits before the MLP), Gemma-2 `pre_feedforward_layernorm`, GPT-2 `ln_2`. */
  preMlpNorm: NormWeights;
  /** Gemma-2 `post_feedforward_layernorm`; null otherwise. */
  postMlpNorm: NormWeights | null;
  attn: AttentionWeights;
  mlp: MlpWeights;
}

export interface ModelWeights {
  /** [vocab, hidden], as stored (a Gather table). */
  embed: LazyTensor;
  /** Learned absolute positions [maxPositions, hidden] (GPT-2 `wpe`); null for rotary models. */
  positions: LazyTensor | null;
  layers: LayerWeights[];
  finalNorm: NormWeights;
  /**
   * LM head in HF's own layout [vocab, hidden] (the graph uses Gemm with transB), so a tied head
   * is the embedding tensor itself and shares its initializer: no transposed copy of the largest matrix.
   */
  lmHead: { weight: LazyTensor; bias: LazyTensor | null };
}

// ---- helpers for family modules -------------------------------------------------------------

/** Checks that `name` exists with shape `dims`, else an InputError naming the tensor. */
export function expectTensor(cp: Checkpoint, name: string, dims: number[]): void {
  const e = cp.entry(name); // InputError naming the tensor (and similar names) if it is missing
  if (e.shape.length !== dims.length || e.shape.some((d, i) => d !== dims[i])) {
    throw new InputError(e.file, `tensor ${name} has shape [${e.shape.join(', ')}], expected [${dims.join(', ')}]`);
  }
}

/** A tensor used as stored (embeddings, norm weights, biases, GPT-2 Conv1D weights). */
export function storedTensor(cp: Checkpoint, name: string, dims: number[]): LazyTensor {
  expectTensor(cp, name, dims);
  return { name, dims, read: () => cp.readFloat32(name) };
}

/** An HF nn.Linear weight stored [out, in], served transposed as [in, out]. */
export function linearWeight(cp: Checkpoint, name: string, outFeatures: number, inFeatures: number): LazyTensor {
  expectTensor(cp, name, [outFeatures, inFeatures]);
  return {
    name,
    dims: [inFeatures, outFeatures],
    read: () => transpose2d(cp.readFloat32(name), outFeatures, inFeatures),
    note: 'transposed from the stored [out, in] to [in, out]',
  };
}

/** Linear {weight, bias} from `<prefix>.weight` / `<prefix>.bias` (bias only where `bias` is true). */
export function linear(cp: Checkpoint, prefix: string, outFeatures: number, inFeatures: number, bias: boolean): Linear {
  return {
    weight: linearWeight(cp, `${prefix}.weight`, outFeatures, inFeatures),
    bias: bias ? storedTensor(cp, `${prefix}.bias`, [outFeatures]) : null,
  };
}

/**
 * Rows `rows` (in that order) of a stored 2-D tensor [n, m], as a lazy tensor named `<name>/<suffix>`;
 * `transpose` serves the [m, rows.length] transpose. Splits fused projections (GPT-NeoX
 * query_key_value rows are laid out (head, qkv, d_head)). A 1-D stored tensor (a fused bias) gives
 * the [rows.length] vector of those elements (`transpose` is ignored).
 */
export function pickRows(
  cp: Checkpoint,
  name: string,
  storedDims: number[],
  rows: ArrayLike<number>,
  suffix: string,
  transpose: boolean,
): LazyTensor {
  expectTensor(cp, name, storedDims);
  const cols = storedDims.length === 2 ? at(storedDims, 1) : 1;
  const n = rows.length;
  const picked = (): Float32Array => {
    const src = cp.readFloat32(name);
    const out = new Float32Array(n * cols);
    for (let r = 0; r < n; r++) {
      const row = at(rows, r);
      out.set(src.subarray(row * cols, row * cols + cols), r * cols);
    }
    return out;
  };
  if (storedDims.length === 1) return { name: `${name}/${suffix}`, dims: [n], read: picked, note: `rows of ${name}` };
  if (!transpose) return { name: `${name}/${suffix}`, dims: [n, cols], read: picked, note: `rows of ${name}` };
  return {
    name: `${name}/${suffix}`,
    dims: [cols, n],
    read: () => transpose2d(picked(), n, cols),
    note: `rows of ${name}, transposed to [in, out]`,
  };
}

/** Columns [start, start + count) of a stored [n, m] tensor (GPT-2's fused c_attn, stored [in, 3 * hidden]). */
export function pickColumns(cp: Checkpoint, name: string, storedDims: [number, number], start: number, count: number, suffix: string): LazyTensor {
  expectTensor(cp, name, storedDims);
  const [n, m] = storedDims;
  return {
    name: `${name}/${suffix}`,
    dims: [n, count],
    read: () => {
      const src = cp.readFloat32(name);
      const out = new Float32Array(n * count);
      for (let r = 0; r < n; r++) out.set(src.subarray(r * m + start, r * m + start + count), r * count);
      return out;
    },
    note: `columns ${start}..${start + count - 1} of ${name}`,
  };
}

/** [rows, cols] -> [cols, rows], blocked for cache locality (Llama-8B's MLP matrices are 58M floats). */
export function transpose2d(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const T = 64;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = at(src, base + c);
      }
    }
  }
  return out;
}
