// What the Models screen says a checkpoint has compiled, against the real graph cache after a real
// engine compiled it: the probe per layer (layer reuse), its size as the sum of every layer's files,
// partly compiled once a layer's graph is gone; the whole probe graph beside it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/main/engine/load-engine';
import { evictGraph } from '../../src/main/engine/runtime/graph-cache';
import { compiledGraphs, isCompiled } from '../../src/main/models/compiled-graphs';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';

let dir = '';
let cacheDir = '';
let hash = '';
const LAYERS = 3;

/** Bytes of every file in the checkpoint's cache folder whose name matches. */
function bytesOf(match: RegExp): number {
  const folder = path.join(cacheDir, hash);
  return fs.readdirSync(folder).filter((n) => match.test(n) && !n.endsWith('.sha256.json')).reduce((sum, n) => sum + fs.statSync(path.join(folder, n)).size, 0);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compiled-graphs-'));
  cacheDir = path.join(dir, 'graphs');
  const modelDir = path.join(dir, 'model');
  writeTinyModel(modelDir, tinyLlama3({ layers: LAYERS, maxPositions: 64 }));
  const engine = await loadEngine({ modelDir, cacheDir, provider: 'cpu', reuse: true });
  hash = engine.info.checkpointHash;
  await engine.close();
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('compiled graphs of a checkpoint', () => {
  it('lists the per-layer probe a reuse engine compiled, with the size of all its layers, and counts it as compiled', () => {
    const graphs = compiledGraphs(cacheDir, hash, LAYERS);
    const perLayer = graphs.filter((g) => g.layers);
    expect(perLayer).toHaveLength(1);
    const layerBytes = bytesOf(/-probe-layers-\d+-\d+-float32\.onnx/);
    expect(layerBytes).toBeGreaterThan(0);
    expect(perLayer[0]).toMatchObject({ variant: 'probe', dtype: 'float32', cached: true, sizeBytes: layerBytes });
    expect(graphs.filter((g) => !g.layers && g.cached)).toEqual([]);
    expect(isCompiled(cacheDir, hash, LAYERS)).toBe(true);
    // Without the model's shape there is no per-layer entry to look for.
    expect(compiledGraphs(cacheDir, hash, null).some((g) => g.layers)).toBe(false);
  });

  it('reports a set with a layer missing as partly compiled, still counting its disk, and the model as not compiled', () => {
    const folder = path.join(cacheDir, hash);
    const last = fs.readdirSync(folder).find((n) => n.endsWith(`-probe-layers-${LAYERS - 1}-${LAYERS}-float32.onnx`));
    if (!last) throw new Error(`no graph of layer ${LAYERS - 1} in ${folder}`);
    evictGraph(path.join(folder, last)); // as if that layer had not been compiled yet
    const perLayer = compiledGraphs(cacheDir, hash, LAYERS).find((g) => g.layers);
    expect(perLayer).toMatchObject({ cached: false, sizeBytes: bytesOf(/-probe-layers-\d+-\d+-float32\.onnx/) });
    expect(isCompiled(cacheDir, hash, LAYERS)).toBe(false);
  });
});
