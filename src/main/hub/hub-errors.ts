// Turns the hub's refusals into messages that say exactly what to do. The hub marks them the way
// huggingface_hub's hf_raise_for_status reads them: `X-Error-Code` (GatedRepo, RepoNotFound,
// RevisionNotFound, EntryNotFound) and `X-Error-Message` ("Invalid credentials in Authorization
// header" for a wrong token). Messages name the repo (or flag) first, as every InputError does, and
// never contain the token itself.

import { InputError } from '../../shared/errors';
import { repoPageUrl, tokenSettingsUrl } from '../../shared/hub-urls';

export const INVALID_CREDENTIALS = 'Invalid credentials in Authorization header';

/** What a refusal is about: which repo, where, with which token source (never the token). */
export interface HubRequestContext {
  endpoint: string;
  repoId: string;
  revision: string;
  /** Where the token came from, in words (e.g. "the HF_TOKEN environment variable"); null: no token. */
  tokenSource: string | null;
}

/** The parts of an HTTP response a refusal is judged by. */
export interface HubRefusal {
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  url: string;
}

export function refusalOf(response: Response): HubRefusal {
  return {
    status: response.status,
    errorCode: response.headers.get('X-Error-Code'),
    errorMessage: response.headers.get('X-Error-Message'),
    url: response.url,
  };
}

/** The InputError for a refused request (status >= 400). */
export function hubRefusalError(r: HubRefusal, ctx: HubRequestContext): InputError {
  const { repoId, endpoint } = ctx;
  const hubSays = r.errorMessage ? ` The hub says: "${r.errorMessage}"` : '';
  const howToToken = `create a token with "read" access at ${tokenSettingsUrl(endpoint)} and enter it on the Models screen (Hugging Face token) or set HF_TOKEN`;

  if (r.errorMessage === INVALID_CREDENTIALS || (r.status === 401 && ctx.tokenSource && !r.errorCode)) {
    return new InputError(
      repoId,
      `the Hugging Face token from ${ctx.tokenSource ?? 'the request'} was refused by ${endpoint} (wrong, expired or revoked token). ` +
        `Check it or ${howToToken}, then download again.`,
    );
  }
  if (r.errorCode === 'GatedRepo') {
    const page = repoPageUrl(endpoint, repoId);
    if (!ctx.tokenSource) {
      return new InputError(
        repoId,
        `this model is gated: its files are only for signed-in users who accepted its licence. ` +
          `1) Open ${page}, sign in and accept the licence; 2) ${howToToken}; 3) download again.${hubSays}`,
      );
    }
    return new InputError(
      repoId,
      `this model is gated and the account of the token from ${ctx.tokenSource} has no access yet. ` +
        `Open ${page} with that account and accept the licence (some authors approve requests by hand: ` +
        `wait for the e-mail), then download again.${hubSays}`,
    );
  }
  if (r.errorCode === 'RevisionNotFound') {
    return new InputError('--revision', `${JSON.stringify(ctx.revision)} is not a branch, tag or commit of ${repoId} on ${endpoint}.`);
  }
  if (r.errorCode === 'EntryNotFound') {
    return new InputError(repoId, `a file listed by the hub is missing at ${r.url} (the repository changed during the download?). Download again.`);
  }
  if (r.errorCode === 'RepoNotFound' || r.status === 404 || r.status === 401) {
    const privateHint = ctx.tokenSource
      ? `If it is private, the account of the token from ${ctx.tokenSource} cannot see it.`
      : `If it is private, ${howToToken}.`;
    return new InputError(
      repoId,
      `no such model repository on ${endpoint}. Check the spelling (org/name, exactly as in the model page's URL). ${privateHint}`,
    );
  }
  if (r.errorMessage === 'Access to this resource is disabled.') {
    return new InputError(repoId, `the hub has disabled this repository (${endpoint}); it cannot be downloaded.`);
  }
  if (r.status === 429) {
    return new InputError(repoId, `${endpoint} is rate-limiting requests (HTTP 429). Wait a few minutes and download again; finished files are kept.`);
  }
  if (r.status >= 500) {
    return new InputError(repoId, `${endpoint} failed (HTTP ${r.status}). Try again later; the download resumes where it stopped.${hubSays}`);
  }
  return new InputError(repoId, `${endpoint} refused the request (HTTP ${r.status}) for ${r.url}.${hubSays}`);
}

/** The InputError for a request that got no answer at all (no network, wrong HF_ENDPOINT...). */
export function unreachableError(err: unknown, ctx: HubRequestContext): InputError {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const detail = code ?? (cause instanceof Error ? cause.message : String(cause));
  return new InputError(
    ctx.repoId,
    `cannot reach ${ctx.endpoint} (${detail}). Check the internet connection` +
      `${ctx.endpoint.includes('huggingface.co') ? '' : ' and HF_ENDPOINT'}; finished files are kept and the download resumes where it stopped.`,
  );
}
