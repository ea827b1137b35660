// Whether a study's probes run with layer reuse (engine/runtime/reuse-plan.ts), decided from its
// conditions once they are known (after the induction scores): the share of layer runs its batches
// save, computed with the very plan the segmented probe follows on the study's own batches (a trial's
// conditions share the layers below their lowest ablated layer; identical conditions run once; script
// mode gives each condition its own prompts, so they share nothing). Per-layer sessions cost a little
// per run, so reuse is worth it from about a fifth of the work saved (README, Performance): the
// upper-half seed study (44% saved) ran 1.6-1.9x faster on the GPT-2-small, Llama and 1B shapes;
// the all-layer one with random heads (10%) 1.10x on GPT-2 small but slower on the Llama shapes;
// the demo study on the 4-layer demo model (14%) slower.

import type { ModelSpec } from '../../shared/model-spec';
import { buildHeadControls, type HeadControlRow, type ValueBiasChoice } from '../engine/head-controls';
import { planWorkShare, reusePlan } from '../engine/runtime/reuse-plan';
import { at } from '../../shared/checked';
import { pendingChunks } from './work-plan';
import type { Condition, StudySpec } from '../../shared/study/types';
import { trialOffset } from '../../shared/study/compat/script-conditions';
import { valueBiasOf } from '../../shared/study/spec';

/** Least share of layer runs saved for which a study runs with layer reuse. */
export const REUSE_MIN_SAVED = 0.2;

export interface ReuseInputs {
  spec: Pick<ModelSpec, 'nLayers' | 'nHeads'>;
  conditions: readonly HeadControlRow[];
  /** Per condition, the first stored trial it uses (0 for all when trials are paired). */
  trialOffsets: readonly number[];
  batchSize: number;
  valueBias: ValueBiasChoice;
}

/**
 * The share of layer runs reuse saves over the study's first trials (enough for its batches to
 * repeat their pattern), 0..1.
 */
export function reuseSaving(x: ReuseInputs): number {
  const C = x.conditions.length;
  if (C === 0) return 0;
  // Batches are trial-major chunks of batchSize rows: they fall the same way again after
  // lcm(C, batchSize) rows; a few dozen trials are plenty for any larger period.
  const trials = Math.min(64, lcm(C, x.batchSize) / C);
  let runs = 0;
  let rows = 0;
  for (const chunk of pendingChunks(trials, C, x.batchSize, () => false)) {
    const B = chunk.rows.length;
    // Prompts are stood in for by their stored trial number (seqLen 1): equal numbers, equal prompts.
    const inputIds = BigInt64Array.from(chunk.rows.map((w) => BigInt(at(x.trialOffsets, w.conditionIdx) + w.trialIdx)));
    const controls = buildHeadControls(x.spec, chunk.rows.map((w) => at(x.conditions, w.conditionIdx)), 'study conditions', x.valueBias);
    const plan = reusePlan({ inputIds, ...controls, batch: B, seqLen: 1, nLayers: x.spec.nLayers, nHeads: x.spec.nHeads }, true);
    runs += planWorkShare(plan, B) * B;
    rows += B;
  }
  return rows === 0 ? 0 : 1 - runs / rows;
}

export function wantsLayerReuse(x: ReuseInputs): boolean {
  return reuseSaving(x) >= REUSE_MIN_SAVED;
}

/** The decision for a prepared study: its stored conditions, in batches of `batchSize` rows. */
export function studyWantsLayerReuse(
  model: Pick<ModelSpec, 'nLayers' | 'nHeads'>,
  spec: StudySpec,
  conditions: readonly (HeadControlRow & Pick<Condition, 'count'>)[],
  batchSize: number,
): boolean {
  const trialOffsets = conditions.map((condition) => trialOffset(spec, condition));
  return wantsLayerReuse({ spec: model, conditions, trialOffsets, batchSize, valueBias: valueBiasOf(spec) });
}

function lcm(a: number, b: number): number {
  const gcd = (p: number, q: number): number => (q === 0 ? p : gcd(q, p % q));
  return (a / gcd(a, b)) * b;
}
