// Number and table formatting for the terminal (`run`, `demo`, `studies show|compare`) and the app's tables: probabilities
// over decades, signed differences, ratios, percentages with as many decimals as it takes to tell
// an interval's ends apart, p-values, and plain column-aligned tables.

import { RATIO_RELATIVE_SE_LIMIT } from './estimates';
import type { Condition, Estimate, Interval, PairedContrast } from './types';

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

export function formatPercent(x: number, decimals = 1): string {
  return Number.isFinite(x) ? `${x > 0 ? '+' : ''}${(x * 100).toFixed(decimals)}%` : '—';
}

/** A relative change and its CI in percent, with 1 to 3 decimals: the fewest that keep the three apart. */
export function formatPercentInterval(i: Interval): string {
  const ends = [i.ciLow, i.value, i.ciHigh];
  let decimals = 1;
  while (decimals < 3 && new Set(ends.map((x) => formatPercent(x, decimals))).size < 3) decimals++;
  const ci = Number.isFinite(i.ciLow) ? ` [${formatPercent(i.ciLow, decimals)}, ${formatPercent(i.ciHigh, decimals)}]` : '';
  return `${formatPercent(i.value, decimals)}${ci}`;
}

/** Three significant digits, plain between 1e-3 and 1e6 (8148 -> 8150, 0.0123 -> 0.0123). */
export function formatRatio(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

export function formatRatioInterval(i: Interval): string {
  const ci = Number.isFinite(i.ciLow) ? ` [${formatRatio(i.ciLow)}, ${formatRatio(i.ciHigh)}]` : '';
  return `${formatRatio(i.value)}${ci}`;
}

/** Marks a ratio whose delta-method interval is rough (a mean's relative SE above the limit). */
export const ROUGH_RATIO_MARK = '†';

export function roughMark(contrast: Pick<PairedContrast, 'ratioRelativeSe'>): string {
  return contrast.ratioRelativeSe > RATIO_RELATIVE_SE_LIMIT ? ` ${ROUGH_RATIO_MARK}` : '';
}

export const ROUGH_RATIO_NOTE =
  `${ROUGH_RATIO_MARK} a mean in this ratio has a relative SE above ${RATIO_RELATIVE_SE_LIMIT * 100}%: ` +
  'its delta-method interval is only a rough guide; read the difference next to it.';

/** p-values: 3 decimals, then 2 significant digits; below what float64 holds, "<1e-300". */
export function formatP(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '—';
  if (p < 1e-300) return '<1e-300';
  return p >= 1e-3 ? p.toFixed(3) : p.toExponential(1);
}

/** An estimate's p-value with its Holm-adjusted value in parentheses. */
export function formatPHolm(e: Estimate, holm: number | null): string {
  return holm === null ? formatP(e.pValue) : `${formatP(e.pValue)} (${formatP(holm)})`;
}

/** Short row name: `baseline`, `induction k=5`, `random k=5 #2`, plus mode/layers when they vary. */
export function shortConditionName(c: Condition, all: readonly Condition[]): string {
  if (c.headType === 'none') return 'baseline';
  const ablated = all.filter((x) => x.headType !== 'none');
  let name = `${c.headType} k=${c.count}`;
  if (ablated.some((x) => x.headType === c.headType && x.draw > 0)) name += ` #${c.draw + 1}`;
  return name + variantSuffix(c, ablated);
}

/** ` zero`/` mean` and the layer range, where the study has more than one of them. */
export function variantSuffix(c: Pick<Condition, 'mode' | 'layerRange'>, ablated: readonly Pick<Condition, 'mode' | 'layerRange'>[]): string {
  let suffix = '';
  if (new Set(ablated.map((x) => x.mode)).size > 1) suffix += ` ${c.mode}`;
  if (new Set(ablated.map((x) => x.layerRange)).size > 1) suffix += ` ${c.layerRange}`;
  return suffix;
}

/** Columns padded to their widest cell; `align` per column (default: first left, the rest right). */
export function formatTable(header: readonly string[], rows: readonly string[][], align?: readonly ('left' | 'right')[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const left = (i: number) => (align ? align[i] === 'left' : i === 0);
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (left(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
