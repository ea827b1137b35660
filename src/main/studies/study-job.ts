// A study's job, from queued to stopped: open an engine (hashing and compiling as needed), prepare
// what the study still lacks (induction scores, conditions, trials), then run its missing work.
// One function for the app's queue and the CLI (`run`, `demo`, `studies resume`), reporting one
// progress stream with phases. A stop requested through the signal (pause, cancel, quitting) ends
// the job at the next safe point; any other error marks the study failed, with its kind.

import type { StudyPhase } from '../../shared/ipc/studies';
import { errorKindOf } from '../../shared/ipc/errors';
import { NotFoundError } from '../../shared/errors';
import type { Engine, EngineProgress } from '../engine/engine-types';
import type { InductionParams } from '../models/induction-scores';
import type { Store } from '../store/db';
import { listConditions } from '../store/conditions-repo';
import { getModel } from '../store/models-repo';
import { getStudyRecord, getStudyStatus, transitionStudy, type StudyStatus } from '../store/studies-repo';
import { insertThroughput } from '../store/throughput-repo';
import { isPrepared, prepareStudy } from './create-study';
import { openStudyEngine, type OpenEngine } from './engine-source';
import { runStudy, type StudyProgress } from './runner';
import { studyWantsLayerReuse } from './study-reuse';

export interface JobProgress {
  studyId: number;
  phase: StudyPhase;
  /** Rows (condition x trial) stored / all rows (0 / 0 until the study is prepared). */
  done: number;
  total: number;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  /** Within the phase, 0..1, where known. */
  fraction: number | null;
  message: string;
  /** In the running phase: the study's status (done, paused... on the last report). */
  status?: StudyStatus;
}

export interface StudyJobOptions {
  /** An open engine on the study's model (left open); else one is opened with openEngine and closed. */
  engine?: Engine;
  openEngine?: OpenEngine;
  /** Overrides the spec's provider (e.g. resuming a CUDA study on the CPU). */
  provider?: 'auto' | 'cpu' | 'cuda';
  induction?: Partial<InductionParams>;
  /** Rows per batch, only before the first result (see RunOptions.batchSize). */
  batchSize?: number;
  /** Aborting stops the job at the next safe point (the runner pauses a running study). */
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
  /** Called once the study is prepared, before its first batch. */
  onPrepared?: (engine: Engine) => void;
}

/** Stops a preparation step when the job's signal fires. */
class JobStopped extends Error {
  override name = 'JobStopped';
}

export async function runStudyJob(store: Store, studyId: number, opts: StudyJobOptions = {}): Promise<StudyStatus> {
  const study = getStudyRecord(store, studyId);
  if (!study) throw new NotFoundError(`study ${studyId}`, 'no such study in the database');
  if (study.status === 'done') return 'done';
  const model = getModel(store, study.modelId);
  if (!model) throw new Error(`study ${studyId} lost its model row`);
  const emit = (p: Omit<JobProgress, 'studyId'>) => opts.onProgress?.({ studyId, ...p });
  const stopped = () => opts.signal?.aborted ?? false;
  const checkStop = () => {
    if (stopped()) throw new JobStopped('stopped');
  };

  let engine = opts.engine;
  // After loading, the engine only compiles again for the induction scores (the patterns graph).
  let loaded = false;
  try {
    emit({ phase: 'preparing', done: 0, total: 0, rowsPerSecond: null, etaSeconds: null, fraction: null, message: `Opening ${model.path}` });
    // A prepared study knows its reuse mode; one still to be scored opens on the spec's guess.
    const conditions = listConditions(store, studyId);
    const reuse = conditions.length > 0 ? studyWantsLayerReuse(model.spec, study.spec, conditions, opts.batchSize ?? study.batchSize) : undefined;
    engine ??= await openStudyEngine(model, study.spec, opts.openEngine, {
      reuse,
      provider: opts.provider,
      signal: opts.signal,
      onProgress: (e) => emit(engineProgress(e, loaded ? 'scoring' : null)),
    });
    loaded = true;
    checkStop();
    if (!isPrepared(store, studyId)) {
      emit({ phase: 'scoring', done: 0, total: 0, rowsPerSecond: null, etaSeconds: null, fraction: 0, message: 'Preparing: induction scores, conditions and trials' });
      await prepareStudy(store, studyId, engine, {
        induction: opts.induction,
        onScoring: (done, total) => {
          checkStop();
          emit({ phase: 'scoring', done: 0, total: 0, rowsPerSecond: null, etaSeconds: null, fraction: done / total, message: `Induction scores: ${done}/${total} sequences` });
        },
      });
    }
    checkStop();
    opts.onPrepared?.(engine);
    const session = sessionMeter();
    const status = await runStudy(store, studyId, {
      engine,
      batchSize: opts.batchSize,
      signal: opts.signal,
      onProgress: (p) => {
        session.see(p);
        emit(runningProgress(p));
      },
    });
    const sample = session.sample();
    if (sample) {
      const info = engine.info;
      const latest = getStudyRecord(store, studyId);
      const batchSize = latest?.batchSize ?? study.batchSize;
      insertThroughput(store, { modelId: model.id, provider: info.provider, dtype: info.dtype, seqLen: study.seqLen, batchSize, ...sample, source: 'study' });
    }
    return status;
  } catch (err) {
    // A stop asked for while loading or preparing ends the job without blaming the study.
    if (stopped()) return getStudyStatus(store, studyId) ?? 'cancelled';
    const message = err instanceof Error ? err.message : String(err);
    // The runner records its own failures; these are the ones from loading and preparing.
    transitionStudy(store, studyId, ['queued', 'running', 'paused'], 'failed', message, errorKindOf(err));
    throw err;
  } finally {
    if (!opts.engine && engine) await engine.close();
  }
}

function engineProgress(e: EngineProgress, during: StudyPhase | null): Omit<JobProgress, 'studyId'> {
  const phase: StudyPhase = during ?? (e.stage === 'hash' ? 'preparing' : 'compiling');
  return { phase, done: 0, total: 0, rowsPerSecond: null, etaSeconds: null, fraction: e.fraction ?? null, message: e.message };
}

function runningProgress(p: StudyProgress): Omit<JobProgress, 'studyId'> {
  return {
    phase: 'running',
    done: p.done,
    total: p.total,
    rowsPerSecond: p.rowsPerSecond > 0 ? p.rowsPerSecond : null,
    etaSeconds: p.etaSeconds,
    fraction: p.total > 0 ? p.done / p.total : null,
    message: `${p.done}/${p.total} rows`,
    status: p.status,
  };
}

/** Rows computed in this run session and the engine rate over them: a throughput sample. */
function sessionMeter() {
  let first: StudyProgress | null = null;
  let last: StudyProgress | null = null;
  return {
    see(p: StudyProgress) {
      first ??= p;
      last = p;
    },
    sample(): { rows: number; ms: number } | null {
      if (!first || !last || last.rowsPerSecond <= 0) return null;
      const rows = last.done - first.done;
      return rows > 0 ? { rows, ms: (1000 * rows) / last.rowsPerSecond } : null;
    },
  };
}
