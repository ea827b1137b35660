// Descriptive statistics and condition metrics on small hand-checked matrices and on simulated
// samples: t-based intervals must cover the true mean 95% of the time even with 5 trials.

import { describe, expect, it } from 'vitest';
import { conditionMetrics, pairedDifferences, peakLag, promptMasses, relativeInterval, relativeToBaseline } from '../../src/shared/study/metrics';
import { createRng, type Rng } from '../../src/shared/study/prng';
import { lagCurve, summarize, tMultiplier } from '../../src/shared/study/stats';
import { at } from '../../src/shared/checked';

function gaussian(rng: Rng): number {
  // Box-Muller on two (0, 1] uniforms.
  const u = 1 - rng.nextFloat();
  const v = rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

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
  // S = 7 (N = 6): positions 0..6 are lags -3..3; the last position repeats the lag-0 token.
  function row(values: Record<number, number>): Float32Array {
    const r = new Float32Array(7).fill(0.01);
    for (const [lag, v] of Object.entries(values)) r[Number(lag) + 3] = v;
    return r;
  }

  it('reads P(+1), P(-1), P(0), asymmetry and prompt mass at the right positions', () => {
    const rows = [row({ 1: 0.5, [-1]: 0.1, 0: 0.2, 3: 0.2 }), row({ 1: 0.3, [-1]: 0.1, 0: 0.05, 3: 0.05 })];
    const m = conditionMetrics(rows, null);
    expect(m.pPlus1.value).toBeCloseTo(0.4, 7);
    expect(m.pMinus1.value).toBeCloseTo(0.1, 7);
    expect(m.pZero.value).toBeCloseTo(0.125, 7);
    expect(m.asymmetry).toBeCloseTo(4, 6);
    expect(m.peakLag).toBe(1);
    // Positions 0..5 only: the last one is the lag-0 token again.
    const masses = promptMasses(rows);
    expect(masses[0]).toBeCloseTo(0.03 + 0.5 + 0.1 + 0.2, 6);
    expect(masses[1]).toBeCloseTo(0.03 + 0.3 + 0.1 + 0.05, 6);
    expect(m.promptMass.value).toBeCloseTo((0.83 + 0.48) / 2, 6);
    expect(m.deltaPlus1).toBeNull();
    expect(m.pPlus1.ciLow).toBeLessThan(0.4);
    expect(m.pPlus1.ciHigh).toBeGreaterThan(0.4);
  });

  it('finds a peak away from +1 (flat or shifted curves)', () => {
    const rows = [row({ [-2]: 0.3, 1: 0.1 }), row({ [-2]: 0.25, 1: 0.12 })];
    expect(conditionMetrics(rows, null).peakLag).toBe(-2);
    // Lag 0 and the last position always tie (same token): the earlier position is reported.
    expect(peakLag(lagCurve([row({ 0: 0.4, 3: 0.4 })]))).toBe(0);
  });

  it('pairs trials: the difference CI comes from per-trial differences, tighter than unpaired', () => {
    const rng = createRng(5);
    const baseline = Array.from({ length: 40 }, () => row({ 1: 0.2 + 0.15 * rng.nextFloat() }));
    const ablated = baseline.map((r) => row({ 1: at(r, 4) - 0.05 + 0.002 * (rng.nextFloat() - 0.5) }));
    const m = conditionMetrics(ablated, baseline);
    const diffs = Array.from(pairedDifferences(ablated, baseline, 1));
    const direct = summarize(diffs);
    const delta = m.deltaPlus1;
    if (!delta) throw new Error('a condition with a baseline has a paired difference');
    expect(delta.value).toBeCloseTo(direct.mean, 12);
    expect(delta.ciLow).toBeCloseTo(direct.ciLow, 12);
    expect(delta.value).toBeCloseTo(-0.05, 3);
    const pairedWidth = delta.ciHigh - delta.ciLow;
    const unpairedWidth = m.pPlus1.ciHigh - m.pPlus1.ciLow + (conditionMetrics(baseline, null).pPlus1.ciHigh - conditionMetrics(baseline, null).pPlus1.ciLow);
    console.log(`paired CI width ${pairedWidth.toExponential(2)} vs unpaired ~${unpairedWidth.toExponential(2)}`);
    expect(pairedWidth * 20).toBeLessThan(unpairedWidth);
  });
});

describe('relativeToBaseline', () => {
  it('is delta / baseline, null without a usable baseline', () => {
    expect(relativeToBaseline(-0.1, 0.4)).toBeCloseTo(-0.25, 15);
    for (const baseline of [0, NaN, null, undefined]) expect(relativeToBaseline(-0.1, baseline)).toBeNull();
    const r = relativeInterval({ value: -0.1, ciLow: -0.12, ciHigh: -0.08 }, 0.4);
    expect(r?.value).toBeCloseTo(-0.25, 15);
    expect(r?.ciLow).toBeCloseTo(-0.3, 15);
    expect(r?.ciHigh).toBeCloseTo(-0.2, 15);
    expect(relativeInterval({ value: -0.1, ciLow: -0.12, ciHigh: -0.08 }, 0)).toBeNull();
  });
});
