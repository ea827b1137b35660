// Checking a draft study spec as the user types it: every field error at once (the shared schema),
// then the checks that need the model and the files (first problem, mapped to the field that names
// it), the heads each condition will silence (exact when the scores are known, else null), and an
// estimated run time from this model's measured speed.

import { resolve } from 'node:path';
import { isInputError, type InputError } from '../../shared/errors';
import type { ConditionPreview, DraftValidation, FieldError, RunEstimate } from '../../shared/ipc/studies';
import { parseStudySpec, studySpecProblems } from '../../shared/study/spec';
import type { HeadScore, StudySpec } from '../../shared/study/types';
import { INDUCTION_DEFAULTS } from '../models/induction-scores';
import type { Store } from '../store/db';
import { findModelByPath, type ModelRecord } from '../store/models-repo';
import { getScoreSet, listScoreSets } from '../store/score-sets-repo';
import { listThroughput, type ThroughputRecord } from '../store/throughput-repo';
import { conditionsOf, planStudy, withDefaultTokens, type StudyPlan } from './study-plan';

export function validateDraft(store: Store, raw: unknown): DraftValidation {
  const input = withDefaultTokens(raw);
  const invalid = (errors: FieldError[]): DraftValidation => ({ valid: false, errors, spec: null, conditions: null, headsNote: null, estimate: null });
  const problems = studySpecProblems(input);
  if (problems.length > 0) return invalid(problems.map((p) => ({ field: p.file, message: p.message })));
  const spec = parseStudySpec(input);
  const model = findModelByPath(store, resolve(spec.model));
  let plan: StudyPlan;
  try {
    plan = planStudy(store, input, model?.checksum ?? '');
  } catch (err) {
    if (!isInputError(err)) throw err;
    return { ...invalid([{ field: fieldOf(err, spec), message: err.message }]), spec };
  }
  const known = plan.scores?.scores ?? computedScores(store, model, plan);
  const conditions = previewConditions(plan, known);
  const headsNote = plan.scores
    ? `Heads from ${plan.scores.set.source === 'csv' ? `the scores in ${plan.scores.set.sourcePath ?? 'the CSV'}` : `score set ${plan.scores.id}`}.`
    : known
      ? 'Heads from the induction scores already computed for this model with these settings.'
      : 'Induction scores are computed when the study starts; the heads are known then.';
  const estimate = estimateRun(model ? listThroughput(store, model.id) : [], conditions.length * spec.permutations, plan.sample.length + 1, spec.batchSize);
  return { valid: true, errors: [], spec: plan.spec, conditions, headsNote, estimate };
}

/** The spec field a file-naming error belongs to (the form shows it there). */
function fieldOf(err: InputError, spec: StudySpec): string {
  if (err.file.startsWith('spec')) return err.file;
  const file = resolve(err.file);
  if (spec.tokens.source === 'file' && file === resolve(spec.tokens.path)) return 'spec.tokens.path';
  if (spec.scores.source === 'csv' && file === resolve(spec.scores.path)) return 'spec.scores.path';
  if (spec.trialsFile && file === resolve(spec.trialsFile)) return 'spec.trialsFile';
  if (spec.headsFile && file === resolve(spec.headsFile)) return 'spec.headsFile';
  return file.startsWith(resolve(spec.model)) ? 'spec.model' : 'spec';
}

/** A stored set computed exactly as the study would compute it (same sequences, same seed). */
function computedScores(store: Store, model: ModelRecord | undefined, plan: StudyPlan): HeadScore[] | null {
  if (!model) return null;
  const seqLen = Math.min(INDUCTION_DEFAULTS.seqLen, Math.floor(plan.model.maxPositions / 2));
  const match = listScoreSets(store, model.id).find(
    (s) => s.method.kind === 'repeated-random' && s.method.seqLen === seqLen && s.method.count === INDUCTION_DEFAULTS.count && s.method.seed === plan.spec.seed,
  );
  return match ? (getScoreSet(store, match.id)?.scores ?? null) : null;
}

function previewConditions(plan: StudyPlan, scores: HeadScore[] | null): ConditionPreview[] {
  // Without scores, keys and labels come from a stand-in ranking; the heads themselves are unknown.
  const standIn = Array.from({ length: plan.model.nLayers * plan.model.nHeads }, (_, i) => ({ layer: Math.floor(i / plan.model.nHeads), head: i % plan.model.nHeads, score: 0 }));
  const parts = plan.parts ?? conditionsOf(plan, scores ?? standIn);
  return parts.conditions.map((c) => ({
    key: c.key,
    label: c.label,
    headType: c.headType,
    mode: c.mode,
    layerRange: c.layerRange,
    count: c.count,
    draw: c.draw,
    heads: scores || c.count === 0 ? c.heads : null,
  }));
}

/**
 * Run time from the model's measured speed: the newest measurement at this prompt length (and batch
 * size, if there is one), else the newest at any length scaled linearly by length.
 */
export function estimateRun(samples: readonly ThroughputRecord[], rows: number, seqLen: number, batchSize: number): RunEstimate {
  const sameLength = samples.filter((s) => s.seqLen === seqLen);
  const best = sameLength.find((s) => s.batchSize === batchSize) ?? sameLength[0] ?? samples[0];
  if (!best) {
    return { rows, seqLen, seconds: null, rowsPerSecond: null, basis: 'No speed measured on this model yet: compile it on the Models screen, or run a study once.' };
  }
  const measured = (1000 * best.rows) / best.ms;
  const rowsPerSecond = measured * (best.seqLen / seqLen);
  const scaled = best.seqLen === seqLen ? '' : `, scaled from prompts of ${best.seqLen} tokens`;
  const from = best.source === 'compile' ? 'a measurement after compiling' : 'a study run';
  return {
    rows,
    seqLen,
    seconds: rows / rowsPerSecond,
    rowsPerSecond,
    basis: `${measured.toFixed(1)} rows/s measured on ${best.provider} (${best.dtype}), batch ${best.batchSize}, in ${from}${scaled}; engine time only.`,
  };
}
