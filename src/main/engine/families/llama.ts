// The llama family: Llama 2/3/3.1/3.2 (incl. the `llama3` rope scaling), Mistral and Qwen2/2.5.
// Pre-norm RMSNorm blocks, rotary on the full head, SwiGLU MLP, grouped-query attention. The
// members differ only in biases (Qwen2: q/k/v always; Llama: attention_bias/mlp_bias) and in which
// layers use a sliding window (Mistral: all of them; Qwen2: layers >= max_window_layers if enabled).

import type { ModelSpec, RopeScalingLlama3 } from '../../../shared/model-spec';
import { InputError, quoteValue } from '../../../shared/errors';
import type { Checkpoint } from '../checkpoint/checkpoint';
import { storedTensor, type LayerWeights, type ModelWeights } from '../graph/weights';
import { checkKvHeads, configActivation, configBool, configInt, configIntOr, configObjectOr, configPositiveOr, familySpec, standardSizes, type FamilyModule } from './family';
import { gatedMlpWeights, lmHeadWeights, rmsNormWeights, selfAttnWeights } from './family-weights';

type Config = Record<string, unknown>;

function parseConfig(config: Config, path: string): ModelSpec {
  const modelType = typeof config.model_type === 'string' ? config.model_type : modelTypeFromArchitectures(config);
  const sizes = standardSizes(config, path);
  const { hiddenSize, nLayers, nHeads } = sizes;
  // Absent in Llama 1 / early Llama 2 configs: plain multi-head attention.
  const nKvHeads = configIntOr(config, 'num_key_value_heads', path, nHeads);
  checkKvHeads(nHeads, nKvHeads, path);
  if ((config.head_dim === undefined || config.head_dim === null) && hiddenSize % nHeads !== 0) {
    throw new InputError(path, `hidden_size (${hiddenSize}) is not divisible by num_attention_heads (${nHeads}) and there is no head_dim`);
  }
  // Explicit head_dim wins (Mistral-Nemo: 128 while hidden/heads = 160).
  const headDim = configIntOr(config, 'head_dim', path, hiddenSize / nHeads);
  const maxPositions = configInt(config, 'max_position_embeddings', path);
  const partial = configPositiveOr(config, 'partial_rotary_factor', path, 1);
  const rotaryDim = Math.floor(headDim * partial);
  if (rotaryDim % 2 !== 0 || rotaryDim > headDim) throw new InputError(path, `partial_rotary_factor ${partial} gives an odd rotary dimension ${rotaryDim}`);

  const qwen2 = modelType === 'qwen2';
  const attentionBias = configBool(config, 'attention_bias', path, false);
  const localLayers = slidingLayers(config, path, modelType, nLayers, maxPositions);

  return familySpec(
    {
      family: 'llama',
      modelType,
      ...sizes,
      nKvHeads,
      headDim,
      maxPositions,
      // 1e-6 is LlamaConfig's / Qwen2Config's / MistralConfig's default.
      norm: { kind: 'rms', eps: configPositiveOr(config, 'rms_norm_eps', path, 1e-6), weightOffset: 0 },
      positional: {
        kind: 'rotary',
        theta: configPositiveOr(config, 'rope_theta', path, 10000), // HF's default base
        rotaryDim,
        scaling: parseRopeScaling(config, path),
      },
      mlp: { kind: 'gated', act: configActivation(config, 'hidden_act', path, 'silu'), bias: configBool(config, 'mlp_bias', path, false) },
      tieWordEmbeddings: configBool(config, 'tie_word_embeddings', path, false),
    },
    {
      attention: {
        // Qwen2 always has q/k/v biases and never an o bias; Llama's attention_bias covers all four.
        qkvBias: qwen2 || attentionBias,
        outBias: !qwen2 && attentionBias,
        ...(localLayers ? { slidingWindow: localLayers.window, localLayers: localLayers.layers } : {}),
      },
    },
  );
}

/**
 * Which layers attend through a sliding window. Mistral: all, when sliding_window is set and shorter
 * than the context. Qwen2: only with use_sliding_window, layers >= max_window_layers (HF's layer_types
 * rule). Llama: none. Returns null where no layer is local.
 */
function slidingLayers(config: Config, path: string, modelType: string, nLayers: number, maxPositions: number): { window: number; layers: boolean[] } | null {
  if (modelType === 'llama') return null;
  if (modelType === 'qwen2' && !configBool(config, 'use_sliding_window', path, false)) return null;
  if (config.sliding_window === undefined || config.sliding_window === null) return null;
  const window = configInt(config, 'sliding_window', path);
  if (window >= maxPositions) return null; // a window as long as the context is plain causal attention
  const first = modelType === 'qwen2' ? configIntOr(config, 'max_window_layers', path, 0, 0) : 0;
  const layers = Array.from({ length: nLayers }, (_, l) => l >= first);
  return layers.some(Boolean) ? { window, layers } : null;
}

const ARCHITECTURE_MODEL_TYPES: Record<string, string> = {
  LlamaForCausalLM: 'llama',
  MistralForCausalLM: 'mistral',
  Qwen2ForCausalLM: 'qwen2',
};

/** For configs dispatched by `architectures` alone (no model_type). */
function modelTypeFromArchitectures(config: Config): string {
  const archs = Array.isArray(config.architectures) ? config.architectures : [];
  for (const a of archs) if (typeof a === 'string' && ARCHITECTURE_MODEL_TYPES[a]) return ARCHITECTURE_MODEL_TYPES[a];
  return 'llama';
}

const ROPE_TYPES_SUPPORTED = ['default', 'llama3'];

function parseRopeScaling(config: Config, path: string): RopeScalingLlama3 | null {
  const rs = configObjectOr(config, 'rope_scaling', path);
  if (!rs) return null;
  const type = rs.rope_type ?? rs.type; // `type` is the older spelling
  if (type === 'default') return null;
  if (type !== 'llama3') {
    throw new InputError(path, `rope_scaling.rope_type ${quoteValue(type)} is not supported (supported: ${ROPE_TYPES_SUPPORTED.join(', ')})`);
  }
  const key = (k: string): string => `rope_scaling.${k}`;
  const num = (k: string): number => {
    const v = rs[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new InputError(path, `${key(k)} must be a positive number, got ${quoteValue(v)}`);
    return v;
  };
  const scaling: RopeScalingLlama3 = {
    type: 'llama3',
    factor: num('factor'),
    lowFreqFactor: num('low_freq_factor'),
    highFreqFactor: num('high_freq_factor'),
    originalMaxPositions: num('original_max_position_embeddings'),
  };
  if (scaling.highFreqFactor <= scaling.lowFreqFactor) {
    throw new InputError(path, `${key('high_freq_factor')} must be greater than ${key('low_freq_factor')}`);
  }
  return scaling;
}

function weights(cp: Checkpoint, spec: ModelSpec): ModelWeights {
  const { hiddenSize: D, vocabSize: V } = spec;
  const layers: LayerWeights[] = [];
  for (let l = 0; l < spec.nLayers; l++) {
    const p = `model.layers.${l}`;
    layers.push({
      preAttnNorm: rmsNormWeights(cp, `${p}.input_layernorm.weight`, D),
      postAttnNorm: null,
      preMlpNorm: rmsNormWeights(cp, `${p}.post_attention_layernorm.weight`, D),
      postMlpNorm: null,
      attn: selfAttnWeights(cp, p, spec),
      mlp: gatedMlpWeights(cp, p, spec),
    });
  }
  const embed = storedTensor(cp, 'model.embed_tokens.weight', [V, D]);
  return { embed, positions: null, layers, finalNorm: rmsNormWeights(cp, 'model.norm.weight', D), lmHead: lmHeadWeights(cp, spec, embed, 'lm_head.weight') };
}

export const llamaFamily: FamilyModule = {
  family: 'llama',
  modelTypes: ['llama', 'mistral', 'qwen2'],
  architectures: Object.keys(ARCHITECTURE_MODEL_TYPES),
  parseConfig,
  weights,
};
