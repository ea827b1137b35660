// The compiled probe graph on a tiny Llama-3.1-style checkpoint, run in a real onnxruntime session:
// the output contract, per-row gates, zero ablation of every head == a checkpoint with o_proj
// zeroed, and the external-data layout loading to the same numbers as the embedded one.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/main/engine/checkpoint/checkpoint';
import { llamaFamily } from '../../src/main/engine/families/llama';
import { compileModel } from '../../src/main/engine/graph/compile';
import type { ModelSpec } from '../../src/shared/model-spec';
import { tinyLlama3, writeTinyModel, type TinyModel } from '../../tools/fixtures/tiny-models';
import { at, entry } from '../../src/shared/checked';

const { onnx } = onnxProto;
let dir: string;
const model = tinyLlama3({ layers: 3 });
let spec: ModelSpec;
let session: ort.InferenceSession;

async function compileTo(name: string, m: TinyModel, extra: { externalThresholdBytes?: number } = {}) {
  const ckptDir = join(dir, `${name}-ckpt`);
  writeTinyModel(ckptDir, m);
  const cp = openCheckpoint(ckptDir);
  try {
    const s = llamaFamily.parseConfig(cp.config, cp.configPath);
    const outPath = join(dir, `${name}.onnx`);
    const fractions: number[] = [];
    const res = await compileModel({
      checkpoint: cp, spec: s, weights: llamaFamily.weights(cp, s), variant: 'probe', dtype: 'float32', outPath,
      onProgress: (f) => fractions.push(f), ...extra,
    });
    return { res, spec: s, fractions };
  } finally {
    cp.close();
  }
}

interface Row {
  ids: number[];
  keep: number[]; // [L*H]
  uniform: number[]; // [L*H]
}

/** token_probs of each row, one array per row in the rows' order (a tuple in, a tuple out). */
async function run<const R extends readonly Row[]>(s: ort.InferenceSession, rows: R): Promise<{ -readonly [K in keyof R]: Float32Array }> {
  const B = rows.length;
  const S = at(rows, 0).ids.length;
  const out = await s.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(rows.flatMap((r) => r.ids.map(BigInt))), [B, S]),
    head_keep: new ort.Tensor('float32', Float32Array.from(rows.flatMap((r) => r.keep)), [B, spec.nLayers, spec.nHeads]),
    head_uniform: new ort.Tensor('float32', Float32Array.from(rows.flatMap((r) => r.uniform)), [B, spec.nLayers, spec.nHeads]),
  });
  const probs = entry(out, 'token_probs');
  expect(probs.dims).toEqual([B, S]);
  const data = probs.data as Float32Array;
  return rows.map((_, b) => data.slice(b * S, (b + 1) * S)) as { -readonly [K in keyof R]: Float32Array };
}

function ids(seed: number, S: number): number[] {
  return Array.from({ length: S }, (_, i) => (seed * 31 + i * 17 + ((i * i) % 7)) % 96);
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(at(a, i) - at(b, i)));
  return m;
};

describe('probe graph (tiny llama3)', () => {
  let embedded: Awaited<ReturnType<typeof compileTo>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'graph-probe-'));
    embedded = await compileTo('base', model);
    spec = embedded.spec;
    session = await ort.InferenceSession.create(embedded.res.path);
  });

  afterAll(async () => {
    await session?.release();
    rmSync(dir, { recursive: true, force: true });
  });

  const LH = () => spec.nLayers * spec.nHeads;
  const normal = (seed: number, S: number): Row => ({ ids: ids(seed, S), keep: new Array(LH()).fill(1), uniform: new Array(LH()).fill(0) });

  it('has the contract inputs/outputs and writes one embedded file', () => {
    expect(session.inputNames).toEqual(['input_ids', 'head_keep', 'head_uniform']);
    expect(session.outputNames).toEqual(['token_probs']);
    expect(embedded.res.externalDataPath).toBeNull();
    expect(embedded.res.nodeCount).toBeGreaterThan(50);
    expect(embedded.fractions.at(-1)).toBe(1);
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('token_probs [B, S] are finite probabilities of the prompt tokens', async () => {
    const [a, b] = await run(session, [normal(1, 40), normal(2, 40)]);
    for (const p of [...a, ...b]) {
      expect(Number.isFinite(p)).toBe(true);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    // A repeated token id gets the same probability wherever it appears.
    const row = normal(1, 40).ids;
    const j = row.findIndex((t, i) => row.indexOf(t) !== i);
    if (j >= 0) expect(a[j]).toBe(a[row.indexOf(at(row, j))]);
  });

  it('gates act per batch row: a row gives the same output whatever rows share its batch', async () => {
    const S = 24;
    const zeroL1 = normal(3, S);
    zeroL1.keep = zeroL1.keep.map((v, i) => (Math.floor(i / spec.nHeads) === 1 ? 0 : v));
    const meanH0 = normal(3, S);
    meanH0.keep[0] = 0;
    meanH0.uniform[0] = 1;
    const half = normal(4, S);
    half.keep = half.keep.map(() => 0.5);
    half.uniform = half.uniform.map(() => 0.25);
    const base = normal(3, S);

    const together = await run(session, [base, zeroL1, meanH0, half]);
    const alone = [await run(session, [base]), await run(session, [zeroL1]), await run(session, [meanH0]), await run(session, [half])].map(([r]) => r);
    const reordered = await run(session, [half, meanH0, base, zeroL1]);
    const diffs = [0, 1, 2, 3].map((i) => maxDiff(at(together, i), at(alone, i)));
    const diffsReordered = [maxDiff(at(together, 0), at(reordered, 2)), maxDiff(at(together, 1), at(reordered, 3)), maxDiff(at(together, 2), at(reordered, 1)), maxDiff(at(together, 3), at(reordered, 0))];
    console.log('per-row gates max |diff| (batched vs alone, batched vs reordered):', diffs, diffsReordered);
    for (const d of [...diffs, ...diffsReordered]) expect(d).toBeLessThan(1e-7);
    // ... and the conditions really differ from each other.
    expect(maxDiff(at(together, 0), at(together, 1))).toBeGreaterThan(1e-4);
    expect(maxDiff(at(together, 0), at(together, 2))).toBeGreaterThan(1e-5);
  });

  it('zero-ablating every head equals the checkpoint with every o_proj zeroed', async () => {
    const zeroed: TinyModel = { config: model.config, tensors: { ...model.tensors } };
    for (const name of Object.keys(zeroed.tensors).filter((n) => n.endsWith('o_proj.weight'))) {
      const t = entry(zeroed.tensors, name);
      zeroed.tensors[name] = { shape: t.shape, data: new Float32Array(t.data.length) };
    }
    const noO = await compileTo('no-oproj', zeroed);
    const s2 = await ort.InferenceSession.create(noO.res.path);
    try {
      const S = 33;
      const allZero: Row = { ids: ids(5, S), keep: new Array(LH()).fill(0), uniform: new Array(LH()).fill(0) };
      const [ablated] = await run(session, [allZero]);
      const [reference] = await run(s2, [normal(5, S)]);
      const d = maxDiff(ablated, reference);
      console.log('zero all heads vs o_proj zeroed: max |diff|', d);
      expect(d).toBeLessThanOrEqual(1e-6);
      const [unablated] = await run(session, [normal(5, S)]);
      expect(maxDiff(unablated, reference)).toBeGreaterThan(1e-4); // the ablation did something
    } finally {
      await s2.release();
    }
  });

  it('external data: all weights in one aligned .onnx.data file, same outputs', async () => {
    const ext = await compileTo('external', model, { externalThresholdBytes: 1024 });
    expect(ext.res.externalDataPath).toBe(`${ext.res.path}.data`);
    const dataPath = ext.res.externalDataPath ?? '';
    expect(existsSync(dataPath)).toBe(true);
    expect(statSync(ext.res.path).size).toBeLessThan(statSync(embedded.res.path).size / 4);
    const graph = onnx.ModelProto.decode(readFileSync(ext.res.path)).graph as onnxProto.onnx.GraphProto;
    const external = graph.initializer.filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL);
    expect(external.map((t) => t.name)).toContain('model.layers.2.mlp.down_proj.weight');
    let end = 0;
    for (const t of external) {
      const kv = Object.fromEntries((t as onnxProto.onnx.TensorProto).externalData.map((e) => [e.key, e.value]));
      expect(kv.location).toBe('external.onnx.data');
      expect(Number(kv.offset) % 4096).toBe(0);
      expect(Number(kv.length)).toBe((t as onnxProto.onnx.TensorProto).dims.reduce((a: number, b) => a * Number(b), 4));
      end = Math.max(end, Number(kv.offset) + Number(kv.length));
    }
    expect(statSync(dataPath).size).toBe(end);
    const s3 = await ort.InferenceSession.create(ext.res.path);
    try {
      const rows = [normal(6, 20), { ...normal(7, 20), keep: new Array(LH()).fill(0), uniform: new Array(LH()).fill(1) }];
      const a = await run(session, rows);
      const b = await run(s3, rows);
      const d = Math.max(maxDiff(at(a, 0), at(b, 0)), maxDiff(at(a, 1), at(b, 1)));
      console.log('external vs embedded: max |diff|', d);
      expect(d).toBe(0);
    } finally {
      await s3.release();
    }
  });
});
