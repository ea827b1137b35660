// A script-mode study's conditions and trials (README: Reproducing the seed script): per group the
// script's own head lists (all max_heads_abl of them; count k silences the first k, a count above
// the list's length gets the whole list, as the script's slice does), a baseline only where the
// counts include 0, and the script's unpaired trials: condition with the c-th count runs the c-th
// block of `permutations` prompts of one stream (the same block for every group, since the script
// re-seeds numpy for each of its runs).

import type { HeadRef } from '../../model-spec';
import { InputError } from '../../errors';
import { headCountLabel, LAYER_RANGE_LABELS, MODE_LABELS } from '../labels';
import { baselineCondition } from '../heads';
import type { Condition, ConditionGroup, HeadScore, ModelShape, StudySpec } from '../types';
import { scriptInductionHeads, scriptRandomHeads, ScriptPoolTooSmall } from './script-protocol';

/** The heads a group's script run selects: its heads JSON's `heads` (max_heads_abl of them). */
export function scriptGroupHeads(spec: StudySpec, group: ConditionGroup, g: number, scores: readonly HeadScore[], shape: ModelShape): HeadRef[] {
  const induction = scriptInductionHeads(scores, group.layerRange, shape.nLayers, spec.maxHeadsAbl);
  if (group.headType === 'induction') return induction;
  try {
    return scriptRandomHeads(shape, group.layerRange, induction, spec.maxHeadsAbl, spec.seed);
  } catch (err) {
    if (err instanceof ScriptPoolTooSmall) throw new InputError(`spec.groups.${g}`, `${err.message} (${LAYER_RANGE_LABELS[group.layerRange]}, script layer boundary)`);
    throw err;
  }
}

/**
 * Conditions in the script's order: per group, its counts in order (0 is one shared baseline).
 * `headsOf` gives a group's selected heads (the script's, or an imported list).
 */
export function scriptConditions(spec: StudySpec, headsOf: (group: ConditionGroup, g: number) => HeadRef[]): Condition[] {
  const conditions: Condition[] = [];
  spec.groups.forEach((group, g) => {
    const selected = headsOf(group, g);
    for (const count of group.counts) {
      if (count === 0) {
        if (!conditions.some((c) => c.headType === 'none')) conditions.unshift(baselineCondition(group.mode));
        continue;
      }
      const heads = selected.slice(0, count);
      const truncated = heads.length < count ? ` (${heads.length} selected: truncated as the script does)` : '';
      const { headType, mode, layerRange } = group;
      conditions.push({
        key: `${headType}-${mode}-${layerRange}-k${count}`,
        label: `${headCountLabel(headType, count)}${truncated}, ${MODE_LABELS[mode]}, ${LAYER_RANGE_LABELS[layerRange]}`,
        headType,
        mode,
        layerRange,
        count,
        draw: 0,
        heads,
      });
    }
  });
  return conditions;
}


/**
 * Where a condition's trials start among the study's stored trials: 0 in paired (studio) mode;
 * in script mode the position of its count in the counts list times `permutations`.
 */
export function trialOffset(spec: Pick<StudySpec, 'compat' | 'groups' | 'permutations'>, condition: Pick<Condition, 'count'>): number {
  if (spec.compat !== 'script') return 0;
  const position = (spec.groups[0]?.counts ?? []).indexOf(condition.count);
  if (position < 0) throw new Error(`condition with ${condition.count} heads is not among the spec's counts`);
  return position * spec.permutations;
}

/** Trials a study stores: `permutations` shared by every condition, or one block per count in script mode. */
export function storedTrialCount(spec: Pick<StudySpec, 'compat' | 'groups' | 'permutations'>): number {
  return spec.compat === 'script' ? (spec.groups[0]?.counts.length ?? 0) * spec.permutations : spec.permutations;
}
