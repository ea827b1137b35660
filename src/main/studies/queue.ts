// The app's study queue: studies run one at a time (one engine is what a machine holds), each as a
// study job (study-job.ts: engine, preparation, run). The order is stored (queue_position), so a
// restart finds the queue as it was: restore() re-queues the study that was running when the app
// stopped or crashed, then the waiting ones in order. Pause and cancel go through the stored
// status, so they also reach a study mid-batch; the job's signal stops its preparation.

import { ConflictError, NotFoundError } from '../../shared/errors';
import type { StudioError } from '../../shared/ipc/errors';
import { toStudioError, type ErrorLog } from '../api/dispatch';
import type { Store } from '../store/db';
import {
  getStudyRecord,
  listQueueOrder,
  listStudyRecords,
  setQueueOrder,
  transitionStudy,
  type StudyRecord,
  type StudyStatus,
} from '../store/studies-repo';
import { hasLiveRunner } from './active-runs';
import { runStudyJob, type JobProgress, type StudyJobOptions } from './study-job';
import { studyError } from './study-views';

export type QueueEvent =
  | { type: 'changed' }
  | { type: 'progress'; progress: JobProgress }
  | { type: 'finished'; studyId: number; status: 'done' | 'paused' | 'cancelled' }
  | { type: 'failed'; studyId: number; error: StudioError }
  /** A study's status changed (list views refresh it). */
  | { type: 'study'; studyId: number };

export type QueueListener = (event: QueueEvent) => void;

/** What each job gets besides the queue's own signal and progress (the engine opener...). */
export type JobDefaults = () => Omit<StudyJobOptions, 'signal' | 'onProgress'>;

interface Current {
  studyId: number;
  abort: AbortController;
  progress: JobProgress | null;
  /** Why the queue itself stopped the job, when it did. */
  stopping: 'shutdown' | null;
}

export class StudyQueue {
  private waiting: number[] = [];
  private current: Current | null = null;
  private loop: Promise<void> | null = null;
  private stopped = false;
  private readonly listeners = new Set<QueueListener>();

  constructor(
    private readonly store: Store,
    private readonly jobDefaults: JobDefaults = () => ({}),
    private readonly log?: ErrorLog,
  ) {}

  subscribe(listener: QueueListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The running study (with its latest progress) and the waiting ones, in order. */
  get snapshot(): { current: { studyId: number; progress: JobProgress | null } | null; waiting: number[] } {
    const current = this.current && { studyId: this.current.studyId, progress: this.current.progress };
    return { current, waiting: [...this.waiting] };
  }

  /**
   * At start: a study left 'running' by a dead process is re-queued first if the queue was running
   * it (it has a queue position), else marked paused (a CLI run that was killed: the user resumes
   * it); then every queued study is put in line, stored order first, then oldest first.
   */
  restore(): void {
    const positioned = new Set(listQueueOrder(this.store));
    const records = listStudyRecords(this.store);
    for (const s of records) {
      if (s.status !== 'running' || hasLiveRunner(this.store, s)) continue;
      transitionStudy(this.store, s.id, ['running'], positioned.has(s.id) ? 'queued' : 'paused');
    }
    const queued = listStudyRecords(this.store).filter((s) => s.status === 'queued' && !this.waiting.includes(s.id));
    queued.sort(byQueueOrder);
    this.waiting.push(...queued.map((s) => s.id));
    this.persist();
    this.changed();
    this.start();
  }

  /** Puts a study that is not done at the end of the line (paused, failed, cancelled or interrupted). */
  enqueue(studyId: number): void {
    if (this.current?.studyId === studyId || this.waiting.includes(studyId)) return;
    const study = this.require(studyId);
    if (study.status === 'done') throw new ConflictError(`study ${studyId}`, 'is done; duplicate it to run it again');
    if (study.status === 'running' && hasLiveRunner(this.store, study)) {
      throw new ConflictError(`study ${studyId}`, `is running in another process (${study.runnerPid ?? 'unknown'})`);
    }
    transitionStudy(this.store, studyId, ['paused', 'failed', 'cancelled', 'running'], 'queued');
    this.waiting.push(studyId);
    this.persist();
    this.studyChanged(studyId);
    this.changed();
    this.start();
  }

  resume(studyId: number): void {
    this.enqueue(studyId);
  }

  /** The running study pauses after its current batch (or its preparation stops); a waiting one leaves the line. */
  pause(studyId: number): void {
    const study = this.require(studyId);
    if (this.current?.studyId === studyId) {
      transitionStudy(this.store, studyId, ['queued', 'running'], 'paused');
      this.current.abort.abort();
    } else if (!this.removeWaiting(studyId) && study.status !== 'queued') {
      throw new ConflictError(`study ${studyId}`, `is ${study.status}, not running or waiting`);
    } else {
      transitionStudy(this.store, studyId, ['queued'], 'paused');
    }
    this.studyChanged(studyId);
  }

  /** Stops a study for good (results so far are kept; enqueue runs it again). */
  cancel(studyId: number): void {
    const study = this.require(studyId);
    if (study.status === 'done') throw new ConflictError(`study ${studyId}`, 'is done; there is nothing to cancel');
    // Status first: the runner reads it before its next batch and stops as cancelled, not paused.
    transitionStudy(this.store, studyId, ['queued', 'running', 'paused', 'failed'], 'cancelled');
    if (this.current?.studyId === studyId) this.current.abort.abort();
    else this.removeWaiting(studyId);
    this.studyChanged(studyId);
  }

  /** New order of the waiting studies: exactly the ids now waiting, each once. */
  reorder(ids: readonly number[]): void {
    const same = ids.length === this.waiting.length && new Set(ids).size === ids.length && ids.every((id) => this.waiting.includes(id));
    if (!same) {
      throw new ConflictError('queue', `the new order [${ids.join(', ')}] must list exactly the waiting studies [${this.waiting.join(', ')}]; the queue changed meanwhile`);
    }
    this.waiting = [...ids];
    this.persist();
    this.changed();
  }

  /** Forgets a study that is being deleted (a running one must be stopped first). */
  forget(studyId: number): void {
    if (this.current?.studyId === studyId) throw new ConflictError(`study ${studyId}`, 'is running; pause or cancel it before deleting it');
    this.removeWaiting(studyId);
  }

  /** Resolves once nothing runs and nothing waits. */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /**
   * For quitting: the running study stops after its current batch and stays first in line (queued),
   * the others keep their places; nothing new starts.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.current) {
      this.current.stopping = 'shutdown';
      this.current.abort.abort();
    }
    await this.idle();
  }

  private start(): void {
    if (this.stopped) return;
    this.loop ??= this.drain().finally(() => (this.loop = null));
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const studyId = this.waiting.shift();
      if (studyId === undefined) return;
      if (getStudyRecord(this.store, studyId)?.status !== 'queued') {
        this.persist();
        continue;
      }
      const current: Current = { studyId, abort: new AbortController(), progress: null, stopping: null };
      this.current = current;
      this.persist();
      this.changed();
      await this.runOne(current);
      this.current = null;
      if (current.stopping === 'shutdown') this.waiting.unshift(studyId);
      this.persist();
      this.studyChanged(studyId);
      this.changed();
    }
  }

  private async runOne(current: Current): Promise<void> {
    const { studyId } = current;
    try {
      const status = await runStudyJob(this.store, studyId, {
        ...this.jobDefaults(),
        signal: current.abort.signal,
        onProgress: (progress) => {
          if (current.progress === null) this.studyChanged(studyId);
          current.progress = progress;
          this.emit({ type: 'progress', progress });
        },
      });
      if (current.stopping === 'shutdown') {
        // Quitting paused it; it is still the user's queued study, first in line at the next start.
        transitionStudy(this.store, studyId, ['paused', 'running'], 'queued');
        return;
      }
      this.emit({ type: 'finished', studyId, status: finalStatus(status) });
    } catch (err) {
      const mapped = toStudioError(err, `study ${studyId}`, this.log);
      // The event says what the study's record says (the same message the history shows).
      const stored = getStudyRecord(this.store, studyId);
      this.emit({ type: 'failed', studyId, error: (stored && studyError(stored)) ?? mapped });
    }
  }

  private require(studyId: number): StudyRecord {
    const study = getStudyRecord(this.store, studyId);
    if (!study) throw new NotFoundError(`study ${studyId}`, 'no such study in the database');
    return study;
  }

  private removeWaiting(studyId: number): boolean {
    const before = this.waiting.length;
    this.waiting = this.waiting.filter((id) => id !== studyId);
    if (this.waiting.length === before) return false;
    this.persist();
    this.changed();
    return true;
  }

  /** The stored order: the running study first, then the waiting ones. */
  private persist(): void {
    setQueueOrder(this.store, this.current ? [this.current.studyId, ...this.waiting] : this.waiting);
  }

  private changed(): void {
    this.emit({ type: 'changed' });
  }

  private studyChanged(studyId: number): void {
    this.emit({ type: 'study', studyId });
  }

  private emit(event: QueueEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** A job that ended without error ended done, paused or cancelled ('queued': stopped before it ran). */
function finalStatus(status: StudyStatus): 'done' | 'paused' | 'cancelled' {
  return status === 'done' || status === 'cancelled' ? status : 'paused';
}

function byQueueOrder(a: StudyRecord, b: StudyRecord): number {
  const pa = a.queuePosition ?? Number.MAX_SAFE_INTEGER;
  const pb = b.queuePosition ?? Number.MAX_SAFE_INTEGER;
  return pa - pb || a.createdAt - b.createdAt || a.id - b.id;
}
