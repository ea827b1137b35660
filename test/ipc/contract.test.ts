// The contract itself: payloads validated with the field named, every request reachable as
// api.<domain>.<method>, events declared with schemas, the SSE framing and the wire JSON lossless;
// and Electron's request pipeline (sender check, then dispatch) in plain Node. Every request
// against a real store and engine: test/app/contract-requests.test.ts.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStudioApp } from '../../src/main/app/studio-app';
import { createIpcDispatcher, fromMainFrame } from '../../src/main/ipc/dispatch';
import { openStore } from '../../src/main/store/db';
import { getStudyRecord, transitionStudy } from '../../src/main/store/studies-repo';
import { seedStudy, tempDir } from '../store/store-fixtures';
import { REQUEST_NAMES, buildStudioApi, parseRequest, requestDefs, splitRequestName } from '../../src/shared/ipc/contract';
import { EVENT_NAMES, eventSchemas } from '../../src/shared/ipc/events';
import { StudioApiError, unwrap } from '../../src/shared/ipc/errors';
import { createSseParser, formatSseFrame, type SseMessage } from '../../src/shared/ipc/sse';
import { decodeWireJson, encodeWireJson } from '../../src/shared/ipc/wire-json';

describe('request payloads', () => {
  it('are parsed to their completed value', () => {
    expect(parseRequest('studies.rename', { id: 3, name: ' New name ' })).toEqual({ ok: true, value: { id: 3, name: 'New name' } });
    expect(parseRequest('models.list', undefined)).toEqual({ ok: true, value: {} });
  });

  it('fail as input errors naming the request and field', () => {
    const cases: [Parameters<typeof parseRequest>[0], unknown, string][] = [
      ['studies.summary', { id: -1 }, 'id'],
      ['studies.rename', { id: 1, name: '   ' }, 'name'],
      ['models.list', { extra: true }, 'extra'],
      ['queue.reorder', { ids: [1, 'two'] }, 'ids.1'],
      ['studies.list', { status: ['sleeping'] }, 'status.0'],
      ['scores.compute', { modelId: 1, seqLen: 1 }, 'seqLen'],
    ];
    for (const [name, payload, field] of cases) {
      const result = parseRequest(name, payload);
      expect(result.ok, name).toBe(false);
      if (result.ok) continue;
      expect(result.error.kind).toBe('input');
      expect(result.error.field).toBe(field);
      expect(result.error.message.startsWith(`${name}: ${field}: `), result.error.message).toBe(true);
    }
  });
});

describe('StudioApi', () => {
  it('has one function per request, api.<domain>.<method>, passing name and payload through', async () => {
    const calls: [string, unknown][] = [];
    const api = buildStudioApi(async (name, payload) => {
      calls.push([name, payload]);
      return { ok: true, value: null };
    }, () => () => undefined);
    for (const name of REQUEST_NAMES) {
      const [domain, method] = splitRequestName(name);
      const fn = (api as unknown as Record<string, Record<string, (p?: unknown) => Promise<unknown>>>)[domain]?.[method];
      expect(typeof fn, name).toBe('function');
      await fn?.({ probe: name });
    }
    expect(calls.map(([n]) => n)).toEqual(REQUEST_NAMES);
    expect(calls.every(([n, p]) => (p as { probe: string }).probe === n)).toBe(true);
    await api.queue.state();
    expect(calls.at(-1)).toEqual(['queue.state', {}]);
  });

  it('declares a result schema for every request and a payload schema for every event', () => {
    for (const name of REQUEST_NAMES) expect(requestDefs[name].result, name).toBeDefined();
    expect(EVENT_NAMES.length).toBeGreaterThan(0);
    for (const name of EVENT_NAMES) expect(eventSchemas[name], name).toBeDefined();
  });

  it('unwrap returns the value or throws the error with its kind and field', () => {
    expect(unwrap({ ok: true, value: 5 })).toBe(5);
    let caught: unknown;
    try {
      unwrap({ ok: false, error: { kind: 'input', message: 'spec.permutations: must be a positive integer', field: 'spec.permutations' } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StudioApiError);
    expect(caught).toMatchObject({ kind: 'input', field: 'spec.permutations' });
  });
});

describe('wire formats', () => {
  it('SSE frames parse back whatever the chunking, multi-line data included', () => {
    const sent: SseMessage[] = [
      { event: 'queue.changed', data: '{"running":null}' },
      { event: 'study.progress', data: 'line one\nline two' },
      { event: 'x', data: '' },
    ];
    const text = `: ping\n\n${sent.map((m) => formatSseFrame(m.event, m.data)).join('')}`;
    for (const size of [1, 2, 3, 7, text.length]) {
      const got: SseMessage[] = [];
      const feed = createSseParser((m) => got.push(m));
      for (let i = 0; i < text.length; i += size) feed(text.slice(i, i + size));
      expect(got, `chunks of ${size}`).toEqual(sent);
    }
    const crlf: SseMessage[] = [];
    const feed = createSseParser((m) => crlf.push(m));
    for (const ch of 'event: a\r\ndata: 1\r\n\r\n') feed(ch);
    expect(crlf).toEqual([{ event: 'a', data: '1' }]);
  });

  it('wire JSON keeps NaN and infinities (as structured clone does) and everything else as JSON', () => {
    const value = { a: NaN, b: [Infinity, -Infinity, 1.5], c: { $num: 3 }, d: 'NaN', e: null };
    const back = decodeWireJson(encodeWireJson(value)) as typeof value;
    expect(back.a).toBeNaN();
    expect(back.b).toEqual([Infinity, -Infinity, 1.5]);
    expect(back.c).toEqual({ $num: 3 });
    expect(back.d).toBe('NaN');
    expect(back.e).toBeNull();
  });
});

describe('Electron IPC dispatcher (plain Node)', () => {
  it('answers only the app window top frame: another frame or no frame is refused for every request, the database untouched', async () => {
    const tmp = tempDir('ipc-');
    const seeded = openStore(join(tmp.dir, 'studio.sqlite'));
    const { studyId } = seedStudy(seeded, 'first study');
    transitionStudy(seeded, studyId, ['queued'], 'paused');
    seeded.close();
    const app = createStudioApp({ dataDir: tmp.dir, transport: 'electron', demoModelDir: null, log: () => undefined });
    try {
      const appFrame = { name: 'app window' };
      const dispatch = createIpcDispatcher(app.handlers, fromMainFrame<object>(() => appFrame));
      for (const senderFrame of [{ name: 'iframe' }, null]) {
        for (const name of REQUEST_NAMES) {
          const result = await dispatch({ senderFrame }, name, { id: studyId, name: 'x', notes: 'x' });
          expect(result, name).toEqual({ ok: false, error: { kind: 'conflict', message: `${name}: refused, the request did not come from the app window` } });
        }
      }
      expect(getStudyRecord(app.context.store, studyId)).toMatchObject({ name: 'first study', notes: '', status: 'paused' });
      expect(await dispatch({ senderFrame: appFrame }, 'studies.rename', { id: studyId, name: 'renamed' })).toMatchObject({ ok: true, value: { name: 'renamed' } });
      expect(await dispatch({ senderFrame: appFrame }, 'studies.rename', { id: studyId, name: ' ' })).toMatchObject({ ok: false, error: { kind: 'input', field: 'name' } });
      expect(getStudyRecord(app.context.store, studyId)?.name).toBe('renamed');
    } finally {
      await app.close();
      tmp.cleanup();
    }
  });
});
