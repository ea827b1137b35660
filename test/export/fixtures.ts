// Small synthetic study results for the export tests: hand-built lag curves with a +1 peak, so the
// tests do not depend on the statistics module or an engine run.

import type { Condition, ConditionMetrics, Estimate, LagCurve, PairedContrast } from '../../src/shared/study/types';
import { at } from '../../src/shared/checked';

/** A lag curve over S positions whose lag +1 holds `peak` and every other lag `floor`. */
export function syntheticCurve(S: number, peak: number, floor = 0.01, n = 6): LagCurve {
  const lags = Array.from({ length: S }, (_, i) => i - Math.floor((S - 1) / 2));
  const mean = lags.map((l) => (l === 1 ? peak : floor));
  const sem = mean.map((m) => m / 10);
  return {
    lags,
    mean,
    sd: sem.map((s) => s * Math.sqrt(n)),
    sem,
    ciLow: mean.map((m, i) => m - 1.96 * at(sem, i)),
    ciHigh: mean.map((m, i) => m + 1.96 * at(sem, i)),
    n,
  };
}

export function condition(key: string, headType: Condition['headType'], count: number, draw = 0): Condition {
  return {
    key,
    label: headType === 'none' ? 'baseline' : `${count} ${headType} heads${draw ? ` (draw ${draw + 1})` : ''}`,
    headType,
    mode: 'zero',
    layerRange: 'full',
    count,
    draw,
    heads: Array.from({ length: count }, (_, i) => ({ layer: i % 2, head: (i + draw) % 4 })),
  };
}

/** An interval with the fields an Estimate carries (t over 6 trials). */
export function estimateOf(value: number, ciLow: number, ciHigh: number, scale: Estimate['scale'] = 'probability'): Estimate {
  return { value, ciLow, ciHigh, level: 0.95, method: 't-mean', scale, n: 6, df: 5, se: (ciHigh - ciLow) / 4, pValue: null };
}

function contrastOf(a: number, b: number): PairedContrast {
  return {
    a: 'A',
    b: 'B',
    means: { a, b },
    ratioRelativeSe: 0.05,
    difference: { ...estimateOf(a - b, a - b - 0.01, a - b + 0.01, 'difference'), method: 't-paired', pValue: 0.01 },
    ratio: { ...estimateOf(a / b, (a / b) * 0.9, (a / b) * 1.1, 'ratio'), method: 'delta-log-ratio' },
    logRatio: { ...estimateOf(Math.log(a / b), Math.log(a / b) - 0.1, Math.log(a / b) + 0.1, 'log-ratio'), method: 'delta-log-ratio' },
  };
}

/** Hand-made metrics read off the curve (peak at +1 with every resample, a ±0.01 paired delta). */
export function metricsFor(curve: LagCurve, baseline: LagCurve | null): ConditionMetrics {
  const atLag = (lag: number) => {
    const i = curve.lags.indexOf(lag);
    return estimateOf(at(curve.mean, i), at(curve.ciLow, i), at(curve.ciHigh, i));
  };
  const p1 = atLag(1);
  const b1 = baseline ? at(baseline.mean, baseline.lags.indexOf(1)) : 0;
  const vs = contrastOf(p1.value, b1);
  return {
    trials: curve.n,
    pPlus1: p1,
    pMinus1: atLag(-1),
    pZero: atLag(0),
    promptMass: estimateOf(curve.mean.reduce((a, b) => a + b, 0), 0, 1),
    asymmetry: contrastOf(p1.value, atLag(-1).value),
    contiguity: { ...contrastOf(p1.value + 0.02, 0.03), lags: 5, forward: estimateOf(p1.value + 0.02, 0, 1), backward: estimateOf(0.03, 0, 1) },
    peakLag: { lag: 1, excludesLagZero: true, share: 1, shares: [{ lag: 1, share: 1 }], confidenceSet: [1], level: 0.95, resamples: 100, seed: 1 },
    vsBaseline: baseline ? { ...vs, relativeChange: { ...vs.ratio, scale: 'relative-change', value: vs.ratio.value - 1 } } : null,
  };
}
