// The side-by-side bench's pure parts: the seed study's conditions, the bench checkpoint shapes,
// the timing/ratio arithmetic, the probability comparison, the report schema and its Markdown table.
// No timing is asserted.

import { describe, expect, it } from 'vitest';
import { benchShape, weightBytes } from '../../tools/bench/bench-checkpoints';
import { rankedHeads, seedStudyRows } from '../../tools/bench/seed-study';
import { compareProbs, markdownTable, ratiosOf, studyTimingOf, suiteReportSchema, type ModelReport, type SuiteReport } from '../../tools/bench/suite-report';

describe('seed study', () => {
  const spec = { nLayers: 12, nHeads: 12 };

  it('ranks every head once, in a fixed order', () => {
    const a = rankedHeads(spec);
    expect(a).toHaveLength(144);
    expect(new Set(a.map((h) => `${h.layer}.${h.head}`)).size).toBe(144);
    expect(rankedHeads(spec)).toEqual(a);
  });

  it('builds 0-1-5-10-20-50 zero-ablation conditions, nested, over all layers or the upper half', () => {
    const full = seedStudyRows(spec, 'full');
    expect(full.map((r) => r.heads.length)).toEqual([0, 1, 5, 10, 20, 50]);
    expect(full.map((r) => r.mode)).toEqual(['none', 'zero', 'zero', 'zero', 'zero', 'zero']);
    expect(full[3]?.heads.slice(0, 5)).toEqual(full[2]?.heads);
    const bottom = seedStudyRows(spec, 'bottom');
    expect(bottom.flatMap((r) => r.heads).every((h) => h.layer >= 6)).toBe(true);
    // A small model: counts past the heads in range collapse into one condition.
    expect(seedStudyRows({ nLayers: 4, nHeads: 8 }, 'bottom').map((r) => r.heads.length)).toEqual([0, 1, 5, 10, 16]);
  });
});

describe('bench checkpoints', () => {
  it('have the seed models\' shapes and float32 sizes', () => {
    const llama = benchShape('llama-3.2-1b');
    expect(llama.config).toMatchObject({ num_hidden_layers: 16, hidden_size: 2048, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 8192, vocab_size: 128256, tie_word_embeddings: true });
    expect(llama.config.rope_scaling).toMatchObject({ rope_type: 'llama3', factor: 32 });
    expect(llama.tensors.some((t) => t.name === 'lm_head.weight')).toBe(false);
    // Llama-3.2-1B has 1.236e9 parameters.
    expect(weightBytes(llama) / 4 / 1e9).toBeCloseTo(1.2358, 3);
    // GPT-2 small: 124.4e6 parameters (tied, 1024 positions).
    expect(weightBytes(benchShape('gpt2-small')) / 4 / 1e6).toBeCloseTo(124.44, 1);
  });
});

describe('timings and ratios', () => {
  it('turns per-trial batch seconds into s per (condition, trial), rows/s and GFLOP/s', () => {
    const t = studyTimingOf(6, [3, 6, 4.5], 90);
    expect(t.secondsPerStudyTrial.median).toBe(4.5);
    expect(t.secondsPerTrial).toBe(0.75);
    expect(t.rowsPerSecond).toBeCloseTo(1.333, 3);
    expect(t.gflops).toBe(120);
  });

  it('compares probabilities absolutely and relatively (above 1e-9 only)', () => {
    expect(compareProbs([0.5, 1e-10, 0.2], [0.5, 2e-10, 0.25])).toEqual({ maxAbs: expect.closeTo(0.05, 12), maxRel: expect.closeTo(0.2, 12) });
    expect(compareProbs([NaN], [1]).maxAbs).toBe(Infinity);
    expect(() => compareProbs([1], [1, 2])).toThrow(/compare 1 probabilities with 2/);
  });

  it('derives the ratios to PyTorch, the reuse speed-ups and the share of the matmul rate', () => {
    const d = { n: 1, median: 2, p10: 2, p90: 2, min: 2, max: 2, mean: 2 };
    const engine = { whole: studyTimingOf(6, [3], 100), reuseFull: studyTimingOf(6, [2], 100), reuseBottom: studyTimingOf(6, [1.5], 100) };
    const torch = { status: 'measured' as const, torch: 't', blas: 'b', matmul: 'onednn', threads: 2, loadSeconds: 1, secondsPerTrial: d, peakRssMB: 1, maxAbsDiff: 0, maxRelDiff: 0, rowsCompared: 1 };
    const matmul = { shape: { seqLen: 1, hidden: 1, intermediate: 1, pairs: 1 }, gflopsWhole: { ...d, median: 400 }, gflopsReuse: d };
    expect(ratiosOf({ engine, torch, matmul })).toEqual({
      vsTorchWhole: 4, vsTorchReuseFull: 6, vsTorchReuseBottom: 8, reuseSpeedupFull: 1.5, reuseSpeedupBottom: 2, gflopsOverMatmul: 0.5,
    });
    expect(ratiosOf({ engine, torch: { status: 'skipped', reason: 'no torch' }, matmul }).vsTorchWhole).toBeNull();
  });

  it('checks the report and renders one table row per model', () => {
    const d = { n: 3, median: 1, p10: 1, p90: 1, min: 1, max: 1, mean: 1 };
    const timing = studyTimingOf(6, [3, 3, 3], 90);
    const model: ModelReport = {
      name: 'gpt2-small', description: 'GPT-2 small', dir: '/tmp/m', spec: { nLayers: 12 }, fp32WeightMB: 474.7, seqLen: 501, gflopPerRow: 90,
      compile: { wholeColdWallMs: 5000, wholeCompileMs: 2000, wholeCachedWallMs: 1000, segmentsColdWallMs: 6000, segmentsCompileMs: 2500 },
      matmul: { shape: { seqLen: 501, hidden: 768, intermediate: 3072, pairs: 2 }, gflopsWhole: { ...d, median: 200 }, gflopsReuse: d },
      engine: { whole: timing, reuseFull: timing, reuseBottom: timing },
      torch: { status: 'skipped', reason: '--no-torch' },
      scoringSeconds: 4.2,
      memory: { wholePeakMB: 800, reuseBottomPeakMB: 850, reuseFullPeakMB: 900, wholeOverWeights: 1.69, reuseBottomOverWeights: 1.79, reuseFullOverWeights: 1.9 },
      ratios: { vsTorchWhole: null, vsTorchReuseFull: null, vsTorchReuseBottom: null, reuseSpeedupFull: 1, reuseSpeedupBottom: 1, gflopsOverMatmul: 0.9 },
      loadavg: { start: [1, 1, 1], end: [1, 1, 1] },
    };
    const report: SuiteReport = {
      schema: 3, date: '2026-01-01T00:00:00Z', command: [], machine: { cpus: 2, model: 'x', totalmem: 1, node: 'v20', ortVersion: '1.30.0' },
      options: { models: ['gpt2-small'], seqLen: 501, trials: 3, threads: 0 }, models: [model], durationSeconds: 1,
    };
    expect(() => suiteReportSchema.parse(report)).not.toThrow();
    expect(() => suiteReportSchema.parse({ ...report, models: [{ ...model, memory: {} }] })).toThrow();
    const table = markdownTable(report).split('\n');
    expect(table).toHaveLength(3);
    expect(table[2]).toContain('| gpt2-small | 475 MiB | skipped | 0.500 |');
    expect(table[2]).toContain('180 (90% of 200)');
    expect(table[2]).toContain('1.69×; 1.79×, 1.90×');
  });
});
