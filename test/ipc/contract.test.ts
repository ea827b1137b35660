// The IPC contract: payloads are validated at runtime, and every request has a handler that runs
// against a real SQLite store in plain Node (no Electron needed).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_NAMES, parseRequest } from '../../src/shared/ipc/contract';
import { studyHandlers } from '../../src/main/ipc/study-handlers';
import { openStore, type Store } from '../../src/main/store/db';

let dir = '';
let store: Store | null = null;
afterEach(() => {
  store?.close();
  store = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('IPC contract', () => {
  it('rejects malformed payloads with the request and field named', () => {
    expect(() => parseRequest('studies.summary', { id: -1 })).toThrow(/studies\.summary: id/);
    expect(() => parseRequest('studies.rename', { id: 1, name: '   ' })).toThrow(/studies\.rename: name/);
    expect(() => parseRequest('studies.list', { extra: true })).toThrow(/studies\.list/);
    expect(parseRequest('studies.rename', { id: 3, name: ' New name ' })).toEqual({ id: 3, name: 'New name' });
  });

  it('has a handler for every request, callable on a real store', () => {
    dir = mkdtempSync(join(tmpdir(), 'ipc-'));
    store = openStore(join(dir, 'studio.sqlite'));
    const handlers = studyHandlers(store);
    expect(Object.keys(handlers).sort()).toEqual([...REQUEST_NAMES].sort());
    expect(handlers['studies.list']({})).toEqual([]);
    expect(() => handlers['studies.summary']({ id: 42 })).toThrow(/42/);
  });
});
