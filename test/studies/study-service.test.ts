// Creating and running studies end to end on a real engine (tiny checkpoint, CPU) and real SQLite
// files: every (condition, trial) stored once, paired trials, rows that are exactly the probes they
// claim to be, provenance, summaries, and study management.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHeadControls } from '../../src/main/engine/head-controls';
import { openStore, type Store } from '../../src/main/store/db';
import { listConditions, loadTrials } from '../../src/main/store/conditions-repo';
import { countStudyResults, loadResultBlobs } from '../../src/main/store/results-repo';
import { pendingChunks } from '../../src/main/studies/work-plan';
import {
  annotateStudy,
  createStudy,
  deleteStudy,
  getStudy,
  listStudies,
  loadConditionResults,
  renameStudy,
  runStudy,
  studySummary,
  type StudyProgress,
} from '../../src/main/studies/study-service';
import { isInputError } from '../../src/shared/errors';
import { trialPrompt } from '../../src/shared/study/trials';
import { CONDITIONS, SEQ_LEN, TEST_INDUCTION, TRIALS, setupWorld, tinySpec, type StudyWorld } from './study-fixtures';
import { at } from '../../src/shared/checked';

let world: StudyWorld;
let store: Store;
let studyId: number;
const events: StudyProgress[] = [];

beforeAll(async () => {
  world = await setupWorld('studio-service-');
  store = openStore(join(world.dir, 'studies.sqlite'));
  studyId = await createStudy(store, tinySpec(world.modelDir), { engine: world.engine, induction: TEST_INDUCTION });
});
afterAll(async () => {
  store.close();
  await world.cleanup();
});

/** Max relative difference over values above 1e-9 and max absolute difference. */
function diff(a: Float32Array, b: Float32Array): { rel: number; abs: number } {
  let rel = 0;
  let abs = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(at(a, i) - at(b, i));
    abs = Math.max(abs, d);
    if (Math.abs(at(b, i)) > 1e-9) rel = Math.max(rel, d / Math.abs(at(b, i)));
  }
  return { rel, abs };
}

describe('create', () => {
  it('stores the conditions and paired trials: trial i = trialPrompt(seed, i, tokens) for every condition', () => {
    const study = getStudy(store, studyId);
    expect(study).toMatchObject({ status: 'queued', seqLen: SEQ_LEN, permutations: TRIALS, batchSize: 4, done: 0, total: CONDITIONS * TRIALS });
    expect(study.conditions.map((c) => c.key)).toEqual([
      'baseline',
      'induction-zero-full-k1',
      'induction-zero-full-k2',
      'random-zero-full-k1-d0',
      'random-zero-full-k2-d0',
    ]);
    const tokens = Array.from(study.promptTokens);
    expect(new Set(tokens).size).toBe(SEQ_LEN - 1);
    // Special tokens 0-2 of the tiny tokenizer are never prompt tokens.
    expect(tokens.every((t) => t >= 3 && t < 96)).toBe(true);
    const trials = loadTrials(store, studyId);
    expect(trials).toHaveLength(TRIALS);
    trials.forEach((t, i) => expect(Array.from(t)).toEqual(trialPrompt(7, i, tokens)));
    // Random heads come from outside the top maxHeadsAbl (2) induction heads.
    const ind2 = at(study.conditions, 2);
    const rnd2 = at(study.conditions, 4);
    const top = new Set(ind2.heads.map((h) => `${h.layer}.${h.head}`));
    expect(rnd2.heads.some((h) => top.has(`${h.layer}.${h.head}`))).toBe(false);
  });
});

describe('run', () => {
  beforeAll(async () => {
    const status = await runStudy(store, studyId, { engine: world.engine, onProgress: (p) => events.push(p) });
    expect(status).toBe('done');
  });

  it('stores exactly one result per (condition, trial), S float32 values each', () => {
    expect(countStudyResults(store, studyId)).toBe(CONDITIONS * TRIALS);
    for (const c of listConditions(store, studyId)) {
      const rows = loadResultBlobs(store, c.id);
      expect(rows.map((r) => r.trialIdx)).toEqual([...Array(TRIALS).keys()]);
      for (const r of rows) expect(r.probs.length).toBe(SEQ_LEN * 4);
    }
  });

  it('reports monotone progress ending in done, and records provenance', () => {
    expect(events[0]).toMatchObject({ done: 0, total: 50, status: 'running', etaSeconds: null });
    for (let i = 1; i < events.length; i++) expect(at(events, i).done).toBeGreaterThanOrEqual(at(events, i - 1).done);
    expect(events.at(-1)).toMatchObject({ done: 50, total: 50, status: 'done' });
    expect(events.filter((e) => e.status === 'running').length).toBe(1 + Math.ceil(50 / 4));
    const mid = at(events, 3);
    expect(mid.rowsPerSecond).toBeGreaterThan(0);
    expect(mid.trialsPerSecond).toBeCloseTo(mid.rowsPerSecond / CONDITIONS, 9);
    expect(mid.etaSeconds).toBeGreaterThan(0);

    const study = getStudy(store, studyId);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const info = world.engine.info;
    expect(study.provenance).toMatchObject({
      appVersion: pkg.version,
      ortVersion: info.ortVersion,
      provider: 'cpu',
      dtype: 'float32',
      engineVersion: info.engineVersion,
      modelChecksum: info.checkpointHash,
      compileMs: info.compileMs,
    });
    expect(study.provenance.runMs).toBeGreaterThan(0);
    expect(study.model.checksum).toBe(info.checkpointHash);
    expect(study).toMatchObject({ status: 'done', error: null, runnerPid: null, done: 50, interrupted: false });
    expect(study.finishedAt).toBeGreaterThanOrEqual(study.startedAt ?? Infinity);
  });

  it('each row is the probe of its trial under its own condition (same batch: bitwise; another batch: relative error < 1e-4)', async () => {
    const conditions = listConditions(store, studyId);
    const trials = loadTrials(store, studyId);
    const stored = (c: number, t: number) => loadConditionResults(store, studyId, at(conditions, c).id).probs.subarray(t * SEQ_LEN, (t + 1) * SEQ_LEN);
    const probe = async (rows: { c: number; t: number }[]) => {
      const ids = new Int32Array(rows.length * SEQ_LEN);
      rows.forEach((r, b) => ids.set(at(trials, r.t), b * SEQ_LEN));
      const gates = buildHeadControls(world.engine.info.spec, rows.map((r) => at(conditions, r.c)));
      return world.engine.probe({ batch: rows.length, seqLen: SEQ_LEN, inputIds: ids, ...gates });
    };
    // Chunks 0 and 7 recomputed with the runner's composition: identical bits.
    for (const chunk of pendingChunks(TRIALS, CONDITIONS, 4, () => false).filter((k) => k.index === 0 || k.index === 7)) {
      const rows = chunk.rows.map((w) => ({ c: w.conditionIdx, t: w.trialIdx }));
      const out = await probe(rows);
      rows.forEach((r, b) => expect(Buffer.from(out.subarray(b * SEQ_LEN, (b + 1) * SEQ_LEN).slice().buffer)).toEqual(Buffer.from(stored(r.c, r.t).slice().buffer)));
    }
    // Trial 3 under every condition in one fresh batch: the same tokens serve all conditions. Another
    // batch composition changes only float summation order: the project's relative bar, 1e-4, holds.
    const rows = conditions.map((_, c) => ({ c, t: 3 }));
    const out = await probe(rows);
    let worst = { rel: 0, abs: 0 };
    rows.forEach((r, b) => {
      const d = diff(out.subarray(b * SEQ_LEN, (b + 1) * SEQ_LEN), stored(r.c, r.t));
      worst = { rel: Math.max(worst.rel, d.rel), abs: Math.max(worst.abs, d.abs) };
    });
    console.log(`trial 3 re-probed in another batch vs stored: max rel ${worst.rel.toExponential(2)}, max abs ${worst.abs.toExponential(2)}`);
    expect(worst.rel).toBeLessThan(1e-4);
    // And the conditions really differ: ablation changes the probabilities.
    const change = diff(stored(2, 3), stored(0, 3));
    console.log(`induction k2 vs baseline, trial 3: max rel change ${change.rel.toExponential(2)}`);
    expect(change.rel).toBeGreaterThan(1e-2);
  });

  it('summarises every condition: lag curves over S positions and metrics paired with the baseline', () => {
    const summary = studySummary(store, studyId);
    expect(summary.conditions).toHaveLength(CONDITIONS);
    const base = loadConditionResults(store, studyId, at(summary.conditions, 0).condition.id);
    expect(base).toMatchObject({ trials: TRIALS, seqLen: SEQ_LEN });
    for (const [i, c] of summary.conditions.entries()) {
      expect(c.trials).toBe(TRIALS);
      expect(c.curve?.lags).toEqual(Array.from({ length: SEQ_LEN }, (_, s) => s - 11));
      if (i === 0) {
        expect(c.metrics?.vsBaseline).toBeNull();
        continue;
      }
      // Paired difference at lag +1 (position 12), by hand from the stored matrices.
      const mine = loadConditionResults(store, studyId, c.condition.id);
      let sum = 0;
      for (let t = 0; t < TRIALS; t++) sum += at(mine.probs, t * SEQ_LEN + 12) - at(base.probs, t * SEQ_LEN + 12);
      expect(Math.abs((c.metrics?.vsBaseline?.difference.value ?? NaN) - sum / TRIALS)).toBeLessThan(1e-12);
    }
  });
});

describe('management', () => {
  it('lists, renames, annotates and deletes (with its conditions, trials and results)', async () => {
    const other = await createStudy(store, tinySpec(world.modelDir, { name: 'second', permutations: 2 }), {
      engine: world.engine,
      induction: TEST_INDUCTION,
    });
    expect(listStudies(store).map((s) => [s.id, s.status, s.done, s.total])).toEqual([
      [other, 'queued', 0, 10],
      [studyId, 'done', 50, 50],
    ]);
    renameStudy(store, other, '  Renamed  ');
    annotateStudy(store, other, 'a note');
    expect(getStudy(store, other)).toMatchObject({ name: 'Renamed', notes: 'a note' });
    expect(() => renameStudy(store, other, ' ')).toThrow(/name: a study name cannot be empty/);
    expect(() => renameStudy(store, 999, 'x')).toThrow(/study 999: no such study/);
    // Both studies share the model, token set and score set rows (deduplicated).
    const count = (t: string) => store.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get();
    expect([count('models'), count('token_sets'), count('score_sets')]).toEqual([1, 1, 1]);
    deleteStudy(store, other);
    let error: unknown;
    try {
      getStudy(store, other);
    } catch (err) {
      error = err;
    }
    expect(isInputError(error) && error.message).toBe(`study ${other}: no such study in the database`);
    expect(count('conditions')).toBe(CONDITIONS);
    expect(count('trials')).toBe(TRIALS);
    expect(count('results')).toBe(CONDITIONS * TRIALS);
  });
});
