// Pinia store of the models domain: the checkpoints the app knows (stored, bundled demo, Hugging
// Face cache), a model's details and compiled graphs, its induction-score sets, and the progress
// of the long tasks on them (add = hashing, compile, compute scores) from model.progress events.
// The list and the shown details follow models.changed, which every change of a model announces.

import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiResult, StudioError } from '../../../shared/ipc/errors';
import type { ModelProgressEvent } from '../../../shared/ipc/events';
import type { ModelDetails, ModelView, ScoreSetDetail, ScoreSetView } from '../../../shared/ipc/models';
import { onEvent, request } from '../api';

/** What a model's progress and errors are about (a panel shows its own only). */
export type ModelTask = 'add' | 'compile' | 'scores' | 'details';

/** A task's key: the model id, or its path while it is being added (no id yet), and the task. */
export function taskKey(modelId: number | null, path: string, task: ModelTask): string {
  return `${modelId === null ? `path:${path}` : `id:${modelId}`}:${task}`;
}

export const useModelsStore = defineStore('models', () => {
  const models = ref<ModelView[]>([]);
  const loaded = ref(false);
  const listError = ref<StudioError | null>(null);
  const details = ref<Record<number, ModelDetails>>({});
  const scoreSets = ref<Record<number, ScoreSetView[]>>({});
  const scoreDetails = ref<Record<number, ScoreSetDetail>>({});
  /** Latest progress per running task (taskKey); removed when the task's request returns. */
  const progress = ref<Record<string, ModelProgressEvent>>({});
  /** The last error of a task or request per taskKey, shown next to that model. */
  const taskErrors = ref<Record<string, StudioError>>({});
  let subscribed = false;

  async function refresh(): Promise<void> {
    const result = await request((api) => api.models.list());
    loaded.value = true;
    if (result.ok) {
      models.value = result.value;
      listError.value = null;
    } else listError.value = result.error;
  }

  /** Follows progress and list changes (once) and loads the list. */
  function connect(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      onEvent('model.progress', (event) => (progress.value = { ...progress.value, [taskKey(event.modelId, event.path, event.task)]: event }));
      // A compile or a score computation changed a model's details: reloaded if they are shown.
      onEvent('models.changed', ({ modelId }) => void refresh().then(() => reloadShownDetails(modelId)));
    }
    return refresh();
  }

  /** Runs a long task, keeping its error (or clearing it) and its progress under `key`. */
  async function task<T>(key: string, run: () => Promise<ApiResult<T>>): Promise<T | null> {
    const { [key]: _old, ...others } = taskErrors.value;
    taskErrors.value = others;
    const result = await run();
    const { [key]: _done, ...rest } = progress.value;
    progress.value = rest;
    if (result.ok) return result.value;
    taskErrors.value = { ...taskErrors.value, [key]: result.error };
    return null;
  }

  async function add(path: string): Promise<ModelView | null> {
    const view = await task(taskKey(null, path, 'add'), () => request((api) => api.models.add({ path })));
    // Listed at once (the screen opens it next); models.changed then brings the whole list.
    if (view) models.value = [...models.value.filter((m) => m.path !== view.path), view];
    return view;
  }

  async function remove(id: number): Promise<boolean> {
    const result = await request((api) => api.models.remove({ id }));
    if (!result.ok) taskErrors.value = { ...taskErrors.value, [taskKey(id, '', 'details')]: result.error };
    else {
      const { [id]: _removed, ...shown } = details.value;
      details.value = shown;
    }
    return result.ok;
  }

  /** The shown details of `modelId` (of every shown model when the change names none) again. */
  async function reloadShownDetails(modelId: number | null): Promise<void> {
    const shown = Object.keys(details.value).map(Number);
    await Promise.all(shown.filter((id) => modelId === null || id === modelId).map((id) => loadDetails(id)));
  }

  async function loadDetails(id: number): Promise<ModelDetails | null> {
    const value = await task(taskKey(id, '', 'details'), () => request((api) => api.models.details({ id })));
    if (value) details.value = { ...details.value, [id]: value };
    return value;
  }

  async function compile(id: number): Promise<ModelDetails | null> {
    const value = await task(taskKey(id, '', 'compile'), () => request((api) => api.models.compile({ id })));
    if (value) details.value = { ...details.value, [id]: value };
    return value;
  }

  async function cancel(id: number): Promise<void> {
    await request((api) => api.models.cancel({ id }));
  }

  async function loadScoreSets(modelId: number): Promise<ScoreSetView[]> {
    const value = await task(taskKey(modelId, '', 'scores'), () => request((api) => api.scores.list({ modelId })));
    if (value) scoreSets.value = { ...scoreSets.value, [modelId]: value };
    return value ?? [];
  }

  async function loadScoreSet(id: number): Promise<ScoreSetDetail | null> {
    const cached = scoreDetails.value[id];
    if (cached) return cached;
    const result = await request((api) => api.scores.get({ id }));
    if (!result.ok) return null;
    scoreDetails.value = { ...scoreDetails.value, [id]: result.value };
    return result.value;
  }

  async function keepScoreSet(modelId: number, detail: ScoreSetDetail | null): Promise<ScoreSetDetail | null> {
    if (!detail) return null;
    scoreDetails.value = { ...scoreDetails.value, [detail.set.id]: detail };
    // The details' graph list (computing scores compiles the patterns graph) follows models.changed.
    await loadScoreSets(modelId);
    return detail;
  }

  async function computeScores(modelId: number, params: { seqLen?: number; count?: number; seed?: number } = {}): Promise<ScoreSetDetail | null> {
    const detail = await task(taskKey(modelId, '', 'scores'), () => request((api) => api.scores.compute({ modelId, ...params })));
    return keepScoreSet(modelId, detail);
  }

  async function importScores(modelId: number, path: string): Promise<ScoreSetDetail | null> {
    const detail = await task(taskKey(modelId, '', 'scores'), () => request((api) => api.scores.import({ modelId, path })));
    return keepScoreSet(modelId, detail);
  }

  return {
    models, loaded, listError, details, scoreSets, scoreDetails, progress, taskErrors,
    refresh, connect, add, remove, loadDetails, compile, cancel, loadScoreSets, loadScoreSet, computeScores, importScores,
  };
});
