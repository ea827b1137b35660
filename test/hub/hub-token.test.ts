// Where the Hugging Face token comes from and how the app keeps it: environment variables first, then
// the app's own (keychain-encrypted where Electron's safeStorage works, else a 0600 file), then the
// Hugging Face CLI's token file; status shows only a masked token; bad tokens are refused by name.
// The keychain here is a real AES-GCM codec with safeStorage's interface (Electron does not run in
// plain Node); on Linux's 'basic_text' backend the app must fall back to the 0600 file.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clearHubToken, findHubToken, hfCliTokenPath, hubTokenStatus, saveHubToken, type SecretCodec, type TokenPlaces } from '../../src/main/hub/hub-token';
import { removeTempDirs, tempDir } from '../helpers/temp-files';

afterAll(removeTempDirs);

const TOKEN_A = 'hf_AppSavedTokenAAAA';
const TOKEN_B = 'hf_EnvironmentTokenBBBB';
const TOKEN_C = 'hf_CliFileTokenCCCC';

function places(extra: Partial<TokenPlaces> = {}): TokenPlaces & { root: string; home: string } {
  const root = tempDir('hub-token-');
  return { dataDir: join(root, 'app'), env: {}, ...extra, root, home: join(root, 'home') };
}

function aesCodec(backend = 'gnome_libsecret'): SecretCodec {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString(text) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

describe('the Hugging Face token', () => {
  it('without a keychain: a file only the user can read, found after the environment and before the CLI file', () => {
    const p = places();
    expect(findHubToken(p)).toBeNull();
    const cliFile = hfCliTokenPath({}, p.home);
    expect(cliFile).toBe(join(p.home, '.cache', 'huggingface', 'token'));
    mkdirSync(join(p.home, '.cache', 'huggingface'), { recursive: true });
    writeFileSync(cliFile, `${TOKEN_C}\n`);
    expect(findHubToken(p)).toEqual({ token: TOKEN_C, kind: 'hf-cli', source: `the Hugging Face CLI's token file (${cliFile})` });

    expect(saveHubToken(`  ${TOKEN_A}\n`, p)).toBe('file');
    expect(statSync(join(p.dataDir, 'hub-token')).mode & 0o777).toBe(0o600);
    expect(findHubToken(p)).toEqual({ token: TOKEN_A, kind: 'app', source: 'the token saved in Ablation Studio' });

    const withEnv = { ...p, env: { HUGGINGFACE_HUB_TOKEN: TOKEN_B } };
    expect(findHubToken(withEnv)).toEqual({ token: TOKEN_B, kind: 'env', source: 'the HUGGINGFACE_HUB_TOKEN environment variable' });
    expect(hubTokenStatus(withEnv)).toEqual({
      active: { kind: 'env', source: 'the HUGGINGFACE_HUB_TOKEN environment variable', masked: 'hf_…BBBB' },
      saved: 'file',
      savedUnreadable: false,
    });
    clearHubToken(p);
    expect(existsSync(join(p.dataDir, 'hub-token'))).toBe(false);
    expect(findHubToken(p)?.kind).toBe('hf-cli');
  });

  it('HF_TOKEN_PATH and HF_HOME move the CLI token file, as in huggingface_hub', () => {
    expect(hfCliTokenPath({ HF_TOKEN_PATH: '/x/token' }, '/home/u')).toBe('/x/token');
    expect(hfCliTokenPath({ HF_HOME: '/data/hf' }, '/home/u')).toBe('/data/hf/token');
    expect(hfCliTokenPath({ XDG_CACHE_HOME: '/c' }, '/home/u')).toBe('/c/huggingface/token');
  });

  it('with a keychain: stored encrypted, the plain file removed, unreadable from the command line', () => {
    const codec = aesCodec();
    const p = places({ codec });
    saveHubToken(TOKEN_A, { ...p, codec: undefined });
    expect(saveHubToken(TOKEN_A, p)).toBe('keychain');
    expect(existsSync(join(p.dataDir, 'hub-token'))).toBe(false);
    const stored = readFileSync(join(p.dataDir, 'hub-token.safe'));
    expect(stored.includes(Buffer.from(TOKEN_A))).toBe(false);
    expect(findHubToken(p)?.token).toBe(TOKEN_A);
    // The command line has no keychain: it reports the saved token as unreadable and uses none.
    const cli = { ...p, codec: undefined };
    expect(findHubToken(cli)).toBeNull();
    expect(hubTokenStatus(cli)).toEqual({ active: null, saved: 'keychain', savedUnreadable: true });
  });

  it("Linux's basic_text backend is no keychain: the 0600 file is used", () => {
    const p = places({ codec: aesCodec('basic_text') });
    expect(saveHubToken(TOKEN_A, p)).toBe('file');
  });

  it('refuses what cannot be a token, naming where it came from', () => {
    const p = places({ env: { HF_TOKEN: 'my password' } });
    expect(() => findHubToken(p)).toThrow('HF_TOKEN: is not a Hugging Face access token (they start with "hf_" and have no spaces); copy it again from your hub settings (Access Tokens)');
    expect(() => saveHubToken('   ', places())).toThrow('Hugging Face token: the token is empty');
  });
});
