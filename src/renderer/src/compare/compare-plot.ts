// The Compare screen's lag plot: every condition of every compared study on one plot with one
// legend, each named by its study ("#3 demo run: 4 induction heads") and coloured by its place
// in the list (so two studies' baselines differ).
import { paletteColor } from '../../../shared/chart';
import type { StudySummaryView } from '../../../shared/ipc/studies';
import type { PlotCondition } from '../results/lag-plot';

export function compareConditions(summaries: readonly StudySummaryView[]): PlotCondition[] {
  let index = 0;
  return summaries.flatMap((s) =>
    s.conditions.map((c) => ({
      key: `${s.study.id}:${c.condition.key}`,
      label: `#${s.study.id} ${s.study.name}: ${c.condition.label}`,
      color: paletteColor(index++),
      curve: c.curve,
    })),
  );
}

/** Studies whose prompts differ in length cannot share lags beyond the shorter one's: say so. */
export function compareSubtitle(summaries: readonly StudySummaryView[]): string[] {
  const models = [...new Set(summaries.map((s) => s.model.name))];
  const lengths = [...new Set(summaries.map((s) => s.study.seqLen))];
  const partial = summaries.filter((s) => s.study.status !== 'done').map((s) => `#${s.study.id} is ${s.study.status} (PARTIAL)`);
  return [
    `${models.length === 1 ? `model ${models[0] ?? ''}` : `models: ${models.join(', ')}`} · bands: 95% CI over trials`,
    ...(lengths.length > 1 ? [`prompt lengths differ (${lengths.join(', ')} tokens): lags beyond the shorter prompt come from the longer one only`] : []),
    ...(partial.length ? [partial.join('; ')] : []),
  ];
}
