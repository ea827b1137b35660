// Model downloads started from the Models screen: each a numbered job that runs in the background
// through the hub service's DownloadJobs (one per repo at a time), whose every progress snapshot and
// end (done, failed with the service's exact message, cancelled) goes out as a job view. The jobs of
// this session stay listed so a window opened later sees them; the files live in the Hugging Face
// cache, so a cancelled or failed job started again resumes.

import { ConflictError } from '../../shared/errors';
import type { DownloadJobView } from '../../shared/ipc/hub';
import type { StudioError } from '../../shared/ipc/errors';
import { DownloadCancelled, DownloadJobs } from '../hub/download-jobs';
import type { DownloadedModel } from '../hub/download-model';
import type { DownloadProgress } from '../hub/download-progress';
import { checkRepoId, checkRevision, DEFAULT_REVISION } from '../hub/hub-repo';
import type { FoundToken } from '../hub/hub-token';

export interface HubDownloadsOptions {
  /** The token to send, looked up as each download starts. */
  token: () => FoundToken | null;
  env: NodeJS.ProcessEnv;
  /** Every change of a job (progress, end). */
  onChange: (job: DownloadJobView) => void;
  /** A download's failure as the contract's error data. */
  toError: (err: unknown) => StudioError;
  /** A download finished and its snapshot is in the cache. */
  onDone?: (model: DownloadedModel) => void;
}

export class HubDownloads {
  private readonly jobs = new Map<number, DownloadJobView>();
  private readonly runs = new Set<Promise<void>>();
  private readonly service: DownloadJobs;
  private nextId = 1;
  /** The job whose progress the service is reporting, by repo id (one running download per repo). */
  private readonly runningByRepo = new Map<string, number>();

  constructor(private readonly options: HubDownloadsOptions) {
    this.service = new DownloadJobs({ token: options.token, env: options.env, onProgress: (p) => this.progressed(p) });
  }

  /** Starts a download and returns its job id; bad ids and a repo already downloading fail at once. */
  start(repoIdText: string, revisionText?: string): number {
    const repoId = checkRepoId(repoIdText, 'repoId');
    const revision = checkRevision(revisionText ?? DEFAULT_REVISION);
    const busy = this.runningByRepo.get(repoId);
    if (busy !== undefined) throw new ConflictError(repoId, `is already downloading (download ${busy}); wait for it or cancel it`);
    const id = this.nextId++;
    this.jobs.set(id, emptyJob(id, repoId, revision));
    this.runningByRepo.set(repoId, id);
    const run = this.run(id, repoId, revision);
    this.runs.add(run);
    void run.finally(() => this.runs.delete(run));
    return id;
  }

  /** Newest first. */
  list(): DownloadJobView[] {
    return [...this.jobs.values()].sort((a, b) => b.id - a.id);
  }

  /** Stops a running job; false if it is not running. */
  cancel(id: number): boolean {
    const job = this.jobs.get(id);
    return job?.state === 'running' ? this.service.cancel(job.repoId) : false;
  }

  cancelAll(): void {
    this.service.cancelAll();
  }

  /** Resolves once every job has ended. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.runs]);
  }

  private async run(id: number, repoId: string, revision: string): Promise<void> {
    try {
      const model = await this.service.download(repoId, revision);
      this.update(id, { state: 'done', phase: 'done', dir: model.dir, commit: model.commit, warnings: model.warnings, etaSeconds: 0 });
      this.options.onDone?.(model);
    } catch (err) {
      const cancelled = err instanceof DownloadCancelled;
      this.update(id, { state: cancelled ? 'cancelled' : 'failed', rate: 0, etaSeconds: null, error: cancelled ? null : this.options.toError(err) });
    } finally {
      this.runningByRepo.delete(repoId);
    }
  }

  private progressed(p: DownloadProgress): void {
    const id = this.runningByRepo.get(p.repoId);
    if (id === undefined) return;
    // The service reports `done` before the job's result is known; the job is done once run() says so.
    const { repoId: _repoId, revision: _revision, stage, ...numbers } = p;
    this.update(id, { ...numbers, phase: stage === 'done' ? 'downloading' : stage, files: p.files.map((f) => ({ ...f })) });
  }

  private update(id: number, change: Partial<DownloadJobView>): void {
    const job = this.jobs.get(id);
    if (!job) return;
    const next = { ...job, ...change };
    this.jobs.set(id, next);
    this.options.onChange(next);
  }
}

function emptyJob(id: number, repoId: string, revision: string): DownloadJobView {
  return {
    id,
    repoId,
    revision,
    commit: null,
    state: 'running',
    phase: 'preparing',
    files: [],
    filesDone: 0,
    bytesDone: 0,
    bytesTotal: 0,
    rate: 0,
    etaSeconds: null,
    error: null,
    dir: null,
    warnings: [],
    startedAt: Date.now(),
  };
}
