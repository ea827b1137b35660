// How numbers read on the screens: sizes, checksums, durations, rates and dates, one way everywhere.

export { formatBytes } from '../../shared/format-bytes';

/** The first 12 hex digits of a sha256 (the full value is in the tooltip / details). */
export function shortChecksum(sha: string | null): string {
  return sha ? sha.slice(0, 12) : '—';
}

/** 42 s, 3 min 05 s, 1 h 02 min. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export function formatRate(rowsPerSecond: number | null): string {
  return rowsPerSecond === null ? '—' : `${rowsPerSecond.toFixed(rowsPerSecond >= 10 ? 0 : 1)} rows/s`;
}

export function formatDate(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "1,234". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
