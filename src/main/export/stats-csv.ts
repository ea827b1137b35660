// The statistics as tidy CSV tables for R / pandas (one observation per row, one column per value,
// every estimate followed by `_ci_low`, `_ci_high` and, for differences, `_p`):
//   summary.csv          one row per condition: every metric with its CI
//   comparisons.csv      induction vs random at matched head count: per draw, pooled, between draws
//   random_draws.csv     each random group's P(+1) and relative change over its draws
//   peak_lag_shares.csv  per condition, every lag that was the bootstrap peak, with its share

import type { Condition, ConditionMetrics, DrawSummary, Estimate, InductionVsRandom, StudyStatistics } from '../../shared/study/types';
import { csvText, pyFloat } from './csv';

export type Cell = string | number | null;

export interface Column<T> {
  name: string;
  cell: (row: T) => Cell;
}

export const float = (x: number | null | undefined): Cell => (x === null || x === undefined ? null : pyFloat(x));

/** `name`, `name_ci_low`, `name_ci_high` (and `name_p` when `withP`). */
export function estimate<T>(name: string, get: (row: T) => Estimate | null | undefined, withP = false): Column<T>[] {
  const cols: Column<T>[] = [
    { name, cell: (r) => float(get(r)?.value) },
    { name: `${name}_ci_low`, cell: (r) => float(get(r)?.ciLow) },
    { name: `${name}_ci_high`, cell: (r) => float(get(r)?.ciHigh) },
  ];
  if (withP) cols.push({ name: `${name}_p`, cell: (r) => float(get(r)?.pValue) });
  return cols;
}

export function tableCsv<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  return csvText(
    columns.map((c) => c.name),
    rows.map((r) => columns.map((c) => c.cell(r))),
  );
}

export interface SummaryCsvRow {
  condition: Condition;
  metrics: ConditionMetrics;
  /** For an induction condition: its comparison with the random draws at the same count, if any. */
  vsRandom?: InductionVsRandom | null;
}

/** The baseline has no mode or layer range of its own. */
const modeOf = (c: Condition) => (c.headType === 'none' ? 'none' : c.mode);
const rangeOf = (c: Condition) => (c.headType === 'none' ? 'none' : c.layerRange);

const SUMMARY_COLUMNS: Column<SummaryCsvRow>[] = [
  { name: 'condition', cell: (r) => r.condition.key },
  { name: 'label', cell: (r) => r.condition.label },
  { name: 'head_type', cell: (r) => r.condition.headType },
  { name: 'mode', cell: (r) => modeOf(r.condition) },
  { name: 'layer_abl', cell: (r) => rangeOf(r.condition) },
  { name: 'n_heads', cell: (r) => r.condition.count },
  { name: 'draw', cell: (r) => r.condition.draw },
  { name: 'n_trials', cell: (r) => r.metrics.trials },
  { name: 'ci_level', cell: (r) => float(r.metrics.pPlus1.level) },
  ...estimate<SummaryCsvRow>('p_plus1', (r) => r.metrics.pPlus1),
  ...estimate<SummaryCsvRow>('p_minus1', (r) => r.metrics.pMinus1),
  ...estimate<SummaryCsvRow>('p_lag0', (r) => r.metrics.pZero),
  ...estimate<SummaryCsvRow>('prompt_mass', (r) => r.metrics.promptMass),
  ...estimate<SummaryCsvRow>('asym_diff', (r) => r.metrics.asymmetry.difference, true),
  ...estimate<SummaryCsvRow>('asym_ratio', (r) => r.metrics.asymmetry.ratio),
  ...estimate<SummaryCsvRow>('asym_log_ratio', (r) => r.metrics.asymmetry.logRatio),
  { name: 'asym_ratio_rel_se', cell: (r) => float(r.metrics.asymmetry.ratioRelativeSe) },
  { name: 'contiguity_lags', cell: (r) => r.metrics.contiguity?.lags ?? null },
  ...estimate<SummaryCsvRow>('forward_mass', (r) => r.metrics.contiguity?.forward),
  ...estimate<SummaryCsvRow>('backward_mass', (r) => r.metrics.contiguity?.backward),
  ...estimate<SummaryCsvRow>('contiguity_diff', (r) => r.metrics.contiguity?.difference, true),
  ...estimate<SummaryCsvRow>('contiguity_ratio', (r) => r.metrics.contiguity?.ratio),
  ...estimate<SummaryCsvRow>('contiguity_log_ratio', (r) => r.metrics.contiguity?.logRatio),
  { name: 'contiguity_ratio_rel_se', cell: (r) => float(r.metrics.contiguity?.ratioRelativeSe) },
  { name: 'peak_lag', cell: (r) => r.metrics.peakLag.lag },
  { name: 'peak_lag_share', cell: (r) => float(r.metrics.peakLag.share) },
  { name: 'peak_lag_set', cell: (r) => r.metrics.peakLag.confidenceSet.join(';') },
  { name: 'peak_lag_set_size', cell: (r) => r.metrics.peakLag.confidenceSet.length },
  { name: 'peak_excludes_lag0', cell: (r) => (r.metrics.peakLag.excludesLagZero ? 1 : 0) },
  { name: 'bootstrap_resamples', cell: (r) => r.metrics.peakLag.resamples },
  { name: 'bootstrap_seed', cell: (r) => r.metrics.peakLag.seed },
  { name: 'n_paired', cell: (r) => r.metrics.vsBaseline?.difference.n ?? null },
  ...estimate<SummaryCsvRow>('delta_p_plus1', (r) => r.metrics.vsBaseline?.difference, true),
  ...estimate<SummaryCsvRow>('relative_change', (r) => r.metrics.vsBaseline?.relativeChange),
  { name: 'relative_change_rel_se', cell: (r) => float(r.metrics.vsBaseline?.ratioRelativeSe) },
  // The claim itself, on the induction rows (comparisons.csv has it per draw and between draws too).
  { name: 'vs_random_draws', cell: (r) => r.vsRandom?.randomKeys.length ?? null },
  ...estimate<SummaryCsvRow>('vs_random_difference', (r) => r.vsRandom?.pooled.difference, true),
  { name: 'vs_random_difference_p_holm', cell: (r) => float(r.vsRandom?.holm.pooled) },
  ...estimate<SummaryCsvRow>('vs_random_ratio', (r) => r.vsRandom?.pooled.ratio),
];

export const SUMMARY_HEADER = SUMMARY_COLUMNS.map((c) => c.name);

/** One row per condition with results, every metric with its interval. */
export function summaryCsv(rows: readonly SummaryCsvRow[]): string {
  return tableCsv(SUMMARY_COLUMNS, rows);
}

/** summary.csv's rows from a study's conditions and statistics (conditions without results left out). */
export function summaryRows(conditions: readonly Condition[], statistics: StudyStatistics): SummaryCsvRow[] {
  return conditions.flatMap((condition) => {
    const metrics = statistics.conditions.find((c) => c.key === condition.key)?.metrics;
    const vsRandom = statistics.comparisons.find((c) => c.inductionKey === condition.key) ?? null;
    return metrics ? [{ condition, metrics, vsRandom }] : [];
  });
}

/** A comparison seen at one scope: one random draw, all draws pooled per trial, or over draws. */
interface ComparisonCsvRow {
  c: InductionVsRandom;
  scope: 'draw' | 'pooled' | 'between_draws';
  draw: number | null;
  random: string[];
  n: number;
  df: number;
  means: { a: number; b: number };
  difference: Estimate;
  ratio: Estimate;
  logRatio: Estimate;
  /** Null between draws (their ratio interval is a t interval over draws, not a delta method). */
  ratioRelativeSe: number | null;
  pHolm: number | null;
}

function comparisonRows(c: InductionVsRandom): ComparisonCsvRow[] {
  const rows: ComparisonCsvRow[] = c.perDraw.map((d) => ({
    c,
    scope: 'draw',
    draw: d.draw,
    random: [d.key],
    n: d.contrast.difference.n,
    df: d.contrast.difference.df,
    means: d.contrast.means,
    difference: d.contrast.difference,
    ratio: d.contrast.ratio,
    logRatio: d.contrast.logRatio,
    ratioRelativeSe: d.contrast.ratioRelativeSe,
    pHolm: null,
  }));
  const p = c.pooled;
  rows.push({
    c,
    scope: 'pooled',
    draw: null,
    random: c.randomKeys,
    n: p.difference.n,
    df: p.difference.df,
    means: p.means,
    difference: p.difference,
    ratio: p.ratio,
    logRatio: p.logRatio,
    ratioRelativeSe: p.ratioRelativeSe,
    pHolm: c.holm.pooled,
  });
  const b = c.betweenDraws;
  if (b) {
    const n = b.difference.n;
    rows.push({ c, scope: 'between_draws', draw: null, random: c.randomKeys, n, df: n - 1, means: p.means, ...b, ratioRelativeSe: null, pHolm: c.holm.betweenDraws });
  }
  return rows;
}

const COMPARISON_COLUMNS: Column<ComparisonCsvRow>[] = [
  { name: 'mode', cell: (r) => r.c.mode },
  { name: 'layer_abl', cell: (r) => r.c.layerRange },
  { name: 'n_heads', cell: (r) => r.c.count },
  { name: 'scope', cell: (r) => r.scope },
  { name: 'draw', cell: (r) => r.draw },
  { name: 'induction_condition', cell: (r) => r.c.inductionKey },
  { name: 'random_conditions', cell: (r) => r.random.join(';') },
  { name: 'n', cell: (r) => r.n },
  { name: 'df', cell: (r) => r.df },
  { name: 'ci_level', cell: (r) => float(r.difference.level) },
  { name: 'induction_p_plus1', cell: (r) => float(r.means.a) },
  { name: 'random_p_plus1', cell: (r) => float(r.means.b) },
  ...estimate<ComparisonCsvRow>('difference', (r) => r.difference, true),
  { name: 'difference_p_holm', cell: (r) => float(r.pHolm) },
  ...estimate<ComparisonCsvRow>('ratio', (r) => r.ratio),
  ...estimate<ComparisonCsvRow>('log_ratio', (r) => r.logRatio),
  { name: 'ratio_rel_se', cell: (r) => float(r.ratioRelativeSe) },
  { name: 'method', cell: (r) => `${r.difference.method}; ${r.ratio.method}` },
];

export const COMPARISONS_HEADER = COMPARISON_COLUMNS.map((c) => c.name);

/** Induction - random on P(+1): a row per draw, one pooled over draws, one over draws (D >= 2). */
export function comparisonsCsv(comparisons: readonly InductionVsRandom[]): string {
  return tableCsv(COMPARISON_COLUMNS, comparisons.flatMap(comparisonRows));
}

const DRAW_COLUMNS: Column<DrawSummary>[] = [
  { name: 'mode', cell: (r) => r.mode },
  { name: 'layer_abl', cell: (r) => r.layerRange },
  { name: 'n_heads', cell: (r) => r.count },
  { name: 'n_draws', cell: (r) => r.conditionKeys.length },
  { name: 'conditions', cell: (r) => r.conditionKeys.join(';') },
  { name: 'ci_level', cell: (r) => float(r.pPlus1.level) },
  ...estimate<DrawSummary>('p_plus1', (r) => r.pPlus1),
  ...estimate<DrawSummary>('relative_change', (r) => r.relativeChange),
];

export const RANDOM_DRAWS_HEADER = DRAW_COLUMNS.map((c) => c.name);

/** Each random group at each count: the mean over draws with a t interval over draws. */
export function randomDrawsCsv(summaries: readonly DrawSummary[]): string {
  return tableCsv(DRAW_COLUMNS, summaries);
}

export const PEAK_SHARES_HEADER = ['condition', 'lag', 'share', 'is_peak', 'in_set', 'resamples'] as const;

/** Per condition, each lag that was the peak of at least one bootstrap resample. */
export function peakSharesCsv(statistics: StudyStatistics): string {
  const rows: Cell[][] = [];
  for (const { key, metrics } of statistics.conditions) {
    if (!metrics) continue;
    const peak = metrics.peakLag;
    for (const { lag, share } of peak.shares) {
      rows.push([key, lag, float(share), lag === peak.lag ? 1 : 0, peak.confidenceSet.includes(lag) ? 1 : 0, peak.resamples]);
    }
  }
  return csvText(PEAK_SHARES_HEADER, rows);
}
