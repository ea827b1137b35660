// Stored studies as the contract's views (shared/ipc/studies.ts): the history list with its
// filters, a study's full summary (lag curves, metrics, heads, provenance), one trial's prompt
// with its words and probabilities, and a draft copied from a study for the New-study form.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '../../shared/errors';
import type { StudioError } from '../../shared/ipc/errors';
import type { StudyDraft, StudyListFilter, StudyListView, StudySummaryView, TrialView } from '../../shared/ipc/studies';
import { lags } from '../../shared/study/trials';
import type { Condition, StudySpec } from '../../shared/study/types';
import { loadTokenizer } from '../engine/checkpoint';
import { folderModelName } from '../models/resolve-model';
import type { Store } from '../store/db';
import { listConditions, loadTrials, type ConditionRecord } from '../store/conditions-repo';
import { storedTrialCount, trialOffset } from '../../shared/study/compat/script-conditions';
import { getModel } from '../store/models-repo';
import { countStudyResults, loadResults } from '../store/results-repo';
import { getScoreSet } from '../store/score-sets-repo';
import { listStudyRecords, requireStudyRecord, type StudyRecord } from '../store/studies-repo';
import { getTokenSet } from '../store/token-sets-repo';
import { hasLiveRunner } from './active-runs';
import { studySummary } from './study-results';

/** Conditions a spec resolves to: the baseline, then per group each count > 0 (times draws for random heads). */
export function expectedConditionCount(spec: StudySpec): number {
  return 1 + spec.groups.reduce((n, g) => n + g.counts.filter((c) => c > 0).length * (g.headType === 'random' ? g.draws : 1), 0);
}

export function studyListView(store: Store, study: StudyRecord, conditions = listConditions(store, study.id)): StudyListView {
  const model = getModel(store, study.modelId);
  const conditionCount = conditions.length > 0 ? conditions.length : expectedConditionCount(study.spec);
  return {
    id: study.id,
    name: study.name,
    notes: study.notes,
    status: study.status,
    interrupted: study.status === 'running' && !hasLiveRunner(store, study),
    prepared: conditions.length > 0,
    error: studyError(study),
    modelId: study.modelId,
    modelName: model ? folderModelName(model.path) : '',
    modelPath: model?.path ?? '',
    spec: study.spec,
    conditionCount,
    permutations: study.permutations,
    seqLen: study.seqLen,
    done: countStudyResults(store, study.id),
    total: conditionCount * study.permutations,
    createdAt: study.createdAt,
    startedAt: study.startedAt,
    finishedAt: study.finishedAt,
  };
}

export function studyError(study: Pick<StudyRecord, 'status' | 'error' | 'errorKind'>): StudioError | null {
  if (study.status !== 'failed' || study.error === null) return null;
  return { kind: study.errorKind ?? 'internal', message: study.error };
}

/** The history, newest first, filtered. */
export function listStudyViews(store: Store, filter: StudyListFilter = {}): StudyListView[] {
  const text = filter.text?.trim().toLowerCase() ?? '';
  const views = listStudyRecords(store)
    .filter((s) => filter.modelId === undefined || s.modelId === filter.modelId)
    .filter((s) => filter.status === undefined || filter.status.includes(s.status))
    .filter((s) => filter.createdFrom === undefined || s.createdAt >= filter.createdFrom)
    .filter((s) => filter.createdTo === undefined || s.createdAt < filter.createdTo)
    .map((s) => studyListView(store, s))
    .filter((v) => text === '' || [v.name, v.notes, v.modelName].some((field) => field.toLowerCase().includes(text)));
  const offset = filter.offset ?? 0;
  return views.slice(offset, filter.limit === undefined ? undefined : offset + filter.limit);
}

export function studySummaryView(store: Store, studyId: number): StudySummaryView {
  const study = requireStudyRecord(store, studyId);
  const conditions = listConditions(store, studyId);
  const model = getModel(store, study.modelId);
  const tokenSet = getTokenSet(store, study.tokenSetId);
  if (!model || !tokenSet) throw new Error(`study ${studyId} lost its model or token set row`);
  const scoreSet = study.scoreSetId === null ? undefined : getScoreSet(store, study.scoreSetId);
  const summary = studySummary(store, studyId);
  return {
    study: studyListView(store, study, conditions),
    model: {
      id: model.id,
      name: folderModelName(model.path),
      path: model.path,
      checksum: model.checksum,
      family: model.family,
      nLayers: model.nLayers,
      nHeads: model.nHeads,
    },
    tokenSet: { id: tokenSet.id, name: tokenSet.name, n: tokenSet.n },
    scoreSet: scoreSet ? { id: scoreSet.id, source: scoreSet.source, method: scoreSet.method } : null,
    promptTokens: Array.from(study.promptTokens),
    batchSize: study.batchSize,
    provenance: study.provenance,
    conditions: summary.conditions.map((c) => ({ condition: plainCondition(c.condition), trials: c.trials, curve: c.curve, metrics: c.metrics })),
    statistics: summary.statistics,
  };
}

function plainCondition({ id: _id, studyId: _studyId, idx: _idx, ...condition }: ConditionRecord): Condition {
  return condition;
}

/**
 * One stored prompt with the tokenizer's words, and the probabilities of each condition that ran it
 * (every condition when trials are paired; in script mode, where each count has its own block of
 * prompts, `trial` numbers all stored prompts and only the conditions of its block have results).
 */
export function trialView(store: Store, studyId: number, trial: number): TrialView {
  const study = requireStudyRecord(store, studyId);
  const tokens = loadTrials(store, studyId)[trial];
  if (!tokens) throw new NotFoundError(`study ${studyId}`, `has no trial ${trial} (it has ${storedTrialCount(study.spec)}, numbered from 0)`);
  const model = getModel(store, study.modelId);
  const words = model ? tokenWords(model.path) : null;
  const probs = listConditions(store, studyId).flatMap((c) => {
    const own = trial - trialOffset(study.spec, c);
    const row = own >= 0 && own < study.permutations ? loadResults(store, c.id).find((r) => r.trialIdx === own) : undefined;
    return row ? [{ key: c.key, values: Array.from(row.probs) }] : [];
  });
  return {
    studyId,
    trial,
    tokens: Array.from(tokens, (id) => ({ id, text: words ? words(id) : null })),
    lags: lags(tokens.length),
    probs,
  };
}

/** The tokenizer's text of a token id, or null when the folder has no tokenizer. */
export function tokenWords(modelDir: string): ((id: number) => string | null) | null {
  const path = join(modelDir, 'tokenizer.json');
  if (!existsSync(path)) return null;
  const tok = loadTokenizer(path);
  return (id) => (id < tok.vocabSize ? tok.decode(id) : null);
}

/** A copy of the study's spec, renamed, to edit in the New-study form (nothing is stored). */
export function duplicateDraft(store: Store, studyId: number): StudyDraft {
  const study = requireStudyRecord(store, studyId);
  return { spec: { ...study.spec, name: `${study.name} (copy)` }, notes: study.notes, sourceId: study.id };
}
