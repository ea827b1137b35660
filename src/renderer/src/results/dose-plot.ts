// The Results screen's dose-response plot: the exported figure's spec (studyDoseSpec) over the
// conditions that have results, on a linear or log axis.
import { studyDoseSpec, type LineChartSpec } from '../../../shared/chart';
import type { StudySummaryView } from '../../../shared/ipc/studies';
import type { ConditionMetrics } from '../../../shared/study/types';

/** Null when no ablated condition has results yet (nothing to plot against the baseline). */
export function dosePlotSpec(summary: StudySummaryView, logScale: boolean): LineChartSpec | null {
  const metrics: Record<string, ConditionMetrics> = {};
  for (const c of summary.conditions) if (c.metrics) metrics[c.condition.key] = c.metrics;
  if (!summary.conditions.some((c) => c.condition.headType !== 'none' && c.metrics)) return null;
  const trials = Math.max(0, ...summary.conditions.map((c) => c.trials));
  return studyDoseSpec(
    { model: summary.model.name, trials, seed: summary.study.spec.seed },
    summary.conditions.map((c) => c.condition),
    metrics,
    summary.study.spec.groups,
    { logScale },
  );
}
