// The queue as the contract's QueueState: the running study with its phase and live progress, the
// waiting ones in order, and the stopped ones a user may want to resume (paused, failed, or
// interrupted by a process that died), newest first.

import type { QueueEntry, QueueState } from '../../shared/ipc/queue';
import type { Store } from '../store/db';
import { getStudyRecord, listStudyRecords, type StudyRecord } from '../store/studies-repo';
import { hasLiveRunner } from './active-runs';
import type { StudyQueue } from './queue';
import type { JobProgress } from './study-job';
import { studyListView } from './study-views';

/** Stopped studies listed at most (the history has the rest). */
const STOPPED_SHOWN = 50;

export function queueStateView(store: Store, queue: StudyQueue): QueueState {
  const { current, waiting } = queue.snapshot;
  const entry = (id: number, progress: JobProgress | null = null) => {
    const study = getStudyRecord(store, id);
    return study ? queueEntry(store, study, progress) : null;
  };
  const inQueue = new Set([...(current ? [current.studyId] : []), ...waiting]);
  const stopped = listStudyRecords(store)
    .filter((s) => !inQueue.has(s.id) && isResumable(store, s))
    .slice(0, STOPPED_SHOWN)
    .map((s) => queueEntry(store, s, null));
  const running = current ? entry(current.studyId, current.progress) : null;
  return {
    running: running && { ...running, status: 'running', phase: current?.progress?.phase ?? 'preparing' },
    waiting: waiting.flatMap((id) => entry(id) ?? []),
    stopped,
  };
}

function isResumable(store: Store, s: StudyRecord): boolean {
  return s.status === 'paused' || s.status === 'failed' || (s.status === 'running' && !hasLiveRunner(store, s));
}

function queueEntry(store: Store, study: StudyRecord, progress: JobProgress | null): QueueEntry {
  const view = studyListView(store, study);
  const live = progress?.phase === 'running' ? progress : null;
  return {
    studyId: study.id,
    name: view.name,
    modelName: view.modelName,
    status: view.status,
    phase: null,
    done: live?.done ?? view.done,
    total: live?.total || view.total,
    rowsPerSecond: live?.rowsPerSecond ?? null,
    etaSeconds: live?.etaSeconds ?? null,
    error: view.error,
    createdAt: view.createdAt,
  };
}
