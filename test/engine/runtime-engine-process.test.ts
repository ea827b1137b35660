// The engine in its own OS process (child_process.fork of the same entry the worker thread runs):
// the same probabilities as in a thread, bit for bit, and when the process is killed every pending
// and later call fails with a readable reason while this process carries on; it starts with the
// engine's malloc settings unless the user set their own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/main/engine/load-engine';
import { processSpawner } from '../../src/main/engine/runtime/engine-channel';
import { ENGINE_MALLOC_ENV, engineProcessEnv } from '../../src/main/engine/runtime/engine-process-env';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';
import { maxAbsDiff } from '../reference/compare';

let dir = '';
let modelDir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'engine-process-'));
  modelDir = join(dir, 'model');
  writeTinyModel(modelDir, tinyLlama3());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function batch(B: number, S: number, L: number, H: number) {
  const inputIds = Array.from({ length: B * S }, (_, i) => (i * 7 + 3) % 90);
  const headKeep = new Float32Array(B * L * H).fill(1);
  const headUniform = new Float32Array(B * L * H);
  headKeep[1] = 0; // row 0: one head zero-ablated
  headKeep[L * H + 2] = 0; // row 1: another head mean-ablated
  headUniform[L * H + 2] = 1;
  return { batch: B, seqLen: S, inputIds, headKeep, headUniform };
}

describe('engine process', () => {
  it('gives bitwise the same probabilities as the worker thread, from another pid', async () => {
    const cacheDir = join(dir, 'graphs');
    const thread = await loadEngine({ modelDir, cacheDir, provider: 'cpu' });
    const child = await loadEngine({ modelDir, cacheDir, provider: 'cpu', spawner: processSpawner });
    try {
      expect(thread.processId).toBeNull();
      expect(child.processId).toBeGreaterThan(0);
      expect(child.processId).not.toBe(process.pid);
      const { nLayers: L, nHeads: H } = child.info.spec;
      const input = batch(2, 12, L, H);
      const a = await thread.probe(input);
      const b = await child.probe(input);
      expect(b).toBeInstanceOf(Float32Array);
      expect(b.length).toBe(24);
      const maxDiff = maxAbsDiff(a, b);
      console.log(`thread vs process: max |diff| = ${maxDiff}`);
      expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength))).toBe(true);
      const patterns = await child.patterns(input.inputIds.slice(0, 12), 1, 12);
      expect(patterns).toHaveLength(L);
      // It started with the malloc settings that keep freed memory between runs (Linux: its environ).
      if (process.platform === 'linux') {
        const environ = readFileSync(`/proc/${child.processId}/environ`, 'utf8').split('\0');
        for (const [name, value] of Object.entries(ENGINE_MALLOC_ENV)) expect(environ).toContain(`${name}=${value}`);
      }
    } finally {
      await thread.close();
      await child.close();
    }
  });

  it('close() keeps a plain Node caller alive until the engine process has exited', () => {
    const fixture = join(__dirname, 'fixtures', 'close-process-engine.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', fixture, modelDir, join(dir, 'graphs')], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) console.log(r.stdout, r.stderr);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('closed');
  });

  it.runIf(process.platform === 'linux')('starts onnxruntime without its telemetry client (no mat-debug log in the temp folder)', async () => {
    const started = Date.now() - 1000;
    const engine = await loadEngine({ modelDir, cacheDir: join(dir, 'graphs'), provider: 'cpu', spawner: processSpawner });
    const pid = engine.processId ?? 0;
    try {
      const { nLayers: L, nHeads: H } = engine.info.spec;
      await engine.probe(batch(1, 12, L, H));
      expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain('ORT_DISABLE_TELEMETRY=1');
    } finally {
      await engine.close();
    }
    // Only a log written by this process counts (an old file may carry a reused pid).
    const logs = [...new Set([tmpdir(), '/tmp'])].map((d) => join(d, `mat-debug-${pid}.log`)).filter((f) => existsSync(f) && statSync(f).mtimeMs >= started);
    expect(logs).toEqual([]);
  });

  it('a killed engine process fails pending and later calls with the reason; this process carries on', async () => {
    const engine = await loadEngine({ modelDir, cacheDir: join(dir, 'graphs'), provider: 'cpu', spawner: processSpawner });
    const pid = engine.processId;
    expect(pid).toBeGreaterThan(0);
    const { nLayers: L, nHeads: H } = engine.info.spec;
    const big = batch(64, 48, L, H);
    const pending = engine.probe(big);
    process.kill(pid ?? 0, 'SIGKILL');
    await expect(pending).rejects.toThrow(new RegExp(`engine process \\(pid ${pid}\\) was killed \\(SIGKILL\\) unexpectedly`));
    await expect(engine.probe(batch(1, 12, L, H))).rejects.toThrow(/was killed/);
    await engine.close(); // nothing left to close: resolves
  });

  it('keeps malloc settings the user chose, and adds none of its own then', () => {
    const env = engineProcessEnv({ PATH: '/usr/bin', MALLOC_TRIM_THRESHOLD_: '0' });
    expect(env).toEqual({ PATH: '/usr/bin', MALLOC_TRIM_THRESHOLD_: '0' });
    expect(engineProcessEnv({ PATH: '/usr/bin' })).toEqual({ PATH: '/usr/bin', MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '17179869184' });
  });
});
