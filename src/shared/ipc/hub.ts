// Contract, Hugging Face hub domain: download a model by repo id into the Hugging Face cache (a job
// in the background with hub.progress events; the snapshot then appears in models.list), list and
// cancel those jobs, and see, save or forget the access token downloads use. The token goes in
// through hub.setToken only: no result or event ever carries it, only its masked form.

import { z } from 'zod';
import { noPayload, request } from './define';
import { studioErrorSchema } from './errors';

/** `org/name` as in the model page's URL (the hub's naming rules are checked by the service). */
const repoIdSchema = z.string().trim().min(1).max(200);
const revisionSchema = z.string().trim().min(1).max(200);

export const downloadJobIdSchema = z.number().int().positive();

export const DOWNLOAD_STATES = ['running', 'done', 'failed', 'cancelled'] as const;
export type DownloadState = (typeof DOWNLOAD_STATES)[number];

export const downloadFileSchema = z.strictObject({
  path: z.string(),
  state: z.enum(['waiting', 'downloading', 'verifying', 'done']),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  /** Bytes per second over the last 5 s. */
  rate: z.number(),
  etaSeconds: z.number().nullable(),
});
export type DownloadFileView = z.infer<typeof downloadFileSchema>;

/** One download job as the Models screen shows it; also the payload of every hub.progress event. */
export const downloadJobSchema = z.strictObject({
  id: downloadJobIdSchema,
  repoId: z.string(),
  revision: z.string(),
  /** The commit the revision resolved to; null until the hub answered. */
  commit: z.string().nullable(),
  state: z.enum(DOWNLOAD_STATES),
  /** preparing: asking the hub, checking access, config and disk space; downloading; done. */
  phase: z.enum(['preparing', 'downloading', 'done']),
  files: z.array(downloadFileSchema),
  filesDone: z.number().int(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  rate: z.number(),
  etaSeconds: z.number().nullable(),
  /** Why it failed or stopped, exactly as the download service says it (what to do included). */
  error: studioErrorSchema.nullable(),
  /** The snapshot folder once done: a checkpoint folder studies can use. */
  dir: z.string().nullable(),
  /** What the download could not provide that some feature needs (e.g. no tokenizer.json). */
  warnings: z.array(z.string()),
  startedAt: z.number(),
});
export type DownloadJobView = z.infer<typeof downloadJobSchema>;

export const TOKEN_SOURCE_KINDS = ['env', 'app', 'hf-cli'] as const;

export const hubTokenStatusSchema = z.strictObject({
  /** The token downloads use, if any: where it comes from, in words, and `hf_…wxyz`. */
  active: z.strictObject({ kind: z.enum(TOKEN_SOURCE_KINDS), source: z.string(), masked: z.string() }).nullable(),
  /** Where the app keeps its own saved token: the OS keychain, a file only the user can read, or none. */
  saved: z.enum(['keychain', 'file']).nullable(),
  /** A keychain token exists but this process cannot decrypt it (the browser bridge, the CLI). */
  savedUnreadable: z.boolean(),
  /** Where hub.setToken would save one now. */
  storage: z.enum(['keychain', 'file']),
  /** The hub downloads come from (HF_ENDPOINT, else huggingface.co). */
  endpoint: z.string(),
});
export type HubTokenStatus = z.infer<typeof hubTokenStatusSchema>;

export const hubRequests = {
  /** Starts downloading a model into the Hugging Face cache; returns the job id at once (progress: hub.progress). */
  'hub.download': request(
    z.strictObject({ repoId: repoIdSchema, revision: revisionSchema.optional() }),
    z.strictObject({ id: downloadJobIdSchema }),
  ),
  /** Every download of this session, newest first, with its latest progress. */
  'hub.downloads': request(noPayload, z.array(downloadJobSchema)),
  /** Stops a running download (its finished files and partial file are kept: starting it again resumes); false if it is not running. */
  'hub.cancelDownload': request(z.strictObject({ id: downloadJobIdSchema }), z.boolean()),
  'hub.tokenStatus': request(noPayload, hubTokenStatusSchema),
  /** Saves a token for downloads (the OS keychain where available, else a 0600 file); answers with the masked status. */
  'hub.setToken': request(z.strictObject({ token: z.string().max(1000) }), hubTokenStatusSchema),
  /** Forgets the token the app saved (tokens from the environment or the HF CLI stay). */
  'hub.clearToken': request(noPayload, hubTokenStatusSchema),
} as const;
