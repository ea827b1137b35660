// `run --compat script` end to end against what the seed script's own numpy / CPython calls select
// for the same inputs (test/fixtures/script-compat, written by tools/golden/script_protocol_golden.py
// with the real numpy and CPython): the token ids in numpy's chosen order, every prompt of the
// script's unpaired trial stream, and the heads per condition (its layer boundaries, its truncation
// of a count above max_heads_abl). The tables are then checked against the independent reference
// with TransformerLens's value-bias folding: 1e-4 relative on probabilities above 1e-6. Last,
// `--trials` and `--heads` replay those prompts and heads exactly.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { listConditions, loadTrials } from '../../src/main/store/conditions-repo';
import { listStudyRecords, requireStudyRecord } from '../../src/main/store/studies-repo';
import { trialView } from '../../src/main/studies/study-views';
import { loadResultBlobs } from '../../src/main/store/results-repo';
import { blobFloat32 } from '../../src/main/store/blobs';
import { at } from '../../src/shared/checked';
import { tinyGpt2, writeTinyModel } from '../../tools/fixtures/tiny-models';
import { runCli, type CliResult } from '../helpers/run-cli';
import { loadReferenceModel, runReference } from '../reference/forward';

interface ScriptRun {
  n_unique: number;
  tokens: number[];
  trials: number[][][];
  heads: { induction: [number, number][]; random: [number, number][] };
}

interface Expected {
  flags: { seed: number; permutations: number; max_heads_abl: number; to_abl: string; layer_abl: string };
  model: { layers: number; heads: number; vocab: number };
  /** The script's n_unique = 500, then 60 (short prompts for the reference check). */
  runs: ScriptRun[];
}

const FIXTURES = path.join(__dirname, '../fixtures/script-compat');
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as Expected;
const counts = expected.flags.to_abl.split('-').map(Number);
const P = expected.flags.permutations;

let root: string;
const model = () => path.join(root, 'tiny-gpt2');
const db = () => path.join(root, 'studies.sqlite');
const out = (run: ScriptRun) => path.join(root, `out-${run.n_unique}`);
const fullRun = at(expected.runs, 0);
const shortRun = at(expected.runs, 1);

function cli(...args: string[]) {
  return runCli(args, { ABLATION_STUDIO_HOME: path.join(root, 'home'), HF_HUB_CACHE: path.join(root, 'hf') }, 180_000);
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-compat-'));
  const { layers, heads, vocab } = expected.model;
  writeTinyModel(model(), tinyGpt2({ layers, heads, vocab, maxPositions: 512 }));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** The id of the study named `name` in the test database; fails when there is none. */
function studyNamed(name: string): number {
  const store = openStore(db());
  try {
    const study = listStudyRecords(store).find((s) => s.name === name);
    if (!study) throw new Error(`no study named "${name}" in ${db()}`);
    return study.id;
  } finally {
    store.close();
  }
}

/**
 * The script-mode run of one fixture run, made once per file by whichever test needs it first
 * (its study, tables and heads files are read by several tests, in any order).
 */
const scriptModeRuns = new Map<number, { result: CliResult; name: string }>();
function scriptModeRun(run: ScriptRun): { result: CliResult; name: string } {
  const done = scriptModeRuns.get(run.n_unique);
  if (done) return done;
  const { seed, max_heads_abl, to_abl, layer_abl } = expected.flags;
  const name = `script mode, n_unique ${run.n_unique}`;
  const result = cli(
    'run', '--compat', 'script', '--model_name', model(), '--permutations', String(P), '--max_heads_abl', String(max_heads_abl),
    '--head_types', 'induction,random', '--to_abl', to_abl, '--mode', 'zero', '--layer_abl', layer_abl,
    '--tokens_path', path.join(FIXTURES, 'tokens.pkl'), '--induction_scores_csv', path.join(FIXTURES, 'scores.csv'),
    '--seed', String(seed), '--n_tokens', String(run.n_unique), '--provider', 'cpu', '--db', db(), '--output_dir', out(run), '--name', name,
  );
  if (result.code !== 0) console.log(result.stdout, result.stderr);
  scriptModeRuns.set(run.n_unique, { result, name });
  return { result, name };
}

/** The study of a fixture's script-mode run (made if no test has made it yet). */
function scriptModeStudy(run: ScriptRun): number {
  const { result, name } = scriptModeRun(run);
  expect(result.code, result.stderr).toBe(0);
  return studyNamed(name);
}

const pairs = (heads: { layer: number; head: number }[]) => heads.map((h) => [h.layer, h.head]);

describe('run --compat script', () => {
  it.each(expected.runs.map((run) => ({ run, n: run.n_unique })))('n_unique $n: selects the tokens, trials and heads the script selects, and says how it still differs', ({ run }) => {
    const { layer_abl } = expected.flags;
    const r = scriptModeRun(run).result;
    const studyId = scriptModeStudy(run);
    expect(r.stderr).toContain('differs from the script: engine precision');
    expect(r.stderr).toContain('value bias kept under zero ablation');
    expect(r.stderr).not.toContain('trials are paired');

    const store = openStore(db());
    try {
      expect(Array.from(requireStudyRecord(store, studyId).promptTokens)).toEqual(run.tokens);
      // One stream of prompts, count by count, as the script draws them.
      expect(loadTrials(store, studyId).map((t) => Array.from(t))).toEqual(run.trials.flat());
      const conditions = listConditions(store, studyId);
      // No baseline: the script's counts have no 0.
      expect(conditions.map((c) => c.key)).toEqual(
        ['induction', 'random'].flatMap((type) => counts.map((k) => `${type}-zero-${layer_abl}-k${k}`)),
      );
      for (const c of conditions) {
        const selected = c.headType === 'induction' ? run.heads.induction : run.heads.random;
        expect(pairs(c.heads), c.key).toEqual(selected.slice(0, c.count)); // k = 8 > 5: truncated to 5
      }
      // The app's trial view: stored prompt P (the first of the second count's block) was run by the k = 2 conditions only.
      const view = trialView(store, studyId, P);
      expect(view.tokens.map((t) => t.id)).toEqual(at(at(run.trials, 1), 0));
      expect(view.probs.map((p) => p.key)).toEqual([`induction-zero-${layer_abl}-k2`, `random-zero-${layer_abl}-k2`]);
    } finally {
      store.close();
    }
    for (const type of ['induction', 'random'] as const) {
      const heads = JSON.parse(fs.readFileSync(path.join(out(run), 'heads', `tiny-gpt2_${type}_${layer_abl}_zero.json`), 'utf8'));
      expect(heads.heads).toEqual(run.heads[type]);
    }
  });

  it('writes tables that match the reference with value biases folded (TransformerLens semantics)', () => {
    const ref = loadReferenceModel(model(), { foldValueBias: true });
    // The same forward with the value bias removed must NOT match: the check sees the choice.
    const plainRef = loadReferenceModel(model());
    let plainMaxRel = 0;
    const studyId = scriptModeStudy(shortRun);
    const store = openStore(db());
    const stored = new Map(listConditions(store, studyId).map((c) => [c.key, loadResultBlobs(store, c.id).map((b) => blobFloat32(b.probs))]));
    store.close();
    let maxRel = 0;
    let checked = 0;
    for (const type of ['induction', 'random'] as const) {
      counts.forEach((k, c) => {
        const prompts = at(shortRun.trials, c);
        const heads = shortRun.heads[type].slice(0, k);
        const probs = runReference(ref, prompts, prompts.map(() => ({ heads, mode: 'zero' as const }))).tokenProbs;
        const S = at(prompts, 0).length;
        const meanOf = (rows: number[][]) => Array.from({ length: S }, (_, s) => rows.reduce((a, row) => a + at(row, s), 0) / rows.length);
        const mean = meanOf(probs);
        const plain = meanOf(runReference(plainRef, prompts, prompts.map(() => ({ heads, mode: 'zero' as const }))).tokenProbs);
        const file = path.join(out(shortRun), 'tables', `tiny-gpt2_perm${P}_abl${k}_zero_${type}_${expected.flags.layer_abl}.csv`);
        const rows = fs.readFileSync(file, 'utf8').trim().split('\n');
        // np.mean(axis=0) of float32 rows: a float32 running sum, then a float32 division.
        const trialsRun = stored.get(`${type}-zero-${expected.flags.layer_abl}-k${k}`) ?? [];
        const float32Mean = Array.from({ length: S }, (_, s) =>
          Math.fround(trialsRun.reduce((a, row) => Math.fround(a + at(row, s)), 0) / trialsRun.length),
        );
        expect(trialsRun).toHaveLength(prompts.length);
        expect(rows[0]).toBe('Lag,Mean Probability');
        expect(rows).toHaveLength(S + 1);
        rows.slice(1).forEach((line, s) => {
          const [lag, value] = line.split(',').map(Number);
          expect(lag).toBe(s - Math.floor(S / 2));
          const want = at(mean, s);
          expect(Number.isFinite(value)).toBe(true);
          expect(Math.fround(value ?? NaN)).toBe(at(float32Mean, s));
          if (want > 1e-6) {
            maxRel = Math.max(maxRel, Math.abs((value ?? NaN) - want) / want);
            plainMaxRel = Math.max(plainMaxRel, Math.abs((value ?? NaN) - at(plain, s)) / at(plain, s));
            checked++;
          }
        });
      });
    }
    console.log(
      `script-mode tables vs folded reference: ${checked} probabilities > 1e-6, max relative difference ${maxRel.toExponential(2)} ` +
        `(vs the reference with value biases removed: ${plainMaxRel.toExponential(2)})`,
    );
    expect(plainMaxRel).toBeGreaterThan(1e-2);
    expect(checked).toBeGreaterThan(300);
    expect(maxRel).toBeLessThanOrEqual(1e-4);
  });
});

describe('run --trials / --heads', () => {
  it('runs exactly the given prompts and heads (paired, with a baseline)', () => {
    const trialsFile = path.join(root, 'trials.json');
    const prompts = at(fullRun.trials, 1);
    fs.writeFileSync(trialsFile, JSON.stringify(prompts));
    // The heads file the script-mode run wrote for its random heads.
    scriptModeStudy(fullRun);
    const headsFile = path.join(out(fullRun), 'heads', `tiny-gpt2_random_${expected.flags.layer_abl}_zero.json`);
    const name = 'replayed trials and heads';
    const r = cli(
      'run', '--model_name', model(), '--permutations', String(prompts.length), '--to_abl', '0-1-3', '--trials', trialsFile,
      '--heads', headsFile, '--tokens_path', path.join(FIXTURES, 'tokens.pkl'), '--induction_scores_csv', path.join(FIXTURES, 'scores.csv'),
      '--provider', 'cpu', '--db', db(), '--output_dir', path.join(root, 'out-import'), '--name', name,
    );
    if (r.code !== 0) console.log(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`differs from the script: trials: the prompts of ${trialsFile}`);
    const studyId = studyNamed(name);
    const store = openStore(db());
    try {
      expect(loadTrials(store, studyId).map((t) => Array.from(t))).toEqual(prompts);
      const conditions = listConditions(store, studyId);
      expect(conditions.map((c) => [c.key, pairs(c.heads)])).toEqual([
        ['baseline', []],
        ['induction-zero-full-k1', fullRun.heads.random.slice(0, 1)],
        ['induction-zero-full-k3', fullRun.heads.random.slice(0, 3)],
      ]);
    } finally {
      store.close();
    }
  });

  it('names the file and the problem when the prompts or heads are bad', () => {
    const bad = path.join(root, 'bad-trials.json');
    fs.writeFileSync(bad, JSON.stringify([[5, 6, 7], [5, 6]]));
    const common = ['--max_heads_abl', '2', '--to_abl', '0-1', '--provider', 'cpu', '--db', db()];
    const r = cli('run', '--model_name', model(), '--permutations', '2', '--trials', bad, ...common, '--output_dir', path.join(root, 'x'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${bad}: prompt 1 has 2 tokens, prompt 0 has 3`);
    const heads = path.join(root, 'bad-heads.json');
    fs.writeFileSync(heads, JSON.stringify({ heads: [[0, 1], [0, 1]] }));
    const h = cli('run', '--model_name', model(), '--heads', heads, ...common, '--output_dir', path.join(root, 'y'));
    expect(h.code).toBe(1);
    expect(h.stderr).toContain(`error: ${heads}: entry 1: head (0, 1) is listed twice`);
    const order = cli('run', '--compat', 'script', '--model_name', model(), '--to_abl', '5-1', '--provider', 'cpu', '--db', db(), '--output_dir', path.join(root, 'z'));
    expect(order.code).toBe(2);
    expect(order.stderr).toContain('--to_abl: under --compat script give the counts in ascending order (the trials follow them), got 5-1');
  });
});
