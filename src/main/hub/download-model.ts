// The model download workflow, the one place the CLI (`models download`) and the app's Models screen
// call: ask the hub which commit the revision is and what the repo holds, refuse early what the engine
// cannot run (architecture, no safetensors, no access, no disk space), fetch config.json and the shard
// index first, then the weights and tokenizer files in parallel into the Hugging Face cache, and only
// when every file is verified create the snapshot folder and refs/<revision>. Stopping at any point
// (cancel, kill, lost connection) keeps every finished blob and the partial file; the next call
// resumes.

import { existsSync, statSync } from 'node:fs';
import { InputError, isInputError } from '../../shared/errors';
import { readJsonFile, readJsonObject } from '../json-file';
import { prepareOutputFolder } from '../output-paths';
import type { FamilyModule } from '../engine/families/family';
import { resolveFamily } from '../engine/families/registry';
import { downloadCacheDir, linkPointer, repoCache, writeRef, type RepoCache } from './cache-layout';
import { checkFreeSpace } from './disk-space';
import { lockRepoDownload } from './download-lock';
import { ProgressTracker, type DownloadProgress } from './download-progress';
import { fetchBlob, type BlobFetch } from './fetch-blob';
import { checkAccess, listRepoFiles, revisionInfo, type HubSession, type RepoFile } from './hub-client';
import { checkRepoId, checkRevision, DEFAULT_REVISION, hubEndpoint } from './hub-repo';
import type { FoundToken } from './hub-token';
import { planFiles, shardsOfIndex } from './select-files';

export interface DownloadModelRequest {
  repoId: string;
  /** Branch, tag or commit (default main). */
  revision?: string;
  /** Hugging Face token to send (see hub-token.ts findHubToken), or null for none. */
  token: FoundToken | null;
  /** Default: the first Hugging Face cache folder ($HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub). */
  cacheDir?: string;
  /** For HF_ENDPOINT and the cache folder variables (default process.env). */
  env?: NodeJS.ProcessEnv;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Files transferred at once (default 4). */
  concurrency?: number;
  /** Pause before retrying a lost connection (default 1 s). */
  retryDelayMs?: number;
}

export interface DownloadedModel {
  repoId: string;
  revision: string;
  commit: string;
  /** The snapshot folder: a checkpoint folder the engine (and transformers) can open. */
  dir: string;
  files: { path: string; size: number }[];
  /** Sizes of the files fetched from the hub by this call (a resumed file counts whole), and of those already in the cache. */
  bytesDownloaded: number;
  bytesReused: number;
  /** What the download could not provide that some feature needs (e.g. no tokenizer.json). */
  warnings: string[];
}

export async function downloadModel(req: DownloadModelRequest): Promise<DownloadedModel> {
  const env = req.env ?? process.env;
  const repoId = checkRepoId(req.repoId);
  const revision = checkRevision(req.revision ?? DEFAULT_REVISION);
  const session: HubSession = {
    endpoint: hubEndpoint(env),
    repoId,
    revision,
    token: req.token?.token ?? null,
    tokenSource: req.token?.source ?? null,
    signal: req.signal,
  };
  const progress = new ProgressTracker({ repoId, revision }, req.onProgress ?? (() => {}));
  progress.report(true);

  const info = await revisionInfo(session);
  progress.commit = info.commit;
  if (info.modelType !== null) checkArchitecture({ model_type: info.modelType }, `${repoId} (the hub's summary of config.json)`);
  if (info.gated) await checkAccess(session);
  const listing = await listRepoFiles(session, info.commit);
  const plan = planFiles(listing, `${repoId}@${revision}`);

  // A cache that cannot be created or written is an error now, not after the first file.
  const cacheDir = prepareOutputFolder(req.cacheDir ?? downloadCacheDir(env), 'the Hugging Face cache');
  const cache = repoCache(cacheDir, repoId);
  const lock = lockRepoDownload(cacheDir, repoId);
  try {
    const job: BlobFetch = { session, cache, commit: info.commit, progress, retryDelayMs: req.retryDelayMs };
    const first = plan.index ? [plan.config, plan.index] : [plan.config];
    for (const f of [...first, ...plan.files]) progress.addFile(f.path, f.size);
    const results = await fetchAll(job, first, 1);
    checkArchitecture(readJsonObject(cache.blob(plan.config.etag)), `${repoId}/config.json`);
    const shards = plan.index ? shardsOfIndex(readJsonFile(cache.blob(plan.index.etag)), listing, `${repoId}/${plan.index.path}`) : [];
    for (const f of shards) progress.addFile(f.path, f.size);
    const rest = [...plan.files, ...shards];
    checkFreeSpace(cacheDir, bytesStillNeeded(cache, rest), `${repoId}@${revision}`);

    progress.stage = 'downloading';
    results.push(...(await fetchAll(job, rest, req.concurrency ?? 4)));
    const all = [...first, ...rest];
    for (const f of all) linkPointer(cache.blob(f.etag), cache.pointer(info.commit, f.path));
    writeRef(cache, revision, info.commit);
    progress.stage = 'done';
    progress.report(true);
    const downloaded = all.filter((_, i) => results[i]);
    const bytesDownloaded = downloaded.reduce((s, f) => s + f.size, 0);
    return {
      repoId,
      revision,
      commit: info.commit,
      dir: cache.snapshotDir(info.commit),
      files: all.map((f) => ({ path: f.path, size: f.size })),
      bytesDownloaded,
      bytesReused: all.reduce((s, f) => s + f.size, 0) - bytesDownloaded,
      warnings: all.some((f) => f.path === 'tokenizer.json')
        ? []
        : [`${repoId} has no tokenizer.json: studies run (special tokens are then taken from config.json), but token sets from words and words in previews need it.`],
    };
  } finally {
    lock.release();
  }
}

/** Fetches files `concurrency` at a time; the first failure stops the others and is rethrown. */
async function fetchAll(job: BlobFetch, files: RepoFile[], concurrency: number): Promise<boolean[]> {
  const stop = new AbortController();
  const outer = job.session.signal;
  const onOuterAbort = (): void => stop.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const session = { ...job.session, signal: stop.signal };
  const downloaded: boolean[] = new Array<boolean>(files.length).fill(false);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (!failure && next < files.length) {
      const i = next++;
      const file = files[i];
      if (!file) break;
      try {
        downloaded[i] = (await fetchBlob({ ...job, session }, file)).downloaded;
      } catch (error) {
        // A cancel surfaces as whatever the aborted operation threw; report the caller's reason.
        failure ??= { error: outer?.aborted ? outer.reason : error };
        stop.abort(error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, worker));
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
  }
  if (failure) throw (failure as { error: unknown }).error;
  return downloaded;
}

/** Bytes to fetch: files without a blob, less what their partial downloads already hold. */
function bytesStillNeeded(cache: RepoCache, files: RepoFile[]): number {
  let needed = 0;
  for (const f of files) {
    if (existsSync(cache.blob(f.etag))) continue;
    const partial = existsSync(cache.incomplete(f.etag)) ? statSync(cache.incomplete(f.etag)).size : 0;
    needed += f.size - Math.min(partial, f.size);
  }
  return needed;
}

/** The engine's own family and config checks on the repo's config, with what to do instead. */
function checkArchitecture(config: Record<string, unknown>, label: string): void {
  let family: FamilyModule;
  try {
    family = resolveFamily(config, label);
  } catch (err) {
    if (!isInputError(err)) throw err;
    throw new InputError(err.file, `${err.problem}. Choose a model of one of these types (e.g. meta-llama/Llama-3.2-1B, Qwen/Qwen2.5-7B, google/gemma-2-9b, gpt2).`);
  }
  if (Object.keys(config).length === 1) return; // the hub's summary has model_type only
  try {
    family.parseConfig(config, label);
  } catch (err) {
    if (!isInputError(err)) throw err;
    throw new InputError(err.file, `${err.problem}. The engine cannot run this checkpoint as it is: choose another model or revision.`);
  }
}
