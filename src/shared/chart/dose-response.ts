// Dose-response spec: P(lag +1) against the number of heads ablated, one line per group (induction
// vs random) with a band that says what it is: a condition's 95% CI over trials, or for random heads
// drawn several times the 95% CI over draws (t, df = draws - 1) with each draw as a dot.
// doseSeriesFromConditions turns a study's conditions + metrics into the series.

import { betweenDrawsEstimate } from '../study/estimates';
import type { Condition, ConditionMetrics, Interval } from '../study/types';
import { countOf, layerRangeLabel } from '../study/labels';
import { headTypeLabel, modeLabel } from './labels';
import { backgroundPlugins, bandEdge, lineChartPlugins, valueAxis, type LineChartSpec, type LineDataset } from './line-chart';
import { GROUP_COLORS, paletteColor } from './palette';

export interface DosePoint {
  count: number;
  value: number;
  low: number;
  high: number;
}

export interface DoseSeries {
  label: string;
  color?: string;
  points: DosePoint[];
  /** What the band is, in words (e.g. "95% CI over trials"), for the subtitle and legends. */
  band?: string;
  /** Single random draws, drawn as dots around the line (the mean over draws). */
  drawPoints?: { count: number; value: number }[];
  /** Line dash pattern, e.g. [6, 4] (default solid). */
  dash?: number[];
}

export interface DoseSeriesOptions {
  /** Band of a count with several random draws: 'ci' = 95% CI over draws (default), 'range' = min..max. */
  drawBand?: 'ci' | 'range';
}

export interface DoseChartInput {
  series: DoseSeries[];
  title: string;
  /** One line, or several (an array). */
  subtitle?: string | string[];
  /** Default 'P(lag +1)'. */
  yLabel?: string;
  logScale?: boolean;
  background?: string | null;
}

export function doseResponseSpec(input: DoseChartInput): LineChartSpec {
  const datasets: LineDataset[] = [];
  const bandIndices = new Set<number>();
  input.series.forEach((s, i) => {
    const color = s.color ?? paletteColor(i);
    // A log axis cannot show a band edge at or below 0: clamp it to a tenth of the line's value.
    const pts = [...s.points]
      .sort((a, b) => a.count - b.count)
      .map((p) => (input.logScale && p.low <= 0 ? { ...p, low: p.value / 10 } : p));
    bandIndices.add(datasets.length);
    datasets.push(bandEdge(`${s.label} (high)`, pts.map((p) => ({ x: p.count, y: p.high })), false, color, 0.2));
    bandIndices.add(datasets.length);
    datasets.push(bandEdge(`${s.label} (low)`, pts.map((p) => ({ x: p.count, y: p.low })), '-1', color, 0.2));
    datasets.push({
      label: s.label,
      data: pts.map((p) => ({ x: p.count, y: p.value })),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      borderDash: s.dash,
      pointRadius: 3.5,
      fill: false,
      order: 0,
    });
    if (s.drawPoints?.length) {
      // Dots only; kept out of the legend like the band edges.
      bandIndices.add(datasets.length);
      datasets.push({
        label: `${s.label} (single draws)`,
        data: s.drawPoints.map((p) => ({ x: p.count, y: p.value })),
        borderColor: color,
        backgroundColor: color,
        showLine: false,
        pointRadius: 2,
        pointHoverRadius: 3,
        fill: false,
        order: 0,
      });
    }
  });
  return {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      parsing: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: 'Number of heads ablated' },
          ticks: { precision: 0 },
        },
        y: valueAxis(input.yLabel ?? 'P(lag +1)', input.logScale),
      },
      plugins: lineChartPlugins(input.title, input.subtitle, bandIndices),
    },
    plugins: backgroundPlugins(input.background),
  };
}

/** "bands: induction heads, 95% CI over trials; random heads (mean of 5 draws), 95% CI over draws, dots: draws". */
export function bandNote(series: readonly DoseSeries[]): string {
  const parts = series.filter((s) => s.band).map((s) => `${s.label}, ${s.band}`);
  const dots = series.some((s) => s.drawPoints?.length) ? '; dots: single draws' : '';
  return parts.length ? `bands: ${parts.join('; ')}${dots}` : '';
}

/**
 * One series per (head type, mode, layer range) group, each starting at the shared baseline (k = 0).
 * With several random draws the line is the mean over draws, the band their 95% CI over draws (or
 * min..max with `drawBand: 'range'`) and each draw a dot; otherwise the band is the condition's CI.
 */
export function doseSeriesFromConditions(
  conditions: Condition[],
  metrics: Record<string, ConditionMetrics>,
  pick: (m: ConditionMetrics) => Interval = (m) => m.pPlus1,
  options: DoseSeriesOptions = {},
): DoseSeries[] {
  const baseline = conditions.find((c) => c.headType === 'none');
  const ablated = conditions.filter((c) => c.headType !== 'none');
  const groupKey = (c: Condition) => `${c.headType}|${c.mode}|${c.layerRange}`;
  const modes = new Set(ablated.map((c) => c.mode));
  const ranges = new Set(ablated.map((c) => c.layerRange));
  const typeCounts = new Map<string, number>();
  for (const c of new Map(ablated.map((x) => [groupKey(x), x])).values()) typeCounts.set(c.headType, (typeCounts.get(c.headType) ?? 0) + 1);
  const baselineValue = baseline ? metrics[baseline.key] : undefined;

  return ablated
    .filter((c, i) => ablated.findIndex((x) => groupKey(x) === groupKey(c)) === i)
    .map((lead, i) => {
      const members = ablated.filter((c) => groupKey(c) === groupKey(lead));
      const draws = new Set(members.map((c) => c.draw)).size;
      const points: DosePoint[] = [];
      const drawPoints: { count: number; value: number }[] = [];
      if (baselineValue) {
        const b = pick(baselineValue);
        points.push({ count: 0, value: b.value, low: b.ciLow, high: b.ciHigh });
      }
      for (const count of [...new Set(members.map((c) => c.count))].sort((a, b) => a - b)) {
        const vals = members.flatMap((c) => {
          const m = metrics[c.key];
          return c.count === count && m ? [pick(m)] : [];
        });
        const [only] = vals;
        if (!only) continue;
        if (vals.length === 1) {
          points.push({ count, value: only.value, low: only.ciLow, high: only.ciHigh });
          continue;
        }
        const v = vals.map((x) => x.value);
        const overDraws = betweenDrawsEstimate(v, 'probability');
        const [low, high] = options.drawBand === 'range' ? [Math.min(...v), Math.max(...v)] : [overDraws.ciLow, overDraws.ciHigh];
        points.push({ count, value: overDraws.value, low, high });
        drawPoints.push(...v.map((value) => ({ count, value })));
      }
      let label = headTypeLabel(lead.headType);
      if (modes.size > 1) label += `, ${modeLabel(lead.mode)}`;
      if (ranges.size > 1) label += `, ${layerRangeLabel(lead.layerRange)}`;
      if (draws > 1) label += ` (mean of ${countOf(draws, 'draw')})`;
      const band = draws > 1 ? (options.drawBand === 'range' ? 'range over draws' : '95% CI over draws') : '95% CI over trials';
      const type = lead.headType as 'induction' | 'random';
      const color = typeCounts.get(type) === 1 ? GROUP_COLORS[type] : paletteColor(i);
      return { label, color, points, band, ...(drawPoints.length ? { drawPoints } : {}) };
    });
}
