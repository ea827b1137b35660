// Downloads one file of a repo into its `blobs/<etag>.incomplete`, resuming by byte range from what
// is already there (left by a killed run, a lost connection or an older huggingface_hub), and checks
// the result against the hub's hash before the caller moves it into place. Mirrors huggingface_hub's
// http_get: `Range: bytes=N-`, a 200 answer to a range request restarts the file, a connection lost
// mid-file is retried from where it stopped (five tries without progress, then an error), and the
// Authorization header is only ever sent to the hub itself, never to the CDN it redirects to.

import { open, rm, stat } from 'node:fs/promises';
import { InputError } from '../../shared/errors';
import type { RepoFile } from './hub-client';
import { hubRefusalError, refusalOf, unreachableError, type HubRequestContext } from './hub-errors';
import { formatBytes } from '../../shared/format-bytes';
import { contentHasher, hashFileInto, type ContentHasher } from './file-hash';

export interface TransferOptions {
  ctx: HubRequestContext;
  token: string | null;
  /** The file's resolve URL at the download's commit. */
  url: string;
  file: RepoFile;
  incompletePath: string;
  /** Bytes added to (or, on a restart, taken from) this file's progress. */
  onBytes(delta: number): void;
  signal?: AbortSignal;
  /** Attempts in a row that bring no new byte before giving up (huggingface_hub: 5). */
  retries?: number;
  /** Pause before retrying after a lost connection or a 5xx answer. */
  retryDelayMs?: number;
}

const MAX_REDIRECTS = 10;

/** Resolves once `incompletePath` holds exactly the file's bytes, verified against its hash. */
export async function transferFile(opts: TransferOptions): Promise<void> {
  const { file, incompletePath, onBytes } = opts;
  let offset = await partialSize(incompletePath, file.size);
  let hasher = contentHasher(file.hash, file.size);
  if (offset > 0) await hashFileInto(hasher, incompletePath, undefined, opts.signal);
  let failuresInARow = 0;
  let corruptRestarts = 0;
  const restart = async (): Promise<void> => {
    await rm(incompletePath, { force: true });
    onBytes(-offset);
    offset = 0;
    hasher = contentHasher(file.hash, file.size);
  };

  for (;;) {
    if (offset === file.size) {
      const digest = hasher.digest();
      if (digest === file.etag) return;
      // A damaged partial or a bad transfer: start the file again once, then give up loudly.
      if (corruptRestarts++ >= 1) {
        await rm(incompletePath, { force: true });
        throw new InputError(
          `${opts.ctx.repoId}/${file.path}`,
          `the downloaded bytes do not match the hub's ${file.hash} (expected ${file.etag}, got ${digest}), twice; the file was discarded. Download again later.`,
        );
      }
      await restart();
      continue;
    }
    const before = offset;
    try {
      const response = await openFrom(opts, offset);
      if (response.status === 416 || !rangeStartsAt(response, offset)) {
        // The server cannot continue from `offset`: ask for the whole file.
        await response.body?.cancel();
        await restart();
        continue;
      }
      // A 200 answer to a range request is the whole file (the server ignored the range).
      if (response.status === 200 && offset > 0) await restart();
      offset = await appendBody(response, opts, offset, hasher);
      if (offset > file.size) {
        corruptRestarts++;
        await restart();
      }
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (err instanceof LostConnection) offset = err.offset;
      else if (err instanceof HubRefusal ? !err.retryable : !(err instanceof TypeError)) throw unwrap(err);
      if (offset === before && ++failuresInARow >= (opts.retries ?? 5)) throw gaveUp(err, opts, failuresInARow, offset);
      await pause(opts.retryDelayMs ?? 1000, opts.signal);
    }
    if (offset > before) failuresInARow = 0;
  }
}

/** Size of a usable partial download: 0 when there is none or it is longer than the file. */
async function partialSize(path: string, size: number): Promise<number> {
  const existing = await stat(path).then((s) => s.size, () => 0);
  if (existing > size) {
    await rm(path, { force: true });
    return 0;
  }
  return existing;
}

/** GET from `offset`, following redirects by hand so the token never leaves the hub's origin. */
async function openFrom(opts: TransferOptions, offset: number): Promise<Response> {
  const hubOrigin = new URL(opts.ctx.endpoint).origin;
  let url = opts.url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
    if (offset > 0) headers.Range = `bytes=${offset}-`;
    if (opts.token && new URL(url).origin === hubOrigin) headers.Authorization = `Bearer ${opts.token}`;
    const response = await fetch(url, { headers, redirect: 'manual', signal: opts.signal });
    const location = response.headers.get('Location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      url = new URL(location, url).href;
      continue;
    }
    if (!response.ok && response.status !== 416) {
      const refusal = refusalOf(response);
      await response.body?.cancel();
      throw new HubRefusal(hubRefusalError({ ...refusal, url }, opts.ctx), refusal.status >= 500 || refusal.status === 429);
    }
    return response;
  }
  throw new InputError(opts.ctx.repoId, `more than ${MAX_REDIRECTS} redirects for ${opts.url}`);
}

/** A 206 must continue exactly at `offset`; anything else (200) is a whole file. */
function rangeStartsAt(response: Response, offset: number): boolean {
  if (response.status !== 206) return true;
  const match = /^bytes (\d+)-/.exec(response.headers.get('Content-Range') ?? '');
  return match !== null && Number(match[1]) === offset;
}

/** Appends the body to the partial file; a lost connection keeps every byte received before it. */
async function appendBody(response: Response, opts: TransferOptions, start: number, hasher: ContentHasher): Promise<number> {
  let offset = response.status === 206 ? start : 0;
  const handle = await open(opts.incompletePath, offset === 0 ? 'w' : 'a');
  try {
    if (!response.body) return offset;
    for await (const chunk of chunksOf(response.body, opts.signal)) {
      await handle.write(chunk);
      hasher.update(chunk);
      offset += chunk.length;
      opts.onBytes(chunk.length);
      if (offset > opts.file.size) break;
    }
    return offset;
  } catch (err) {
    throw new LostConnection(err, offset);
  } finally {
    await handle.close();
  }
}

/**
 * The chunks of a response body, ending as soon as `signal` aborts. Node 20's fetch does not always
 * settle a pending read of an aborted body (seen when the whole body had already arrived), so the
 * read races the signal, and the reader is cancelled without waiting for it.
 */
async function* chunksOf(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {}); // rejected only while a read is raced against it
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) return;
      yield value;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => {});
  }
}

/** A refusal worth a retry (5xx, 429) or not (401, 403, 404...). */
class HubRefusal extends Error {
  constructor(
    readonly error: InputError,
    readonly retryable: boolean,
  ) {
    super(error.message);
  }
}

/** The body stopped before the end; `offset` bytes of the file are on disk. */
class LostConnection extends Error {
  constructor(
    override readonly cause: unknown,
    readonly offset: number,
  ) {
    super('connection lost mid-file');
  }
}

/** The error after `tries` attempts in a row brought nothing. */
function gaveUp(err: unknown, opts: TransferOptions, tries: number, offset: number): unknown {
  if (err instanceof HubRefusal) return err.error;
  if (!(err instanceof LostConnection)) return unreachableError(err, opts.ctx);
  return new InputError(
    opts.ctx.repoId,
    `the connection to ${opts.ctx.endpoint} broke ${tries} times in a row while downloading ${opts.file.path}, with no progress. ` +
      `Finished files and the ${formatBytes(offset)} received of this one are kept: download again to resume.`,
  );
}

function unwrap(err: unknown): unknown {
  return err instanceof HubRefusal ? err.error : err;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
