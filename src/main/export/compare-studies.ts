// Several studies side by side (`studies compare <id> <id>...`): one row per study and matched head
// count with P(+1) and its change from the study's own baseline for induction and random heads,
// and the induction-vs-random test; one figure of P(+1) as a fraction of the baseline's against the
// number of heads, on a log axis (one colour per study, induction solid, random dashed). Baselines
// differ between models, so the fraction of the baseline is what compares across them.

import { compareChartSpec, paletteColor, type DoseSeries, type LineChartSpec } from '../../shared/chart';
import { countOf } from '../../shared/study/labels';
import type { AblationMode, Estimate, InductionVsRandom, LayerRange } from '../../shared/study/types';
import { folderModelName } from '../models/resolve-model';
import type { Store } from '../store/db';
import { getStudy, studySummary, type StudySummary } from '../studies/study-service';
import type { SummaryOptions } from '../studies/study-results';
import { estimate, float, tableCsv, type Column } from './stats-csv';
import { formatInterval, formatPercentInterval, formatPHolm, formatRatioInterval, formatTable } from '../../shared/study/text-format';

export interface ComparedStudy {
  summary: StudySummary;
  /** Model name for labels (the folder's name). */
  model: string;
}

/** A stored study as compared: its summary (with `options`' statistics settings) and its model's name. */
export function loadComparedStudy(store: Store, studyId: number, options: SummaryOptions = {}): ComparedStudy {
  return { summary: studySummary(store, studyId, options), model: folderModelName(getStudy(store, studyId).model.path) };
}

/** One head type at one count of one study: P(+1) and its change from the study's baseline. */
export interface CompareArm {
  draws: number;
  /** One draw: the condition's t interval over trials; several: the t interval over draws. */
  pPlus1: Estimate;
  relativeChange: Estimate | null;
}

export interface CompareRow {
  study: ComparedStudy;
  mode: AblationMode;
  layerRange: LayerRange;
  count: number;
  baseline: Estimate | null;
  induction: CompareArm | null;
  random: CompareArm | null;
  comparison: InductionVsRandom | null;
}

function arm(summary: StudySummary, type: 'induction' | 'random', mode: AblationMode, layerRange: LayerRange, count: number): CompareArm | null {
  const members = summary.conditions.filter(
    (c) => c.condition.headType === type && c.condition.mode === mode && c.condition.layerRange === layerRange && c.condition.count === count && c.metrics,
  );
  const [only] = members;
  if (!only?.metrics) return null;
  if (members.length === 1) return { draws: 1, pPlus1: only.metrics.pPlus1, relativeChange: only.metrics.vsBaseline?.relativeChange ?? null };
  const over = summary.statistics.drawSummaries.find((s) => s.mode === mode && s.layerRange === layerRange && s.count === count);
  return over ? { draws: over.conditionKeys.length, pPlus1: over.pPlus1, relativeChange: over.relativeChange } : null;
}

/** Every (mode, layer range, count > 0) of every study, in the studies' order. */
export function compareRows(studies: readonly ComparedStudy[]): CompareRow[] {
  return studies.flatMap((study) => {
    const { summary } = study;
    const baseline = summary.conditions.find((c) => c.condition.headType === 'none')?.metrics?.pPlus1 ?? null;
    const cells = new Map<string, { mode: AblationMode; layerRange: LayerRange; count: number }>();
    for (const { condition: c } of summary.conditions) {
      if (c.headType !== 'none') cells.set(`${c.mode}|${c.layerRange}|${String(c.count).padStart(9, '0')}`, c);
    }
    return [...cells.keys()].sort().flatMap((id) => {
      const cell = cells.get(id);
      if (!cell) return [];
      const { mode, layerRange, count } = cell;
      const comparison = summary.statistics.comparisons.find((c) => c.mode === mode && c.layerRange === layerRange && c.count === count) ?? null;
      const induction = arm(summary, 'induction', mode, layerRange, count);
      const random = arm(summary, 'random', mode, layerRange, count);
      return induction || random ? [{ study, mode, layerRange, count, baseline, induction, random, comparison }] : [];
    });
  });
}

const COMPARE_COLUMNS: Column<CompareRow>[] = [
  { name: 'study_id', cell: (r) => r.study.summary.studyId },
  { name: 'study', cell: (r) => r.study.summary.name },
  { name: 'model', cell: (r) => r.study.model },
  { name: 'mode', cell: (r) => r.mode },
  { name: 'layer_abl', cell: (r) => r.layerRange },
  { name: 'n_heads', cell: (r) => r.count },
  { name: 'n_trials', cell: (r) => r.baseline?.n ?? null },
  { name: 'ci_level', cell: (r) => float(r.baseline?.level) },
  ...estimate<CompareRow>('baseline_p_plus1', (r) => r.baseline),
  ...estimate<CompareRow>('induction_p_plus1', (r) => r.induction?.pPlus1),
  ...estimate<CompareRow>('induction_relative_change', (r) => r.induction?.relativeChange),
  { name: 'random_draws', cell: (r) => r.random?.draws ?? null },
  ...estimate<CompareRow>('random_p_plus1', (r) => r.random?.pPlus1),
  ...estimate<CompareRow>('random_relative_change', (r) => r.random?.relativeChange),
  { name: 'random_ci_method', cell: (r) => r.random?.pPlus1.method ?? null },
  ...estimate<CompareRow>('difference', (r) => r.comparison?.pooled.difference, true),
  { name: 'difference_p_holm', cell: (r) => float(r.comparison?.holm.pooled) },
  ...estimate<CompareRow>('ratio', (r) => r.comparison?.pooled.ratio),
  ...estimate<CompareRow>('between_draws_difference', (r) => r.comparison?.betweenDraws?.difference, true),
];

export const COMPARE_HEADER = COMPARE_COLUMNS.map((c) => c.name);

export function compareCsv(rows: readonly CompareRow[]): string {
  return tableCsv(COMPARE_COLUMNS, rows);
}

const armCell = (a: CompareArm | null) => (a?.relativeChange ? formatPercentInterval(a.relativeChange) : '—');

/** The printed comparison table as header, column alignment and formatted cells (one row per CompareRow). */
export interface CompareTableCells {
  header: string[];
  align: ('left' | 'right')[];
  cells: string[][];
}

export function compareTableCells(rows: readonly CompareRow[]): CompareTableCells {
  return {
    header: ['study', 'model', 'mode', 'layers', 'k', 'induction: change [95% CI]', 'random: change [95% CI]', 'induction − random [95% CI]', 'p (Holm)', 'ratio [95% CI]'],
    align: ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
    cells: rows.map((r) => {
      const c = r.comparison;
      return [
        `#${r.study.summary.studyId}`,
        r.study.model,
        r.mode,
        r.layerRange,
        String(r.count),
        armCell(r.induction),
        r.random ? `${armCell(r.random)} (${countOf(r.random.draws, 'draw')})` : '—',
        c ? formatInterval(c.pooled.difference, true) : '—',
        c ? formatPHolm(c.pooled.difference, c.holm.pooled) : '—',
        c ? formatRatioInterval(c.pooled.ratio) : '—',
      ];
    }),
  };
}

export function compareTable(rows: readonly CompareRow[]): string {
  const { header, cells, align } = compareTableCells(rows);
  return formatTable(header, cells, align);
}

/** P(+1) / baseline P(+1) against heads ablated: a series per study and head type, from 1 at k = 0. */
export function compareSeries(rows: readonly CompareRow[]): DoseSeries[] {
  const studies = [...new Set(rows.map((r) => r.study))];
  const series: DoseSeries[] = [];
  studies.forEach((study, i) => {
    for (const type of ['induction', 'random'] as const) {
      const own = rows.filter((r) => r.study === study && r[type]?.relativeChange);
      const variants = new Set(own.map((r) => `${r.mode}|${r.layerRange}`));
      for (const variant of variants) {
        const points = own.flatMap((r) => {
          const change = r[type]?.relativeChange;
          if (!change || `${r.mode}|${r.layerRange}` !== variant) return [];
          return [{ count: r.count, value: 1 + change.value, low: 1 + change.ciLow, high: 1 + change.ciHigh }];
        });
        const draws = own[0]?.[type]?.draws ?? 1;
        const [mode, range] = variant.split('|');
        const label = `#${study.summary.studyId} ${study.model}: ${type} heads${variants.size > 1 ? ` (${mode}, ${range})` : ''}`;
        series.push({
          label,
          color: paletteColor(i),
          dash: type === 'random' ? [6, 4] : undefined,
          points: [{ count: 0, value: 1, low: 1, high: 1 }, ...points],
          band: draws > 1 ? `95% CI over ${countOf(draws, 'draw')}` : '95% CI over trials',
        });
      }
    }
  });
  return series;
}

/** The compare figure (log axis), as `studies compare` writes it and the app draws it. */
export function compareFigure(rows: readonly CompareRow[]): LineChartSpec {
  return compareChartSpec(compareSeries(rows));
}
