// Small synthetic study results for the export tests: hand-built lag curves with a +1 peak, so the
// tests do not depend on the statistics module or an engine run.

import type { Condition, ConditionMetrics, LagCurve } from '../../src/shared/study/types';
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

export function metricsFor(curve: LagCurve, baseline: LagCurve | null): ConditionMetrics {
  const atLag = (lag: number) => {
    const i = curve.lags.indexOf(lag);
    return { value: at(curve.mean, i), ciLow: at(curve.ciLow, i), ciHigh: at(curve.ciHigh, i) };
  };
  const p1 = atLag(1);
  const b1 = baseline ? at(baseline.mean, baseline.lags.indexOf(1)) : 0;
  return {
    pPlus1: p1,
    pMinus1: atLag(-1),
    pZero: atLag(0),
    asymmetry: p1.value / atLag(-1).value,
    peakLag: 1,
    promptMass: { value: curve.mean.reduce((a, b) => a + b, 0), ciLow: 0, ciHigh: 1 },
    deltaPlus1: baseline ? { value: p1.value - b1, ciLow: p1.value - b1 - 0.01, ciHigh: p1.value - b1 + 0.01 } : null,
  };
}
