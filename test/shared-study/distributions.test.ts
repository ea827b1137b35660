// Student's t quantile and CDF against references computed with mpmath at 40 digits (bisection on
// mpmath.betainc, p taken as its exact double), and against the printed table values the brief lists.

import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, regularizedIncompleteBeta, tCdf, tQuantile } from '../../src/shared/study/distributions';

// [p, df, t] with P(T <= t) = p.
const QUANTILES: [number, number, number][] = [
  [0.6, 1, 0.32491969623290625],
  [0.9, 1, 3.0776835371752541],
  [0.975, 1, 12.706204736174693],
  [0.995, 1, 63.656741162871524],
  [0.9999, 1, 3183.0987571185015],
  [0.6, 2, 0.28867513459481282],
  [0.9, 2, 1.885618083164127],
  [0.975, 2, 4.3026527297494618],
  [0.995, 2, 9.9248432009182886],
  [0.9999, 2, 70.700071074968172],
  [0.6, 3, 0.27667066233268985],
  [0.9, 3, 1.6377443536962103],
  [0.975, 3, 3.1824463052837084],
  [0.995, 3, 5.8409093097333554],
  [0.9999, 3, 22.203742273205002],
  [0.6, 4, 0.27072229470759736],
  [0.9, 4, 1.5332062740589441],
  [0.975, 4, 2.7764451051977935],
  [0.995, 4, 4.604094871349992],
  [0.9999, 4, 13.033671720896822],
  [0.6, 5, 0.26718086570414507],
  [0.9, 5, 1.4758840488244813],
  [0.975, 5, 2.5705818356363148],
  [0.995, 5, 4.0321429835552272],
  [0.9999, 5, 9.6775663008828142],
  [0.6, 7, 0.26316686135202275],
  [0.9, 7, 1.4149239276505086],
  [0.975, 7, 2.3646242515927847],
  [0.995, 7, 3.4994832973504933],
  [0.9999, 7, 7.0634328281576388],
  [0.6, 10, 0.26018482949208018],
  [0.9, 10, 1.3721836411103358],
  [0.975, 10, 2.2281388519862742],
  [0.995, 10, 3.1692726726169507],
  [0.9999, 10, 5.6938201014575926],
  [0.6, 30, 0.25560536495191271],
  [0.9, 30, 1.3104150253913957],
  [0.975, 30, 2.0422724563012379],
  [0.995, 30, 2.749995653567225],
  [0.9999, 30, 4.2339859572720608],
  [0.6, 100, 0.25402218245822776],
  [0.9, 100, 1.2900747613465161],
  [0.975, 100, 1.9839715185235519],
  [0.995, 100, 2.6258905214380176],
  [0.9999, 100, 3.8615997909500908],
  [0.6, 299, 0.25357264712755985],
  [0.9, 299, 1.2843893481333424],
  [0.975, 299, 1.9679296690656696],
  [0.995, 299, 2.5923718841194774],
  [0.9999, 299, 3.7656503819844827],
  [0.6, 1000, 0.25341451583949871],
  [0.9, 1000, 1.2823987214609246],
  [0.975, 1000, 1.9623390808264081],
  [0.995, 1000, 2.5807546980659508],
  [0.9999, 1000, 3.7328516045753962],
  [0.6, 100000, 0.25334777715717989],
  [0.9, 100000, 1.2815600314493611],
  [0.975, 100000, 1.9599877075346093],
  [0.995, 100000, 2.575878469908375],
  [0.9999, 100000, 3.7191543826413722],
  [0.6, 2.5, 0.28145951274854759],
  [0.9, 2.5, 1.7302509288071768],
  [0.975, 2.5, 3.5746548420036818],
  [0.995, 2.5, 7.1637281389487829],
  [0.9999, 2.5, 34.867969321116311],
  [0.6, 0.5, 0.39797542678479059],
  [0.9, 0.5, 10.270324410234511],
  [0.975, 0.5, 164.55767348048824],
  [0.995, 0.5, 4113.9645888041738],
  [0.9999, 0.5, 10284911.563165651],
  [0.6, Infinity, 0.25334710313579974],
  [0.975, Infinity, 1.9599639845400539],
  [0.9999, Infinity, 3.7190164854557084],
  [0.999999999, Infinity, 5.9978070196016374],
];

const CDFS: [number, number, number][] = [
  [2.0, 3, 0.93033701572057841],
  [-1.5, 7, 0.088649243494985017],
  [0.3, 1, 0.59277357907774234],
  [4.0, 30, 0.99980907718195812],
  [-2.5, 2.5, 0.052284981539077694],
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
