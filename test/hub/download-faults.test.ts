// Downloads that go wrong on the way, against the local hub: a connection dropped mid-file (resumed
// by byte range), one that keeps dropping (an error that keeps the partial file, then a resume),
// corrupted bytes (detected by sha256 and fetched again; twice is an error), a damaged partial file
// left on disk, and a cancel (partial kept, lock released).

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors';
import { formatBytes } from '../../src/shared/format-bytes';
import { DownloadCancelled, DownloadJobs } from '../../src/main/hub/download-jobs';
import { downloadModel } from '../../src/main/hub/download-model';
import type { DownloadProgress } from '../../src/main/hub/download-progress';
import { sha256Hex, startHubServer, type HubServer } from '../helpers/hub-server';
import { DEMO_REPO, demoFile, testRepos, USERS } from './hub-fixtures';
import { removeTempDirs, tempDir } from '../helpers/temp-files';

let hub: HubServer;
const weights = demoFile('model.safetensors');
const sha = sha256Hex(weights);
const blobDir = (cacheDir: string): string => join(cacheDir, 'models--studio-tests--demo-induction', 'blobs');

beforeAll(async () => {
  hub = await startHubServer(testRepos().repos, USERS);
});
afterAll(() => hub?.close());
afterAll(removeTempDirs);

function freshCache(): { cacheDir: string; env: NodeJS.ProcessEnv } {
  const cacheDir = tempDir('hub-faults-');
  return { cacheDir, env: { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: cacheDir } };
}

function weightRequests(since: number) {
  return hub.log.slice(since).filter((r) => r.server === 'cdn' && r.path.includes(sha));
}

const download = (env: NodeJS.ProcessEnv, signal?: AbortSignal) =>
  downloadModel({ repoId: DEMO_REPO, token: null, env, retryDelayMs: 5, signal });

describe('downloads that go wrong', () => {
  it('a connection dropped mid-file resumes from the last byte received', async () => {
    const { cacheDir, env } = freshCache();
    const since = hub.log.length;
    hub.addFault({ kind: 'drop', path: 'model.safetensors', afterBytes: 1_000_000, times: 1 });
    const model = await download(env);
    // Bytes still queued in the response stream when it errors are lost (as on a real network), so
    // the resume point is at most what the server sent before closing.
    const ranges = weightRequests(since).map((r) => r.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeNull();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(1_000_000);
    expect(readFileSync(join(blobDir(cacheDir), sha)).equals(weights)).toBe(true);
    expect(model.bytesDownloaded).toBe(model.files.reduce((s, f) => s + f.size, 0));
  });

  it('a connection that keeps dropping: a clear error, the partial file kept, then a resume', async () => {
    const { cacheDir, env } = freshCache();
    hub.addFault({ kind: 'drop', path: 'model.safetensors', afterBytes: 700_000, times: 1 });
    hub.addFault({ kind: 'drop', path: 'model.safetensors', afterBytes: 0, times: 5 });
    const err = await download(env).catch((e: unknown) => e);
    const kept = statSync(join(blobDir(cacheDir), `${sha}.incomplete`)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(700_000);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(
      `${DEMO_REPO}: the connection to ${hub.endpoint} broke 5 times in a row while downloading model.safetensors, with no progress. ` +
        `Finished files and the ${formatBytes(kept)} received of this one are kept: download again to resume.`,
    );
    expect(existsSync(join(cacheDir, 'models--studio-tests--demo-induction', 'snapshots'))).toBe(false);

    const since = hub.log.length;
    await download(env);
    expect(weightRequests(since).map((r) => r.range)).toEqual([`bytes=${kept}-`]);
    expect(readFileSync(join(blobDir(cacheDir), sha)).equals(weights)).toBe(true);
  });

  it('corrupted bytes are detected by sha256 and the file is fetched again', async () => {
    const { cacheDir, env } = freshCache();
    const since = hub.log.length;
    hub.addFault({ kind: 'corrupt', path: 'model.safetensors', times: 1 });
    await download(env);
    expect(weightRequests(since).map((r) => r.range)).toEqual([null, null]);
    expect(readFileSync(join(blobDir(cacheDir), sha)).equals(weights)).toBe(true);
  });

  it('bytes corrupted twice: an error, and nothing of the file kept', async () => {
    const { cacheDir, env } = freshCache();
    hub.addFault({ kind: 'corrupt', path: 'model.safetensors', times: 2 });
    const err = await download(env).catch((e: unknown) => e);
    expect((err as InputError).message).toMatch(
      new RegExp(`^${DEMO_REPO}/model\\.safetensors: the downloaded bytes do not match the hub's sha256 \\(expected ${sha}, got [0-9a-f]{64}\\), twice; the file was discarded\\. Download again later\\.$`),
    );
    expect(existsSync(join(blobDir(cacheDir), sha))).toBe(false);
    expect(existsSync(join(blobDir(cacheDir), `${sha}.incomplete`))).toBe(false);
  });

  it('a damaged partial file on disk is caught after resuming and replaced', async () => {
    const { cacheDir, env } = freshCache();
    mkdirSync(blobDir(cacheDir), { recursive: true });
    const damaged = Buffer.from(weights.subarray(0, 500_000));
    damaged.fill(0, 1000, 2000);
    writeFileSync(join(blobDir(cacheDir), `${sha}.incomplete`), damaged);
    const since = hub.log.length;
    await download(env);
    expect(weightRequests(since).map((r) => r.range)).toEqual(['bytes=500000-', null]);
    expect(readFileSync(join(blobDir(cacheDir), sha)).equals(weights)).toBe(true);
  });

  it('a damaged blob already in the cache is replaced, not used', async () => {
    const { cacheDir, env } = freshCache();
    await download(env);
    const bad = Buffer.from(weights);
    bad[123] = (bad[123] ?? 0) ^ 1;
    writeFileSync(join(blobDir(cacheDir), sha), bad);
    const again = await download(env);
    expect(again.bytesDownloaded).toBe(weights.length);
    expect(readFileSync(join(again.dir, 'model.safetensors')).equals(weights)).toBe(true);
  });

  it('cancel: the partial file stays for the next call, which resumes it', async () => {
    const { cacheDir, env } = freshCache();
    const controller = new AbortController();
    const reason = new Error('stopped by the user');
    hub.addFault({ kind: 'stall', path: 'model.safetensors', afterBytes: 300_000, times: 1, onStall: () => setTimeout(() => controller.abort(reason), 50) });
    await expect(download(env, controller.signal)).rejects.toBe(reason);
    const kept = statSync(join(blobDir(cacheDir), `${sha}.incomplete`)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(300_000);
    const since = hub.log.length;
    await download(env);
    expect(weightRequests(since).map((r) => r.range)).toEqual([`bytes=${kept}-`]);
    expect(readFileSync(join(blobDir(cacheDir), sha)).equals(weights)).toBe(true);
  });

  it("the app's download jobs: one per repo, cancelled by repo id, then resumed", async () => {
    const { cacheDir, env } = freshCache();
    const events: DownloadProgress[] = [];
    const jobs = new DownloadJobs({ token: () => null, env, onProgress: (p) => events.push(p) });
    let stalled: () => void = () => {};
    const stall = new Promise<void>((resolve) => (stalled = resolve));
    hub.addFault({ kind: 'stall', path: 'model.safetensors', afterBytes: 100_000, times: 1, onStall: () => stalled() });
    const first = jobs.download(DEMO_REPO).catch((e: unknown) => e);
    // The first download must still be running (stalled); if it ended, show how.
    expect(await Promise.race([stall.then(() => 'stalled'), first])).toBe('stalled');
    await expect(jobs.download(DEMO_REPO)).rejects.toThrow(`${DEMO_REPO}: is already downloading; wait for it or cancel it`);
    expect(jobs.active().map((p) => p.repoId)).toEqual([DEMO_REPO]);
    expect(jobs.cancel('studio-tests/other')).toBe(false);
    expect(jobs.cancel(DEMO_REPO)).toBe(true);
    expect(await first).toBeInstanceOf(DownloadCancelled);
    expect(jobs.active()).toEqual([]);
    expect(events.every((e) => e.repoId === DEMO_REPO)).toBe(true);
    const done = await jobs.download(DEMO_REPO);
    expect(readFileSync(join(done.dir, 'model.safetensors')).equals(weights)).toBe(true);
    expect(existsSync(join(blobDir(cacheDir), `${sha}.incomplete`))).toBe(false);
  });
});
