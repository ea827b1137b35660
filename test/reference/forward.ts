// The reference forward pass's public face: load a Hugging Face checkpoint folder with the
// reference's own readers, run prompts with per-row literal score ablation, and return what the
// app's probe graph returns (token_probs) plus every attention pattern. Test-only, float64.

import type { AblationMode } from './attention';
import { loadGemma2 } from './families/gemma2';
import { loadGpt2 } from './families/gpt2';
import { loadGptNeox } from './families/gpt-neox';
import { loadLlama } from './families/llama';
import type { RefFamilyLoader, RefLoadOptions, RefModel } from './families/family';
import { HfConfig } from './hf-config';
import { RefWeights } from './safetensors';
import { at } from '../../src/shared/checked';

export type { AblationMode } from './attention';
export type { RefModel } from './families/family';

export interface ReferenceAblation {
  /** [layer, query head] pairs, 0-based. Ignored when mode is 'none'. */
  heads: [number, number][];
  mode: AblationMode;
}

export interface ReferenceOutput {
  /** [B][S]: softmax(last-position logits)[ids[b][s]]. */
  tokenProbs: number[][];
  /** [B][L][H][S][S]: attention probabilities as computed, after ablation. */
  patterns: number[][][][][];
}

const LOADERS: Record<string, RefFamilyLoader> = {
  llama: loadLlama,
  mistral: loadLlama,
  qwen2: loadLlama,
  gemma2: loadGemma2,
  gpt2: loadGpt2,
  gpt_neox: loadGptNeox,
};

/** Read config.json and every tensor once; reuse the model for several forward calls. */
export function loadReferenceModel(modelDir: string, options: RefLoadOptions = {}): RefModel {
  const cfg = new HfConfig(modelDir);
  const load = LOADERS[cfg.modelType];
  if (!load) throw new Error(`${cfg.file}: model_type "${cfg.modelType}" has no reference implementation`);
  return load(cfg, new RefWeights(modelDir), options);
}

export function referenceForward(modelDir: string, inputIds: number[][], ablation: ReferenceAblation[]): ReferenceOutput {
  return runReference(loadReferenceModel(modelDir), inputIds, ablation);
}

export function runReference(model: RefModel, inputIds: number[][], ablation: ReferenceAblation[]): ReferenceOutput {
  if (ablation.length !== inputIds.length) throw new Error(`reference: ${inputIds.length} rows but ${ablation.length} ablation settings`);
  const tokenProbs: number[][] = [];
  const patterns: number[][][][][] = [];
  inputIds.forEach((ids, b) => {
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= model.vocabSize) throw new Error(`reference: token id ${id} outside vocab ${model.vocabSize}`);
    }
    const { logits, patterns: rowPatterns } = model.runRow(ids, headModes(model, at(ablation, b)));
    const probs = softmax(logits);
    tokenProbs.push(ids.map((id) => at(probs, id)));
    const S = ids.length;
    patterns.push(rowPatterns.map((layer) => layer.map((p) => Array.from({ length: S }, (_, q) => Array.from(p.subarray(q * S, (q + 1) * S))))));
  });
  return { tokenProbs, patterns };
}

/** [L][H] mode table for one row. */
function headModes(model: RefModel, row: ReferenceAblation): AblationMode[][] {
  const modes: AblationMode[][] = Array.from({ length: model.nLayers }, () => new Array<AblationMode>(model.nHeads).fill('none'));
  if (row.mode === 'none') return modes;
  for (const [layer, head] of row.heads) {
    if (!(layer >= 0 && layer < model.nLayers && head >= 0 && head < model.nHeads)) {
      throw new Error(`reference: head (${layer}, ${head}) outside ${model.nLayers} layers x ${model.nHeads} heads`);
    }
    at(modes, layer)[head] = row.mode;
  }
  return modes;
}

/** Softmax over the vocabulary in float64 (max-subtracted). */
function softmax(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(at(logits, i) - max);
  for (let i = 0; i < out.length; i++) out[i] = at(out, i) / sum;
  return out;
}
