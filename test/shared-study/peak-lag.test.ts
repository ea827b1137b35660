// The peak-lag bootstrap: the pruned search finds exactly the peak a brute-force pass over every lag
// finds, in every resample (sharp, flat and near-tied curves); resamples are reproducible from the
// seed, shared by conditions, and the confidence set is the fewest lags reaching the level.

import { describe, expect, it } from 'vitest';
import { peakLagEstimate, peakPositions, resampleCounts } from '../../src/shared/study/peak-lag';
import { createRng } from '../../src/shared/study/prng';
import { lagOf } from '../../src/shared/study/trials';

const S = 41;
const N = 50;

function curveRows(seed: number, shape: (lag: number) => number, noise: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: N }, () =>
    Float32Array.from({ length: S }, (_, s) => Math.max(0, shape(lagOf(s, S)) * (1 + noise * (rng.nextFloat() - 0.5)))),
  );
}

/** Every lag's resample mean, then the first maximum: a plain transcription of the definition. */
function bruteForceShares(rows: readonly Float32Array[], resamples: number, seed: number): Map<number, number> {
  const positions = peakPositions(S, true);
  const wins = new Map<number, number>();
  for (let b = 0; b < resamples; b++) {
    const counts = resampleCounts(seed, b, rows.length);
    let best = -Infinity;
    let bestLag = NaN;
    for (const s of positions) {
      let sum = 0;
      rows.forEach((row, t) => (sum += (counts[t] ?? NaN) * (row[s] ?? NaN)));
      if (sum / rows.length > best) {
        best = sum / rows.length;
        bestLag = lagOf(s, S);
      }
    }
    wins.set(bestLag, (wins.get(bestLag) ?? 0) + 1);
  }
  return wins;
}

const shapes: [string, (lag: number) => number, number][] = [
  ['sharp +1 peak', (lag) => (lag === 1 ? 0.7 : 1e-3), 0.8],
  ['flat', () => 1e-3, 1.5],
  ['two near-tied peaks', (lag) => (lag === 1 ? 0.2 : lag === -3 ? 0.199 : 1e-3), 1.0],
];

describe('peakLagEstimate', () => {
  it.each(shapes)('matches a brute-force search in every resample: %s', (_name, shape, noise) => {
    const rows = curveRows(11, shape, noise);
    const estimate = peakLagEstimate(rows, { excludeLagZero: true, resamples: 300, seed: 5, level: 0.95 });
    const brute = bruteForceShares(rows, 300, 5);
    expect(new Map(estimate.shares.map((s) => [s.lag, Math.round(s.share * 300)]))).toEqual(brute);
    console.log(`${_name}: peak ${estimate.lag} (share ${estimate.share}), ${estimate.shares.length} lags won a resample, set ${estimate.confidenceSet.length}`);
  });

  it('draws resamples from the seed: same seed, same shares; another seed, other resamples', () => {
    const rows = curveRows(12, () => 1e-3, 1.5);
    const o = { excludeLagZero: true, resamples: 200, seed: 9, level: 0.95 };
    expect(peakLagEstimate(rows, o)).toEqual(peakLagEstimate(rows, o));
    expect(peakLagEstimate(rows, { ...o, seed: 10 }).shares).not.toEqual(peakLagEstimate(rows, o).shares);
    const counts = resampleCounts(9, 3, 50);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(50);
    expect(resampleCounts(9, 3, 50)).toEqual(counts);
  });

  it('reports the fewest lags whose shares reach the level, by share', () => {
    const rows = curveRows(13, (lag) => (lag === 1 ? 0.2 : lag === -3 ? 0.199 : 1e-3), 1.0);
    const e = peakLagEstimate(rows, { excludeLagZero: true, resamples: 400, seed: 2, level: 0.95 });
    const sorted = [...e.shares].sort((a, b) => b.share - a.share || a.lag - b.lag);
    expect(e.shares).toEqual(sorted);
    const inSet = e.shares.filter((s) => e.confidenceSet.includes(s.lag));
    const covered = inSet.reduce((a, s) => a + s.share, 0);
    expect(covered).toBeGreaterThanOrEqual(0.95 - 1e-12);
    expect(covered - (inSet.at(-1)?.share ?? 0)).toBeLessThan(0.95);
    expect(e.confidenceSet.slice().sort((a, b) => a - b)).toEqual([-3, 1]);
  });

  it('never picks lag 0 when excluded, nor ever the last position (the lag-0 token again)', () => {
    const rows = curveRows(14, (lag) => (lag === 0 || lag === lagOf(S - 1, S) ? 0.9 : 1e-3), 0.5);
    const without = peakLagEstimate(rows, { excludeLagZero: true, resamples: 100, seed: 1, level: 0.95 });
    expect(without.shares.some((s) => s.lag === 0 || s.lag === lagOf(S - 1, S))).toBe(false);
    const withZero = peakLagEstimate(rows, { excludeLagZero: false, resamples: 100, seed: 1, level: 0.95 });
    expect(withZero).toMatchObject({ lag: 0, share: 1, confidenceSet: [0] });
  });
});
