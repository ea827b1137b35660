// The gpt_neox family (Pythia 14m … 12b, GPT-NeoX-20B), after transformers' modeling_gpt_neox.py:
// LayerNorm, biases, rotary on the first int(head_dim * rotary_pct) dims of each head, parallel
// residual x + attn(ln1(x)) + mlp(ln2(x)) (use_parallel_residual), untied embed_out. The fused
// query_key_value [3D, D] (nn.Linear) has its output rows laid out (head, q|k|v, d_head).

import type { ModelSpec } from '../../../shared/model-spec';
import { InputError } from '../../../shared/errors';
import type { Checkpoint } from '../checkpoint/checkpoint';
import { linear, pickRows, storedTensor, type LayerWeights, type Linear, type ModelWeights } from '../graph/weights';
import { configActivation, configBool, configIntOr, configPositiveOr, defaultRopeParams, familySpec, standardSizes, type FamilyModule } from './family';
import { layerNormWeights, lmHeadWeights } from './family-weights';

type Config = Record<string, unknown>;

function parseConfig(config: Config, path: string): ModelSpec {
  const sizes = standardSizes(config, path);
  const { hiddenSize, nHeads } = sizes;
  if (hiddenSize % nHeads !== 0) throw new InputError(path, `hidden_size (${hiddenSize}) is not divisible by num_attention_heads (${nHeads})`);
  const headDim = hiddenSize / nHeads;
  const rope = parseRope(config, path);
  // HF: rotary_ndims = int(head_size * rotary_pct); rotate-half needs an even count.
  const rotaryDim = Math.trunc(headDim * rope.pct);
  if (rotaryDim % 2 !== 0 || rotaryDim > headDim || rotaryDim === 0) {
    throw new InputError(path, `rotary_pct ${rope.pct} gives ${rotaryDim} rotary dims of head_dim ${headDim} (must be even, > 0 and <= head_dim)`);
  }
  const attentionBias = configBool(config, 'attention_bias', path, true); // GPTNeoXConfig's default
  return familySpec(
    {
      family: 'gpt_neox',
      modelType: 'gpt_neox',
      ...sizes,
      nKvHeads: nHeads,
      headDim,
      maxPositions: configIntOr(config, 'max_position_embeddings', path, 2048), // GPTNeoXConfig's default
      norm: { kind: 'layer', eps: configPositiveOr(config, 'layer_norm_eps', path, 1e-5), weightOffset: 0 },
      positional: { kind: 'rotary', theta: rope.theta, rotaryDim, scaling: null },
      // 'gelu' here is the exact erf GELU (Pythia); GPT-NeoX-20B's gelu_fast is the tanh form.
      mlp: { kind: 'plain', act: configActivation(config, 'hidden_act', path, 'gelu'), bias: true },
      tieWordEmbeddings: configBool(config, 'tie_word_embeddings', path, false),
    },
    {
      // attention_bias covers query_key_value and dense alike.
      attention: { qkvBias: attentionBias, outBias: attentionBias },
      block: { parallelResidual: configBool(config, 'use_parallel_residual', path, true) },
    },
  );
}

/**
 * Rotary base and fraction: the flat keys Pythia's configs carry (rotary_emb_base, rotary_pct; some
 * re-saves write rope_theta) or transformers 5's rope_parameters {rope_theta, partial_rotary_factor}.
 * Only the default rope type: Pythia never scales.
 */
function parseRope(config: Config, path: string): { theta: number; pct: number } {
  let theta = configPositiveOr(config, 'rotary_emb_base', path, configPositiveOr(config, 'rope_theta', path, 10000));
  let pct = configPositiveOr(config, 'rotary_pct', path, 0.25); // GPTNeoXConfig's default
  for (const key of ['rope_scaling', 'rope_parameters'] as const) {
    const r = defaultRopeParams(config, key, path, 'gpt_neox');
    if (!r) continue;
    theta = configPositiveOr(r, 'rope_theta', `${path} (${key})`, theta);
    pct = configPositiveOr(r, 'partial_rotary_factor', `${path} (${key})`, pct);
  }
  if (pct > 1) throw new InputError(path, `rotary_pct must be at most 1, got ${pct}`);
  return { theta, pct };
}

function weights(cp: Checkpoint, spec: ModelSpec): ModelWeights {
  const { hiddenSize: D, nHeads: H, headDim: Dh, intermediateSize: I, vocabSize: V } = spec;
  const layerNorm = (prefix: string) => layerNormWeights(cp, prefix, D);
  const bias = spec.attention.qkvBias;
  const layers: LayerWeights[] = [];
  for (let l = 0; l < spec.nLayers; l++) {
    const p = `gpt_neox.layers.${l}`;
    const qkv = `${p}.attention.query_key_value`;
    // Output row of head h, part j (0 q, 1 k, 2 v), dim d: (h * 3 + j) * Dh + d.
    const part = (j: number, s: 'q' | 'k' | 'v'): Linear => {
      const rows = headRows(H, Dh, j);
      return {
        weight: pickRows(cp, `${qkv}.weight`, [3 * D, D], rows, s, true), // [D, H * Dh]
        bias: bias ? pickRows(cp, `${qkv}.bias`, [3 * D], rows, s, false) : null,
      };
    };
    layers.push({
      preAttnNorm: layerNorm(`${p}.input_layernorm`),
      postAttnNorm: null,
      // Sits before the MLP (in parallel mode it normalises the block's input, not attn's output).
      preMlpNorm: layerNorm(`${p}.post_attention_layernorm`),
      postMlpNorm: null,
      attn: { q: part(0, 'q'), k: part(1, 'k'), v: part(2, 'v'), o: linear(cp, `${p}.attention.dense`, D, D, spec.attention.outBias) },
      mlp: { kind: 'plain', fcIn: linear(cp, `${p}.mlp.dense_h_to_4h`, I, D, true), fcOut: linear(cp, `${p}.mlp.dense_4h_to_h`, D, I, true) },
    });
  }
  // attention.bias / masked_bias / rotary_emb.inv_freq buffers in older files are never read.
  const embed = storedTensor(cp, 'gpt_neox.embed_in.weight', [V, D]);
  return { embed, positions: null, layers, finalNorm: layerNorm('gpt_neox.final_layer_norm'), lmHead: lmHeadWeights(cp, spec, embed, 'embed_out.weight') };
}

/** The query_key_value rows of part j (0 q, 1 k, 2 v) for heads 0..H-1, in head order. */
function headRows(H: number, Dh: number, j: number): number[] {
  const rows: number[] = [];
  for (let h = 0; h < H; h++) for (let d = 0; d < Dh; d++) rows.push((h * 3 + j) * Dh + d);
  return rows;
}

export const gptNeoxFamily: FamilyModule = {
  family: 'gpt_neox',
  modelTypes: ['gpt_neox'],
  architectures: ['GPTNeoXForCausalLM'],
  parseConfig,
  weights,
};
