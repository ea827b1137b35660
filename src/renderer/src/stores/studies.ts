// Pinia store of the studies domain: the history list (with its filters) and the open study's
// summary. Views read from here; only this store talks to the API about studies.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { connectStudioApi } from '../../../shared/ipc/connect';
import type { StudioApi } from '../../../shared/ipc/contract';
import type { StudyListFilter, StudyListView, StudySummaryView } from '../../../shared/ipc/studies';

let api: StudioApi | null = null;
function studioApi(): StudioApi {
  api ??= connectStudioApi();
  return api;
}

export const useStudiesStore = defineStore('studies', () => {
  const list = ref<StudyListView[]>([]);
  const listError = ref('');
  const summaries = ref<Record<number, StudySummaryView>>({});
  const summaryErrors = ref<Record<number, string>>({});

  async function refresh(filter: StudyListFilter = {}): Promise<void> {
    const result = await studioApi().studies.list(filter);
    if (result.ok) {
      list.value = result.value;
      listError.value = '';
    } else listError.value = result.error.message;
  }

  async function loadSummary(id: number): Promise<StudySummaryView | null> {
    const result = await studioApi().studies.summary({ id });
    if (result.ok) {
      summaries.value = { ...summaries.value, [id]: result.value };
      delete summaryErrors.value[id];
      return result.value;
    }
    summaryErrors.value = { ...summaryErrors.value, [id]: result.error.message };
    return null;
  }

  return { list, listError, summaries, summaryErrors, refresh, loadSummary };
});
