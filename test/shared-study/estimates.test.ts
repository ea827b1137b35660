// Interval estimates: paired differences and their p-values against scipy's values, the delta-method
// log ratio against a second formula (the SD of the per-trial linearisation a/ma - b/mb), coverage
// of 95% ratio intervals on skewed paired data, bounds a ratio interval must respect, Holm.

import { describe, expect, it } from 'vitest';
import {
  betweenDrawsEstimate,
  holmAdjust,
  meanEstimate,
  pairedContrast,
  pairedDifference,
  ratioOfMeans,
  relativeChangeOf,
  twoSidedP,
} from '../../src/shared/study/estimates';
import { createRng } from '../../src/shared/study/prng';
import { gaussian } from '../helpers/gaussian';

describe('p-values and t intervals', () => {
  it('matches scipy: 2·t.sf(|t|, df), down to the far tail', () => {
    // scipy.stats.t.sf, two-sided.
    const cases: [number, number, number][] = [
      [2.0, 10, 0.07338803477074037],
      [-0.3, 3, 0.783763292039919],
      [50, 299, 2.978583164338909e-147],
      [120, 299, 5.908702239896527e-255],
    ];
    let worst = 0;
    for (const [t, df, p] of cases) worst = Math.max(worst, Math.abs(twoSidedP(t, df) - p) / p);
    console.log(`two-sided p vs scipy: max relative difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-9);
    expect(twoSidedP(0, 5)).toBe(1);
    expect(twoSidedP(Infinity, 5)).toBe(0);
  });

  it('pairs trials: mean of differences, t(n-1) interval, paired t-test (a plain transcription agrees)', () => {
    const a = [0.61, 0.72, 0.55, 0.8, 0.67, 0.59];
    const b = [0.6, 0.7, 0.5, 0.79, 0.61, 0.58];
    const d = a.map((x, i) => x - (b[i] ?? NaN));
    const n = d.length;
    const m = d.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
    const t975 = 2.5705818356363146; // scipy.stats.t.ppf(0.975, 5)
    const e = pairedDifference(a, b);
    expect(e).toMatchObject({ method: 't-paired', scale: 'difference', n: 6, df: 5, level: 0.95 });
    expect(Math.abs(e.value - m)).toBeLessThan(1e-15);
    expect(Math.abs(e.ciLow - (m - (t975 * sd) / Math.sqrt(n)))).toBeLessThan(1e-12);
    expect(Math.abs(e.ciHigh - (m + (t975 * sd) / Math.sqrt(n)))).toBeLessThan(1e-12);
    expect(Math.abs((e.pValue ?? NaN) - twoSidedP(m / (sd / Math.sqrt(n)), 5))).toBeLessThan(1e-15);
    // Identical samples: no difference at all.
    expect(pairedDifference(a, a).pValue).toBe(1);
  });

  it('summarises draws with t over draws (df = D - 1) and tests differences only', () => {
    const e = betweenDrawsEstimate([0.1, 0.3, 0.2, 0.25, 0.15], 'difference');
    const sd = Math.sqrt(0.025 / 4);
    expect(e.value).toBeCloseTo(0.2, 15);
    expect(e.ciHigh - e.value).toBeCloseTo((2.7764451051977934 * sd) / Math.sqrt(5), 12); // t.ppf(0.975, 4)
    expect(e).toMatchObject({ method: 't-between-draws', n: 5, df: 4 });
    expect(e.pValue).toBeCloseTo(twoSidedP(0.2 / (sd / Math.sqrt(5)), 4), 15);
    expect(betweenDrawsEstimate([0.4, 0.5], 'probability').pValue).toBeNull();
    expect(Number.isNaN(betweenDrawsEstimate([0.4], 'probability').ciLow)).toBe(true);
  });
});

describe('ratio of paired means (delta method on the log ratio)', () => {
  it('equals the SD of the linearised per-trial values a/ma - b/mb, over √n', () => {
    const rng = createRng(8);
    const b = Array.from({ length: 60 }, () => 0.3 + 0.2 * rng.nextFloat());
    const a = b.map((x) => 0.5 * x + 0.05 * rng.nextFloat());
    const ma = a.reduce((s, x) => s + x, 0) / a.length;
    const mb = b.reduce((s, x) => s + x, 0) / b.length;
    const z = a.map((x, i) => x / ma - (b[i] ?? NaN) / mb);
    const mz = z.reduce((s, x) => s + x, 0) / z.length;
    const se = Math.sqrt(z.reduce((s, x) => s + (x - mz) ** 2, 0) / (z.length - 1) / z.length);
    const { ratio, logRatio } = ratioOfMeans(a, b);
    console.log(`delta-method SE vs linearisation: relative difference ${(Math.abs(logRatio.se - se) / se).toExponential(2)}`);
    expect(Math.abs(logRatio.se - se) / se).toBeLessThan(1e-12);
    expect(ratio.value).toBeCloseTo(ma / mb, 14);
    const t975 = 2.000995378088267; // scipy.stats.t.ppf(0.975, 59)
    expect(logRatio.ciLow).toBeCloseTo(Math.log(ma / mb) - t975 * se, 10);
    expect(ratio.ciHigh).toBeCloseTo(Math.exp(Math.log(ma / mb) + t975 * se), 10);
  });

  it('keeps a relative change above -100% where dividing the delta CI by the baseline does not', () => {
    // The demo's shape: P(+1) 0.76 at baseline, ~1e-3 after ablation, heavy right tail.
    const rng = createRng(3);
    const baseline = Array.from({ length: 300 }, () => Math.min(1, Math.max(0.01, 0.76 + 0.25 * gaussian(rng))));
    const ablated = baseline.map(() => 1e-4 * Math.exp(2.5 * gaussian(rng)));
    const contrast = pairedContrast(ablated, baseline, { a: 'ablated', b: 'baseline' });
    const relative = relativeChangeOf(contrast.ratio);
    const mb = baseline.reduce((s, x) => s + x, 0) / baseline.length;
    const naiveLow = contrast.difference.ciLow / mb; // the baseline mean treated as fixed
    console.log(`relative change ${relative.value.toFixed(5)} [${relative.ciLow.toFixed(5)}, ${relative.ciHigh.toFixed(5)}]; baseline-fixed low ${naiveLow.toFixed(5)}`);
    expect(naiveLow).toBeLessThan(-1);
    expect(relative.ciLow).toBeGreaterThan(-1);
    expect(relative.ciLow).toBeLessThan(relative.value);
    expect(relative.ciHigh).toBeGreaterThan(relative.value);
    expect(contrast.means.a / contrast.means.b - 1).toBeCloseTo(relative.value, 14);
  });

  it.each([
    [60, 0.92],
    [300, 0.935],
  ])('covers the true ratio of means at about the nominal 0.95 on skewed paired samples (n = %i)', (n, lowest) => {
    // a = b·L with L lognormal(mu, s) independent of b ~ lognormal(0, 0.5): E[a]/E[b] = exp(mu + s²/2).
    const rng = createRng(77 + n);
    const truth = Math.exp(-1 + 0.5 ** 2 / 2);
    const reps = 2000;
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      const b = Array.from({ length: n }, () => Math.exp(0.5 * gaussian(rng)));
      const a = b.map((x) => x * Math.exp(-1 + 0.5 * gaussian(rng)));
      const { ratio } = ratioOfMeans(a, b);
      if (ratio.ciLow <= truth && truth <= ratio.ciHigh) covered++;
    }
    console.log(`coverage of 95% delta-method ratio intervals, n = ${n}: ${((100 * covered) / reps).toFixed(1)}% over ${reps} samples`);
    expect(covered / reps).toBeGreaterThan(lowest);
    expect(covered / reps).toBeLessThan(0.97);
  });

  it('gives the value and a NaN interval when a mean is 0', () => {
    const { ratio } = ratioOfMeans([0.1, 0.2], [0, 0]);
    expect(ratio.value).toBe(Infinity);
    expect(Number.isNaN(ratio.ciLow)).toBe(true);
    expect(meanEstimate([0.5, 0.7]).value).toBeCloseTo(0.6, 15);
  });
});

describe('holmAdjust', () => {
  it('steps down through the sorted p-values and keeps the adjusted ones monotone', () => {
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expect(adjusted.map((p) => Number(p.toFixed(12)))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holmAdjust([0.5, NaN, 0.9]).map((p) => (Number.isNaN(p) ? 'NaN' : Number(p.toFixed(12))))).toEqual([1, 'NaN', 1]);
  });
});
