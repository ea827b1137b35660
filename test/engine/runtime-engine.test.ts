// The engine as the app sees it: loadEngine() on a tiny checkpoint written by the test, running in
// its worker thread with real onnxruntime sessions. Cache hits, rebuild of a corrupt cached graph,
// the provider actually used, errors crossing the thread boundary, batching and head controls.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors';
import type { Engine, EngineProgress } from '../../src/main/engine/engine-types';
import { buildHeadControls } from '../../src/main/engine/head-controls';
import { loadEngine } from '../../src/main/engine/load-engine';
import { ENGINE_VERSION } from '../../src/main/engine/runtime/engine-version';
import { graphPath } from '../../src/main/engine/runtime/graph-cache';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';
import { at } from '../../src/shared/checked';
import { maxAbsDiff } from '../reference/compare';

let root: string;
let modelDir: string;
let cacheDir: string;
let engine: Engine;
const events: EngineProgress[] = [];
const PROMPTS = [
  [5, 17, 42, 8, 90, 17],
  [3, 3, 60, 71, 2, 44],
];
const S = 6;

async function baseline(e: Engine): Promise<Float32Array> {
  const controls = buildHeadControls(e.info.spec, PROMPTS.map(() => ({ heads: [], mode: 'none' as const })));
  return e.probe({ batch: PROMPTS.length, seqLen: S, inputIds: PROMPTS.flat(), ...controls });
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-engine-'));
  modelDir = path.join(root, 'model');
  cacheDir = path.join(root, 'cache');
  writeTinyModel(modelDir, tinyLlama3());
  engine = await loadEngine({ modelDir, cacheDir, provider: 'auto', threads: 1, onProgress: (e) => events.push(e) });
});

afterAll(async () => {
  await engine?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('loadEngine', () => {
  it('compiles on first load, runs on the CPU here, and forwards progress', () => {
    expect(engine.info).toMatchObject({ provider: 'cpu', dtype: 'float32', fromCache: false, engineVersion: ENGINE_VERSION });
    expect(engine.info.ortVersion).toMatch(/^1\.\d+\.\d+/);
    expect(engine.info.checkpointHash).toMatch(/^[0-9a-f]{64}$/);
    expect(engine.info.spec).toMatchObject({ nLayers: 2, nHeads: 4, vocabSize: 96 });
    expect(fs.existsSync(graphPath({ cacheDir, checkpointHash: engine.info.checkpointHash, variant: 'probe', dtype: 'float32' }))).toBe(true);
    const stages = new Set(events.map((e) => e.stage));
    expect([...stages].sort()).toEqual(['compile', 'hash', 'load']);
    expect(events.some((e) => e.stage === 'compile' && e.fraction === 1)).toBe(true);
  });

  it('returns probabilities in (0, 1] and leaves the caller\'s head controls usable', async () => {
    const controls = buildHeadControls(engine.info.spec, [{ heads: [], mode: 'none' }]);
    const probs = await engine.probe({ batch: 1, seqLen: S, inputIds: at(PROMPTS, 0), ...controls });
    expect(probs.length).toBe(S);
    for (const p of probs) expect(p > 0 && p <= 1).toBe(true);
    // Position 1 and 5 hold the same token: the same probability.
    expect(probs[1]).toBe(probs[5]);
    expect(controls.headKeep.length).toBe(2 * 4); // not detached by the transfer
  });

  it('reuses the cached graph on the next load: no compile, bit-identical probabilities', async () => {
    const first = await baseline(engine);
    const again = await loadEngine({ modelDir, cacheDir, provider: 'cpu', threads: 1 });
    try {
      expect(again.info.fromCache).toBe(true);
      expect(again.info.compileMs).toBe(0);
      expect(again.info.checkpointHash).toBe(engine.info.checkpointHash);
      const second = await baseline(again);
      console.log(`cache hit: max |diff| = ${maxAbsDiff(first, second)}`);
      expect(Buffer.from(second.buffer).equals(Buffer.from(first.buffer))).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('detects a corrupt cached graph and rebuilds it', async () => {
    const expected = await baseline(engine);
    const file = graphPath({ cacheDir, checkpointHash: engine.info.checkpointHash, variant: 'probe', dtype: 'float32' });
    const bytes = fs.readFileSync(file);
    for (const corrupt of [bytes.subarray(0, bytes.length >> 1), Buffer.from('not an onnx graph at all')]) {
      fs.writeFileSync(file, corrupt);
      const rebuilt = await loadEngine({ modelDir, cacheDir, provider: 'cpu', threads: 1 });
      try {
        expect(rebuilt.info.fromCache).toBe(false);
        const probs = await baseline(rebuilt);
        console.log(`rebuilt graph: max |diff| = ${maxAbsDiff(expected, probs)}`);
        expect(Buffer.from(probs.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
      } finally {
        await rebuilt.close();
      }
      expect(fs.readFileSync(file).length).toBe(bytes.length);
    }
  });

  it('applies head controls per batch row', async () => {
    const { spec } = engine.info;
    const all = Array.from({ length: spec.nLayers * spec.nHeads }, (_, i) => ({ layer: Math.floor(i / spec.nHeads), head: i % spec.nHeads }));
    const rows = [
      { heads: [], mode: 'none' as const },
      { heads: all, mode: 'zero' as const },
      { heads: [{ layer: 1, head: 2 }], mode: 'mean' as const },
    ];
    const ids = [...at(PROMPTS, 0), ...at(PROMPTS, 0), ...at(PROMPTS, 0)];
    const probs = await engine.probe({ batch: 3, seqLen: S, inputIds: ids, ...buildHeadControls(spec, rows) });
    const alone = await engine.probe({ batch: 1, seqLen: S, inputIds: at(PROMPTS, 0), ...buildHeadControls(spec, [at(rows, 0)]) });
    const row = (b: number) => probs.subarray(b * S, (b + 1) * S);
    const batchDiff = maxAbsDiff(row(0), alone);
    console.log(`row 0 in a batch of 3 vs alone: max |diff| = ${batchDiff}`);
    expect(batchDiff).toBeLessThan(1e-6);
    expect(maxAbsDiff(row(1), row(0))).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(row(2), row(0))).toBeGreaterThan(1e-7);
  });

  it('returns causal attention patterns [B, H, S, S] per layer, rows summing to 1', async () => {
    const pats = await engine.patterns(PROMPTS.flat(), 2, S);
    const { nLayers: L, nHeads: H } = engine.info.spec;
    expect(pats.length).toBe(L);
    let worst = 0;
    for (const p of pats) {
      expect(p.length).toBe(2 * H * S * S);
      for (let r = 0; r < 2 * H * S; r++) {
        const q = r % S;
        let sum = 0;
        for (let k = 0; k < S; k++) {
          if (k > q) expect(p[r * S + k]).toBe(0);
          sum += at(p, r * S + k);
        }
        worst = Math.max(worst, Math.abs(sum - 1));
      }
    }
    console.log(`pattern rows: max |sum - 1| = ${worst}`);
    expect(worst).toBeLessThan(1e-5);
  });

  it('rejects mis-sized batches and out-of-vocabulary ids in the caller', async () => {
    const controls = buildHeadControls(engine.info.spec, [{ heads: [], mode: 'none' }]);
    await expect(engine.probe({ batch: 1, seqLen: S + 1, inputIds: at(PROMPTS, 0), ...controls })).rejects.toThrow(/expected batch x seqLen = 7/);
    await expect(engine.probe({ batch: 1, seqLen: 2, inputIds: [1, 96], ...controls })).rejects.toThrow(/96 is not a token id/);
    await expect(engine.probe({ batch: 2, seqLen: S, inputIds: PROMPTS.flat(), ...controls })).rejects.toThrow(/headKeep has 8 values, expected B x L x H = 16/);
  });

  it('refuses prompts longer than the model\'s position table with a clear InputError', async () => {
    const tooLong = engine.info.spec.maxPositions + 1;
    const controls = buildHeadControls(engine.info.spec, [{ heads: [], mode: 'none' }]);
    const ids = Array.from({ length: tooLong }, (_, i) => i % 50);
    await expect(engine.probe({ batch: 1, seqLen: tooLong, inputIds: ids, ...controls })).rejects.toThrow(InputError);
    await expect(engine.patterns(ids, 1, tooLong)).rejects.toThrow(/exceed the model's \d+ positions/);
  });
});

describe('errors from the worker', () => {
  it('arrive as InputError with file and problem (corrupt safetensors header)', async () => {
    const bad = path.join(root, 'bad-model');
    writeTinyModel(bad, tinyLlama3());
    const file = path.join(bad, 'model.safetensors');
    const bytes = fs.readFileSync(file);
    bytes.write('{"oops', 8, 'utf8'); // break the JSON header
    fs.writeFileSync(file, bytes);
    const err = await loadEngine({ modelDir: bad, cacheDir, provider: 'cpu' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).name).toBe('InputError');
    expect((err as InputError).file).toBe(file);
    expect((err as InputError).problem.length).toBeGreaterThan(0);
    expect((err as Error).message).toBe(`${file}: ${(err as InputError).problem}`);
    expect((err as Error).stack).toContain('in the engine worker');
  });

  it('an explicit cuda request without CUDA binaries is a clear InputError', async () => {
    const err = await loadEngine({ modelDir, cacheDir, provider: 'cuda' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe('provider');
    expect((err as Error).message).toMatch(/CUDA was requested but .*not installed.*install-cuda/);
  });

  it('close() ends the worker: later calls reject', async () => {
    const e = await loadEngine({ modelDir, cacheDir, provider: 'cpu', threads: 1 });
    await e.close();
    await expect(baseline(e)).rejects.toThrow(/engine worker exited/);
    await e.close(); // idempotent
  });
});
