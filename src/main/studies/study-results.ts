// The read side of a study: one condition's probabilities as a trials x S matrix, and a summary with
// every condition's lag curve and the study's statistics (shared/study/study-statistics.ts). Results
// are stored trial-major, so a partly run study has, per condition, a prefix of trials 0..n-1:
// paired comparisons use the trials both sides have.

import { InputError } from '../../shared/errors';
import { lagCurve } from '../../shared/study/stats';
import { studyStatistics } from '../../shared/study/study-statistics';
import type { ConditionMetrics, LagCurve, StatsOptions, StudyStatistics } from '../../shared/study/types';
import type { Store } from '../store/db';
import { listConditions, type ConditionRecord } from '../store/conditions-repo';
import { loadResults } from '../store/results-repo';
import { requireStudyRecord, type StudyStatus } from '../store/studies-repo';

export interface ConditionResults {
  /** Trials with a result. */
  trials: number;
  seqLen: number;
  /** Their trial indices, ascending. */
  trialIndices: Int32Array;
  /** [trials, S] row-major: probs[t * S + s]. */
  probs: Float32Array;
}

export interface ConditionSummary {
  condition: ConditionRecord;
  trials: number;
  /** Null until the condition has a result. */
  curve: LagCurve | null;
  metrics: ConditionMetrics | null;
}

export interface StudySummary {
  studyId: number;
  name: string;
  status: StudyStatus;
  seqLen: number;
  permutations: number;
  conditions: ConditionSummary[];
  /** Per-condition metrics (also in `conditions`), random groups over draws, induction vs random. */
  statistics: StudyStatistics;
}

export function loadConditionResults(store: Store, studyId: number, conditionId: number): ConditionResults {
  const study = requireStudyRecord(store, studyId);
  if (!listConditions(store, studyId).some((c) => c.id === conditionId)) {
    throw new InputError(`study ${studyId}`, `has no condition ${conditionId}`);
  }
  return packRows(study.seqLen, loadResults(store, conditionId));
}

export interface SummaryOptions {
  /** Only the first `maxTrials` trials of each condition (a partial export's complete trials). */
  maxTrials?: number;
  /** Statistics settings other than the defaults (e.g. the contiguity lags). */
  stats?: Partial<StatsOptions>;
}

/**
 * Lag curves and statistics of every condition (paired with the baseline, the condition with count
 * 0), over each condition's stored trials, or only the first `maxTrials` of them.
 */
export function studySummary(store: Store, studyId: number, options: SummaryOptions = {}): StudySummary {
  const study = requireStudyRecord(store, studyId);
  const conditions = listConditions(store, studyId);
  const results = conditions.map((condition) => ({ condition, rows: contiguousPrefix(loadResults(store, condition.id)).slice(0, options.maxTrials) }));
  const statistics = studyStatistics({ conditions, rows: results.map((r) => r.rows), seed: study.seed }, options.stats);
  return {
    studyId,
    name: study.name,
    status: study.status,
    seqLen: study.seqLen,
    permutations: study.permutations,
    conditions: results.map(({ condition, rows }, i) => {
      const metrics = statistics.conditions[i]?.metrics ?? null;
      return { condition, trials: rows.length, curve: rows.length === 0 ? null : lagCurve(rows), metrics };
    }),
    statistics,
  };
}

/** Trials 0..n-1 that every condition has (a partly run study's complete trials). */
export function completeTrials(summary: StudySummary): number {
  return Math.min(...summary.conditions.map((c) => c.trials));
}

/** Rows of trials 0, 1, 2, ... up to the first gap, so row i is always trial i (pairing). */
function contiguousPrefix(results: { trialIdx: number; probs: Float32Array }[]): Float32Array[] {
  const rows: Float32Array[] = [];
  for (const r of results) {
    if (r.trialIdx !== rows.length) break;
    rows.push(r.probs);
  }
  return rows;
}

function packRows(seqLen: number, results: { trialIdx: number; probs: Float32Array }[]): ConditionResults {
  const probs = new Float32Array(results.length * seqLen);
  results.forEach((r, t) => {
    if (r.probs.length !== seqLen) throw new Error(`trial ${r.trialIdx} has ${r.probs.length} probabilities, expected ${seqLen}`);
    probs.set(r.probs, t * seqLen);
  });
  return { trials: results.length, seqLen, trialIndices: Int32Array.from(results, (r) => r.trialIdx), probs };
}

