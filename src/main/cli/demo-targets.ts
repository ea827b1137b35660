// The demo model's acceptance targets, checked on the study the demo just ran, so the
// summary says plainly whether the bundled model shows the effect the app exists to study.

import { relativeDeltasAtCount } from '../export/summary-table';
import type { StudySummary } from '../studies/study-results';

export interface DemoTarget {
  label: string;
  value: string;
  met: boolean;
}

const fmt = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Baseline P(+1) >= 0.3 at the peak; top-4 induction drop >= 50%; 4 random heads: mean drop <= 20%. */
export function demoTargets(summary: StudySummary, count = 4): DemoTarget[] {
  const baseline = summary.conditions.find((c) => c.condition.headType === 'none')?.metrics;
  if (!baseline) return [];
  const base = baseline.pPlus1.value;
  // Paired Δ / baseline, as the summary's "relative drop" lines report it; a drop is its negation.
  const relDrops = (type: 'induction' | 'random') => relativeDeltasAtCount(summary, type, count).map((r) => -r.value);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const targets: DemoTarget[] = [
    {
      label: 'baseline P(+1) >= 0.3 and the highest of all lags',
      value: `${base.toFixed(4)}, peak lag ${baseline.peakLag}`,
      met: base >= 0.3 && baseline.peakLag === 1,
    },
  ];
  const induction = relDrops('induction');
  if (induction.length) {
    targets.push({ label: `top ${count} induction heads lower P(+1) by >= 50%`, value: fmt(mean(induction)), met: mean(induction) >= 0.5 });
  }
  const random = relDrops('random');
  if (random.length) {
    targets.push({
      label: `${count} random heads lower P(+1) by <= 20% (mean of ${random.length} draws)`,
      value: fmt(mean(random)),
      met: mean(random) <= 0.2,
    });
  }
  return targets;
}

export function formatDemoTargets(targets: DemoTarget[]): string {
  return targets.map((t) => `  [${t.met ? 'met' : 'NOT met'}] ${t.label}: ${t.value}`).join('\n');
}
