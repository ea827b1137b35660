// Induction heads against random heads at the same head count, mode and layer range, on P(+1): per
// random draw and pooled over draws, paired over trials (every condition sees the same trials),
// plus a summary over draws that shows how much the answer depends on which heads were drawn. Also
// each random group's P(+1) summarized over its draws (the dose-response band, the printout).

import { at } from '../checked';
import { betweenDrawsEstimate, exponentiated, holmAdjust, mean, pairedContrast, ratioOfMeans, relativeChangeOf } from './estimates';
import { probabilitiesAtLag } from './metrics';
import type { AblationMode, Condition, DrawSummary, InductionVsRandom, LayerRange } from './types';

/** What the statistics need to know about a condition. */
export type StatsCondition = Pick<Condition, 'key' | 'headType' | 'mode' | 'layerRange' | 'count' | 'draw'>;

export interface ConditionRows {
  condition: StatsCondition;
  /** rows[t] = trial t's S probabilities, trials 0..n-1. */
  rows: readonly ArrayLike<number>[];
}

interface Cell {
  mode: AblationMode;
  layerRange: LayerRange;
  count: number;
}

/** Conditions of one head type at one cell, with results, by draw. */
function membersOf(items: readonly ConditionRows[], type: 'induction' | 'random', cell: Cell): ConditionRows[] {
  return items
    .filter(({ condition: c, rows }) => c.headType === type && c.mode === cell.mode && c.layerRange === cell.layerRange && c.count === cell.count && rows.length > 0)
    .sort((x, y) => x.condition.draw - y.condition.draw);
}

/** The distinct (mode, layer range, count) cells of a head type, in first-seen order. */
function cellsOf(items: readonly ConditionRows[], type: 'induction' | 'random'): Cell[] {
  const seen = new Map<string, Cell>();
  for (const { condition: c } of items) {
    if (c.headType !== type) continue;
    const id = `${c.mode}|${c.layerRange}|${c.count}`;
    if (!seen.has(id)) seen.set(id, { mode: c.mode, layerRange: c.layerRange, count: c.count });
  }
  return [...seen.values()];
}

/** Each random group's P(+1) (mean over draws) and relative change (geometric mean of ratios - 1), t over draws. */
export function drawSummaries(items: readonly ConditionRows[], baselineRows: readonly ArrayLike<number>[] | null, level: number): DrawSummary[] {
  const baselinePlus1 = baselineRows && baselineRows.length > 0 ? probabilitiesAtLag(baselineRows, 1) : null;
  return cellsOf(items, 'random').flatMap((cell) => {
    const draws = membersOf(items, 'random', cell);
    if (draws.length === 0) return [];
    const plus1 = draws.map(({ rows }) => probabilitiesAtLag(rows, 1));
    // On the ln scale, so the interval stays above -100% however few the draws.
    const logRatios = baselinePlus1 ? plus1.map((p) => ratioOfMeans(p, baselinePlus1, level).logRatio.value) : null;
    return [
      {
        ...cell,
        conditionKeys: draws.map(({ condition }) => condition.key),
        pPlus1: betweenDrawsEstimate(plus1.map(mean), 'probability', level),
        relativeChange: logRatios ? relativeChangeOf(exponentiated(betweenDrawsEstimate(logRatios, 'log-ratio', level))) : null,
      },
    ];
  });
}

/** Per trial, the mean over draws: the pooled random condition. */
function meanOverDraws(perDraw: readonly Float64Array[], n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, t) => mean(perDraw.map((p) => at(p, t))));
}

/** One comparison per induction condition that has random conditions at its cell. */
export function inductionVsRandom(items: readonly ConditionRows[], level: number): InductionVsRandom[] {
  const comparisons: Omit<InductionVsRandom, 'holm'>[] = [];
  for (const cell of cellsOf(items, 'induction')) {
    const [induction] = membersOf(items, 'induction', cell);
    const draws = membersOf(items, 'random', cell);
    if (!induction || draws.length === 0) continue;
    const trials = Math.min(induction.rows.length, ...draws.map(({ rows }) => rows.length));
    const inductionPlus1 = probabilitiesAtLag(induction.rows.slice(0, trials), 1);
    const random = draws.map(({ condition, rows }) => ({ condition, plus1: probabilitiesAtLag(rows.slice(0, trials), 1) }));
    const perDraw = random.map(({ condition, plus1 }) => ({
      draw: condition.draw,
      key: condition.key,
      contrast: pairedContrast(inductionPlus1, plus1, { a: 'induction P(+1)', b: `random draw ${condition.draw + 1} P(+1)` }, level),
    }));
    const pooledName = draws.length === 1 ? 'random P(+1)' : `random P(+1), mean of ${draws.length} draws`;
    const pooled = pairedContrast(inductionPlus1, meanOverDraws(random.map((r) => r.plus1), trials), { a: 'induction P(+1)', b: pooledName }, level);
    let betweenDraws: InductionVsRandom['betweenDraws'] = null;
    if (draws.length >= 2) {
      const logRatio = betweenDrawsEstimate(perDraw.map((d) => d.contrast.logRatio.value), 'log-ratio', level);
      betweenDraws = {
        difference: betweenDrawsEstimate(perDraw.map((d) => d.contrast.difference.value), 'difference', level),
        logRatio,
        ratio: exponentiated(logRatio),
      };
    }
    comparisons.push({ ...cell, inductionKey: induction.condition.key, randomKeys: draws.map((d) => d.condition.key), trials, perDraw, pooled, betweenDraws });
  }
  // One family per kind of p-value: every comparison of the study.
  const pooledHolm = holmAdjust(comparisons.map((c) => c.pooled.difference.pValue ?? NaN));
  const drawsHolm = holmAdjust(comparisons.map((c) => c.betweenDraws?.difference.pValue ?? NaN));
  return comparisons.map((c, i) => ({
    ...c,
    holm: { pooled: pooledHolm[i] ?? NaN, betweenDraws: c.betweenDraws ? (drawsHolm[i] ?? NaN) : null },
  }));
}
