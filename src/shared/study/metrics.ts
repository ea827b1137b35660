// Per-condition metrics from its probabilities rows[trial][position]:
// P(lag +1), P(lag -1), P(lag 0), asymmetry, peak lag, prompt mass, and the paired difference from
// the baseline (same trial index in both). Nothing assumes the curve peaks at +1.

import { at } from '../checked';
import { rowLength, summarize, lagCurve, CI_LEVEL } from './stats';
import { positionOfLag } from './trials';
import type { ConditionMetrics, Interval, LagCurve } from './types';

function interval(values: ArrayLike<number>, level: number): Interval {
  const { mean, ciLow, ciHigh } = summarize(values, level);
  return { value: mean, ciLow, ciHigh };
}

/** Per-trial probability at one lag. */
export function probabilitiesAtLag(rows: readonly ArrayLike<number>[], lag: number): Float64Array {
  const position = positionOfLag(lag, rowLength(rows));
  return Float64Array.from(rows, (row) => at(row, position));
}

/**
 * Per-trial probability on the prompt's tokens: positions 0..S-2, the N distinct tokens. The last
 * position repeats the lag-0 token, so it is left out to count that token once (mass <= 1).
 */
export function promptMasses(rows: readonly ArrayLike<number>[]): Float64Array {
  const seqLen = rowLength(rows);
  return Float64Array.from(rows, (row) => {
    let sum = 0;
    for (let s = 0; s < seqLen - 1; s++) sum += at(row, s);
    return sum;
  });
}

/**
 * Lag of the highest mean probability. Ties go to the earliest position, so lag 0 wins over the
 * last position (the same token id, hence always the same probability).
 */
export function peakLag(curve: LagCurve): number {
  let best = 0;
  curve.mean.forEach((m, i) => {
    if (m > at(curve.mean, best)) best = i;
  });
  return at(curve.lags, best);
}

/** Paired differences condition - baseline at one lag, over the first min(n, n_baseline) trials. */
export function pairedDifferences(
  rows: readonly ArrayLike<number>[],
  baselineRows: readonly ArrayLike<number>[],
  lag: number,
): Float64Array {
  const a = probabilitiesAtLag(rows, lag);
  const b = probabilitiesAtLag(baselineRows, lag);
  const n = Math.min(a.length, b.length);
  return Float64Array.from({ length: n }, (_, i) => at(a, i) - at(b, i));
}

/**
 * Metrics of one condition. rows[i] and baselineRows[i] must both be trial i (trials are paired);
 * pass null as baselineRows for the baseline itself. Intervals are t-based (`level`, default 95%).
 */
export function conditionMetrics(
  rows: readonly ArrayLike<number>[],
  baselineRows: readonly ArrayLike<number>[] | null,
  level = CI_LEVEL,
): ConditionMetrics {
  const pPlus1 = interval(probabilitiesAtLag(rows, 1), level);
  const pMinus1 = interval(probabilitiesAtLag(rows, -1), level);
  return {
    pPlus1,
    pMinus1,
    pZero: interval(probabilitiesAtLag(rows, 0), level),
    // Ratio of the trial means (not the mean of per-trial ratios, which tiny P(-1) values blow up);
    // Infinity or NaN when P(-1) is 0.
    asymmetry: pPlus1.value / pMinus1.value,
    peakLag: peakLag(lagCurve(rows, level)),
    promptMass: interval(promptMasses(rows), level),
    deltaPlus1: baselineRows === null ? null : interval(pairedDifferences(rows, baselineRows, 1), level),
  };
}

/**
 * A paired difference from baseline as a fraction of the baseline mean: delta / baseline (the
 * baseline mean taken as fixed). Null where there is no usable baseline (absent, 0 or NaN). The one
 * relative change every table, summary and report uses.
 */
export function relativeToBaseline(delta: number, baseline: number | null | undefined): number | null {
  return baseline ? delta / baseline : null;
}

/** A paired difference's value and CI bounds relative to the baseline mean (relativeToBaseline). */
export function relativeInterval(delta: Interval, baseline: number | null | undefined): Interval | null {
  if (!baseline) return null;
  return { value: delta.value / baseline, ciLow: delta.ciLow / baseline, ciHigh: delta.ciHigh / baseline };
}
