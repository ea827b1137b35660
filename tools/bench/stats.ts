// Order statistics for noisy timings: medians and 10th/90th percentiles over repeated runs (never
// single numbers), and ratios that tolerate a missing denominator. Pure, so the tests pin them.

import { at } from '../../src/shared/checked';

export interface Distribution {
  n: number;
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
  mean: number;
}

/**
 * The q-quantile of ascending `sorted` by linear interpolation between closest ranks (numpy's
 * default, R's type 7): with 5 samples p10 lies between the smallest two.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no samples');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile level must be in [0, 1], got ${q}`);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return at(sorted, lo) + (at(sorted, hi) - at(sorted, lo)) * (pos - lo);
}

export function distribution(samples: readonly number[]): Distribution {
  if (samples.length === 0) throw new RangeError('distribution of no samples');
  if (samples.some((x) => !Number.isFinite(x))) throw new RangeError('distribution of a non-finite sample');
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p10: quantile(sorted, 0.1),
    p90: quantile(sorted, 0.9),
    min: at(sorted, 0),
    max: at(sorted, sorted.length - 1),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

/** a / b, or null when b is not a positive finite number (a ratio to nothing is no ratio). */
export function ratio(a: number, b: number): number | null {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : null;
}

/** Rounds for a report (keeps JSON readable; timings carry no more digits than this anyway). */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function roundDistribution(d: Distribution, digits = 3): Distribution {
  return {
    n: d.n,
    median: round(d.median, digits),
    p10: round(d.p10, digits),
    p90: round(d.p90, digits),
    min: round(d.min, digits),
    max: round(d.max, digits),
    mean: round(d.mean, digits),
  };
}
