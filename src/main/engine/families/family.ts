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
