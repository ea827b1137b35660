// Causal attention computed by blocks of queries (the probe graph's CPU hot spot). Block c holds
// queries [start_c, end_c), start_c = floor(c·S/C), and can only see keys [keyStart_c, end_c): 0 on
// causal layers, the oldest key of its first query's window on sliding-window layers. Its scores
// skip the masked upper triangle (about half the work of [S, S] for C = 8) and are C times smaller,
// so each block's MatMul -> Add(mask) -> Softmax -> MatMul chain stays in cache. Scores a block
// leaves out are exactly the ones the mask sets to -inf, so results differ only by float summation
// order. S is dynamic: the bounds are computed in the graph from the input's shape.

import type { GraphContext } from './context';
import type { GraphBuilder } from './onnx-builder';
import { inFloat32, softcap } from './ops';
import { at } from '../../../shared/checked';

/**
 * Query blocks of the probe's full-sequence layers. Demo model (S = 501, CPU): 4, 8 and 16 blocks
 * all beat one [S, S] matrix by 2-2.5x per layer; 8 is the knee and keeps the node count moderate.
 */
export const DEFAULT_QUERY_BLOCKS = 8;

/**
 * Scores are raised to at least rowMax - 64 before the softmax. Probabilities below e^-64 ≈ 1.6e-28
 * of a row's largest would otherwise reach float32 subnormals (below 1.2e-38 once normalised), and
 * x86 arithmetic on subnormals is ~100x slower: the demo model's sharp induction heads made Softmax
 * and probs x V 2-4x slower on any thread without flush-to-zero. onnxruntime flushes them only on
 * its pool threads and on the first session's calling thread in a process (runtime/provider.ts), not
 * on a later engine worker's thread, so the graph guards itself. Each output moves by less than
 * S x 1.6e-28 x |v|, twenty orders of magnitude under float32 rounding; a masked key's probability
 * becomes <= 1.6e-28 instead of 0.
 */
export const SCORE_FLOOR_GAP = 64;

/** One block of queries and the keys it may see; bounds are [1] int64. */
export interface QueryBlock {
  start: string;
  end: string;
  keyStart: string;
  /** [G·Sc, Sk] float32: the rule's additive mask on the block, tiled over the G query heads of a kv head. */
  mask: string;
}

/** Bounds floor(c·S/C) for c = 0..C, each [1] int64 (c = 0 is the constant 0, c = C is S itself). */
export function blockBounds(g: GraphBuilder, seqLen: string, count: number, name: string): string[] {
  return Array.from({ length: count + 1 }, (_, c) => {
    if (c === 0) return g.constI64([0]);
    if (c === count) return seqLen;
    const scaled = g.op1('Mul', [seqLen, g.constI64([c])], `${name}/bound_${c}/Mul`);
    return g.op1('Div', [scaled, g.constI64([count])], `${name}/bound_${c}/Div`); // int64 Div truncates: floor for S >= 0
  });
}

/**
 * The blocks of one attention rule: `mask` is its [S, S] additive mask, `window` the sliding window W
 * (keys q - W + 1 .. q) or null, `groups` the query heads per kv head (G).
 */
export function queryBlocks(g: GraphBuilder, bounds: string[], mask: string, window: number | null, groups: number, name: string): QueryBlock[] {
  return bounds.slice(0, -1).map((start, c) => {
    const end = at(bounds, c + 1);
    const p = `${name}/block_${c}`;
    const keyStart =
      window === null
        ? g.constI64([0])
        : g.op1('Max', [g.op1('Sub', [start, g.constI64([window - 1])], `${p}/OldestKey`), g.constI64([0])], `${p}/KeyStart`);
    const starts = g.op1('Concat', [start, keyStart], `${p}/MaskStarts`, { attrs: { axis: 0 } });
    const ends = g.op1('Concat', [end, end], `${p}/MaskEnds`, { attrs: { axis: 0 } });
    const blockMask = g.op1('Slice', [mask, starts, ends, g.constI64([0, 1])], `${p}/Mask`); // [Sc, Sk]
    return { start, end, keyStart, mask: g.op1('Tile', [blockMask, g.constI64([groups, 1])], `${p}/MaskTile`) }; // [G·Sc, Sk]
  });
}

export interface BlockedInputs {
  q5: string; // [B, K, G, S, Dh], scaled
  kT: string; // [B, K, Dh, S]
  v: string; // [B, K, S, Dh]
  blocks: QueryBlock[];
}

/**
 * softmax(q k^T (+ softcap) + mask) v per query block, concatenated back: [B, K, G, S, Dh]. A
 * block's G query heads of one kv head are one [G·Sc, Dh] matrix, so each MatMul is one larger GEMM
 * per (batch, kv head) and the scores [B, K, G·Sc, Sk] need no broadcast.
 *
 *  q5 ─Slice(start:end)─Reshape [B,K,G·Sc,Dh] ─┐
 *  k^T ─Slice(keyStart:end) ────────────────MatMul─(softcap)─Add(mask)─Max(ReduceMax - 64)─Softmax─┐
 *  v ─Slice(keyStart:end) ────────────────────────────────────────────────────────────────────MatMul─Reshape─┐
 *                                                                                 Concat(blocks, axis 3) ─▶
 */
export function blockedAttention(ctx: GraphContext, o: BlockedInputs, p: string): string {
  const { g, spec, dt } = ctx;
  const { nHeads: H, nKvHeads: K, headDim: Dh } = spec;
  const outs = o.blocks.map((b, c) => {
    const bp = `${p}/block_${c}`;
    const q5 = g.op1('Slice', [o.q5, b.start, b.end, g.constI64([3])], `${bp}/q/Slice`); // [B, K, G, Sc, Dh]
    const q = g.op1('Reshape', [q5, g.constI64([0, 0, -1, Dh])], `${bp}/q/Reshape`); // [B, K, G·Sc, Dh]
    const kT = g.op1('Slice', [o.kT, b.keyStart, b.end, g.constI64([3])], `${bp}/k/Slice`); // [B, K, Dh, Sk]
    const v = g.op1('Slice', [o.v, b.keyStart, b.end, g.constI64([2])], `${bp}/v/Slice`); // [B, K, Sk, Dh]
    const scores = g.op1('MatMul', [q, kT], `${bp}/scores/MatMul`); // [B, K, G·Sc, Sk]
    const probs = inFloat32(g, scores, dt, `${bp}/softmax`, (s32) => {
      // Soft-capping (Gemma-2) comes before the mask and before any ablation.
      const capped = spec.attention.logitSoftcap === null ? s32 : softcap(g, s32, spec.attention.logitSoftcap, `${bp}/softcap`);
      const masked = g.op1('Add', [capped, b.mask], `${bp}/mask/Add`);
      const rowMax = g.op1('ReduceMax', [masked], `${bp}/floor/ReduceMax`, { attrs: { axes: [-1], keepdims: 1 } }); // [B, K, G·Sc, 1]
      const floor = g.op1('Sub', [rowMax, g.scalar(SCORE_FLOOR_GAP, 'float32')], `${bp}/floor/Sub`);
      const floored = g.op1('Max', [masked, floor], `${bp}/floor/Max`);
      return g.op1('Softmax', [floored], `${bp}/Softmax`, { attrs: { axis: -1 } }); // [B, K, G·Sc, Sk]
    });
    const z = g.op1('MatMul', [probs, v], `${bp}/z/MatMul`); // [B, K, G·Sc, Dh]
    return g.op1('Reshape', [z, g.constI64([0, 0, H / K, -1, Dh])], `${bp}/z/Reshape`); // [B, K, G, Sc, Dh]
  });
  return g.op1('Concat', outs, `${p}/blocks/Concat`, { attrs: { axis: 3 } }); // [B, K, G, S, Dh]
}
