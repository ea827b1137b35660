// Domain vocabulary of a study (README: The experiment): the words used in code, UI, database and docs.
// Pure types; validation lives in spec.ts, selection in heads.ts, statistics in study-statistics.ts
// (and the modules it calls): every estimate below carries its interval, method and sample size.

import type { HeadRef } from '../model-spec';

export type HeadType = 'induction' | 'random';
export type AblationMode = 'zero' | 'mean';
/** Seed names kept for compatibility: `top` = LOWER half (near input), `bottom` = UPPER half. */
export type LayerRange = 'full' | 'top' | 'bottom';
export type ProviderChoice = 'auto' | 'cpu' | 'cuda';
/**
 * How a study is run: `studio` (paired trials, one layer boundary, distinct draws) or `script`, call
 * for call what the seed script run_ablations.py does (README: Reproducing the seed script).
 */
export type CompatMode = 'studio' | 'script';
/** What zero ablation does to a head's value bias: removed with its output, or kept (TransformerLens folding). */
export type ValueBias = 'keep' | 'remove';
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
  /** Absent in specs stored before the mode existed: `studio`. */
  compat?: CompatMode;
  /** Filled in by parseStudySpec: `keep` under compat `script`, else `remove`, unless given. */
  valueBias?: ValueBias;
  /** Prompts to run instead of generated ones: a JSON list of token-id lists. */
  trialsFile?: string;
  /** Heads to silence instead of selected ones: a JSON list of [layer, head] (count k takes the first k). */
  headsFile?: string;
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

/**
 * How an estimate's interval (and p-value) was computed. ESTIMATE_METHODS (estimates.ts) says each
 * in words; the README's "Statistics" section gives the formulas.
 */
export type EstimateMethod =
  /** Mean over trials ± t(0.975, n-1) · SD/√n. */
  | 't-mean'
  /** Mean of per-trial differences ± t(0.975, n-1) · SD/√n; p: two-sided paired t-test. */
  | 't-paired'
  /** Ratio of two paired means: ln ratio ± t(0.975, n-1) · delta-method SE, then exponentiated. */
  | 'delta-log-ratio'
  /** Mean over random draws of a per-draw value ± t(0.975, D-1) · SD/√D; p: one-sample t-test. */
  | 't-between-draws';

/** What the value is, so it can be shown without further knowledge (percent, ×, ln). */
export type EstimateScale = 'probability' | 'difference' | 'ratio' | 'log-ratio' | 'relative-change';

/** A value with its confidence interval and how it was computed. */
export interface Estimate extends Interval {
  /** Confidence level of [ciLow, ciHigh], e.g. 0.95. */
  level: number;
  method: EstimateMethod;
  scale: EstimateScale;
  /** Sample size behind the interval: trials, or draws for 't-between-draws'. */
  n: number;
  /** Degrees of freedom of the t quantile (n - 1). */
  df: number;
  /** Standard error on the interval's scale (the ln scale for 'delta-log-ratio' and 'log-ratio'). */
  se: number;
  /** Two-sided p-value for "no difference" (differences only: 't-paired', 't-between-draws'); else null. */
  pValue: number | null;
}

/** Two quantities A and B measured on the same trials, compared as a difference and as a ratio. */
export interface PairedContrast {
  /** Plain names, e.g. a = 'P(+1)', b = 'P(-1)'. */
  a: string;
  b: string;
  /** mean(A) and mean(B) over the paired trials. */
  means: { a: number; b: number };
  /**
   * The larger relative standard error of the two means, max(SE/mean). The ratio's interval is a
   * first-order (delta-method) approximation: trustworthy while this is small (below ~0.2).
   */
  ratioRelativeSe: number;
  /** mean(A - B) over trials ('t-paired', with its p-value). */
  difference: Estimate;
  /** mean(A) / mean(B): CI from the log ratio ('delta-log-ratio'); always positive. */
  ratio: Estimate;
  /** ln(mean(A) / mean(B)) with the same interval on the ln scale. */
  logRatio: Estimate;
}

/** Forward vs backward probability mass over lags 1..k and -1..-k (temporal contiguity). */
export interface ContiguityContrast extends PairedContrast {
  /** k: the lags summed on each side. */
  lags: number;
  /** Per-trial sum of P over lags +1..+k, mean over trials. */
  forward: Estimate;
  /** Per-trial sum of P over lags -1..-k, mean over trials. */
  backward: Estimate;
}

/** A condition against the baseline on P(+1), with the relative change (ratio - 1). */
export interface BaselineContrast extends PairedContrast {
  /** mean(condition) / mean(baseline) - 1, CI from the log ratio: never below -100%. */
  relativeChange: Estimate;
}

/** The lag with the highest mean probability, and how sure that is (bootstrap over trials). */
export interface PeakLagEstimate {
  lag: number;
  /** True when lag 0 (the repeated token itself) was left out, as it is by default. */
  excludesLagZero: boolean;
  /** Share of bootstrap resamples in which `lag` is the peak. */
  share: number;
  /** Every lag that was the peak of at least one resample, share descending (ties: smaller lag first). */
  shares: { lag: number; share: number }[];
  /** The fewest lags, by share descending, whose shares add up to at least `level` (a confidence set). */
  confidenceSet: number[];
  level: number;
  resamples: number;
  seed: number;
}

export interface ConditionMetrics {
  /** Trials behind the per-condition values. */
  trials: number;
  pPlus1: Estimate;
  pMinus1: Estimate;
  pZero: Estimate;
  /** Total probability on prompt tokens (sum over the N distinct tokens, mean over trials). */
  promptMass: Estimate;
  /** P(+1) vs P(-1): difference and ratio, both with CIs. */
  asymmetry: PairedContrast;
  /** Mass on lags +1..+k vs -k..-1; null when the prompts are too short for k = 1 (2 tokens). */
  contiguity: ContiguityContrast | null;
  peakLag: PeakLagEstimate;
  /** P(+1) vs the baseline's P(+1), paired over the trials both have; null for the baseline. */
  vsBaseline: BaselineContrast | null;
}

/** Settings of the statistics; every value is stored with the results it produced. */
export interface StatsOptions {
  /** Confidence level of every interval (0.95). */
  level: number;
  /**
   * k of the forward/backward contiguity measure: lags 1..k against -1..-k. Default 5, or the most
   * the prompts allow when they are shorter (0: none fits); a value given that does not fit is an error.
   */
  contiguityLags: number;
  /** Bootstrap resamples for the peak lag (2000). */
  bootstrapResamples: number;
  /** Seed of the bootstrap resamples (the study's seed). */
  bootstrapSeed: number;
  /** Leave lag 0 (the repeated token, which the model rarely predicts) out of the peak (true). */
  peakExcludesLagZero: boolean;
}

/** P(+1) of one random group at one head count, over its draws. */
export interface DrawSummary {
  mode: AblationMode;
  layerRange: LayerRange;
  count: number;
  /** The draws' condition keys (draws with results only). */
  conditionKeys: string[];
  /** Mean over draws of each draw's mean P(+1) ('t-between-draws'; no interval with one draw). */
  pPlus1: Estimate;
  /**
   * exp(mean over draws of ln(P(+1) draw / P(+1) baseline)) - 1: the geometric mean of the draws'
   * ratios to the baseline, minus 1, with a t interval over draws on the ln scale (never below -100%).
   */
  relativeChange: Estimate | null;
}

/** Induction heads against random heads at the same count, mode and layer range, on P(+1). */
export interface InductionVsRandom {
  mode: AblationMode;
  layerRange: LayerRange;
  count: number;
  inductionKey: string;
  randomKeys: string[];
  /** Trials every compared condition has (pairing uses trials 0..trials-1). */
  trials: number;
  /** Induction - random draw d, paired over trials; ratio = P(+1) induction / P(+1) draw d. */
  perDraw: { draw: number; key: string; contrast: PairedContrast }[];
  /**
   * Induction - the mean of all draws, per trial, paired over trials: the test of the claim for
   * these drawn head sets. Ratio = P(+1) induction / mean P(+1) over draws: the effect size.
   */
  pooled: PairedContrast;
  /**
   * Over draws: the mean of the per-draw differences and the geometric mean of the per-draw ratios,
   * t over draws (df = draws - 1): how much the answer depends on which random heads were drawn.
   * Null with fewer than two draws.
   */
  betweenDraws: { difference: Estimate; logRatio: Estimate; ratio: Estimate } | null;
  /** Holm-adjusted p-values over every induction-vs-random comparison of the study. */
  holm: { pooled: number; betweenDraws: number | null };
}

/** Everything the statistics say about a study: per condition, per random group, and the test. */
export interface StudyStatistics {
  options: StatsOptions;
  /** In the study's condition order; metrics null while a condition has no results. */
  conditions: { key: string; trials: number; metrics: ConditionMetrics | null }[];
  drawSummaries: DrawSummary[];
  comparisons: InductionVsRandom[];
}
