// Weight-mapping pieces the family modules share, so each family file states only where its
// checkpoint differs: norm weights, the Llama-layout `self_attn` / gated `mlp` projections (Llama,
// Mistral, Qwen2, Gemma-2) and the tied-or-stored LM head. Every tensor's presence and shape is
// checked now (storedTensor / linear), failing with the tensor's name.

import type { ModelSpec } from '../../../shared/model-spec';
import { InputError } from '../../../shared/errors';
import type { Checkpoint } from '../checkpoint/checkpoint';
import { linear, storedTensor, type AttentionWeights, type LazyTensor, type Linear, type MlpWeights, type NormWeights } from '../graph/weights';

/** An RMSNorm: weight [D] only (the graph applies spec.norm.weightOffset). */
export function rmsNormWeights(cp: Checkpoint, name: string, D: number): NormWeights {
  return { weight: storedTensor(cp, name, [D]), bias: null };
}

/** A LayerNorm: `<prefix>.weight` and `<prefix>.bias`, both [D]. */
export function layerNormWeights(cp: Checkpoint, prefix: string, D: number): NormWeights {
  return { weight: storedTensor(cp, `${prefix}.weight`, [D]), bias: storedTensor(cp, `${prefix}.bias`, [D]) };
}

/** `<layer>.self_attn.{q,k,v,o}_proj` (nn.Linear, transposed to [in, out]), biases per spec.attention. */
export function selfAttnWeights(cp: Checkpoint, layer: string, spec: ModelSpec): AttentionWeights {
  const { hiddenSize: D, nHeads: H, nKvHeads: K, headDim: Dh } = spec;
  const { qkvBias, outBias } = spec.attention;
  return {
    q: linear(cp, `${layer}.self_attn.q_proj`, H * Dh, D, qkvBias),
    k: linear(cp, `${layer}.self_attn.k_proj`, K * Dh, D, qkvBias),
    v: linear(cp, `${layer}.self_attn.v_proj`, K * Dh, D, qkvBias),
    o: linear(cp, `${layer}.self_attn.o_proj`, D, H * Dh, outBias),
  };
}

/** `<layer>.mlp.{gate,up,down}_proj`: down(act(gate(x)) * up(x)), biases per spec.mlp.bias. */
export function gatedMlpWeights(cp: Checkpoint, layer: string, spec: ModelSpec): MlpWeights {
  const { hiddenSize: D, intermediateSize: I } = spec;
  const bias = spec.mlp.bias;
  return {
    kind: 'gated',
    gate: linear(cp, `${layer}.mlp.gate_proj`, I, D, bias),
    up: linear(cp, `${layer}.mlp.up_proj`, I, D, bias),
    down: linear(cp, `${layer}.mlp.down_proj`, D, I, bias),
  };
}

/**
 * The LM head [V, D] (nn.Linear without bias, HF's own layout): the embedding when tied, else the
 * stored tensor `name`. Tied checkpoints usually omit it; HF uses the embedding even where a copy is stored.
 */
export function lmHeadWeights(cp: Checkpoint, spec: ModelSpec, embed: LazyTensor, name: string): Linear {
  if (!spec.tieWordEmbeddings && !cp.has(name)) {
    throw new InputError(cp.dir, `missing tensor ${name} (config.json has tie_word_embeddings false)`);
  }
  const weight = spec.tieWordEmbeddings ? embed : storedTensor(cp, name, [spec.vocabSize, spec.hiddenSize]);
  return { weight, bias: null };
}
