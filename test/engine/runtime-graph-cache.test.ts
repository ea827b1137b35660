// The compiled-graph cache on its own: key layout, reuse, atomic publication with an external-data
// sidecar (loaded by a real onnxruntime session after the move), and nothing left by a failed build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureGraph, evictGraph, graphPath, type GraphKey } from '../../src/main/engine/runtime/graph-cache';
import { ENGINE_VERSION } from '../../src/main/engine/runtime/engine-version';
import { entry } from '../../src/shared/checked';

const { onnx } = onnxProto;

/** y = x + w, with w (4 floats) stored in `<graph>.data` next to the graph, as the compiler does. */
function writeAddGraph(outPath: string, w: number[]): void {
  const dataName = `${path.basename(outPath)}.data`;
  fs.writeFileSync(path.join(path.dirname(outPath), dataName), Buffer.from(new Float32Array(w).buffer));
  const f4 = { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 4 }] } } };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'add',
      node: [{ opType: 'Add', input: ['x', 'w'], output: ['y'] }],
      input: [{ name: 'x', type: f4 }],
      output: [{ name: 'y', type: f4 }],
      initializer: [
        {
          name: 'w',
          dims: [4],
          dataType: onnx.TensorProto.DataType.FLOAT,
          dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: [
            { key: 'location', value: dataName },
            { key: 'offset', value: '0' },
            { key: 'length', value: '16' },
          ],
        },
      ],
    },
  });
  fs.writeFileSync(outPath, onnx.ModelProto.encode(model).finish());
}

async function runAdd(file: string): Promise<number[]> {
  const session = await ort.InferenceSession.create(file);
  const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 1, 1, 1]), [4]) });
  await session.release();
  return Array.from(entry(out, 'y').data as Float32Array);
}

let dir: string;
let key: GraphKey;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-cache-'));
  key = { cacheDir: dir, checkpointHash: 'abc123', variant: 'probe', dtype: 'float32' };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('graph cache', () => {
  it('places graphs at <cacheDir>/<hash>/<engineVersion>-<variant>-<dtype>.onnx', () => {
    expect(graphPath(key)).toBe(path.join(dir, 'abc123', `${ENGINE_VERSION}-probe-float32.onnx`));
    expect(graphPath({ ...key, variant: 'patterns', dtype: 'float16' })).toBe(path.join(dir, 'abc123', `${ENGINE_VERSION}-patterns-float16.onnx`));
  });

  it('builds once, moves the graph and its .onnx.data into place, and reuses them', async () => {
    let builds = 0;
    const build = async (out: string) => {
      builds++;
      writeAddGraph(out, [1, 2, 3, 4]);
    };
    const first = await ensureGraph(key, build);
    expect(first).toMatchObject({ path: graphPath(key), fromCache: false });
    expect(fs.readdirSync(path.join(dir, 'abc123')).sort()).toEqual([
      `${ENGINE_VERSION}-probe-float32.onnx`,
      `${ENGINE_VERSION}-probe-float32.onnx.data`,
      `${ENGINE_VERSION}-probe-float32.onnx.sha256.json`,
    ]);
    // The external-data reference is relative, so the moved pair still loads.
    expect(await runAdd(first.path)).toEqual([2, 3, 4, 5]);

    const second = await ensureGraph(key, build);
    expect(second).toEqual({ path: first.path, fromCache: true, compileMs: 0 });
    expect(builds).toBe(1);
  });

  it('leaves no graph and no temp folder when the build fails midway', async () => {
    const failing = async (out: string) => {
      fs.writeFileSync(out, Buffer.from([8, 1, 2])); // half a graph
      throw new Error('disk full');
    };
    await expect(ensureGraph(key, failing)).rejects.toThrow('disk full');
    expect(fs.readdirSync(path.join(dir, 'abc123'))).toEqual([]);
    // The next load builds a complete graph.
    const ok = await ensureGraph(key, async (out) => writeAddGraph(out, [0, 0, 0, 1]));
    expect(ok.fromCache).toBe(false);
    expect(await runAdd(ok.path)).toEqual([1, 1, 1, 2]);
  });

  it('rejects a builder that writes nothing, and evictGraph removes the graph with its sidecar', async () => {
    await expect(ensureGraph(key, async () => {})).rejects.toThrow(/wrote no file/);
    const built = await ensureGraph(key, async (out) => writeAddGraph(out, [1, 1, 1, 1]));
    evictGraph(built.path);
    expect(fs.readdirSync(path.join(dir, 'abc123'))).toEqual([]);
  });

  it('rebuilds a cached graph whose bytes changed but still load, or whose record is gone', async () => {
    let builds = 0;
    const build = async (out: string) => {
      builds++;
      writeAddGraph(out, [1, 2, 3, 4]);
    };
    const first = await ensureGraph(key, build);
    // Damage the weights in the sidecar: onnxruntime still loads the graph, with wrong numbers.
    fs.writeFileSync(`${first.path}.data`, Buffer.from(new Float32Array([9, 9, 9, 9]).buffer));
    expect(await runAdd(first.path)).toEqual([10, 10, 10, 10]);
    const reasons: string[] = [];
    const second = await ensureGraph(key, build, (why) => reasons.push(why));
    expect(second.fromCache).toBe(false);
    expect(second.rebuiltBecause).toMatch(/\.onnx\.data does not match the sha256 recorded when it was written/);
    expect(reasons).toEqual([second.rebuiltBecause]);
    expect(await runAdd(second.path)).toEqual([2, 3, 4, 5]);

    fs.rmSync(`${second.path}.sha256.json`);
    const third = await ensureGraph(key, build);
    expect(third.rebuiltBecause).toMatch(/no readable integrity record/);
    fs.appendFileSync(third.path, Buffer.from([0]));
    expect((await ensureGraph(key, build)).rebuiltBecause).toMatch(/\.onnx has \d+ bytes, \d+ were written/);
    expect(builds).toBe(4);
    expect((await ensureGraph(key, build)).fromCache).toBe(true);
  });

  it('removes temp folders left by a crashed build more than a day ago', async () => {
    const stale = path.join(dir, 'abc123', '.tmp-999-dead');
    const fresh = path.join(dir, 'abc123', '.tmp-998-live');
    fs.mkdirSync(stale, { recursive: true });
    fs.mkdirSync(fresh);
    const old = new Date(Date.now() - 2 * 24 * 3600_000);
    fs.utimesSync(stale, old, old);
    await ensureGraph(key, async (out) => writeAddGraph(out, [1, 1, 1, 1]));
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
  });

  it('removes the checkpoint\'s graphs of other engine versions once a new one is in place, and nothing else', async () => {
    const folder = path.join(dir, 'abc123');
    fs.mkdirSync(folder);
    const outdated = ['r0-g1-probe-float32.onnx', 'r0-g1-probe-float32.onnx.data', 'r0-g1-probe-float32.onnx.sha256.json', 'r0-g1-probe-layers-3-float32.onnx.data'];
    const current = [`${ENGINE_VERSION}-patterns-float32.onnx`, `${ENGINE_VERSION}-patterns-float32.onnx.data`];
    const unrelated = ['notes.txt', 'r0-g1-readme.md'];
    for (const name of [...outdated, ...current, ...unrelated]) fs.writeFileSync(path.join(folder, name), name);

    await expect(ensureGraph(key, async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(fs.readdirSync(folder).filter((n) => !n.startsWith('.tmp-')).sort()).toEqual([...outdated, ...current, ...unrelated].sort());

    await ensureGraph(key, async (out) => writeAddGraph(out, [1, 2, 3, 4]));
    const built = [`${ENGINE_VERSION}-probe-float32.onnx`, `${ENGINE_VERSION}-probe-float32.onnx.data`, `${ENGINE_VERSION}-probe-float32.onnx.sha256.json`];
    expect(fs.readdirSync(folder).sort()).toEqual([...current, ...unrelated, ...built].sort());
    expect(await runAdd(graphPath(key))).toEqual([2, 3, 4, 5]);
  });
});
