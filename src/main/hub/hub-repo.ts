// Names and addresses of a Hugging Face model repository as huggingface_hub spells them: the hub's
// base URL (HF_ENDPOINT), repo ids (`org/name`, or a bare legacy name such as `gpt2`), revisions, and
// the URL of one file at one revision (`{endpoint}/{repo}/resolve/{revision}/{path}`).

import { InputError } from '../../shared/errors';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
export const DEFAULT_REVISION = 'main';

/** The hub's base URL: $HF_ENDPOINT (a mirror, or a local hub in tests) or huggingface.co, no trailing slash. */
export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.HF_ENDPOINT?.trim();
  if (!raw) return DEFAULT_ENDPOINT;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError('HF_ENDPOINT', `${JSON.stringify(raw)} is not a URL (expected e.g. ${DEFAULT_ENDPOINT})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('HF_ENDPOINT', `${JSON.stringify(raw)} must be an http or https URL`);
  }
  return raw.replace(/\/+$/, '');
}

// huggingface_hub's validate_repo_id: an optional namespace, a name of word characters, '-' and '.',
// no '--' or '..' (the cache folder joins parts with '--').
const REPO_ID = /^(?:[\w.-]+\/)?[\w.-]{1,96}$/;

/** The repo id, trimmed; InputError naming `what` (the flag or field) when it cannot be one. */
export function checkRepoId(repoId: string, what = 'repo id'): string {
  const id = repoId.trim();
  const problem = !id
    ? 'is empty'
    : !REPO_ID.test(id)
      ? 'must look like org/name (letters, digits, "-", "_", "." only), as in the model page\'s URL'
      : id.includes('--') || id.includes('..')
        ? 'cannot contain "--" or ".."'
        : /^[.-]|[.-]$|\/[.-]|[.-]\//.test(id)
          ? 'cannot start or end a part with "." or "-"'
          : null;
  if (problem) throw new InputError(what, `${JSON.stringify(repoId)} ${problem}`);
  return id;
}

/** A branch, tag, commit hash or `refs/pr/N`; InputError naming `--revision` otherwise. */
export function checkRevision(revision: string): string {
  const rev = revision.trim();
  if (!rev || rev.split('/').some((part) => part === '' || part === '.' || part === '..') || /[\s\\:?*]/.test(rev)) {
    throw new InputError('--revision', `${JSON.stringify(revision)} is not a branch, tag or commit name`);
  }
  return rev;
}

export const COMMIT_HASH = /^[0-9a-f]{40}$/;

/** The cache folder of a model repo: `models--org--name` (huggingface_hub's repo_folder_name). */
export function repoFolderName(repoId: string): string {
  return ['models', ...repoId.split('/')].join('--');
}

/** `{endpoint}/{repo}/resolve/{revision}/{path}`, each path segment percent-encoded. */
export function resolveUrl(endpoint: string, repoId: string, revision: string, path: string): string {
  const file = path.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${repoId}/resolve/${encodeURIComponent(revision)}/${file}`;
}
