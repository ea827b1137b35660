// `npm run bench:engine`: measures the engine on the machine it runs on (compile, cached load, probe
// throughput per batch size, an end-to-end study run through the services, memory) and writes a JSON
// report (report.ts) plus a short summary. Timings live here, never in tests: a shared machine is
// noisy, so every figure is a median with p10/p90 over repeated runs.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, isInputError } from '../../src/shared/errors';
import type { ModelSpec } from '../../src/shared/model-spec';
import { readModelSpec, type Engine } from '../../src/main/engine/load-engine';
import { demoPreset } from '../../src/shared/study/presets';
import { BENCH_USAGE, parseBenchArgs, type BenchOptions } from './args';
import { resolveBenchModel, type BenchModel } from './bench-model';
import { FLOPS_FORMULA, flopsPerRow } from './flops';
import { measureLoads, measureProbes, openBenchEngine, type LoadMeasurements } from './measure-engine';
import { measureStudyRun } from './measure-study';
import { maxRssMB, memorySnapshot, type MemorySnapshot } from './memory';
import { buildProbeEntry, defaultReportPath, formatSummary, rankBatches, writeReport, type BenchReport, type ProbeEntry, type StudyRunReport } from './report';
import { distribution, ratio, round, roundDistribution } from './stats';
import { countConditions, estimateSeconds } from './study-size';
import { first } from '../../src/shared/checked';

const started = performance.now();
const log = (message: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);

function specSummary(spec: ModelSpec): Record<string, string | number | boolean> {
  return {
    family: spec.family, modelType: spec.modelType, nLayers: spec.nLayers, nHeads: spec.nHeads, nKvHeads: spec.nKvHeads,
    headDim: spec.headDim, hiddenSize: spec.hiddenSize, intermediateSize: spec.intermediateSize, vocabSize: spec.vocabSize,
    maxPositions: spec.maxPositions, mlp: spec.mlp.kind, positional: spec.positional.kind, tieWordEmbeddings: spec.tieWordEmbeddings,
  };
}

function compileSection(loads: LoadMeasurements): BenchReport['compile'] {
  const coldWall = distribution(loads.cold.map((s) => s.wallMs));
  const cachedWall = distribution(loads.cached.map((s) => s.wallMs));
  const coldOverCached = ratio(coldWall.median, cachedWall.median);
  return {
    repeats: loads.cold.length,
    coldWallMs: roundDistribution(coldWall, 1),
    coldCompileMs: roundDistribution(distribution(loads.cold.map((s) => s.compileMs)), 1),
    cachedWallMs: roundDistribution(cachedWall, 1),
    allColdCompiled: loads.cold.every((s) => !s.fromCache),
    allCachedHit: loads.cached.every((s) => s.fromCache),
    coldOverCached: coldOverCached === null ? null : round(coldOverCached, 2),
    note: 'wall = loadEngine until it resolves: worker thread start (tsx transpiles the worker in development), checkpoint hash, compile or cache hit, onnxruntime session creation; compileMs = EngineInfo.compileMs of the cold loads',
  };
}

async function runProbes(engine: Engine, opts: BenchOptions, rowFlops: number, snapshots: MemorySnapshot[]): Promise<ProbeEntry[]> {
  log(`probe B=${opts.batches.join(',')} at S=${opts.seqLen}: 1 warm-up each, then ${opts.repeats} interleaved rounds`);
  const samples = await measureProbes(engine, opts.batches, opts.seqLen, opts.repeats, (batch) =>
    snapshots.push(memorySnapshot(`after warm-up B=${batch}`)),
  );
  return samples.map((s) => buildProbeEntry(s.batch, opts.seqLen, s.msPerBatch, rowFlops, s.outputsValid));
}

async function runStudySection(engine: Engine, model: BenchModel, opts: BenchOptions, tmpRoot: string, batch: number, probes: ProbeEntry[]): Promise<StudyRunReport> {
  if (opts.studyTrials === 0) return { status: 'skipped', reason: '--study-trials 0' };
  log(`study run: demo preset conditions x ${opts.studyTrials} trials at B=${batch} (create includes induction scores)`);
  try {
    const s = await measureStudyRun({ engine, modelDir: model.dir, tmpRoot, trials: opts.studyTrials, seqLen: opts.seqLen, batchSize: batch });
    // The same batch size timed again right after: if it moved, the machine's load did too.
    log(`raw probe B=${s.batch} again after the study run (${opts.repeats} passes)`);
    const after = first(await measureProbes(engine, [s.batch], opts.seqLen, opts.repeats));
    const raw = probes.find((p) => p.batch === s.batch)?.rowsPerSecond.median ?? null;
    const engineOnly = (s.rows * 1000) / s.engineMs;
    const afterRate = (s.batch * 1000) / distribution(after.msPerBatch).median;
    return {
      status: 'measured',
      ...s,
      createMs: round(s.createMs, 1), runWallMs: round(s.runWallMs, 1), engineMs: round(s.engineMs, 1),
      runnerRowsPerSecond: round(s.runnerRowsPerSecond),
      wallRowsPerSecond: round((s.rows * 1000) / s.runWallMs),
      engineOnlyRowsPerSecond: round(engineOnly),
      rawProbeRowsPerSecond: raw,
      rawProbeAfterRowsPerSecond: round(afterRate),
      rawProbeDrift: raw === null ? null : round(ratio(afterRate, raw) ?? 0),
      runnerVsRaw: raw === null ? null : round(ratio(s.runnerRowsPerSecond, raw) ?? 0),
      engineInRunVsRaw: raw === null ? null : round(ratio(engineOnly, raw) ?? 0),
      overheadShare: round(Math.max(0, 1 - s.engineMs / s.runWallMs), 4),
      dbBytesPerRow: round(s.dbBytes / Math.max(1, s.rows), 1),
    };
  } catch (err) {
    // A model too small for the demo preset (it needs 16 heads) is worth a line, not a lost report.
    const reason = err instanceof Error ? err.message : String(err);
    log(`study run failed: ${reason}`);
    return { status: isInputError(err) ? 'skipped' : 'failed', reason };
  }
}

function demoSection(opts: BenchOptions, best: BenchReport['bestBatch'], study: StudyRunReport): BenchReport['demoPreset'] {
  const preset = demoPreset('demo');
  const conditions = countConditions(preset);
  const runnerRate = study.status === 'measured' ? study.runnerRowsPerSecond : null;
  const presetSeqLen = preset.tokenCount + 1;
  return {
    conditions,
    trials: preset.permutations,
    seqLen: presetSeqLen,
    batch: best?.batch ?? null,
    engineRowsPerSecond: best?.rowsPerSecond ?? null,
    runnerRowsPerSecond: runnerRate,
    secondsAtEngineRate: best ? round(estimateSeconds(conditions, preset.permutations, best.rowsPerSecond) ?? 0, 1) : null,
    secondsAtRunnerRate: runnerRate ? round(estimateSeconds(conditions, preset.permutations, runnerRate) ?? 0, 1) : null,
    note:
      `conditions = 1 baseline + induction counts > 0 + random counts > 0 x draws; seconds = conditions x trials / rows per second` +
      (opts.seqLen === presetSeqLen ? '' : `; rates measured at S=${opts.seqLen}, not the preset's S=${presetSeqLen}: scale with care`) +
      '; excludes compile and induction scoring',
  };
}

async function main(): Promise<void> {
  const opts = parseBenchArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(BENCH_USAGE);
    return;
  }
  const date = new Date();
  const loadavgStart = os.loadavg();
  const tmpRoot = mkdtempSync(join(os.tmpdir(), 'ablation-bench-'));
  const snapshots: MemorySnapshot[] = [memorySnapshot('start')];
  let engine: Engine | null = null;
  try {
    const model = resolveBenchModel(opts.modelDir, tmpRoot);
    log(`model (${model.source}): ${model.dir}`);
    const spec = readModelSpec(model.dir);
    if (opts.seqLen > spec.maxPositions) throw new InputError('--seq-len', `${opts.seqLen} is longer than the model's ${spec.maxPositions} positions`);
    snapshots.push(memorySnapshot('model ready'));

    log(`loads: ${opts.loadRepeats} x (cold compile into an empty cache, then a cached load)`);
    const setup = { modelDir: model.dir, threads: opts.threads, tmpRoot };
    const loads = await measureLoads(setup, opts.loadRepeats, (label) => snapshots.push(memorySnapshot(label)));
    snapshots.push(memorySnapshot('after load measurements (engines closed)'));

    engine = await openBenchEngine(setup, loads.cacheDir);
    snapshots.push(memorySnapshot('bench engine open'));
    const rowFlops = flopsPerRow(engine.info.spec, opts.seqLen);
    const probe = await runProbes(engine, opts, rowFlops.total, snapshots);
    const best = rankBatches(probe);

    const studyRun = await runStudySection(engine, model, opts, tmpRoot, best?.batch ?? first(opts.batches), probe);
    snapshots.push(memorySnapshot('after study run'));
    const demo = demoSection(opts, best, studyRun);
    const info = engine.info;
    await engine.close();
    engine = null;

    const report: BenchReport = {
      schema: 1,
      date: date.toISOString(),
      command: process.argv.slice(2),
      options: { repeats: opts.repeats, batches: opts.batches, seqLen: opts.seqLen, threads: opts.threads, loadRepeats: opts.loadRepeats, studyTrials: opts.studyTrials },
      machine: {
        cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', totalmem: os.totalmem(), node: process.version, ortVersion: info.ortVersion,
        platform: os.platform(), arch: os.arch(), loadavgStart: loadavgStart.map((x) => round(x, 2)), loadavgEnd: os.loadavg().map((x) => round(x, 2)),
      },
      model: {
        dir: model.dir, source: model.source, checksum: info.checkpointHash, spec: specSummary(info.spec),
        syntheticOptions: (model.synthetic as Record<string, number> | null) ?? null,
        provider: info.provider, dtype: info.dtype, engineVersion: info.engineVersion,
      },
      compile: compileSection(loads),
      flops: { formula: FLOPS_FORMULA, seqLen: opts.seqLen, perRow: rowFlops },
      probe,
      bestBatch: best,
      demoPreset: demo,
      demoPresetEstimateSeconds: demo.secondsAtEngineRate,
      studyRun,
      memory: {
        maxRssMB: maxRssMB(),
        worker: 'the engine worker is a worker_thread of this process (not a child process): its memory is part of this RSS and cannot be read apart; differences between snapshots show what loading and batch sizes add',
        snapshots,
      },
      durationSeconds: round((performance.now() - started) / 1000, 1),
    };
    const out = opts.out ? resolve(opts.out) : defaultReportPath(date);
    writeReport(out, report);
    console.log(formatSummary(report, out));
  } finally {
    await engine?.close();
    rmSync(tmpRoot, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(isInputError(err) ? `bench: ${err.message}\n\n${BENCH_USAGE}` : err);
  process.exitCode = 1;
});
