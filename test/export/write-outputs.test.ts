// The output folder in the seed's layout: file names, headers, heads JSON, figures (linear and log),
// the statistics tables, trials.json, trials_long.csv.gz and provenance.json, for a study with an
// induction group and a 2-draw random group.

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPARISONS_HEADER, PEAK_SHARES_HEADER, RANDOM_DRAWS_HEADER, SUMMARY_HEADER } from '../../src/main/export/stats-csv';
import { TRIALS_LONG_HEADER } from '../../src/main/export/trials-long';
import { writeStudyOutputs, type StudyOutputData } from '../../src/main/export/write-outputs';
import { studyStatistics } from '../../src/shared/study/study-statistics';
import type { StudySpec } from '../../src/shared/study/types';
import { csvRows } from '../helpers/csv-rows';
import { condition, syntheticCurve } from './fixtures';
import { at } from '../../src/shared/checked';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const S = 9;
const spec: StudySpec = {
  name: 'tiny',
  model: '/models/tiny',
  permutations: 3,
  maxHeadsAbl: 4,
  groups: [
    { headType: 'induction', counts: [0, 1, 2], mode: 'zero', layerRange: 'full', draws: 1 },
    { headType: 'random', counts: [0, 2], mode: 'zero', layerRange: 'full', draws: 2 },
  ],
  tokens: { source: 'vocab' },
  tokenCount: S - 1,
  scores: { source: 'compute' },
  seed: 42,
  batchSize: 2,
  provider: 'cpu',
  dtype: 'float32',
};
const conditions = [
  condition('baseline', 'none', 0),
  condition('induction-zero-full-k1', 'induction', 1),
  condition('induction-zero-full-k2', 'induction', 2),
  condition('random-zero-full-k2-d0', 'random', 2, 0),
  condition('random-zero-full-k2-d1', 'random', 2, 1),
];
const peaks = [0.5, 0.3, 0.1, 0.45, 0.47];
const curves = Object.fromEntries(conditions.map((c, i) => [c.key, syntheticCurve(S, at(peaks, i), 0.01, 3)]));
const trials = [0, 1, 2].map((t) => Array.from({ length: S }, (_, i) => 100 + ((i * 7 + t) % S)));
const probsOf = (key: string) =>
  trials.map((_, t) => Float32Array.from({ length: S }, (_, i) => (conditions.findIndex((c) => c.key === key) + 1) / (10 + i + t)));
const statistics = studyStatistics({ conditions, rows: conditions.map((c) => probsOf(c.key)), seed: 42 }, { contiguityLags: 2, bootstrapResamples: 50 });

describe('writeStudyOutputs', () => {
  it('writes the seed layout plus stats, summary, trials.json and provenance', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outputs-'));
    dirs.push(dir);
    const data: StudyOutputData = {
      studyId: 7,
      modelName: 'tiny model',
      spec,
      conditions,
      curves,
      statistics,
      loadTrials: () => trials,
      loadProbs: probsOf,
      provenance: { provider: 'cpu' },
      tokenText: (id) => (id === 101 ? 'say "hi", then' : `w${id}`),
    };
    const out = await writeStudyOutputs(dir, data);

    const tables = (await readdir(join(dir, 'tables'))).sort();
    expect(tables).toEqual([
      'tiny_model_perm3_abl0_zero_induction_full.csv',
      'tiny_model_perm3_abl0_zero_random_full.csv',
      'tiny_model_perm3_abl1_zero_induction_full.csv',
      'tiny_model_perm3_abl2_zero_induction_full.csv',
      'tiny_model_perm3_abl2_zero_random_full_draw1.csv',
      'tiny_model_perm3_abl2_zero_random_full_draw2.csv',
    ]);
    for (const t of tables) {
      const text = await readFile(join(dir, 'tables', t), 'utf8');
      expect(text.split('\n')[0]).toBe('Lag,Mean Probability');
      expect(text.trim().split('\n')).toHaveLength(S + 1);
    }
    expect((await readdir(join(dir, 'stats'))).sort()).toEqual(tables);
    expect(out.tables).toHaveLength(6);

    const heads = JSON.parse(await readFile(join(dir, 'heads', 'tiny_model_random_full_zero.json'), 'utf8'));
    expect(heads.head_type).toBe('random');
    expect(heads.layer_abl).toBe('full');
    expect(heads.mode).toBe('zero');
    expect(heads.heads).toEqual(at(conditions, 3).heads.map((h) => [h.layer, h.head]));
    expect(heads.draws).toHaveLength(2);
    expect(heads.conditions.map((c: { key: string }) => c.key)).toEqual(['random-zero-full-k2-d0', 'random-zero-full-k2-d1']);
    expect(existsSync(join(dir, 'heads', 'tiny_model_induction_full_zero.json'))).toBe(true);

    const figures = (await readdir(join(dir, 'figures'))).sort();
    expect(figures).toContain('tiny_model_perm3_abl2_zero_induction_full.png');
    expect(figures).toContain('tiny_model_perm3_zero_induction_full_all.png');
    expect(figures).toContain('tiny_model_perm3_zero_random_full_all_lag10.png');
    expect(figures).toContain('tiny_model_perm3_zero_random_full_all_log.png');
    expect(figures).toContain('tiny_model_perm3_zero_induction_full_all_lag10_log.png');
    expect(figures).toContain('tiny_model_perm3_dose_response.png');
    expect(figures).toHaveLength(5 + 8 + 1); // per condition (random: draw 1 only), per group x4 (full/zoomed, linear/log), dose-response

    const summaryText = await readFile(out.summary, 'utf8');
    expect(summaryText.split('\n')[0]).toBe(SUMMARY_HEADER.join(','));
    const summary = csvRows(summaryText);
    expect(summary.map((r) => r.condition)).toEqual(conditions.map((c) => c.key));
    expect(summary[0]).toMatchObject({ mode: 'none', layer_abl: 'none', delta_p_plus1: '', n_paired: '' });
    // Lag +1 is position 5 (S = 9): condition i holds (i + 1) / (15 + t) there in trial t.
    const plus1 = (i: number) => [0, 1, 2].reduce((sum, t) => sum + Math.fround((i + 1) / (15 + t)), 0) / 3;
    expect(Number(summary[2]?.p_plus1)).toBeCloseTo(plus1(2), 12);
    expect(Number(summary[2]?.relative_change)).toBeCloseTo(plus1(2) / plus1(0) - 1, 12);
    const headerOf = async (file: string) => (await readFile(join(dir, file), 'utf8')).split('\n')[0];
    expect(await headerOf('comparisons.csv')).toBe(COMPARISONS_HEADER.join(','));
    expect(await headerOf('random_draws.csv')).toBe(RANDOM_DRAWS_HEADER.join(','));
    expect(await headerOf('peak_lag_shares.csv')).toBe(PEAK_SHARES_HEADER.join(','));
    // k = 2 has an induction condition and 2 random draws: 2 per-draw rows, pooled, between draws.
    const comparisons = csvRows(await readFile(join(dir, 'comparisons.csv'), 'utf8'));
    expect(comparisons.map((r) => [r.n_heads, r.scope, r.draw])).toEqual([['2', 'draw', '0'], ['2', 'draw', '1'], ['2', 'pooled', ''], ['2', 'between_draws', '']]);
    expect(out.statistics).toHaveLength(3);

    const long = csvRows(gunzipSync(await readFile(join(dir, 'trials_long.csv.gz'))).toString('utf8'));
    expect(Object.keys(long[0] ?? {})).toEqual([...TRIALS_LONG_HEADER]);
    expect(long).toHaveLength(conditions.length * trials.length * S);
    for (const r of long) {
      const c = conditions.findIndex((x) => x.key === r.condition);
      const t = Number(r.trial);
      const s = Number(r.position);
      expect(Math.fround(Number(r.probability))).toBe(probsOf(r.condition ?? '')[t]?.[s]);
      expect(Number(r.lag)).toBe(s - 4);
      expect(Number(r.token_id)).toBe(trials[t]?.[s]);
      expect(r.token_text).toBe(r.token_id === '101' ? 'say "hi", then' : `w${r.token_id}`);
      expect([r.head_type, Number(r.n_heads), Number(r.draw)]).toEqual([conditions[c]?.headType, conditions[c]?.count, conditions[c]?.draw]);
    }
    expect(long.filter((r) => r.condition === 'baseline').every((r) => r.mode === 'none' && r.layer_abl === 'none')).toBe(true);

    const tj = JSON.parse(await readFile(join(dir, 'trials.json'), 'utf8'));
    expect(tj.trials).toEqual(trials);
    expect(tj.conditions).toHaveLength(conditions.length);
    expect(tj.conditions[0].mode).toBe('none');
    for (const c of tj.conditions) {
      const want = probsOf(c.key);
      c.probs.forEach((row: number[], t: number) => expect(Float32Array.from(row)).toEqual(want[t]));
    }

    const prov = JSON.parse(await readFile(join(dir, 'provenance.json'), 'utf8'));
    expect(prov.studyId).toBe(7);
    expect(prov.provenance).toEqual({ provider: 'cpu' });
    expect(prov.spec.groups).toHaveLength(2);
    expect(prov.files.tables).toHaveLength(6);
    expect(prov.files.trials).toBe('trials.json');
    expect(prov.files.trialsLong).toBe('trials_long.csv.gz');
    expect(prov.statistics).toMatchObject({ level: 0.95, contiguityLags: 2, bootstrapResamples: 50, bootstrapSeed: 42, peakExcludesLagZero: true });
  });
});
