// Descriptive statistics and condition metrics on small hand-checked matrices and on simulated
// samples: t-based intervals must cover the true mean 95% of the time even with 5 trials.

import { describe, expect, it } from 'vitest';
import { checkContiguityLags, conditionMetrics, massOverLags, maxContiguityLags, probabilitiesAtLag, promptMasses } from '../../src/shared/study/metrics';
import { resolveStatsOptions, studyStatistics } from '../../src/shared/study/study-statistics';
import { createRng } from '../../src/shared/study/prng';
import { gaussian } from '../helpers/gaussian';
import { at } from '../../src/shared/checked';
import { lagCurve, summarize, tMultiplier } from '../../src/shared/study/stats';

describe('summarize and lagCurve', () => {
  it('computes mean, SD (n-1), SEM and the t interval of a hand-checked sample', () => {
    const s = summarize([1, 2, 3, 4]);
    const sd = Math.sqrt(5 / 3);
    expect(s.mean).toBe(2.5);
    expect(s.sd).toBeCloseTo(sd, 15);
    expect(s.sem).toBeCloseTo(sd / 2, 15);
    expect(s.ciHigh).toBeCloseTo(2.5 + 3.1824463052837095 * (sd / 2), 12); // t(0.975, 3)
    expect(s.ciLow).toBeCloseTo(2.5 - 3.1824463052837095 * (sd / 2), 12);
    expect(tMultiplier(300)).toBeCloseTo(1.9679296690656698, 10);
  });

  it('reports NaN spread for one trial and refuses none', () => {
    const s = summarize([0.4]);
    expect(s.mean).toBe(0.4);
    expect([s.sd, s.sem, s.ciLow, s.ciHigh].every(Number.isNaN)).toBe(true);
    expect(() => summarize([])).toThrow(RangeError);
  });

  it('lagCurve agrees with a per-column summarize, with lags centred on the repeated token', () => {
    const rng = createRng(11);
    const rows = Array.from({ length: 30 }, () => Float32Array.from({ length: 7 }, () => rng.nextFloat() * 1e-4));
    const curve = lagCurve(rows);
    expect(curve.lags).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(curve.n).toBe(30);
    let worst = 0;
    for (let s = 0; s < 7; s++) {
      const column = summarize(rows.map((r) => at(r, s)));
      for (const [a, b] of [[at(curve.mean, s), column.mean], [at(curve.sd, s), column.sd], [at(curve.sem, s), column.sem], [at(curve.ciLow, s), column.ciLow], [at(curve.ciHigh, s), column.ciHigh]] as const) {
        worst = Math.max(worst, Math.abs(a - b) / Math.abs(b));
      }
    }
    console.log(`lagCurve vs summarize: max relative difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-12);
    expect(() => lagCurve([new Float32Array(3), new Float32Array(4)])).toThrow(/trial row 1 has 4 values/);
  });

  it('averages float32 rows in float64 (300 x 1e-5 + 1 would lose digits in float32)', () => {
    const rows = Array.from({ length: 300 }, (_, i) => Float32Array.of(i === 0 ? 1 : 1e-5, 0, 0));
    const exact = (1 + 299 * Math.fround(1e-5)) / 300;
    expect(Math.abs(at(lagCurve(rows).mean, 0) - exact) / exact).toBeLessThan(1e-14);
  });

  it('95% t intervals cover the true mean ~95% of the time with 5 trials (z would give ~88%)', () => {
    const rng = createRng(2024);
    const reps = 4000;
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      const sample = Array.from({ length: 5 }, () => 3 + 2 * gaussian(rng));
      const s = summarize(sample);
      if (s.ciLow <= 3 && 3 <= s.ciHigh) covered++;
    }
    const rate = covered / reps;
    console.log(`coverage of 95% t intervals, n = 5: ${(100 * rate).toFixed(1)}% over ${reps} samples`);
    expect(rate).toBeGreaterThan(0.935);
    expect(rate).toBeLessThan(0.965);
  });
});

describe('conditionMetrics', () => {
  // S = 9 (N = 8): positions 0..8 are lags -4..4; the last position repeats the lag-0 token.
  function row(values: Record<number, number>): Float32Array {
    const r = new Float32Array(9).fill(0.01);
    for (const [lag, v] of Object.entries(values)) r[Number(lag) + 4] = v;
    return r;
  }
  const options = resolveStatsOptions(7, { contiguityLags: 2, bootstrapResamples: 200 });

  it('reads P(+1), P(-1), P(0), asymmetry, contiguity and prompt mass at the right positions', () => {
    const rows = [row({ 1: 0.5, [-1]: 0.1, 0: 0.2, 2: 0.05, 4: 0.2 }), row({ 1: 0.3, [-1]: 0.1, 0: 0.05, [-2]: 0.02, 4: 0.05 })];
    const m = conditionMetrics(rows, null, options);
    expect(m.pPlus1.value).toBeCloseTo(0.4, 7);
    expect(m.pMinus1.value).toBeCloseTo(0.1, 7);
    expect(m.pZero.value).toBeCloseTo(0.125, 7);
    expect(m.asymmetry.difference.value).toBeCloseTo(0.3, 7);
    expect(m.asymmetry.ratio.value).toBeCloseTo(4, 6);
    expect(m.asymmetry.logRatio.value).toBeCloseTo(Math.log(4), 6);
    // Lags 1..2 against -2..-1.
    expect(m.contiguity?.forward.value).toBeCloseTo((0.55 + 0.31) / 2, 7);
    expect(m.contiguity?.backward.value).toBeCloseTo((0.11 + 0.12) / 2, 7);
    expect(m.contiguity?.lags).toBe(2);
    expect(m.peakLag.lag).toBe(1);
    // Positions 0..7 only: the last one is the lag-0 token again.
    const masses = promptMasses(rows);
    expect(masses[0]).toBeCloseTo(0.04 + 0.5 + 0.1 + 0.2 + 0.05, 6);
    expect(masses[1]).toBeCloseTo(0.03 + 0.3 + 0.1 + 0.05 + 0.02 + 0.01, 6);
    expect(m.promptMass.value).toBeCloseTo((0.89 + 0.51) / 2, 6);
    expect(m.vsBaseline).toBeNull();
    expect(m.pPlus1.ciLow).toBeLessThan(0.4);
    expect(m.pPlus1.ciHigh).toBeGreaterThan(0.4);
    expect(massOverLags(rows, -1, 1)[0]).toBeCloseTo(0.8, 6);
  });

  it('finds a peak away from +1, leaves lag 0 out by default and never reports the last position', () => {
    const rows = [row({ [-2]: 0.3, 1: 0.1 }), row({ [-2]: 0.25, 1: 0.12 })];
    expect(conditionMetrics(rows, null, options).peakLag).toMatchObject({ lag: -2, excludesLagZero: true });
    // Lag 0 and the last position always tie (same token).
    const echo = [row({ 0: 0.4, 4: 0.4, 2: 0.2 }), row({ 0: 0.5, 4: 0.5, 2: 0.1 })];
    expect(conditionMetrics(echo, null, options).peakLag.lag).toBe(2);
    expect(conditionMetrics(echo, null, { ...options, peakExcludesLagZero: false }).peakLag.lag).toBe(0);
  });

  it('pairs trials: the difference CI comes from per-trial differences, tighter than unpaired', () => {
    const rng = createRng(5);
    const baseline = Array.from({ length: 40 }, () => row({ 1: 0.2 + 0.15 * rng.nextFloat() }));
    const ablated = baseline.map((r) => row({ 1: (r[5] ?? NaN) - 0.05 + 0.002 * (rng.nextFloat() - 0.5) }));
    const m = conditionMetrics(ablated, baseline, options);
    const diffs = Array.from(probabilitiesAtLag(ablated, 1), (x, i) => x - (probabilitiesAtLag(baseline, 1)[i] ?? NaN));
    const direct = summarize(diffs);
    const vs = m.vsBaseline;
    expect(vs?.difference.value).toBeCloseTo(direct.mean, 12);
    expect(vs?.difference.ciLow).toBeCloseTo(direct.ciLow, 12);
    expect(vs?.difference.value).toBeCloseTo(-0.05, 3);
    expect(vs?.relativeChange.value).toBeCloseTo(m.pPlus1.value / conditionMetrics(baseline, null, options).pPlus1.value - 1, 12);
    const pairedWidth = (vs?.difference.ciHigh ?? NaN) - (vs?.difference.ciLow ?? NaN);
    const base = conditionMetrics(baseline, null, options).pPlus1;
    const unpairedWidth = m.pPlus1.ciHigh - m.pPlus1.ciLow + (base.ciHigh - base.ciLow);
    console.log(`paired CI width ${pairedWidth.toExponential(2)} vs unpaired ~${unpairedWidth.toExponential(2)}`);
    expect(pairedWidth * 20).toBeLessThan(unpairedWidth);
  });

  it('refuses contiguity lags the prompt does not have, naming the setting', () => {
    const rows = [row({ 1: 0.5 })];
    expect(() => conditionMetrics(rows, null, { ...options, contiguityLags: 4 })).toThrow(
      'stats.contiguityLags: must be an integer from 1 to 3 for prompts of 9 tokens (lags -4..3 besides the repeated last token), got 4',
    );
    expect(() => checkContiguityLags(3, 9)).not.toThrow();
  });
});

describe('contiguity lags and prompt length', () => {
  const conditions = [{ key: 'baseline', headType: 'none', mode: 'zero', layerRange: 'full', count: 0, draw: 0 }] as const;
  const rowsOf = (seqLen: number) => [[Float32Array.from({ length: seqLen }, (_, s) => 0.01 + s / 100), Float32Array.from({ length: seqLen }, () => 0.02)]];

  it('shrinks the default k to what short prompts allow, and has none for 2-token prompts', () => {
    const short = studyStatistics({ conditions, rows: rowsOf(9), seed: 1 }, { bootstrapResamples: 10 });
    expect(short.options.contiguityLags).toBe(3);
    expect(short.conditions[0]?.metrics?.contiguity?.lags).toBe(3);
    expect(maxContiguityLags(501)).toBe(249);
    const tiny = studyStatistics({ conditions, rows: rowsOf(3), seed: 1 }, { bootstrapResamples: 10 });
    expect(tiny.options.contiguityLags).toBe(0);
    expect(tiny.conditions[0]?.metrics?.contiguity).toBeNull();
  });

  it('refuses a k that was asked for and does not fit, naming the setting', () => {
    expect(() => studyStatistics({ conditions, rows: rowsOf(9), seed: 1 }, { contiguityLags: 5 })).toThrow(
      'stats.contiguityLags: must be an integer from 1 to 3 for prompts of 9 tokens',
    );
    expect(() => resolveStatsOptions(1, { contiguityLags: 0 })).toThrow('stats.contiguityLags: must be a positive integer, got 0');
  });
});
