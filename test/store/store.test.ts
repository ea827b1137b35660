// The store's guarantees: WAL journaling, enforced foreign keys, cascading deletes, bit-exact BLOBs,
// and the repositories' round trips, on real SQLite files in a temp folder.

import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobFloat32, blobInt32, float32Blob, int32Blob } from '../../src/main/store/blobs';
import { openStore, prepare, type Store } from '../../src/main/store/db';
import { insertConditions, insertTrial, listConditions, loadTrials } from '../../src/main/store/conditions-repo';
import { findModelByChecksum, getModel, upsertModel } from '../../src/main/store/models-repo';
import { countStudyResults, insertResult, loadResultBlobs, loadResults } from '../../src/main/store/results-repo';
import { getScoreSet } from '../../src/main/store/score-sets-repo';
import {
  deleteStudyRow,
  getStudyRecord,
  recordStudyStart,
  transitionStudy,
} from '../../src/main/store/studies-repo';
import { getTokenSet } from '../../src/main/store/token-sets-repo';
import { FAKE_CONDITIONS, fakeModelSpec, fakeStudySpec, seedStudy, tempDir } from './store-fixtures';
import { at } from '../../src/shared/checked';

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

describe('connection settings', () => {
  it('journals in WAL mode with foreign keys on', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    seedStudy(store);
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
    expect(() => insertConditions(store, 999, FAKE_CONDITIONS)).toThrow(/FOREIGN KEY constraint failed/);
    expect(() => insertResult(store, 999, 0, new Float32Array(3))).toThrow(/FOREIGN KEY constraint failed/);
  });

  it('deleting a study deletes its conditions, trials and results, and nothing else', () => {
    const { studyId, conditionIds, scoreSetId } = seedStudy(store);
    expect(countStudyResults(store, studyId)).toBe(4);
    expect(deleteStudyRow(store, studyId)).toBe(true);
    const count = (table: string) => store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    expect(count('conditions')).toBe(0);
    expect(count('trials')).toBe(0);
    expect(count('results')).toBe(0);
    expect(loadResults(store, at(conditionIds, 0))).toEqual([]);
    expect(count('models')).toBe(1);
    expect(count('token_sets')).toBe(1);
    expect(getScoreSet(store, scoreSetId)?.scores).toHaveLength(1);
  });

  it('refuses to delete a model that studies use', () => {
    const { modelId } = seedStudy(store);
    expect(() => store.db.prepare('DELETE FROM models WHERE id = ?').run(modelId)).toThrow(/FOREIGN KEY/);
  });

  it('checks status values and result keys', () => {
    const { studyId, conditionIds } = seedStudy(store);
    expect(() => store.db.prepare(`UPDATE studies SET status = 'exploded' WHERE id = ?`).run(studyId)).toThrow(
      /CHECK constraint failed/,
    );
    expect(() => insertResult(store, at(conditionIds, 0), 0, new Float32Array(5))).toThrow(/UNIQUE constraint failed/);
  });
});

describe('BLOBs', () => {
  it('round-trip float32 probabilities bit for bit (NaN payloads, -0, subnormals, infinities)', () => {
    const bits = new Uint32Array([0x7fc00001, 0xffc12345, 0x80000000, 0x00000001, 0x007fffff, 0x7f800000, 0xff800000, 0x3f800000, 0x33d6bf95]);
    const values = new Float32Array(bits.buffer);
    const blob = float32Blob(values);
    expect(blob.readUInt32LE(0)).toBe(0x7fc00001); // little-endian on disk
    const { conditionIds } = seedStudy(store);
    insertResult(store, at(conditionIds, 0), 7, values);
    const back = loadResultBlobs(store, at(conditionIds, 0)).find((r) => r.trialIdx === 7)?.probs ?? Buffer.alloc(0);
    expect(Buffer.compare(back, blob)).toBe(0);
    expect(Array.from(new Uint32Array(blobFloat32(back).buffer))).toEqual(Array.from(bits));
  });

  it('round-trip int32 token ids, including the extremes', () => {
    const tokens = [0, 1, -1, 2147483647, -2147483648, 128000];
    expect(Array.from(blobInt32(int32Blob(tokens)))).toEqual(tokens);
    const { studyId } = seedStudy(store);
    insertTrial(store, studyId, 2, tokens);
    expect(Array.from(at(loadTrials(store, studyId), 2))).toEqual(tokens);
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
    const { studyId, modelId, scoreSetId } = seedStudy(store);
    const study = getStudyRecord(store, studyId);
    if (!study) throw new Error('the seeded study is missing');
    expect(study).toMatchObject({ name: 's', status: 'queued', seed: 42, permutations: 2, seqLen: 5, batchSize: 2 });
    expect(study.spec).toEqual(fakeStudySpec());
    expect(Array.from(study.promptTokens)).toEqual([5, 6, 7, 8]);
    expect(listConditions(store, studyId).map(({ id: _id, studyId: _s, idx: _i, ...c }) => c)).toEqual(FAKE_CONDITIONS);
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
    const { studyId } = seedStudy(store);
    expect(transitionStudy(store, studyId, ['running'], 'paused')).toBe(false);
    expect(recordStudyStart(store, studyId, 'paused', fakeProvenance, { pid: 1, identity: null })).toBe(false);
    recordStudyStart(store, studyId, 'queued', {
      appVersion: '1',
      ortVersion: '2',
      provider: 'cpu',
      dtype: 'float32',
      engineVersion: '3',
      modelChecksum: 'abc',
      compileMs: 12.5,
    }, { pid: 1234, identity: 'boot:99' });
    expect(getStudyRecord(store, studyId)?.provenance).toMatchObject({ provider: 'cpu', compileMs: 12.5, runMs: 0 });
    expect(getStudyRecord(store, studyId)).toMatchObject({ runnerPid: 1234, runnerIdentity: 'boot:99' });
    expect(transitionStudy(store, studyId, ['queued', 'running'], 'failed', 'bad')).toBe(true);
    expect(getStudyRecord(store, studyId)).toMatchObject({ status: 'failed', error: 'bad' });
  });
});
