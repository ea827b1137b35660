// Study rows: the spec as given, what it resolved to (model, token set, score set, sampled tokens),
// status, and provenance (which app, runtime, provider and dtype produced the results, and how long).

import { NotFoundError, type InputError } from '../../shared/errors';
import type { ErrorKind } from '../../shared/ipc/errors';
import type { StudySpec, StudyStatus } from '../../shared/study/types';
import { blobInt32, int32Blob } from './blobs';
import { insertedId, prepare, type Store } from './db';
import { readStoredStudySpec, STUDY_SPEC_VERSION } from './stored-json';

export type { StudyStatus };

export interface Provenance {
  appVersion: string | null;
  ortVersion: string | null;
  provider: string | null;
  dtype: string | null;
  engineVersion: string | null;
  modelChecksum: string | null;
  compileMs: number | null;
  /** Engine time summed over every run session of the study. */
  runMs: number;
}

export interface StudyRecord {
  id: number;
  name: string;
  notes: string;
  spec: StudySpec;
  modelId: number;
  tokenSetId: number;
  scoreSetId: number | null;
  /** The N tokens sampled from the token set with the study seed; every trial permutes these. */
  promptTokens: Int32Array;
  seed: number;
  permutations: number;
  seqLen: number;
  batchSize: number;
  status: StudyStatus;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  provenance: Provenance;
  /** Process id of the runner working on it, while one is (a 'running' study whose runner is gone crashed). */
  runnerPid: number | null;
  /** Which process that id named when it claimed the study (see studies/process-identity.ts), where known. */
  runnerIdentity: string | null;
  /** Place in the app's queue while it waits there (ascending), else null. */
  queuePosition: number | null;
  /** What kind of error failed it (see shared/ipc/errors.ts), with `error`. */
  errorKind: ErrorKind | null;
}

export type NewStudy = Pick<
  StudyRecord,
  'name' | 'spec' | 'modelId' | 'tokenSetId' | 'scoreSetId' | 'seed' | 'permutations' | 'seqLen' | 'batchSize'
> & { notes?: string; promptTokens: ArrayLike<number> };

interface StudyRow {
  id: number;
  name: string;
  notes: string;
  spec: string;
  model_id: number;
  token_set_id: number;
  score_set_id: number | null;
  prompt_tokens: Buffer;
  seed: number;
  permutations: number;
  seq_len: number;
  batch_size: number;
  status: StudyStatus;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  app_version: string | null;
  ort_version: string | null;
  provider: string | null;
  dtype: string | null;
  engine_version: string | null;
  model_checksum: string | null;
  compile_ms: number | null;
  run_ms: number;
  runner_pid: number | null;
  runner_identity: string | null;
  queue_position: number | null;
  error_kind: ErrorKind | null;
  spec_version: number;
}

const INSERT = `
  INSERT INTO studies (name, notes, spec, spec_version, model_id, token_set_id, score_set_id, prompt_tokens,
                       seed, permutations, seq_len, batch_size, status, created_at)
  VALUES (@name, @notes, @spec, @specVersion, @modelId, @tokenSetId, @scoreSetId, @promptTokens,
          @seed, @permutations, @seqLen, @batchSize, 'queued', @createdAt)
  RETURNING id`;

export function insertStudy(store: Store, s: NewStudy): number {
  const row = prepare<[Record<string, unknown>], { id: number }>(store.db, INSERT).get({
    name: s.name,
    notes: s.notes ?? '',
    spec: JSON.stringify(s.spec),
    specVersion: STUDY_SPEC_VERSION,
    modelId: s.modelId,
    tokenSetId: s.tokenSetId,
    scoreSetId: s.scoreSetId,
    promptTokens: int32Blob(s.promptTokens),
    seed: s.seed,
    permutations: s.permutations,
    seqLen: s.seqLen,
    batchSize: s.batchSize,
    createdAt: Date.now(),
  });
  return insertedId(row, `study ${s.name}`);
}

export function getStudyRecord(store: Store, id: number): StudyRecord | undefined {
  const row = prepare<[number], StudyRow>(store.db, `SELECT * FROM studies WHERE id = ?`).get(id);
  return row && toRecord(store, row);
}

/** The study's record; a NotFoundError (an InputError) naming `study <id>` when the database has none. */
export function requireStudyRecord(store: Store, id: number): StudyRecord {
  const study = getStudyRecord(store, id);
  if (!study) throw noSuchStudy(id);
  return study;
}

export function noSuchStudy(id: number): InputError {
  return new NotFoundError(`study ${id}`, 'no such study in the database');
}

/** Every study, newest first. */
export function listStudyRecords(store: Store): StudyRecord[] {
  return prepare<[], StudyRow>(store.db, `SELECT * FROM studies ORDER BY created_at DESC, id DESC`)
    .all()
    .map((row) => toRecord(store, row));
}

export function getStudyStatus(store: Store, id: number): StudyStatus | undefined {
  return prepare<[number], StudyStatus>(store.db, `SELECT status FROM studies WHERE id = ?`).pluck().get(id);
}

/**
 * Moves a study to `to` only if its status is one of `from` (compare-and-set, so a pause from another
 * connection is never overwritten). Returns whether it changed.
 */
export function transitionStudy(
  store: Store,
  id: number,
  from: readonly StudyStatus[],
  to: StudyStatus,
  error: string | null = null,
  errorKind: ErrorKind | null = error === null ? null : 'internal',
): boolean {
  const sql = `UPDATE studies SET status = ?, error = ?, error_kind = ? WHERE id = ? AND status IN (SELECT value FROM json_each(?))`;
  return prepare(store.db, sql).run(to, error, errorKind, id, JSON.stringify(from)).changes === 1;
}

/** A runner process: its id, and which process that id names (null where the system does not say). */
export interface Runner {
  pid: number;
  identity: string | null;
}

/**
 * Records a run session's start (status running, this process as runner, this engine's provenance)
 * if the status is still `expected`; false if it changed meanwhile (e.g. paused while loading).
 */
export function recordStudyStart(
  store: Store,
  id: number,
  expected: StudyStatus,
  p: Omit<Provenance, 'runMs'>,
  runner: Runner,
): boolean {
  const sql = `
    UPDATE studies SET status = 'running', error = NULL, error_kind = NULL, started_at = coalesce(started_at, @now),
      finished_at = NULL, app_version = @appVersion, ort_version = @ortVersion, provider = @provider,
      dtype = @dtype, engine_version = @engineVersion, model_checksum = @modelChecksum,
      compile_ms = @compileMs, runner_pid = @runnerPid, runner_identity = @runnerIdentity
    WHERE id = @id AND status = @expected`;
  return prepare<[Record<string, unknown>]>(store.db, sql).run({ ...p, id, expected, runnerPid: runner.pid, runnerIdentity: runner.identity, now: Date.now() }).changes === 1;
}

/**
 * Sets the runner mark to `runnerPid` if it is still `seen` (null, or a runner found dead); false if
 * another process claimed the study first.
 */
export function claimStudyRunner(store: Store, id: number, runner: Runner, seen: number | null): boolean {
  const sql = `UPDATE studies SET runner_pid = ?, runner_identity = ? WHERE id = ? AND runner_pid IS ?`;
  return prepare(store.db, sql).run(runner.pid, runner.identity, id, seen).changes === 1;
}

/** Clears the runner mark, if it is still this runner's. */
export function releaseStudyRunner(store: Store, id: number, runnerPid: number): void {
  prepare(store.db, `UPDATE studies SET runner_pid = NULL, runner_identity = NULL WHERE id = ? AND runner_pid = ?`).run(id, runnerPid);
}

/** Adds engine time to run_ms (called with each written batch, so a crash loses at most one batch's). */
export function addRunTime(store: Store, id: number, ms: number): void {
  prepare(store.db, `UPDATE studies SET run_ms = run_ms + ? WHERE id = ?`).run(ms, id);
}

export function recordStudyFinished(store: Store, id: number): void {
  prepare(store.db, `UPDATE studies SET status = 'done', error = NULL, error_kind = NULL, finished_at = ? WHERE id = ?`).run(
    Date.now(),
    id,
  );
}

export function setStudyBatchSize(store: Store, id: number, batchSize: number): void {
  prepare(store.db, `UPDATE studies SET batch_size = ? WHERE id = ?`).run(batchSize, id);
}

export function setStudyScoreSet(store: Store, id: number, scoreSetId: number): void {
  prepare(store.db, `UPDATE studies SET score_set_id = ? WHERE id = ?`).run(scoreSetId, id);
}

export function setStudyName(store: Store, id: number, name: string): boolean {
  return prepare(store.db, `UPDATE studies SET name = ? WHERE id = ?`).run(name, id).changes === 1;
}

export function setStudyNotes(store: Store, id: number, notes: string): boolean {
  return prepare(store.db, `UPDATE studies SET notes = ? WHERE id = ?`).run(notes, id).changes === 1;
}

/** Records the kind of error that failed the study (its message is written with the status). */
export function setStudyErrorKind(store: Store, id: number, kind: ErrorKind | null): void {
  prepare(store.db, `UPDATE studies SET error_kind = ? WHERE id = ?`).run(kind, id);
}

/** Writes the queue's order: `ids[i]` gets position i; every other study leaves the queue. */
export function setQueueOrder(store: Store, ids: readonly number[]): void {
  prepare(store.db, `UPDATE studies SET queue_position = NULL WHERE queue_position IS NOT NULL`).run();
  const place = prepare(store.db, `UPDATE studies SET queue_position = ? WHERE id = ?`);
  ids.forEach((id, i) => place.run(i, id));
}

/** Ids of the studies with a queue position, in queue order. */
export function listQueueOrder(store: Store): number[] {
  return prepare<[], number>(store.db, `SELECT id FROM studies WHERE queue_position IS NOT NULL ORDER BY queue_position, id`)
    .pluck()
    .all();
}

/** Deletes the study; its conditions, trials and results go with it (ON DELETE CASCADE). */
export function deleteStudyRow(store: Store, id: number): boolean {
  return prepare(store.db, `DELETE FROM studies WHERE id = ?`).run(id).changes === 1;
}

function toRecord(store: Store, r: StudyRow): StudyRecord {
  return {
    id: r.id,
    name: r.name,
    notes: r.notes,
    spec: readStoredStudySpec(`study ${r.id} in ${store.path}`, r.spec, r.spec_version),
    modelId: r.model_id,
    tokenSetId: r.token_set_id,
    scoreSetId: r.score_set_id,
    promptTokens: blobInt32(r.prompt_tokens),
    seed: r.seed,
    permutations: r.permutations,
    seqLen: r.seq_len,
    batchSize: r.batch_size,
    status: r.status,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    provenance: {
      appVersion: r.app_version,
      ortVersion: r.ort_version,
      provider: r.provider,
      dtype: r.dtype,
      engineVersion: r.engine_version,
      modelChecksum: r.model_checksum,
      compileMs: r.compile_ms,
      runMs: r.run_ms,
    },
    runnerPid: r.runner_pid,
    runnerIdentity: r.runner_identity,
    queuePosition: r.queue_position,
    errorKind: r.error_kind,
  };
}
