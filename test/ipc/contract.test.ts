// The IPC contract end to end in plain Node: every request goes through the same dispatcher Electron
// uses (sender check, payload validation, handler) against a real SQLite store holding studies, and
// each one is checked by what it did to the database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher, fromMainFrame, type Dispatch } from '../../src/main/ipc/dispatch';
import { studyHandlers } from '../../src/main/ipc/study-handlers';
import { openStore, type Store } from '../../src/main/store/db';
import { getStudyRecord, transitionStudy } from '../../src/main/store/studies-repo';
import { REQUEST_NAMES, parseRequest, type RequestName } from '../../src/shared/ipc/contract';
import { at } from '../../src/shared/checked';
import { seedStudy, tempDir } from '../store/store-fixtures';

/** Stand-ins for Electron's WebFrameMain: the app window's top frame and an embedded one. */
const appFrame = { name: 'app window' };
const otherFrame = { name: 'iframe' };
const fromApp = { senderFrame: appFrame };

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let dispatch: Dispatch<{ senderFrame: object | null }>;
let studies: { first: number; second: number };
const called = new Set<RequestName>();
const call: Dispatch<{ senderFrame: object | null }> = (name, event, payload) => {
  called.add(name);
  return dispatch(name, event, payload);
};

beforeEach(() => {
  tmp = tempDir('ipc-');
  store = openStore(tmp.dbPath);
  studies = { first: seedStudy(store, 'first study').studyId, second: seedStudy(store, 'second study').studyId };
  dispatch = createDispatcher(studyHandlers(store), fromMainFrame<object>(() => appFrame));
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

describe('IPC contract', () => {
  it('rejects malformed payloads with the request and field named', () => {
    expect(() => parseRequest('studies.summary', { id: -1 })).toThrow(/studies\.summary: id/);
    expect(() => parseRequest('studies.rename', { id: 1, name: '   ' })).toThrow(/studies\.rename: name/);
    expect(() => parseRequest('studies.list', { extra: true })).toThrow(/studies\.list/);
    expect(parseRequest('studies.rename', { id: 3, name: ' New name ' })).toEqual({ id: 3, name: 'New name' });
  });

  it('lists and summarises the stored studies', () => {
    const list = call('studies.list', fromApp, {});
    expect(list.map((s) => [s.id, s.name, s.status, s.done, s.total])).toEqual([
      [studies.second, 'second study', 'queued', 4, 4],
      [studies.first, 'first study', 'queued', 4, 4],
    ]);
    const summary = call('studies.summary', fromApp, { id: studies.first });
    expect(summary.conditions.map((c) => [c.key, c.headType, c.count, c.trials])).toEqual([
      ['baseline', 'none', 0, 2],
      ['induction-zero-full-k2', 'induction', 2, 2],
    ]);
    const induction = at(summary.conditions, 1);
    expect(induction.curve?.lags).toEqual([-2, -1, 0, 1, 2]);
    expect(induction.metrics?.vsBaseline?.difference.value).toBeCloseTo(1, 12); // each stored probability is condition id + trial index
    expect(summary.statistics.conditions.map((c) => c.key)).toEqual(['baseline', 'induction-zero-full-k2']);
    expect(() => call('studies.summary', fromApp, { id: 999 })).toThrow(/study 999/);
  });

  it('renames and annotates one study, leaving the other alone', () => {
    expect(call('studies.rename', fromApp, { id: studies.first, name: '  Renamed  ' })).toBeUndefined();
    expect(call('studies.annotate', fromApp, { id: studies.first, notes: 'zero ablation, 2 heads' })).toBeUndefined();
    expect(getStudyRecord(store, studies.first)).toMatchObject({ name: 'Renamed', notes: 'zero ablation, 2 heads' });
    expect(getStudyRecord(store, studies.second)).toMatchObject({ name: 'second study', notes: '' });
    expect(() => call('studies.rename', fromApp, { id: 999, name: 'x' })).toThrow(/study 999/);
    expect(() => call('studies.annotate', fromApp, { id: 999, notes: 'x' })).toThrow(/study 999/);
  });

  it('pauses and cancels by status, saying whether the study changed', () => {
    expect(call('studies.pause', fromApp, { id: studies.first })).toBe(true);
    expect(call('studies.pause', fromApp, { id: studies.first })).toBe(false); // already paused
    expect(getStudyRecord(store, studies.first)?.status).toBe('paused');
    expect(call('studies.cancel', fromApp, { id: studies.first })).toBe(true);
    expect(getStudyRecord(store, studies.first)?.status).toBe('cancelled');
    expect(transitionStudy(store, studies.second, ['queued'], 'done')).toBe(true);
    expect(call('studies.cancel', fromApp, { id: studies.second })).toBe(false); // a done study stays done
    expect(call('studies.pause', fromApp, { id: studies.second })).toBe(false);
    expect(getStudyRecord(store, studies.second)?.status).toBe('done');
  });

  it('deletes one study with its results', () => {
    expect(call('studies.delete', fromApp, { id: studies.first })).toBeUndefined();
    expect(getStudyRecord(store, studies.first)).toBeUndefined();
    expect(call('studies.list', fromApp, {}).map((s) => s.id)).toEqual([studies.second]);
    expect(() => call('studies.delete', fromApp, { id: studies.first })).toThrow(/study/);
  });

  it('refuses every request from another frame or no frame, before touching the store', () => {
    for (const senderFrame of [otherFrame, null]) {
      for (const name of REQUEST_NAMES) {
        expect(() => call(name, { senderFrame }, { id: studies.first, name: 'x', notes: 'x' }), name).toThrow(/refused, the sender is not the app window/);
      }
    }
    expect(getStudyRecord(store, studies.first)).toMatchObject({ name: 'first study', notes: '', status: 'queued' });
  });

  it('validates payloads in the dispatcher, before the handler runs', () => {
    expect(() => call('studies.rename', fromApp, { id: studies.first, name: '' })).toThrow(/studies\.rename: name/);
    expect(() => call('studies.delete', fromApp, { id: String(studies.first) })).toThrow(/studies\.delete: id/);
    expect(getStudyRecord(store, studies.first)?.name).toBe('first study');
  });

  it('has exercised every request of the contract', () => {
    expect([...called].sort()).toEqual([...REQUEST_NAMES].sort());
  });
});
