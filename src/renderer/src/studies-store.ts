// Pinia store of the History view: the study list and the selected study's summary.
import { defineStore } from 'pinia';
import type { StudyListView, StudySummaryView } from '../../shared/ipc/views';

export const useStudiesStore = defineStore('studies', {
  state: () => ({
    studies: [] as StudyListView[],
    selected: null as StudySummaryView | null,
    error: '' as string,
  }),
  actions: {
    async refresh() {
      try {
        this.studies = await window.api['studies.list']({});
      } catch (err) {
        this.error = String(err);
      }
    },
    async open(id: number) {
      try {
        this.selected = await window.api['studies.summary']({ id });
      } catch (err) {
        this.error = String(err);
      }
    },
  },
});
