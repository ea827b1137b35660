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

/** One of the summary's tables: P(+1) against the baseline and random heads, or the curve's shape. */
export interface SummaryTableView {
  id: 'p-plus-1' | 'shape';
  title: string;
  columns: SummaryColumn[];
  rows: SummaryRow[];
}

function peakCell(peak: PeakLagEstimate): string {
  const set = peak.confidenceSet.length > 1 ? `; ${Math.round(peak.level * 100)}% set: ${peak.confidenceSet.length} lags` : '';
  return `${signedLag(peak.lag)} (${Math.round(peak.share * 100)}%${set})`;
}

function vsRandomCells(c: InductionVsRandom | undefined): string[] {
  if (!c) return ['', ''];
  return [`${formatInterval(c.pooled.difference, true)}, p ${formatPHolm(c.pooled.difference, c.holm.pooled)}`, formatRatioInterval(c.pooled.ratio) + roughMark(c.pooled)];
}

function plusOneCells(m: ConditionMetrics, comparison: InductionVsRandom | undefined): string[] {
  const vs = m.vsBaseline;
  return [
    formatInterval(m.pPlus1),
    vs ? `${formatInterval(vs.difference, true)}, p ${formatP(vs.difference.pValue)}` : '—',
    vs ? formatPercentInterval(vs.relativeChange) + roughMark(vs) : '—',
    ...vsRandomCells(comparison),
  ];
}

function shapeCells(m: ConditionMetrics): string[] {
  const c = m.contiguity;
  return [
    formatInterval(m.asymmetry.difference, true),
    formatRatioInterval(m.asymmetry.ratio) + roughMark(m.asymmetry),
    peakCell(m.peakLag),
    c ? formatInterval(c.difference, true) : '—',
    c ? formatRatioInterval(c.ratio) + roughMark(c) : '—',
  ];
}

export function summaryTables(summary: StudySummaryView): SummaryTableView[] {
  const all = summary.conditions.map((c) => c.condition);
  const k = summary.statistics.options.contiguityLags;
  const first: SummaryRow[] = [];
  const shape: SummaryRow[] = [];
  for (const { condition, trials, metrics } of summary.conditions) {
    const comparison = summary.statistics.comparisons.find((c) => c.inductionKey === condition.key);
    const head = [shortConditionName(condition, all), String(trials)];
    first.push({ key: condition.key, cells: metrics ? [...head, ...plusOneCells(metrics, comparison)] : [...head, 'no results yet', '', '', '', ''] });
    shape.push({ key: condition.key, cells: metrics ? [...head, ...shapeCells(metrics)] : [...head, 'no results yet', '', '', '', ''] });
  }
  return [
    {
      id: 'p-plus-1',
      title: 'P(lag +1) against the baseline and random heads',
      columns: [
        { title: 'condition', hint: '' },
        { title: 'trials', hint: 'with results' },
        { title: 'P(+1)', hint: 'mean [95% CI]' },
        { title: 'Δ vs baseline', hint: 'paired [95% CI], p' },
        { title: 'change vs baseline', hint: '[95% CI]' },
        { title: 'induction − random', hint: 'same k [95% CI], p (Holm)' },
        { title: 'induction / random', hint: 'ratio [95% CI]' },
      ],
      rows: first,
    },
    {
      id: 'shape',
      title: 'Shape of the curve',
      columns: [
        { title: 'condition', hint: '' },
        { title: 'trials', hint: 'with results' },
        { title: 'P(+1) − P(−1)', hint: 'asymmetry [95% CI]' },
        { title: 'P(+1) / P(−1)', hint: 'ratio [95% CI]' },
        { title: 'peak lag', hint: 'bootstrap share' },
        { title: 'forward − backward', hint: k > 0 ? `lags 1..${k} [95% CI]` : 'prompts too short' },
        { title: 'forward / backward', hint: 'ratio [95% CI]' },
      ],
      rows: shape,
    },
  ];
}

/** True when any ratio in the tables is marked rough (†), so the note explaining it is shown. */
export function hasRoughRatio(tables: readonly SummaryTableView[]): boolean {
  return tables.some((t) => t.rows.some((r) => r.cells.some((c) => c.includes(ROUGH_RATIO_MARK))));
}

/** One table as shown, as CSV (formatted cells; a study export's summary.csv has the raw numbers). */
export function summaryCsv(table: SummaryTableView): string {
  const header = table.columns.map((c) => (c.hint ? `${c.title} (${c.hint})` : c.title));
  return [header, ...table.rows.map((r) => r.cells)].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
