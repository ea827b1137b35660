// Domain vocabulary of a study (README: The experiment): the words used in code, UI, database and docs.
// Pure types; validation lives in spec.ts, selection in heads.ts, statistics in stats.ts.

import type { HeadRef } from '../model-spec';

export type HeadType = 'induction' | 'random';
export type AblationMode = 'zero' | 'mean';
/** Seed names kept for compatibility: `top` = LOWER half (near input), `bottom` = UPPER half. */
export type LayerRange = 'full' | 'top' | 'bottom';
export type ProviderChoice = 'auto' | 'cpu' | 'cuda';
/** Where a stored study stands (the store's status column; shown across the IPC views). */
export type StudyStatus = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

/** The model dimensions head selection needs (a subset of ModelSpec). */
export interface ModelShape {
  nLayers: number;
  /** Query heads per layer. */
  nHeads: number;
}

/** One head's induction score (computed by the app or imported from a seed-format CSV). */
export interface HeadScore {
  layer: number;
  head: number;
  score: number;
}

/** One group of conditions: a head type with its counts, sharing the study's trials and baseline. */
export interface ConditionGroup {
  headType: HeadType;
  /** Head counts, e.g. [0, 1, 5, 10, 20, 50]; 0 is the baseline (shared by all groups). */
  counts: number[];
  mode: AblationMode;
  layerRange: LayerRange;
  /** Random draws R (random groups only): R > 1 gives a band. */
  draws: number;
}

export interface StudySpec {
  name: string;
  /** Checkpoint folder (resolved path). */
  model: string;
  /** Trials (the seed's --permutations). */
  permutations: number;
  /** Random heads are drawn outside the top `maxHeadsAbl` induction heads of the range. */
  maxHeadsAbl: number;
  groups: ConditionGroup[];
  /** Token set id in the store, or a path to import. */
  tokens: { source: 'file'; path: string } | { source: 'store'; id: number } | { source: 'vocab' };
  /** Number of tokens N in each prompt (S = N + 1). */
  tokenCount: number;
  /** Induction scores: computed by the app, or imported from a seed-format CSV. */
  scores: { source: 'compute' } | { source: 'csv'; path: string } | { source: 'store'; id: number };
  seed: number;
  batchSize: number;
  provider: ProviderChoice;
  dtype: 'float32' | 'float16' | 'auto';
}

/** One resolved condition: the exact heads silenced and how. k = 0 is the baseline. */
export interface Condition {
  /** Stable key, e.g. `baseline`, `induction-zero-full-k5`, `random-zero-full-k5-d2` (draws 0-based). */
  key: string;
  label: string;
  headType: HeadType | 'none';
  mode: AblationMode;
  layerRange: LayerRange;
  count: number;
  /** Random draw index (0 for induction and baseline). */
  draw: number;
  /** Induction: in rank order (score desc); random: in draw order. */
  heads: HeadRef[];
}

/** Per-lag statistics of one condition over trials. */
export interface LagCurve {
  /** lags[i] = lagOf(i, S) = i - floor((S-1)/2) (trials.ts; = i - floor(S/2) for even N). */
  lags: number[];
  mean: number[];
  sd: number[];
  sem: number[];
  ciLow: number[];
  ciHigh: number[];
  n: number;
}

export interface Interval {
  value: number;
  ciLow: number;
  ciHigh: number;
}

export interface ConditionMetrics {
  pPlus1: Interval;
  pMinus1: Interval;
  pZero: Interval;
  /** P(+1) / P(-1), of the trial means. */
  asymmetry: number;
  /** Lag with the highest mean probability. */
  peakLag: number;
  /** Total probability on prompt tokens (sum over positions, mean over trials). */
  promptMass: Interval;
  /** Paired difference from baseline in P(+1) (condition - baseline), null for the baseline. */
  deltaPlus1: Interval | null;
}
