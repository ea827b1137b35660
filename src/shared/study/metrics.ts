// Per-condition metrics (README: Statistics) from its probabilities rows[trial][position]: P(+1), P(-1),
// P(0) and prompt mass with t intervals; asymmetry and forward/backward contiguity as paired
// contrasts (difference and ratio); the peak lag with bootstrap shares; and the paired contrast
// with the baseline (same trial index in both). Nothing assumes the curve peaks at +1.

import { InputError } from '../errors';
import { at } from '../checked';
import { meanEstimate, pairedContrast, relativeChangeOf } from './estimates';
import { peakLagEstimate, type BootstrapResamples } from './peak-lag';
import { rowLength } from './stats';
import { lagOf, positionOfLag } from './trials';
import type { BaselineContrast, ConditionMetrics, ContiguityContrast, StatsOptions } from './types';

/** Per-trial probability at one lag. */
export function probabilitiesAtLag(rows: readonly ArrayLike<number>[], lag: number): Float64Array {
  const position = positionOfLag(lag, rowLength(rows));
  return Float64Array.from(rows, (row) => at(row, position));
}

/** Per-trial sum of the probabilities at lags from..to (inclusive). */
export function massOverLags(rows: readonly ArrayLike<number>[], from: number, to: number): Float64Array {
  const seqLen = rowLength(rows);
  const first = positionOfLag(from, seqLen);
  const last = positionOfLag(to, seqLen);
  return Float64Array.from(rows, (row) => {
    let sum = 0;
    for (let s = first; s <= last; s++) sum += at(row, s);
    return sum;
  });
}

/**
 * Per-trial probability on the prompt's tokens: positions 0..S-2, the N distinct tokens. The last
 * position repeats the lag-0 token, so it is left out to count that token once (mass <= 1).
 */
export function promptMasses(rows: readonly ArrayLike<number>[]): Float64Array {
  const seqLen = rowLength(rows);
  return massOverLags(rows, lagOf(0, seqLen), lagOf(seqLen - 2, seqLen));
}

/** The largest k with lags -k..+k in prompts of S tokens, short of the last position (the lag-0 token again). */
export function maxContiguityLags(seqLen: number): number {
  return Math.max(0, Math.min(-lagOf(0, seqLen), lagOf(seqLen - 2, seqLen)));
}

/** Checks that k fits prompts of S tokens (maxContiguityLags); InputError naming `stats.contiguityLags`. */
export function checkContiguityLags(k: number, seqLen: number): void {
  const most = maxContiguityLags(seqLen);
  if (!Number.isInteger(k) || k < 1 || k > most) {
    const range = `lags ${lagOf(0, seqLen)}..${lagOf(seqLen - 2, seqLen)} besides the repeated last token`;
    throw new InputError('stats.contiguityLags', `must be an integer from 1 to ${most} for prompts of ${seqLen} tokens (${range}), got ${k}`);
  }
}

/** Forward mass (lags +1..+k) against backward mass (lags -1..-k), per trial. */
export function contiguity(rows: readonly ArrayLike<number>[], k: number, level: number): ContiguityContrast {
  checkContiguityLags(k, rowLength(rows));
  const forward = massOverLags(rows, 1, k);
  const backward = massOverLags(rows, -k, -1);
  return {
    ...pairedContrast(forward, backward, { a: `P(+1..+${k})`, b: `P(-${k}..-1)` }, level),
    lags: k,
    forward: meanEstimate(forward, level),
    backward: meanEstimate(backward, level),
  };
}

/** P(+1) of a condition against the baseline's, over the trials both have (trial i in both). */
export function baselineContrast(
  rows: readonly ArrayLike<number>[],
  baselineRows: readonly ArrayLike<number>[],
  level: number,
): BaselineContrast {
  const contrast = pairedContrast(probabilitiesAtLag(rows, 1), probabilitiesAtLag(baselineRows, 1), { a: 'P(+1)', b: 'baseline P(+1)' }, level);
  return { ...contrast, relativeChange: relativeChangeOf(contrast.ratio) };
}

/**
 * Metrics of one condition. rows[i] and baselineRows[i] must both be trial i (trials are paired);
 * pass null as baselineRows for the baseline itself. `shared`: bootstrap resamples drawn already.
 */
export function conditionMetrics(
  rows: readonly ArrayLike<number>[],
  baselineRows: readonly ArrayLike<number>[] | null,
  options: StatsOptions,
  shared?: BootstrapResamples,
): ConditionMetrics {
  const { level } = options;
  const plus1 = probabilitiesAtLag(rows, 1);
  const minus1 = probabilitiesAtLag(rows, -1);
  return {
    trials: rows.length,
    pPlus1: meanEstimate(plus1, level),
    pMinus1: meanEstimate(minus1, level),
    pZero: meanEstimate(probabilitiesAtLag(rows, 0), level),
    promptMass: meanEstimate(promptMasses(rows), level),
    asymmetry: pairedContrast(plus1, minus1, { a: 'P(+1)', b: 'P(-1)' }, level),
    // k = 0: prompts too short for any (2 tokens), see studyStatistics.
    contiguity: options.contiguityLags > 0 ? contiguity(rows, options.contiguityLags, level) : null,
    peakLag: peakLagEstimate(rows, {
      excludeLagZero: options.peakExcludesLagZero,
      resamples: options.bootstrapResamples,
      seed: options.bootstrapSeed,
      level,
      shared,
    }),
    vsBaseline: baselineRows === null ? null : baselineContrast(rows, baselineRows, level),
  };
}
