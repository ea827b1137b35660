// The output folder in the seed's layout: file names, headers, heads JSON, figures, summary,
// trials.json and provenance.json, for a study with an induction group and a 2-draw random group.

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeStudyOutputs, type StudyOutputData } from '../../src/main/export/write-outputs';
import type { StudySpec } from '../../src/shared/study/types';
import { condition, metricsFor, syntheticCurve } from './fixtures';
import { at, entry } from '../../src/shared/checked';

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
const metrics = Object.fromEntries(
  conditions.map((c) => [c.key, metricsFor(entry(curves, c.key), c.key === 'baseline' ? null : entry(curves, 'baseline'))]),
);
const trials = [0, 1, 2].map((t) => Array.from({ length: S }, (_, i) => 100 + ((i * 7 + t) % S)));
const probsOf = (key: string) =>
  trials.map((_, t) => Float32Array.from({ length: S }, (_, i) => (conditions.findIndex((c) => c.key === key) + 1) / (10 + i + t)));

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
      metrics,
      loadTrials: () => trials,
      loadProbs: probsOf,
      provenance: { provider: 'cpu' },
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
    expect(figures).toContain('tiny_model_perm3_dose_response.png');
    expect(figures).toHaveLength(5 + 4 + 1); // per condition (random: draw 1 only), per group x2, dose-response

    const summary = (await readFile(out.summary, 'utf8')).trim().split('\n');
    expect(summary).toHaveLength(1 + conditions.length);

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
  });
});
