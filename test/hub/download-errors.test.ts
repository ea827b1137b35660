// Every refusal a user can meet when downloading, against the local hub (which answers 401/403/404
// with X-Error-Code and X-Error-Message as huggingface.co does): each gets one message that says
// what to do, nothing of the model is downloaded, and the token never appears in a message.

import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors';
import { downloadModel } from '../../src/main/hub/download-model';
import type { FoundToken } from '../../src/main/hub/hub-token';
import { startHubServer, type HubServer } from '../helpers/hub-server';
import {
  BIN_ONLY_REPO,
  GATED_REPO,
  HUGE_REPO,
  MAMBA_REPO,
  SHARDED_REPO,
  testRepos,
  TOKEN_WITH_ACCESS,
  TOKEN_WITHOUT_ACCESS,
  UNKNOWN_TOKEN,
  USERS,
  YARN_REPO,
} from './hub-fixtures';
import { removeTempDirs, tempDir } from '../helpers/temp-files';

let hub: HubServer;
beforeAll(async () => {
  hub = await startHubServer(testRepos().repos, USERS);
});
afterAll(() => hub?.close());
afterAll(removeTempDirs);

const token = (value: string): FoundToken => ({ token: value, kind: 'env', source: 'the HF_TOKEN environment variable' });
const SUPPORTED = 'llama, mistral, qwen2, gemma2, gpt2, gpt_neox';

/** The InputError a download fails with, after checking that no weights reached the cache. */
async function failure(repoId: string, opts: { token?: FoundToken | null; revision?: string; endpoint?: string } = {}): Promise<InputError> {
  const cacheDir = tempDir('hub-errors-');
  const env = { HF_ENDPOINT: opts.endpoint ?? hub.endpoint, HF_HUB_CACHE: cacheDir };
  const err = await downloadModel({ repoId, revision: opts.revision, token: opts.token ?? null, env, retryDelayMs: 5 }).then(
    () => new Error('the download succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  const blobs = join(cacheDir, `models--${repoId.replace('/', '--')}`, 'blobs');
  const kept = existsSync(blobs) ? readdirSync(blobs).filter((b) => !/^[0-9a-f]{40}$/.test(b)) : [];
  expect(kept, 'no LFS blob (weights) downloaded').toEqual([]);
  for (const t of [TOKEN_WITH_ACCESS, TOKEN_WITHOUT_ACCESS, UNKNOWN_TOKEN]) expect((err as Error).message).not.toContain(t);
  return err as InputError;
}

describe('download refusals, each with what to do', () => {
  it('a gated model without a token', async () => {
    expect((await failure(GATED_REPO)).message).toBe(
      `${GATED_REPO}: this model is gated: its files are only for signed-in users who accepted its licence. ` +
        `1) Open ${hub.endpoint}/${GATED_REPO}, sign in and accept the licence; ` +
        `2) create a token with "read" access at ${hub.endpoint}/settings/tokens and enter it on the Models screen (Hugging Face token) or set HF_TOKEN; ` +
        `3) download again. The hub says: "Access to model ${GATED_REPO} is restricted. You must have access to it and be authenticated to access it. Please log in."`,
    );
  });

  it('a gated model whose licence the token\'s account has not accepted', async () => {
    expect((await failure(GATED_REPO, { token: token(TOKEN_WITHOUT_ACCESS) })).message).toBe(
      `${GATED_REPO}: this model is gated and the account of the token from the HF_TOKEN environment variable has no access yet. ` +
        `Open ${hub.endpoint}/${GATED_REPO} with that account and accept the licence (some authors approve requests by hand: wait for the e-mail), then download again. ` +
        `The hub says: "Access to model ${GATED_REPO} is restricted and you are not in the authorized list. Visit ${hub.endpoint}/${GATED_REPO} to ask for access."`,
    );
  });

  it('a gated model with an accepted licence downloads', async () => {
    const cacheDir = tempDir('hub-gated-ok-');
    const model = await downloadModel({ repoId: GATED_REPO, token: token(TOKEN_WITH_ACCESS), env: { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: cacheDir } });
    expect(model.files.map((f) => f.path)).toContain('model-00002-of-00002.safetensors');
  });

  it('a wrong or revoked token, even for a public model', async () => {
    expect((await failure(MAMBA_REPO, { token: token(UNKNOWN_TOKEN) })).message).toBe(
      `${MAMBA_REPO}: the Hugging Face token from the HF_TOKEN environment variable was refused by ${hub.endpoint} (wrong, expired or revoked token). ` +
        `Check it or create a token with "read" access at ${hub.endpoint}/settings/tokens and enter it on the Models screen (Hugging Face token) or set HF_TOKEN, then download again.`,
    );
  });

  it('an unknown repository, without and with a token', async () => {
    expect((await failure('studio-tests/no-such-model')).message).toBe(
      `studio-tests/no-such-model: no such model repository on ${hub.endpoint}. Check the spelling (org/name, exactly as in the model page's URL). ` +
        `If it is private, create a token with "read" access at ${hub.endpoint}/settings/tokens and enter it on the Models screen (Hugging Face token) or set HF_TOKEN.`,
    );
    expect((await failure('studio-tests/no-such-model', { token: token(TOKEN_WITH_ACCESS) })).message).toBe(
      `studio-tests/no-such-model: no such model repository on ${hub.endpoint}. Check the spelling (org/name, exactly as in the model page's URL). ` +
        'If it is private, the account of the token from the HF_TOKEN environment variable cannot see it.',
    );
  });

  it('an unknown revision', async () => {
    expect((await failure(MAMBA_REPO, { revision: 'v9' })).message).toBe(`--revision: "v9" is not a branch, tag or commit of ${MAMBA_REPO} on ${hub.endpoint}.`);
  });

  it('an architecture the engine does not compile, refused from the hub\'s summary before any file', async () => {
    const before = hub.log.length;
    expect((await failure(MAMBA_REPO)).message).toBe(
      `${MAMBA_REPO} (the hub's summary of config.json): model_type "mamba" is not supported (supported: ${SUPPORTED}). ` +
        'Choose a model of one of these types (e.g. meta-llama/Llama-3.2-1B, Qwen/Qwen2.5-7B, google/gemma-2-9b, gpt2).',
    );
    expect(hub.log.slice(before).filter((r) => r.path.includes('/resolve/'))).toEqual([]);
  });

  it('a config.json the engine cannot run, refused after reading it and before the weights', async () => {
    expect((await failure(YARN_REPO)).message).toBe(
      `${YARN_REPO}/config.json: rope_scaling.rope_type "yarn" is not supported (supported: default, llama3). ` +
        'The engine cannot run this checkpoint as it is: choose another model or revision.',
    );
  });

  it('a repository without safetensors weights', async () => {
    expect((await failure(BIN_ONLY_REPO)).message).toBe(
      `${BIN_ONLY_REPO}@main: has no safetensors weights (it has pytorch_model.bin). The engine reads safetensors only: pick a revision that has them ` +
        "(the hub's conversion bot often offers one as a pull request, e.g. --revision refs/pr/1) or another repository.",
    );
  });

  it('not enough free disk space, checked before the weights', async () => {
    expect((await failure(HUGE_REPO)).message).toMatch(
      /: studio-tests\/huge@main needs 9\.0 PB more, but only [\d.]+ [kMGT]?B is free on this disk\. Free some space, or point HF_HUB_CACHE \(or HF_HOME\) at a disk with room, then download again\.$/,
    );
  });

  it('a repo id, a revision and an HF_ENDPOINT that cannot be right', async () => {
    expect((await failure('not a repo')).message).toBe(`repo id: "not a repo" must look like org/name (letters, digits, "-", "_", "." only), as in the model page's URL`);
    expect((await failure('org--x/name')).message).toBe('repo id: "org--x/name" cannot contain "--" or ".."');
    expect((await failure(MAMBA_REPO, { revision: '../x' })).message).toBe('--revision: "../x" is not a branch, tag or commit name');
    expect((await failure(MAMBA_REPO, { endpoint: 'huggingface dot co' })).message).toBe(
      'HF_ENDPOINT: "huggingface dot co" is not a URL (expected e.g. https://huggingface.co)',
    );
  });

  it('a cache folder that is a file, before anything is downloaded', async () => {
    const file = join(tempDir('hub-errors-'), 'cache');
    writeFileSync(file, 'not a folder');
    const err = await downloadModel({ repoId: SHARDED_REPO, token: null, cacheDir: file, env: { HF_ENDPOINT: hub.endpoint } }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`${file}: is a file, not a folder (the Hugging Face cache needs a folder)`);
  });

  it('a hub that cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    expect((await failure(MAMBA_REPO, { endpoint: `http://127.0.0.1:${port}` })).message).toBe(
      `${MAMBA_REPO}: cannot reach http://127.0.0.1:${port} (ECONNREFUSED). Check the internet connection and HF_ENDPOINT; finished files are kept and the download resumes where it stopped.`,
    );
  });
});
