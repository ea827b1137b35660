// The float16 graph (meant for CUDA; onnxruntime's CPU provider runs it too, so it is tested
// here): fp16 weights, fp32 norms/softmaxes/inputs/outputs, probabilities close to the fp32 graph.
// Also the float32 -> float16 encoder against the test helpers' independent arithmetic rounding.

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/main/engine/checkpoint/checkpoint';
import { llamaFamily } from '../../src/main/engine/families/llama';
import { compileModel } from '../../src/main/engine/graph/compile';
import { float16ToFloat32, toFloat16Array } from '../../src/main/engine/half-precision';
import type { ModelSpec } from '../../src/shared/model-spec';
import { mulberry32, roundToF16 } from '../../tools/fixtures/hf-checkpoint';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';
import { at, entry } from '../../src/shared/checked';

const { onnx } = onnxProto;

describe('float32 -> float16 encoding', () => {
  it('rounds to nearest even like an arithmetic reference, incl. subnormals, ties and overflow', () => {
    const u = mulberry32(9);
    const special = [0, -0, 1, -1, 65504, 65519, 65520, 1e6, -1e6, 2 ** -24, 2 ** -25, 3 * 2 ** -25, 2 ** -26, 1e-9,
      1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 ** -14, 2 ** -14 - 2 ** -25, 0.1, 1 / 3, Infinity, -Infinity];
    const random = Array.from({ length: 20000 }, () => (u() - 0.5) * 2 ** Math.floor(u() * 44 - 28));
    const values = Float32Array.from([...special, ...random]);
    const expected = roundToF16(values);
    const got = toFloat16Array(values);
    let bad = 0;
    for (let i = 0; i < values.length; i++) if (!Object.is(float16ToFloat32(at(got, i)), expected[i])) bad++;
    expect(bad).toBe(0);
    expect(Number.isNaN(float16ToFloat32(at(toFloat16Array(Float32Array.of(NaN)), 0)))).toBe(true);
  });
});

describe('float16 probe graph (tiny llama3)', () => {
  let dir: string;
  let spec: ModelSpec;
  const sessions: Record<string, ort.InferenceSession> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'graph-fp16-'));
    writeTinyModel(join(dir, 'ckpt'), tinyLlama3({ layers: 2, vocab: 512, hidden: 64, intermediate: 192 }));
    const cp = openCheckpoint(join(dir, 'ckpt'));
    try {
      spec = llamaFamily.parseConfig(cp.config, cp.configPath);
      for (const dtype of ['float32', 'float16'] as const) {
        const outPath = join(dir, `${dtype}.onnx`);
        await compileModel({ checkpoint: cp, spec, weights: llamaFamily.weights(cp, spec), variant: 'probe', dtype, outPath });
        sessions[dtype] = await ort.InferenceSession.create(outPath);
      }
    } finally {
      cp.close();
    }
  });

  afterAll(async () => {
    for (const s of Object.values(sessions)) await s.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores matmul weights as float16, norm weights as float32; keeps the fp32 contract at the edges', () => {
    const graph = onnx.ModelProto.decode(readFileSync(join(dir, 'float16.onnx'))).graph as onnxProto.onnx.GraphProto;
    const types = new Map(graph.initializer.map((t) => [t.name, t.dataType]));
    expect(types.get('model.layers.0.self_attn.q_proj.weight')).toBe(onnx.TensorProto.DataType.FLOAT16);
    expect(types.get('lm_head.weight')).toBe(onnx.TensorProto.DataType.FLOAT16);
    expect(types.get('model.embed_tokens.weight')).toBe(onnx.TensorProto.DataType.FLOAT16);
    expect(types.get('model.layers.0.input_layernorm.weight')).toBe(onnx.TensorProto.DataType.FLOAT);
    const elem = (vs: onnxProto.onnx.IValueInfoProto[]) => vs.map((v) => [v.name, v.type?.tensorType?.elemType]);
    expect(elem(graph.input)).toEqual([['input_ids', 7], ['head_keep', 1], ['head_uniform', 1]]);
    expect(elem(graph.output)).toEqual([['token_probs', 1]]);
    expect(statSync(join(dir, 'float16.onnx')).size).toBeLessThan(0.6 * statSync(join(dir, 'float32.onnx')).size);
  });

  it('probabilities match the float32 graph to fp16 accuracy, ablated or not', async () => {
    const B = 3;
    const S = 40;
    const LH = spec.nLayers * spec.nHeads;
    const keep = Float32Array.from({ length: B * LH }, (_, i) => at([1, 0, i % 2], Math.floor(i / LH)));
    const uniform = Float32Array.from({ length: B * LH }, (_, i) => at([0, 1, 0], Math.floor(i / LH)));
    const f = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from({ length: B * S }, (_, i) => BigInt((i * 97 + 5) % 512)), [B, S]),
      head_keep: new ort.Tensor('float32', keep, [B, spec.nLayers, spec.nHeads]),
      head_uniform: new ort.Tensor('float32', uniform, [B, spec.nLayers, spec.nHeads]),
    };
    const p32 = entry(await entry(sessions, 'float32').run(f), 'token_probs').data as Float32Array;
    const out16 = entry(await entry(sessions, 'float16').run(f), 'token_probs');
    expect(out16.type).toBe('float32');
    const p16 = out16.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < p32.length; i++) worst = Math.max(worst, Math.abs(at(p16, i) - at(p32, i)) / at(p32, i));
    console.log('float16 vs float32 graph: max relative difference', worst);
    expect(worst).toBeLessThan(3e-2);
    expect(worst).toBeGreaterThan(0); // it really computed in fp16
  });
});
