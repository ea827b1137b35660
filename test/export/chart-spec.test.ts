// Chart specs (src/shared/chart): datasets, CI bands, windowing, log clamping, dose-response series.

import { describe, expect, it } from 'vitest';
import {
  BASELINE_COLOR,
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

  it('starts every group at the baseline; random draws give their mean and min..max band', () => {
    const series = doseSeriesFromConditions(conditions, metrics);
    expect(series.map((s) => s.label)).toEqual(['induction heads', 'random heads (mean of 2 draws; band: range)']);
    expect(at(series, 0).color).toBe(GROUP_COLORS.induction);
    expect(at(series, 1).color).toBe(GROUP_COLORS.random);
    expect(at(series, 0).points.map((p) => [p.count, p.value])).toEqual([[0, 0.5], [1, 0.3], [4, 0.05]]);
    const r4 = at(at(series, 1).points, 2);
    expect(r4.count).toBe(4);
    expect(r4.value).toBeCloseTo(0.43, 12);
    expect([r4.low, r4.high]).toEqual([0.41, 0.45]);
    // Induction (one draw): the band is the CI.
    const i1 = at(at(series, 0).points, 1);
    expect([i1.low, i1.high]).toEqual([metrics['ind-1']?.pPlus1.ciLow, metrics['ind-1']?.pPlus1.ciHigh]);
  });

  it('builds a line chart with counts on x and a band per group', () => {
    const spec = doseResponseSpec({ series: doseSeriesFromConditions(conditions, metrics), title: 'D' });
    const lines = spec.data.datasets.filter((_, i) => i % 3 === 2);
    expect(lines.map((d) => d.data.map((p) => p.x))).toEqual([[0, 1, 4], [0, 1, 4]]);
    expect(spec.data.datasets.map((d) => d.fill)).toEqual([false, '-1', false, false, '-1', false]);
    expect((spec.options?.scales?.x as { title: { text: string } }).title.text).toBe('Number of heads ablated');
  });
});
