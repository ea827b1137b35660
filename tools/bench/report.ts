// The benchmark's JSON report: its schema (zod, checked before writing), the pure builders that
// turn raw samples into medians, percentiles, rates and ratios, and the short human summary.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { gflopsPerSecond } from './flops';
import { distribution, ratio, round, roundDistribution } from './stats';

const dist = z.object({ n: z.number().int().positive(), median: z.number(), p10: z.number(), p90: z.number(), min: z.number(), max: z.number(), mean: z.number() });
const nullableNumber = z.number().nullable();

export const probeEntrySchema = z.object({
  batch: z.number().int().positive(),
  seqLen: z.number().int().positive(),
  repeats: z.number().int().positive(),
  msPerBatch: dist,
  /** rows/s of the median, p90 and p10 batch times (p10 of rate = p90 of time). */
  rowsPerSecond: z.object({ median: z.number(), p10: z.number(), p90: z.number() }),
  msPerRow: z.object({ median: z.number() }),
  gflops: z.object({ median: z.number() }),
  /** median rows/s over batch 1's (null when batch 1 was not measured). */
  speedupVsBatch1: nullableNumber,
  outputsValid: z.boolean(),
});
export type ProbeEntry = z.infer<typeof probeEntrySchema>;

const memorySchema = z.object({
  label: z.string(), rssMB: z.number(), heapUsedMB: z.number(), externalMB: z.number(), arrayBuffersMB: z.number(), maxRssMB: z.number(),
});

const studyRunSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('measured'),
    conditions: z.number().int(), trials: z.number().int(), seqLen: z.number().int(), batch: z.number().int(), rows: z.number().int(),
    createMs: z.number(), runWallMs: z.number(), engineMs: z.number(),
    runnerRowsPerSecond: z.number(), wallRowsPerSecond: z.number(), engineOnlyRowsPerSecond: z.number(),
    /** The probe table's median at the same batch size, and the same batch timed right after the run. */
    rawProbeRowsPerSecond: nullableNumber, rawProbeAfterRowsPerSecond: z.number(),
    /** after / table rate: far from 1 means the machine's load changed between phases, so only the
     * within-run figures (overheadShare) compare like with like. */
    rawProbeDrift: nullableNumber,
    /** runner rows/s over the raw probe rate at the same batch size. */
    runnerVsRaw: nullableNumber,
    /** engine.probe's own rate inside the run over the raw probe rate (below 1: the engine, not storage, was slower). */
    engineInRunVsRaw: nullableNumber,
    /** Share of the run's wall time spent outside engine.probe (storage, bookkeeping, messaging). */
    overheadShare: z.number(),
    progressEvents: z.number().int(), finalStatus: z.string(), dbBytes: z.number().int(), dbBytesPerRow: z.number(),
  }),
  z.object({ status: z.literal('skipped'), reason: z.string() }),
  z.object({ status: z.literal('failed'), reason: z.string() }),
]);
export type StudyRunReport = z.infer<typeof studyRunSchema>;

export const benchReportSchema = z.object({
  schema: z.literal(1),
  date: z.string(),
  command: z.array(z.string()),
  options: z.object({ repeats: z.number(), batches: z.array(z.number()), seqLen: z.number(), threads: z.number(), loadRepeats: z.number(), studyTrials: z.number() }),
  machine: z.object({
    cpus: z.number().int(), model: z.string(), totalmem: z.number(), node: z.string(), ortVersion: z.string(),
    platform: z.string(), arch: z.string(),
    /** 1/5/15-minute load averages: a loaded shared machine explains wide p10-p90 ranges. */
    loadavgStart: z.array(z.number()), loadavgEnd: z.array(z.number()),
  }),
  model: z.object({
    dir: z.string(), source: z.enum(['argument', 'demo', 'synthetic']), checksum: z.string(),
    spec: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    syntheticOptions: z.record(z.string(), z.number()).nullable(),
    provider: z.string(), dtype: z.string(), engineVersion: z.string(),
  }),
  compile: z.object({
    repeats: z.number().int(),
    coldWallMs: dist, coldCompileMs: dist, cachedWallMs: dist,
    allColdCompiled: z.boolean(), allCachedHit: z.boolean(),
    /** median cold wall / median cached wall. */
    coldOverCached: nullableNumber,
    note: z.string(),
  }),
  flops: z.object({ formula: z.string(), seqLen: z.number(), perRow: z.object({ paramsPerToken: z.number(), linear: z.number(), attention: z.number(), lmHead: z.number(), total: z.number() }) }),
  probe: z.array(probeEntrySchema),
  bestBatch: z.object({ batch: z.number(), rowsPerSecond: z.number() }).nullable(),
  demoPreset: z.object({
    conditions: z.number().int(), trials: z.number().int(), seqLen: z.number().int(), batch: nullableNumber,
    engineRowsPerSecond: nullableNumber, runnerRowsPerSecond: nullableNumber,
    secondsAtEngineRate: nullableNumber, secondsAtRunnerRate: nullableNumber, note: z.string(),
  }),
  demoPresetEstimateSeconds: nullableNumber,
  studyRun: studyRunSchema,
  memory: z.object({ maxRssMB: z.number(), worker: z.string(), snapshots: z.array(memorySchema) }),
  durationSeconds: z.number(),
});
export type BenchReport = z.infer<typeof benchReportSchema>;

/** One probe row of the report from the timed passes of a batch size. */
export function buildProbeEntry(batch: number, seqLen: number, msSamples: readonly number[], rowFlops: number, outputsValid: boolean): ProbeEntry {
  const ms = distribution(msSamples);
  const rate = (t: number) => (batch * 1000) / t;
  return {
    batch,
    seqLen,
    repeats: ms.n,
    msPerBatch: roundDistribution(ms),
    rowsPerSecond: { median: round(rate(ms.median)), p10: round(rate(ms.p90)), p90: round(rate(ms.p10)) },
    msPerRow: { median: round(ms.median / batch) },
    gflops: { median: round(gflopsPerSecond(rowFlops, batch, ms.median)) },
    speedupVsBatch1: null,
    outputsValid,
  };
}

/** Fills speedupVsBatch1 and returns the batch size with the highest median rows/s. */
export function rankBatches(entries: ProbeEntry[]): { batch: number; rowsPerSecond: number } | null {
  const one = entries.find((e) => e.batch === 1);
  for (const e of entries) e.speedupVsBatch1 = one ? round(ratio(e.rowsPerSecond.median, one.rowsPerSecond.median) ?? 0) : null;
  const best = entries.filter((e) => e.outputsValid).reduce<ProbeEntry | null>((a, e) => (!a || e.rowsPerSecond.median > a.rowsPerSecond.median ? e : a), null);
  return best ? { batch: best.batch, rowsPerSecond: best.rowsPerSecond.median } : null;
}

/** bench/report-2025-11-26T17-25-04Z.json: the date, and the time so two runs a day do not collide. */
export function defaultReportPath(date: Date, cwd = process.cwd()): string {
  const stamp = date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return join(cwd, 'bench', `report-${stamp}.json`);
}

export function writeReport(path: string, report: BenchReport): void {
  const checked = benchReportSchema.parse(report);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(checked, null, 2)}\n`);
}

/** Outside this after/before ratio the machine's load is taken to have changed. */
const DRIFT_BAND = [0.8, 1.25] as const;

const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));
const range = (d: { median: number; p10: number; p90: number }, digits = 1) => `${fmt(d.median, digits)} [p10 ${fmt(d.p10, digits)}, p90 ${fmt(d.p90, digits)}]`;

/** A few lines for the terminal; the JSON has the rest. */
export function formatSummary(r: BenchReport, reportPath: string): string {
  const s = r.model.spec;
  const lines = [
    `Engine benchmark, ${r.date}`,
    `Machine: ${r.machine.cpus} x ${r.machine.model}, node ${r.machine.node}, onnxruntime ${r.machine.ortVersion}, load avg ${r.machine.loadavgStart.map((x) => x.toFixed(2)).join('/')} -> ${r.machine.loadavgEnd.map((x) => x.toFixed(2)).join('/')}`,
    `Model (${r.model.source}): ${s.family} ${s.nLayers}L x ${s.nHeads}H (kv ${s.nKvHeads}), d ${s.hiddenSize}, mlp ${s.intermediateSize}, vocab ${s.vocabSize}; ${r.model.provider} ${r.model.dtype}; ${(r.flops.perRow.total / 1e9).toFixed(3)} GFLOP/row at S=${r.flops.seqLen}`,
    `Cold load+compile (n=${r.compile.repeats}): ${range(r.compile.coldWallMs, 0)} ms (compile alone ${fmt(r.compile.coldCompileMs.median, 0)} ms); cached load: ${range(r.compile.cachedWallMs, 0)} ms; cold/cached x${fmt(r.compile.coldOverCached, 1)}`,
    `Probe (S=${r.options.seqLen}, ${r.options.repeats} timed passes after 1 warm-up, mixed gates):`,
    '    B   ms/batch median [p10, p90]        rows/s median [p10, p90]   GFLOP/s  vs B=1',
    ...r.probe.map((p) =>
      `  ${String(p.batch).padStart(3)}   ${range(p.msPerBatch, 1).padEnd(32)} ${range(p.rowsPerSecond, 2).padEnd(26)} ${fmt(p.gflops.median, 2).padStart(7)}  ${p.speedupVsBatch1 === null ? 'n/a' : `x${p.speedupVsBatch1.toFixed(2)}`}${p.outputsValid ? '' : '  (INVALID OUTPUT)'}`),
  ];
  const d = r.demoPreset;
  lines.push(
    `Demo preset (${d.conditions} conditions x ${d.trials} trials, S=${d.seqLen}) at best B=${fmt(d.batch, 0)}: ~${fmt(d.secondsAtEngineRate, 0)} s at the raw engine rate, ~${fmt(d.secondsAtRunnerRate, 0)} s at the runner's rate`,
  );
  const st = r.studyRun;
  if (st.status === 'measured') {
    lines.push(
      `Study run (${st.conditions} conditions x ${st.trials} trials = ${st.rows} rows, B=${st.batch}): runner ${fmt(st.runnerRowsPerSecond, 2)} rows/s vs raw probe ${fmt(st.rawProbeRowsPerSecond, 2)} rows/s (x${fmt(st.runnerVsRaw, 2)}; ` +
        `${fmt(st.rawProbeAfterRowsPerSecond, 2)} rows/s when re-timed after the run)`,
      `  engine.probe inside the run ${fmt(st.engineOnlyRowsPerSecond, 2)} rows/s (x${fmt(st.engineInRunVsRaw, 2)} of raw); ${fmt(st.overheadShare * 100, 1)}% of run time outside the engine (storage, bookkeeping); ` +
        `create ${fmt(st.createMs / 1000, 1)} s (incl. induction scores); DB ${fmt(st.dbBytes / 1e6, 2)} MB (${fmt(st.dbBytesPerRow, 0)} B/row)`,
    );
    if (st.rawProbeDrift !== null && (st.rawProbeDrift < DRIFT_BAND[0] || st.rawProbeDrift > DRIFT_BAND[1])) {
      lines.push(`  WARNING: the raw rate moved x${fmt(st.rawProbeDrift, 2)} between before and after the run (machine load changed): compare runner and raw rates with care; the share outside the engine is measured within the run and stands`);
    }
  } else {
    lines.push(`Study run: ${st.status} (${st.reason})`);
  }
  lines.push(`Memory: peak RSS ${fmt(r.memory.maxRssMB, 0)} MB (engine worker included: it is a thread of this process)`);
  lines.push(`Took ${fmt(r.durationSeconds, 0)} s. Report: ${reportPath}`);
  return lines.join('\n');
}
