// Interval estimates over paired trials, the pieces every reported number is built from: a mean
// (t interval), a paired difference (t interval and paired t-test), a ratio of two paired means
// (delta method on the log ratio, so the interval can never cross 0), a mean over random draws
// (t over draws) and Holm's adjustment. Sums run in float64 and SDs in two passes.

import { at } from '../checked';
import { tCdf } from './distributions';
import { CI_LEVEL, tMultiplier } from './stats';
import type { Estimate, EstimateMethod, EstimateScale, PairedContrast } from './types';

/** Each method in words, for tooltips and table notes. */
export const ESTIMATE_METHODS: Readonly<Record<EstimateMethod, string>> = {
  't-mean': 'mean over trials; t interval (df = trials - 1)',
  't-paired': 'mean of per-trial differences; t interval (df = trials - 1); p: two-sided paired t-test',
  'delta-log-ratio':
    'ratio of two means over the same trials; interval on the log ratio by the delta method with the ' +
    'paired covariance, t quantile (df = trials - 1), exponentiated',
  't-between-draws': 'mean over random draws; t interval (df = draws - 1); p: two-sided one-sample t-test',
};

/**
 * Above this relative SE of either mean, a delta-method ratio interval is only a rough guide (its
 * first-order expansion of ln(mean) is no longer accurate); tables flag such ratios.
 */
export const RATIO_RELATIVE_SE_LIMIT = 0.2;

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += at(values, i);
  return sum / values.length;
}

/** Sample covariance (n - 1 denominator) of two equally long samples with known means. */
function covariance(a: ArrayLike<number>, meanA: number, b: ArrayLike<number>, meanB: number): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (at(a, i) - meanA) * (at(b, i) - meanB);
  return sum / (a.length - 1);
}

/** Two-sided p-value of a t statistic: 2 P(T_df > |t|), from the tail directly (no 1 - cdf). */
export function twoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

interface TOptions {
  method: EstimateMethod;
  scale: EstimateScale;
  /** Report the p-value of "mean = 0". */
  test: boolean;
  level: number;
}

/** mean ± t(1 - (1-level)/2, n-1) · SD/√n, with the t-test of mean = 0 when asked. */
function tEstimate(values: ArrayLike<number>, o: TOptions): Estimate {
  const n = values.length;
  const m = mean(values);
  const se = n < 2 ? NaN : Math.sqrt(covariance(values, m, values, m) / n);
  const half = tMultiplier(n, o.level) * se;
  // A sample without spread: no difference at all (p = 1), or a certain one (p = 0).
  const t = se === 0 ? (m === 0 ? 0 : Math.sign(m) * Infinity) : m / se;
  return {
    value: m,
    ciLow: m - half,
    ciHigh: m + half,
    level: o.level,
    method: o.method,
    scale: o.scale,
    n,
    df: n - 1,
    se,
    pValue: o.test ? twoSidedP(t, n - 1) : null,
  };
}

/** The mean of a per-trial quantity (a probability or a sum of them) with its t interval. */
export function meanEstimate(values: ArrayLike<number>, level = CI_LEVEL): Estimate {
  return tEstimate(values, { method: 't-mean', scale: 'probability', test: false, level });
}

/** Per-trial differences a[i] - b[i] (the first min(len) trials: trial i in both). */
export function differences(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: Math.min(a.length, b.length) }, (_, i) => at(a, i) - at(b, i));
}

function firstN(values: ArrayLike<number>, n: number): ArrayLike<number> {
  return values.length === n ? values : Float64Array.from({ length: n }, (_, i) => at(values, i));
}

/** mean(a - b) over paired trials with its t interval and the paired t-test. */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>, level = CI_LEVEL): Estimate {
  return tEstimate(differences(a, b), { method: 't-paired', scale: 'difference', test: true, level });
}

/**
 * mean(a) / mean(b) over paired trials (the first min(len) of each). ln R = ln(ma) - ln(mb) with
 * SE² = [va/ma² + vb/mb² - 2·cov(a,b)/(ma·mb)] / n (first-order delta method, sample (co)variances
 * with n - 1); interval ln R ± t(n-1)·SE, exponentiated for the ratio. Needs both means > 0;
 * otherwise the value is kept and the interval is NaN.
 */
export function ratioOfMeans(a: ArrayLike<number>, b: ArrayLike<number>, level = CI_LEVEL): { ratio: Estimate; logRatio: Estimate } {
  const n = Math.min(a.length, b.length);
  const x = firstN(a, n);
  const y = firstN(b, n);
  const ma = mean(x);
  const mb = mean(y);
  const logValue = Math.log(ma) - Math.log(mb);
  let se = NaN;
  if (ma > 0 && mb > 0 && n >= 2) {
    const va = covariance(x, ma, x, ma);
    const vb = covariance(y, mb, y, mb);
    const cab = covariance(x, ma, y, mb);
    // A quadratic form of the sample covariance matrix: >= 0 up to rounding.
    se = Math.sqrt(Math.max(0, (va / (ma * ma) + vb / (mb * mb) - (2 * cab) / (ma * mb)) / n));
  }
  const half = tMultiplier(n, level) * se;
  const base = { level, method: 'delta-log-ratio' as const, n, df: n - 1, se, pValue: null };
  const logRatio: Estimate = { ...base, scale: 'log-ratio', value: logValue, ciLow: logValue - half, ciHigh: logValue + half };
  const ratio: Estimate = { ...base, scale: 'ratio', value: ma / mb, ciLow: Math.exp(logRatio.ciLow), ciHigh: Math.exp(logRatio.ciHigh) };
  return { ratio, logRatio };
}

/** A and B on the same trials: their difference (paired t) and their ratio (delta method). */
export function pairedContrast(a: ArrayLike<number>, b: ArrayLike<number>, names: { a: string; b: string }, level = CI_LEVEL): PairedContrast {
  const n = Math.min(a.length, b.length);
  const [x, y] = [firstN(a, n), firstN(b, n)];
  const means = { a: mean(x), b: mean(y) };
  const relativeSe = (v: ArrayLike<number>, m: number) => Math.sqrt(covariance(v, m, v, m) / n) / Math.abs(m);
  const ratioRelativeSe = Math.max(relativeSe(x, means.a), relativeSe(y, means.b));
  return { ...names, means, ratioRelativeSe, difference: pairedDifference(a, b, level), ...ratioOfMeans(a, b, level) };
}

/** A ratio estimate minus 1: the relative change, with the same interval shifted. */
export function relativeChangeOf(ratio: Estimate): Estimate {
  return { ...ratio, scale: 'relative-change', value: ratio.value - 1, ciLow: ratio.ciLow - 1, ciHigh: ratio.ciHigh - 1 };
}

/** The mean over random draws of one value per draw, t over draws (df = D - 1); p for differences. */
export function betweenDrawsEstimate(perDraw: readonly number[], scale: EstimateScale, level = CI_LEVEL): Estimate {
  return tEstimate(perDraw, { method: 't-between-draws', scale, test: scale === 'difference', level });
}

/** exp of a log-ratio estimate: the ratio (for a mean of logs, the geometric mean) with its interval. */
export function exponentiated(logRatio: Estimate): Estimate {
  return {
    ...logRatio,
    scale: 'ratio',
    value: Math.exp(logRatio.value),
    ciLow: Math.exp(logRatio.ciLow),
    ciHigh: Math.exp(logRatio.ciHigh),
    pValue: null,
  };
}

/**
 * Holm's step-down adjustment: the i-th smallest of m p-values becomes
 * max over j <= i of min(1, (m - j + 1) · p_(j)). NaN entries stay NaN and do not count in m.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const order = pValues
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !Number.isNaN(p))
    .sort((x, y) => x.p - y.p || x.i - y.i);
  const adjusted = pValues.map(() => NaN);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (order.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
