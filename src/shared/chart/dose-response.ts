// Dose-response spec: P(lag +1) against the number of heads ablated, one line per group (induction
// vs random), with a band: the 95% CI, or for random heads drawn several times the range over draws.
// doseSeriesFromConditions turns a study's conditions + metrics into the series.

import { first } from '../checked';
import type { Condition, ConditionMetrics, Interval } from '../study/types';
import { layerRangeLabel } from '../study/labels';
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
}

export interface DoseChartInput {
  series: DoseSeries[];
  title: string;
  subtitle?: string;
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
      pointRadius: 3.5,
      fill: false,
      order: 0,
    });
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

/**
 * One series per (head type, mode, layer range) group, each starting at the shared baseline (k = 0).
 * With several random draws the line is the mean over draws and the band their min..max range;
 * otherwise the band is the condition's 95% CI.
 */
export function doseSeriesFromConditions(
  conditions: Condition[],
  metrics: Record<string, ConditionMetrics>,
  pick: (m: ConditionMetrics) => Interval = (m) => m.pPlus1,
): DoseSeries[] {
  const baseline = conditions.find((c) => c.headType === 'none');
  const ablated = conditions.filter((c) => c.headType !== 'none');
  const groupKey = (c: Condition) => `${c.headType}|${c.mode}|${c.layerRange}`;
  const keys = [...new Set(ablated.map(groupKey))];
  const modes = new Set(ablated.map((c) => c.mode));
  const ranges = new Set(ablated.map((c) => c.layerRange));
  const typeCounts = new Map<string, number>();
  const headTypeOf = (key: string) => key.slice(0, key.indexOf('|'));
  for (const k of keys) typeCounts.set(headTypeOf(k), (typeCounts.get(headTypeOf(k)) ?? 0) + 1);

  return keys.map((key, i) => {
    const members = ablated.filter((c) => groupKey(c) === key);
    const lead = first(members); // the key came from a member
    const draws = new Set(members.map((c) => c.draw)).size;
    const points: DosePoint[] = [];
    const baselineMetrics = baseline && metrics[baseline.key];
    if (baselineMetrics) {
      const b = pick(baselineMetrics);
      points.push({ count: 0, value: b.value, low: b.ciLow, high: b.ciHigh });
    }
    for (const count of [...new Set(members.map((c) => c.count))].sort((a, b) => a - b)) {
      const vals = members.flatMap((c) => {
        const m = c.count === count ? metrics[c.key] : undefined;
        return m ? [pick(m)] : [];
      });
      const [only] = vals;
      if (!only) continue;
      if (vals.length === 1) {
        points.push({ count, value: only.value, low: only.ciLow, high: only.ciHigh });
      } else {
        const v = vals.map((x) => x.value);
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        points.push({ count, value: mean, low: Math.min(...v), high: Math.max(...v) });
      }
    }
    let label = headTypeLabel(lead.headType);
    if (modes.size > 1) label += `, ${modeLabel(lead.mode)}`;
    if (ranges.size > 1) label += `, ${layerRangeLabel(lead.layerRange)}`;
    if (draws > 1) label += ` (mean of ${draws} draws; band: range)`;
    const type = lead.headType as 'induction' | 'random';
    const color = typeCounts.get(type) === 1 ? GROUP_COLORS[type] : paletteColor(i);
    return { label, color, points };
  });
}
