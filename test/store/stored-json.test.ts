// Stored JSON is re-validated on the way out of the database: a row written by a newer app, or a
// row whose JSON no longer has the shape its version promises, fails with a message naming the row.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/main/store/db';
import { getModel, upsertModel } from '../../src/main/store/models-repo';
import { getScoreSet, insertScoreSet } from '../../src/main/store/score-sets-repo';
import { getStudyRecord, insertStudy } from '../../src/main/store/studies-repo';
import { insertTokenSet } from '../../src/main/store/token-sets-repo';
import { fakeModelSpec, fakeStudySpec, tempDir } from './store-fixtures';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let ids: { model: number; study: number; scores: number };
beforeEach(() => {
  tmp = tempDir();
  store = openStore(tmp.dbPath);
  const model = upsertModel(store, { path: '/m', spec: fakeModelSpec(), checksum: 'abc', source: 'folder' });
  const tokenSet = insertTokenSet(store, { name: 't', sourcePath: null, tokens: [1, 2, 3, 4], droppedSpecial: 0 });
  const scores = insertScoreSet(store, { modelId: model, method: { kind: 'csv', file: 's.csv' }, source: 'csv', sourcePath: '/s.csv', scores: [{ layer: 0, head: 1, score: 0.5 }] });
  const study = insertStudy(store, {
    name: 'x', spec: fakeStudySpec(), modelId: model, tokenSetId: tokenSet, scoreSetId: scores,
    promptTokens: [1, 2, 3, 4], seed: 42, permutations: 3, seqLen: 5, batchSize: 2,
  });
  ids = { model, study, scores };
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

describe('stored JSON', () => {
  it('reads back what was written, with the current version recorded', () => {
    expect(getStudyRecord(store, ids.study)?.spec).toEqual(fakeStudySpec());
    expect(getModel(store, ids.model)?.spec).toEqual(fakeModelSpec());
    expect(getScoreSet(store, ids.scores)?.method).toEqual({ kind: 'csv', file: 's.csv' });
    expect(store.db.prepare(`SELECT spec_version FROM studies`).pluck().get()).toBe(1);
  });

  it('fills fields a later spec added with their defaults (a stored spec missing one still reads)', () => {
    const { batchSize: _dropped, ...older } = fakeStudySpec();
    store.db.prepare(`UPDATE studies SET spec = ? WHERE id = ?`).run(JSON.stringify(older), ids.study);
    expect(getStudyRecord(store, ids.study)?.spec.batchSize).toBe(8);
  });

  it('refuses rows written by a newer app, naming the row and the database', () => {
    store.db.prepare(`UPDATE studies SET spec_version = 2`).run();
    expect(() => getStudyRecord(store, ids.study)).toThrow(`study ${ids.study} in ${tmp.dbPath}: its study spec was written by a newer version`);
    store.db.prepare(`UPDATE models SET spec_version = 9`).run();
    expect(() => getModel(store, ids.model)).toThrow(/model \d+ in .*: its model spec was written by a newer version of Ablation Studio \(shape 9/);
  });

  it('refuses JSON that lost its shape, naming the field', () => {
    store.db.prepare(`UPDATE models SET spec = json_remove(spec, '$.nHeads')`).run();
    expect(() => getModel(store, ids.model)).toThrow(/its stored model spec is not valid: nHeads: /);
    store.db.prepare(`UPDATE studies SET spec = json_set(spec, '$.permutations', -3)`).run();
    expect(() => getStudyRecord(store, ids.study)).toThrow(/its stored study spec is not valid: spec\.permutations: must be a positive integer, got -3/);
    store.db.prepare(`UPDATE score_sets SET method = '[1, 2]'`).run();
    expect(() => getScoreSet(store, ids.scores)).toThrow(/its stored score method is not valid/);
  });
});
