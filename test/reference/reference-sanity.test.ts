// Internal consistency of the reference forward pass, on tiny random checkpoints of every family
// written by the reference's own writer: probabilities are probabilities, zero ablation of every head
// equals a model whose attention output weights are zero, mean ablation is exactly uniform over the
// causal prefix (or the sliding window), and the checkpoint readers decode BF16/F16/shards right.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceModel, runReference, type ReferenceAblation } from './forward';
import { inverseFrequencies } from './rotary';
import { halfToNumber, RefWeights } from './safetensors';
import { TINY_SHAPE, writeTinyRandom, type TinyKind } from './tiny-random';
import { writeTinyCheckpoint } from './write-checkpoint';
import { at } from '../../src/shared/checked';
import { maxAbsDiff } from './compare';

const KINDS: TinyKind[] = ['llama', 'qwen2', 'mistral', 'gemma2', 'gpt2', 'gpt_neox', 'gpt_neox_sequential'];
/** The output projection of each family (zeroing it must equal zero-ablating every head). */
const OUT_PROJ: Record<TinyKind, string> = {
  llama: 'self_attn.o_proj.weight',
  qwen2: 'self_attn.o_proj.weight',
  mistral: 'self_attn.o_proj.weight',
  gemma2: 'self_attn.o_proj.weight',
  gpt2: 'attn.c_proj.weight',
  gpt_neox: 'attention.dense.weight',
  gpt_neox_sequential: 'attention.dense.weight',
};
// 26 distinct tokens, then a repeat: longer than the llama checkpoint's original_max_position_embeddings (16).
const PROMPT = [5, 17, 3, 88, 42, 9, 61, 23, 70, 11, 2, 33, 50, 19, 77, 8, 90, 14, 31, 4, 66, 25, 58, 40, 12, 61];
const S = PROMPT.length;
const { L, H } = TINY_SHAPE;
const ALL_HEADS: [number, number][] = [];
for (let l = 0; l < L; l++) for (let h = 0; h < H; h++) ALL_HEADS.push([l, h]);

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'reference-sanity-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const none: ReferenceAblation = { heads: [], mode: 'none' };

describe.each(KINDS)('reference %s', (kind) => {
  const dir = () => join(root, kind);
  beforeAll(() => {
    writeTinyRandom(kind, dir());
  });

  it('gives probabilities: positive, at most 1 summed over the distinct prompt tokens', () => {
    const out = runReference(loadReferenceModel(dir()), [PROMPT], [none]);
    const probs = at(out.tokenProbs, 0);
    const distinct = new Map(PROMPT.map((id, s) => [id, at(probs, s)]));
    const total = [...distinct.values()].reduce((a, b) => a + b, 0);
    console.log(`${kind}: sum over distinct prompt tokens ${total.toExponential(4)}`);
    expect(probs.every((p) => p > 0 && p <= 1)).toBe(true);
    expect(total).toBeLessThanOrEqual(1);
    // Repeated tokens read the same vocabulary entry.
    expect(probs[PROMPT.indexOf(61)]).toBe(probs[S - 1]);
    // Unablated rows sum to 1 over the keys a query may see.
    let worst = 0;
    for (const layer of at(out.patterns, 0)) for (const head of layer) for (const r of head) worst = Math.max(worst, Math.abs(r.reduce((a, b) => a + b, 0) - 1));
    console.log(`${kind}: max |row sum - 1| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-12);
  });

  it('zero-ablating every head equals the model with its attention output projection zeroed', () => {
    const zeroed = join(root, `${kind}-no-out-proj`);
    writeTinyRandom(kind, zeroed, { zero: [OUT_PROJ[kind]] });
    const model = loadReferenceModel(dir());
    const ablated = runReference(model, [PROMPT], [{ heads: ALL_HEADS, mode: 'zero' }]);
    const plain = runReference(loadReferenceModel(zeroed), [PROMPT], [none]);
    const diff = maxAbsDiff(at(ablated.tokenProbs, 0), at(plain.tokenProbs, 0));
    console.log(`${kind}: zero-all vs out-proj zeroed, max |diff| ${diff}`);
    // bias + 0 * w and bias + z * 0 are the same float: the match is exact.
    expect(diff).toBe(0);
    expect(at(ablated.patterns, 0).flat(3).every((p) => p === 0)).toBe(true);
    // ...and ablation changed something.
    const unablated = runReference(model, [PROMPT], [none]);
    expect(maxAbsDiff(at(ablated.tokenProbs, 0), at(unablated.tokenProbs, 0))).toBeGreaterThan(1e-6);
  });
});

describe('mean ablation patterns', () => {
  it('are exactly 1/(q+1) on the causal prefix, and 0 after it', () => {
    const dir = join(root, 'llama-mean');
    writeTinyRandom('llama', dir);
    const out = runReference(loadReferenceModel(dir), [PROMPT], [{ heads: [[0, 1], [2, 3]], mode: 'mean' }]);
    for (const [l, h] of [[0, 1], [2, 3]] as const) {
      at(at(at(out.patterns, 0), l), h).forEach((r, q) => r.forEach((p, k) => expect(p).toBe(k <= q ? 1 / (q + 1) : 0)));
    }
    // An unablated head of the same layer is not uniform.
    expect(at(at(at(at(out.patterns, 0), 0), 0), S - 1)[0]).not.toBeCloseTo(1 / S, 3);
  });

  it('are exactly 1/min(q+1, W) inside the window of a sliding-window layer (Mistral, W = 5)', () => {
    const dir = join(root, 'mistral-mean');
    writeTinyRandom('mistral', dir);
    const out = runReference(loadReferenceModel(dir), [PROMPT], [{ heads: [[1, 2]], mode: 'mean' }]);
    expectWindowUniform(at(at(at(out.patterns, 0), 1), 2), 5);
    expectWindowed(at(at(at(out.patterns, 0), 0), 0), 5);
  });

  it('follow Gemma-2 local (even) and global (odd) layers, soft-cap notwithstanding', () => {
    const dir = join(root, 'gemma2-mean');
    writeTinyRandom('gemma2', dir);
    const heads: [number, number][] = [[0, 0], [1, 3], [2, 1]];
    const out = runReference(loadReferenceModel(dir), [PROMPT], [{ heads, mode: 'mean' }]);
    expectWindowUniform(at(at(at(out.patterns, 0), 0), 0), 4);
    expectWindowUniform(at(at(at(out.patterns, 0), 2), 1), 4);
    at(at(at(out.patterns, 0), 1), 3).forEach((r, q) => r.forEach((p, k) => expect(p).toBe(k <= q ? 1 / (q + 1) : 0)));
    expectWindowed(at(at(at(out.patterns, 0), 0), 1), 4);
    expectWindowed(at(at(at(out.patterns, 0), 2), 2), 4);
    // The global layer's unablated head reaches beyond the window.
    expect(at(at(at(at(out.patterns, 0), 1), 0), S - 1).slice(0, S - 4).some((p) => p > 0)).toBe(true);
  });
});

describe('llama3 rope scaling', () => {
  // Llama-3.1-8B's rope: theta 500000, head_dim 128, factor 8, low 1, high 4, original 8192.
  const llama31 = { theta: 500000, partial: 1, llama3: { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 } };
  const inv = inverseFrequencies(llama31, 128);
  const plain = inverseFrequencies({ ...llama31, llama3: null }, 128);

  it('keeps the high band, divides the low band by 8 and interpolates between', () => {
    for (let i = 0; i <= 28; i++) expect(inv[i]).toBe(plain[i]);
    for (let i = 29; i <= 34; i++) {
      expect(inv[i]).toBeLessThan(at(plain, i));
      expect(inv[i]).toBeGreaterThan(at(plain, i) / 8);
    }
    for (let i = 35; i < 64; i++) expect(inv[i]).toBe(Math.fround(at(plain, i) / 8));
  });

  it('matches float32 values from transformers\' _compute_llama3_parameters bit for bit', () => {
    // Evaluated with torch 1.13 (float32) on the expressions of modeling_rope_utils.py.
    const golden: [number, number][] = [
      [0, 1.0],
      [28, 0.0032114461064338684],
      [29, 0.0021665706299245358],
      [32, 0.0005248460220173001],
      [34, 0.0001785077911335975],
      [35, 9.556212171446532e-5],
      [63, 3.068925877869333e-7],
    ];
    for (const [i, v] of golden) expect(inv[i]).toBe(v);
  });
});

describe('reference checkpoint reading', () => {
  it('decodes float16 and bfloat16 bit patterns', () => {
    expect([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x3555].map(halfToNumber)).toEqual([1, -2, 65504, 2 ** -24, 2 ** -14, 0.333251953125]);
    const dir = join(root, 'bf16-bits');
    writeTinyCheckpoint(dir, { model_type: 'llama' }, [{ name: 'w', shape: [4], data: [1, -2, 0.15625, 1 + 2 ** -7] }], 'BF16');
    expect(Array.from(new RefWeights(dir).get('w', [4]).data)).toEqual([1, -2, 0.15625, 1 + 2 ** -7]);
  });

  it('reads a sharded BF16 checkpoint the same as the F32 copy of its values', () => {
    const bf16 = join(root, 'llama-bf16');
    writeTinyRandom('llama', bf16, { dtype: 'BF16', shards: 3 });
    const w = new RefWeights(bf16);
    expect(w.dtype('model.norm.weight')).toBe('BF16');
    const f32 = join(root, 'llama-bf16-as-f32');
    const config = loadConfig(bf16);
    writeTinyCheckpoint(f32, config, w.names().map((name) => w.get(name)), 'F32');
    const ids = [PROMPT, [...PROMPT].reverse()];
    const rows: ReferenceAblation[] = [none, { heads: [[1, 0], [1, 1]], mode: 'zero' }];
    const a = runReference(loadReferenceModel(bf16), ids, rows);
    const b = runReference(loadReferenceModel(f32), ids, rows);
    expect(a.tokenProbs).toEqual(b.tokenProbs);
  });
});

function expectWindowUniform(pattern: number[][], W: number): void {
  pattern.forEach((r, q) => r.forEach((p, k) => expect(p).toBe(k <= q && k > q - W ? 1 / Math.min(q + 1, W) : 0)));
}

/** An unablated sliding-window head: nothing outside the window, not uniform inside it. */
function expectWindowed(pattern: number[][], W: number): void {
  pattern.forEach((r, q) => r.forEach((p, k) => (k <= q && k > q - W ? expect(p).toBeGreaterThan(0) : expect(p).toBe(0))));
  expect(at(pattern, S - 1)[S - 1]).not.toBeCloseTo(1 / W, 3);
}

function loadConfig(dir: string): object {
  return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as object;
}
