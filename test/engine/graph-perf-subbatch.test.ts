// GraphSession.probe on CPU splits a batch into sub-batches (graph-session.ts) for speed: the result
// must equal one onnxruntime run over the whole batch, row for row, including an uneven last
// sub-batch and mixed gates; and the sub-batch size follows the attention block's size.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/main/engine/checkpoint/checkpoint';
import { llamaFamily } from '../../src/main/engine/families/llama';
import { compileModel } from '../../src/main/engine/graph/compile';
import { cpuSubBatchRows, GraphSession, type GraphFeeds } from '../../src/main/engine/runtime/graph-session';
import type { ModelSpec } from '../../src/shared/model-spec';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';
import { at, entry } from '../../src/shared/checked';

describe('CPU sub-batches', () => {
  let dir: string;
  let spec: ModelSpec;
  let graphPath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'graph-subbatch-'));
    writeTinyModel(join(dir, 'ckpt'), tinyLlama3({ layers: 2, maxPositions: 512 }));
    const cp = openCheckpoint(join(dir, 'ckpt'));
    try {
      spec = llamaFamily.parseConfig(cp.config, cp.configPath);
      graphPath = join(dir, 'probe.onnx');
      await compileModel({ checkpoint: cp, spec, weights: llamaFamily.weights(cp, spec), variant: 'probe', dtype: 'float32', outPath: graphPath });
    } finally {
      cp.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sizes sub-batches by the block scores: the demo model gets 4 rows, short prompts whole batches', () => {
    expect(cpuSubBatchRows(501, 8)).toBe(4); // 8 heads x 63 x 501 floats ~ 1 MB per row
    expect(cpuSubBatchRows(501, 32)).toBe(1);
    expect(cpuSubBatchRows(40, 4)).toBeGreaterThan(100);
  });

  it('equals one run over the whole batch, row for row', async () => {
    const B = 11;
    const S = 501;
    const rows = cpuSubBatchRows(S, spec.nHeads);
    expect(rows).toBeGreaterThan(1);
    expect(rows).toBeLessThan(B); // several sub-batches, the last one shorter
    expect(B % rows).not.toBe(0);
    const LH = spec.nLayers * spec.nHeads;
    const feeds: GraphFeeds = {
      inputIds: BigInt64Array.from({ length: B * S }, (_, i) => BigInt((i * 31 + 7) % spec.vocabSize)),
      headKeep: Float32Array.from({ length: B * LH }, (_, i) => (i % 5 === 0 ? 0 : 1)),
      headUniform: Float32Array.from({ length: B * LH }, (_, i) => (i % 10 === 0 ? 1 : 0)),
      batch: B,
      seqLen: S,
      nLayers: spec.nLayers,
      nHeads: spec.nHeads,
    };
    const session = await GraphSession.open(graphPath, 'cpu', 1);
    const whole = await ort.InferenceSession.create(graphPath);
    try {
      const split = await session.probe(feeds);
      const out = await whole.run({
        input_ids: new ort.Tensor('int64', feeds.inputIds, [B, S]),
        head_keep: new ort.Tensor('float32', feeds.headKeep, [B, spec.nLayers, spec.nHeads]),
        head_uniform: new ort.Tensor('float32', feeds.headUniform, [B, spec.nLayers, spec.nHeads]),
      });
      const ref = entry(out, 'token_probs').data as Float32Array;
      expect(split.length).toBe(ref.length);
      let maxRel = 0;
      for (let i = 0; i < ref.length; i++) maxRel = Math.max(maxRel, Math.abs(at(split, i) - at(ref, i)) / at(ref, i));
      console.log(`${Math.ceil(B / rows)} sub-batches of <= ${rows} rows vs one run of ${B}: max relative difference ${maxRel}`);
      expect(maxRel).toBeLessThanOrEqual(1e-6);
    } finally {
      await session.release();
      await whole.release();
    }
  });
});
