// Model downloads against a local hub (test/helpers/hub-server.ts: real HTTP on 127.0.0.1, a hub and
// its CDN) through HF_ENDPOINT: the Hugging Face cache layout Python tools read, only the files the
// engine needs, progress, reuse of what is cached, tokens never sent to the CDN, and the downloaded
// folder loading and running a probe exactly like the folder it came from.

import { existsSync, lstatSync, readFileSync, readlinkSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHeadControls } from '../../src/main/engine/head-controls';
import { loadEngine } from '../../src/main/engine/load-engine';
import { downloadModel } from '../../src/main/hub/download-model';
import type { DownloadProgress } from '../../src/main/hub/download-progress';
import { resolveModel } from '../../src/main/models/resolve-model';
import { gitBlobId, sha256Hex, startHubServer, type HubServer } from '../helpers/hub-server';
import { DEMO_REPO, demoFile, NO_TOKENIZER_REPO, SHARDED_REPO, testRepos, TOKEN_WITH_ACCESS, USERS } from './hub-fixtures';
import { removeTempDirs, tempDir } from '../helpers/temp-files';

let hub: HubServer;
let shardedDir = '';
const withToken = { token: TOKEN_WITH_ACCESS, kind: 'env' as const, source: 'the HF_TOKEN environment variable' };

beforeAll(async () => {
  const fixtures = testRepos();
  shardedDir = fixtures.shardedDir;
  hub = await startHubServer(fixtures.repos, USERS);
});
afterAll(() => hub?.close());
afterAll(removeTempDirs);

function freshCache(): { cacheDir: string; env: NodeJS.ProcessEnv } {
  const cacheDir = tempDir('hub-cache-');
  return { cacheDir, env: { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: cacheDir } };
}

describe('downloading a model from a hub', () => {
  it('writes the Hugging Face cache layout with only the files the engine needs', async () => {
    const { cacheDir, env } = freshCache();
    const events: DownloadProgress[] = [];
    const model = await downloadModel({ repoId: DEMO_REPO, token: null, env, onProgress: (p) => events.push(p), retryDelayMs: 10 });

    const commit = hub.commitOf(DEMO_REPO);
    const repoDir = join(cacheDir, 'models--studio-tests--demo-induction');
    expect(model.commit).toBe(commit);
    expect(model.dir).toBe(join(repoDir, 'snapshots', commit));
    expect(readFileSync(join(repoDir, 'refs', 'main'), 'utf8')).toBe(commit);
    const wanted = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];
    expect(readdirSync(model.dir).sort()).toEqual(wanted);
    expect(model.files.map((f) => f.path).sort()).toEqual(wanted);
    for (const path of wanted) {
      // Relative links into blobs/, named by sha256 for LFS files and by git blob id for the others.
      const bytes = demoFile(path);
      const blobName = path.endsWith('.safetensors') ? sha256Hex(bytes) : gitBlobId(bytes);
      const pointer = join(model.dir, path);
      expect(lstatSync(pointer).isSymbolicLink()).toBe(true);
      expect(readlinkSync(pointer)).toBe(`../../blobs/${blobName}`);
      expect(readFileSync(pointer).equals(bytes)).toBe(true);
    }
    expect(readdirSync(join(repoDir, 'blobs')).filter((f) => f.endsWith('.incomplete'))).toEqual([]);
    // README, .bin and original/ were never requested.
    const requested = hub.log.map((r) => r.path);
    expect(requested.some((p) => /README|pytorch_model|original\//.test(p))).toBe(false);

    const last = events.at(-1);
    const total = wanted.reduce((s, p) => s + demoFile(p).length, 0);
    expect(last?.stage).toBe('done');
    expect(last?.bytesDone).toBe(total);
    expect(last?.bytesTotal).toBe(total);
    expect(last?.files.every((f) => f.state === 'done' && f.bytesDone === f.bytesTotal)).toBe(true);
    // Overall bytes never go backwards in a download without restarts.
    const done = events.map((e) => e.bytesDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(model.bytesDownloaded).toBe(total);

    // The app's model lookup finds the download by repo id, as it finds Python's.
    const resolved = resolveModel(DEMO_REPO, { env: { HF_HUB_CACHE: cacheDir } });
    expect(resolved).toMatchObject({ dir: model.dir, source: 'hf-cache', revision: commit, repoId: DEMO_REPO });
  });

  it('reuses verified blobs: a second download transfers nothing', async () => {
    const { env } = freshCache();
    await downloadModel({ repoId: DEMO_REPO, token: null, env });
    const before = hub.log.length;
    const again = await downloadModel({ repoId: DEMO_REPO, token: null, env });
    expect(again.bytesDownloaded).toBe(0);
    expect(again.bytesReused).toBe(again.files.reduce((s, f) => s + f.size, 0));
    expect(hub.log.slice(before).filter((r) => r.path.includes('/resolve/') || r.server === 'cdn')).toEqual([]);
  });

  it('says what a repo without tokenizer.json cannot do', async () => {
    const { env } = freshCache();
    const model = await downloadModel({ repoId: NO_TOKENIZER_REPO, token: null, env });
    expect(model.warnings).toEqual([
      `${NO_TOKENIZER_REPO} has no tokenizer.json: studies run (special tokens are then taken from config.json), but token sets from words and words in previews need it.`,
    ]);
    const demo = await downloadModel({ repoId: DEMO_REPO, token: null, env });
    expect(demo.warnings).toEqual([]);
  });

  it('a tag downloads its own commit and writes refs/<tag>', async () => {
    const { cacheDir, env } = freshCache();
    const model = await downloadModel({ repoId: DEMO_REPO, revision: 'v1', token: null, env });
    expect(model.commit).toBe('1111111111111111111111111111111111111111');
    expect(readFileSync(join(cacheDir, 'models--studio-tests--demo-induction', 'refs', 'v1'), 'utf8')).toBe(model.commit);
    expect(existsSync(join(cacheDir, 'models--studio-tests--demo-induction', 'refs', 'main'))).toBe(false);
  });

  it('sends the token to the hub only, never to the CDN it redirects to', async () => {
    const { env } = freshCache();
    const before = hub.log.length;
    await downloadModel({ repoId: DEMO_REPO, token: withToken, env });
    const requests = hub.log.slice(before);
    expect(requests.filter((r) => r.server === 'cdn').length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.server === 'cdn' && r.authorized)).toEqual([]);
    expect(requests.filter((r) => r.server === 'hub').every((r) => r.authorized)).toBe(true);
  });

  it('a sharded checkpoint: the index and exactly the shards it names; the folder runs the same probe', async () => {
    const { env } = freshCache();
    const model = await downloadModel({ repoId: SHARDED_REPO, token: null, env });
    expect(model.files.map((f) => f.path).sort()).toEqual([
      'config.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
      'model.safetensors.index.json',
      'tokenizer.json',
    ]);
    // Each folder compiles its own graph (separate graph caches), from its own files.
    const probe = async (dir: string): Promise<Float32Array> => {
      const graphs = tempDir('hub-graphs-');
      const engine = await loadEngine({ modelDir: dir, cacheDir: graphs, provider: 'cpu' });
      try {
        const ids = [5, 9, 17, 33, 2, 40, 9, 17];
        const controls = buildHeadControls(engine.info.spec, [{ heads: [{ layer: 1, head: 2 }], mode: 'zero' }]);
        return await engine.probe({ batch: 1, seqLen: ids.length, inputIds: ids, ...controls });
      } finally {
        await engine.close();
      }
    };
    const fromHub = await probe(model.dir);
    const fromFolder = await probe(shardedDir);
    const maxDiff = Math.max(...fromHub.map((p, i) => Math.abs(p - (fromFolder[i] ?? NaN))));
    console.log(`probe on the downloaded folder vs the source folder: max |Δ| ${maxDiff}`);
    expect(fromHub.length).toBe(8);
    expect(maxDiff).toBe(0);
  });
});
