// An in-process FIFO of studies, run one at a time (one engine at a time is what a machine holds).
// Pause and cancel go through the stored status, so they also reach a study that is mid-batch; a
// study is only started if it is still 'queued' when its turn comes.

import type { Store } from '../store/db';
import { getStudyRecord, listStudyRecords, transitionStudy, type StudyStatus } from '../store/studies-repo';
import { hasLiveRunner } from './active-runs';
import { runStudy, type RunOptions, type StudyProgress } from './runner';
import { cancelStudy, pauseStudy } from './study-service';

export type QueueEvent =
  | { type: 'progress'; progress: StudyProgress }
  | { type: 'finished'; studyId: number; status: StudyStatus }
  | { type: 'error'; studyId: number; message: string }
  | { type: 'changed'; current: number | null; waiting: number[] };

export type QueueListener = (event: QueueEvent) => void;

export class StudyQueue {
  private waiting: number[] = [];
  private current: number | null = null;
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private readonly listeners = new Set<QueueListener>();

  /** `runOptions` supplies the engine (or factory) for each run; progress and signal are the queue's. */
  constructor(
    private readonly store: Store,
    private readonly runOptions: () => Omit<RunOptions, 'onProgress' | 'signal'> = () => ({}),
  ) {}

  subscribe(listener: QueueListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get state(): { current: number | null; waiting: number[] } {
    return { current: this.current, waiting: [...this.waiting] };
  }

  /** Adds a study (queued, paused, failed, cancelled or interrupted) to the end of the queue. */
  enqueue(studyId: number): void {
    if (this.current === studyId || this.waiting.includes(studyId)) return;
    const study = getStudyRecord(this.store, studyId);
    if (!study || study.status === 'done') return;
    if (study.status === 'running' && hasLiveRunner(this.store, study)) return;
    transitionStudy(this.store, studyId, ['paused', 'failed', 'cancelled', 'running'], 'queued');
    this.waiting.push(studyId);
    this.changed();
    this.loop ??= this.drain().finally(() => (this.loop = null));
  }

  /** Re-queues every study stored as 'queued' (after a restart), oldest first. */
  restore(): void {
    const queued = listStudyRecords(this.store).filter((s) => s.status === 'queued');
    for (const s of queued.reverse()) this.enqueue(s.id);
  }

  pause(studyId: number): void {
    this.remove(studyId);
    pauseStudy(this.store, studyId);
  }

  resume(studyId: number): void {
    this.enqueue(studyId);
  }

  cancel(studyId: number): void {
    this.remove(studyId);
    cancelStudy(this.store, studyId);
  }

  /** Resolves once the queue is empty. */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /** Pauses the running study after its batch and forgets the rest (they stay 'queued' in the store). */
  async stop(): Promise<void> {
    this.waiting = [];
    this.abort?.abort();
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (let id = this.waiting.shift(); id !== undefined; id = this.waiting.shift()) {
      if (getStudyRecord(this.store, id)?.status !== 'queued') continue;
      this.current = id;
      this.abort = new AbortController();
      this.changed();
      try {
        const status = await runStudy(this.store, id, {
          ...this.runOptions(),
          signal: this.abort.signal,
          onProgress: (progress) => this.emit({ type: 'progress', progress }),
        });
        this.emit({ type: 'finished', studyId: id, status });
      } catch (err) {
        this.emit({ type: 'error', studyId: id, message: err instanceof Error ? err.message : String(err) });
      } finally {
        this.current = null;
        this.abort = null;
        this.changed();
      }
    }
  }

  private remove(studyId: number): void {
    const before = this.waiting.length;
    this.waiting = this.waiting.filter((id) => id !== studyId);
    if (this.waiting.length !== before) this.changed();
  }

  private changed(): void {
    this.emit({ type: 'changed', ...this.state });
  }

  private emit(event: QueueEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
