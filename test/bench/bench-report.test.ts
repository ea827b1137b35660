// The benchmark's pure parts (tools/bench): statistics, FLOP counting, condition counting, argument
// parsing, report building and its schema. No timings are asserted: the bench measures, tests don't.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH_DEFAULTS, parseBenchArgs } from '../../tools/bench/args';
import { SYNTHETIC_MODEL } from '../../tools/bench/bench-model';
import { flopsPerRow, gflopsPerSecond, paramsPerToken } from '../../tools/bench/flops';
import { mixedGateRows, spreadHeads } from '../../tools/bench/measure-engine';
import { benchReportSchema, buildProbeEntry, defaultReportPath, formatSummary, rankBatches, writeReport, type BenchReport } from '../../tools/bench/report';
import { distribution, quantile, ratio } from '../../tools/bench/stats';
import { countConditions, estimateSeconds } from '../../tools/bench/study-size';
import { resolveConditions } from '../../src/shared/study/heads';
import { demoPreset, paperPreset } from '../../src/shared/study/presets';
import { tinyLlama3 } from '../../tools/fixtures/tiny-models';

describe('stats', () => {
  it('quantiles interpolate linearly between closest ranks (numpy default)', () => {
    const xs = [5, 1, 4, 2, 3];
    const d = distribution(xs);
    // positions (n-1)q = 0.4, 2, 3.6 over [1, 2, 3, 4, 5]
    expect(d).toEqual({ n: 5, median: 3, p10: 1.4, p90: 4.6, min: 1, max: 5, mean: 3 });
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([7], 0.9)).toBe(7);
    expect(xs).toEqual([5, 1, 4, 2, 3]); // input left unsorted
  });

  it('refuses empty and non-finite samples, and ratios to nothing', () => {
    expect(() => distribution([])).toThrow(/no samples/);
    expect(() => distribution([1, NaN])).toThrow(/non-finite/);
    expect(() => quantile([1], 1.5)).toThrow(/level/);
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNull();
    expect(ratio(3, NaN)).toBeNull();
  });
});

describe('flops', () => {
  it('counts per-token matmul weights exactly as the checkpoint holds them', () => {
    const model = tinyLlama3(SYNTHETIC_MODEL);
    const matmul = /(q|k|v|o|gate|up|down)_proj\.weight$/;
    const counted = Object.entries(model.tensors)
      .filter(([name]) => matmul.test(name))
      .reduce((sum, [, t]) => sum + t.data.length, 0);
    const spec = {
      nLayers: 4, nHeads: 8, nKvHeads: 2, headDim: 16, hiddenSize: 128, intermediateSize: 384, vocabSize: 2000,
      mlp: { kind: 'gated' as const },
    };
    console.log(`matmul weights in checkpoint ${counted}, formula ${paramsPerToken(spec)}`);
    expect(paramsPerToken(spec)).toBe(counted);
  });

  it('adds the causal half of attention and a last-position LM head', () => {
    const spec = { nLayers: 2, nHeads: 4, nKvHeads: 4, headDim: 8, hiddenSize: 32, intermediateSize: 128, vocabSize: 100, mlp: { kind: 'plain' as const } };
    const f = flopsPerRow(spec, 10);
    // P = 2 * (4 * 32*32 + 2 * 32 * 128) = 24576
    expect(f.paramsPerToken).toBe(24576);
    expect(f.linear).toBe(2 * 24576 * 10);
    expect(f.attention).toBe(2 * 2 * 4 * 100 * 8);
    expect(f.lmHead).toBe(2 * 32 * 100);
    expect(f.total).toBe(f.linear + f.attention + f.lmHead);
    expect(gflopsPerSecond(1e9, 4, 2000)).toBe(2);
  });
});

describe('study size', () => {
  const scoresFor = (nLayers: number, nHeads: number) =>
    Array.from({ length: nLayers * nHeads }, (_, i) => ({ layer: Math.floor(i / nHeads), head: i % nHeads, score: (i * 37) % 101 }));

  it('counts conditions as resolveConditions builds them', () => {
    const demo = demoPreset('/m');
    const paper = paperPreset('/m');
    const demoResolved = resolveConditions(demo, scoresFor(4, 8), { nLayers: 4, nHeads: 8 }).length;
    const paperResolved = resolveConditions(paper, scoresFor(12, 12), { nLayers: 12, nHeads: 12 }).length;
    console.log(`demo ${countConditions(demo)} vs ${demoResolved}; paper ${countConditions(paper)} vs ${paperResolved}`);
    expect(countConditions(demo)).toBe(25); // 1 + 4 induction + 4 x 5 random
    expect(countConditions(demo)).toBe(demoResolved);
    expect(countConditions(paper)).toBe(11);
    expect(countConditions(paper)).toBe(paperResolved);
    expect(estimateSeconds(25, 300, 50)).toBe(150);
    expect(estimateSeconds(25, 300, 0)).toBeNull();
  });

  it('mixes zero, mean and untouched rows over distinct heads', () => {
    const heads = spreadHeads({ nLayers: 4, nHeads: 8 });
    expect(new Set(heads.map((h) => `${h.layer}.${h.head}`)).size).toBe(4);
    expect(heads.every((h) => h.layer < 4 && h.head < 8)).toBe(true);
    expect(spreadHeads({ nLayers: 1, nHeads: 2 })).toHaveLength(2);
    expect(mixedGateRows({ nLayers: 4, nHeads: 8 }, 4).map((r) => `${r.mode}:${r.heads.length}`)).toEqual(['zero:4', 'mean:4', 'none:0', 'zero:4']);
  });
});

describe('arguments', () => {
  it('has defaults and parses every flag', () => {
    expect(parseBenchArgs([])).toEqual({ ...BENCH_DEFAULTS, modelDir: null, out: null, help: false });
    const o = parseBenchArgs(['--model', 'm', '--out', 'r.json', '--repeats', '3', '--batches', '8, 1,4,8', '--seq-len', '101', '--threads', '2', '--study-trials', '0']);
    expect(o).toMatchObject({ modelDir: 'm', out: 'r.json', repeats: 3, batches: [1, 4, 8], seqLen: 101, threads: 2, studyTrials: 0 });
  });

  it('names the bad flag', () => {
    expect(() => parseBenchArgs(['--repeats', '0'])).toThrow(/^--repeats: must be an integer of at least 1, got "0"/);
    expect(() => parseBenchArgs(['--batches', '1,x'])).toThrow(/^--batches: .*"x"/);
    expect(() => parseBenchArgs(['--seq-len', '2.5'])).toThrow(/^--seq-len:/);
    expect(() => parseBenchArgs(['--nope'])).toThrow(/^bench arguments: .*nope/);
  });
});

function sampleReport(probe: ReturnType<typeof buildProbeEntry>[]): BenchReport {
  const d = distribution([900, 1000, 1100]);
  return {
    schema: 1, date: '2026-01-01T00:00:00.000Z', command: [],
    options: { repeats: 5, batches: [1, 8], seqLen: 501, threads: 0, loadRepeats: 3, studyTrials: 20 },
    machine: { cpus: 2, model: 'cpu', totalmem: 1, node: 'v20', ortVersion: '1.30.0', platform: 'linux', arch: 'x64', loadavgStart: [1, 1, 1], loadavgEnd: [1, 1, 1] },
    model: { dir: '/m', source: 'synthetic', checksum: 'abc', spec: { family: 'llama', nLayers: 4, nHeads: 8, nKvHeads: 2, hiddenSize: 128, intermediateSize: 384, vocabSize: 2000 }, syntheticOptions: { hidden: 128 }, provider: 'cpu', dtype: 'float32', engineVersion: '1' },
    compile: { repeats: 3, coldWallMs: d, coldCompileMs: d, cachedWallMs: d, allColdCompiled: true, allCachedHit: true, coldOverCached: 1, note: '' },
    flops: { formula: 'f', seqLen: 501, perRow: { paramsPerToken: 1, linear: 1, attention: 1, lmHead: 1, total: 1.2e9 } },
    probe, bestBatch: rankBatches(probe),
    demoPreset: { conditions: 25, trials: 300, seqLen: 501, batch: 8, engineRowsPerSecond: 40, runnerRowsPerSecond: null, secondsAtEngineRate: 187.5, secondsAtRunnerRate: null, note: '' },
    demoPresetEstimateSeconds: 187.5,
    studyRun: { status: 'skipped', reason: '--study-trials 0' },
    memory: { maxRssMB: 300, worker: 'thread', snapshots: [{ label: 'start', rssMB: 1, heapUsedMB: 1, externalMB: 1, arrayBuffersMB: 0, maxRssMB: 1 }] },
    durationSeconds: 10,
  };
}

describe('report', () => {
  it('turns batch times into rates, percentiles and GFLOP/s', () => {
    const one = buildProbeEntry(1, 501, [50, 40, 60, 45, 55], 1e9, true);
    const eight = buildProbeEntry(8, 501, [200, 250, 300, 220, 280], 1e9, true);
    const broken = buildProbeEntry(16, 501, [100, 100], 1e9, false);
    expect(one.msPerBatch.median).toBe(50);
    expect(one.rowsPerSecond.median).toBe(20);
    // The slow end of time (p90 = 58 ms) is the slow end of rate.
    expect(one.rowsPerSecond.p10).toBe(Math.round((1000 / 58) * 1000) / 1000);
    expect(eight.rowsPerSecond.median).toBe(32);
    expect(eight.msPerRow.median).toBe(31.25);
    expect(eight.gflops.median).toBe(32);
    const best = rankBatches([one, eight, broken]);
    // B=16 is faster on paper but its outputs were invalid: never the best.
    expect(best).toEqual({ batch: 8, rowsPerSecond: 32 });
    expect(eight.speedupVsBatch1).toBe(1.6);
  });

  it('writes a report its schema accepts and summarises it', () => {
    const report = sampleReport([buildProbeEntry(1, 501, [50, 40, 60], 1.2e9, true), buildProbeEntry(8, 501, [200, 250, 300], 1.2e9, true)]);
    const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
    try {
      const path = join(dir, 'sub', 'r.json');
      writeReport(path, report);
      expect(benchReportSchema.parse(JSON.parse(readFileSync(path, 'utf8')))).toEqual(report);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const summary = formatSummary(report, '/x/r.json');
    expect(summary).toMatch(/^\s+8\s+250\.0 \[p10 210\.0, p90 290\.0\]/m);
    expect(summary).toContain('Study run: skipped (--study-trials 0)');
    expect(summary).toContain('~188 s at the raw engine rate');
    expect(() => writeReport(join(tmpdir(), 'never.json'), { ...report, schema: 2 as 1 })).toThrow();
    const measured: BenchReport['studyRun'] = {
      status: 'measured', conditions: 25, trials: 20, seqLen: 501, batch: 8, rows: 500, createMs: 500, runWallMs: 30000, engineMs: 27000,
      runnerRowsPerSecond: 16.7, wallRowsPerSecond: 16.7, engineOnlyRowsPerSecond: 18.5, rawProbeRowsPerSecond: 20, rawProbeAfterRowsPerSecond: 19, rawProbeDrift: 0.95,
      runnerVsRaw: 0.835, engineInRunVsRaw: 0.925, overheadShare: 0.1, progressEvents: 65, finalStatus: 'done', dbBytes: 2_000_000, dbBytesPerRow: 4000,
    };
    const withRun = benchReportSchema.parse({ ...report, studyRun: measured });
    expect(formatSummary(withRun, '/x/r.json')).not.toContain('WARNING');
    expect(formatSummary({ ...withRun, studyRun: { ...measured, rawProbeDrift: 2.1 } }, '/x/r.json')).toContain('WARNING: the raw rate moved x2.10');
    expect(formatSummary(withRun, '/x/r.json')).toMatch(/runner 16\.70 rows\/s vs raw probe 20\.00 rows\/s \(x0\.83;[\s\S]*10\.0% of run time outside the engine/);
    expect(() => benchReportSchema.parse({ ...report, probe: [{ ...report.probe[0], msPerBatch: undefined }] })).toThrow();
  });

  it('names default reports by date and time', () => {
    expect(defaultReportPath(new Date('2026-11-26T17:25:04.123Z'), '/repo')).toBe('/repo/bench/report-2026-11-26T17-25-04Z.json');
  });
});
