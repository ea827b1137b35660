// The app's Hugging Face requests through the real browser bridge (HTTP + Server-Sent Events) against
// the local test hub (test/helpers/hub-server.ts) via HF_ENDPOINT: a download job's progress and
// end, the downloaded model in models.list and a study run on it; a gated model without a token,
// with a wrong one and with one that has access, each with the hub service's exact message; the
// token saved, shown masked and cleared, never present in any response or event; cancel and resume,
// also across an app restart;
// and token sets built from words on the demo model, exported as the seed's pickle and read back by
// the app's own importer.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../src/main/bridge/bridge-server';
import { loadTokenizer } from '../../src/main/engine/checkpoint/tokenizer';
import { parsePickleTokens } from '../../src/main/studies/import/token-formats';
import { createBridgeApi, type BridgeApi } from '../../src/shared/ipc/bridge-client';
import type { DownloadJobView } from '../../src/shared/ipc/hub';
import type { ApiResult } from '../../src/shared/ipc/errors';
import { startHubServer, type HubServer } from '../helpers/hub-server';
import { waitFor, waitUntil } from '../helpers/wait-for';
import { gatedWithoutTokenMessage } from '../hub/hub-messages';
import { DEMO_REPO, GATED_REPO, MAMBA_REPO, SHARDED_REPO, testRepos, TOKEN_WITH_ACCESS, TOKEN_WITHOUT_ACCESS, UNKNOWN_TOKEN, USERS } from '../hub/hub-fixtures';
import { demoModel, recordingSpawner, smallSpec, TEST_INDUCTION } from './app-fixtures';
import { removeTempDirs, tempDir } from '../helpers/temp-files';

const TOKENS = [TOKEN_WITH_ACCESS, TOKEN_WITHOUT_ACCESS, UNKNOWN_TOKEN];
let dir = '';
let hub: HubServer;
let bridge: Bridge;
let api: BridgeApi;
/** Every response body and every event payload, as the wire carried them, to grep for tokens. */
const wire: string[] = [];
const jobs = new Map<number, DownloadJobView>();

beforeAll(async () => {
  dir = tempDir('app-hub-');
  hub = await startHubServer(testRepos().repos, USERS);
  // No token from the machine's environment or HF CLI file: HF_HOME is the test's own folder.
  const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(dir, 'hf-cache'), HF_HOME: join(dir, 'hf-home') };
  bridge = await startBridge({ dataDir: join(dir, 'data'), env, rendererDir: null, spawner: recordingSpawner([]), induction: TEST_INDUCTION, log: () => undefined });
  api = createBridgeApi(bridge.url, bridge.token, { retryMs: 50 });
  bridge.app.events.subscribe((name, payload) => wire.push(`${name} ${JSON.stringify(payload)}`));
  api.on('hub.progress', (job) => void jobs.set(job.id, job));
});
afterAll(async () => {
  api?.close();
  await bridge?.close();
  await hub?.close();
  removeTempDirs();
});

/** A request's result, recorded for the token grep. */
async function call<T>(result: Promise<ApiResult<T>>): Promise<ApiResult<T>> {
  const r = await result;
  wire.push(JSON.stringify(r));
  return r;
}

async function value<T>(result: Promise<ApiResult<T>>): Promise<T> {
  const r = await call(result);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}

/** Starts a download and waits (over the event stream) for its end. */
async function download(repoId: string, revision?: string): Promise<DownloadJobView> {
  const { id } = await value(api.hub.download({ repoId, revision }));
  return waitFor(() => {
    const job = jobs.get(id);
    return job && job.state !== 'running' ? job : undefined;
  }, `the end of download ${id} (${repoId})`);
}

describe('downloading a model in the app', () => {
  it('reports progress per file and overall, lists the model, and a study runs on it', async () => {
    const job = await download(DEMO_REPO);
    expect(job).toMatchObject({ state: 'done', phase: 'done', error: null, repoId: DEMO_REPO, revision: 'main', commit: hub.commitOf(DEMO_REPO) });
    const paths = job.files.map((f) => f.path).sort();
    expect(paths).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    expect(job.files.every((f) => f.state === 'done' && f.bytesDone === f.bytesTotal)).toBe(true);
    expect(job.bytesDone).toBe(job.bytesTotal);
    expect(job.bytesTotal).toBe(job.files.reduce((s, f) => s + f.bytesTotal, 0));
    expect(job.dir).toBe(join(dir, 'hf-cache', 'models--studio-tests--demo-induction', 'snapshots', hub.commitOf(DEMO_REPO)));
    // The listing of jobs holds the same final state as the last event.
    expect((await value(api.hub.downloads())).find((j) => j.id === job.id)).toEqual(job);

    const listed = (await value(api.models.list())).find((m) => m.repoId === DEMO_REPO);
    expect(listed).toMatchObject({ source: 'hf-cache', path: job.dir, tokenizer: true, problem: null });
    const study = await value(api.studies.create({ spec: smallSpec({ model: job.dir }) }));
    const finished: number[] = [];
    const off = api.on('study.finished', (e) => void (e.status === 'done' && finished.push(e.studyId)));
    await waitFor(() => (finished.includes(study.id) ? true : undefined), 'the study on the downloaded model');
    off();
    const summary = await value(api.studies.summary({ id: study.id }));
    expect(summary.study.status).toBe('done');
    expect(summary.conditions.every((c) => c.trials === 6)).toBe(true);
  });

  it('refuses bad ids and revisions in the request, naming the field', async () => {
    const bad = await call(api.hub.download({ repoId: 'not a repo' }));
    expect(bad).toMatchObject({ ok: false, error: { kind: 'input', field: 'repoId' } });
    const rev = await call(api.hub.download({ repoId: DEMO_REPO, revision: 'a b' }));
    expect(rev).toMatchObject({ ok: false, error: { kind: 'input', field: 'revision' } });
  });

  it('ends an unknown repo, an unknown revision and an unsupported architecture with what to do', async () => {
    const unknown = await download('studio-tests/no-such-model');
    expect(unknown.state).toBe('failed');
    expect(unknown.error?.message).toMatch(/^studio-tests\/no-such-model: no such model repository on .*Check the spelling/);
    const revision = await download(DEMO_REPO, 'v9');
    expect(revision.error).toMatchObject({ kind: 'input', field: 'revision' });
    expect(revision.error?.message).toBe(`revision: "v9" is not a branch, tag or commit of ${DEMO_REPO} on ${hub.endpoint}.`);
    const mamba = await download(MAMBA_REPO);
    expect(mamba.error?.message).toMatch(/^studio-tests\/tiny-mamba .*Choose a model of one of these types/);
  });

  it('stops a download on cancel, keeping what it has; starting again resumes', async () => {
    const shard = 'model-00001-of-00002.safetensors';
    let stalled = false;
    hub.addFault({ kind: 'stall', path: shard, afterBytes: 64, times: 1, onStall: () => (stalled = true) });
    const { id } = await value(api.hub.download({ repoId: SHARDED_REPO }));
    await waitFor(() => (stalled ? true : undefined), 'the stalled transfer');
    const second = await call(api.hub.download({ repoId: SHARDED_REPO }));
    expect(second).toMatchObject({ ok: false, error: { kind: 'conflict', message: expect.stringMatching(/is already downloading/) } });
    expect(await value(api.hub.cancelDownload({ id }))).toBe(true);
    const cancelled = await waitFor(() => (jobs.get(id)?.state === 'cancelled' ? jobs.get(id) : undefined), 'the cancelled job');
    expect(cancelled.error).toBeNull();
    expect(await value(api.hub.cancelDownload({ id }))).toBe(false);

    const resumed = await download(SHARDED_REPO);
    expect(resumed.state).toBe('done');
    const ranges = hub.log.filter((r) => r.path.includes(shard) || r.server === 'cdn').map((r) => r.range);
    expect(ranges).toContain('bytes=64-');
  });
});

describe('closing the app during a download', () => {
  it('stops the download without waiting for it, and the next app resumes it by byte range', async () => {
    const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(dir, 'hf-cache-restart'), HF_HOME: join(dir, 'hf-home') };
    const dataDir = join(dir, 'data-restart');
    const shard = 'model-00002-of-00002.safetensors';
    let stalled = false;
    hub.addFault({ kind: 'stall', path: shard, afterBytes: 100, times: 1, onStall: () => (stalled = true) });
    const first = await startBridge({ dataDir, env, rendererDir: null, log: () => undefined });
    const firstApi = createBridgeApi(first.url, first.token);
    expect((await firstApi.hub.download({ repoId: SHARDED_REPO })).ok).toBe(true);
    await waitFor(() => (stalled ? true : undefined), 'the stalled transfer');
    // The server has sent its 100 bytes; close only once the app has written them to disk, or the
    // next app would (rightly) resume from fewer.
    const blobs = join(env.HF_HUB_CACHE, `models--${SHARDED_REPO.replace('/', '--')}`, 'blobs');
    const partialBytes = () => readdirSync(blobs).filter((f) => f.endsWith('.incomplete')).map((f) => statSync(join(blobs, f)).size);
    await waitUntil(() => existsSync(blobs) && partialBytes().includes(100), 'the 100 bytes sent before the stall to be on disk');
    firstApi.close();
    await first.close();

    const second = await startBridge({ dataDir, env, rendererDir: null, log: () => undefined });
    try {
      const secondApi = createBridgeApi(second.url, second.token);
      const started = await secondApi.hub.download({ repoId: SHARDED_REPO });
      if (!started.ok) throw new Error(started.error.message);
      const done = await waitFor(async () => {
        const list = await secondApi.hub.downloads();
        const job = list.ok ? list.value.find((j) => j.id === started.value.id) : undefined;
        return job && job.state !== 'running' ? job : undefined;
      }, 'the resumed download');
      expect(done).toMatchObject({ state: 'done', error: null });
      expect(hub.log.some((r) => r.server === 'cdn' && r.range === 'bytes=100-')).toBe(true);
      secondApi.close();
    } finally {
      await second.close();
    }
  });
});

describe('the Hugging Face token in the app', () => {
  it('a gated model without a token ends with the exact message of what to do', async () => {
    expect(await value(api.hub.tokenStatus())).toEqual({ active: null, saved: null, savedUnreadable: false, storage: 'file', endpoint: hub.endpoint });
    const job = await download(GATED_REPO);
    expect(job.state).toBe('failed');
    expect(job.error?.message).toBe(gatedWithoutTokenMessage(hub.endpoint));
    expect(job.error?.message).toContain(`${hub.endpoint}/${GATED_REPO}`);
  });

  it('is saved readable by the user only, shown masked, used, and cleared; never echoed', async () => {
    const saved = await value(api.hub.setToken({ token: ` ${UNKNOWN_TOKEN}\n` }));
    expect(saved).toMatchObject({ active: { kind: 'app', source: 'the token saved in Ablation Studio' }, saved: 'file', storage: 'file' });
    expect(saved.active?.masked).toBe(`hf_…${UNKNOWN_TOKEN.slice(-4)}`);
    const file = join(bridge.app.context.paths.dataDir, 'hub-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(UNKNOWN_TOKEN);
    const wrong = await download(GATED_REPO);
    expect(wrong.error?.message).toMatch(/^meta-llama\/Tiny-Gated: the Hugging Face token from the token saved in Ablation Studio was refused by .*\(wrong, expired or revoked token\)/);

    await value(api.hub.setToken({ token: TOKEN_WITHOUT_ACCESS }));
    const noLicence = await download(GATED_REPO);
    expect(noLicence.error?.message).toMatch(/is gated and the account of the token from the token saved in Ablation Studio has no access yet/);

    await value(api.hub.setToken({ token: TOKEN_WITH_ACCESS }));
    const granted = await download(GATED_REPO);
    expect(granted.state).toBe('done');
    // A study on the gated model, run and exported while the token is set: no file of it holds the token.
    const study = await value(api.studies.create({ spec: smallSpec({ model: granted.dir, tokenCount: 20, permutations: 2 }) }));
    const outDir = join(dir, 'gated-study');
    await waitFor(async () => {
      const exported = await api.studies.export({ id: study.id, outDir });
      return exported.ok ? exported.value : undefined;
    }, 'the study on the gated model to finish and export');
    const files = readdirSync(outDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.map((f) => f.name)).toContain('provenance.json');
    for (const f of files) expect(readFileSync(join(f.parentPath, f.name)).includes(TOKEN_WITH_ACCESS), f.name).toBe(false);

    const cleared = await value(api.hub.clearToken());
    expect(cleared).toMatchObject({ active: null, saved: null });
    for (const token of TOKENS) {
      const leaks = wire.filter((line) => line.includes(token) || line.includes(token.slice(3)));
      expect(leaks, token).toEqual([]);
    }
  });

  it('refuses text that is not a token, naming the field and not quoting it', async () => {
    const secretish = 'my password 123';
    const r = await call(api.hub.setToken({ token: secretish }));
    expect(r).toMatchObject({ ok: false, error: { kind: 'input', field: 'token' } });
    if (!r.ok) expect(r.error.message).not.toContain(secretish);
  });

  it('goes to the OS keychain where the app has one (Electron safeStorage), never in plain text', async () => {
    // safeStorage needs Electron; a reversible codec stands in for the OS keychain's encryption.
    const codec = {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
      decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
      getSelectedStorageBackend: () => 'gnome_libsecret',
    };
    const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(dir, 'hf-cache-2'), HF_HOME: join(dir, 'hf-home') };
    const other = await startBridge({ dataDir: join(dir, 'data-keychain'), env, rendererDir: null, secrets: codec, log: () => undefined });
    try {
      const keyApi = createBridgeApi(other.url, other.token);
      const status = await keyApi.hub.setToken({ token: TOKEN_WITH_ACCESS });
      expect(status).toMatchObject({ ok: true, value: { saved: 'keychain', storage: 'keychain', active: { kind: 'app' } } });
      const stored = readFileSync(join(other.app.context.paths.dataDir, 'hub-token.safe'));
      expect(stored.includes(Buffer.from(TOKEN_WITH_ACCESS))).toBe(false);
      expect(JSON.stringify(status)).not.toContain(TOKEN_WITH_ACCESS);
      keyApi.close();
    } finally {
      await other.close();
    }
  });
});

describe('token sets from words in the app', () => {
  it('builds from the bundled list on the demo model, previews id -> word, exports a pickle the importer reads', async () => {
    const built = await value(api.tokens.build({ model: { path: demoModel() }, words: { kind: 'bundled' }, n: 64, seed: 42 }));
    expect(built.set.n).toBe(64);
    expect(built.candidates).toBe(2000);
    expect(built.preview).toHaveLength(64);
    const ids = built.preview.map((t) => t.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    // Each previewed word is exactly one token of the model's own tokenizer, that id.
    const tokenizer = loadTokenizer(join(demoModel(), 'tokenizer.json'));
    for (const t of built.preview) expect(tokenizer.encode(t.text), t.text).toEqual([t.id]);
    expect((await value(api.tokens.list())).map((s) => s.id)).toContain(built.set.id);

    const pkl = join(dir, 'demo-64.pkl');
    expect(await value(api.tokens.export({ id: built.set.id, format: 'pickle', path: pkl }))).toEqual({ path: pkl, format: 'pickle', n: 64 });
    expect(parsePickleTokens(pkl, readFileSync(pkl), 2003)).toEqual(ids);
    const imported = await value(api.tokens.import({ path: pkl, name: 'exported again' }));
    const preview = await value(api.tokens.preview({ id: imported.set.id, count: 100 }));
    expect(preview.tokens.map((t) => t.id)).toEqual(ids);
    const json = await value(api.tokens.export({ id: built.set.id, format: 'json', path: join(dir, 'demo-64') }));
    expect(json.path).toBe(join(dir, 'demo-64.json'));
    expect(JSON.parse(readFileSync(json.path, 'utf8'))).toEqual(ids);
  });

  it('builds from pasted text with the chosen forms; bad inputs name their field or file', async () => {
    const text = await value(api.tokens.build({ model: { path: demoModel() }, words: { kind: 'text', text: 'abort, act. (ace) act zzzzqqq' }, forms: 'spaced' }));
    expect(text.source.words).toBe(4);
    expect(text.preview.map((t) => t.word).sort()).toEqual(['abort', 'ace', 'act']);
    expect(text.leftOut.multiToken + text.leftOut.special).toBe(1);
    expect(text.preview.every((t) => t.text === ` ${t.word}`)).toBe(true);

    const noWords = await call(api.tokens.build({ model: { path: demoModel() }, words: { kind: 'text', text: '... !!' } }));
    expect(noWords).toMatchObject({ ok: false, error: { kind: 'input', field: 'words.text' } });
    const missing = join(dir, 'no-such-words.txt');
    const file = await call(api.tokens.build({ model: { path: demoModel() }, words: { kind: 'file', path: missing } }));
    expect(file).toMatchObject({ ok: false, error: { kind: 'input', file: missing, message: `${missing}: file not found` } });
    const tooMany = await call(api.tokens.build({ model: { path: demoModel() }, words: { kind: 'bundled' }, n: 5000 }));
    expect(tooMany.ok ? '' : tooMany.error.message).toMatch(/fewer than the 5000 asked for/);
    const relative = await call(api.tokens.export({ id: 1, format: 'pickle', path: 'set.pkl' }));
    expect(relative).toMatchObject({ ok: false, error: { kind: 'input', field: 'path' } });
    const mismatch = await call(api.tokens.export({ id: 1, format: 'pickle', path: join(dir, 'set.json') }));
    expect(mismatch.ok ? '' : mismatch.error.message).toMatch(/set\.json: ends in the json extension but the format asked for is pickle/);
    expect(await call(api.tokens.export({ id: 999, format: 'json', path: join(dir, 'x.json') }))).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });
});
