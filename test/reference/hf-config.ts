// The reference's own reading of config.json, with Hugging Face semantics: a key missing from the
// file takes the default of that model_type's transformers config class (passed by each family),
// and rope settings are read from either the new `rope_parameters` or the old `rope_theta` +
// `rope_scaling` spelling.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type RawConfig = Record<string, unknown>;

export class HfConfig {
  readonly file: string;
  readonly raw: RawConfig;

  constructor(dir: string) {
    this.file = join(dir, 'config.json');
    this.raw = JSON.parse(readFileSync(this.file, 'utf8')) as RawConfig;
  }

  get modelType(): string {
    return this.str('model_type', '');
  }

  /** A number; `fallback` is the transformers class default (undefined: the key is required). */
  num(key: string, fallback?: number): number {
    const v = this.raw[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) throw new Error(`${this.file}: missing ${key}`);
      return fallback;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${this.file}: ${key} is not a number`);
    return v;
  }

  /** A number or null (e.g. sliding_window, soft-cap values), with the class default when absent. */
  numOrNull(key: string, fallback: number | null): number | null {
    const v = this.raw[key];
    if (v === undefined) return fallback;
    if (v === null) return null;
    return this.num(key);
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.raw[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw new Error(`${this.file}: ${key} is not a boolean`);
    return v;
  }

  str(key: string, fallback: string): string {
    const v = this.raw[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') throw new Error(`${this.file}: ${key} is not a string`);
    return v;
  }

  /** `layer_types` when the file has it (newer transformers write it), else null. */
  layerTypes(nLayers: number): string[] | null {
    const v = this.raw.layer_types;
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v) || v.length !== nLayers) throw new Error(`${this.file}: layer_types must list ${nLayers} layers`);
    return v as string[];
  }

  /** The dtype the checkpoint was saved for (`torch_dtype`, or `dtype` in transformers >= 4.56). */
  savedDtype(): string {
    return this.str('torch_dtype', this.str('dtype', 'float32'));
  }

  /**
   * Rope settings, merged from `rope_parameters` (new) or `rope_scaling` + the flat keys (old).
   * `flatTheta` / `flatPartial` name the family's old flat keys (GPT-NeoX: rotary_emb_base, rotary_pct).
   */
  rope(defaults: { theta: number; partial: number; flatTheta?: string; flatPartial?: string }): RefRope {
    const params = (this.raw.rope_parameters ?? this.raw.rope_scaling ?? {}) as Record<string, unknown>;
    const pick = (k: string): number | undefined => (typeof params[k] === 'number' ? (params[k] as number) : undefined);
    const theta = pick('rope_theta') ?? this.num(defaults.flatTheta ?? 'rope_theta', defaults.theta);
    const partial =
      pick('partial_rotary_factor') ??
      this.num(defaults.flatPartial ?? 'partial_rotary_factor', defaults.partial);
    const type = (params.rope_type ?? params.type ?? 'default') as string;
    if (type === 'default') return { theta, partial, llama3: null };
    if (type !== 'llama3') throw new Error(`${this.file}: rope type ${type} is not supported by the reference`);
    const need = (k: string): number => {
      const v = pick(k);
      if (v === undefined) throw new Error(`${this.file}: llama3 rope scaling lacks ${k}`);
      return v;
    };
    return {
      theta,
      partial,
      llama3: {
        factor: need('factor'),
        lowFreqFactor: need('low_freq_factor'),
        highFreqFactor: need('high_freq_factor'),
        originalMaxPositions: need('original_max_position_embeddings'),
      },
    };
  }
}

export interface RefRope {
  theta: number;
  /** Fraction of each head's dims that rotate (GPT-NeoX rotary_pct); 1 for Llama-like models. */
  partial: number;
  llama3: { factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositions: number } | null;
}
