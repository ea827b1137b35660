// The History table's rows: sorting by a column (the W&B runs-table habit: click a header), and
// the status in words.
import type { StudyListView } from '../../../shared/ipc/studies';

export type SortKey = 'name' | 'model' | 'status' | 'createdAt' | 'progress';
export interface SortOrder {
  key: SortKey;
  descending: boolean;
}

export const DEFAULT_SORT: SortOrder = { key: 'createdAt', descending: true };

function progressOf(s: StudyListView): number {
  return s.total > 0 ? s.done / s.total : 0;
}

const compareBy: Record<SortKey, (a: StudyListView, b: StudyListView) => number> = {
  name: (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' }),
  model: (a, b) => a.modelName.localeCompare(b.modelName, undefined, { numeric: true, sensitivity: 'base' }),
  status: (a, b) => statusText(a).localeCompare(statusText(b)),
  createdAt: (a, b) => a.createdAt - b.createdAt,
  progress: (a, b) => progressOf(a) - progressOf(b),
};

/** Sorted copy; ties keep the newest first, so the order is stable whatever the column. */
export function sortStudies(list: readonly StudyListView[], order: SortOrder): StudyListView[] {
  const sign = order.descending ? -1 : 1;
  return [...list].sort((a, b) => sign * compareBy[order.key](a, b) || b.createdAt - a.createdAt || b.id - a.id);
}

/** Clicking the sorted column flips it; another column starts ascending (dates: newest first). */
export function nextSort(current: SortOrder, key: SortKey): SortOrder {
  if (current.key === key) return { key, descending: !current.descending };
  return { key, descending: key === 'createdAt' };
}

export function statusText(s: StudyListView): string {
  if (s.status === 'running' && s.interrupted) return 'interrupted';
  return s.status;
}

export function progressText(s: StudyListView): string {
  if (!s.prepared) return 'not started';
  const percent = s.total > 0 ? Math.floor((100 * s.done) / s.total) : 0;
  return s.done === s.total ? `${s.permutations} trials` : `${percent}% (${s.done} of ${s.total} results)`;
}
