// The one entry point from a study's stored results to everything its statistics say: each
// condition's metrics (with the paired contrast against the baseline), each random group over its
// draws, and induction vs random at matched head counts. Used by the CLI, the exports, the
// main-process services and the renderer alike; the README's "Statistics" section states the methods.

import { InputError } from '../errors';
import { drawSummaries, inductionVsRandom, type ConditionRows, type StatsCondition } from './comparisons';
import { conditionMetrics, maxContiguityLags } from './metrics';
import { BootstrapResamples } from './peak-lag';
import { CI_LEVEL } from './stats';
import type { StatsOptions, StudyStatistics } from './types';

export type { StatsCondition } from './comparisons';

/** Defaults of everything but the bootstrap seed (the study's seed). */
export const STATS_DEFAULTS = {
  level: CI_LEVEL,
  contiguityLags: 5,
  // Enough for shares to ±1.1 percentage points (binomial SE at 50%); more only costs time.
  bootstrapResamples: 2000,
  peakExcludesLagZero: true,
} as const;

export interface StudyStatisticsInput {
  /** The study's conditions; the baseline is the one with headType 'none'. */
  conditions: readonly StatsCondition[];
  /** rows[c][t] = condition c's S probabilities of trial t, for trials 0..n_c - 1 (paired by index). */
  rows: readonly (readonly ArrayLike<number>[])[];
  /** The study's seed: seeds the bootstrap unless the options say otherwise. */
  seed: number;
}

/** The options with defaults filled in; InputError naming `stats.<field>` for a bad value. */
export function resolveStatsOptions(seed: number, overrides: Partial<StatsOptions> = {}): StatsOptions {
  const o: StatsOptions = { ...STATS_DEFAULTS, bootstrapSeed: seed, ...overrides };
  if (!(o.level > 0 && o.level < 1)) throw new InputError('stats.level', `must be between 0 and 1, got ${o.level}`);
  if (!Number.isInteger(o.contiguityLags) || o.contiguityLags < 1) {
    throw new InputError('stats.contiguityLags', `must be a positive integer, got ${o.contiguityLags}`);
  }
  if (!Number.isInteger(o.bootstrapResamples) || o.bootstrapResamples < 1 || o.bootstrapResamples > 1_000_000) {
    throw new InputError('stats.bootstrapResamples', `must be an integer from 1 to 1000000, got ${o.bootstrapResamples}`);
  }
  if (!Number.isSafeInteger(o.bootstrapSeed) || o.bootstrapSeed < 0) {
    throw new InputError('stats.bootstrapSeed', `must be a non-negative integer, got ${o.bootstrapSeed}`);
  }
  return o;
}

/**
 * The full statistics of a study. Conditions without results get null metrics; contrasts with the
 * baseline use the trials both have, comparisons the trials every compared condition has.
 */
export function studyStatistics(input: StudyStatisticsInput, overrides: Partial<StatsOptions> = {}): StudyStatistics {
  if (input.rows.length !== input.conditions.length) {
    throw new RangeError(`${input.conditions.length} conditions but rows for ${input.rows.length}`);
  }
  const items: ConditionRows[] = input.conditions.map((condition, i) => ({ condition, rows: input.rows[i] ?? [] }));
  const options = resolveStatsOptions(input.seed, overrides);
  // The default k shrinks to what short prompts allow; a k that was asked for is checked as given.
  const seqLen = items.find(({ rows }) => rows.length > 0)?.rows[0]?.length;
  if (overrides.contiguityLags === undefined && seqLen !== undefined) {
    options.contiguityLags = Math.min(options.contiguityLags, maxContiguityLags(seqLen));
  }
  const baseline = items.find(({ condition, rows }) => condition.headType === 'none' && rows.length > 0) ?? null;
  const baselineRows = baseline?.rows ?? null;
  // One set of resamples per trial count: conditions with the same trials share them.
  const resamples = new Map<number, BootstrapResamples>();
  const sharedFor = (n: number) => {
    let shared = resamples.get(n);
    if (!shared) resamples.set(n, (shared = new BootstrapResamples(options.bootstrapSeed, options.bootstrapResamples, n)));
    return shared;
  };
  return {
    options,
    conditions: items.map((item) => ({
      key: item.condition.key,
      trials: item.rows.length,
      metrics: item.rows.length === 0 ? null : conditionMetrics(item.rows, item === baseline ? null : baselineRows, options, sharedFor(item.rows.length)),
    })),
    drawSummaries: drawSummaries(items, baselineRows, options.level),
    comparisons: inductionVsRandom(items, options.level),
  };
}
