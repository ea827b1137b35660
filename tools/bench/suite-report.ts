// The side-by-side bench's JSON report (schema checked before writing), the pure arithmetic that
// turns timings into the reported ratios, and the Markdown table the README carries.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { distribution, ratio, round, roundDistribution } from './stats';

const dist = z.object({ n: z.number().int().positive(), median: z.number(), p10: z.number(), p90: z.number(), min: z.number(), max: z.number(), mean: z.number() });
const nullable = z.number().nullable();

const studyTiming = z.object({
  conditions: z.number().int(),
  trials: z.number().int(),
  /** Seconds for one trial of the study (every condition, one engine batch). */
  secondsPerStudyTrial: dist,
  /** secondsPerStudyTrial / conditions: the engine's time per (condition, trial), the seed script's unit. */
  secondsPerTrial: z.number(),
  rowsPerSecond: z.number(),
  /** Required work (flops.ts) per second at this rate. */
  gflops: z.number(),
});
export type StudyTiming = z.infer<typeof studyTiming>;

const torchSection = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('measured'),
    torch: z.string(), blas: z.string(), matmul: z.string(), threads: z.number().int(), loadSeconds: z.number(),
    /** One forward pass (batch 1, logits at every position) per sample. */
    secondsPerTrial: dist,
    peakRssMB: z.number(),
    /** Against the engine's probabilities for the same rows: max |Δ| and max relative Δ over probabilities > 1e-9. */
    maxAbsDiff: z.number(), maxRelDiff: z.number(), rowsCompared: z.number().int(),
  }),
  z.object({ status: z.literal('skipped'), reason: z.string() }),
]);

export const modelReportSchema = z.object({
  name: z.string(),
  description: z.string(),
  dir: z.string(),
  spec: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  fp32WeightMB: z.number(),
  seqLen: z.number().int(),
  gflopPerRow: z.number(),
  compile: z.object({
    wholeColdWallMs: z.number(), wholeCompileMs: z.number(), wholeCachedWallMs: z.number(),
    segmentsColdWallMs: z.number(), segmentsCompileMs: z.number(),
  }),
  /** The fp32 matmul chain at the model's MLP shapes, timed between the engine's runs, per phase. */
  matmul: z.object({ shape: z.object({ seqLen: z.number(), hidden: z.number(), intermediate: z.number(), pairs: z.number() }), gflopsWhole: dist, gflopsReuse: dist }),
  engine: z.object({ whole: studyTiming, reuseFull: studyTiming, reuseBottom: studyTiming }),
  torch: torchSection,
  /** computeInductionScores (20 sequences) on the whole engine after its rounds: the patterns graph replaces the probe's sessions, then a trial reopens them. */
  scoringSeconds: z.number(),
  /** Peak resident memory of each engine process: the whole graph (rounds, induction scores, a trial again), and layer reuse per study. */
  memory: z.object({
    wholePeakMB: z.number(), reuseBottomPeakMB: z.number(), reuseFullPeakMB: z.number(),
    wholeOverWeights: z.number(), reuseBottomOverWeights: z.number(), reuseFullOverWeights: z.number(),
  }),
  ratios: z.object({
    /** PyTorch s/trial over the engine's, per study. */
    vsTorchWhole: nullable, vsTorchReuseFull: nullable, vsTorchReuseBottom: nullable,
    /** Engine without reuse over with reuse (s/trial). Bottom: without reuse every row runs every layer, as in the full study. */
    reuseSpeedupFull: nullable, reuseSpeedupBottom: nullable,
    /** The engine's required-work GFLOP/s without reuse over the matmul chain's (same phase). */
    gflopsOverMatmul: nullable,
  }),
  loadavg: z.object({ start: z.array(z.number()), end: z.array(z.number()) }),
});
export type ModelReport = z.infer<typeof modelReportSchema>;

export const suiteReportSchema = z.object({
  schema: z.literal(3),
  date: z.string(),
  command: z.array(z.string()),
  machine: z.object({ cpus: z.number().int(), model: z.string(), totalmem: z.number(), node: z.string(), ortVersion: z.string() }),
  options: z.object({ models: z.array(z.string()), seqLen: z.number().int(), trials: z.number().int(), threads: z.number().int() }),
  models: z.array(modelReportSchema),
  durationSeconds: z.number(),
});
export type SuiteReport = z.infer<typeof suiteReportSchema>;

/** A study's timing from the seconds of each trial's batch. */
export function studyTimingOf(conditions: number, secondsPerStudyTrial: readonly number[], gflopPerRow: number): StudyTiming {
  const d = distribution(secondsPerStudyTrial);
  const perTrial = d.median / conditions;
  return {
    conditions,
    trials: d.n,
    secondsPerStudyTrial: roundDistribution(d),
    secondsPerTrial: round(perTrial, 4),
    rowsPerSecond: round(1 / perTrial),
    gflops: round(gflopPerRow / perTrial, 1),
  };
}

/** Max |a - b| and max |a - b| / |b| over b > 1e-9. */
export function compareProbs(a: ArrayLike<number>, b: ArrayLike<number>): { maxAbs: number; maxRel: number } {
  if (a.length !== b.length) throw new RangeError(`cannot compare ${a.length} probabilities with ${b.length}`);
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? NaN;
    const y = b[i] ?? NaN;
    const d = Math.abs(x - y);
    if (!Number.isFinite(d)) return { maxAbs: Infinity, maxRel: Infinity };
    maxAbs = Math.max(maxAbs, d);
    if (y > 1e-9) maxRel = Math.max(maxRel, d / y);
  }
  return { maxAbs, maxRel };
}

export function ratiosOf(r: Pick<ModelReport, 'engine' | 'torch' | 'matmul'>): ModelReport['ratios'] {
  const torch = r.torch.status === 'measured' ? r.torch.secondsPerTrial.median : NaN;
  const e = r.engine;
  const rounded = (x: number | null) => (x === null ? null : round(x, 2));
  return {
    vsTorchWhole: rounded(ratio(torch, e.whole.secondsPerTrial)),
    vsTorchReuseFull: rounded(ratio(torch, e.reuseFull.secondsPerTrial)),
    vsTorchReuseBottom: rounded(ratio(torch, e.reuseBottom.secondsPerTrial)),
    reuseSpeedupFull: rounded(ratio(e.whole.secondsPerTrial, e.reuseFull.secondsPerTrial)),
    reuseSpeedupBottom: rounded(ratio(e.whole.secondsPerTrial, e.reuseBottom.secondsPerTrial)),
    gflopsOverMatmul: rounded(ratio(e.whole.gflops, r.matmul.gflopsWhole.median)),
  };
}

export function writeSuiteReport(path: string, report: SuiteReport): void {
  const checked = suiteReportSchema.parse(report);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(checked, null, 2)}\n`);
}

const f = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

/** The README's table: one row per model. */
export function markdownTable(r: SuiteReport): string {
  const head = [
    '| model | fp32 weights | PyTorch s/trial | ours s/trial (no reuse) | ×PyTorch | reuse: full / bottom s/trial | ×PyTorch full / bottom | reuse speed-up bottom | GFLOP/s (share of matmul rate) | peak memory / fp32 weights (no reuse with scoring; reuse bottom, full) | compile s |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const rows = r.models.map((m) => {
    const torch = m.torch.status === 'measured' ? f(m.torch.secondsPerTrial.median, 3) : 'skipped';
    return [
      m.name,
      m.fp32WeightMB >= 1024 ? `${f(m.fp32WeightMB / 1024, 2)} GiB` : `${f(m.fp32WeightMB, 0)} MiB`,
      torch,
      f(m.engine.whole.secondsPerTrial, 3),
      f(m.ratios.vsTorchWhole),
      `${f(m.engine.reuseFull.secondsPerTrial, 3)} / ${f(m.engine.reuseBottom.secondsPerTrial, 3)}`,
      `${f(m.ratios.vsTorchReuseFull)} / ${f(m.ratios.vsTorchReuseBottom)}`,
      f(m.ratios.reuseSpeedupBottom),
      `${f(m.engine.whole.gflops, 0)} (${f((m.ratios.gflopsOverMatmul ?? NaN) * 100, 0)}% of ${f(m.matmul.gflopsWhole.median, 0)})`,
      `${f(m.memory.wholeOverWeights)}×; ${f(m.memory.reuseBottomOverWeights)}×, ${f(m.memory.reuseFullOverWeights)}×`,
      `${f(m.compile.wholeColdWallMs / 1000, 1)}`,
    ].join(' | ');
  });
  return [...head, ...rows.map((x) => `| ${x} |`)].join('\n');
}
