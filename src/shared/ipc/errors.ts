// Errors as data across the app's boundary: every request resolves to an ApiResult, never rejects
// with a flattened string. `kind` tells the UI what to do (show it next to a field, offer a refresh,
// report a bug); `field` / `file` say where. StudioApiError rebuilds a throwable on the caller's side.

import { z } from 'zod';
import { isConflictError, isInputError, isNotFoundError } from '../errors';

export const ERROR_KINDS = ['input', 'conflict', 'not-found', 'internal'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const studioErrorSchema = z.strictObject({
  /**
   * input: the user's input is wrong (a field, a file): show it in place.
   * conflict: the request cannot be done in the current state (study running, model in use).
   * not-found: the thing asked for does not exist (deleted meanwhile: refresh).
   * internal: a bug or an unexpected failure (disk, engine crash): the message says what happened.
   */
  kind: z.enum(ERROR_KINDS),
  /** One readable sentence, ready to show as is. */
  message: z.string(),
  /** The file the problem is in, when it is about a file. */
  file: z.string().optional(),
  /** The request field, `spec.<field>` for a study-spec field (for inline display next to it). */
  field: z.string().optional(),
});
export type StudioError = z.infer<typeof studioErrorSchema>;

/** What every request resolves to. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: StudioError };

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: StudioError): ApiResult<T> {
  return { ok: false, error };
}

/** A StudioError as a throwable, for callers that prefer exceptions (see unwrap). */
export class StudioApiError extends Error {
  readonly kind: ErrorKind;
  readonly file: string | undefined;
  readonly field: string | undefined;

  constructor(readonly error: StudioError) {
    super(error.message);
    this.name = 'StudioApiError';
    this.kind = error.kind;
    this.file = error.file;
    this.field = error.field;
  }
}

/** The value of a successful result; throws StudioApiError (with kind, field, file) otherwise. */
export function unwrap<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value;
  throw new StudioApiError(result.error);
}

/** The kind of a thrown error: user errors by their class, anything else is internal. */
export function errorKindOf(err: unknown): ErrorKind {
  if (isNotFoundError(err)) return 'not-found';
  if (isConflictError(err)) return 'conflict';
  return isInputError(err) ? 'input' : 'internal';
}
