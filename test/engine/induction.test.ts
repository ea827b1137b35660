// Induction scores: the index arithmetic on synthetic patterns, the seeded token draw, the CSV, and
// the whole computation through the real engine on a checkpoint built so that exactly one head
// (layer 1, head 0) is an induction head.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine-types';
import { accumulateInductionSums, computeInductionScores, validateSequences } from '../../src/main/engine/induction';
import { inductionTokenPool, randomInductionSequences } from '../../src/main/engine/induction-tokens';
import { loadEngine } from '../../src/main/engine/load-engine';
import { isInputError } from '../../src/shared/errors';
import { writeCheckpoint } from '../../tools/fixtures/hf-checkpoint';
import { CIRCUIT_VOCAB, INDUCTION_HEAD, PREVIOUS_TOKEN_HEAD, inductionCircuitModel } from '../../tools/fixtures/induction-circuit';
import { at } from '../../src/shared/checked';

describe('accumulateInductionSums', () => {
  // One layer, B = 1, H = 2, T = 3 (S = 6): head 0 attends to i - T + 1, head 1 to i - T.
  const T = 3;
  const S = 2 * T;
  const pattern = new Float32Array(2 * S * S);
  for (let i = 0; i < S; i++) {
    pattern[0 * S * S + i * S + Math.max(0, i - T + 1)] = 1;
    pattern[1 * S * S + i * S + Math.max(0, i - T)] = 1;
  }
  it('scores attention to i - T + 1 (the token after the earlier occurrence), not i - T', () => {
    const sums = new Float64Array(2);
    accumulateInductionSums([pattern], 1, 2, T, sums);
    expect(Array.from(sums)).toEqual([T, 0]);
  });
  it('checks the pattern size', () => {
    expect(() => accumulateInductionSums([pattern], 2, 2, T, new Float64Array(2))).toThrow(/expected B x H x S x S = 144/);
  });
});

describe('induction token draw', () => {
  it('is seeded, distinct within a sequence, drawn from the pool, and nested in count', () => {
    const pool = Array.from({ length: 50 }, (_, i) => i + 10);
    const a = randomInductionSequences(20, 5, 42, pool, 100);
    expect(randomInductionSequences(20, 5, 42, pool, 100)).toEqual(a);
    expect(randomInductionSequences(20, 3, 42, pool, 100)).toEqual(a.slice(0, 3));
    expect(randomInductionSequences(20, 5, 43, pool, 100)).not.toEqual(a);
    for (const seq of a) {
      expect(new Set(seq).size).toBe(20);
      for (const id of seq) expect(id >= 10 && id < 60).toBe(true);
    }
  });
  it('refuses a pool smaller than the sequence length', () => {
    expect(() => randomInductionSequences(10, 1, 0, [1, 2, 3], 100)).toThrow(/only 3 tokens can be drawn/);
  });
  it('excludes the tokenizer\'s special tokens and padded rows beyond its vocabulary', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'induction-pool-'));
    try {
      const tok = path.join(dir, 'tokenizer.json');
      fs.writeFileSync(tok, JSON.stringify({
        version: '1.0', added_tokens: [{ id: 0, content: '<unk>', special: true }, { id: 5, content: '<eos>', special: true }, { id: 6, content: 'x', special: false }],
        normalizer: null, pre_tokenizer: { type: 'Whitespace' }, post_processor: null, decoder: null,
        model: { type: 'WordLevel', vocab: { '<unk>': 0, a: 1, b: 2, c: 3, d: 4, '<eos>': 5, x: 6 }, unk_token: '<unk>' },
      }));
      // Model vocabulary padded to 10 rows; the tokenizer knows 7 ids.
      expect(inductionTokenPool(10, tok)).toEqual([1, 2, 3, 4, 6]);
      expect(inductionTokenPool(4, null)).toEqual([0, 1, 2, 3]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('validateSequences', () => {
  it.each([
    [[], /non-empty/],
    [[[1, 2], [3]], /sequence 1 has 1 tokens, sequence 0 has 2/],
    [[[1]], /at least 2/],
    [[[1, 99]], /position 1: 99 is not a token id/],
  ])('rejects %j with an InputError naming the file', (seqs, message) => {
    let caught: unknown;
    try {
      validateSequences(seqs, 50, '/data/seqs.json');
    } catch (err) {
      caught = err;
    }
    expect(isInputError(caught) && caught.file).toBe('/data/seqs.json');
    expect((caught as Error).message).toMatch(message);
  });
});

describe('computeInductionScores on a constructed induction circuit', () => {
  let root: string;
  let engine: Engine;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'induction-circuit-'));
    const { config, tensors } = inductionCircuitModel();
    writeCheckpoint({ dir: path.join(root, 'model'), config, tensors });
    engine = await loadEngine({ modelDir: path.join(root, 'model'), cacheDir: path.join(root, 'cache'), provider: 'cpu', threads: 1 });
  });
  afterAll(async () => {
    await engine?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('ranks the known induction head first with a score near 1, every other head far below', async () => {
    const pool = inductionTokenPool(CIRCUIT_VOCAB, path.join(root, 'model', 'tokenizer.json'));
    expect(pool).not.toContain(0); // the tiny tokenizer's <unk>, <s>, </s> are special
    const result = await computeInductionScores(engine, { seqLen: 8, count: 6, seed: 3 }, pool, { batchSize: 4 });
    console.log(result.scores.map((s) => `L${s.layer}H${s.head}=${s.score.toFixed(6)}`).join(' '));
    expect(result.scores[0]).toMatchObject(INDUCTION_HEAD);
    expect(at(result.scores, 0).score).toBeGreaterThan(0.99);
    for (const s of result.scores.slice(1)) expect(s.score).toBeLessThan(0.3);
    // The previous-token head attends to i - 1, never to i - T + 1 (T = 8).
    const prev = result.scores.find((s) => s.layer === PREVIOUS_TOKEN_HEAD.layer && s.head === PREVIOUS_TOKEN_HEAD.head);
    expect(prev?.score).toBeLessThan(0.01);
    expect(result.method).toEqual({ kind: 'repeated-random', seqLen: 8, count: 6, seed: 3, bos: false, distinctTokens: true, poolSize: pool.length });
    expect(result.scores.map((s) => s.score)).toEqual([...result.scores.map((s) => s.score)].sort((a, b) => b - a));
  });

  it('gives the same scores for the same sequences given explicitly', async () => {
    const pool = inductionTokenPool(CIRCUIT_VOCAB, path.join(root, 'model', 'tokenizer.json'));
    const random = await computeInductionScores(engine, { seqLen: 8, count: 3, seed: 9 }, pool, { batchSize: 2 });
    const sequences = randomInductionSequences(8, 3, 9, pool, CIRCUIT_VOCAB);
    const given = await computeInductionScores(engine, { sequences }, undefined, { batchSize: 3 });
    expect(given.method).toEqual({ kind: 'repeated-given', seqLen: 8, count: 3, bos: false });
    let maxDiff = 0;
    for (const s of given.scores) {
      const r = random.scores.find((x) => x.layer === s.layer && x.head === s.head);
      maxDiff = Math.max(maxDiff, Math.abs((r?.score ?? NaN) - s.score));
    }
    console.log(`random vs given sequences (batch 2 vs 3): max |diff| = ${maxDiff}`);
    expect(maxDiff).toBeLessThan(1e-6);
  });
});
