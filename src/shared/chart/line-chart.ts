// Pieces both line figures (lag-chart.ts, dose-response.ts) are built from: the spec types, a CI
// band's invisible edge, the value axis (linear from 0, or log), the title / legend / tooltip block
// that hides band edges, and the canvas background. One definition keeps the figures alike.

import { Ticks, type ChartConfiguration, type ChartDataset, type LegendItem, type Plugin, type Scale, type Tick, type TooltipItem } from 'chart.js';
import { backgroundPlugin } from './plugins';
import { withAlpha } from './palette';

export interface Point {
  x: number;
  y: number;
}

export type LineChartSpec = ChartConfiguration<'line', Point[]>;
export type LineDataset = ChartDataset<'line', Point[]>;
type LineOptions = NonNullable<LineChartSpec['options']>;
type AxisOptions = NonNullable<LineOptions['scales']>[string];

/** One invisible edge of a band; the lower edge fills up to the upper one ('-1' = the dataset before it). */
export function bandEdge(label: string, data: Point[], fill: false | '-1', color: string, alpha: number): LineDataset {
  return {
    label,
    data,
    borderWidth: 0,
    borderColor: 'transparent',
    backgroundColor: withAlpha(color, alpha),
    pointRadius: 0,
    pointHoverRadius: 0,
    fill,
    // Drawn below every mean line (chart.js draws higher `order` first).
    order: 1,
  };
}

/**
 * Log-axis tick labels: the ticks chart.js would label, written plainly (0.0003, 0.7) instead of
 * with the decimals of the smallest tick on every one (0.00030, 0.70000).
 */
function logTickLabel(this: Scale, value: number | string, index: number, ticks: Tick[]): string {
  const label = Ticks.formatters.logarithmic.call(this, Number(value), index, ticks);
  return label === '' ? '' : String(Number(Number(value).toPrecision(6)));
}

/** The y axis: linear from 0, or logarithmic with "(log scale)" after the label. */
export function valueAxis(label: string, logScale: boolean | undefined): AxisOptions {
  return logScale
    ? { type: 'logarithmic', title: { display: true, text: `${label} (log scale)` }, ticks: { callback: logTickLabel } }
    : { type: 'linear', beginAtZero: true, title: { display: true, text: label } };
}

/** Title, subtitle, legend and tooltip; the datasets in `bandIndices` (band edges) stay out of both. */
export function lineChartPlugins(title: string, subtitle: string | string[] | undefined, bandIndices: ReadonlySet<number>): LineOptions['plugins'] {
  return {
    title: { display: true, text: title, font: { size: 14, weight: 'bold' } },
    subtitle: { display: Boolean(subtitle?.length), text: subtitle ?? '', padding: { bottom: 8 } },
    legend: {
      position: 'top',
      labels: {
        boxWidth: 24,
        usePointStyle: true,
        pointStyle: 'line',
        filter: (item: LegendItem) => !bandIndices.has(item.datasetIndex ?? -1),
      },
    },
    tooltip: { filter: (item: TooltipItem<'line'>) => !bandIndices.has(item.datasetIndex) },
  };
}

/** The background plugin for a chart input's `background`: null keeps the canvas transparent (default white). */
export function backgroundPlugins(background: string | null | undefined): Plugin<'line'>[] {
  return background === null ? [] : [backgroundPlugin(background ?? '#ffffff')];
}
