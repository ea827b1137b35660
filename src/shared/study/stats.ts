// Descriptive statistics over trials: mean, SD (n-1), SEM and a t-based confidence interval, for a
// list of values and per lag for a trials x S matrix of probabilities. Sums run in float64 even when
// the rows are Float32Array; SD uses two passes (mean first), which is exact enough for 1e-5 values.

import { at } from '../checked';
import { tQuantile } from './distributions';
import type { LagCurve } from './types';
import { lags } from './trials';

export const CI_LEVEL = 0.95;

export interface Summary {
  n: number;
  mean: number;
  /** Sample SD (n-1 denominator); NaN when n < 2. */
  sd: number;
  /** sd / sqrt(n); NaN when n < 2. */
  sem: number;
  /** mean ± t(1-(1-level)/2, n-1) * sem; NaN when n < 2. */
  ciLow: number;
  ciHigh: number;
}

/** Half-width multiplier of a two-sided `level` interval with n observations: t(1-(1-level)/2, n-1). */
export function tMultiplier(n: number, level = CI_LEVEL): number {
  return n < 2 ? NaN : tQuantile(1 - (1 - level) / 2, n - 1);
}

/** Mean, SD, SEM and CI of a sample (n >= 1). */
export function summarize(values: ArrayLike<number>, level = CI_LEVEL): Summary {
  const n = values.length;
  if (n === 0) throw new RangeError('cannot summarize an empty sample');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += at(values, i);
  const mean = sum / n;
  if (n < 2) return { n, mean, sd: NaN, sem: NaN, ciLow: NaN, ciHigh: NaN };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (at(values, i) - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const sem = sd / Math.sqrt(n);
  const half = tMultiplier(n, level) * sem;
  return { n, mean, sd, sem, ciLow: mean - half, ciHigh: mean + half };
}

/** Row length shared by all rows (S); throws on an empty or ragged matrix. */
export function rowLength(rows: readonly ArrayLike<number>[]): number {
  const [firstRow] = rows;
  if (!firstRow) throw new RangeError('no trials');
  const seqLen = firstRow.length;
  rows.forEach((row, i) => {
    if (row.length !== seqLen) throw new RangeError(`trial row ${i} has ${row.length} values, expected ${seqLen}`);
  });
  return seqLen;
}

/** Per-lag statistics of probabilities `rows[trial][position]` (trials x S). */
export function lagCurve(rows: readonly ArrayLike<number>[], level = CI_LEVEL): LagCurve {
  const seqLen = rowLength(rows);
  const n = rows.length;
  const mean = new Float64Array(seqLen);
  for (const row of rows) for (let s = 0; s < seqLen; s++) mean[s] = at(mean, s) + at(row, s);
  for (let s = 0; s < seqLen; s++) mean[s] = at(mean, s) / n;
  const ss = new Float64Array(seqLen);
  for (const row of rows) for (let s = 0; s < seqLen; s++) ss[s] = at(ss, s) + (at(row, s) - at(mean, s)) ** 2;
  const multiplier = tMultiplier(n, level);
  const curve: LagCurve = { lags: lags(seqLen), mean: [], sd: [], sem: [], ciLow: [], ciHigh: [], n };
  mean.forEach((m, s) => {
    const sd = n < 2 ? NaN : Math.sqrt(at(ss, s) / (n - 1));
    const sem = sd / Math.sqrt(n);
    curve.mean.push(m);
    curve.sd.push(sd);
    curve.sem.push(sem);
    curve.ciLow.push(m - multiplier * sem);
    curve.ciHigh.push(m + multiplier * sem);
  });
  return curve;
}
