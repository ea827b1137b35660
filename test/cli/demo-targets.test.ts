// The demo's target check: each target flips between met and not met at its threshold.
import { describe, expect, it } from 'vitest';
import { demoTargets, formatDemoTargets } from '../../src/main/cli/demo-targets';
import type { StudySummary } from '../../src/main/studies/study-results';
import { at } from '../../src/shared/checked';

/** A summary with only what the targets read: baseline P(+1) and peak, relative changes at k = 4. */
function summary(base: number, peakLag: number, induction: number[], random: number[]): StudySummary {
  const cond = (headType: string, count: number, p: number, draw = 0) => ({
    condition: { headType, count, draw },
    metrics: {
      pPlus1: { value: p },
      peakLag: { lag: headType === 'none' ? peakLag : 1 },
      vsBaseline: headType === 'none' ? null : { relativeChange: { value: p / base - 1 } },
    },
  });
  const relative = random.map((p) => p / base - 1);
  return {
    conditions: [cond('none', 0, base), ...induction.map((p) => cond('induction', 4, p)), ...random.map((p, d) => cond('random', 4, p, d))],
    statistics: {
      drawSummaries: random.length
        ? [{ count: 4, relativeChange: { value: relative.reduce((a, b) => a + b, 0) / relative.length, n: random.length } }]
        : [],
    },
  } as unknown as StudySummary;
}

describe('demoTargets', () => {
  it('reports every target met for a model with a strong, induction-specific peak', () => {
    const t = demoTargets(summary(0.4, 1, [0.1], [0.38, 0.4, 0.36, 0.42, 0.39]));
    expect(t.map((x) => x.met)).toEqual([true, true, true]);
    expect(formatDemoTargets(t)).toMatch(/\[met\] 4 random heads lower P\(\+1\) by <= 20% \(geometric mean of 5 draws\): 2\.5%/);
  });

  it('flags each miss at its threshold', () => {
    expect(at(demoTargets(summary(0.29, 1, [0.01], [0.29])), 0).met).toBe(false); // P(+1) below 0.3
    expect(at(demoTargets(summary(0.5, 2, [0.01], [0.5])), 0).met).toBe(false); // peak not at +1
    expect(at(demoTargets(summary(0.4, 1, [0.21], [0.4])), 1).met).toBe(false); // induction drop 47.5%
    expect(at(demoTargets(summary(0.4, 1, [0.01], [0.3, 0.32])), 2).met).toBe(false); // random drop 22.5%
  });

  it('says nothing without a baseline', () => {
    expect(demoTargets({ conditions: [], statistics: { drawSummaries: [] } } as unknown as StudySummary)).toEqual([]);
  });
});
