// The user's Hugging Face access token: found where huggingface_hub users keep it, or saved by the
// app. Looked up in this order: the HF_TOKEN / HUGGING_FACE_HUB_TOKEN / HUGGINGFACE_HUB_TOKEN
// environment variables (the most specific, as in huggingface_hub), the token saved in the app,
// then the file the Hugging Face CLI writes on `hf auth login`. The app saves it encrypted by the
// OS keychain (Electron's safeStorage, passed in as a SecretCodec) where available, else in a file
// only the user can read (0600) in the app data folder. The token itself is never logged or returned
// to callers that only want its status.

import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../shared/errors';

/** Electron's safeStorage has exactly this shape; tests and the CLI pass none. */
export interface SecretCodec {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keychain (a fixed key), which is no better than a 0600 file. */
  getSelectedStorageBackend?(): string;
}

export interface TokenPlaces {
  /** The app data folder (appDataDir()). */
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  codec?: SecretCodec;
}

export type TokenSourceKind = 'env' | 'app' | 'hf-cli';

export interface FoundToken {
  token: string;
  kind: TokenSourceKind;
  /** Where it came from, in words, for messages ("the HF_TOKEN environment variable"). */
  source: string;
}

export const TOKEN_ENV_VARS = ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'HUGGINGFACE_HUB_TOKEN'] as const;
const KEYCHAIN_FILE = 'hub-token.safe';
const PLAIN_FILE = 'hub-token';

/** The Hugging Face CLI's token file: $HF_TOKEN_PATH, else <HF_HOME>/token (HF_HOME defaults to ~/.cache/huggingface). */
export function hfCliTokenPath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (env.HF_TOKEN_PATH) return env.HF_TOKEN_PATH;
  const hfHome = env.HF_HOME || join(env.XDG_CACHE_HOME || join(home, '.cache'), 'huggingface');
  return join(hfHome, 'token');
}

/** A token as typed or pasted: trimmed; InputError naming `where` if it cannot be a hub token. */
export function checkTokenText(text: string, where: string): string {
  const token = text.trim();
  if (!token) throw new InputError(where, 'the token is empty');
  if (!/^hf_[A-Za-z0-9_-]+$/.test(token)) {
    throw new InputError(where, 'is not a Hugging Face access token (they start with "hf_" and have no spaces); copy it again from your hub settings (Access Tokens)');
  }
  return token;
}

/** A keychain that really encrypts (not Linux's basic_text fallback). */
export function keychainUsable(codec: SecretCodec | undefined): codec is SecretCodec {
  return Boolean(codec?.isEncryptionAvailable() && codec.getSelectedStorageBackend?.() !== 'basic_text');
}

/** The token the app saved, if this process can read it (a keychain token needs the desktop app). */
function readAppToken(places: TokenPlaces): string | null {
  const safe = join(places.dataDir, KEYCHAIN_FILE);
  if (existsSync(safe) && keychainUsable(places.codec)) return places.codec.decryptString(readFileSync(safe)).trim() || null;
  const plain = join(places.dataDir, PLAIN_FILE);
  return existsSync(plain) ? readFileSync(plain, 'utf8').trim() || null : null;
}

export function findHubToken(places: TokenPlaces): FoundToken | null {
  const env = places.env ?? process.env;
  for (const name of TOKEN_ENV_VARS) {
    const value = env[name]?.trim();
    if (value) return { token: checkTokenText(value, name), kind: 'env', source: `the ${name} environment variable` };
  }
  const saved = readAppToken(places);
  if (saved) return { token: checkTokenText(saved, 'the token saved in Ablation Studio'), kind: 'app', source: 'the token saved in Ablation Studio' };
  const cliFile = hfCliTokenPath(env, places.home);
  const cli = existsSync(cliFile) ? readFileSync(cliFile, 'utf8').trim() : '';
  if (cli) return { token: checkTokenText(cli, cliFile), kind: 'hf-cli', source: `the Hugging Face CLI's token file (${cliFile})` };
  return null;
}

/** Saves the token for the app; returns where it went. */
export function saveHubToken(text: string, places: TokenPlaces): 'keychain' | 'file' {
  const token = checkTokenText(text, 'Hugging Face token');
  mkdirSync(places.dataDir, { recursive: true });
  const keychain = keychainUsable(places.codec);
  const target = join(places.dataDir, keychain ? KEYCHAIN_FILE : PLAIN_FILE);
  const tmp = `${target}.${process.pid}.tmp`;
  // 0600 from creation (no window where others can read it), then an atomic rename.
  writeFileSync(tmp, keychain && places.codec ? places.codec.encryptString(token) : token, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, target);
  rmSync(join(places.dataDir, keychain ? PLAIN_FILE : KEYCHAIN_FILE), { force: true });
  return keychain ? 'keychain' : 'file';
}

export function clearHubToken(places: TokenPlaces): void {
  rmSync(join(places.dataDir, KEYCHAIN_FILE), { force: true });
  rmSync(join(places.dataDir, PLAIN_FILE), { force: true });
}

export interface TokenStatus {
  /** The token downloads will use, if any, with its source; the token itself only as `hf_…wxyz`. */
  active: { kind: TokenSourceKind; source: string; masked: string } | null;
  /** What the app itself has saved. */
  saved: 'keychain' | 'file' | null;
  /** A keychain token exists but this process (the command line) cannot decrypt it. */
  savedUnreadable: boolean;
}

export function hubTokenStatus(places: TokenPlaces): TokenStatus {
  const found = findHubToken(places);
  const hasSafe = existsSync(join(places.dataDir, KEYCHAIN_FILE));
  const hasPlain = existsSync(join(places.dataDir, PLAIN_FILE));
  return {
    active: found && { kind: found.kind, source: found.source, masked: maskToken(found.token) },
    saved: hasSafe ? 'keychain' : hasPlain ? 'file' : null,
    savedUnreadable: hasSafe && !keychainUsable(places.codec),
  };
}

export function maskToken(token: string): string {
  return `hf_…${token.slice(-4)}`;
}
