// What the app asks the hub before downloading, through @huggingface/hub: a revision's commit hash,
// gating and config (`/api/models/{repo}/revision/{rev}`), the file listing with sizes and hashes
// (`/api/models/{repo}/tree/{commit}`), the token's account (`/api/whoami-v2`), plus the
// `auth-check` endpoint the library lacks. Every request goes through one fetch wrapper that turns
// refusals and network failures into the messages of hub-errors.ts before the library sees them.

import { listFiles, modelInfo, whoAmI } from '@huggingface/hub';
import { InputError } from '../../shared/errors';
import { hubRefusalError, refusalOf, unreachableError, type HubRequestContext } from './hub-errors';
import { COMMIT_HASH } from './hub-repo';

/** One hub conversation: where, about which repo, with which token, cancellable. */
export interface HubSession extends HubRequestContext {
  token: string | null;
  signal?: AbortSignal;
}

export interface RepoRevisionInfo {
  /** The 40-hex commit the revision points at. */
  commit: string;
  gated: false | 'auto' | 'manual';
  /** The hub's summary of config.json (model_type, architectures), when it has one. */
  modelType: string | null;
}

export interface RepoFile {
  path: string;
  size: number;
  /** sha256 for LFS files, the git blob sha1 otherwise: the blob's name in the cache, and its checksum. */
  etag: string;
  hash: 'sha256' | 'git-sha1';
}

/** fetch for the library: the session's abort signal, refusals and network errors as InputErrors. */
export function sessionFetch(session: HubSession): typeof fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal: session.signal });
    } catch (err) {
      if (session.signal?.aborted) throw session.signal.reason;
      throw unreachableError(err, session);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw hubRefusalError(refusalOf(response), session);
    }
    return response;
  };
}

function credentials(session: HubSession): { accessToken: string } | { accessToken?: undefined } {
  return session.token ? { accessToken: session.token } : {};
}

export async function revisionInfo(session: HubSession): Promise<RepoRevisionInfo> {
  const info = await modelInfo({
    name: session.repoId,
    revision: session.revision,
    additionalFields: ['sha', 'config'],
    hubUrl: session.endpoint,
    fetch: sessionFetch(session),
    ...credentials(session),
  });
  if (typeof info.sha !== 'string' || !COMMIT_HASH.test(info.sha)) {
    throw new InputError(session.repoId, `${session.endpoint} did not say which commit "${session.revision}" is (no 'sha' in its answer); is HF_ENDPOINT a Hugging Face hub?`);
  }
  const config = info.config && typeof info.config === 'object' ? (info.config as Record<string, unknown>) : {};
  return {
    commit: info.sha,
    gated: info.gated ?? false,
    modelType: typeof config.model_type === 'string' ? config.model_type : null,
  };
}

export async function listRepoFiles(session: HubSession, commit: string): Promise<RepoFile[]> {
  const files: RepoFile[] = [];
  const entries = listFiles({
    repo: session.repoId,
    revision: commit,
    recursive: true,
    hubUrl: session.endpoint,
    fetch: sessionFetch(session),
    ...credentials(session),
  });
  for await (const entry of entries) {
    if (entry.type !== 'file') continue;
    const etag = entry.lfs?.oid ?? entry.oid;
    if (!etag) throw new InputError(session.repoId, `${session.endpoint} listed ${entry.path} without a hash; cannot verify it`);
    files.push({ path: entry.path, size: entry.lfs?.size ?? entry.size, etag, hash: entry.lfs ? 'sha256' : 'git-sha1' });
  }
  return files;
}

/** Whether this token may download the repo's files (for gated repos: licence accepted). */
export async function checkAccess(session: HubSession): Promise<void> {
  const response = await sessionFetch(session)(`${session.endpoint}/api/models/${session.repoId}/auth-check`, {
    headers: session.token ? { Authorization: `Bearer ${session.token}` } : {},
  });
  await response.body?.cancel();
}

export interface TokenAccount {
  name: string;
  /** The token's own name and role, as the hub shows them under Settings > Access Tokens. */
  tokenName: string | null;
  role: string | null;
}

export async function tokenAccount(session: HubSession & { token: string }): Promise<TokenAccount> {
  const me = await whoAmI({ accessToken: session.token, hubUrl: session.endpoint, fetch: sessionFetch(session) });
  return { name: me.name, tokenName: me.auth.accessToken?.displayName ?? null, role: me.auth.accessToken?.role ?? null };
}
