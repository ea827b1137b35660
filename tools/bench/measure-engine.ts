// Engine measurements: cold compiles (each into an empty cache folder) and cached loads through
// loadEngine, and probe timings per batch size with mixed head controls (a third of the rows
// zero-ablating 4 heads, a third mean-ablating them, a third untouched), as a study's batches are.

import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { buildHeadControls, type HeadControlRow } from '../../src/main/engine/head-controls';
import { loadEngine, type Engine } from '../../src/main/engine/load-engine';
import type { HeadRef, ModelSpec } from '../../src/shared/model-spec';
import { createRng, randomInt, sampleWithoutReplacement } from '../../src/shared/study/prng';
import { trialPrompt } from '../../src/shared/study/trials';
import { at } from '../../src/shared/checked';

export interface LoadSample {
  /** loadEngine until it resolves: worker start, hashing, compile or cache hit, session creation. */
  wallMs: number;
  /** EngineInfo.compileMs (0 or the cache's recorded figure when fromCache). */
  compileMs: number;
  fromCache: boolean;
}

export interface LoadMeasurements {
  cold: LoadSample[];
  cached: LoadSample[];
  /** A cache folder holding the compiled graph, for the engine the rest of the bench uses. */
  cacheDir: string;
}

export interface EngineSetup {
  modelDir: string;
  threads: number;
  tmpRoot: string;
}

async function timedLoad(setup: EngineSetup, cacheDir: string): Promise<{ sample: LoadSample; engine: Engine }> {
  const t0 = performance.now();
  const engine = await loadEngine({ modelDir: setup.modelDir, cacheDir, provider: 'cpu', threads: setup.threads });
  const wallMs = performance.now() - t0;
  return { engine, sample: { wallMs, compileMs: engine.info.compileMs, fromCache: engine.info.fromCache } };
}

/**
 * `repeats` times: load into a fresh empty cache (a cold compile), close, load again from that
 * cache, close. `mark` is called once with the first compiled engine still open (memory reading).
 */
export async function measureLoads(setup: EngineSetup, repeats: number, mark: (label: string) => void): Promise<LoadMeasurements> {
  const cold: LoadSample[] = [];
  const cached: LoadSample[] = [];
  let cacheDir = '';
  for (let i = 0; i < repeats; i++) {
    cacheDir = mkdtempSync(join(setup.tmpRoot, `cache-${i}-`));
    const first = await timedLoad(setup, cacheDir);
    if (i === 0) mark('first cold engine open');
    await first.engine.close();
    cold.push(first.sample);
    const second = await timedLoad(setup, cacheDir);
    await second.engine.close();
    cached.push(second.sample);
  }
  return { cold, cached, cacheDir };
}

export function openBenchEngine(setup: EngineSetup, cacheDir: string): Promise<Engine> {
  return loadEngine({ modelDir: setup.modelDir, cacheDir, provider: 'cpu', threads: setup.threads });
}

/** Four heads spread evenly over the model's L x H grid (all of them when it has fewer). */
export function spreadHeads(spec: Pick<ModelSpec, 'nLayers' | 'nHeads'>, count = 4): HeadRef[] {
  const total = spec.nLayers * spec.nHeads;
  const k = Math.min(count, total);
  return Array.from({ length: k }, (_, j) => {
    const idx = Math.floor(((j + 0.5) * total) / k);
    return { layer: Math.floor(idx / spec.nHeads), head: idx % spec.nHeads };
  });
}

/** Row b: zero-ablate (b % 3 = 0), mean-ablate (1) or keep (2) the spread heads. */
export function mixedGateRows(spec: Pick<ModelSpec, 'nLayers' | 'nHeads'>, batch: number): HeadControlRow[] {
  const heads = spreadHeads(spec);
  const modes = ['zero', 'mean', 'none'] as const;
  return Array.from({ length: batch }, (_, b) => ({ heads: b % 3 === 2 ? [] : heads, mode: at(modes, b % 3) }));
}

const BENCH_SEED = 42;

/** [B*S] prompts shaped like a study's trials (a permutation of S-1 distinct ids + the middle one
 * repeated); with a vocabulary smaller than S-1, ids drawn with repetition. */
export function benchPrompts(vocabSize: number, batch: number, seqLen: number): Int32Array {
  const rng = createRng(BENCH_SEED);
  const ids = new Int32Array(batch * seqLen); // [B, S]
  const n = seqLen - 1;
  if (vocabSize >= n) {
    const sample = sampleWithoutReplacement(rng, Array.from({ length: vocabSize }, (_, i) => i), n);
    for (let b = 0; b < batch; b++) ids.set(trialPrompt(BENCH_SEED, b, sample), b * seqLen);
  } else {
    for (let i = 0; i < ids.length; i++) ids[i] = randomInt(rng, vocabSize);
  }
  return ids;
}

export interface ProbeSamples {
  batch: number;
  /** Per timed pass (the warm-up excluded). */
  msPerBatch: number[];
  /** Every output of the last pass is a finite probability (the pass did real work). */
  outputsValid: boolean;
}

function validProbs(probs: Float32Array, count: number): boolean {
  return probs.length === count && probs.every((p) => Number.isFinite(p) && p >= 0 && p <= 1);
}

/**
 * One warm-up pass per batch size (in order; `afterWarmup` is called after each), then `repeats`
 * rounds that time one pass of every batch size. Interleaving spreads the shared machine's load
 * swings over all batch sizes instead of landing on whichever ran during a spike.
 */
export async function measureProbes(
  engine: Engine,
  batches: readonly number[],
  seqLen: number,
  repeats: number,
  afterWarmup: (batch: number) => void = () => {},
): Promise<ProbeSamples[]> {
  const spec = engine.info.spec;
  const cases = batches.map((batch) => {
    const inputIds = benchPrompts(spec.vocabSize, batch, seqLen); // [B, S]
    const { headKeep, headUniform } = buildHeadControls(spec, mixedGateRows(spec, batch), 'bench'); // [B, L, H] each
    const sample: ProbeSamples = { batch, msPerBatch: [], outputsValid: false };
    return { batch, sample, run: () => engine.probe({ batch, seqLen, inputIds, headKeep, headUniform }) }; // [B, S]
  });
  for (const c of cases) {
    c.sample.outputsValid = validProbs(await c.run(), c.batch * seqLen);
    afterWarmup(c.batch);
  }
  for (let r = 0; r < repeats; r++) {
    for (const c of cases) {
      const t0 = performance.now();
      const probs = await c.run();
      c.sample.msPerBatch.push(performance.now() - t0);
      c.sample.outputsValid &&= validProbs(probs, c.batch * seqLen);
    }
  }
  return cases.map((c) => c.sample);
}
