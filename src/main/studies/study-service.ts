// The study services the CLI, Electron IPC and the web bridge all call: create, run (resume), pause,
// cancel, list, inspect, rename, annotate, delete. Pause and cancel only change the stored status;
// a runner (in this process or another) sees it between batches and stops there.

import { InputError } from '../../shared/errors';
import type { Store } from '../store/db';
import { listConditions, type ConditionRecord } from '../store/conditions-repo';
import { getModel, requireModel, type ModelRecord } from '../store/models-repo';
import { countStudyResults } from '../store/results-repo';
import {
  deleteStudyRow,
  listStudyRecords,
  noSuchStudy,
  requireStudyRecord,
  setStudyName,
  setStudyNotes,
  transitionStudy,
  type StudyRecord,
  type StudyStatus,
} from '../store/studies-repo';
import { hasLiveRunner } from './active-runs';

export { createStudy, precheckStudy, INDUCTION_DEFAULTS, type CreateStudyDeps, type InductionParams } from './create-study';
export { runStudy, type RunOptions, type StudyProgress } from './runner';
export { loadConditionResults, studySummary, type ConditionResults, type StudySummary } from './study-results';

export interface StudyListItem extends Omit<StudyRecord, 'promptTokens'> {
  modelPath: string;
  conditionCount: number;
  /** Results stored / results in the whole study (conditions x trials). */
  done: number;
  total: number;
  /** Marked running, but its process is gone (crashed or killed): resumable with runStudy. */
  interrupted: boolean;
}

export interface StudyDetail extends StudyListItem {
  promptTokens: Int32Array;
  model: ModelRecord;
  conditions: ConditionRecord[];
}

/** Every study, newest first. */
export function listStudies(store: Store): StudyListItem[] {
  return listStudyRecords(store).map((s) => listItem(store, s, listConditions(store, s.id)));
}

export function getStudy(store: Store, studyId: number): StudyDetail {
  const study = requireStudyRecord(store, studyId);
  const conditions = listConditions(store, studyId);
  return { ...listItem(store, study, conditions), promptTokens: study.promptTokens, model: requireModel(store, study.modelId), conditions };
}

/** Asks the study to pause after its current batch (queued or running studies); returns whether it will. */
export function pauseStudy(store: Store, studyId: number): boolean {
  requireStudyRecord(store, studyId);
  return transitionStudy(store, studyId, ['queued', 'running'], 'paused');
}

/**
 * Cancels a study that is not done: a runner stops after its current batch. Results so far are kept
 * (a cancelled study can still be resumed explicitly; queues never resume it on their own).
 */
export function cancelStudy(store: Store, studyId: number): boolean {
  requireStudyRecord(store, studyId);
  return transitionStudy(store, studyId, ['queued', 'running', 'paused', 'failed'], 'cancelled');
}

/** Puts a paused, failed or cancelled study back to queued (the queue then runs it). */
export function requeueStudy(store: Store, studyId: number): boolean {
  requireStudyRecord(store, studyId);
  return transitionStudy(store, studyId, ['paused', 'failed', 'cancelled'], 'queued');
}

export function renameStudy(store: Store, studyId: number, name: string): void {
  const trimmed = name.trim();
  if (trimmed === '') throw new InputError('name', 'a study name cannot be empty');
  if (!setStudyName(store, studyId, trimmed)) throw noSuchStudy(studyId);
}

export function annotateStudy(store: Store, studyId: number, notes: string): void {
  if (!setStudyNotes(store, studyId, notes)) throw noSuchStudy(studyId);
}

/** Deletes a study with its conditions, trials and results. Refused while a runner works on it. */
export function deleteStudy(store: Store, studyId: number): void {
  const study = requireStudyRecord(store, studyId);
  if (hasLiveRunner(store, study)) {
    const where = study.runnerPid === null ? 'this process' : `process ${study.runnerPid}`;
    throw new InputError(`study ${studyId}`, `is running; pause or cancel it before deleting it (it runs in ${where})`);
  }
  deleteStudyRow(store, studyId);
}

/**
 * Studies left 'running' by a process that died: marked paused so lists show them truthfully.
 * Call at startup; studies run by a live process (another app window, the CLI) are left alone.
 */
export function recoverInterruptedStudies(store: Store): number[] {
  return listStudyRecords(store)
    .filter((s) => s.status === 'running' && !hasLiveRunner(store, s))
    .filter((s) => transitionStudy(store, s.id, ['running'], 'paused'))
    .map((s) => s.id);
}

function listItem(store: Store, s: StudyRecord, conditions: ConditionRecord[]): StudyListItem {
  const { promptTokens: _tokens, ...rest } = s;
  return {
    ...rest,
    modelPath: getModel(store, s.modelId)?.path ?? '',
    conditionCount: conditions.length,
    done: countStudyResults(store, s.id),
    total: conditions.length * s.permutations,
    interrupted: s.status === 'running' && !hasLiveRunner(store, s),
  };
}

export type { StudyStatus };
