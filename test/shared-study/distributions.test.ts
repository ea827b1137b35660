// Student's t quantile and CDF against references computed with mpmath at 40 digits (bisection on
// mpmath.betainc, p taken as its exact double; each written as the shortest decimal of its nearest
// double), and against printed t-table values.

import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, regularizedIncompleteBeta, tCdf, tQuantile } from '../../src/shared/study/distributions';

// [p, df, t] with P(T <= t) = p.
const QUANTILES: [number, number, number][] = [
  [0.6, 1, 0.32491969623290623],
  [0.9, 1, 3.077683537175254],
  [0.975, 1, 12.706204736174692],
  [0.995, 1, 63.656741162871526],
  [0.9999, 1, 3183.0987571185015],
  [0.6, 2, 0.2886751345948128],
  [0.9, 2, 1.885618083164127],
  [0.975, 2, 4.302652729749462],
  [0.995, 2, 9.92484320091829],
  [0.9999, 2, 70.70007107496818],
  [0.6, 3, 0.27667066233268983],
  [0.9, 3, 1.6377443536962104],
  [0.975, 3, 3.182446305283708],
  [0.995, 3, 5.840909309733355],
  [0.9999, 3, 22.203742273205002],
  [0.6, 4, 0.27072229470759734],
  [0.9, 4, 1.5332062740589441],
  [0.975, 4, 2.7764451051977934],
  [0.995, 4, 4.604094871349992],
  [0.9999, 4, 13.033671720896821],
  [0.6, 5, 0.26718086570414507],
  [0.9, 5, 1.4758840488244813],
  [0.975, 5, 2.5705818356363146],
  [0.995, 5, 4.032142983555227],
  [0.9999, 5, 9.677566300882814],
  [0.6, 7, 0.2631668613520228],
  [0.9, 7, 1.4149239276505086],
  [0.975, 7, 2.364624251592785],
  [0.995, 7, 3.4994832973504932],
  [0.9999, 7, 7.063432828157639],
  [0.6, 10, 0.26018482949208016],
  [0.9, 10, 1.3721836411103359],
  [0.975, 10, 2.2281388519862744],
  [0.995, 10, 3.169272672616951],
  [0.9999, 10, 5.693820101457592],
  [0.6, 30, 0.2556053649519127],
  [0.9, 30, 1.3104150253913958],
  [0.975, 30, 2.0422724563012378],
  [0.995, 30, 2.749995653567225],
  [0.9999, 30, 4.23398595727206],
  [0.6, 100, 0.2540221824582278],
  [0.9, 100, 1.290074761346516],
  [0.975, 100, 1.9839715185235518],
  [0.995, 100, 2.6258905214380177],
  [0.9999, 100, 3.8615997909500908],
  [0.6, 299, 0.25357264712755984],
  [0.9, 299, 1.2843893481333424],
  [0.975, 299, 1.9679296690656696],
  [0.995, 299, 2.5923718841194776],
  [0.9999, 299, 3.7656503819844827],
  [0.6, 1000, 0.2534145158394987],
  [0.9, 1000, 1.2823987214609247],
  [0.975, 1000, 1.9623390808264081],
  [0.995, 1000, 2.5807546980659506],
  [0.9999, 1000, 3.732851604575396],
  [0.6, 100000, 0.2533477771571799],
  [0.9, 100000, 1.2815600314493611],
  [0.975, 100000, 1.9599877075346093],
  [0.995, 100000, 2.575878469908375],
  [0.9999, 100000, 3.719154382641372],
  [0.6, 2.5, 0.2814595127485476],
  [0.9, 2.5, 1.7302509288071768],
  [0.975, 2.5, 3.5746548420036817],
  [0.995, 2.5, 7.163728138948783],
  [0.9999, 2.5, 34.86796932111631],
  [0.6, 0.5, 0.39797542678479059],
  [0.9, 0.5, 10.270324410234512],
  [0.975, 0.5, 164.55767348048823],
  [0.995, 0.5, 4113.964588804174],
  [0.9999, 0.5, 10284911.563165652],
  [0.6, Infinity, 0.2533471031357997],
  [0.975, Infinity, 1.9599639845400538],
  [0.9999, Infinity, 3.7190164854557084],
  [0.999999999, Infinity, 5.9978070196016375],
];

const CDFS: [number, number, number][] = [
  [2.0, 3, 0.9303370157205784],
  [-1.5, 7, 0.08864924349498501],
  [0.3, 1, 0.5927735790777423],
  [4.0, 30, 0.9998090771819581],
  [-2.5, 2.5, 0.05228498153907769],
];

function relErr(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe('tQuantile', () => {
  it('matches the t table (4 decimals) at the 95% two-sided point', () => {
    const table: [number, number][] = [[1, 12.7062], [2, 4.3027], [5, 2.5706], [10, 2.2281], [30, 2.0423], [299, 1.9679], [Infinity, 1.96]];
    for (const [df, t] of table) expect(tQuantile(0.975, df)).toBeCloseTo(t, 4);
  });

  it('matches mpmath to 1e-9 relative for df from 0.5 to infinity and p up to 1 - 1e-9', () => {
    let worst = 0;
    for (const [p, df, t] of QUANTILES) {
      const err = relErr(tQuantile(p, df), t);
      worst = Math.max(worst, err);
      expect(err, `p=${p} df=${df}`).toBeLessThan(1e-9);
    }
    console.log(`tQuantile: max relative error vs mpmath ${worst.toExponential(2)} over ${QUANTILES.length} points`);
  });

  it('is antisymmetric, 0 at the median, and rejects p outside (0, 1) and df <= 0', () => {
    expect(tQuantile(0.025, 10)).toBeCloseTo(-tQuantile(0.975, 10), 14);
    expect(tQuantile(0.5, 7)).toBe(0);
    expect(() => tQuantile(1, 5)).toThrow(RangeError);
    expect(() => tQuantile(0, 5)).toThrow(RangeError);
    expect(() => tQuantile(0.9, 0)).toThrow(RangeError);
  });

  it('inverts tCdf', () => {
    for (const df of [1.5, 3, 8, 41, 250]) {
      for (const p of [0.01, 0.3, 0.8, 0.999]) expect(tCdf(tQuantile(p, df), df)).toBeCloseTo(p, 12);
    }
  });
});

describe('tCdf, normal and incomplete beta', () => {
  it('tCdf matches mpmath', () => {
    let worst = 0;
    for (const [t, df, p] of CDFS) {
      const err = relErr(tCdf(t, df), p);
      worst = Math.max(worst, err);
      expect(err, `t=${t} df=${df}`).toBeLessThan(1e-12);
    }
    console.log(`tCdf: max relative error vs mpmath ${worst.toExponential(2)}`);
  });

  it('normal CDF and quantile agree with known values', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(0)).toBeCloseTo(0.5, 15);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 15);
    expect(relErr(normalQuantile(0.975), 1.959963984540054)).toBeLessThan(1.2e-9);
    expect(relErr(normalQuantile(1e-6), -4.753424308822899)).toBeLessThan(1.2e-9);
  });

  it('incomplete beta has its closed forms: I_x(1, 1) = x and I_x(a, 1) = x^a', () => {
    for (const x of [0.1, 0.5, 0.93]) {
      expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 14);
      expect(regularizedIncompleteBeta(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 14);
    }
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });
});
