// `run` end to end as a user runs it (node + tsx on src/main/cli/main.ts) on a tiny Llama checkpoint
// with the seed's flags: exit code, summary table, the seed's output layout and our additions; then
// `studies list/show/export/resume` on the same database, and trials.json against the DB's BLOBs.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { listConditions, loadTrials } from '../../src/main/store/conditions-repo';
import { loadResultBlobs } from '../../src/main/store/results-repo';
import { blobFloat32 } from '../../src/main/store/blobs';
import { runCli } from '../helpers/run-cli';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';
import { at } from '../../src/shared/checked';

let root: string;
let home: string;
const model = () => path.join(root, 'tiny-llama');
const db = () => path.join(root, 'studies.sqlite');
const outDir = () => path.join(root, 'out');

function cli(...args: string[]) {
  return runCli(args, { ABLATION_STUDIO_HOME: home, HF_HUB_CACHE: path.join(root, 'hf'), HF_HOME: path.join(root, 'hf-home') }, 90_000);
}

const list = (dir: string) => fs.readdirSync(dir).sort();

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-run-'));
  home = path.join(root, 'home');
  writeTinyModel(model(), tinyLlama3());
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('run', () => {
  it('runs a study with the seed flags and writes the seed layout, stats, summary and trials', () => {
    const r = cli(
      'run', '--model_name', model(), '--permutations', '6', '--max_heads_abl', '2', '--head_types', 'induction,random',
      '--to_abl', '0-1-2', '--mode', 'zero', '--layer_abl', 'full', '--seed', '7', '--dtype', 'bfloat16', '--n_devices', '1',
      '--n_tokens', '20', '--draws', '2', '--batch_size', '4', '--provider', 'cpu', '--db', db(), '--output_dir', outDir(),
    );
    if (r.code !== 0) console.log(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('note: --dtype bfloat16');
    expect(r.stderr).toContain('tokens: sampled from the vocabulary');
    // The summary table: every condition with P(+1) and its CI, deltas for the ablated ones.
    for (const row of ['baseline', 'induction k=1', 'induction k=2', 'random k=1 #1', 'random k=2 #2']) expect(r.stdout).toContain(row);
    expect(r.stdout).toMatch(/P\(\+1\) \[95% CI\]/);
    expect(r.stdout).toContain(`Database: ${db()} (study 1)`);

    const out = outDir();
    expect(list(out)).toEqual([
      'comparisons.csv', 'figures', 'heads', 'induction_scores.csv', 'peak_lag_shares.csv', 'provenance.json', 'random_draws.csv',
      'stats', 'summary.csv', 'tables', 'trials.json', 'trials_long.csv.gz',
    ]);
    const tables = list(path.join(out, 'tables'));
    expect(tables).toEqual([
      'tiny-llama_perm6_abl0_zero_induction_full.csv',
      'tiny-llama_perm6_abl0_zero_random_full.csv',
      'tiny-llama_perm6_abl1_zero_induction_full.csv',
      'tiny-llama_perm6_abl1_zero_random_full_draw1.csv',
      'tiny-llama_perm6_abl1_zero_random_full_draw2.csv',
      'tiny-llama_perm6_abl2_zero_induction_full.csv',
      'tiny-llama_perm6_abl2_zero_random_full_draw1.csv',
      'tiny-llama_perm6_abl2_zero_random_full_draw2.csv',
    ]);
    const table = fs.readFileSync(path.join(out, 'tables', at(tables, 2)), 'utf8').trim().split('\n');
    expect(table[0]).toBe('Lag,Mean Probability');
    // N = 20 tokens: S = 21 positions, lags -10..10.
    expect(table.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(Array.from({ length: 21 }, (_, i) => i - 10));
    expect(list(path.join(out, 'stats'))).toEqual(tables);
    expect(list(path.join(out, 'heads'))).toEqual(['tiny-llama_induction_full_zero.json', 'tiny-llama_random_full_zero.json']);
    const heads = JSON.parse(fs.readFileSync(path.join(out, 'heads', 'tiny-llama_induction_full_zero.json'), 'utf8'));
    expect(heads).toMatchObject({ head_type: 'induction', layer_abl: 'full', mode: 'zero' });
    expect(heads.heads).toHaveLength(2);
    expect(list(path.join(out, 'figures'))).toContain('tiny-llama_perm6_dose_response.png');
    expect(list(path.join(out, 'figures'))).toHaveLength(6 + 8 + 1); // per condition (random: draw 1 only), per group x4, dose-response
    expect(fs.readFileSync(path.join(out, 'induction_scores.csv'), 'utf8').split('\n')[0]).toBe('layer,head,scores');
    expect(fs.readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 1 + 2 + 4);
  });

  it('lists, shows, exports and resumes the stored study; trials.json equals the database', () => {
    const listed = cli('studies', 'list', '--db', db());
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/1\s+tiny-llama: induction vs random\s+done\s+42\/42\s+tiny-llama/);
    const shown = cli('studies', 'show', '1', '--db', db());
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Group: random heads, counts 0-1-2, zero ablation, --layer_abl full (all layers), 2 draws');
    expect(shown.stdout).toContain('Mode: studio (paired trials) · value bias under zero ablation: remove');
    expect(shown.stdout).toContain('induction k=2');
    expect(cli('studies', 'resume', '1', '--db', db()).stdout).toContain('Study 1 is done');

    const exported = path.join(root, 'exported');
    const e = cli('studies', 'export', '1', '--out', exported, '--db', db());
    expect(e.code).toBe(0);
    // Same tables as the run wrote (the seed's numbers do not depend on the way out).
    for (const t of list(path.join(outDir(), 'tables'))) {
      expect(fs.readFileSync(path.join(exported, 'tables', t), 'utf8')).toBe(fs.readFileSync(path.join(outDir(), 'tables', t), 'utf8'));
    }
    const json = JSON.parse(fs.readFileSync(path.join(exported, 'trials.json'), 'utf8'));
    const store = openStore(db());
    try {
      const trials = loadTrials(store, 1);
      expect(json.trials).toEqual(trials.map((t) => Array.from(t)));
      const conditions = listConditions(store, 1);
      expect(json.conditions.map((c: { key: string }) => c.key)).toEqual(conditions.map((c) => c.key));
      let compared = 0;
      let maxDiff = 0;
      conditions.forEach((c, i) => {
        const entry = json.conditions[i];
        expect(entry.heads).toEqual(c.heads.map((h) => [h.layer, h.head]));
        expect(entry.mode).toBe(c.headType === 'none' ? 'none' : c.mode);
        const blobs = loadResultBlobs(store, c.id);
        expect(entry.probs).toHaveLength(blobs.length);
        blobs.forEach((b, t) => {
          const stored = blobFloat32(b.probs);
          const written = Float32Array.from(entry.probs[t] as number[]);
          for (let s = 0; s < stored.length; s++) maxDiff = Math.max(maxDiff, Math.abs(at(stored, s) - at(written, s)));
          // Bit for bit: same float32 bytes.
          expect(Buffer.from(written.buffer).equals(Buffer.from(stored.buffer))).toBe(true);
          compared++;
        });
      });
      console.log(`trials.json vs DB: ${compared} rows, max |diff| = ${maxDiff}`);
      expect(compared).toBe(42);
    } finally {
      store.close();
    }
  });

  it('rejects bad flags with usage (exit 2) and a missing model naming where it looked (exit 1)', () => {
    const bad = cli('run', '--model_name', model(), '--mode', 'sideways', '--db', db());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--mode must be one of zero, mean; got "sideways"');
    expect(bad.stderr).toContain('Usage: npm run cli -- run');
    const missing = cli('run', '--model_name', 'Llama-3.1-8B-Instruct', '--db', db());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Llama-3.1-8B-Instruct: no model checkpoint found. Looked in:');
    expect(missing.stderr).toContain(path.join(root, 'hf', 'models--meta-llama--Llama-3.1-8B-Instruct'));
  });
});
