// `tokens build` as a user runs it: a token set from the bundled word list with the demo model's own
// tokenizer, saved in the database and written as the seed's pickle; then a study run on that pickle
// (`run --tokens_path`), whose prompts use exactly those tokens; `tokens list` and `tokens export`.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonTokens, parsePickleTokens } from '../../src/main/studies/import/token-formats';
import { getStudyRecord, getTokenSet, openStore } from '../../src/main/store';
import { runCli } from '../helpers/run-cli';

let root = '';
const db = (): string => path.join(root, 'studio.sqlite');
const cli = (...args: string[]) => runCli(args, { ABLATION_STUDIO_HOME: path.join(root, 'home'), HF_HUB_CACHE: path.join(root, 'hf') }, 180_000);

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-tokens-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('tokens build', () => {
  it('builds a token set from the word list for the demo model, and a study runs on it', () => {
    const pkl = path.join(root, 'demo-64.pkl');
    const built = cli('tokens', 'build', '--model', 'demo', '--n', '64', '--seed', '42', '--out', pkl, '--db', db());
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toContain('2000 words from the bundled English word list (2,000 words): 2000 distinct single-token ids for demo-induction; kept 64 (sampled with seed 42).');
    expect(built.stdout).toContain(`Saved as token set 1 in ${db()}.`);
    expect(built.stdout).toContain(`Wrote ${pkl} (pickle).`);

    const store = openStore(db());
    const set = getTokenSet(store, 1);
    store.close();
    const ids = Array.from(set?.tokens ?? []);
    expect(ids).toHaveLength(64);
    expect(parsePickleTokens(pkl, fs.readFileSync(pkl), 2003)).toEqual(ids);

    const out = path.join(root, 'study');
    const run = cli(
      'run', '--model_name', 'demo', '--tokens_path', pkl, '--n_tokens', '64', '--permutations', '3', '--to_abl', '0-1',
      '--max_heads_abl', '4', '--head_type', 'induction', '--provider', 'cpu', '--db', db(), '--output_dir', out,
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const after = openStore(db());
    const study = getStudyRecord(after, 1);
    after.close();
    expect(study?.seqLen).toBe(65);
    expect(Array.from(study?.promptTokens ?? []).sort((a, b) => a - b)).toEqual(ids);
    const trials = (JSON.parse(fs.readFileSync(path.join(out, 'trials.json'), 'utf8')) as { trials: number[][] }).trials;
    expect(trials).toHaveLength(3);
    for (const t of trials) expect([...new Set(t)].sort((a, b) => a - b)).toEqual(ids);
  });

  it('lists and exports stored sets; refuses a word file that is not there', () => {
    const list = cli('tokens', 'list', '--db', db());
    expect(list.stdout).toMatch(/1 +english-words · demo-induction · 64 tokens, seed 42 +64 /);
    const json = path.join(root, 'set-1.json');
    const exported = cli('tokens', 'export', '1', '--out', json, '--db', db());
    expect(exported.stdout).toBe(`Wrote token set 1 (64 tokens) to ${json} (json).\n`);
    expect(parseJsonTokens(json, fs.readFileSync(json, 'utf8'), 2003)).toHaveLength(64);

    const csv = path.join(root, 'set.csv');
    const wrongType = cli('tokens', 'build', '--model', 'demo', '--out', csv, '--db', db());
    expect(wrongType.stderr).toBe(`error: ${csv}: unknown token file type '.csv': use .pkl (the seed's pickle format) or .json\n`);

    const missing = path.join(root, 'nope.txt');
    const bad = cli('tokens', 'build', '--model', 'demo', '--words', missing, '--db', db());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`error: ${missing}: file not found\n`);
  });
});
