// One repo file into the cache's blobs folder: a blob already there is re-hashed (it may come from an
// interrupted copy or another tool) and kept only if it matches the hub's hash; otherwise the file is
// transferred into `<etag>.incomplete` (resuming what is there) and renamed into place once verified.

import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RepoCache } from './cache-layout';
import type { HubSession, RepoFile } from './hub-client';
import type { ProgressTracker } from './download-progress';
import { contentHasher, hashFileInto } from './file-hash';
import { transferFile } from './file-transfer';
import { resolveUrl } from './hub-repo';

export interface BlobFetch {
  session: HubSession;
  cache: RepoCache;
  commit: string;
  progress: ProgressTracker;
  retryDelayMs?: number;
}

export interface BlobResult {
  /** Whether the file came over the network (false when the cached blob was good). */
  downloaded: boolean;
}

export async function fetchBlob(job: BlobFetch, file: RepoFile): Promise<BlobResult> {
  const { cache, progress, session } = job;
  const blob = cache.blob(file.etag);
  if (existsSync(blob)) {
    progress.setState(file.path, 'verifying', 0);
    if (await blobMatches(blob, file, session.signal)) {
      progress.setState(file.path, 'done', file.size);
      return { downloaded: false };
    }
    rmSync(blob, { force: true });
  }
  const incomplete = cache.incomplete(file.etag);
  mkdirSync(dirname(incomplete), { recursive: true });
  const partial = existsSync(incomplete) ? statSync(incomplete).size : 0;
  progress.setState(file.path, 'downloading', partial <= file.size ? partial : 0);
  await transferFile({
    ctx: session,
    token: session.token,
    url: resolveUrl(session.endpoint, session.repoId, job.commit, file.path),
    file,
    incompletePath: incomplete,
    onBytes: (delta) => progress.transferred(file.path, delta),
    signal: session.signal,
    retryDelayMs: job.retryDelayMs,
  });
  renameSync(incomplete, blob);
  progress.setState(file.path, 'done', file.size);
  return { downloaded: true };
}

async function blobMatches(path: string, file: RepoFile, signal?: AbortSignal): Promise<boolean> {
  if (statSync(path).size !== file.size) return false;
  const hasher = contentHasher(file.hash, file.size);
  await hashFileInto(hasher, path, undefined, signal);
  return hasher.digest() === file.etag;
}
