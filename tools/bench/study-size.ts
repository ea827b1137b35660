// How big a study is before any head is resolved: its condition count from the spec's groups
// (the one shared baseline, each induction count > 0, each random count > 0 times its draws, as
// resolveConditions in src/shared/study/heads.ts builds them), and a run-time estimate from a rate.

import type { StudySpec } from '../../src/shared/study/types';

export function countConditions(spec: Pick<StudySpec, 'groups'>): number {
  let count = 1; // the baseline, shared by every group
  for (const group of spec.groups) {
    const nonZero = group.counts.filter((c) => c > 0).length;
    count += nonZero * (group.headType === 'random' ? group.draws : 1);
  }
  return count;
}

/** Seconds to compute conditions × trials rows at `rowsPerSecond`; null without a rate. */
export function estimateSeconds(conditions: number, trials: number, rowsPerSecond: number): number | null {
  return rowsPerSecond > 0 && Number.isFinite(rowsPerSecond) ? (conditions * trials) / rowsPerSecond : null;
}
