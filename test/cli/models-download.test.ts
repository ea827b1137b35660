// `models download` and `models token` as a user runs them, against the local hub through
// HF_ENDPOINT: progress and the checkpoint folder printed, a download killed with SIGKILL mid-file
// and resumed by byte range, Ctrl-C, a gated model without a token, and a token saved for the app
// (a 0600 file here, where there is no keychain) that then opens the gated model.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, startHubServer, type HubServer } from '../helpers/hub-server';
import { spawnCli } from '../helpers/spawn-cli';
import { waitUntil } from '../helpers/wait-for';
import { DEMO_REPO, demoFile, GATED_REPO, testRepos, TOKEN_WITH_ACCESS, USERS } from '../hub/hub-fixtures';
import { removeTempDirs, tempDir } from '../helpers/temp-files';

let hub: HubServer;
const sha = sha256Hex(demoFile('model.safetensors'));

beforeAll(async () => {
  hub = await startHubServer(testRepos().repos, USERS);
});
afterAll(() => hub?.close());
afterAll(removeTempDirs);

/** A user with no token anywhere: own app data folder, Hugging Face home and cache. */
function newUser(): { env: NodeJS.ProcessEnv; cache: string; home: string } {
  const root = tempDir('cli-models-');
  const cache = join(root, 'hf-cache');
  const home = join(root, 'app');
  const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: cache, HF_HOME: join(root, 'hf-home'), ABLATION_STUDIO_HOME: home, HF_TOKEN: '', HUGGING_FACE_HUB_TOKEN: '', HUGGINGFACE_HUB_TOKEN: '', HF_TOKEN_PATH: '' };
  return { env, cache, home };
}

/** Resolves once the partial weights file holds `bytes` bytes (the child wrote all it was sent). */
async function partialReaches(cache: string, bytes: number): Promise<void> {
  const file = join(cache, 'models--studio-tests--demo-induction', 'blobs', `${sha}.incomplete`);
  await waitUntil(() => existsSync(file) && statSync(file).size >= bytes, `${file} to reach ${bytes} bytes`, { timeoutMs: 20_000, intervalMs: 20 });
}

describe('models download from the command line', () => {
  it('a download killed with SIGKILL mid-file resumes by byte range on the next run', async () => {
    const { env, cache } = newUser();
    const killed = spawnCli(['models', 'download', DEMO_REPO], env);
    hub.addFault({ kind: 'stall', path: 'model.safetensors', afterBytes: 400_000, times: 1, onStall: () => void partialReaches(cache, 400_000).then(() => killed.child.kill('SIGKILL')) });
    expect((await killed.done).signal).toBe('SIGKILL');
    expect(existsSync(join(cache, 'models--studio-tests--demo-induction', 'snapshots'))).toBe(false);

    const since = hub.log.length;
    const resumed = spawnCli(['models', 'download', DEMO_REPO], env);
    const { code } = await resumed.done;
    expect(code, resumed.stderr()).toBe(0);
    expect(hub.log.slice(since).filter((r) => r.server === 'cdn').map((r) => r.range)).toEqual(['bytes=400000-']);
    const commit = hub.commitOf(DEMO_REPO);
    const dir = join(cache, 'models--studio-tests--demo-induction', 'snapshots', commit);
    expect(resumed.stdout()).toContain(`Checkpoint folder: ${dir}`);
    expect(resumed.stdout()).toContain(`Use it with: npm run cli -- run --model_name ${DEMO_REPO}`);
    expect(resumed.stderr()).toContain(`Downloading ${DEMO_REPO} from ${hub.endpoint} without a token`);
    expect(resumed.stderr()).toMatch(/model\.safetensors \(3\.1 MB\) ✓/);
    expect(readFileSync(join(dir, 'model.safetensors')).equals(demoFile('model.safetensors'))).toBe(true);
  });

  it('Ctrl-C stops with exit code 130, keeps the partial file and releases the lock', async () => {
    const { env, cache } = newUser();
    const run = spawnCli(['models', 'download', DEMO_REPO], env);
    hub.addFault({ kind: 'stall', path: 'model.safetensors', afterBytes: 200_000, times: 1, onStall: () => void partialReaches(cache, 200_000).then(() => run.child.kill('SIGINT')) });
    const { code } = await run.done;
    expect(code, run.stderr()).toBe(130);
    expect(run.stderr()).toContain('Stopped. Finished files and the partial file are kept: run the same command again to resume.');
    expect(statSync(join(cache, 'models--studio-tests--demo-induction', 'blobs', `${sha}.incomplete`)).size).toBe(200_000);
    expect(readdirSync(join(cache, '.locks', 'models--studio-tests--demo-induction'))).toEqual([]);
  });

  it('a gated model: refused without a token, downloaded with a token saved for the app', async () => {
    const { env, home } = newUser();
    const refused = spawnCli(['models', 'download', GATED_REPO], env);
    expect((await refused.done).code).toBe(1);
    expect(refused.stderr()).toContain(`error: ${GATED_REPO}: this model is gated: its files are only for signed-in users who accepted its licence.`);

    const set = spawnCli(['models', 'token', 'set'], env, `${TOKEN_WITH_ACCESS}\n`);
    expect((await set.done).code, set.stderr()).toBe(0);
    expect(set.stdout()).toContain(`Saved in ${home} (readable by you only).`);
    expect(statSync(join(home, 'hub-token')).mode & 0o777).toBe(0o600);

    const status = spawnCli(['models', 'token', 'status'], env);
    await status.done;
    expect(status.stdout()).toBe(`Downloads use the token saved in Ablation Studio: hf_…${TOKEN_WITH_ACCESS.slice(-4)}\n`);

    const ok = spawnCli(['models', 'download', GATED_REPO], env);
    expect((await ok.done).code, ok.stderr()).toBe(0);
    expect(ok.stderr()).toContain('with the token saved in Ablation Studio');
    for (const out of [set, status, ok, refused]) expect(out.stdout() + out.stderr()).not.toContain(TOKEN_WITH_ACCESS);
  });
});
