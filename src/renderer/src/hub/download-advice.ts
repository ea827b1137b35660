// What the download panel offers next to a failed download's message (the message itself, from
// the hub service, already says what to do): the page to open (the model's page to accept its
// licence, the token settings) and which field to fix. Recognised by the service's own wording
// (src/main/hub/hub-errors.ts and the architecture check in download-model.ts).

import type { DownloadJobView } from '../../../shared/ipc/hub';
import { repoPageUrl, tokenSettingsUrl } from '../../../shared/hub-urls';

export type AdviceKind = 'gated' | 'no-access' | 'wrong-token' | 'unknown-repo' | 'revision' | 'architecture' | 'other';

export interface DownloadAdvice {
  kind: AdviceKind;
  /** A short heading for the message. */
  title: string;
  link: { href: string; label: string } | null;
  /** The field the user should change: the token, the repo id or the revision. */
  field: 'token' | 'repoId' | 'revision' | null;
}

export function downloadAdvice(job: Pick<DownloadJobView, 'repoId' | 'error'>, endpoint: string): DownloadAdvice | null {
  const message = job.error?.message;
  if (!message) return null;
  const page = { href: repoPageUrl(endpoint, job.repoId), label: 'Open the model page to accept its licence' };
  const tokens = { href: tokenSettingsUrl(endpoint), label: 'Create a "read" token' };
  if (/this model is gated: /.test(message)) return { kind: 'gated', title: 'Gated model: licence and token needed', link: page, field: 'token' };
  if (/is gated and the account of the token/.test(message)) return { kind: 'no-access', title: 'Licence not accepted by this account', link: page, field: null };
  if (/\(wrong, expired or revoked token\)/.test(message)) return { kind: 'wrong-token', title: 'Token refused', link: tokens, field: 'token' };
  if (/no such model repository/.test(message)) return { kind: 'unknown-repo', title: 'Unknown repository', link: null, field: 'repoId' };
  if (job.error?.field === 'revision') return { kind: 'revision', title: 'Unknown revision', link: null, field: 'revision' };
  if (/Choose a model of one of these types|The engine cannot run this checkpoint/.test(message)) {
    return { kind: 'architecture', title: 'Model type not supported', link: null, field: 'repoId' };
  }
  return { kind: 'other', title: 'Download stopped', link: null, field: null };
}
