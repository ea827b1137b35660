// The Compare screen's lag plot: every condition of every compared study on one plot with one
// legend, each named by its study ("#3 demo run: 4 induction heads") and coloured by its place
// in the list (so two studies' baselines differ).
import { paletteColor } from '../../../shared/chart';
import type { StudySummaryView } from '../../../shared/ipc/studies';
import { shortConditionName } from '../../../shared/study/text-format';
import type { PlotCondition } from '../results/lag-plot';

export function compareConditions(summaries: readonly StudySummaryView[]): PlotCondition[] {
  let index = 0;
  return summaries.flatMap((s) => {
    const all = s.conditions.map((c) => c.condition);
    return s.conditions.map((c) => ({
      key: `${s.study.id}:${c.condition.key}`,
      label: `#${s.study.id} ${shortConditionName(c.condition, all)}`,
      color: paletteColor(index++),
      curve: c.curve,
    }));
  });
}

/** Subtitle lines: which study each number is (a partial one marked), the models, and prompts of different lengths. */
export function compareSubtitle(summaries: readonly StudySummaryView[]): string[] {
  const models = [...new Set(summaries.map((s) => s.model.name))];
  const lengths = [...new Set(summaries.map((s) => s.study.seqLen))];
  const names = summaries.map((s) => `#${s.study.id} ${s.study.name}${s.study.status === 'done' ? '' : ` (${s.study.status.toUpperCase()}, PARTIAL)`}`).join(' · ');
  return [
    names,
    `${models.length === 1 ? `model ${models[0] ?? ''}` : `models: ${models.join(', ')}`} · bands: 95% CI over trials`,
    ...(lengths.length > 1 ? [`prompt lengths differ (${lengths.join(', ')} tokens): lags beyond the shorter prompt come from the longer one only`] : []),
  ];
}
