// The patterns graph on a tiny Mistral with a sliding window shorter than the prompt: every
// layer's blocks.{l}.attn.hook_pattern is a proper causal/windowed distribution, and its
// token_probs equal the probe graph's (which runs its last layer for the last query only and
// slices the windowed mean), under normal, zero, mean and fractional gates.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/main/engine/checkpoint/checkpoint';
import { llamaFamily } from '../../src/main/engine/families/llama';
import { compileModel } from '../../src/main/engine/graph/compile';
import type { ModelSpec } from '../../src/shared/model-spec';
import { tinyMistral, writeTinyModel } from '../../tools/fixtures/tiny-models';
import { at, entry } from '../../src/shared/checked';

const W = 5;
let dir: string;
let spec: ModelSpec;
let probe: ort.InferenceSession;
let patterns: ort.InferenceSession;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'graph-patterns-'));
  writeTinyModel(join(dir, 'ckpt'), tinyMistral({ layers: 3, slidingWindow: W }));
  const cp = openCheckpoint(join(dir, 'ckpt'));
  try {
    spec = llamaFamily.parseConfig(cp.config, cp.configPath);
    const weights = llamaFamily.weights(cp, spec);
    for (const variant of ['probe', 'patterns'] as const) {
      await compileModel({ checkpoint: cp, spec, weights, variant, dtype: 'float32', outPath: join(dir, `${variant}.onnx`) });
    }
  } finally {
    cp.close();
  }
  probe = await ort.InferenceSession.create(join(dir, 'probe.onnx'));
  patterns = await ort.InferenceSession.create(join(dir, 'patterns.onnx'));
});

afterAll(async () => {
  await probe?.release();
  await patterns?.release();
  rmSync(dir, { recursive: true, force: true });
});

function feeds(B: number, S: number, keep: (b: number, i: number) => number, uniform: (b: number, i: number) => number) {
  const LH = spec.nLayers * spec.nHeads;
  const ids = BigInt64Array.from({ length: B * S }, (_, i) => BigInt((i * 37 + 11) % spec.vocabSize));
  return {
    input_ids: new ort.Tensor('int64', ids, [B, S]),
    head_keep: new ort.Tensor('float32', Float32Array.from({ length: B * LH }, (_, i) => keep(Math.floor(i / LH), i % LH)), [B, spec.nLayers, spec.nHeads]),
    head_uniform: new ort.Tensor('float32', Float32Array.from({ length: B * LH }, (_, i) => uniform(Math.floor(i / LH), i % LH)), [B, spec.nLayers, spec.nHeads]),
  };
}

describe('patterns graph (tiny mistral, sliding window 5)', () => {
  it('outputs one [B, H, S, S] pattern per layer: rows sum to 1, zero outside the causal window', async () => {
    expect(patterns.outputNames).toEqual([...Array.from({ length: spec.nLayers }, (_, l) => `blocks.${l}.attn.hook_pattern`), 'token_probs']);
    const B = 2;
    const S = 9;
    const out = await patterns.run(feeds(B, S, () => 1, () => 0));
    let worstSum = 0;
    for (let l = 0; l < spec.nLayers; l++) {
      const t = entry(out, `blocks.${l}.attn.hook_pattern`);
      expect(t.dims).toEqual([B, spec.nHeads, S, S]);
      const p = t.data as Float32Array;
      for (let row = 0; row < B * spec.nHeads * S; row++) {
        const q = row % S;
        let sum = 0;
        for (let k = 0; k < S; k++) {
          const v = at(p, row * S + k);
          if (k > q || k <= q - W) expect(v).toBe(0);
          else expect(v).toBeGreaterThan(0);
          sum += v;
        }
        worstSum = Math.max(worstSum, Math.abs(sum - 1));
      }
    }
    console.log('pattern rows: max |sum - 1|', worstSum);
    expect(worstSum).toBeLessThan(1e-6);
  });

  it('token_probs equal the probe graph (last-query-only last layer) under every kind of gate', async () => {
    const B = 4;
    const S = 12;
    const H = spec.nHeads;
    // Row 0 normal, row 1 zero-ablates layer 2 (the last), row 2 mean-ablates heads in every layer, row 3 fractional.
    const keep = (b: number, i: number) => at([1, Math.floor(i / H) === 2 ? 0 : 1, i % 3 === 0 ? 0 : 1, 0.3], b);
    const uniform = (b: number, i: number) => at([0, 0, i % 3 === 0 ? 1 : 0, 0.6], b);
    const f = feeds(B, S, keep, uniform);
    const a = entry(await probe.run(f), 'token_probs').data as Float32Array;
    const b = entry(await patterns.run(f), 'token_probs').data as Float32Array;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(at(a, i) - at(b, i)) / at(b, i));
    console.log('probe vs patterns token_probs: max relative difference', worst);
    expect(worst).toBeLessThan(1e-5);
    // The rows really are different conditions.
    expect(Math.abs(at(a, S - 1) - at(a, 2 * S - 1))).toBeGreaterThan(1e-6);
    expect(Math.abs(at(a, S - 1) - at(a, 3 * S - 1))).toBeGreaterThan(1e-6);
  });
});
