// The queue through the contract: a small study's events from queued to done (phases in order,
// rows monotone, one finished event), pause / resume / cancel / reorder, and a restart that finds
// the queue as it was (the study running at shutdown first in line, the rest in their order).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STUDY_PHASES } from '../../src/shared/ipc/studies';
import type { StudyProgressEvent } from '../../src/shared/ipc/events';
import { setupApp, smallSpec, type AppWorld } from './app-fixtures';

let w: AppWorld;
beforeAll(async () => {
  w = await setupApp('app-queue-');
});
afterAll(() => w.cleanup());

const create = async (overrides: Record<string, unknown> = {}) => (await w.value('studies.create', { spec: smallSpec(overrides) })).id;

/** A study with enough batches to be stopped in the middle: 4 conditions x 40 trials, batches of 2. */
const LONG = { permutations: 40, batchSize: 2 };

/** A long study running (past its first batch), then two more waiting, reordered to [c, b]. */
async function runningAndTwoWaiting(names: [string, string, string]): Promise<[number, number, number]> {
  const a = await create({ ...LONG, name: names[0] });
  await w.next('study.progress', (p) => p.studyId === a && p.phase === 'running' && p.done > 0);
  const b = await create({ name: names[1] });
  const c = await create({ name: names[2] });
  expect((await w.value('queue.state')).waiting.map((e) => e.studyId)).toEqual([b, c]);
  expect((await w.value('queue.reorder', { ids: [c, b] })).waiting.map((e) => e.studyId)).toEqual([c, b]);
  return [a, b, c];
}

function progressOf(id: number): StudyProgressEvent[] {
  return w.events.filter((e) => e.name === 'study.progress').map((e) => e.payload as StudyProgressEvent).filter((p) => p.studyId === id);
}

describe('events of one study', () => {
  it('go from queued to done: phases in order, rows monotone, one finished event, the queue empty again', async () => {
    const start = w.events.length;
    const id = await create();
    const finishedEvent = w.next('study.finished', (e) => e.studyId === id);
    const idle = w.next('queue.changed', (q) => q.running === null && q.waiting.length === 0);
    await finishedEvent;
    await idle;
    const mine = w.events.slice(start);
    const progress = progressOf(id);
    const order = progress.map((p) => STUDY_PHASES.indexOf(p.phase));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(progress.map((p) => p.phase))).toEqual(new Set(['preparing', 'compiling', 'scoring', 'running']));
    const running = progress.filter((p) => p.phase === 'running');
    expect(running.map((p) => p.done)).toEqual([...running.map((p) => p.done)].sort((a, b) => a - b));
    expect(running.at(-1)).toMatchObject({ done: 24, total: 24, fraction: 1 });
    expect(running.some((p) => p.rowsPerSecond !== null && p.etaSeconds !== null)).toBe(true);
    const finished = mine.filter((e) => e.name === 'study.finished');
    expect(finished.map((e) => e.payload)).toEqual([{ studyId: id, status: 'done' }]);
    expect(mine.findIndex((e) => e.name === 'study.finished')).toBeGreaterThan(mine.findLastIndex((e) => e.name === 'study.progress'));
    expect(mine.some((e) => e.name === 'studies.changed' && (e.payload as { change: string }).change === 'created')).toBe(true);
    const queueStates = mine.filter((e) => e.name === 'queue.changed').map((e) => e.payload as { running: { studyId: number } | null });
    expect(queueStates.some((q) => q.running?.studyId === id)).toBe(true);
    expect(queueStates.at(-1)?.running).toBeNull();
    // Every event payload has the contract's declared shape.
    const { eventSchemas } = await import('../../src/shared/ipc/events');
    for (const e of mine) eventSchemas[e.name].parse(e.payload);
  });
});

describe('queue control', () => {
  it('pause, reorder, cancel and resume; the paused study resumes where it stopped', async () => {
    const [a, b, c] = await runningAndTwoWaiting(['a', 'b', 'c']);

    const pausedA = w.next('study.finished', (e) => e.studyId === a);
    const cDone = w.next('study.finished', (e) => e.studyId === c);
    const state = await w.value('queue.pause', { id: a });
    expect(state.waiting.map((e) => e.studyId)).toEqual([c, b]);
    // c runs before b (the new order); b is cancelled while it waits.
    expect((await w.value('queue.cancel', { id: b })).waiting.map((e) => e.studyId)).not.toContain(b);
    expect(await pausedA).toEqual({ studyId: a, status: 'paused' });
    const stoppedAt = (await w.value('studies.summary', { id: a })).study.done;
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(160);
    await cDone;
    const started = w.events.filter((e) => e.name === 'study.progress').map((e) => (e.payload as StudyProgressEvent).studyId);
    expect(started).not.toContain(b);
    const queue = await w.value('queue.state');
    expect(queue.stopped.map((e) => e.studyId)).toContain(a);
    expect((await w.value('studies.summary', { id: b })).study.status).toBe('cancelled');

    // An unfinished study is exported only when a partial export is asked for, and says so.
    const outDir = join(w.dir, 'partial');
    expect(await w.error('studies.export', { id: a, outDir })).toMatchObject({ kind: 'input', message: expect.stringMatching(/is not finished/) });
    const partial = await w.value('studies.export', { id: a, outDir, partial: true });
    expect(partial.partial).toMatchObject({ permutations: 40 });
    expect(partial.partial?.trials).toBe(Math.floor(stoppedAt / 4));
    expect(partial.files.some((f) => f.includes('partial'))).toBe(true);

    const aDone = w.next('study.finished', (e) => e.studyId === a && e.status === 'done');
    const mark = w.events.length;
    await w.value('queue.resume', { id: a });
    await aDone;
    const resumed = w.events.slice(mark).flatMap((e) => (e.name === 'study.progress' ? [e.payload as StudyProgressEvent] : []));
    const running = resumed.filter((p) => p.studyId === a && p.phase === 'running');
    // Resuming starts from the stored rows, not from zero, and ends with all of them.
    expect(running[0]?.done).toBe(stoppedAt);
    expect(running.at(-1)).toMatchObject({ done: 160, total: 160 });

    const bDone = w.next('study.finished', (e) => e.studyId === b && e.status === 'done');
    await w.value('queue.enqueue', { id: b });
    await bDone;
  });
});

describe('restart', () => {
  it('finds the queue as it was: the running study first, then the waiting ones in order', async () => {
    const [a, b, c] = await runningAndTwoWaiting(['running at quit', 'second', 'third']);
    await w.reopen();
    const state = await w.value('queue.state');
    expect(state.running?.studyId).toBe(a);
    expect(state.waiting.map((e) => e.studyId)).toEqual([c, b]);
    await w.next('study.finished', (e) => e.studyId === b);
    for (const id of [a, b, c]) {
      const { study } = await w.value('studies.summary', { id });
      expect(study.status).toBe('done');
      expect(study.done).toBe(study.total);
    }
  });
});
