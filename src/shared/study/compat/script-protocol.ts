// What run_ablations.py (the seed script) selects, call for call, given the same inputs and seed:
// its token set (np.unique of the pickle, then default_rng(seed).choice when there are more than
// 500), its trial prompts (np.random.seed(seed) once, one np.random.permutation per trial, one
// stream over the counts in order), its induction heads (score descending within ITS layer range),
// and its random heads (random.seed(seed), one random.sample of max_heads_abl over ITS other layer
// range). Every random number comes from the ports of numpy / CPython in this folder.

import { at } from '../../checked';
import type { HeadRef } from '../../model-spec';
import type { HeadScore, LayerRange } from '../types';
import { CPythonRandom } from './cpython-random';
import { defaultRngChoice } from './numpy-choice';
import { NumpyRandomState } from './numpy-random-state';

/** get_tokens's n_unique: run_experiment passes 500. */
export const SCRIPT_TOKEN_COUNT = 500;

/**
 * get_tokens: the sorted unique ids of the file (special tokens included), then, when there are
 * more than `nUnique`, those at default_rng(seed).choice(len, nUnique, replace=False), in that order.
 */
export function scriptTokens(fileIds: readonly number[], seed: number, nUnique = SCRIPT_TOKEN_COUNT): number[] {
  const unique = [...new Set(fileIds)].sort((a, b) => a - b);
  if (unique.length <= nUnique) return unique;
  return defaultRngChoice(seed, unique.length, nUnique).map((i) => at(unique, i));
}

/**
 * The script's prompts in the order it makes them: np.random.seed(seed), then for each count in
 * turn `permutations` calls of prompt_design_prob (a permutation with its middle element appended).
 * Prompt c * permutations + i is trial i of the c-th count.
 */
export function scriptTrials(tokens: readonly number[], seed: number, countsRun: number, permutations: number): number[][] {
  const rs = new NumpyRandomState(seed);
  return Array.from({ length: countsRun * permutations }, () => {
    const permuted = rs.permutation(tokens);
    return [...permuted, at(permuted, Math.floor(permuted.length / 2))];
  });
}

/**
 * The script's two layer boundaries (half = int(L / 2)): induction heads of `top` are layers
 * <= half and of `bottom` layers > half; the random pool of `top` is layers < half and of
 * `bottom` the last `half` layers (>= L - half). Layer `half` is thus "top" for one and "bottom"
 * for the other (and for odd L, layer half is in neither random pool).
 */
export function scriptLayers(range: LayerRange, nLayers: number, selection: 'induction' | 'random'): number[] {
  const half = Math.floor(nLayers / 2);
  const all = Array.from({ length: nLayers }, (_, l) => l);
  if (range === 'full') return all;
  if (selection === 'induction') return all.filter((l) => (range === 'top' ? l <= half : l > half));
  return range === 'top' ? all.slice(0, half) : all.slice(nLayers - half);
}

/**
 * get_induction_heads_top: the scores sorted descending (ties in file order, NaN last), kept within
 * the range's layers, the first `maxHeadsAbl` (fewer if the range has fewer scored heads).
 */
export function scriptInductionHeads(scores: readonly HeadScore[], range: LayerRange, nLayers: number, maxHeadsAbl: number): HeadRef[] {
  const layers = new Set(scriptLayers(range, nLayers, 'induction'));
  return scores
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rankScore(b.s.score) - rankScore(a.s.score) || a.i - b.i)
    .filter(({ s }) => layers.has(s.layer))
    .slice(0, maxHeadsAbl)
    .map(({ s }) => ({ layer: s.layer, head: s.head }));
}

function rankScore(score: number): number {
  return Number.isNaN(score) ? -Infinity : score;
}

/** Why the script would stop: fewer heads outside the induction heads than it samples. */
export class ScriptPoolTooSmall extends RangeError {}

/**
 * The script's random heads: every (layer, head) of the random pool's layers that is not one of
 * `inductionHeads`, in (layer, head) order, then random.seed(seed); random.sample(pool, maxHeadsAbl).
 * Count k silences the first k of them.
 */
export function scriptRandomHeads(
  shape: { nLayers: number; nHeads: number },
  range: LayerRange,
  inductionHeads: readonly HeadRef[],
  maxHeadsAbl: number,
  seed: number,
): HeadRef[] {
  const taken = new Set(inductionHeads.map((h) => `${h.layer},${h.head}`));
  const pool: HeadRef[] = [];
  for (const layer of scriptLayers(range, shape.nLayers, 'random')) {
    for (let head = 0; head < shape.nHeads; head++) if (!taken.has(`${layer},${head}`)) pool.push({ layer, head });
  }
  if (pool.length < maxHeadsAbl) {
    throw new ScriptPoolTooSmall(`Not enough non-induction heads to sample: need ${maxHeadsAbl}, have ${pool.length}`);
  }
  return new CPythonRandom(seed).sample(pool, maxHeadsAbl);
}
