// The engine process killed (SIGKILL) in the middle of a study: the study is marked failed with a
// readable message, the app keeps serving every request, and resuming it (a fresh engine process)
// completes it with every result BLOB bitwise equal to an uninterrupted run's in another database.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadEngine } from '../../src/main/engine/load-engine';
import { openStore, type Store } from '../../src/main/store/db';
import { listConditions } from '../../src/main/store/conditions-repo';
import { loadResultBlobs } from '../../src/main/store/results-repo';
import { createStudy, runStudy } from '../../src/main/studies/study-service';
import { setupApp, smallSpec, TEST_INDUCTION, type AppWorld } from './app-fixtures';

let w: AppWorld;
beforeAll(async () => {
  w = await setupApp('app-crash-');
});
afterAll(() => w.cleanup());

/** Every result BLOB of a study, keyed `condition key#trial`. */
function blobs(store: Store, studyId: number): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const c of listConditions(store, studyId)) {
    for (const r of loadResultBlobs(store, c.id)) out.set(`${c.key}#${r.trialIdx}`, r.probs);
  }
  return out;
}

it('a killed engine fails the study readably, the app keeps serving, and resume ends bitwise identical', async () => {
  const spec = smallSpec({ permutations: 40, batchSize: 2, name: 'crash me' });
  const created = await w.value('studies.create', { spec });
  const id = created.id;
  await w.next('study.progress', (p) => p.studyId === id && p.phase === 'running' && p.done >= 8);
  const pid = w.enginePids.at(-1) ?? 0;
  const failed = w.next('study.failed', (e) => e.studyId === id);
  process.kill(pid, 'SIGKILL');
  const { error } = await failed;
  console.log(`study failed: ${error.message}`);
  expect(error.kind).toBe('internal');
  expect(error.message).toMatch(new RegExp(`engine process \\(pid ${pid}\\) was killed \\(SIGKILL\\) unexpectedly`));

  // The app carries on: the study is listed as failed with the same error, other requests work.
  const { study } = await w.value('studies.summary', { id });
  expect(study).toMatchObject({ status: 'failed', error: { kind: 'internal', message: error.message } });
  expect(study.done).toBeGreaterThanOrEqual(8);
  expect(study.done).toBeLessThan(160);
  const queue = await w.value('queue.state');
  expect(queue.running).toBeNull();
  expect(queue.stopped.find((e) => e.studyId === id)?.error?.message).toBe(error.message);
  expect((await w.value('models.list')).length).toBeGreaterThan(0);
  expect((await w.value('studies.validate', { spec })).valid).toBe(true);

  const done = w.next('study.finished', (e) => e.studyId === id);
  await w.value('queue.resume', { id });
  expect(await done).toEqual({ studyId: id, status: 'done' });
  expect(w.enginePids.length).toBeGreaterThanOrEqual(2);
  expect(w.enginePids.at(-1)).not.toBe(pid);

  // The same study run without interruption, in process, in another database.
  const reference = openStore(join(w.dir, 'reference.sqlite'));
  const engine = await loadEngine({ modelDir: String(spec.model), cacheDir: join(w.dataDir, 'graphs'), provider: 'cpu' });
  try {
    const refId = await createStudy(reference, spec, { engine, induction: TEST_INDUCTION });
    expect(await runStudy(reference, refId, { engine })).toBe('done');
    const app = openStore(join(w.dataDir, 'studio.sqlite'));
    try {
      const got = blobs(app, id);
      const want = blobs(reference, refId);
      expect(got.size).toBe(160);
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      const differing = [...want].filter(([key, blob]) => !got.get(key)?.equals(blob)).map(([key]) => key);
      console.log(`resumed after the crash vs uninterrupted: ${want.size - differing.length}/${want.size} result BLOBs bitwise equal`);
      expect(differing).toEqual([]);
    } finally {
      app.close();
    }
  } finally {
    await engine.close();
    reference.close();
  }
});
