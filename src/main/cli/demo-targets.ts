// The demo model's acceptance targets, checked on the study the demo just ran, so the
// summary says plainly whether the bundled model shows the effect the app exists to study.

import type { StudySummary } from '../studies/study-results';

export interface DemoTarget {
  label: string;
  value: string;
  met: boolean;
}

const fmt = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * Baseline P(+1) >= 0.3 at the peak (lag 0 aside); top-4 induction drop >= 50%; 4 random heads:
 * mean drop <= 20% (over draws: the geometric mean of the draws' P(+1) ratios, as the summary reports it).
 */
export function demoTargets(summary: StudySummary, count = 4): DemoTarget[] {
  const baseline = summary.conditions.find((c) => c.condition.headType === 'none')?.metrics;
  if (!baseline) return [];
  const base = baseline.pPlus1.value;
  const targets: DemoTarget[] = [
    {
      label: 'baseline P(+1) >= 0.3 and the highest of all lags but 0',
      value: `${base.toFixed(4)}, peak lag ${baseline.peakLag.lag}`,
      met: base >= 0.3 && baseline.peakLag.lag === 1,
    },
  ];
  const induction = summary.conditions.find((c) => c.condition.headType === 'induction' && c.condition.count === count)?.metrics?.vsBaseline;
  if (induction) {
    const drop = -induction.relativeChange.value;
    targets.push({ label: `top ${count} induction heads lower P(+1) by >= 50%`, value: fmt(drop), met: drop >= 0.5 });
  }
  const random = summary.statistics.drawSummaries.find((s) => s.count === count)?.relativeChange;
  if (random) {
    const drop = -random.value;
    const draws = random.n;
    targets.push({
      label: `${count} random heads lower P(+1) by <= 20% (${draws === 1 ? '1 draw' : `geometric mean of ${draws} draws`})`,
      value: fmt(drop),
      met: drop <= 0.2,
    });
  }
  return targets;
}

export function formatDemoTargets(targets: DemoTarget[]): string {
  return targets.map((t) => `  [${t.met ? 'met' : 'NOT met'}] ${t.label}: ${t.value}`).join('\n');
}
