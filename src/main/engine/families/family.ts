// What a model family is: data plus two small functions over the shared block builder (no class
// hierarchy). A family turns config.json into the flat ModelSpec and the checkpoint's tensors into
// canonical, lazily-read weights; src/main/engine/graph builds every family's graph from those.

import type { Family, ModelSpec } from '../../../shared/model-spec';
import type { Checkpoint } from '../checkpoint/checkpoint';
import type { ModelWeights } from '../graph/weights';
import { InputError, quoteValue } from '../../../shared/errors';

export type { ModelWeights, LayerWeights, LazyTensor, Linear, NormWeights, MlpWeights } from '../graph/weights';

export interface FamilyModule {
  family: Family;
  /** config.json `model_type` values this module accepts. */
  modelTypes: string[];
  /** config.json `architectures` entries this module accepts (fallback when model_type is absent). */
  architectures: string[];
  /** InputError(configPath, ...) naming the key for a missing or invalid field. */
  parseConfig(config: Record<string, unknown>, configPath: string): ModelSpec;
  /** Canonical weights; checks every tensor's presence and shape now, reads data only on read(). */
  weights(cp: Checkpoint, spec: ModelSpec): ModelWeights;
}

// ---- the base spec each family states its differences from ----

/** What every family reads from its own config keys: the shape, norm, positions, MLP and tying. */
export type SpecCore = Pick<
  ModelSpec,
  | 'family'
  | 'modelType'
  | 'nLayers'
  | 'nHeads'
  | 'nKvHeads'
  | 'headDim'
  | 'hiddenSize'
  | 'intermediateSize'
  | 'vocabSize'
  | 'maxPositions'
  | 'norm'
  | 'positional'
  | 'mlp'
  | 'tieWordEmbeddings'
>;

/** Where a family departs from the base decoder. */
export interface SpecDiff {
  attention?: Partial<ModelSpec['attention']>;
  block?: Partial<ModelSpec['block']>;
  embedScale?: number;
  finalLogitSoftcap?: number | null;
}

/**
 * A family's ModelSpec: the base decoder (sequential pre-norm blocks, no attention biases, scores
 * scaled by 1/sqrt(headDim), no soft-caps, no sliding window, unscaled embeddings) with `diff` applied.
 */
export function familySpec(core: SpecCore, diff: SpecDiff = {}): ModelSpec {
  return {
    family: core.family,
    modelType: core.modelType,
    nLayers: core.nLayers,
    nHeads: core.nHeads,
    nKvHeads: core.nKvHeads,
    headDim: core.headDim,
    hiddenSize: core.hiddenSize,
    intermediateSize: core.intermediateSize,
    vocabSize: core.vocabSize,
    maxPositions: core.maxPositions,
    norm: core.norm,
    positional: core.positional,
    attention: {
      qkvBias: false,
      outBias: false,
      scale: 1 / Math.sqrt(core.headDim),
      logitSoftcap: null,
      slidingWindow: null,
      localLayers: new Array<boolean>(core.nLayers).fill(false),
      ...diff.attention,
    },
    mlp: core.mlp,
    block: { parallelResidual: false, postNorms: false, ...diff.block },
    embedScale: diff.embedScale ?? 1,
    finalLogitSoftcap: diff.finalLogitSoftcap ?? null,
    tieWordEmbeddings: core.tieWordEmbeddings,
  };
}

// ---- config.json readers shared by family modules: each failure names the file and the key ----

type Config = Record<string, unknown>;

/** A required integer >= min. */
export function configInt(config: Config, key: string, path: string, min = 1): number {
  const v = config[key];
  if (v === undefined || v === null) throw new InputError(path, `missing ${key}`);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new InputError(path, `${key} must be an integer >= ${min}, got ${quoteValue(v)}`);
  }
  return v;
}

/** An optional integer >= min (absent or null -> fallback). */
export function configIntOr(config: Config, key: string, path: string, fallback: number, min = 1): number {
  return config[key] === undefined || config[key] === null ? fallback : configInt(config, key, path, min);
}

/** An optional finite number > 0 (absent or null -> fallback). */
export function configPositiveOr(config: Config, key: string, path: string, fallback: number): number {
  const v = config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new InputError(path, `${key} must be a positive number, got ${quoteValue(v)}`);
  }
  return v;
}

/** An optional boolean (absent or null -> fallback). */
export function configBool(config: Config, key: string, path: string, fallback: boolean): boolean {
  const v = config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new InputError(path, `${key} must be true or false, got ${quoteValue(v)}`);
  return v;
}

/** An optional JSON object (absent or null -> null), e.g. rope_scaling. */
export function configObjectOr(config: Config, key: string, path: string): Config | null {
  const v = config[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new InputError(path, `${key} must be an object or null`);
  return v as Config;
}

/**
 * config[key] (rope_scaling, or transformers 5's rope_parameters) for a family that supports only
 * the default rope type (no scaling): null when absent, InputError for any other rope_type.
 */
export function defaultRopeParams(config: Config, key: 'rope_scaling' | 'rope_parameters', path: string, family: string): Config | null {
  const r = configObjectOr(config, key, path);
  if (!r) return null;
  const type = r.rope_type ?? r.type ?? 'default'; // `type` is the older spelling
  if (type !== 'default') throw new InputError(path, `${key}.rope_type ${quoteValue(type)} is not supported by ${family} (supported: default)`);
  return r;
}

/** The sizes most configs name alike (Llama, Mistral, Qwen2, Gemma-2, GPT-NeoX; not GPT-2). */
export type StandardSizes = Pick<ModelSpec, 'hiddenSize' | 'nLayers' | 'nHeads' | 'intermediateSize' | 'vocabSize'>;

export function standardSizes(config: Config, path: string): StandardSizes {
  return {
    hiddenSize: configInt(config, 'hidden_size', path),
    nLayers: configInt(config, 'num_hidden_layers', path),
    nHeads: configInt(config, 'num_attention_heads', path),
    intermediateSize: configInt(config, 'intermediate_size', path),
    vocabSize: configInt(config, 'vocab_size', path),
  };
}

/** Grouped-query attention: each kv head serves a whole group of query heads. */
export function checkKvHeads(nHeads: number, nKvHeads: number, path: string): void {
  if (nHeads % nKvHeads !== 0) {
    throw new InputError(path, `num_attention_heads (${nHeads}) is not a multiple of num_key_value_heads (${nKvHeads})`);
  }
}

const ACTIVATIONS: Record<string, ModelSpec['mlp']['act']> = {
  silu: 'silu',
  swish: 'silu',
  gelu: 'gelu',
  gelu_new: 'gelu_tanh',
  gelu_pytorch_tanh: 'gelu_tanh',
  gelu_fast: 'gelu_tanh',
};

/** config[key] (e.g. hidden_act) as one of our activations. */
export function configActivation(config: Config, key: string, path: string, fallback: string): ModelSpec['mlp']['act'] {
  const v = config[key] ?? fallback;
  const act = typeof v === 'string' ? ACTIVATIONS[v] : undefined;
  if (!act) throw new InputError(path, `${key} ${quoteValue(v)} is not supported (supported: ${Object.keys(ACTIVATIONS).join(', ')})`);
  return act;
}
