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

export type RefFamilyLoader = (config: HfConfig, weights: RefWeights) => RefModel;

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
