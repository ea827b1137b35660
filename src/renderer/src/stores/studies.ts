// Pinia store of the studies domain: the history list and its filters, the summaries of opened
// studies, a trial's words (for the lag plot's tooltips), and the study actions (rename, notes,
// duplicate, delete, export, compare). Views read from here; only this store asks the API about
// studies. Every failure is kept as a readable message for the view to show in place.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { StudioApi } from '../../../shared/ipc/contract';
import type { ApiResult } from '../../../shared/ipc/errors';
import type { StudyProgressEvent } from '../../../shared/ipc/events';
import type { CompareView, ExportView, StudyDraft, StudyListView, StudySummaryView, TrialView } from '../../../shared/ipc/studies';
import { onEvent, request } from '../api';
import { EMPTY_FILTERS, toListFilter, type HistoryFilters } from '../history/history-filters';

/** A request's value, or its readable message. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

async function attempt<T>(call: (api: StudioApi) => Promise<ApiResult<T>>): Promise<Outcome<T>> {
  const result = await request(call);
  return result.ok ? { ok: true, value: result.value } : { ok: false, message: result.error.message };
}

export const useStudiesStore = defineStore('studies', () => {
  const list = ref<StudyListView[]>([]);
  const listError = ref('');
  const listLoading = ref(false);
  const filters = ref<HistoryFilters>({ ...EMPTY_FILTERS });
  const summaries = ref<Record<number, StudySummaryView>>({});
  const summaryErrors = ref<Record<number, string>>({});
  const trials = ref<Record<string, Outcome<TrialView>>>({});
  let listRequest = 0;

  /** Every model that appears in the list (for the model filter). */
  const models = computed(() => {
    const byId = new Map(list.value.map((s) => [s.modelId, s.modelName]));
    return [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  });

  async function refresh(): Promise<void> {
    const mine = ++listRequest;
    listLoading.value = true;
    const filter = toListFilter(filters.value);
    if (!filter.ok) {
      listError.value = filter.message;
      listLoading.value = false;
      return;
    }
    const result = await attempt((api) => api.studies.list(filter.value));
    // A newer refresh (the user kept typing) wins over a slower older one.
    if (mine !== listRequest) return;
    listLoading.value = false;
    if (result.ok) {
      list.value = result.value;
      listError.value = '';
    } else listError.value = result.message;
  }

  async function loadSummary(id: number): Promise<StudySummaryView | null> {
    const result = await attempt((api) => api.studies.summary({ id }));
    if (result.ok) {
      summaries.value = { ...summaries.value, [id]: result.value };
      const { [id]: _gone, ...rest } = summaryErrors.value;
      summaryErrors.value = rest;
      return result.value;
    }
    summaryErrors.value = { ...summaryErrors.value, [id]: result.message };
    return null;
  }

  /** One trial's prompt with its words, cached per (study, trial). */
  async function loadTrial(id: number, trial: number): Promise<Outcome<TrialView>> {
    const key = `${id}:${trial}`;
    const cached = trials.value[key];
    if (cached) return cached;
    const result = await attempt((api) => api.studies.trial({ id, trial }));
    trials.value = { ...trials.value, [key]: result };
    return result;
  }

  /** Puts a changed study into the list and its open summary. */
  function replaceListed(view: StudyListView): void {
    list.value = list.value.map((s) => (s.id === view.id ? view : s));
    const open = summaries.value[view.id];
    if (open) summaries.value = { ...summaries.value, [view.id]: { ...open, study: view } };
  }

  async function rename(id: number, name: string): Promise<Outcome<StudyListView>> {
    const result = await attempt((api) => api.studies.rename({ id, name }));
    if (result.ok) replaceListed(result.value);
    return result;
  }

  async function annotate(id: number, notes: string): Promise<Outcome<StudyListView>> {
    const result = await attempt((api) => api.studies.annotate({ id, notes }));
    if (result.ok) replaceListed(result.value);
    return result;
  }

  async function remove(id: number): Promise<Outcome<null>> {
    const result = await attempt((api) => api.studies.delete({ id }));
    if (result.ok) {
      list.value = list.value.filter((s) => s.id !== id);
      const { [id]: _gone, ...rest } = summaries.value;
      summaries.value = rest;
    }
    return result;
  }

  function duplicate(id: number): Promise<Outcome<StudyDraft>> {
    return attempt((api) => api.studies.duplicate({ id }));
  }

  function exportFolder(id: number, outDir: string, partial: boolean): Promise<Outcome<ExportView>> {
    return attempt((api) => api.studies.export({ id, outDir, partial }));
  }

  function compare(ids: number[]): Promise<Outcome<CompareView>> {
    return attempt((api) => api.studies.compare({ ids }));
  }

  function pickFolder(title: string) {
    return attempt((api) => api.app.pickPath({ kind: 'folder', title }));
  }

  /** Progress of a study's work (its run, or an export of it); returns the unsubscribe function. */
  function onProgress(studyId: number, listener: (progress: StudyProgressEvent) => void): () => void {
    return onEvent('study.progress', (p) => {
      if (p.studyId === studyId) listener(p);
    });
  }

  /** Keeps the list and open summaries current while the app changes them (runs, renames elsewhere; the queue sends studies.changed when a study ends too). */
  function watchChanges(): () => void {
    const stops = [
      onEvent('studies.changed', ({ studyId, change }) => {
        void refresh();
        if (change !== 'deleted' && summaries.value[studyId]) void loadSummary(studyId);
      }),
    ];
    return () => stops.forEach((stop) => stop());
  }

  return {
    list,
    listError,
    listLoading,
    filters,
    models,
    summaries,
    summaryErrors,
    refresh,
    loadSummary,
    loadTrial,
    rename,
    annotate,
    remove,
    duplicate,
    exportFolder,
    compare,
    pickFolder,
    onProgress,
    watchChanges,
  };
});
