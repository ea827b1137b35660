// The study's figures as chart specs (src/shared/chart), rendered to PNG: one lag plot per condition
// (the seed's figure), one per group with all its counts (full range and zoomed, each on a linear
// and a log axis: the log one shows the curve away from the peak), one dose-response. The app's
// Results screen draws its dose-response plot from the same studyDoseSpec.

import type { Condition, ConditionGroup, ConditionMetrics, LagCurve } from '../study/types';
import { countOf, LAYER_RANGE_LABELS } from '../study/labels';
import { bandNote, doseResponseSpec, doseSeriesFromConditions } from './dose-response';
import { studyTitle } from './labels';
import { lagChartSpec, type LagSeries } from './lag-chart';
import type { LineChartSpec } from './line-chart';
import { BASELINE_COLOR, paletteColor } from './palette';

export interface FigureJob {
  /** Path relative to the output folder. */
  file: string;
  spec: LineChartSpec;
}

export interface FigureContext {
  model: string;
  trials: number;
  seed: number;
}

/** Lags either side of 0 shown in the zoomed group plot. */
export const ZOOM_LAGS = 10;

export function conditionFigure(ctx: FigureContext, condition: Condition, curve: LagCurve, file: string): FigureJob {
  const { title, subtitle } = studyTitle({
    model: ctx.model,
    mode: condition.mode,
    layerRange: condition.layerRange,
    trials: ctx.trials,
    headType: condition.headType === 'none' ? undefined : condition.headType,
    seed: ctx.seed,
  });
  const color = condition.headType === 'none' ? BASELINE_COLOR : paletteColor(0);
  const heads = condition.headType === 'none' ? 'no heads ablated' : `${countOf(condition.count, 'head')} ablated`;
  return { file, spec: lagChartSpec({ curves: [{ label: condition.label, curve, color }], title, subtitle: `${heads} · ${subtitle}` }) };
}

export interface GroupFigureView {
  /** Lags -lagWindow..+lagWindow only (all lags when absent). */
  lagWindow?: number;
  logScale?: boolean;
}

/** All counts of one group as lines (baseline first, in near-black); draw 1 only for random draws. */
export function groupFigure(
  ctx: FigureContext,
  group: ConditionGroup,
  members: readonly Condition[],
  curves: Record<string, LagCurve>,
  file: string,
  view: GroupFigureView = {},
): FigureJob {
  const { title, subtitle } = studyTitle({ model: ctx.model, mode: group.mode, layerRange: group.layerRange, trials: ctx.trials, headType: group.headType, seed: ctx.seed });
  const series: LagSeries[] = [];
  let colorIndex = 0;
  for (const c of members) {
    const curve = curves[c.key];
    if (!curve || c.draw !== 0) continue;
    const color = c.headType === 'none' ? BASELINE_COLOR : paletteColor(colorIndex++);
    // The title names the head type, mode and layers: the legend only needs the count.
    const label = c.headType === 'none' ? 'baseline' : countOf(c.count, 'head');
    series.push({ label, curve, color });
  }
  const drawNote = group.draws > 1 ? ` · draw 1 of ${group.draws}` : '';
  // A log axis cannot show values <= 0: band edges below 0 are drawn at a floor.
  const lines = view.logScale ? [subtitle + drawNote, 'log scale: CI edges at or below 0 are drawn at a tenth of the smallest mean'] : subtitle + drawNote;
  return { file, spec: lagChartSpec({ curves: series, title, subtitle: lines, lagWindow: view.lagWindow, logScale: view.logScale }) };
}

export function doseFigure(
  ctx: FigureContext,
  conditions: readonly Condition[],
  metrics: Record<string, ConditionMetrics>,
  groups: readonly ConditionGroup[],
  file: string,
): FigureJob {
  return { file, spec: studyDoseSpec(ctx, conditions, metrics, groups) };
}

/** P(+1) against heads ablated, a line per group, titled with the model, mode, layers, trials and seed. */
export function studyDoseSpec(
  ctx: FigureContext,
  conditions: readonly Condition[],
  metrics: Record<string, ConditionMetrics>,
  groups: readonly ConditionGroup[],
  view: { logScale?: boolean; background?: string | null } = {},
): LineChartSpec {
  const modes = [...new Set(groups.map((g) => g.mode))];
  const ranges = [...new Set(groups.map((g) => g.layerRange))];
  const [mode] = modes;
  const [range] = ranges;
  const how = modes.length === 1 && mode ? `${mode} ablation` : 'zero and mean ablation';
  const layers = ranges.length === 1 && range ? LAYER_RANGE_LABELS[range] : 'several layer ranges';
  const series = doseSeriesFromConditions([...conditions], metrics);
  return doseResponseSpec({
    series,
    title: `${ctx.model} — P(lag +1) vs heads ablated, ${how}`,
    subtitle: [`${layers} · ${countOf(ctx.trials, 'trial')} · seed ${ctx.seed}`, bandNote(series)],
    logScale: view.logScale,
    background: view.background,
  });
}
