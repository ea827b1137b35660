// Pinia store of the History view: the study list and the selected study's summary.
import { defineStore } from 'pinia';
import { connectStudioApi } from '../../shared/ipc/connect';
import type { StudioApi } from '../../shared/ipc/contract';
import type { StudyListView, StudySummaryView } from '../../shared/ipc/studies';

let api: StudioApi | null = null;

export const useStudiesStore = defineStore('studies', {
  state: () => ({
    studies: [] as StudyListView[],
    selected: null as StudySummaryView | null,
    error: '' as string,
  }),
  actions: {
    async refresh() {
      try {
        api ??= connectStudioApi();
        const result = await api.studies.list();
        if (result.ok) this.studies = result.value;
        else this.error = result.error.message;
      } catch (err) {
        this.error = String(err);
      }
    },
    async open(id: number) {
      try {
        api ??= connectStudioApi();
        const result = await api.studies.summary({ id });
        if (result.ok) this.selected = result.value;
        else this.error = result.error.message;
      } catch (err) {
        this.error = String(err);
      }
    },
  },
});
