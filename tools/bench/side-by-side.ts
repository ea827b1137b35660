// `npm run bench`: the engine side by side with the alternative, on the seed's model shapes. Per
// model, interleaved round by round so the shared machine's load hits all alike:
//   (a) the engine on one trial of the seed study (every condition in one batch), without and then
//       with layer reuse (two engine processes, one after the other: both at once would double
//       the memory a 1B model needs), both the full-range and the upper-half (`bottom`) study;
//   (b) torch_seed.py, the seed's algorithm in PyTorch eager (one forward pass per row, batch 1);
//   (c) an fp32 MatMul chain at the model's MLP shapes in one onnxruntime graph (matmul-rate.ts).
// Reports s/trial, rows/s, GFLOP/s of the required work and its share of the matmul rate, ratios to
// PyTorch, reuse speed-ups, peak resident memory of each engine process over the fp32 weights,
// compile and load times: medians over the rounds. JSON report + a Markdown table.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError, isInputError } from '../../src/shared/errors';
import { openCheckpoint } from '../../src/main/engine/checkpoint';
import { buildHeadControls } from '../../src/main/engine/head-controls';
import { computeInductionScores } from '../../src/main/engine/induction';
import { loadEngine, type Engine } from '../../src/main/engine/load-engine';
import { processSpawner } from '../../src/main/engine/runtime/engine-channel';
import type { ModelSpec } from '../../src/shared/model-spec';
import { at } from '../../src/shared/checked';
import { BENCH_SHAPES, benchShape, ensureBenchCheckpoint, type BenchShapeName } from './bench-checkpoints';
import { DEMO_MODEL_DIR } from './bench-model';
import { flopsPerRow } from './flops';
import { MatmulChain, chainFlops } from './matmul-rate';
import { benchPrompts } from './measure-engine';
import { seedStudyRows, type LayerRange } from './seed-study';
import { distribution, round, roundDistribution } from './stats';
import { compareProbs, markdownTable, ratiosOf, studyTimingOf, writeSuiteReport, type ModelReport, type SuiteReport } from './suite-report';
import { TorchWorker, torchUnavailableReason, type TorchLoad } from './torch-worker';

const started = performance.now();
const log = (m: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${m}\n`);

type ModelName = 'demo' | BenchShapeName;
const MODEL_NAMES: readonly ModelName[] = ['demo', ...BENCH_SHAPES];

interface Options {
  models: ModelName[];
  seqLen: number;
  trials: number;
  threads: number;
  out: string;
  modelCache: string;
  torch: boolean;
}

const USAGE = `Usage: npm run bench -- [options]
  --models <list>       ${MODEL_NAMES.join(',')} (default: all)
  --trials <n>          seed-study trials per engine phase = rounds (default 5)
  --seq-len <n>         prompt length S (default 501)
  --threads <n>         onnxruntime intra-op and torch threads, 0 = one per core (default 0)
  --model-cache <dir>   where the generated checkpoints are kept (default $TMPDIR/ablation-studio-bench-models)
  --no-torch            skip the PyTorch side
  --out <file>          report JSON (default bench/side-by-side-<date>.json)`;

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      models: { type: 'string' }, trials: { type: 'string' }, 'seq-len': { type: 'string' }, threads: { type: 'string' },
      'model-cache': { type: 'string' }, 'no-torch': { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (flag: string, text: string | undefined, fallback: number, min: number) => {
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < min) throw new InputError(`--${flag}`, `must be an integer of at least ${min}, got ${JSON.stringify(text)}`);
    return Number(text);
  };
  const models = (values.models ?? MODEL_NAMES.join(',')).split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of models) if (!MODEL_NAMES.includes(m as ModelName)) throw new InputError('--models', `unknown model ${JSON.stringify(m)} (use ${MODEL_NAMES.join(', ')})`);
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return {
    models: models as ModelName[],
    trials: int('trials', values.trials, 5, 1),
    seqLen: int('seq-len', values['seq-len'], 501, 3),
    threads: int('threads', values.threads, 0, 0),
    modelCache: resolve(values['model-cache'] ?? join(os.tmpdir(), 'ablation-studio-bench-models')),
    torch: values['no-torch'] !== true,
    out: resolve(values.out ?? join('bench', `side-by-side-${stamp}.json`)),
  };
}

/** Peak resident memory of a process (VmHWM), in MB. */
function peakRssMB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return line ? round(Number(line.split(/\s+/)[1]) / 1024, 1) : NaN;
}

function fp32WeightMB(dir: string): number {
  const cp = openCheckpoint(dir);
  try {
    let n = 0;
    for (const t of cp.tensors.values()) n += t.shape.reduce((a, b) => a * b, 1);
    return round((n * 4) / 2 ** 20, 1);
  } finally {
    cp.close();
  }
}

function specSummary(spec: ModelSpec): Record<string, string | number | boolean> {
  return {
    family: spec.family, nLayers: spec.nLayers, nHeads: spec.nHeads, nKvHeads: spec.nKvHeads, headDim: spec.headDim, hiddenSize: spec.hiddenSize,
    intermediateSize: spec.intermediateSize, vocabSize: spec.vocabSize, mlp: spec.mlp.kind, tieWordEmbeddings: spec.tieWordEmbeddings,
  };
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

interface Phase {
  engine: Engine;
  coldWallMs: number;
}

async function openEngine(dir: string, cacheDir: string, threads: number, reuse: boolean): Promise<Phase> {
  const t0 = performance.now();
  const engine = await loadEngine({ modelDir: dir, cacheDir, provider: 'cpu', threads, reuse, spawner: processSpawner });
  return { engine, coldWallMs: performance.now() - t0 };
}

interface Workload {
  spec: ModelSpec;
  S: number;
  prompts: number[][];
  studies: Record<LayerRange, ReturnType<typeof seedStudyRows>>;
}

/** Up to this many MB of fp32 weights the two engine processes run side by side (interleaved rounds). */
const TOGETHER_MAX_MB = 2048;

function promptRows(ids: Int32Array, S: number): number[][] {
  return Array.from({ length: ids.length / S }, (_, t) => Array.from(ids.subarray(t * S, (t + 1) * S)));
}

/** One trial of a study in one engine batch (its first `limit` conditions only); seconds and the probabilities [C*S]. */
async function studyTrial(engine: Engine, w: Workload, range: LayerRange, trial: number, limit?: number): Promise<{ seconds: number; probs: Float32Array }> {
  const rows = w.studies[range].slice(0, limit);
  const prompt = at(w.prompts, trial);
  const controls = buildHeadControls(w.spec, rows, 'bench');
  const batch = { batch: rows.length, seqLen: w.S, inputIds: rows.flatMap(() => prompt), ...controls };
  const { value, seconds } = await timed(() => engine.probe(batch));
  return { seconds, probs: value };
}

async function measureModel(name: ModelName, o: Options, torchReason: string | null, tmp: string): Promise<ModelReport> {
  const loadStart = os.loadavg().map((x) => round(x, 2));
  const dir = name === 'demo' ? DEMO_MODEL_DIR : ensureBenchCheckpoint(o.modelCache, name, log);
  const description = name === 'demo' ? 'the bundled demo model (4-layer, 8-head Llama)' : benchShape(name).description;
  const weightsMB = fp32WeightMB(dir);
  const cacheDir = mkdtempSync(join(tmp, `${name}-cache-`));

  log(`${name}: compiling the whole probe graph (engine process, empty cache)`);
  let phase: Phase | null = await openEngine(dir, cacheDir, o.threads, false);
  const closePhase = async () => {
    const open = phase;
    phase = null;
    await open?.engine.close();
  };
  const spec = phase.engine.info.spec;
  if (o.seqLen > spec.maxPositions) throw new InputError('--seq-len', `${o.seqLen} is longer than ${name}'s ${spec.maxPositions} positions`);
  const S = o.seqLen;
  const gflopPerRow = flopsPerRow(spec, S).total / 1e9;
  const w: Workload = {
    spec, S,
    prompts: promptRows(benchPrompts(spec.vocabSize, o.trials + 1, S), S),
    studies: { full: seedStudyRows(spec, 'full'), bottom: seedStudyRows(spec, 'bottom') },
  };
  const matmulShape = { seqLen: S, hidden: spec.hiddenSize, intermediate: spec.intermediateSize, pairs: 2 };
  const chain = await MatmulChain.open(matmulShape, o.threads);
  const matmulGflops = async () => chainFlops(matmulShape) / (await chain.run()) / 1e6;

  let torch: TorchWorker | null = null;
  let torchLoad: TorchLoad | null = null;
  if (!torchReason) {
    log(`${name}: loading the model into torch_seed.py`);
    torch = TorchWorker.start();
    torchLoad = await torch.load(dir, o.threads);
  }
  const torchSeconds: number[] = [];
  let cmp = { maxAbs: 0, maxRel: 0, rows: 0 };
  const torchRow = async (trial: number, ours: Float32Array | null) => {
    if (!torch) return;
    const c = trial % w.studies.full.length;
    const r = await torch.run([{ tokens: at(w.prompts, trial), control: at(w.studies.full, c) }]);
    torchSeconds.push(at(r.seconds, 0));
    if (ours) {
      const d = compareProbs(at(r.probs, 0), ours.subarray(c * S, (c + 1) * S));
      cmp = { maxAbs: Math.max(cmp.maxAbs, d.maxAbs), maxRel: Math.max(cmp.maxRel, d.maxRel), rows: cmp.rows + 1 };
    }
  };

  // Layer reuse runs in two more engine processes, one per study (the app picks reuse per study, so
  // each process's peak is what that study needs).
  const reusePhases: Record<LayerRange, Phase | null> = { full: null, bottom: null };
  const closeReuse = async (range: LayerRange) => {
    const open = reusePhases[range];
    reusePhases[range] = null;
    await open?.engine.close();
  };
  try {
    const wholeCompileMs = phase.engine.info.compileMs;
    const wholeColdWallMs = phase.coldWallMs;
    const wholeSec: number[] = [];
    const reuseSec: Record<LayerRange, number[]> = { full: [], bottom: [] };
    const mmWhole: number[] = [];
    const mmReuse: number[] = [];
    // Both reuse engines beside the whole one where three copies fit easily: all share every round.
    const together = weightsMB <= TOGETHER_MAX_MB;
    const openReuse = async (range: LayerRange) => {
      log(`${name}: opening the per-layer segment graphs for the ${range} study (engine process)`);
      const opened = await openEngine(dir, cacheDir, o.threads, true);
      reusePhases[range] = opened;
      await studyTrial(opened.engine, w, range, o.trials, 2); // warm-up: a baseline row and one that branches off
      return opened;
    };
    const reuseRound = async (range: LayerRange, t: number) => {
      const open = reusePhases[range];
      if (open) reuseSec[range].push((await studyTrial(open.engine, w, range, t)).seconds);
    };
    if (together) {
      await openReuse('bottom');
      await openReuse('full');
    }

    // One-row warm-ups (trial index o.trials is used only here), then the rounds.
    await studyTrial(phase.engine, w, 'full', o.trials, 1);
    await torchRow(o.trials, null);
    await matmulGflops();
    for (let t = 0; t < o.trials; t++) {
      log(`${name}: round ${t + 1}/${o.trials}${together ? ' (without and with reuse)' : ' without reuse'}`);
      const r = await studyTrial(phase.engine, w, 'full', t);
      wholeSec.push(r.seconds);
      await torchRow(t, r.probs);
      const rate = await matmulGflops();
      mmWhole.push(rate);
      if (together) {
        await reuseRound('bottom', t);
        await reuseRound('full', t);
        mmReuse.push(rate);
      }
    }
    // A study that computes its induction scores first (the app's default): the patterns graph runs,
    // then the probe again; the engine holds one of them at a time, and this process's peak shows it.
    log(`${name}: induction scores (patterns graph), then a trial again`);
    const wholeEngine = phase.engine;
    const scoring = await timed(() => computeInductionScores(wholeEngine, { seqLen: Math.min(50, Math.floor(S / 2)), count: 20, seed: 1 }));
    await studyTrial(phase.engine, w, 'full', 0);
    const wholePeak = peakRssMB(phase.engine.processId ?? NaN);
    await closePhase();
    const cached = await openEngine(dir, cacheDir, o.threads, false);
    const wholeCachedWallMs = cached.coldWallMs;
    await cached.engine.close();

    // Otherwise each reuse engine after the whole one (segments compiled into the same cache).
    const reusePeak: Record<LayerRange, number> = { full: NaN, bottom: NaN };
    let segmentsCompileMs = 0;
    let segmentsColdWallMs = 0;
    for (const range of ['bottom', 'full'] as const) {
      const open = reusePhases[range] ?? (await openReuse(range));
      if (!together) {
        for (let t = 0; t < o.trials; t++) {
          log(`${name}: round ${t + 1}/${o.trials} with reuse (${range} study)`);
          await reuseRound(range, t);
          await torchRow(t + 1, null);
          mmReuse.push(await matmulGflops());
        }
      }
      if (range === 'bottom') {
        // The first reuse engine compiled the segments; the second found them cached.
        segmentsCompileMs = open.engine.info.compileMs;
        segmentsColdWallMs = open.coldWallMs;
      }
      reusePeak[range] = peakRssMB(open.engine.processId ?? NaN);
      await closeReuse(range);
    }

    const torchMem = torch ? await torch.memory() : null;
    const partial = {
      engine: {
        whole: studyTimingOf(w.studies.full.length, wholeSec, gflopPerRow),
        reuseFull: studyTimingOf(w.studies.full.length, reuseSec.full, gflopPerRow),
        reuseBottom: studyTimingOf(w.studies.bottom.length, reuseSec.bottom, gflopPerRow),
      },
      torch:
        torch && torchLoad && torchMem
          ? {
              status: 'measured' as const, torch: torchLoad.torch, blas: torchLoad.blas, matmul: torchLoad.matmul, threads: torchLoad.threads,
              loadSeconds: round(torchLoad.loadSeconds, 2), secondsPerTrial: roundDistribution(distribution(torchSeconds), 4), peakRssMB: round(torchMem.peakRssMB, 1),
              maxAbsDiff: cmp.maxAbs, maxRelDiff: cmp.maxRel, rowsCompared: cmp.rows,
            }
          : { status: 'skipped' as const, reason: torchReason ?? 'not run' },
      matmul: { shape: matmulShape, gflopsWhole: roundDistribution(distribution(mmWhole), 1), gflopsReuse: roundDistribution(distribution(mmReuse), 1) },
    };
    return {
      name, description, dir, spec: specSummary(spec), fp32WeightMB: weightsMB, seqLen: S, gflopPerRow: round(gflopPerRow, 2),
      compile: {
        wholeColdWallMs: round(wholeColdWallMs, 0), wholeCompileMs: round(wholeCompileMs, 0), wholeCachedWallMs: round(wholeCachedWallMs, 0),
        segmentsColdWallMs: round(segmentsColdWallMs, 0), segmentsCompileMs: round(segmentsCompileMs, 0),
      },
      ...partial,
      scoringSeconds: round(scoring.seconds, 1),
      memory: {
        wholePeakMB: wholePeak, reuseBottomPeakMB: reusePeak.bottom, reuseFullPeakMB: reusePeak.full,
        wholeOverWeights: round(wholePeak / weightsMB, 2), reuseBottomOverWeights: round(reusePeak.bottom / weightsMB, 2), reuseFullOverWeights: round(reusePeak.full / weightsMB, 2),
      },
      ratios: ratiosOf(partial),
      loadavg: { start: loadStart, end: os.loadavg().map((x) => round(x, 2)) },
    };
  } finally {
    torch?.close();
    await chain.close();
    await closePhase();
    await closeReuse('full');
    await closeReuse('bottom');
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const torchReason = o.torch ? torchUnavailableReason() : '--no-torch';
  if (torchReason) log(`PyTorch side skipped: ${torchReason}`);
  const tmp = mkdtempSync(join(os.tmpdir(), 'ablation-side-by-side-'));
  const models: ModelReport[] = [];
  try {
    for (const name of o.models) {
      const m = await measureModel(name, o, torchReason, tmp);
      models.push(m);
      log(`${name}: ours ${m.engine.whole.secondsPerTrial} s/trial (reuse full ${m.engine.reuseFull.secondsPerTrial}, bottom ${m.engine.reuseBottom.secondsPerTrial}); ` +
        `PyTorch ${m.torch.status === 'measured' ? m.torch.secondsPerTrial.median : 'skipped'}; ratios ${JSON.stringify(m.ratios)}; memory ${JSON.stringify(m.memory)}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  const report: SuiteReport = {
    schema: 3,
    date: new Date().toISOString(),
    command: process.argv.slice(2),
    machine: { cpus: cpus.length, model: cpus[0]?.model ?? 'unknown', totalmem: os.totalmem(), node: process.version, ortVersion: (await import('onnxruntime-node')).env.versions.node ?? 'unknown' },
    options: { models: o.models, seqLen: o.seqLen, trials: o.trials, threads: o.threads },
    models,
    durationSeconds: round((performance.now() - started) / 1000, 1),
  };
  writeSuiteReport(o.out, report);
  console.log(markdownTable(report));
  console.log(`\nReport: ${o.out}`);
}

main().catch((err: unknown) => {
  console.error(isInputError(err) ? `bench: ${err.message}\n\n${USAGE}` : err);
  process.exitCode = 1;
});
