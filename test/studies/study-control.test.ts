// Pause, cancel, abort, failure and resume between batches, the queue, and interrupted studies. Every
// stopped-and-resumed study must end bitwise identical to one run without interruption.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine-types';
import { openStore, prepare, type Store } from '../../src/main/store/db';
import { listConditions } from '../../src/main/store/conditions-repo';
import { countStudyResults, loadResultBlobs } from '../../src/main/store/results-repo';
import { getStudyRecord } from '../../src/main/store/studies-repo';
import { processIdentity } from '../../src/main/studies/process-identity';
import {
  cancelStudy,
  createStudy,
  deleteStudy,
  listStudies,
  pauseStudy,
  recoverInterruptedStudies,
  runStudy,
  type StudyProgress,
} from '../../src/main/studies/study-service';
import { CONDITIONS, TEST_INDUCTION, TRIALS, setupWorld, tinySpec, type StudyWorld } from './study-fixtures';
import { at } from '../../src/shared/checked';

let world: StudyWorld;
let store: Store;
let reference: Map<string, Buffer>;
const TOTAL = CONDITIONS * TRIALS;

function newStudy(): Promise<number> {
  return createStudy(store, tinySpec(world.modelDir), { engine: world.engine, induction: TEST_INDUCTION });
}

/** Every result BLOB keyed by `conditionIdx:trialIdx`. */
function blobs(studyId: number): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const c of listConditions(store, studyId)) for (const r of loadResultBlobs(store, c.id)) out.set(`${c.idx}:${r.trialIdx}`, r.probs);
  return out;
}

function expectSameAsReference(studyId: number): void {
  const mine = blobs(studyId);
  expect(mine.size).toBe(TOTAL);
  expect(countStudyResults(store, studyId)).toBe(TOTAL);
  const differing = [...reference].filter(([k, v]) => !mine.get(k)?.equals(v)).map(([k]) => k);
  expect(differing).toEqual([]);
}

function expectMonotone(events: StudyProgress[]): void {
  for (let i = 1; i < events.length; i++) expect(at(events, i).done).toBeGreaterThanOrEqual(at(events, i - 1).done);
}

beforeAll(async () => {
  world = await setupWorld('studio-control-');
  store = openStore(join(world.dir, 'studies.sqlite'));
  const id = await newStudy();
  expect(await runStudy(store, id, { engine: world.engine })).toBe('done');
  reference = blobs(id);
});
afterAll(async () => {
  store.close();
  await world.cleanup();
});

describe('stopping between batches', () => {
  it('pause takes effect before the next batch; resuming ends bitwise identical', async () => {
    const id = await newStudy();
    const events: StudyProgress[] = [];
    const status = await runStudy(store, id, {
      engine: world.engine,
      onProgress: (p) => {
        events.push(p);
        if (p.done === 8 && p.status === 'running') expect(pauseStudy(store, id)).toBe(true);
      },
    });
    expect(status).toBe('paused');
    expect(countStudyResults(store, id)).toBe(8);
    expect(events.at(-1)).toMatchObject({ done: 8, status: 'paused' });
    expect(getStudyRecord(store, id)).toMatchObject({ status: 'paused', runnerPid: null });
    expect(await runStudy(store, id, { engine: world.engine, onProgress: (p) => events.push(p) })).toBe('done');
    expectMonotone(events);
    expectSameAsReference(id);
  });

  it('cancel stops the run and keeps its results; an explicit run resumes it', async () => {
    const id = await newStudy();
    const status = await runStudy(store, id, { engine: world.engine, onProgress: (p) => p.done === 12 && cancelStudy(store, id) });
    expect(status).toBe('cancelled');
    expect(countStudyResults(store, id)).toBe(12);
    expect(await runStudy(store, id, { engine: world.engine })).toBe('done');
    expectSameAsReference(id);
  });

  it('an aborted signal pauses; the batch size is then fixed', async () => {
    const id = await newStudy();
    const abort = new AbortController();
    const status = await runStudy(store, id, { engine: world.engine, signal: abort.signal, onProgress: (p) => p.done === 4 && abort.abort() });
    expect(status).toBe('paused');
    expect(countStudyResults(store, id)).toBe(4);
    await expect(runStudy(store, id, { engine: world.engine, batchSize: 3 })).rejects.toThrow(/^batchSize: study \d+ already has results computed in batches of 4/);
    expect(getStudyRecord(store, id)?.status).toBe('paused');
    expect(await runStudy(store, id, { engine: world.engine, batchSize: 4 })).toBe('done');
    expectSameAsReference(id);
  });

  it('an engine failure marks the study failed with its message; a rerun completes it', async () => {
    const id = await newStudy();
    let calls = 0;
    const flaky: Engine = {
      info: world.engine.info,
      probe: (b) => (++calls === 3 ? Promise.reject(new Error('device lost')) : world.engine.probe(b)),
      patterns: (...a) => world.engine.patterns(...a),
      prepareProbe: (reuse) => world.engine.prepareProbe(reuse),
      close: async () => {},
    };
    const events: StudyProgress[] = [];
    await expect(runStudy(store, id, { engine: flaky, onProgress: (p) => events.push(p) })).rejects.toThrow('device lost');
    expect(getStudyRecord(store, id)).toMatchObject({ status: 'failed', error: 'device lost' });
    expect(events.at(-1)).toMatchObject({ done: 8, status: 'failed' });
    expect(await runStudy(store, id, { engine: world.engine })).toBe('done');
    expect(getStudyRecord(store, id)?.error).toBeNull();
    expectSameAsReference(id);
  });

  it('a pause that arrives while the engine loads stops the run before it starts', async () => {
    const id = await newStudy();
    const status = await runStudy(store, id, {
      openEngine: async () => {
        pauseStudy(store, id);
        return { ...world.engine, info: world.engine.info, probe: (b) => world.engine.probe(b), prepareProbe: (r) => world.engine.prepareProbe(r), close: async () => {} };
      },
    });
    expect(status).toBe('paused');
    expect(countStudyResults(store, id)).toBe(0);
    expect(getStudyRecord(store, id)).toMatchObject({ status: 'paused', startedAt: null });
  });

  it('refuses a second runner and deletion while running', async () => {
    const id = await newStudy();
    let second: Promise<unknown> | undefined;
    let deletion: unknown;
    await runStudy(store, id, {
      engine: world.engine,
      onProgress: (p) => {
        if (p.done !== 4) return;
        second = runStudy(store, id, { engine: world.engine }).catch((err: unknown) => err);
        try {
          deleteStudy(store, id);
        } catch (err) {
          deletion = err;
        }
      },
    });
    expect(String(await second)).toMatch(/already running/);
    expect(String(deletion)).toMatch(/is running; pause or cancel it/);
    expectSameAsReference(id);
  });
});

describe('interrupted studies', () => {
  it('a study left running by a dead process is listed as interrupted, recovered as paused, and resumes', async () => {
    const id = await newStudy();
    await runStudy(store, id, { engine: world.engine, onProgress: (p) => p.done === 8 && pauseStudy(store, id) });
    // What a killed runner leaves behind: status running, the pid of a process that no longer exists.
    prepare(store.db, `UPDATE studies SET status = 'running', runner_pid = ? WHERE id = ?`).run(2 ** 22 + 12345, id);
    expect(listStudies(store).find((s) => s.id === id)).toMatchObject({ status: 'running', interrupted: true, done: 8 });
    expect(recoverInterruptedStudies(store)).toEqual([id]);
    expect(getStudyRecord(store, id)?.status).toBe('paused');
    prepare(store.db, `UPDATE studies SET status = 'running', runner_pid = ? WHERE id = ?`).run(2 ** 22 + 12345, id);
    expect(await runStudy(store, id, { engine: world.engine })).toBe('done');
    expectSameAsReference(id);
  });

  it.runIf(process.platform === 'linux')('a runner id that now names another live process (a crash, a reboot) leaves the study interrupted, not busy', async () => {
    const id = await newStudy();
    await runStudy(store, id, { engine: world.engine, onProgress: (p) => p.done === 8 && pauseStudy(store, id) });
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const pid = stranger.pid ?? NaN;
      const mark = prepare(store.db, `UPDATE studies SET status = 'running', runner_pid = ?, runner_identity = ? WHERE id = ?`);
      // Claimed by that process itself: busy.
      mark.run(pid, processIdentity(pid), id);
      expect(listStudies(store).find((s) => s.id === id)).toMatchObject({ status: 'running', interrupted: false });
      await expect(runStudy(store, id, { engine: world.engine })).rejects.toThrow(new RegExp(`already running in process ${pid}`));
      // Claimed by an earlier process that had the same id: the runner is gone.
      mark.run(pid, 'an-earlier-boot:12345', id);
      expect(listStudies(store).find((s) => s.id === id)).toMatchObject({ status: 'running', interrupted: true, done: 8 });
      expect(recoverInterruptedStudies(store)).toEqual([id]);
      expect(await runStudy(store, id, { engine: world.engine })).toBe('done');
      expectSameAsReference(id);
    } finally {
      stranger.kill();
    }
  });
});
