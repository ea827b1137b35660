// The `probe` and `induction` commands as a user runs them (`npx tsx src/main/cli/main.ts ...`) on
// checkpoints written by the test: output formats, agreement with the engine API, and exit codes
// and messages for bad input (1, naming the file) and bad flags (2, with usage).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHeadControls } from '../../src/main/engine/head-controls';
import { loadEngine } from '../../src/main/engine/load-engine';
import { writeCheckpoint } from '../../tools/fixtures/hf-checkpoint';
import { runCli } from '../helpers/run-cli';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';
import { inductionCircuitModel } from '../../tools/fixtures/induction-circuit';
import { at } from '../../src/shared/checked';

let root: string;
let home: string;
const llama = () => path.join(root, 'llama');
const circuit = () => path.join(root, 'circuit');

function cli(...args: string[]) {
  return runCli(args, { ABLATION_STUDIO_HOME: home }, 60_000);
}

function writeJson(name: string, value: unknown): string {
  const file = path.join(root, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-probe-induction-'));
  home = path.join(root, 'home');
  writeTinyModel(llama(), tinyLlama3());
  const { config, tensors } = inductionCircuitModel();
  writeCheckpoint({ dir: circuit(), config, tensors });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('probe', () => {
  it('writes {probs, provider, dtype} equal to the engine API\'s output, cached in the app data folder', async () => {
    const prompts = [[5, 17, 42, 8, 90], [3, 3, 60, 71, 2], [9, 10, 11, 12, 13]];
    const heads = [[0, 1], [1, 3]] as const;
    const out = path.join(root, 'out', 'probs.json');
    const r = cli('probe', '--model', llama(), '--prompts', writeJson('prompts.json', prompts), '--heads', writeJson('heads.json', heads), '--mode', 'mean', '--batch', '2', '--out', out);
    expect(r.stderr + r.stdout).toContain('Wrote 3 x 5 probabilities');
    expect(r.code).toBe(0);
    const json = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(Object.keys(json).sort()).toEqual(['dtype', 'probs', 'provider']);
    expect(json).toMatchObject({ provider: 'cpu', dtype: 'float32' });
    expect(json.probs.length).toBe(3);
    for (const row of json.probs) expect(row.length).toBe(5);

    // The same numbers through the API (the CLI filled the default cache under ABLATION_STUDIO_HOME).
    const engine = await loadEngine({ modelDir: llama(), cacheDir: path.join(home, 'graphs'), provider: 'cpu' });
    try {
      expect(engine.info.fromCache).toBe(true);
      const rows = prompts.map(() => ({ heads: heads.map(([layer, head]) => ({ layer, head })), mode: 'mean' as const }));
      const probs = await engine.probe({ batch: 3, seqLen: 5, inputIds: prompts.flat(), ...buildHeadControls(engine.info.spec, rows) });
      let maxDiff = 0;
      json.probs.flat().forEach((p: number, i: number) => (maxDiff = Math.max(maxDiff, Math.abs(p - at(probs, i)))));
      console.log(`CLI vs API probs: max |diff| = ${maxDiff}`);
      expect(maxDiff).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it.each([
    ['prompts of unequal length', 'prompts', [[1, 2, 3], [1, 2]], /prompt 1 has 2 tokens, prompt 0 has 3/],
    ['an id outside the vocabulary', 'prompts', [[1, 2, 96]], /position 2: 96 is not a token id \(vocabulary size 96\)/],
    ['a head outside the model', 'heads', [[2, 0]], /head \(layer 2, head 0\): layer out of range/],
  ])('exits 1 naming the file for %s', (_what, kind, value, message) => {
    const prompts = kind === 'prompts' ? writeJson('bad-prompts.json', value) : writeJson('ok-prompts.json', [[1, 2, 3]]);
    const extra = kind === 'heads' ? ['--heads', writeJson('bad-heads.json', value)] : [];
    const r = cli('probe', '--model', llama(), '--prompts', prompts, ...extra, '--out', path.join(root, 'never.json'));
    expect(r.code).toBe(1);
    const file = kind === 'heads' ? extra[1] : prompts;
    expect(r.stderr).toContain(`error: ${file}: `);
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(path.join(root, 'never.json'))).toBe(false);
  });

  it('exits 1 naming the safetensors file when it is corrupt', () => {
    const bad = path.join(root, 'corrupt');
    writeTinyModel(bad, tinyLlama3());
    const file = path.join(bad, 'model.safetensors');
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 20)); // truncated inside the header
    const r = cli('probe', '--model', bad, '--prompts', writeJson('p.json', [[1, 2]]), '--out', path.join(root, 'x.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${file}: `);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('exits 2 with the usage text for a missing flag', () => {
    const r = cli('probe', '--model', llama());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--prompts is required');
    expect(r.stderr).toContain('Usage: npm run cli -- probe');
  });
});

describe('induction', () => {
  it('writes the score CSV best first and prints the top heads (known induction head on top)', () => {
    const out = path.join(root, 'scores.csv');
    const r = cli('induction', '--model', circuit(), '--seq-len', '8', '--count', '4', '--seed', '5', '--out', out);
    expect(r.code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('layer,head,scores');
    expect(lines.length).toBe(1 + 4);
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(at(rows, 0).slice(0, 2)).toEqual([1, 0]);
    expect(at(rows, 0)[2]).toBeGreaterThan(0.99);
    for (let i = 1; i < rows.length; i++) expect(at(rows, i)[2]).toBeLessThanOrEqual(at(at(rows, i - 1), 2));
    expect(r.stdout).toMatch(/Top 4 heads[\s\S]*L1 H0 {2}1\.0000/);
    expect(r.stdout).toContain('"kind":"repeated-random","seqLen":8,"count":4,"seed":5');
  });

  it('accepts --sequences and rejects bad ones naming the file', () => {
    const out = path.join(root, 'given.csv');
    const ok = cli('induction', '--model', circuit(), '--sequences', writeJson('seqs.json', [[4, 9, 12, 20, 7, 30], [5, 6, 7, 8, 9, 10]]), '--out', out);
    expect(ok.code).toBe(0);
    const top = at(fs.readFileSync(out, 'utf8').split('\n'), 1).split(',').map(Number);
    expect(top.slice(0, 2)).toEqual([1, 0]);
    expect(top[2]).toBeGreaterThan(0.99);
    const seqs = writeJson('bad-seqs.json', [[4, 9, 12], [5, 6]]);
    const bad = cli('induction', '--model', circuit(), '--sequences', seqs, '--out', out);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`error: ${seqs}: sequence 1 has 2 tokens`);
  });
});
