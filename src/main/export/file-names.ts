// Output file names, mirroring the seed script (run_ablations.py) so its downstream scripts keep
// working: tables/ and figures/ `{model}_perm{P}_abl{k}_{mode}_{head_type}_{layer_abl}.{csv,png}`,
// heads/ `{model}_{head_type}_{layer_abl}_{mode}.json`. Our additions are named in the same grammar.

import type { AblationMode, Condition, HeadType, LayerRange } from '../../shared/study/types';

/** Keeps names portable (no path separators or spaces) while staying readable. */
export function safeName(text: string): string {
  return text.replace(/[^\w.+-]+/g, '_').replace(/^_+|_+$/g, '') || 'model';
}

export interface GroupRef {
  headType: HeadType;
  mode: AblationMode;
  layerRange: LayerRange;
  /** Random draws in the group; > 1 adds `_draw{d}` (1-based) to each condition's files. */
  draws: number;
}

/**
 * The `perm` part of file names: the study's trial count, or for a partial export the trials the
 * files hold of it and a mark (`perm120of300_partial`), so a partial file is never taken for a full one.
 */
export function permLabel(permutations: number, partialTrials?: number): string {
  return partialTrials === undefined ? String(permutations) : `${partialTrials}of${permutations}_partial`;
}

/**
 * Stem of a condition's table/figure in a group. The baseline (k = 0) is written under every group,
 * as the seed does when `--to_abl` includes 0.
 */
export function conditionStem(model: string, permutations: number | string, group: GroupRef, condition: Condition): string {
  const base = `${safeName(model)}_perm${permutations}_abl${condition.count}_${group.mode}_${group.headType}_${group.layerRange}`;
  return group.draws > 1 && condition.headType !== 'none' ? `${base}_draw${condition.draw + 1}` : base;
}

/** Our per-condition statistics table (stats/), same stem as the seed's table. */
export function statsFile(stem: string): string {
  return `stats/${stem}.csv`;
}

export function tableFile(stem: string): string {
  return `tables/${stem}.csv`;
}

export function conditionFigureFile(stem: string): string {
  return `figures/${stem}.png`;
}

/** All counts of a group in one lag plot; `zoom` restricts it to lags -zoom..+zoom, `log` adds `_log`. */
export function groupFigureFile(model: string, permutations: number | string, group: GroupRef, zoom?: number, log = false): string {
  const suffix = (zoom === undefined ? 'all' : `all_lag${zoom}`) + (log ? '_log' : '');
  return `figures/${safeName(model)}_perm${permutations}_${group.mode}_${group.headType}_${group.layerRange}_${suffix}.png`;
}

export function doseResponseFile(model: string, permutations: number | string): string {
  return `figures/${safeName(model)}_perm${permutations}_dose_response.png`;
}

export function headsFile(model: string, group: GroupRef, partial = false): string {
  return `heads/${safeName(model)}_${group.headType}_${group.layerRange}_${group.mode}${partial ? '_partial' : ''}.json`;
}

export const SUMMARY_FILE = 'summary.csv';
export const COMPARISONS_FILE = 'comparisons.csv';
export const RANDOM_DRAWS_FILE = 'random_draws.csv';
export const PEAK_SHARES_FILE = 'peak_lag_shares.csv';
export const TRIALS_LONG_FILE = 'trials_long.csv.gz';

/** `trials_long.csv.gz`, or `trials_long_partial.csv.gz` for a partial export. */
export function trialsLongFile(partial: boolean): string {
  return partial ? 'trials_long_partial.csv.gz' : TRIALS_LONG_FILE;
}
export const TRIALS_FILE = 'trials.json';
export const PROVENANCE_FILE = 'provenance.json';
export const INDUCTION_SCORES_FILE = 'induction_scores.csv';
