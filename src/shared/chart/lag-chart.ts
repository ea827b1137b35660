// Lag plot spec: mean probability per lag, one line per condition with a translucent 95% CI band and
// a dashed line at lag 0. A plain chart.js configuration, drawn by the renderer and by the headless
// PNG export (src/main/export/png.ts), so a saved figure matches the screen.

import { at } from '../checked';
import type { LagCurve } from '../study/types';
import { backgroundPlugins, bandEdge, lineChartPlugins, valueAxis, type LineChartSpec, type LineDataset, type Point } from './line-chart';
import { verticalLinePlugin } from './plugins';
import { BASELINE_COLOR, paletteColor } from './palette';

export type { LineChartSpec, Point } from './line-chart';

export interface LagSeries {
  label: string;
  curve: LagCurve;
  /** Defaults to the palette colour of the series' index. */
  color?: string;
}

export interface LagChartInput {
  curves: LagSeries[];
  title: string;
  /** One line, or several (an array). */
  subtitle?: string | string[];
  /** Show lags -lagWindow..+lagWindow only (all lags when absent). */
  lagWindow?: number;
  logScale?: boolean;
  /** Draw the CI bands (default true). */
  bands?: boolean;
  /** Canvas background; null keeps it transparent (default white). */
  background?: string | null;
}

/** Colour for the i-th condition of a plot; the baseline always gets BASELINE_COLOR. */
export function seriesColor(label: string, index: number): string {
  return /baseline/i.test(label) ? BASELINE_COLOR : paletteColor(index);
}

export function lagChartSpec(input: LagChartInput): LineChartSpec {
  const bands = input.bands ?? true;
  const win = input.lagWindow;
  const inWindow = (lag: number) => win === undefined || Math.abs(lag) <= win;
  const floor = input.logScale ? positiveFloor(input.curves.map((c) => c.curve)) : -Infinity;
  const y = (v: number) => Math.max(v, floor);

  const datasets: LineDataset[] = [];
  const bandIndices = new Set<number>();
  input.curves.forEach((series, i) => {
    const color = series.color ?? seriesColor(series.label, i);
    const { lags, mean, ciLow, ciHigh } = series.curve;
    const pick = (values: number[]): Point[] => {
      const out: Point[] = [];
      lags.forEach((lag, j) => {
        if (inWindow(lag)) out.push({ x: lag, y: y(at(values, j)) });
      });
      return out;
    };
    if (bands) {
      // Two invisible edges; the lower one fills up to the upper one ('-1' = the dataset before it).
      bandIndices.add(datasets.length);
      datasets.push(bandEdge(`${series.label} (CI high)`, pick(ciHigh), false, color, 0.18));
      bandIndices.add(datasets.length);
      datasets.push(bandEdge(`${series.label} (CI low)`, pick(ciLow), '-1', color, 0.18));
    }
    datasets.push({
      label: series.label,
      data: pick(mean),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 1.5,
      pointRadius: 0,
      pointHoverRadius: 3,
      fill: false,
      order: 0,
    });
  });

  const xMin = win === undefined ? undefined : -win;
  const xMax = win === undefined ? undefined : win;
  return {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min: xMin,
          max: xMax,
          title: { display: true, text: 'Lag (position relative to the repeated token)' },
          ticks: { precision: 0 },
        },
        y: valueAxis('Mean probability', input.logScale),
      },
      plugins: lineChartPlugins(input.title, input.subtitle, bandIndices),
    },
    plugins: [verticalLinePlugin(0), ...backgroundPlugins(input.background)],
  };
}

/** Log axes cannot show 0 or negative CI edges: clamp them to a tenth of the smallest positive mean. */
function positiveFloor(curves: LagCurve[]): number {
  let min = Infinity;
  for (const c of curves) for (const v of c.mean) if (v > 0 && v < min) min = v;
  return Number.isFinite(min) ? min / 10 : 1e-12;
}
