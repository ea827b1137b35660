// @vitest-environment happy-dom
// The queue store against the real server: it follows queue.changed and study.progress events
// while a study runs, reorders the waiting studies in the main process, and a fresh store (a
// reloaded window) resynchronises to exactly the same state from queue.state.
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { useQueueStore } from '../../src/renderer/src/stores/queue';
import { DEMO_MODEL, openBridgeWorld, type BridgeWorld } from './bridge-world';

let world: BridgeWorld;
beforeAll(async () => {
  world = await openBridgeWorld('queue');
});
afterAll(async () => {
  await world?.close();
});

async function createStudy(name: string, permutations: number): Promise<number> {
  const result = await world.api.studies.create({
    spec: { name, model: DEMO_MODEL, permutations, maxHeadsAbl: 4, tokenCount: 200, seed: 3, batchSize: 2, provider: 'cpu', groups: [{ headType: 'induction', counts: [0, 1, 2, 4] }] },
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.value.id;
}

it('follows the running study, reorders the waiting ones, and resyncs after a reload', async () => {
  setActivePinia(createPinia());
  const queue = useQueueStore();
  queue.connect();
  const first = await createStudy('first', 400);
  const second = await createStudy('second', 2);
  const third = await createStudy('third', 2);
  await vi.waitFor(() => {
    expect(queue.state?.running?.studyId).toBe(first);
    expect(queue.progress[first]?.phase).toBe('running');
    expect(queue.progress[first]?.done).toBeGreaterThan(0);
  }, { timeout: 120_000, interval: 100 });
  expect(queue.waitingIds).toEqual([second, third]);

  expect(await queue.move(third, -1)).toBe(true);
  expect(queue.waitingIds).toEqual([third, second]);
  const fromServer = await world.api.queue.state();
  expect(fromServer.ok && fromServer.value.waiting.map((e) => e.studyId)).toEqual([third, second]);
  expect(await queue.move(third, -1)).toBe(false);

  // A reloaded window: a new store knows nothing until it asks.
  setActivePinia(createPinia());
  const reloaded = useQueueStore();
  expect(reloaded.state).toBeNull();
  await reloaded.refresh();
  expect(reloaded.state?.running?.studyId).toBe(first);
  expect(reloaded.waitingIds).toEqual([third, second]);

  expect(await reloaded.act('cancel', first)).toBe(true);
  await vi.waitFor(() => expect(queue.state?.running?.studyId).not.toBe(first), { timeout: 60_000 });
  queue.disconnect();
});

it('keeps a refused action as an error about that study', async () => {
  setActivePinia(createPinia());
  const queue = useQueueStore();
  expect(await queue.act('resume', 999)).toBe(false);
  expect(queue.actionError?.studyId).toBe(999);
  expect(queue.actionError?.error.kind).toBe('not-found');
  expect(queue.actionError?.error.message).toMatch(/999/);
});
