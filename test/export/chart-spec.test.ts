// Chart specs (src/shared/chart): datasets, CI bands, windowing, log clamping, dose-response series.

import { describe, expect, it } from 'vitest';
import {
  BASELINE_COLOR,
  bandNote,
  doseResponseSpec,
  doseSeriesFromConditions,
  GROUP_COLORS,
  lagChartSpec,
  PALETTE,
  withAlpha,
} from '../../src/shared/chart';
import { condition, metricsFor, syntheticCurve } from './fixtures';
import { at, entry } from '../../src/shared/checked';

describe('lagChartSpec', () => {
  const base = syntheticCurve(21, 0.4);
  const abl = syntheticCurve(21, 0.1);

  it('draws one line per condition with a CI band filled between its edges', () => {
    const spec = lagChartSpec({
      curves: [
        { label: 'baseline', curve: base, color: BASELINE_COLOR },
        { label: '5 heads', curve: abl },
      ],
      title: 'T',
      subtitle: 'S',
    });
    expect(spec.type).toBe('line');
    const ds = spec.data.datasets;
    expect(ds).toHaveLength(6);
    // [high edge, low edge filling to it, mean line] per condition.
    expect(ds.map((d) => d.fill)).toEqual([false, '-1', false, false, '-1', false]);
    expect(at(ds, 2).label).toBe('baseline');
    expect(at(ds, 2).borderColor).toBe(BASELINE_COLOR);
    expect(at(ds, 5).borderColor).toBe(PALETTE[1]);
    expect(at(ds, 4).backgroundColor).toBe(withAlpha(at(PALETTE, 1), 0.18));
    expect(at(ds, 2).data.map((p) => p.x)).toEqual(base.lags);
    expect(at(ds, 2).data.map((p) => p.y)).toEqual(base.mean);
    expect(at(ds, 1).data.map((p) => p.y)).toEqual(base.ciLow);
    expect(at(ds, 0).data.map((p) => p.y)).toEqual(base.ciHigh);
    expect(spec.options?.plugins?.title?.text).toBe('T');
    expect(spec.options?.plugins?.subtitle?.text).toBe('S');
    // Legend and tooltips hide the band edges.
    const filter = spec.options?.plugins?.legend?.labels?.filter as (item: { datasetIndex: number }) => boolean;
    expect([0, 1, 2, 3, 4, 5].filter((i) => filter({ datasetIndex: i }))).toEqual([2, 5]);
    expect(spec.plugins?.map((p) => p.id)).toEqual(['lagZeroLine', 'canvasBackground']);
  });

  it('keeps only lags inside the window and fixes the x range', () => {
    const spec = lagChartSpec({ curves: [{ label: 'a', curve: base }], title: 'T', lagWindow: 3 });
    expect(at(spec.data.datasets, 2).data.map((p) => p.x)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    const x = spec.options?.scales?.x as { min?: number; max?: number };
    expect([x.min, x.max]).toEqual([-3, 3]);
  });

  it('clamps non-positive values on a log axis to a tenth of the smallest positive mean', () => {
    const curve = { ...base, ciLow: base.ciLow.map(() => -0.5) };
    const spec = lagChartSpec({ curves: [{ label: 'a', curve }], title: 'T', logScale: true, bands: true });
    expect(spec.options?.scales?.y?.type).toBe('logarithmic');
    expect(new Set(at(spec.data.datasets, 1).data.map((p) => p.y))).toEqual(new Set([0.001]));
  });

  it('omits bands and background on request', () => {
    const spec = lagChartSpec({ curves: [{ label: 'a', curve: base }], title: 'T', bands: false, background: null });
    expect(spec.data.datasets).toHaveLength(1);
    expect(spec.plugins?.map((p) => p.id)).toEqual(['lagZeroLine']);
  });
});

describe('doseSeriesFromConditions / doseResponseSpec', () => {
  const S = 11;
  const baseCurve = syntheticCurve(S, 0.5);
  const conditions = [
    condition('baseline', 'none', 0),
    condition('ind-1', 'induction', 1),
    condition('ind-4', 'induction', 4),
    condition('rnd-1-d0', 'random', 1, 0),
    condition('rnd-1-d1', 'random', 1, 1),
    condition('rnd-4-d0', 'random', 4, 0),
    condition('rnd-4-d1', 'random', 4, 1),
  ];
  const peaks: Record<string, number> = {
    baseline: 0.5, 'ind-1': 0.3, 'ind-4': 0.05, 'rnd-1-d0': 0.49, 'rnd-1-d1': 0.47, 'rnd-4-d0': 0.45, 'rnd-4-d1': 0.41,
  };
  const metrics = Object.fromEntries(
    conditions.map((c) => [c.key, metricsFor(syntheticCurve(S, entry(peaks, c.key)), c.key === 'baseline' ? null : baseCurve)]),
  );

  it('starts every group at the baseline; random draws give their mean, a 95% CI over draws and dots', () => {
    const series = doseSeriesFromConditions(conditions, metrics);
    expect(series.map((s) => s.label)).toEqual(['induction heads', 'random heads (mean of 2 draws)']);
    expect(series.map((s) => s.band)).toEqual(['95% CI over trials', '95% CI over draws']);
    expect(at(series, 0).color).toBe(GROUP_COLORS.induction);
    expect(at(series, 1).color).toBe(GROUP_COLORS.random);
    expect(at(series, 0).points.map((p) => [p.count, p.value])).toEqual([[0, 0.5], [1, 0.3], [4, 0.05]]);
    const r4 = at(at(series, 1).points, 2);
    expect(r4.count).toBe(4);
    expect(r4.value).toBeCloseTo(0.43, 12);
    // Two draws 0.45 and 0.41: mean 0.43 ± t(0.975, 1) · SD/√2 = 12.706 · 0.02.
    expect(r4.low).toBeCloseTo(0.43 - 12.706204736174694 * 0.02, 10);
    expect(r4.high).toBeCloseTo(0.43 + 12.706204736174694 * 0.02, 10);
    expect(at(series, 1).drawPoints).toEqual([
      { count: 1, value: 0.49 },
      { count: 1, value: 0.47 },
      { count: 4, value: 0.45 },
      { count: 4, value: 0.41 },
    ]);
    // Or the plain range over draws, on request.
    const ranged = doseSeriesFromConditions(conditions, metrics, undefined, { drawBand: 'range' });
    const rangedR4 = at(at(ranged, 1).points, 2);
    expect([rangedR4.low, rangedR4.high]).toEqual([0.41, 0.45]);
    expect(at(ranged, 1).band).toBe('range over draws');
    // Induction (one draw): the band is the CI.
    const i1 = at(at(series, 0).points, 1);
    expect([i1.low, i1.high]).toEqual([metrics['ind-1']?.pPlus1.ciLow, metrics['ind-1']?.pPlus1.ciHigh]);
    expect(bandNote(series)).toBe('bands: induction heads, 95% CI over trials; random heads (mean of 2 draws), 95% CI over draws; dots: single draws');
  });

  it('builds a line chart with counts on x and a band per group', () => {
    const spec = doseResponseSpec({ series: doseSeriesFromConditions(conditions, metrics), title: 'D' });
    const lines = spec.data.datasets.filter((d) => d.order === 0 && d.showLine !== false);
    expect(lines.map((d) => d.data.map((p) => p.x))).toEqual([[0, 1, 4], [0, 1, 4]]);
    // [high edge, low edge, line] per group; the random group adds its draws as dots (no line).
    expect(spec.data.datasets.map((d) => d.fill)).toEqual([false, '-1', false, false, '-1', false, false]);
    const dots = at(spec.data.datasets, 6);
    expect(dots.showLine).toBe(false);
    expect(dots.data).toHaveLength(4);
    const filter = spec.options?.plugins?.legend?.labels?.filter as (item: { datasetIndex: number }) => boolean;
    expect([0, 1, 2, 3, 4, 5, 6].filter((i) => filter({ datasetIndex: i }))).toEqual([2, 5]);
    expect((spec.options?.scales?.x as { title: { text: string } }).title.text).toBe('Number of heads ablated');
  });
});
