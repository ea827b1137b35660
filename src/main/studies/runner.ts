// Runs a study's missing work on an engine: fixed chunks of the trial-major work list (work-plan.ts),
// each chunk one engine batch and one transaction, so a run killed at any moment resumes where it
// stopped and ends bitwise identical to an uninterrupted one. Pause and cancel are cooperative: the
// study's status is re-read between batches (it may be changed from any connection or process).

import { ConflictError, InputError } from '../../shared/errors';
import { errorKindOf } from '../../shared/ipc/errors';
import type { StudySpec } from '../../shared/study/types';
import { checkFiniteProbs } from '../engine/finite-outputs';
import { buildHeadControls } from '../engine/head-controls';
import type { Engine } from '../engine/engine-types';
import { inTransaction, type Store } from '../store/db';
import { listConditions, loadTrials, type ConditionRecord } from '../store/conditions-repo';
import { requireModel, type ModelRecord } from '../store/models-repo';
import { insertResult, listResultKeys } from '../store/results-repo';
import {
  addRunTime,
  getStudyStatus,
  recordStudyFinished,
  recordStudyStart,
  releaseStudyRunner,
  requireStudyRecord,
  setStudyBatchSize,
  transitionStudy,
  type Provenance,
  type StudyRecord,
  type StudyStatus,
} from '../store/studies-repo';
import { faultPoint } from '../fault-hook';
import { claimStudy, thisRunner } from './active-runs';
import { APP_VERSION } from './app-version';
import { openStudyEngine, type OpenEngine } from './engine-source';
import { pendingChunks, type WorkChunk } from './work-plan';
import { at, required } from '../../shared/checked';
import { storedTrialCount, trialOffset } from '../../shared/study/compat/script-conditions';
import { studyWantsLayerReuse } from './study-reuse';
import { valueBiasOf } from '../../shared/study/spec';

export interface StudyProgress {
  studyId: number;
  /** (condition, trial) rows with a stored result. */
  done: number;
  total: number;
  /** Rows per second in this run session (0 until a batch is done). */
  rowsPerSecond: number;
  /** Whole trials (every condition) per second: rowsPerSecond / conditions. */
  trialsPerSecond: number;
  /** Seconds left at the current rate; null until a batch is done. */
  etaSeconds: number | null;
  status: StudyStatus;
}

export interface RunOptions {
  /** An open engine for the study's model (not closed here). */
  engine?: Engine;
  /** Opens an engine for the model (closed when the run ends). Default: loadEngine on the model folder. */
  openEngine?: OpenEngine;
  /**
   * Rows per engine batch. Only before the first result: after that the study's stored batch size is
   * fixed, since a different batching could change the numbers.
   */
  batchSize?: number;
  onProgress?: (progress: StudyProgress) => void;
  /** Aborting pauses the study after the current batch. */
  signal?: AbortSignal;
}

/** Runs (or resumes) a study until it is done, paused or cancelled; resolves to the final status. */
export async function runStudy(store: Store, studyId: number, opts: RunOptions = {}): Promise<StudyStatus> {
  const study = requireStudyRecord(store, studyId);
  if (study.status === 'done') return 'done';
  if (listConditions(store, studyId).length === 0) {
    throw new ConflictError(`study ${studyId}`, 'is not prepared yet: its scores and conditions are computed when its queued job starts');
  }
  const release = claimStudy(store, study);
  let engine: Engine | undefined = opts.engine;
  const ownsEngine = !engine;
  let tally: Tally = { done: 0, total: 0 };
  // Errors before the work is set up (a batch size the stored results forbid) leave the status as it was.
  let prepared = false;
  try {
    faultPoint('run-claimed');
    const conditions = listConditions(store, studyId);
    const trials = loadTrials(store, studyId);
    const present = presentRows(store, studyId, conditions);
    const batchSize = fixBatchSize(store, study, opts.batchSize, present.size);
    const permutations = study.permutations;
    if (trials.length !== storedTrialCount(study.spec)) throw new Error(`study ${studyId} has ${trials.length} stored trials, expected ${storedTrialCount(study.spec)}`);
    tally = { done: present.size, total: permutations * conditions.length };
    prepared = true;
    const model = requireModel(store, study.modelId);
    const reuse = studyWantsLayerReuse(model.spec, study.spec, conditions, batchSize);
    engine ??= await openStudyEngine(model, study.spec, opts.openEngine, { reuse });
    checkEngine(engine, study, model, present.size > 0);
    // Script mode: each condition runs its own block of trials, as the script does (0 when paired).
    const trialOffsets = conditions.map((condition) => trialOffset(study.spec, condition));
    if (!recordStudyStart(store, studyId, study.status, provenanceOf(engine), thisRunner())) {
      // Paused, cancelled or deleted while the engine was loading: do not start.
      const status = requireStudyRecord(store, studyId).status;
      emit(opts, { studyId, ...tally, rowsPerSecond: 0, trialsPerSecond: 0, etaSeconds: null, status });
      return status;
    }
    // Opened before the first batch (and its 'running' report): scoring may have closed the probe,
    // and an engine the caller passed in may run in the other mode.
    await engine.prepareProbe(reuse);
    const chunks = pendingChunks(permutations, conditions.length, batchSize, (r) => present.has(r));
    return await runChunks(store, study, engine, { conditions, trialOffsets }, trials, chunks, tally, opts);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // The error is kept with the study (shown in the UI); its results so far stay, and it can resume.
    if (prepared && transitionStudy(store, studyId, ['queued', 'running', 'paused', 'cancelled', 'failed'], 'failed', message, errorKindOf(err))) {
      try {
        emit(opts, { studyId, ...tally, rowsPerSecond: 0, trialsPerSecond: 0, etaSeconds: null, status: 'failed' });
      } catch {
        // The study's own error is the one to report.
      }
    }
    throw err;
  } finally {
    releaseStudyRunner(store, studyId, process.pid);
    release();
    if (ownsEngine && engine) await engine.close();
  }
}

interface Tally {
  done: number;
  total: number;
}

function provenanceOf(engine: Engine): Omit<Provenance, 'runMs'> {
  const info = engine.info;
  return {
    appVersion: APP_VERSION,
    ortVersion: info.ortVersion,
    provider: info.provider,
    dtype: info.dtype,
    engineVersion: info.engineVersion,
    modelChecksum: info.checkpointHash,
    compileMs: info.compileMs,
  };
}

async function runChunks(
  store: Store,
  study: StudyRecord,
  engine: Engine,
  { conditions, trialOffsets }: { conditions: ConditionRecord[]; trialOffsets: number[] },
  trials: Int32Array[],
  chunks: WorkChunk[],
  tally: Tally,
  opts: RunOptions,
): Promise<StudyStatus> {
  const S = study.seqLen;
  const C = conditions.length;
  const spec = engine.info.spec;
  let computed = 0;
  const started = performance.now();
  const progress = (status: StudyStatus): StudyProgress => {
    const seconds = (performance.now() - started) / 1000;
    const rowsPerSecond = computed > 0 && seconds > 0 ? computed / seconds : 0;
    const etaSeconds = rowsPerSecond > 0 ? (tally.total - tally.done) / rowsPerSecond : null;
    return { studyId: study.id, ...tally, rowsPerSecond, trialsPerSecond: rowsPerSecond / C, etaSeconds, status };
  };
  emit(opts, progress('running'));

  for (const chunk of chunks) {
    const stop = stopReason(store, study.id, opts.signal);
    if (stop) {
      emit(opts, progress(stop));
      return stop;
    }
    const B = chunk.rows.length;
    const inputIds = new Int32Array(B * S); // [B, S]
    chunk.rows.forEach((w, b) => inputIds.set(at(trials, at(trialOffsets, w.conditionIdx) + w.trialIdx), b * S));
    const controls = buildHeadControls(
      spec,
      chunk.rows.map((w) => {
        const { heads, mode } = at(conditions, w.conditionIdx);
        return { heads, mode };
      }),
      `study ${study.id}`,
      valueBiasOf(study.spec),
    );
    const t0 = performance.now();
    const probs = await engine.probe({ batch: B, seqLen: S, inputIds, ...controls }); // [B, S]
    const ms = performance.now() - t0;
    if (probs.length !== B * S) throw new Error(`engine returned ${probs.length} probabilities, expected ${B} x ${S}`);
    checkFiniteProbs(probs, S, study.spec.model, (b) => rowName(study, conditions, chunk.rows[b]));
    faultPoint('batch-computed');
    const missing = new Set(chunk.missing.map((w) => w.row));
    inTransaction(store, () => {
      chunk.rows.forEach((w, b) => {
        if (missing.has(w.row)) insertResult(store, at(conditions, w.conditionIdx).id, w.trialIdx, probs.subarray(b * S, (b + 1) * S));
      });
      addRunTime(store, study.id, ms);
    });
    faultPoint('batch-stored');
    tally.done += missing.size;
    computed += missing.size;
    emit(opts, progress('running'));
  }
  // All work is stored: the study is done even if a pause arrived during the last batch.
  recordStudyFinished(store, study.id);
  emit(opts, progress('done'));
  return 'done';
}

function rowName(study: StudyRecord, conditions: readonly ConditionRecord[], work: WorkChunk['rows'][number] | undefined): string {
  if (!work) return `study ${study.id}`;
  return `study ${study.id}, condition "${conditions[work.conditionIdx]?.label ?? work.conditionIdx}", trial ${work.trialIdx}`;
}

/** Why the run should stop before the next batch, or null to go on. */
function stopReason(store: Store, studyId: number, signal: AbortSignal | undefined): StudyStatus | null {
  const status = currentStatus(store, studyId);
  if (status !== 'running') return status;
  if (signal?.aborted) {
    transitionStudy(store, studyId, ['running'], 'paused');
    return currentStatus(store, studyId);
  }
  return null;
}

function currentStatus(store: Store, studyId: number): StudyStatus {
  const status = getStudyStatus(store, studyId);
  if (status === undefined) throw new InputError(`study ${studyId}`, 'was deleted while it ran');
  return status;
}


/** Row numbers (trial * C + condition idx) that already have a result. */
function presentRows(store: Store, studyId: number, conditions: ConditionRecord[]): Set<number> {
  const idxById = new Map(conditions.map((c) => [c.id, c.idx]));
  return new Set(listResultKeys(store, studyId).map((k) => k.trialIdx * conditions.length + required(idxById, k.conditionId)));
}

function fixBatchSize(store: Store, study: StudyRecord, requested: number | undefined, stored: number): number {
  if (requested === undefined || requested === study.batchSize) return study.batchSize;
  if (!Number.isInteger(requested) || requested < 1) throw new InputError('batchSize', `must be a positive integer, got ${requested}`);
  if (stored > 0) {
    throw new InputError(
      'batchSize',
      `study ${study.id} already has results computed in batches of ${study.batchSize}; resuming with ${requested} could change them`,
    );
  }
  setStudyBatchSize(store, study.id, requested);
  return requested;
}

/** The engine must run the study's checkpoint, and, once results exist, the same provider and dtype. */
function checkEngine(engine: Engine, study: StudyRecord, model: ModelRecord, resumed: boolean): void {
  const info = engine.info;
  if (info.checkpointHash !== model.checksum) {
    throw new InputError(model.path, `the checkpoint changed since study ${study.id} was created (checksum ${model.checksum.slice(0, 12)}, now ${info.checkpointHash.slice(0, 12)})`);
  }
  const spec: StudySpec = study.spec;
  if (spec.dtype !== 'auto' && spec.dtype !== info.dtype) {
    throw new InputError('spec.dtype', `is ${spec.dtype} but the engine runs ${info.dtype} on ${info.provider}`);
  }
  const p = study.provenance;
  if (resumed && p.provider !== null && (p.provider !== info.provider || p.dtype !== info.dtype)) {
    throw new InputError(
      'provider',
      `study ${study.id} was started on ${p.provider} (${p.dtype}); resuming on ${info.provider} (${info.dtype}) would mix results from two runtimes`,
    );
  }
}

function emit(opts: RunOptions, progress: StudyProgress): void {
  opts.onProgress?.(progress);
}
