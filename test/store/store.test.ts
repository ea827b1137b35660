// The store's guarantees: WAL journaling, enforced foreign keys, cascading deletes, bit-exact BLOBs,
// and the repositories' round trips, on real SQLite files in a temp folder.

import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobFloat32, blobInt32, float32Blob, int32Blob } from '../../src/main/store/blobs';
import { openStore, prepare, type Store } from '../../src/main/store/db';
import { insertConditions, insertTrial, listConditions, loadTrials } from '../../src/main/store/conditions-repo';
import { findModelByChecksum, getModel, upsertModel } from '../../src/main/store/models-repo';
import { countStudyResults, insertResult, loadResultBlobs, loadResults } from '../../src/main/store/results-repo';
import { getScoreSet, insertScoreSet } from '../../src/main/store/score-sets-repo';
import {
  deleteStudyRow,
  getStudyRecord,
  insertStudy,
  recordStudyStart,
  transitionStudy,
} from '../../src/main/store/studies-repo';
import { getTokenSet, insertTokenSet } from '../../src/main/store/token-sets-repo';
import type { Condition } from '../../src/shared/study/types';
import { fakeModelSpec, fakeStudySpec, tempDir } from './store-fixtures';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeEach(() => {
  tmp = tempDir();
  store = openStore(tmp.dbPath);
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

const conditions: Condition[] = [
  { key: 'baseline', label: 'Baseline', headType: 'none', mode: 'zero', layerRange: 'full', count: 0, draw: 0, heads: [] },
  {
    key: 'induction-zero-full-k2',
    label: 'Induction, 2 heads',
    headType: 'induction',
    mode: 'zero',
    layerRange: 'full',
    count: 2,
    draw: 0,
    heads: [{ layer: 1, head: 3 }, { layer: 0, head: 2 }],
  },
];

/** A model, token set, score set and one study with two conditions and two trials. */
function seedStudy(): { studyId: number; conditionIds: number[]; scoreSetId: number; modelId: number } {
  const modelId = upsertModel(store, { path: '/m', spec: fakeModelSpec(), checksum: 'abc', source: 'folder' });
  const tokenSetId = insertTokenSet(store, { name: 't', sourcePath: null, tokens: [5, 6, 7, 8], droppedSpecial: 1 });
  const scoreSetId = insertScoreSet(store, {
    modelId,
    method: { kind: 'induction', seqLen: 16 },
    source: 'computed',
    sourcePath: null,
    scores: [{ layer: 0, head: 0, score: 0.25 }],
  });
  const studyId = insertStudy(store, {
    name: 's',
    spec: fakeStudySpec(),
    modelId,
    tokenSetId,
    scoreSetId,
    promptTokens: [5, 6, 7, 8],
    seed: 42,
    permutations: 2,
    seqLen: 5,
    batchSize: 2,
  });
  const conditionIds = insertConditions(store, studyId, conditions);
  insertTrial(store, studyId, 0, [5, 6, 7, 8, 7]);
  insertTrial(store, studyId, 1, [8, 7, 6, 5, 6]);
  for (const c of conditionIds) for (const t of [0, 1]) insertResult(store, c, t, new Float32Array(5).fill(t + c));
  return { studyId, conditionIds, scoreSetId, modelId };
}

describe('connection settings', () => {
  it('journals in WAL mode with foreign keys on', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    seedStudy();
    expect(existsSync(`${tmp.dbPath}-wal`)).toBe(true);
  });

  it('prepares each statement once per connection', () => {
    const a = prepare(store.db, 'SELECT 1');
    expect(prepare(store.db, 'SELECT 1')).toBe(a);
    const other = openStore(tmp.dbPath);
    expect(prepare(other.db, 'SELECT 1')).not.toBe(a);
    other.close();
  });
});

describe('integrity', () => {
  it('enforces foreign keys', () => {
    expect(() => insertConditions(store, 999, conditions)).toThrow(/FOREIGN KEY constraint failed/);
    expect(() => insertResult(store, 999, 0, new Float32Array(3))).toThrow(/FOREIGN KEY constraint failed/);
  });

  it('deleting a study deletes its conditions, trials and results, and nothing else', () => {
    const { studyId, conditionIds, scoreSetId } = seedStudy();
    expect(countStudyResults(store, studyId)).toBe(4);
    expect(deleteStudyRow(store, studyId)).toBe(true);
    const count = (table: string) => store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    expect(count('conditions')).toBe(0);
    expect(count('trials')).toBe(0);
    expect(count('results')).toBe(0);
    expect(loadResults(store, conditionIds[0])).toEqual([]);
    expect(count('models')).toBe(1);
    expect(count('token_sets')).toBe(1);
    expect(getScoreSet(store, scoreSetId)?.scores).toHaveLength(1);
  });

  it('refuses to delete a model that studies use', () => {
    const { modelId } = seedStudy();
    expect(() => store.db.prepare('DELETE FROM models WHERE id = ?').run(modelId)).toThrow(/FOREIGN KEY/);
  });

  it('checks status values and result keys', () => {
    const { studyId, conditionIds } = seedStudy();
    expect(() => store.db.prepare(`UPDATE studies SET status = 'exploded' WHERE id = ?`).run(studyId)).toThrow(
      /CHECK constraint failed/,
    );
    expect(() => insertResult(store, conditionIds[0], 0, new Float32Array(5))).toThrow(/UNIQUE constraint failed/);
  });
});

describe('BLOBs', () => {
  it('round-trip float32 probabilities bit for bit (NaN payloads, -0, subnormals, infinities)', () => {
    const bits = new Uint32Array([0x7fc00001, 0xffc12345, 0x80000000, 0x00000001, 0x007fffff, 0x7f800000, 0xff800000, 0x3f800000, 0x33d6bf95]);
    const values = new Float32Array(bits.buffer);
    const blob = float32Blob(values);
    expect(blob.readUInt32LE(0)).toBe(0x7fc00001); // little-endian on disk
    const { conditionIds } = seedStudy();
    insertResult(store, conditionIds[0], 7, values);
    const back = loadResultBlobs(store, conditionIds[0]).find((r) => r.trialIdx === 7)!.probs;
    expect(Buffer.compare(back, blob)).toBe(0);
    expect(Array.from(new Uint32Array(blobFloat32(back).buffer))).toEqual(Array.from(bits));
  });

  it('round-trip int32 token ids, including the extremes', () => {
    const tokens = [0, 1, -1, 2147483647, -2147483648, 128000];
    expect(Array.from(blobInt32(int32Blob(tokens)))).toEqual(tokens);
    const { studyId } = seedStudy();
    insertTrial(store, studyId, 2, tokens);
    expect(Array.from(loadTrials(store, studyId)[2])).toEqual(tokens);
    expect(() => blobInt32(Buffer.alloc(5))).toThrow(/not a whole number/);
  });
});

const fakeProvenance = {
  appVersion: null,
  ortVersion: null,
  provider: null,
  dtype: null,
  engineVersion: null,
  modelChecksum: null,
  compileMs: null,
};

describe('repositories', () => {
  it('round-trip a study and its parts', () => {
    const { studyId, modelId, scoreSetId } = seedStudy();
    const study = getStudyRecord(store, studyId)!;
    expect(study).toMatchObject({ name: 's', status: 'queued', seed: 42, permutations: 2, seqLen: 5, batchSize: 2 });
    expect(study.spec).toEqual(fakeStudySpec());
    expect(Array.from(study.promptTokens)).toEqual([5, 6, 7, 8]);
    expect(listConditions(store, studyId).map(({ id, studyId: _s, idx: _i, ...c }) => c)).toEqual(conditions);
    expect(getModel(store, modelId)?.spec).toEqual(fakeModelSpec());
    expect(getTokenSet(store, study.tokenSetId)).toMatchObject({ n: 4, droppedSpecial: 1 });
    expect(getScoreSet(store, scoreSetId)?.method).toEqual({ kind: 'induction', seqLen: 16 });
  });

  it('finds a model again by checksum and follows it to a new path', () => {
    const a = upsertModel(store, { path: '/old', spec: fakeModelSpec(), checksum: 'c1', source: 'folder' });
    const b = upsertModel(store, { path: '/new', spec: fakeModelSpec(), checksum: 'c1', source: 'folder' });
    expect(b).toBe(a);
    expect(findModelByChecksum(store, 'c1')?.path).toBe('/new');
  });

  it('changes status only from the expected states', () => {
    const { studyId } = seedStudy();
    expect(transitionStudy(store, studyId, ['running'], 'paused')).toBe(false);
    expect(recordStudyStart(store, studyId, 'paused', fakeProvenance, 1)).toBe(false);
    recordStudyStart(store, studyId, 'queued', {
      appVersion: '1',
      ortVersion: '2',
      provider: 'cpu',
      dtype: 'float32',
      engineVersion: '3',
      modelChecksum: 'abc',
      compileMs: 12.5,
    }, 1234);
    expect(getStudyRecord(store, studyId)?.provenance).toMatchObject({ provider: 'cpu', compileMs: 12.5, runMs: 0 });
    expect(getStudyRecord(store, studyId)?.runnerPid).toBe(1234);
    expect(transitionStudy(store, studyId, ['queued', 'running'], 'failed', 'bad')).toBe(true);
    expect(getStudyRecord(store, studyId)).toMatchObject({ status: 'failed', error: 'bad' });
  });
});
