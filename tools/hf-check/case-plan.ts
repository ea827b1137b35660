// What the Hugging Face cross-check runs: the tiny checkpoints (one per family and config quirk),
// their prompts and the ablation rows of each case. Pure data and functions; export-cases.ts runs
// them through the engine and writes the kit that tools/hf-check/hf_parity.py replays in transformers.

import { tinyGemma2, tinyGpt2, tinyLlama3, tinyMistral, tinyNeox, tinyQwen2, type TinyModel } from '../fixtures/tiny-models';
import type { WriteDtype } from '../fixtures/hf-checkpoint';
import { createRng, sampleWithoutReplacement } from '../../src/shared/study/prng';
import { trialPrompt } from '../../src/shared/study/trials';
import { at } from '../../src/shared/checked';

export interface TinyPlan {
  /** Folder name under <out>/models and the cases' `model` key. */
  name: string;
  model: TinyModel;
  dtype: WriteDtype;
  shards: number;
  /** What this checkpoint exercises, printed by both halves. */
  note: string;
}

export type Mode = 'none' | 'zero' | 'mean';
export type HeadPair = [number, number];
export interface CaseRow {
  heads: HeadPair[];
  mode: Mode;
}
export interface PlannedCase {
  name: string;
  /** [B][S] */
  inputIds: number[][];
  /** One per batch row. */
  rows: CaseRow[];
  /** Also export the engine's unablated patterns of row 0 (kept to short prompts: [L][H][S][S]). */
  withPatterns: boolean;
}

/** Prompt lengths: 48 (patterns exported) and 80, beyond the tiny Llama-3's original rope window
 * (64), Mistral's sliding window (16) and Gemma-2's (4). Tiny vocabularies (96) allow S <= 94. */
export const SEQ_LENS = [48, 80];
export const PATTERN_MAX_S = 48;
/** Induction-score method, as the app's default call would be made for these models. */
export const INDUCTION = { seqLen: 20, count: 8, seed: 1 };
/** Seed of every prompt draw here (any fixed number; recorded in manifest.json). */
export const PROMPT_SEED = 7;

export function tinyPlans(): TinyPlan[] {
  return [
    { name: 'llama3-f32', model: tinyLlama3(), dtype: 'F32', shards: 1, note: 'llama3 rope scaling (original window 64), GQA 4/2, head_dim != hidden/heads' },
    { name: 'llama3-bf16-x3', model: tinyLlama3({ seed: 11 }), dtype: 'BF16', shards: 3, note: 'BF16 weights in 3 shards + index' },
    { name: 'qwen2-f32', model: tinyQwen2(), dtype: 'F32', shards: 1, note: 'q/k/v bias, tied embeddings' },
    { name: 'mistral-sw16-f32', model: tinyMistral({ slidingWindow: 16 }), dtype: 'F32', shards: 1, note: 'sliding window 16 on every layer, 4 query heads per kv head' },
    { name: 'gemma2-f32', model: tinyGemma2({ layers: 3 }), dtype: 'F32', shards: 1, note: 'window 4 on layers 0 and 2, soft-caps 5, query_pre_attn_scalar 24' },
    { name: 'gpt2-f32', model: tinyGpt2(), dtype: 'F32', shards: 1, note: 'Conv1D weights, fused c_attn, learned positions' },
    { name: 'gpt2-hubnames-f32', model: tinyGpt2({ hubNames: true }), dtype: 'F32', shards: 1, note: "tensor names without 'transformer.' (as openai's gpt2 file)" },
    { name: 'neox-parallel-f32', model: tinyNeox(), dtype: 'F32', shards: 1, note: 'parallel residual, rotary_pct 0.5' },
    { name: 'neox-sequential-f32', model: tinyNeox({ parallelResidual: false, rotaryPct: 0.25 }), dtype: 'F32', shards: 1, note: 'sequential residual, rotary_pct 0.25' },
  ];
}

/** Zeroed/mean-ablated heads: with GQA, (0,0) and (0,1) share kv head 0; plus one in the last layer. */
export function ablatedHeads(nLayers: number, nHeads: number): HeadPair[] {
  return [[0, 0], [0, 1], [nLayers - 1, nHeads - 1]];
}

/** A trial-shaped prompt (README: The experiment) of length S over a seeded (S-1)-token set of non-special ids. */
export function trialShaped(vocab: number, S: number, index: number): number[] {
  const pool = Array.from({ length: vocab - 3 }, (_, i) => i + 3); // ids 0-2 are <unk> <s> </s>
  const tokens = sampleWithoutReplacement(createRng(PROMPT_SEED, S, index), pool, S - 1);
  return trialPrompt(PROMPT_SEED, index, tokens);
}

/** A random half-length sequence repeated twice (induction-friendly; S odd gets one extra token). */
export function repeatedRandom(vocab: number, S: number, index: number): number[] {
  const rng = createRng(PROMPT_SEED, 1000 + S, index);
  const half = Array.from({ length: Math.floor(S / 2) }, () => 3 + Math.floor(rng.nextFloat() * (vocab - 3)));
  const ids = [...half, ...half];
  if (ids.length < S) ids.push(at(half, 0));
  return ids;
}

/** Cases for one tiny model: none / zero / mean on the same heads, and one batch mixing all three. */
export function tinyCases(nLayers: number, nHeads: number, vocab: number): PlannedCase[] {
  const heads = ablatedHeads(nLayers, nHeads);
  const other: HeadPair[] = [[nLayers - 1, 0], [0, nHeads - 1]];
  const cases: PlannedCase[] = [];
  for (const S of SEQ_LENS) {
    const prompts = [trialShaped(vocab, S, 0), trialShaped(vocab, S, 1), repeatedRandom(vocab, S, 0)];
    const same = (mode: Mode, h: HeadPair[]): CaseRow[] => prompts.map(() => ({ heads: h, mode }));
    cases.push({ name: `S${S} none`, inputIds: prompts, rows: same('none', []), withPatterns: S <= PATTERN_MAX_S });
    cases.push({ name: `S${S} zero ${fmt(heads)}`, inputIds: prompts, rows: same('zero', heads), withPatterns: false });
    cases.push({ name: `S${S} mean ${fmt(heads)}`, inputIds: prompts, rows: same('mean', heads), withPatterns: false });
    cases.push({
      name: `S${S} mixed: none|zero|mean|zero ${fmt(other)}`,
      inputIds: [at(prompts, 0), at(prompts, 0), at(prompts, 0), at(prompts, 2)],
      rows: [{ heads: [], mode: 'none' }, { heads, mode: 'zero' }, { heads, mode: 'mean' }, { heads: other, mode: 'zero' }],
      withPatterns: false,
    });
  }
  return cases;
}

/** The bundled demo model: probe-shaped prompts (500 tokens + the repeated one), none and zero on
 * its top-2 induction heads; `tokens` is its token set (tokens.json, first 500 used). */
export function demoProbeCases(tokens: number[], topHeads: HeadPair[]): PlannedCase[] {
  const set = tokens.slice(0, 500);
  const prompts = [trialPrompt(42, 0, set), trialPrompt(42, 1, set)];
  return [
    { name: `S${at(prompts, 0).length} probe none`, inputIds: prompts, rows: prompts.map(() => ({ heads: [], mode: 'none' as const })), withPatterns: false },
    { name: `S${at(prompts, 0).length} probe zero ${fmt(topHeads)}`, inputIds: prompts, rows: prompts.map(() => ({ heads: topHeads, mode: 'zero' as const })), withPatterns: false },
  ];
}

function fmt(heads: HeadPair[]): string {
  return heads.map(([l, h]) => `${l}.${h}`).join(',');
}
