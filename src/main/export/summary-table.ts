// Plain-text tables of a study's results for the terminal (`run`, `demo`, `studies show`): P(+1)
// with its 95% CI, the paired difference from baseline, relative change, asymmetry and peak lag.

import { relativeInterval, relativeToBaseline } from '../../shared/study/metrics';
import type { Condition, Interval } from '../../shared/study/types';
import type { StudySummary } from '../studies/study-service';
import { at } from '../../shared/checked';

/** Probabilities span decades: 4 decimals down to 1e-3, then 3 significant digits. */
export function formatProbability(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2);
}

export function formatInterval(i: Interval, signed = false): string {
  const f = (x: number) => (signed && x > 0 ? '+' : '') + formatProbability(x);
  const ci = Number.isFinite(i.ciLow) ? ` [${f(i.ciLow)}, ${f(i.ciHigh)}]` : '';
  return `${f(i.value)}${ci}`;
}

export function formatPercent(x: number): string {
  return Number.isFinite(x) ? `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '—';
}

/** Short row name: `baseline`, `induction k=5`, `random k=5 #2`, plus mode/layers when they vary. */
export function shortConditionName(c: Condition, all: readonly Condition[]): string {
  if (c.headType === 'none') return 'baseline';
  const ablated = all.filter((x) => x.headType !== 'none');
  let name = `${c.headType} k=${c.count}`;
  if (ablated.some((x) => x.headType === c.headType && x.draw > 0)) name += ` #${c.draw + 1}`;
  if (new Set(ablated.map((x) => x.mode)).size > 1) name += ` ${c.mode}`;
  if (new Set(ablated.map((x) => x.layerRange)).size > 1) name += ` ${c.layerRange}`;
  return name;
}

/** Columns padded to their widest cell; `align` per column (default: first left, the rest right). */
export function formatTable(header: readonly string[], rows: readonly string[][], align?: readonly ('left' | 'right')[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => at(r, i).length)));
  const left = (i: number) => (align ? align[i] === 'left' : i === 0);
  const line = (cells: readonly string[]) => cells.map((c, i) => (left(i) ? c.padEnd(at(widths, i)) : c.padStart(at(widths, i)))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function summaryTable(summary: StudySummary): string {
  const all = summary.conditions.map((c) => c.condition);
  const baseline = baselinePlus1(summary);
  const rows = summary.conditions.map(({ condition, trials, metrics: m }) => {
    const name = shortConditionName(condition, all);
    if (!m) return [name, String(trials), 'no results yet', '', '', '', ''];
    const rel = m.deltaPlus1 ? relativeToBaseline(m.deltaPlus1.value, baseline) : null;
    return [
      name,
      String(trials),
      formatInterval(m.pPlus1),
      m.deltaPlus1 ? formatInterval(m.deltaPlus1, true) : '',
      rel === null ? '' : formatPercent(rel),
      Number.isFinite(m.asymmetry) ? m.asymmetry.toFixed(2) : '—',
      String(m.peakLag),
    ];
  });
  return formatTable(['condition', 'trials', 'P(+1) [95% CI]', 'Δ vs baseline [95% CI]', 'rel.', 'P(+1)/P(-1)', 'peak lag'], rows);
}

function baselinePlus1(summary: StudySummary): number | undefined {
  return summary.conditions.find((c) => c.condition.headType === 'none')?.metrics?.pPlus1.value;
}

/**
 * The paired Δ P(+1) of each `count`-head condition of one head type, relative to the baseline P(+1)
 * (value and CI bounds); empty without a baseline.
 */
export function relativeDeltasAtCount(summary: StudySummary, type: 'induction' | 'random', count: number): Interval[] {
  const baseline = baselinePlus1(summary);
  return summary.conditions
    .filter((c) => c.condition.headType === type && c.condition.count === count)
    .flatMap((c) => {
      const relative = c.metrics?.deltaPlus1 ? relativeInterval(c.metrics.deltaPlus1, baseline) : null;
      return relative ? [relative] : [];
    });
}

/**
 * One line per head type: the relative drop of P(+1) from baseline at `count` heads (random draws
 * averaged, with their range), e.g. for the demo's k = 4.
 */
export function relativeDropLines(summary: StudySummary, count: number): string[] {
  const lines: string[] = [];
  for (const type of ['induction', 'random'] as const) {
    const relative = relativeDeltasAtCount(summary, type, count);
    const [first] = relative;
    if (!first) continue;
    const values = relative.map((r) => r.value);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const detail =
      relative.length === 1
        ? `95% CI ${formatPercent(first.ciLow)} to ${formatPercent(first.ciHigh)}`
        : `mean of ${relative.length} draws, range ${formatPercent(Math.min(...values))} to ${formatPercent(Math.max(...values))}`;
    lines.push(`k=${count} ${type} heads: P(+1) ${formatPercent(mean)} relative to baseline (${detail})`);
  }
  return lines;
}
