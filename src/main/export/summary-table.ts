// Plain-text tables of a study's results for the terminal (`run`, `demo`, `studies show`): P(+1)
// with its 95% CI, the paired difference from baseline, relative change, asymmetry and peak lag.

import type { Condition, Interval } from '../../shared/study/types';
import type { StudySummary } from '../studies/study-service';

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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const left = (i: number) => (align ? align[i] === 'left' : i === 0);
  const line = (cells: readonly string[]) => cells.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function summaryTable(summary: StudySummary): string {
  const all = summary.conditions.map((c) => c.condition);
  const baseline = summary.conditions.find((c) => c.condition.headType === 'none')?.metrics?.pPlus1.value;
  const rows = summary.conditions.map(({ condition, trials, metrics: m }) => {
    const name = shortConditionName(condition, all);
    if (!m) return [name, String(trials), 'no results yet', '', '', '', ''];
    const rel = m.deltaPlus1 && baseline ? formatPercent(m.deltaPlus1.value / baseline) : '';
    return [
      name,
      String(trials),
      formatInterval(m.pPlus1),
      m.deltaPlus1 ? formatInterval(m.deltaPlus1, true) : '',
      rel,
      Number.isFinite(m.asymmetry) ? m.asymmetry.toFixed(2) : '—',
      String(m.peakLag),
    ];
  });
  return formatTable(['condition', 'trials', 'P(+1) [95% CI]', 'Δ vs baseline [95% CI]', 'rel.', 'P(+1)/P(-1)', 'peak lag'], rows);
}

/**
 * One line per head type: the relative drop of P(+1) from baseline at `count` heads (random draws
 * averaged, with their range), e.g. for the demo's k = 4.
 */
/** The k-head conditions of one head type with a paired Δ P(+1), and the baseline P(+1). */
export function conditionsAtCount(summary: StudySummary, type: 'induction' | 'random', count: number) {
  const baseline = summary.conditions.find((c) => c.condition.headType === 'none')?.metrics?.pPlus1.value;
  const hits = summary.conditions.filter((c) => c.condition.headType === type && c.condition.count === count && c.metrics?.deltaPlus1);
  return { baseline, hits, relative: baseline ? hits.map((c) => c.metrics!.deltaPlus1!.value / baseline) : [] };
}

export function relativeDropLines(summary: StudySummary, count: number): string[] {
  const lines: string[] = [];
  for (const type of ['induction', 'random'] as const) {
    const { baseline, hits, relative: rel } = conditionsAtCount(summary, type, count);
    if (!baseline || hits.length === 0) continue;
    const mean = rel.reduce((a, b) => a + b, 0) / rel.length;
    let detail: string;
    if (hits.length === 1) {
      const d = hits[0].metrics!.deltaPlus1!;
      detail = `95% CI ${formatPercent(d.ciLow / baseline)} to ${formatPercent(d.ciHigh / baseline)}`;
    } else {
      detail = `mean of ${hits.length} draws, range ${formatPercent(Math.min(...rel))} to ${formatPercent(Math.max(...rel))}`;
    }
    lines.push(`k=${count} ${type} heads: P(+1) ${formatPercent(mean)} relative to baseline (${detail})`);
  }
  return lines;
}
