// The Results screen's lag plot: the shared lag-chart spec (the exported PNGs' figure) for the
// conditions the user shows, zoomed to ±N lags, on a linear or log axis, with tooltips listing
// every shown condition at the hovered lag (probability, 95% CI) and the prompt's word at that lag.
// Also the plot's data as CSV, exactly the points drawn.
import type { TooltipItem } from 'chart.js';
import { lagChartSpec, seriesColor, studyTitle, type LagSeries, type LineChartSpec } from '../../../shared/chart';
import type { StudySummaryView, TrialView } from '../../../shared/ipc/studies';
import { formatInterval } from '../../../shared/study/text-format';
import type { LagCurve } from '../../../shared/study/types';

export interface LagPlotView {
  /** Lags -lagWindow..+lagWindow. */
  lagWindow: number;
  logScale: boolean;
  /** Draw the 95% CI bands (a few trials give bands wide enough to flatten the curves). */
  bands: boolean;
  /** Condition keys the user switched off. */
  hidden: ReadonlySet<string>;
}

/** A condition of the study with its plot colour (fixed by its place in the study, so toggling keeps colours). */
export interface PlotCondition {
  key: string;
  label: string;
  color: string;
  curve: LagCurve | null;
}

export function plotConditions(summary: StudySummaryView): PlotCondition[] {
  return summary.conditions.map((c, i) => ({
    key: c.condition.key,
    label: c.condition.label,
    color: seriesColor(c.condition.label, i),
    curve: c.curve,
  }));
}

/** The largest |lag| of the plotted prompts (the slider's end); 1 before any result. */
export function maxLag(conditions: readonly PlotCondition[]): number {
  return Math.max(1, ...conditions.flatMap((c) => c.curve?.lags.map((l) => Math.abs(l)) ?? []));
}

export function visibleSeries(conditions: readonly PlotCondition[], hidden: ReadonlySet<string>): LagSeries[] {
  return conditions.flatMap((c) => (c.curve && !hidden.has(c.key) ? [{ label: c.label, curve: c.curve, color: c.color }] : []));
}

/** What to say about the word at a lag: the prompt token of one trial, or why there is none. */
export type LagWords = { kind: 'words'; trial: number; byLag: Map<number, string> } | { kind: 'none'; reason: string };

export function lagWords(trial: TrialView): LagWords {
  const byLag = new Map<number, string>();
  trial.lags.forEach((lag, s) => {
    const token = trial.tokens[s];
    // The last position repeats lag 0's token; the first occurrence names the lag.
    if (!token || byLag.has(lag)) return;
    byLag.set(lag, token.text === null ? `token ${token.id} (the tokenizer has no text for it)` : JSON.stringify(token.text));
  });
  return { kind: 'words', trial: trial.trial, byLag };
}

export function wordLine(words: LagWords, lag: number): string {
  if (words.kind === 'none') return `word: ${words.reason}`;
  const word = words.byLag.get(lag);
  return word === undefined ? `no prompt token at this lag in trial ${words.trial + 1}` : `word in trial ${words.trial + 1}: ${word}`;
}

export function signedLag(lag: number): string {
  return lag > 0 ? `+${lag}` : String(lag);
}

function valueAt(curve: LagCurve, lag: number): { value: number; ciLow: number; ciHigh: number } | null {
  const j = curve.lags.indexOf(lag);
  const value = curve.mean[j];
  const ciLow = curve.ciLow[j];
  const ciHigh = curve.ciHigh[j];
  return j < 0 || value === undefined || ciLow === undefined || ciHigh === undefined ? null : { value, ciLow, ciHigh };
}

/** What a lag plot draws: its conditions (some hidden), titles, and the words its tooltips name. */
export interface LagPlotInput {
  conditions: readonly PlotCondition[];
  title: string;
  subtitle: string[];
  words: LagWords;
}

/** Title lines of one study's plot: model, trials, seed, bands; a partial study says so. */
export function studyPlotTitles(summary: StudySummaryView): { title: string; subtitle: string[] } {
  const { spec } = summary.study;
  const trials = Math.max(0, ...summary.conditions.map((c) => c.trials));
  const [firstGroup] = spec.groups;
  const { title, subtitle } = studyTitle({
    model: summary.model.name,
    mode: firstGroup?.mode ?? 'zero',
    layerRange: firstGroup?.layerRange ?? 'full',
    trials,
    seed: spec.seed,
  });
  const partial = summary.study.status === 'done' ? [] : [`${summary.study.status.toUpperCase()}: PARTIAL, ${trials} of ${spec.permutations} trials so far`];
  return { title: `${title} · ${summary.study.name}`, subtitle: [subtitle, ...partial] };
}

/** The shared lag-chart spec for what the user shows, with the screen's tooltips. */
export function lagPlotSpec(input: LagPlotInput, view: LagPlotView): LineChartSpec {
  const series = visibleSeries(input.conditions, view.hidden);
  const logNote = view.logScale ? ['log scale: CI edges at or below 0 are drawn at a tenth of the smallest mean'] : [];
  const chart = lagChartSpec({
    curves: series,
    title: input.title,
    subtitle: [...input.subtitle, ...logNote],
    lagWindow: view.lagWindow,
    logScale: view.logScale,
    bands: view.bands,
  });
  const { words } = input;
  const curves = new Map(series.map((s) => [s.label, s.curve]));
  const options = chart.options ?? {};
  const plugins = options.plugins ?? {};
  return {
    ...chart,
    options: {
      ...options,
      // Every shown condition at the hovered lag (all curves share their lags).
      interaction: { mode: 'index', axis: 'x', intersect: false },
      plugins: {
        ...plugins,
        tooltip: {
          ...plugins.tooltip,
          callbacks: {
            title: (items: TooltipItem<'line'>[]) => {
              const lag = items[0]?.parsed.x;
              return lag === undefined || lag === null ? '' : [`lag ${signedLag(lag)}`, wordLine(words, lag)];
            },
            label: (item: TooltipItem<'line'>) => {
              const label = item.dataset.label ?? '';
              const curve = curves.get(label);
              const at = curve && item.parsed.x !== null ? valueAt(curve, item.parsed.x) : null;
              return at ? `${label}: P = ${formatInterval(at)} (95% CI)` : label;
            },
          },
        },
      },
    },
  };
}

/** The plotted points as CSV: one row per lag in the window, mean and CI per shown condition. */
export function lagPlotCsv(conditions: readonly PlotCondition[], view: LagPlotView): string {
  const series = visibleSeries(conditions, view.hidden);
  const lags = series[0]?.curve.lags.filter((l) => Math.abs(l) <= view.lagWindow) ?? [];
  const header = ['lag', ...series.flatMap((s) => [s.label, `${s.label} ci_low`, `${s.label} ci_high`])];
  const rows = lags.map((lag) => [
    String(lag),
    ...series.flatMap((s) => {
      const at = valueAt(s.curve, lag);
      return at ? [String(at.value), String(at.ciLow), String(at.ciHigh)] : ['', '', ''];
    }),
  ]);
  return [header.map(csvCell), ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

/** Quotes a CSV cell when it holds a comma, quote or line break. */
export function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
