// Matmul FLOPs of one probe row (one prompt of S tokens) from a ModelSpec, for effective GFLOP/s.
// Counts the useful work only: the causal half of the attention matrices, the LM head on the last
// position (as the probe graph runs it); norms, rotary, softmax and the embedding gather are ignored.

import type { ModelSpec } from '../../src/shared/model-spec';

export const FLOPS_FORMULA =
  'flops/row = 2·P·S + 2·L·H·S²·Dh + 2·D·V, where P = per-token matmul weights of all layers ' +
  '= L·(D·H·Dh [q] + 2·D·KV·Dh [k,v] + H·Dh·D [o] + m·D·I [mlp, m = 3 gated / 2 plain]); ' +
  '2·L·H·S²·Dh = 4·L·H·S²·Dh/2 for QKᵀ and PV over the causal half; 2·D·V = LM head on the last position only';

export interface RowFlops {
  /** P: multiply-adds per token in the layers' weight matmuls. */
  paramsPerToken: number;
  /** 2·P·S */
  linear: number;
  /** 2·L·H·S²·Dh */
  attention: number;
  /** 2·D·V */
  lmHead: number;
  total: number;
}

type FlopsShape = Pick<ModelSpec, 'nLayers' | 'nHeads' | 'nKvHeads' | 'headDim' | 'hiddenSize' | 'intermediateSize' | 'vocabSize'> & {
  mlp: Pick<ModelSpec['mlp'], 'kind'>;
};

export function paramsPerToken(spec: FlopsShape): number {
  const { nLayers: L, nHeads: H, nKvHeads: KV, headDim: Dh, hiddenSize: D, intermediateSize: I } = spec;
  const attn = D * H * Dh + 2 * D * KV * Dh + H * Dh * D;
  const mlp = (spec.mlp.kind === 'gated' ? 3 : 2) * D * I;
  return L * (attn + mlp);
}

export function flopsPerRow(spec: FlopsShape, seqLen: number): RowFlops {
  const S = seqLen;
  const P = paramsPerToken(spec);
  const linear = 2 * P * S;
  const attention = 2 * spec.nLayers * spec.nHeads * S * S * spec.headDim;
  const lmHead = 2 * spec.hiddenSize * spec.vocabSize;
  return { paramsPerToken: P, linear, attention, lmHead, total: linear + attention + lmHead };
}

/** GFLOP/s of `rows` rows in `ms` milliseconds. */
export function gflopsPerSecond(rowFlops: number, rows: number, ms: number): number {
  return (rowFlops * rows) / (ms / 1000) / 1e9;
}
