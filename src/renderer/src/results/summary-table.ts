// The Results screen's summary table: one row per condition with the study's statistics as the
// CLI prints them (same formatting): P(+1), the paired difference and relative change against the
// baseline, induction − random at the same head count (pooled over draws, Holm-adjusted p), the
// asymmetry P(+1) − P(−1), the peak lag with its bootstrap share, and contiguity (lags ±1..±k).
import type { StudySummaryView } from '../../../shared/ipc/studies';
import {
  formatInterval,
  formatP,
  formatPercentInterval,
  formatPHolm,
  formatRatioInterval,
  ROUGH_RATIO_MARK,
  roughMark,
  shortConditionName,
} from '../../../shared/study/text-format';
import type { ConditionMetrics, InductionVsRandom, PeakLagEstimate } from '../../../shared/study/types';
import { csvCell, signedLag } from './lag-plot';

export interface SummaryColumn {
  title: string;
  /** Said under the title (what the interval is, which trials). */
  hint: string;
}

export interface SummaryRow {
  key: string;
  cells: string[];
}

export function summaryColumns(summary: StudySummaryView): SummaryColumn[] {
  const k = summary.statistics.options.contiguityLags;
  return [
    { title: 'condition', hint: '' },
    { title: 'trials', hint: 'with results' },
    { title: 'P(+1)', hint: 'mean [95% CI]' },
    { title: 'Δ vs baseline', hint: 'paired [95% CI], p' },
    { title: 'change vs baseline', hint: '[95% CI]' },
    { title: 'induction − random', hint: 'same k, pooled over draws [95% CI], p (Holm); ratio' },
    { title: 'asymmetry', hint: 'P(+1) − P(−1) [95% CI]; ratio' },
    { title: 'peak lag', hint: 'bootstrap share' },
    { title: 'contiguity', hint: k > 0 ? `fwd − bwd, lags 1..${k} [95% CI]; ratio` : 'prompts too short' },
  ];
}

function peakCell(peak: PeakLagEstimate): string {
  const set = peak.confidenceSet.length > 1 ? `; ${Math.round(peak.level * 100)}% set: ${peak.confidenceSet.length} lags` : '';
  return `${signedLag(peak.lag)} (${Math.round(peak.share * 100)}%${set})`;
}

function vsRandomCell(c: InductionVsRandom | undefined): string {
  if (!c) return '';
  const p = formatPHolm(c.pooled.difference, c.holm.pooled);
  return `${formatInterval(c.pooled.difference, true)}, p ${p}; ratio ${formatRatioInterval(c.pooled.ratio)}${roughMark(c.pooled)}`;
}

function metricCells(m: ConditionMetrics, comparison: InductionVsRandom | undefined): string[] {
  const vs = m.vsBaseline;
  return [
    formatInterval(m.pPlus1),
    vs ? `${formatInterval(vs.difference, true)}, p ${formatP(vs.difference.pValue)}` : '—',
    vs ? formatPercentInterval(vs.relativeChange) + roughMark(vs) : '—',
    vsRandomCell(comparison),
    `${formatInterval(m.asymmetry.difference, true)}; ratio ${formatRatioInterval(m.asymmetry.ratio)}${roughMark(m.asymmetry)}`,
    peakCell(m.peakLag),
    m.contiguity ? `${formatInterval(m.contiguity.difference, true)}; ratio ${formatRatioInterval(m.contiguity.ratio)}${roughMark(m.contiguity)}` : '—',
  ];
}

export function summaryRows(summary: StudySummaryView): SummaryRow[] {
  const all = summary.conditions.map((c) => c.condition);
  return summary.conditions.map(({ condition, trials, metrics }) => {
    const comparison = summary.statistics.comparisons.find((c) => c.inductionKey === condition.key);
    const head = [shortConditionName(condition, all), String(trials)];
    return { key: condition.key, cells: metrics ? [...head, ...metricCells(metrics, comparison)] : [...head, 'no results yet', '', '', '', '', '', ''] };
  });
}

/** True when any ratio in the table is marked rough (†), so the note explaining it is shown. */
export function hasRoughRatio(rows: readonly SummaryRow[]): boolean {
  return rows.some((r) => r.cells.some((c) => c.includes(ROUGH_RATIO_MARK)));
}

/** The table as shown, as CSV (formatted cells; summary.csv of a study export has the raw numbers). */
export function summaryCsv(summary: StudySummaryView): string {
  const header = summaryColumns(summary).map((c) => (c.hint ? `${c.title} (${c.hint})` : c.title));
  return [header, ...summaryRows(summary).map((r) => r.cells)].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
