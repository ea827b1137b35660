// The History screen's filters as the user sets them (text, model, statuses, a date range typed as
// yyyy-mm-dd) and their translation into the contract's list filter. Dates are whole local days:
// "to" includes the whole of its day.
import type { StudyListFilter } from '../../../shared/ipc/studies';
import type { StudyStatus } from '../../../shared/study/types';

export interface HistoryFilters {
  text: string;
  modelId: number | null;
  statuses: StudyStatus[];
  /** yyyy-mm-dd or empty. */
  from: string;
  to: string;
}

export const EMPTY_FILTERS: HistoryFilters = { text: '', modelId: null, statuses: [], from: '', to: '' };

/** Local midnight of a yyyy-mm-dd date, or null when it is not a real date. */
export function parseDay(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(year, month - 1, day);
  return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day ? date.getTime() : null;
}

export function toListFilter(f: HistoryFilters): { ok: true; value: StudyListFilter } | { ok: false; message: string } {
  const filter: StudyListFilter = {};
  const text = f.text.trim();
  if (text) filter.text = text.slice(0, 200);
  if (f.modelId !== null) filter.modelId = f.modelId;
  if (f.statuses.length) filter.status = [...f.statuses];
  if (f.from.trim()) {
    const from = parseDay(f.from);
    if (from === null) return { ok: false, message: `"From" date: "${f.from}" is not a date (yyyy-mm-dd).` };
    filter.createdFrom = from;
  }
  if (f.to.trim()) {
    const to = parseDay(f.to);
    if (to === null) return { ok: false, message: `"To" date: "${f.to}" is not a date (yyyy-mm-dd).` };
    // createdTo is exclusive in the list request: the next day's midnight keeps all of this day
    // (a Date, not + 24 h, so a daylight-saving day is whole too).
    const end = new Date(to);
    end.setDate(end.getDate() + 1);
    filter.createdTo = end.getTime();
  }
  if (filter.createdFrom !== undefined && filter.createdTo !== undefined && filter.createdFrom >= filter.createdTo) {
    return { ok: false, message: `"From" date ${f.from} is after "To" date ${f.to}.` };
  }
  return { ok: true, value: filter };
}
