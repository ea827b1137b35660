// Pinia store of the queue: the state the main process holds (running, waiting in order, stopped),
// kept current by its events (queue.changed, study.progress), and the actions on it. A reload or a
// reconnection resynchronises from queue.state, so the view never drifts from the real queue.

import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ApiResult, StudioError } from '../../../shared/ipc/errors';
import type { StudyProgressEvent } from '../../../shared/ipc/events';
import type { QueueEntry, QueueState } from '../../../shared/ipc/queue';
import { onEvent, request } from '../api';
import type { StudioApi } from '../../../shared/ipc/contract';

type QueueAction = 'pause' | 'resume' | 'cancel' | 'enqueue';

/** Rows done of a running study: the queue state says where it was when the queue last changed, progress events where it is now. */
export function rowsDoneOf(entry: QueueEntry, progress: StudyProgressEvent | null | undefined): number {
  return Math.max(entry.done, progress?.done ?? 0);
}

export const useQueueStore = defineStore('queue', () => {
  const state = ref<QueueState | null>(null);
  /** The newest progress event of each study (phase, rows/s, ETA, the phase's own fraction). */
  const progress = ref<Record<number, StudyProgressEvent>>({});
  const loadError = ref<StudioError | null>(null);
  /** The last refused action, with the study it was about. */
  const actionError = ref<{ studyId: number; error: StudioError } | null>(null);
  const busy = ref(false);
  /** Studies that ended while this window was open (newest first), so their end stays visible. */
  const finished = ref<{ studyId: number; name: string; status: 'done' | 'cancelled'; total: number }[]>([]);
  let unsubscribe: (() => void)[] = [];

  const waitingIds = computed(() => state.value?.waiting.map((e) => e.studyId) ?? []);

  /** Every entry seen in a state, so a study that just left the queue can still be named. */
  const seen = new Map<number, QueueEntry>();
  function setState(next: QueueState): void {
    for (const e of [next.running, ...next.waiting, ...next.stopped]) if (e) seen.set(e.studyId, e);
    state.value = next;
  }

  function noteFinished(studyId: number, status: (typeof finished.value)[number]['status']): void {
    const entry = seen.get(studyId);
    const total = entry?.total ?? progress.value[studyId]?.total ?? 0;
    finished.value = [{ studyId, name: entry?.name ?? `Study ${studyId}`, status, total }, ...finished.value.filter((f) => f.studyId !== studyId)].slice(0, 10);
  }

  async function refresh(): Promise<void> {
    const result = await request((api) => api.queue.state());
    if (result.ok) {
      setState(result.value);
      loadError.value = null;
    } else loadError.value = result.error;
  }

  /** Follows the queue's events (once, however often called) and loads its state. */
  function connect(): void {
    if (unsubscribe.length === 0) {
      unsubscribe = [
        onEvent('queue.changed', setState),
        onEvent('study.progress', (event) => (progress.value = { ...progress.value, [event.studyId]: event })),
        // Paused and failed studies stay in the queue's stopped list; these leave the queue.
        onEvent('study.finished', ({ studyId, status }) => {
          if (status !== 'paused') noteFinished(studyId, status);
        }),
      ];
    }
    void refresh();
  }

  function disconnect(): void {
    for (const off of unsubscribe) off();
    unsubscribe = [];
  }

  async function apply(studyId: number, call: (api: StudioApi) => Promise<ApiResult<QueueState>>): Promise<boolean> {
    busy.value = true;
    try {
      const result = await request(call);
      if (!result.ok) {
        actionError.value = { studyId, error: result.error };
        return false;
      }
      actionError.value = null;
      setState(result.value);
      return true;
    } finally {
      busy.value = false;
    }
  }

  function act(action: QueueAction, id: number): Promise<boolean> {
    return apply(id, (api) => api.queue[action]({ id }));
  }

  /** Moves a waiting study up (-1) or down (+1) one place. */
  function move(id: number, by: -1 | 1): Promise<boolean> {
    const ids = [...waitingIds.value];
    const from = ids.indexOf(id);
    const to = from + by;
    if (from < 0 || to < 0 || to >= ids.length) return Promise.resolve(false);
    ids.splice(from, 1);
    ids.splice(to, 0, id);
    return apply(id, (api) => api.queue.reorder({ ids }));
  }

  /** Puts a waiting study at `index` of the waiting list (drag and drop). */
  function moveTo(id: number, index: number): Promise<boolean> {
    const ids = waitingIds.value.filter((x) => x !== id);
    ids.splice(Math.max(0, Math.min(index, ids.length)), 0, id);
    return apply(id, (api) => api.queue.reorder({ ids }));
  }

  return { state, progress, finished, loadError, actionError, busy, waitingIds, refresh, connect, disconnect, act, move, moveTo };
});
