// The whole probe / patterns graph (README: Engine), for any family: embeddings, the shared decoder blocks,
// then the final norm and LM head on the LAST position only, and token_probs [B, S] gathered from
// that one softmax row. `probe` also runs its last layer for the last query only (the only one the
// output reads); `patterns` keeps every query and adds blocks.{l}.attn.hook_pattern outputs.
// With `embeddingsInput` the graph takes the embedding rows as an input (inputs_embeds) instead of
// gathering them from a table of its own: the runtime reads them from the checkpoint per batch.

import type { ModelSpec } from '../../../shared/model-spec';
import type { GraphVariant } from '../engine-types';
import { decoderBlock } from './block';
import { buildContext } from './context';
import { GraphBuilder } from './onnx-builder';
import { cast, norm, sliceLast, softcap, weightInit, type ComputeType } from './ops';
import { DEFAULT_QUERY_BLOCKS } from './blocked-attention';
import type { ModelWeights } from './weights';
import { at } from '../../../shared/checked';

export interface ModelGraphOptions {
  variant: GraphVariant;
  dtype: ComputeType;
  /** Query blocks of the probe's full-sequence layers (blocked-attention.ts); default DEFAULT_QUERY_BLOCKS, 1 = none. */
  queryBlocks?: number;
  /** Probe only: build layers [from, to) alone (runtime/segmented-probe.ts); default every layer. */
  layers?: LayerRange;
  /**
   * Take the token embeddings as the input inputs_embeds [B, S, D] (the rows of the stored table,
   * before any embedding scale) instead of a Gather from an embedding initializer. The runtime then
   * reads only the rows a batch uses (Checkpoint.readRowsFloat32): held by onnxruntime, the table
   * stays resident in full once random prompts have touched it (GPT-2 small: 147 MiB; Llama-3.2-1B:
   * 1 GiB), and a tied one is held twice (table and the LM head's packed copy).
   */
  embeddingsInput?: boolean;
}

/** Layers [from, to) of a segment graph. */
export interface LayerRange {
  from: number;
  to: number;
}

/** How a segment graph is named (graph name, cache file, metadata): `layers-<from>-<to>`. */
export function layerRangeTag(range: LayerRange): string {
  return `layers-${range.from}-${range.to}`;
}

/** A segment graph's residual-stream input (from > 0) and output (to < L), [B, S, D] in the compute type. */
export const HIDDEN_IN = 'hidden_in';
export const HIDDEN_OUT = 'hidden_out';
/** The embedding rows of input_ids, [B, S, D] in the compute type, for graphs built with embeddingsInput. */
export const INPUTS_EMBEDS = 'inputs_embeds';

/** The patterns graph's output for one layer, in TransformerLens's hook naming. */
export function patternOutputName(layer: number): string {
  return `blocks.${layer}.attn.hook_pattern`;
}

/**
 *  input_ids ─Gather(embed)─(Mul embedScale)─(Add positions)─ block 0 … block L-1 ─┐
 *    ┌─────────────────────────────────────────────────────────────────────────────┘
 *    └─Slice(last)─final norm─Squeeze─Gemm(lm_head^T)─(softcap)─Softmax─GatherElements(input_ids)─▶ token_probs [B, S]
 */
export function buildModelGraph(spec: ModelSpec, w: ModelWeights, o: ModelGraphOptions): GraphBuilder {
  checkWeights(spec, w);
  const range = checkRange(spec, o);
  const segment = range.from > 0 || range.to < spec.nLayers;
  const g = new GraphBuilder(`ablation-studio/${spec.modelType}/${o.variant}${segment ? `/${layerRangeTag(range)}` : ''}`);
  const dt = o.dtype;
  // Only the probe's full-sequence layers (all but the last) use query blocks; patterns need [S, S].
  const blocks = o.variant === 'probe' && spec.nLayers > 1 ? (o.queryBlocks ?? DEFAULT_QUERY_BLOCKS) : 1;
  const ctx = buildContext(g, spec, dt, blocks);

  let x: string;
  if (range.from > 0) {
    x = g.input({ name: HIDDEN_IN, elemType: dt, dims: ['batch', 'seq', spec.hiddenSize] });
  } else {
    x = o.embeddingsInput
      ? g.input({ name: INPUTS_EMBEDS, elemType: dt, dims: ['batch', 'seq', spec.hiddenSize] })
      : g.op1('Gather', [weightInit(g, w.embed, dt), ctx.inputIds], '/model/embed_tokens/Gather', { attrs: { axis: 0 } }); // [B, S, D]
    if (spec.embedScale !== 1) x = g.op1('Mul', [x, g.scalar(spec.embedScale, dt)], '/model/embed_tokens/Scale');
    if (w.positions) {
      const pos = g.op1('Gather', [weightInit(g, w.positions, dt), ctx.positions], '/model/embed_positions/Gather', { attrs: { axis: 0 } }); // [S, D]
      x = g.op1('Add', [x, pos], '/model/embed_positions/Add');
    }
  }

  for (let l = range.from; l < range.to; l++) {
    const lastQueryOnly = o.variant === 'probe' && l === spec.nLayers - 1;
    const patternOutput = o.variant === 'patterns' ? patternOutputName(l) : null;
    x = decoderBlock(ctx, at(w.layers, l), { layer: l, x, lastQueryOnly, patternOutput }); // [B, S, D]; [B, 1, D] after the probe's last layer
  }
  if (range.to < spec.nLayers) {
    g.op('Identity', [x], '/model/segment/Output', { outputs: [HIDDEN_OUT] });
    g.output({ name: HIDDEN_OUT, elemType: dt, dims: ['batch', 'seq', spec.hiddenSize] });
    return g;
  }

  const last = o.variant === 'probe' ? x : sliceLast(g, x, 1, '/model/LastPosition'); // [B, 1, D]
  const h = g.op1('Squeeze', [norm(g, last, w.finalNorm, spec, '/model/norm', dt), g.constI64([1])], '/model/norm/Squeeze'); // [B, D]
  const headInputs = [h, weightInit(g, w.lmHead.weight, dt), ...(w.lmHead.bias ? [weightInit(g, w.lmHead.bias, dt)] : [])];
  let logits = g.op1('Gemm', headInputs, '/lm_head/Gemm', { attrs: { transB: 1 } }); // [B, V]
  if (dt === 'float16') logits = cast(g, logits, 'float32', '/lm_head/Cast');
  if (spec.finalLogitSoftcap !== null) logits = softcap(g, logits, spec.finalLogitSoftcap, '/lm_head/softcap');
  const probs = g.op1('Softmax', [logits], '/lm_head/Softmax', { attrs: { axis: -1 } }); // [B, V]
  g.op('GatherElements', [probs, ctx.inputIds], '/token_probs/GatherElements', { attrs: { axis: 1 }, outputs: ['token_probs'] });
  g.output({ name: 'token_probs', elemType: 'float32', dims: ['batch', 'seq'] });
  return g;
}

function checkRange(spec: ModelSpec, o: ModelGraphOptions): LayerRange {
  const range = o.layers ?? { from: 0, to: spec.nLayers };
  const { from, to } = range;
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from < to && to <= spec.nLayers)) {
    throw new Error(`layer range [${from}, ${to}) is not a non-empty range within the model's ${spec.nLayers} layers`);
  }
  if (o.variant !== 'probe' && (from > 0 || to < spec.nLayers)) throw new Error(`the ${o.variant} graph is built whole, not by layer range`);
  return range;
}

/** Structural checks a family bug would otherwise turn into an obscure onnxruntime error. */
function checkWeights(spec: ModelSpec, w: ModelWeights): void {
  const fail = (what: string): never => {
    throw new Error(`weights do not match the spec (${spec.modelType}): ${what}`);
  };
  if (w.layers.length !== spec.nLayers) fail(`${w.layers.length} layers, spec has ${spec.nLayers}`);
  if (spec.nHeads % spec.nKvHeads !== 0) fail(`nHeads ${spec.nHeads} not a multiple of nKvHeads ${spec.nKvHeads}`);
  if (spec.attention.localLayers.length !== spec.nLayers) fail('localLayers length differs from nLayers');
  if (spec.attention.localLayers.some(Boolean) && !(spec.attention.slidingWindow && spec.attention.slidingWindow >= 1)) {
    fail('localLayers marks local layers but slidingWindow is not a positive window');
  }
  if (spec.positional.kind === 'rotary' && (spec.positional.rotaryDim % 2 !== 0 || spec.positional.rotaryDim > spec.headDim)) {
    fail(`rotaryDim ${spec.positional.rotaryDim} must be even and <= headDim ${spec.headDim}`);
  }
  const want = (name: string, dims: number[], expected: number[]) => {
    if (dims.join() !== expected.join()) fail(`${name} has dims [${dims}], expected [${expected}]`);
  };
  const { hiddenSize: D, vocabSize: V } = spec;
  want(w.embed.name, w.embed.dims, [V, D]);
  want(w.lmHead.weight.name, w.lmHead.weight.dims, [V, D]);
  if ((spec.positional.kind === 'learned') !== (w.positions !== null)) fail('learned positions and weights.positions disagree');
  if (w.positions) want(w.positions.name, w.positions.dims, [spec.maxPositions, D]);
  for (const [l, layer] of w.layers.entries()) {
    const { q, k, v, o } = layer.attn;
    want(q.weight.name, q.weight.dims, [D, spec.nHeads * spec.headDim]);
    want(k.weight.name, k.weight.dims, [D, spec.nKvHeads * spec.headDim]);
    want(v.weight.name, v.weight.dims, [D, spec.nKvHeads * spec.headDim]);
    want(o.weight.name, o.weight.dims, [spec.nHeads * spec.headDim, D]);
    if (layer.mlp.kind !== spec.mlp.kind) fail(`layer ${l} mlp kind ${layer.mlp.kind}, spec ${spec.mlp.kind}`);
  }
}
