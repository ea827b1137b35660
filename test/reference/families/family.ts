// What every reference family provides: one prompt in, last-position logits and the attention
// probabilities of every head out. Families read their own config keys and tensor names.

import type { AblationMode } from '../attention';
import type { HfConfig } from '../hf-config';
import type { RefWeights } from '../safetensors';

export interface RowResult {
  /** [V] logits at the last position (after any final soft-cap). */
  logits: Float64Array;
  /** [L][H], each [S, S]: attention probabilities as used, after ablation. */
  patterns: Float64Array[][];
}

export interface RefModel {
  modelType: string;
  nLayers: number;
  nHeads: number;
  vocabSize: number;
  /** `modes[l][h]` says how query head h of layer l is ablated for this prompt. */
  runRow(ids: number[], modes: AblationMode[][]): RowResult;
}

export type RefFamilyLoader = (config: HfConfig, weights: RefWeights, options?: RefLoadOptions) => RefModel;

/** Look a tensor up under the first prefix that has it (checkpoints saved with or without `model.`). */
export function tensorFinder(weights: RefWeights, prefixes: string[]) {
  return (name: string, shape?: number[]): Float64Array => {
    for (const p of prefixes) if (weights.has(p + name)) return weights.get(p + name, shape).data;
    throw new Error(`${weights.dir}: no tensor ${prefixes.map((p) => p + name).join(' or ')}`);
  };
}

/** Rows of an embedding table [V, D] gathered at `ids` -> [S, D]. */
export function embed(table: Float64Array, dim: number, ids: number[]): Float64Array {
  const x = new Float64Array(ids.length * dim);
  ids.forEach((id, s) => x.set(table.subarray(id * dim, (id + 1) * dim), s * dim));
  return x;
}

export interface RefLoadOptions {
  /**
   * TransformerLens's default `fold_value_biases`: every head's value bias b_V is set to 0 and
   * b_O += sum over heads of b_V,h W_O,h, so a zero-ablated head (z = 0) still adds b_V,h W_O,h.
   */
  foldValueBias?: boolean;
}

/**
 * The folded output bias b_O + sum_h b_V,h W_O,h, literally as TransformerLens computes it: the value
 * bias of query head h is `valueBias(h, d)` (its kv head's, with grouped-query attention), and
 * `outWeight(o, h * Dh + d)` is W_O's entry from z's element to output o.
 */
export function foldedOutputBias(
  shape: { D: number; H: number; Dh: number },
  outBias: Float64Array | null,
  valueBias: (h: number, d: number) => number,
  outWeight: (o: number, i: number) => number,
): Float64Array {
  const { D, H, Dh } = shape;
  const folded = new Float64Array(D);
  for (let o = 0; o < D; o++) {
    let acc = outBias ? (outBias[o] ?? 0) : 0;
    for (let h = 0; h < H; h++) for (let d = 0; d < Dh; d++) acc += valueBias(h, d) * outWeight(o, h * Dh + d);
    folded[o] = acc;
  }
  return folded;
}
