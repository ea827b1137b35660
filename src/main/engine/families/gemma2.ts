// The gemma2 family (gemma-2-2b/9b/27b and their -it variants), after transformers' modeling_gemma2.py.
// It differs from Llama in flags only: embeddings x sqrt(hidden_size), RMSNorm scaling by (1 + w),
// norms before AND after attention and the MLP, query_pre_attn_scalar^-0.5, tanh soft-caps on the
// attention scores (before the mask) and on the final logits, GeGLU, sliding window on local layers.

import type { ModelSpec } from '../../../shared/model-spec';
import { InputError, quoteValue } from '../../../shared/errors';
import type { Checkpoint } from '../checkpoint/checkpoint';
import { storedTensor, type LayerWeights, type ModelWeights } from '../graph/weights';
import { checkKvHeads, configActivation, configBool, configInt, configIntOr, configPositiveOr, defaultRopeParams, familySpec, standardSizes, type FamilyModule } from './family';
import { gatedMlpWeights, lmHeadWeights, rmsNormWeights, selfAttnWeights } from './family-weights';

type Config = Record<string, unknown>;

function parseConfig(config: Config, path: string): ModelSpec {
  const sizes = standardSizes(config, path);
  const { hiddenSize, nLayers, nHeads } = sizes;
  const nKvHeads = configInt(config, 'num_key_value_heads', path);
  checkKvHeads(nHeads, nKvHeads, path);
  // Required: Gemma-2's head_dim (256 for 2b/9b, 128 for 27b) is never hidden_size / heads.
  const headDim = configInt(config, 'head_dim', path);
  if (configBool(config, 'use_bidirectional_attention', path, false)) {
    throw new InputError(path, 'use_bidirectional_attention true is not a causal language model (not supported)');
  }
  const maxPositions = configIntOr(config, 'max_position_embeddings', path, 8192); // Gemma2Config's default
  const bias = configBool(config, 'attention_bias', path, false);
  const local = localLayers(config, path, nLayers);
  // hidden_activation is what modeling_gemma2 reads; very early configs only had hidden_act.
  const actKey = config.hidden_activation !== undefined && config.hidden_activation !== null ? 'hidden_activation' : 'hidden_act';

  return familySpec(
    {
      family: 'gemma2',
      modelType: 'gemma2',
      ...sizes,
      nKvHeads,
      headDim,
      maxPositions,
      // Checkpoints store w; Gemma2RMSNorm scales by (1 + w), computed in float32.
      norm: { kind: 'rms', eps: configPositiveOr(config, 'rms_norm_eps', path, 1e-6), weightOffset: 1 },
      positional: { kind: 'rotary', theta: ropeTheta(config, path), rotaryDim: headDim, scaling: null },
      mlp: { kind: 'gated', act: configActivation(config, actKey, path, 'gelu_pytorch_tanh'), bias: false },
      tieWordEmbeddings: configBool(config, 'tie_word_embeddings', path, true),
    },
    {
      attention: {
        qkvBias: bias,
        outBias: bias,
        // Not 1/sqrt(head_dim): gemma-2-27b uses hidden_size / num_heads = 144 with head_dim 128.
        scale: 1 / Math.sqrt(configPositiveOr(config, 'query_pre_attn_scalar', path, 256)),
        logitSoftcap: nullableCap(config, 'attn_logit_softcapping', path, 50),
        ...(local ? { slidingWindow: local.window, localLayers: local.layers } : {}),
      },
      block: { postNorms: true },
      // HF casts sqrt(hidden_size) to the dtype the model runs in: the graph's scalar does the same
      // (float32 on CPU, float16 on CUDA); a bfloat16 torch run rounds it to bf16 instead (9b: 59.75).
      embedScale: Math.sqrt(hiddenSize),
      finalLogitSoftcap: nullableCap(config, 'final_logit_softcapping', path, 30),
    },
  );
}

/** A soft-cap: absent -> Gemma2Config's default, null -> no capping, else a positive number. */
function nullableCap(config: Config, key: string, path: string, fallback: number): number | null {
  if (config[key] === null) return null;
  return configPositiveOr(config, key, path, fallback);
}

/**
 * Which layers slide. transformers >= 4.53 writes `layer_types`; without it Gemma2Config marks the
 * even layers (0, 2, ...) "sliding_attention", the odd ones "full_attention". sliding_window null
 * (or no sliding layer) gives plain causal attention everywhere.
 */
function localLayers(config: Config, path: string, nLayers: number): { window: number; layers: boolean[] } | null {
  let layers: boolean[];
  const types = config.layer_types;
  if (types === undefined || types === null) {
    layers = Array.from({ length: nLayers }, (_, l) => l % 2 === 0);
  } else {
    if (!Array.isArray(types) || types.length !== nLayers) {
      throw new InputError(path, `layer_types must be a list of ${nLayers} entries (num_hidden_layers), got ${quoteValue(types)}`);
    }
    layers = types.map((t, l) => {
      if (t !== 'sliding_attention' && t !== 'full_attention') {
        throw new InputError(path, `layer_types[${l}] ${quoteValue(t)} is not supported (supported: sliding_attention, full_attention)`);
      }
      return t === 'sliding_attention';
    });
  }
  if (config.sliding_window === null) return null;
  const window = configIntOr(config, 'sliding_window', path, 4096); // Gemma2Config's default
  return layers.some(Boolean) ? { window, layers } : null;
}

/** rope_theta (flat, or inside transformers 5's rope_parameters); only the default rope type. */
function ropeTheta(config: Config, path: string): number {
  for (const key of ['rope_scaling', 'rope_parameters'] as const) {
    const r = defaultRopeParams(config, key, path, 'gemma2');
    if (r && r.rope_theta !== undefined) return configPositiveOr(r, 'rope_theta', `${path} ${key}`, 10000);
  }
  return configPositiveOr(config, 'rope_theta', path, 10000); // Gemma2Config's default
}

function weights(cp: Checkpoint, spec: ModelSpec): ModelWeights {
  const { hiddenSize: D, vocabSize: V } = spec;
  const rms = (name: string) => rmsNormWeights(cp, name, D);
  const layers: LayerWeights[] = [];
  for (let l = 0; l < spec.nLayers; l++) {
    const p = `model.layers.${l}`;
    layers.push({
      preAttnNorm: rms(`${p}.input_layernorm.weight`),
      // Unlike Llama's, Gemma-2's post_attention_layernorm really sits after attention.
      postAttnNorm: rms(`${p}.post_attention_layernorm.weight`),
      preMlpNorm: rms(`${p}.pre_feedforward_layernorm.weight`),
      postMlpNorm: rms(`${p}.post_feedforward_layernorm.weight`),
      attn: selfAttnWeights(cp, p, spec),
      mlp: gatedMlpWeights(cp, p, spec), // spec.mlp.bias is always false for Gemma-2
    });
  }
  const embed = storedTensor(cp, 'model.embed_tokens.weight', [V, D]);
  return { embed, positions: null, layers, finalNorm: rms('model.norm.weight'), lmHead: lmHeadWeights(cp, spec, embed, 'lm_head.weight') };
}

export const gemma2Family: FamilyModule = {
  family: 'gemma2',
  modelTypes: ['gemma2'],
  architectures: ['Gemma2ForCausalLM'],
  parseConfig,
  weights,
};
