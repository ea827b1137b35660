// The probe graph's speed-only changes must not change results: blocked attention (query-blocks.ts,
// with the score floor against subnormals) against the same graph compiled with one [S, S] block,
// on prompts shorter than the block count (empty blocks), sliding-window layers, Gemma-2's
// soft-capping, float16, mixed gates, and heads so sharp that score gaps pass the floor. Also the
// graph's shape: blocks only in the full-sequence layers, q_proj keeps its HF name with a note.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/main/engine/checkpoint/checkpoint';
import { resolveFamily } from '../../src/main/engine/families/registry';
import { compileModel } from '../../src/main/engine/graph/compile';
import { DEFAULT_QUERY_BLOCKS } from '../../src/main/engine/graph/blocked-attention';
import type { GraphDtype } from '../../src/main/engine/engine-types';
import type { ModelSpec } from '../../src/shared/model-spec';
import { tinyGemma2, tinyLlama3, tinyMistral, writeTinyModel, type TinyModel } from '../../tools/fixtures/tiny-models';
import { at, entry } from '../../src/shared/checked';

const { onnx } = onnxProto;
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'graph-blocks-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Pair {
  spec: ModelSpec;
  blocked: ort.InferenceSession;
  single: ort.InferenceSession;
  blockedPath: string;
}

/** Compiles one checkpoint twice (default blocks, and queryBlocks = 1) and opens both graphs. */
async function compilePair(label: string, model: TinyModel, dtype: GraphDtype = 'float32'): Promise<Pair> {
  const ckpt = join(root, `${label}-ckpt`);
  writeTinyModel(ckpt, model);
  const cp = openCheckpoint(ckpt);
  try {
    const family = resolveFamily(cp.config, cp.configPath);
    const spec = family.parseConfig(cp.config, cp.configPath);
    const compile = async (name: string, queryBlocks?: number) => {
      const outPath = join(root, `${label}-${name}.onnx`);
      await compileModel({ checkpoint: cp, spec, weights: family.weights(cp, spec), variant: 'probe', dtype, outPath, queryBlocks });
      return outPath;
    };
    const blockedPath = await compile('blocked');
    const singlePath = await compile('single', 1);
    return { spec, blockedPath, blocked: await ort.InferenceSession.create(blockedPath), single: await ort.InferenceSession.create(singlePath) };
  } finally {
    cp.close();
  }
}

/** Rows: no ablation, zero, mean, and a fractional mix, each over a spread of heads. */
function feeds(spec: ModelSpec, S: number): Record<string, ort.Tensor> {
  const B = 4;
  const LH = spec.nLayers * spec.nHeads;
  const keep = new Float32Array(B * LH).fill(1);
  const uniform = new Float32Array(B * LH);
  for (let i = 0; i < LH; i += 3) {
    keep[LH + i] = 0;
    keep[2 * LH + i] = 0;
    uniform[2 * LH + i] = 1;
    keep[3 * LH + i] = 0.25;
    uniform[3 * LH + i] = 0.75;
  }
  return {
    input_ids: new ort.Tensor('int64', BigInt64Array.from({ length: B * S }, (_, i) => BigInt((i * 37 + 11) % spec.vocabSize)), [B, S]),
    head_keep: new ort.Tensor('float32', keep, [B, spec.nLayers, spec.nHeads]),
    head_uniform: new ort.Tensor('float32', uniform, [B, spec.nLayers, spec.nHeads]),
  };
}

/** Max absolute and relative (probabilities > 1e-9) difference of token_probs between the two graphs. */
async function compare(pair: Pair, S: number): Promise<{ abs: number; rel: number }> {
  const f = feeds(pair.spec, S);
  const a = entry(await pair.blocked.run(f), 'token_probs').data as Float32Array;
  const b = entry(await pair.single.run(f), 'token_probs').data as Float32Array;
  expect(a.length).toBe(b.length);
  let abs = 0;
  let rel = 0;
  for (let i = 0; i < a.length; i++) {
    expect(Number.isFinite(a[i])).toBe(true);
    const d = Math.abs(at(a, i) - at(b, i));
    abs = Math.max(abs, d);
    if (at(b, i) > 1e-9) rel = Math.max(rel, d / at(b, i));
  }
  return { abs, rel };
}

async function expectSame(label: string, pair: Pair, lengths: number[], relTol = 1e-5): Promise<void> {
  for (const S of lengths) {
    const { abs, rel } = await compare(pair, S);
    console.log(`${label} S=${S}: blocked vs one block max |Δ| ${abs.toExponential(2)}, max rel ${rel.toExponential(2)}`);
    expect(abs).toBeLessThanOrEqual(1e-6);
    expect(rel).toBeLessThanOrEqual(relTol);
  }
}

describe('blocked attention gives the one-block results', () => {
  const pairs: Pair[] = [];
  afterAll(async () => {
    for (const p of pairs) await Promise.all([p.blocked.release(), p.single.release()]);
  });
  const open = async (label: string, model: TinyModel, dtype?: GraphDtype) => {
    const p = await compilePair(label, model, dtype);
    pairs.push(p);
    return p;
  };

  it('llama3 (GQA), prompts shorter and longer than the block count', async () => {
    // S < 8 leaves some blocks empty; S = 8, 9 and 37 give blocks of unequal sizes.
    await expectSame('llama3', await open('llama3', tinyLlama3({ layers: 3 })), [1, 2, 5, 8, 9, 37]);
  });

  it('mistral sliding window W=3: blocks start at their oldest visible key', async () => {
    await expectSame('mistral W=3', await open('mistral', tinyMistral({ slidingWindow: 3, layers: 3 })), [2, 4, 11, 40]);
  });

  it('gemma2: soft-capped scores, alternating local (W=4) and global layers', async () => {
    await expectSame('gemma2', await open('gemma2', tinyGemma2({ layers: 4 })), [3, 30]);
  });

  it('sharp heads: score gaps far beyond the floor (64) leave the results unchanged', async () => {
    const model = tinyLlama3({ layers: 3, seed: 7 });
    // q and k weights x6 make q.k/sqrt(d) ~36x larger: gaps of hundreds, probabilities far below 1e-38.
    for (const [name, t] of Object.entries(model.tensors)) {
      if (/self_attn\.[qk]_proj\.weight$/.test(name)) t.data.forEach((x, i) => (t.data[i] = x * 6));
    }
    await expectSame('llama3 sharp', await open('sharp', model), [9, 40]);
  });

  it('float16 graph: blocked equals one block to fp16 accuracy', async () => {
    const { abs, rel } = await compare(await open('fp16', tinyLlama3({ layers: 3 }), 'float16'), 37);
    console.log(`float16 S=37: blocked vs one block max |Δ| ${abs.toExponential(2)}, max rel ${rel.toExponential(2)}`);
    expect(rel).toBeLessThan(1e-2);
  });
});

describe('graph shape', () => {
  it('blocks in every layer but the probe\'s last; q_proj keeps its HF name and says it is scaled', async () => {
    const pair = await compilePair('shape', tinyLlama3({ layers: 3 }));
    await Promise.all([pair.blocked.release(), pair.single.release()]);
    const graph = onnx.ModelProto.decode(readFileSync(pair.blockedPath)).graph as onnxProto.onnx.GraphProto;
    const names = graph.node.map((n) => n.name ?? '');
    for (const layer of [0, 1]) {
      const blockScores = names.filter((n) => n.startsWith(`/model/layers.${layer}/attn/block_`) && n.endsWith('/scores/MatMul'));
      expect(blockScores).toHaveLength(DEFAULT_QUERY_BLOCKS);
      expect(names).not.toContain(`/model/layers.${layer}/attn/scores/MatMul`);
    }
    expect(names.some((n) => n.startsWith('/model/layers.2/attn/block_'))).toBe(false);
    expect(names).toContain('/model/layers.2/attn/scores/MatMul'); // the last query alone: [B, K, G, 1, S]
    expect(names.some((n) => n.endsWith('/q/Scale'))).toBe(false); // head_dim 16: 0.25 lives in q_proj's weight
    const q = graph.initializer.find((t) => t.name === 'model.layers.0.self_attn.q_proj.weight');
    expect(q?.docString).toMatch(/attention scale 0\.25/);
    const k = graph.initializer.find((t) => t.name === 'model.layers.0.self_attn.k_proj.weight');
    expect(k?.docString ?? '').not.toMatch(/scale/);
  });

  it('keeps the runtime scale multiply where folding would not be exact (Gemma-2: 24^-1/2)', async () => {
    const pair = await compilePair('shape-gemma2', tinyGemma2({ layers: 2 }));
    await Promise.all([pair.blocked.release(), pair.single.release()]);
    const graph = onnx.ModelProto.decode(readFileSync(pair.blockedPath)).graph as onnxProto.onnx.GraphProto;
    expect(graph.node.map((n) => n.name)).toContain('/model/layers.0/attn/q/Scale');
    const q = graph.initializer.find((t) => t.name === 'model.layers.0.self_attn.q_proj.weight');
    expect(q?.docString ?? '').not.toMatch(/scale/);
  });
});
