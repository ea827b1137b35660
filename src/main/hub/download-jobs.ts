// The app's running downloads: one per repo at a time, each cancellable by repo id, each reporting
// progress tagged with its repo. The desktop app's handlers (and the browser bridge) hold one
// DownloadJobs; the CLI calls downloadModel directly. A cancelled download keeps its files and
// partial file, so starting it again resumes.

import { InputError } from '../../shared/errors';
import { downloadModel, type DownloadedModel, type DownloadModelRequest } from './download-model';
import type { DownloadProgress } from './download-progress';
import { checkRepoId } from './hub-repo';
import type { FoundToken } from './hub-token';

export interface DownloadJobsOptions {
  /** The token to use, looked up when each download starts (it may have been set meanwhile). */
  token: () => FoundToken | null;
  onProgress: (progress: DownloadProgress) => void;
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** The reason a cancelled download rejects with. */
export class DownloadCancelled extends Error {
  override name = 'DownloadCancelled';
  constructor(readonly repoId: string) {
    super(`${repoId}: download cancelled; finished files and the partial file are kept, so starting it again resumes`);
  }
}

export class DownloadJobs {
  private readonly running = new Map<string, { controller: AbortController; progress: DownloadProgress | null }>();

  constructor(private readonly options: DownloadJobsOptions) {}

  /** Runs a download to its end; InputError if this repo is already downloading. */
  async download(repoId: string, revision?: string, extra: Pick<DownloadModelRequest, 'concurrency' | 'retryDelayMs'> = {}): Promise<DownloadedModel> {
    const id = checkRepoId(repoId);
    if (this.running.has(id)) throw new InputError(id, 'is already downloading; wait for it or cancel it');
    const job = { controller: new AbortController(), progress: null as DownloadProgress | null };
    this.running.set(id, job);
    try {
      return await downloadModel({
        ...extra,
        repoId: id,
        revision,
        token: this.options.token(),
        cacheDir: this.options.cacheDir,
        env: this.options.env,
        signal: job.controller.signal,
        onProgress: (p) => {
          job.progress = p;
          this.options.onProgress(p);
        },
      });
    } finally {
      this.running.delete(id);
    }
  }

  /** Stops a running download; false if that repo is not downloading. */
  cancel(repoId: string): boolean {
    const job = this.running.get(repoId.trim());
    if (!job) return false;
    job.controller.abort(new DownloadCancelled(repoId.trim()));
    return true;
  }

  /** The latest progress of every running download (for a window that opens mid-download). */
  active(): DownloadProgress[] {
    return [...this.running.values()].flatMap((j) => (j.progress ? [j.progress] : []));
  }

  cancelAll(): void {
    for (const repoId of this.running.keys()) this.cancel(repoId);
  }
}
