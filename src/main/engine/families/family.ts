// What a model family is: data plus two small functions over the shared block builder (no class
// hierarchy). A family turns config.json into the flat ModelSpec and the checkpoint's tensors into
// canonical, lazily-read weights; src/main/engine/graph builds every family's graph from those.

import type { Family, ModelSpec } from '../../../shared/model-spec';
import type { Checkpoint } from '../checkpoint/checkpoint';
import type { ModelWeights } from '../graph/weights';
import { InputError } from '../../../shared/errors';

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
    throw new InputError(path, `${key} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
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
    throw new InputError(path, `${key} must be a positive number, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** An optional boolean (absent or null -> fallback). */
export function configBool(config: Config, key: string, path: string, fallback: boolean): boolean {
  const v = config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new InputError(path, `${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
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
  if (!act) throw new InputError(path, `${key} ${JSON.stringify(v)} is not supported (supported: ${Object.keys(ACTIVATIONS).join(', ')})`);
  return act;
}
