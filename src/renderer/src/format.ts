// How numbers read on the screens: sizes, checksums, durations, rates and dates, one way everywhere.

import { formatDuration as durationText } from '../../shared/format-duration';

export { formatBytes } from '../../shared/format-bytes';

/** The first 12 hex digits of a sha256 (the full value is in the tooltip / details). */
export function shortChecksum(sha: string | null): string {
  return sha ? sha.slice(0, 12) : '—';
}

/** The shared duration format (42s, 3m05s, 2h07m); a dash when unknown. */
export function formatDuration(seconds: number | null): string {
  return seconds === null || !Number.isFinite(seconds) ? '—' : durationText(Math.max(0, seconds));
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
