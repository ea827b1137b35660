// `demo` end to end on a stand-in demo model (ABLATION_STUDIO_DEMO_MODEL: a tiny 4-layer Llama with
// a tokens.json, as the bundled model has) with few trials: the summary table, the relative drop at
// k = 4, the output paths; and a clear failure while the demo model is missing.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';

let root: string;

function demo(demoModel: string, ...args: string[]) {
  return runCli(['demo', ...args], { ABLATION_STUDIO_HOME: path.join(root, 'home'), ABLATION_STUDIO_DEMO_MODEL: demoModel }, 120_000);
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-demo-'));
  // 4 layers x 8 heads, as the demo model: 8 induction candidates and 24 others, so 5 random draws
  // of up to 8 heads can all be different head sets.
  const dir = path.join(root, 'demo-model');
  writeTinyModel(dir, tinyLlama3({ layers: 4, heads: 8, kvHeads: 2, vocab: 560, maxPositions: 512 }));
  fs.writeFileSync(path.join(dir, 'tokens.json'), JSON.stringify(Array.from({ length: 540 }, (_, i) => i + 10)));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('demo', () => {
  it('runs the demo preset and reports P(+1), deltas, the k=4 drop and where the outputs are', () => {
    const out = path.join(root, 'out');
    const db = path.join(root, 'demo.sqlite');
    const r = demo(path.join(root, 'demo-model'), '--permutations', '3', '--out', out, '--db', db);
    if (r.code !== 0) console.log(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('25 conditions x 3 trials, prompt length 501');
    for (const row of ['baseline', 'induction k=1', 'induction k=8', 'random k=4 #5']) expect(r.stdout).toContain(row);
    expect(r.stdout).toContain('Relative drop at 4 heads:');
    expect(r.stdout).toMatch(/k=4 induction heads: P\(\+1\) [+-]\d+\.\d+% \[[+-]\d+\.\d+%, [+-]\d+\.\d+%\] relative to baseline \(95% CI\)/);
    expect(r.stdout).toMatch(/k=4 random heads: P\(\+1\) [+-]\d+\.\d+% \[[+-]\d+\.\d+%, [+-]\d+\.\d+%\] relative to baseline \(geometric mean of 5 draws, 95% CI over draws\)/);
    // The three tables: P(+1) vs baseline, the curve's shape, induction vs random at each k.
    for (const header of ['change vs baseline [95% CI]', 'P(+1) / P(−1) [95% CI]', 'fwd − bwd, lags 1..5 [95% CI]', 'peak lag (bootstrap share)', 'induction − random [95% CI]']) {
      expect(r.stdout).toContain(header);
    }
    expect(r.stdout).toMatch(/^4 +\S+ +\S+ \(5 draws\)/m);
    expect(r.stdout).toContain(`Dose-response figure: ${path.join(out, 'figures', 'demo-induction_perm3_dose_response.png')}`);
    expect(r.stdout).toContain(`Database: ${db} (study 1)`);
    expect(fs.existsSync(path.join(out, 'tables', 'demo-induction_perm3_abl4_zero_induction_full.csv'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'tables', 'demo-induction_perm3_abl4_zero_random_full_draw5.csv'))).toBe(true);
    const prov = JSON.parse(fs.readFileSync(path.join(out, 'provenance.json'), 'utf8'));
    expect(prov.spec.tokens).toEqual({ source: 'file', path: path.join(root, 'demo-model', 'tokens.json') });
    expect(prov.spec.groups.map((g: { counts: number[] }) => g.counts)).toEqual([[0, 1, 2, 4, 8], [0, 1, 2, 4, 8]]);
  });

  it('fails with a clear message while the demo model is not built', () => {
    const missing = path.join(root, 'not-built');
    fs.mkdirSync(missing);
    const r = demo(missing);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${missing}: the demo model is not built yet`);
  });
});
