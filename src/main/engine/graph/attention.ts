// Multi-head / grouped-query self-attention with the ablation gates (README: The experiment):
//   z_h = keep_h * softmax_attention_h(V) + uniform_h * windowed_mean(v_h) [+ bias_h * b_V,h]
// The last term, only where v_proj has a bias, puts back the value bias of a gated head the way
// TransformerLens's folding keeps it (b_V moved into b_O, so a zero-ablated head still adds b_V W_O).
// where windowed_mean is the running mean of v over the keys a query may see, computed from a
// CumSum (a difference of cumsums on sliding-window layers), never from a score matrix.
// Grouped-query attention uses a 5-D layout [B, K, G, S, Dh] (query head h = kv * G + g), so
// MatMul broadcasts the K kv heads over their G query heads without copying them.

import type { GraphContext } from './context';
import { blockedAttention } from './blocked-attention';
import { applyRotary } from './rotary';
import { cast, inFloat32, linear, sliceLast, softcap, weightInit } from './ops';
import type { AttentionWeights, LazyTensor, Linear } from './weights';

export interface AttentionOptions {
  layer: number;
  /** The normed residual [B, S, D]. */
  x: string;
  /** Compute only the last query position (the probe graph's last layer): output [B, 1, D]. */
  lastQueryOnly: boolean;
  /** Graph output name for the probabilities [B, H, S, S] (patterns graph), or null. */
  patternOutput: string | null;
}

/**
 * Returns the attention output after o_proj, [B, Sq, D] (Sq = S, or 1 with lastQueryOnly).
 *
 *  x ─q_proj─Reshape─rotary─(Mul scale)─Reshape─Transpose─ q [B,K,G,Sq,Dh] ─┐   (scale folded into q_proj if exact)
 *  x ─k_proj─Reshape─rotary─Transpose─ k^T [B,K,Dh,S] ─────────────attentionCore (one block), or─┐
 *  x ─v_proj─Reshape─Transpose─ v [B,K,S,Dh] ─────────────────────blockedAttention (probe)──────Mul(keep)─┐
 *                               └─windowed mean─Unsqueeze─Mul(uniform)─────────────────────────────────────Add─Transpose─Reshape─o_proj─▶
 */
export function attention(ctx: GraphContext, w: AttentionWeights, o: AttentionOptions): string {
  const { g, spec, dt } = ctx;
  const { nHeads: H, nKvHeads: K, headDim: Dh } = spec;
  const G = H / K;
  const p = `/model/layers.${o.layer}/attn`;
  const local = spec.attention.localLayers[o.layer] ? ctx.local : null;
  const rule = local ?? ctx.causal;

  const xq = o.lastQueryOnly ? sliceLast(g, o.x, 1, `${p}/LastQuery`) : o.x; // [B, Sq, D]
  const scale = spec.attention.scale;
  // Folding the scale into q_proj is exact for a power of two in float32 (float16 weights could turn subnormal).
  const fold = dt === 'float32' && Number.isInteger(Math.log2(scale));
  let q = g.op1('Reshape', [linear(g, xq, fold ? scaledQuery(w.q, scale) : w.q, `${p}/q_proj`, dt), g.constI64([0, 0, H, Dh])], `${p}/q/Reshape`); // [B, Sq, H, Dh]
  let k = g.op1('Reshape', [linear(g, o.x, w.k, `${p}/k_proj`, dt), g.constI64([0, 0, K, Dh])], `${p}/k/Reshape`); // [B, S, K, Dh]
  const v = g.op1('Reshape', [linear(g, o.x, w.v, `${p}/v_proj`, dt), g.constI64([0, 0, K, Dh])], `${p}/v/Reshape`); // [B, S, K, Dh]
  if (ctx.rotary && spec.positional.kind === 'rotary') {
    const dims = { rotaryDim: spec.positional.rotaryDim, headDim: Dh };
    q = applyRotary(g, q, o.lastQueryOnly ? ctx.rotary.last : ctx.rotary.all, dims, `${p}/q/rotary`);
    k = applyRotary(g, k, ctx.rotary.all, dims, `${p}/k/rotary`);
  }
  // Scaling q ([.., Dh]) rather than the scores ([.., S]): fewer multiplies, same value up to rounding.
  if (!fold) q = g.op1('Mul', [q, g.scalar(scale, dt)], `${p}/q/Scale`);
  const q5 = g.op1('Transpose', [g.op1('Reshape', [q, g.constI64([0, 0, K, G, Dh])], `${p}/q/Group`)], `${p}/q/Transpose`, {
    attrs: { perm: [0, 2, 3, 1, 4] },
  }); // [B, K, G, Sq, Dh]
  const kT = g.op1('Transpose', [k], `${p}/k/Transpose`, { attrs: { perm: [0, 2, 3, 1] } }); // [B, K, Dh, S]
  const vT = g.op1('Transpose', [v], `${p}/v/Transpose`, { attrs: { perm: [0, 2, 1, 3] } }); // [B, K, S, Dh]

  // Query blocks where every query is computed and no [S, S] pattern is wanted (the probe's hot path).
  let zAttn: string; // [B, K, G, Sq, Dh]
  if (rule.blocks && !o.lastQueryOnly && !o.patternOutput) {
    zAttn = blockedAttention(ctx, { q5, kT, v: vT, blocks: rule.blocks }, p);
  } else {
    const kT5 = g.op1('Unsqueeze', [kT, g.constI64([2])], `${p}/k/Unsqueeze`); // [B, K, 1, Dh, S]
    const v5 = g.op1('Unsqueeze', [vT, g.constI64([2])], `${p}/v/Unsqueeze`); // [B, K, 1, S, Dh]
    const mask = o.lastQueryOnly ? rule.maskLast : rule.mask;
    zAttn = attentionCore(ctx, { q5, kT5, v5, mask, patternOutput: o.patternOutput }, p);
  }

  let mean = windowedMean(ctx, vT, rule, p); // [B, K, S, Dh]
  if (o.lastQueryOnly) mean = sliceLast(g, mean, 2, `${p}/mean/LastQuery`); // [B, K, 1, Dh]
  const mean5 = g.op1('Unsqueeze', [mean, g.constI64([2])], `${p}/mean/Unsqueeze`); // [B, K, 1, Sq, Dh]

  let z = g.op1(
    'Add',
    [
      g.op1('Mul', [zAttn, headGate(ctx, ctx.headKeep, o.layer, `${p}/keep`)], `${p}/keep/Mul`),
      g.op1('Mul', [mean5, headGate(ctx, ctx.headUniform, o.layer, `${p}/uniform`)], `${p}/uniform/Mul`),
    ],
    `${p}/z/Add`,
  ); // [B, K, G, Sq, Dh]
  if (w.v.bias) z = addValueBias(ctx, z, w.v.bias, o.layer, p);
  const zT = g.op1('Transpose', [z], `${p}/z/Transpose`, { attrs: { perm: [0, 3, 1, 2, 4] } }); // [B, Sq, K, G, Dh]
  const zFlat = g.op1('Reshape', [zT, g.constI64([0, 0, H * Dh])], `${p}/z/Reshape`); // [B, Sq, H*Dh]
  return linear(g, zFlat, w.o, `${p}/o_proj`, dt); // [B, Sq, D]
}

interface CoreInputs {
  q5: string; // [B, K, G, Sq, Dh], scaled
  kT5: string; // [B, K, 1, Dh, S]
  v5: string; // [B, K, 1, S, Dh]
  /** [Sq, S] additive mask, or null: every key visible. */
  mask: string | null;
  patternOutput: string | null;
}

/**
 * softmax(q k^T (+ softcap) + mask) v over all keys at once, [B, K, G, Sq, Dh]: the patterns graph
 * (which outputs the [B, H, S, S] probabilities) and the probe's last query.
 *
 *  q5 ─MatMul(kT5)─(softcap)─Add(mask)─Softmax─MatMul(v5)─▶      (softmax in float32)
 */
function attentionCore(ctx: GraphContext, o: CoreInputs, p: string): string {
  const { g, spec, dt } = ctx;
  const H = spec.nHeads;
  const scores = g.op1('MatMul', [o.q5, o.kT5], `${p}/scores/MatMul`); // [B, K, G, Sq, S]
  const probs = inFloat32(g, scores, dt, `${p}/softmax`, (s32) => {
    // Soft-capping (Gemma-2) comes before the mask and before any ablation.
    const capped = spec.attention.logitSoftcap === null ? s32 : softcap(g, s32, spec.attention.logitSoftcap, `${p}/softcap`);
    const masked = o.mask ? g.op1('Add', [capped, o.mask], `${p}/mask/Add`) : capped;
    const pr = g.op1('Softmax', [masked], `${p}/Softmax`, { attrs: { axis: -1 } }); // [B, K, G, Sq, S]
    if (o.patternOutput) {
      const shape = g.op1('Concat', [g.constI64([-1, H]), ctx.seqLen, ctx.seqLen], `${p}/hook_pattern/Shape`, { attrs: { axis: 0 } });
      g.op('Reshape', [pr, shape], `${p}/hook_pattern/Reshape`, { outputs: [o.patternOutput] }); // [B, H, S, S]
      g.output({ name: o.patternOutput, elemType: 'float32', dims: ['batch', H, 'seq', 'seq'] });
    }
    return pr;
  });
  return g.op1('MatMul', [probs, o.v5], `${p}/z/MatMul`); // [B, K, G, Sq, Dh]
}

/**
 * q_proj with the attention scale (1/sqrt(Dh), or Gemma-2's query_pre_attn_scalar^-1/2) folded into
 * its weight and bias: scaling q before rotary equals scaling the scores (rotary is linear) and
 * saves a multiply over q per layer. Used only for power-of-two scales (head_dim 16, 64, 256) in
 * float32 graphs, where it is exact; any other scale would round differently from the reference.
 */
function scaledQuery(lin: Linear, scale: number): Linear {
  const fold = (t: LazyTensor): LazyTensor => ({
    ...t,
    read: () => t.read().map((x) => x * scale),
    note: [t.note, `multiplied by the attention scale ${scale} (folded in from the scores)`].filter(Boolean).join('; '),
  });
  return { weight: fold(lin.weight), bias: lin.bias && fold(lin.bias) };
}

/**
 * z + bias_h * b_V of the head's kv head: the gate [B, K, G, 1, 1] times b_V as [K, 1, 1, Dh]
 * (the same initializer v_proj adds), broadcast over the query positions.
 */
function addValueBias(ctx: GraphContext, z: string, bias: LazyTensor, layer: number, p: string): string {
  const { g, spec, dt } = ctx;
  const bV = g.op1('Reshape', [weightInit(g, bias, dt), g.constI64([spec.nKvHeads, 1, 1, spec.headDim])], `${p}/value_bias/bias/Reshape`); // [K, 1, 1, Dh]
  const gate = headGate(ctx, ctx.headValueBias(), layer, `${p}/value_bias/gate`); // [B, K, G, 1, 1]
  return g.op1('Add', [z, g.op1('Mul', [gate, bV], `${p}/value_bias/Mul`)], `${p}/value_bias/Add`); // [B, K, G, Sq, Dh]
}

/** head_keep / head_uniform / head_value_bias [B, L, H] -> this layer's gates [B, K, G, 1, 1] in the compute type. */
function headGate(ctx: GraphContext, input: string, layer: number, name: string): string {
  const { g, spec, dt } = ctx;
  const row = g.op1('Gather', [input, g.constI64([layer], [])], `${name}/Gather`, { attrs: { axis: 1 } }); // [B, H]
  const G = spec.nHeads / spec.nKvHeads;
  const gate = g.op1('Reshape', [row, g.constI64([-1, spec.nKvHeads, G, 1, 1])], `${name}/Reshape`);
  return dt === 'float32' ? gate : cast(g, gate, 'float16', `${name}/Cast`);
}

/**
 * Running mean of v over the keys each query sees, in float32: the output of a head whose every
 * unmasked score is replaced by their mean (uniform attention).
 *
 *  v ─CumSum(S)─┬──────────────────────────────Sub─Div(counts)─▶      (causal: no Sub)
 *               └─Slice(:S-n)─Pad(n in front)──┘                       (window W, n = min(S, W))
 */
function windowedMean(ctx: GraphContext, vT: string, rule: GraphContext['causal'], p: string): string {
  const { g, dt } = ctx;
  const name = `${p}/mean`;
  return inFloat32(g, vT, dt, name, (v32) => {
    const cs = g.op1('CumSum', [v32, g.constI64([2], [])], `${name}/CumSum`); // [B, K, S, Dh]
    let sum = cs;
    if (rule.window) {
      const head = g.op1('Slice', [cs, g.constI64([0]), rule.window.keepLen, g.constI64([2])], `${name}/Slice`); // [B, K, S-n, Dh]
      const shifted = g.op1('Pad', [head, rule.window.pads], `${name}/Pad`); // [B, K, S, Dh]: cs[q - W] or 0
      sum = g.op1('Sub', [cs, shifted], `${name}/Sub`);
    }
    return g.op1('Div', [sum, rule.counts], `${name}/Div`); // counts [S, 1]
  });
}
