// Head selection (README: The experiment): layer ranges, top induction heads, nested random draws
// (distinct head sets, random-draws.ts), and the resolution of a study spec into its conditions.
// Only heads that have a score take part: an imported CSV may leave some out (score-csv.ts reports
// them), and those are never ablated.

import type { HeadRef } from '../model-spec';
import { InputError } from '../errors';
import { headCountLabel, LAYER_RANGE_LABELS, MODE_LABELS } from './labels';
import { createRng, RNG_DOMAIN, sampleWithoutReplacement } from './prng';
import { distinctDrawsProblem, distinctRandomDraws } from './random-draws';
import type { AblationMode, Condition, HeadScore, LayerRange, ModelShape, StudySpec } from './types';

export type { ModelShape } from './types';

const RANGE_CODES: Record<LayerRange, number> = { full: 0, top: 1, bottom: 2 };

/** Layers of a range. One boundary for all: lower (`top`) = layers < floor(L/2), upper (`bottom`) = the rest. */
export function layerRangeLayers(range: LayerRange, nLayers: number): number[] {
  const half = Math.floor(nLayers / 2);
  const all = Array.from({ length: nLayers }, (_, layer) => layer);
  if (range === 'top') return all.slice(0, half);
  if (range === 'bottom') return all.slice(half);
  return all;
}

function inRange(layer: number, range: LayerRange, nLayers: number): boolean {
  const half = Math.floor(nLayers / 2);
  if (layer < 0 || layer >= nLayers) return false;
  if (range === 'top') return layer < half;
  if (range === 'bottom') return layer >= half;
  return true;
}

/** Score descending (NaN last), ties broken by (layer, head) ascending, so the ranking is total. */
export function compareHeadScores(a: HeadScore, b: HeadScore): number {
  const aNaN = Number.isNaN(a.score);
  const bNaN = Number.isNaN(b.score);
  if (aNaN !== bNaN) return aNaN ? 1 : -1;
  if (!aNaN && a.score !== b.score) return b.score - a.score;
  return a.layer - b.layer || a.head - b.head;
}

function compareHeadRefs(a: HeadRef, b: HeadRef): number {
  return a.layer - b.layer || a.head - b.head;
}

/** Scored heads of the range, ranked by compareHeadScores. */
function rankedInRange(scores: readonly HeadScore[], range: LayerRange, nLayers: number): HeadScore[] {
  return scores.filter((s) => inRange(s.layer, range, nLayers)).sort(compareHeadScores);
}

/** The k heads of the range with the highest induction score, in rank order. */
export function topInductionHeads(
  scores: readonly HeadScore[],
  range: LayerRange,
  nLayers: number,
  k: number,
): HeadRef[] {
  const ranked = rankedInRange(scores, range, nLayers);
  if (k > ranked.length) {
    throw new RangeError(`asked for ${k} induction heads but ${LAYER_RANGE_LABELS[range]} has ${ranked.length} scored heads`);
  }
  return ranked.slice(0, k).map(({ layer, head }) => ({ layer, head }));
}

/** Heads random draws come from: the range's scored heads minus its top `maxHeadsAbl`, in (layer, head) order. */
export function randomHeadPool(
  scores: readonly HeadScore[],
  range: LayerRange,
  nLayers: number,
  maxHeadsAbl: number,
): HeadRef[] {
  const ranked = rankedInRange(scores, range, nLayers);
  return ranked
    .slice(maxHeadsAbl)
    .map(({ layer, head }) => ({ layer, head }))
    .sort(compareHeadRefs);
}

/**
 * k random heads of the range that are not among its top `maxHeadsAbl` induction heads: draw
 * `draw`'s first permutation (before any redraw for distinctness, see randomDraws). Counts are
 * nested (k heads = the first k of it); the mode is not part of the seed.
 */
export function randomHeads(
  scores: readonly HeadScore[],
  range: LayerRange,
  nLayers: number,
  maxHeadsAbl: number,
  k: number,
  seed: number,
  draw: number,
): HeadRef[] {
  const pool = randomHeadPool(scores, range, nLayers, maxHeadsAbl);
  if (k > pool.length) {
    throw new RangeError(
      `asked for ${k} random heads but ${LAYER_RANGE_LABELS[range]} has ${pool.length} scored heads outside the top ${maxHeadsAbl}`,
    );
  }
  return sampleWithoutReplacement(createRng(seed, RNG_DOMAIN.randomHeads, RANGE_CODES[range], draw), pool, k);
}

function checkScoresFitShape(scores: readonly HeadScore[], shape: ModelShape): void {
  const seen = new Set<number>();
  for (const { layer, head } of scores) {
    if (!Number.isInteger(layer) || !Number.isInteger(head) || layer < 0 || head < 0 || layer >= shape.nLayers || head >= shape.nHeads) {
      throw new RangeError(`score for head (${layer}, ${head}) is outside a ${shape.nLayers}x${shape.nHeads} model`);
    }
    const id = layer * shape.nHeads + head;
    if (seen.has(id)) throw new RangeError(`two scores for head (${layer}, ${head})`);
    seen.add(id);
  }
}

/**
 * Each layer range's random draws for the spec's random groups, distinct at every count (all random
 * groups of a range share them, so zero and mean groups silence the same heads). Throws InputError
 * naming the group when its draws cannot be distinct.
 */
function randomDraws(spec: StudySpec, scores: readonly HeadScore[], shape: ModelShape): Map<LayerRange, HeadRef[][]> {
  const out = new Map<LayerRange, HeadRef[][]>();
  for (const range of Object.keys(RANGE_CODES) as LayerRange[]) {
    const groups = spec.groups.map((group, g) => ({ group, g })).filter(({ group }) => group.headType === 'random' && group.layerRange === range);
    if (groups.length === 0) continue;
    const drawsAtCount = new Map<number, number>();
    for (const { group } of groups) for (const k of group.counts) drawsAtCount.set(k, Math.max(drawsAtCount.get(k) ?? 0, group.draws));
    const pool = randomHeadPool(scores, range, shape.nLayers, spec.maxHeadsAbl);
    const where = `${LAYER_RANGE_LABELS[range]} has ${pool.length} scored heads outside the top ${spec.maxHeadsAbl}`;
    for (const { group, g } of groups) {
      const over = group.counts.find((k) => k > pool.length);
      if (over !== undefined) throw new InputError(`spec.groups.${g}.counts`, `asked for ${over} random heads but ${where}`);
      for (const k of group.counts.filter((c) => c > 0)) {
        const problem = distinctDrawsProblem(pool.length, k, group.draws);
        if (problem) throw new InputError(`spec.groups.${g}.draws`, `${problem} (${where})`);
      }
    }
    try {
      out.set(range, distinctRandomDraws(pool, drawsAtCount, spec.seed, RANGE_CODES[range]));
    } catch (err) {
      if (err instanceof RangeError) throw new InputError(`spec.groups.${groups[0]?.g ?? 0}.draws`, err.message);
      throw err;
    }
  }
  return out;
}

/** The no-ablation condition; its mode is the first group's (it silences nothing either way). */
export function baselineCondition(mode: AblationMode): Condition {
  return { key: 'baseline', label: 'baseline (no heads ablated)', headType: 'none', mode, layerRange: 'full', count: 0, draw: 0, heads: [] };
}

/**
 * Every condition of a study: one shared baseline (k = 0) first, then per group, per count > 0 (in
 * the spec's order) and, for random groups, per draw. Throws InputError naming the spec field when
 * the scored heads cannot supply a count, or distinct random draws.
 */
export function resolveConditions(spec: StudySpec, scores: readonly HeadScore[], shape: ModelShape): Condition[] {
  checkScoresFitShape(scores, shape);
  const drawnHeads = randomDraws(spec, scores, shape);
  const conditions: Condition[] = [baselineCondition(spec.groups[0]?.mode ?? 'zero')];
  const keys = new Set(['baseline']);
  spec.groups.forEach((group, g) => {
    const { headType, mode, layerRange } = group;
    const draws = headType === 'random' ? group.draws : 1;
    for (const count of group.counts) {
      if (count === 0) continue;
      for (let draw = 0; draw < draws; draw++) {
        let heads: HeadRef[];
        try {
          heads =
            headType === 'induction'
              ? topInductionHeads(scores, layerRange, shape.nLayers, count)
              : (drawnHeads.get(layerRange)?.[draw] ?? []).slice(0, count);
        } catch (err) {
          if (err instanceof RangeError) throw new InputError(`spec.groups.${g}.counts`, err.message);
          throw err;
        }
        const key = `${headType}-${mode}-${layerRange}-k${count}` + (headType === 'random' ? `-d${draw}` : '');
        if (keys.has(key)) throw new InputError(`spec.groups.${g}`, `repeats condition ${key}`);
        keys.add(key);
        const label = `${headCountLabel(headType, count, draw, draws)}, ${MODE_LABELS[mode]}, ${LAYER_RANGE_LABELS[layerRange]}`;
        conditions.push({ key, label, headType, mode, layerRange, count, draw, heads });
      }
    }
  });
  return conditions;
}
