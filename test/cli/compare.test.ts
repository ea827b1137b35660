// `studies compare` end to end: two small studies (zero and mean ablation) in one table and one
// figure; the statistics flag on `run`, `studies show` and `studies export`, and its errors naming
// the flag.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPARE_HEADER } from '../../src/main/export/compare-studies';
import { csvRows } from '../helpers/csv-rows';
import { runCli } from '../helpers/run-cli';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';

let root: string;
const db = () => path.join(root, 'db.sqlite');

function cli(...args: string[]) {
  return runCli(args, { ABLATION_STUDIO_HOME: path.join(root, 'home') }, 90_000);
}

function run(mode: string, ...extra: string[]) {
  return cli('run', '--model_name', path.join(root, 'm'), '--permutations', '4', '--to_abl', '0-1-2', '--max_heads_abl', '2',
    '--head_types', 'induction,random', '--draws', '2', '--mode', mode, '--n_tokens', '12', '--provider', 'cpu', '--db', db(),
    '--output_dir', path.join(root, `out-${mode}`), ...extra);
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-compare-'));
  writeTinyModel(path.join(root, 'm'), tinyLlama3());
  for (const [mode, extra] of [['zero', ['--contiguity_lags', '3']], ['mean', []]] as const) {
    const r = run(mode, ...extra);
    if (r.code !== 0) throw new Error(`setup run failed: ${r.stderr}`);
  }
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('studies compare', () => {
  it('writes one table and one figure over several studies and prints the table', () => {
    const out = path.join(root, 'compared');
    const r = cli('studies', 'compare', '1', '2', '--out', out, '--db', db());
    if (r.code !== 0) console.log(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    const text = fs.readFileSync(path.join(out, 'compare.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe(COMPARE_HEADER.join(','));
    const rows = csvRows(text);
    expect(rows.map((x) => [x.study_id, x.mode, x.n_heads, x.random_draws])).toEqual([
      ['1', 'zero', '1', '2'], ['1', 'zero', '2', '2'], ['2', 'mean', '1', '2'], ['2', 'mean', '2', '2'],
    ]);
    for (const row of rows) {
      expect(row.random_ci_method).toBe('t-between-draws');
      expect(Number(row.difference)).toBeCloseTo(Number(row.induction_p_plus1) - Number(row.random_p_plus1), 12);
      expect(Number(row.induction_relative_change_ci_low)).toBeGreaterThan(-1);
    }
    expect(fs.statSync(path.join(out, 'compare.png')).size).toBeGreaterThan(10_000);
    expect(r.stdout).toMatch(/^#1 +m +zero +full +1 /m);
    expect(r.stdout).toContain('induction − random [95% CI]');
  });

  it('carries --contiguity_lags into the written summary, and names the flag when it does not fit', () => {
    const summary = csvRows(fs.readFileSync(path.join(root, 'out-zero', 'summary.csv'), 'utf8'));
    expect(new Set(summary.map((x) => x.contiguity_lags))).toEqual(new Set(['3']));
    const shown = cli('studies', 'show', '2', '--contiguity_lags', '2', '--db', db());
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('fwd − bwd, lags 1..2 [95% CI]');
    // N = 12 tokens: S = 13, lags -6..+5 before the repeated last token.
    const tooFar = cli('studies', 'show', '2', '--contiguity_lags', '6', '--db', db());
    expect(tooFar.code).toBe(1);
    expect(tooFar.stderr).toContain('error: --contiguity_lags: must be an integer from 1 to 5 for prompts of 13 tokens');
    const early = run('zero', '--contiguity_lags', '9');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('error: --contiguity_lags: must be an integer from 1 to 5 for prompts of 13 tokens');
    expect(cli('studies', 'list', '--db', db()).stdout).not.toMatch(/^\s*3\s/m);
  });
});
