// Errors the user can act on, shared by the CLI, the services and the app. The message always names
// the file (or field, or thing) and the problem, so the UI and CLI can show it as is.
// InputError: bad input (a file, a flag, `spec.<field>`). NotFoundError: the thing asked for does
// not exist. ConflictError: it exists but the request cannot be done now (a study running...).
// Anything else thrown is a programming error or an unexpected failure, never shown as bad input.

export class InputError extends Error {
  constructor(
    /** The file path, or `spec.<field>` for a study-spec field, or the thing concerned (`study 3`). */
    readonly file: string,
    /** What is wrong, in plain words. */
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'InputError';
  }
}

/** The study, model, token set... does not exist (or no longer: deleted meanwhile). */
export class NotFoundError extends InputError {
  constructor(what: string, problem = 'not found') {
    super(what, problem);
    this.name = 'NotFoundError';
  }
}

/** The request is valid but the current state forbids it (e.g. deleting a running study). */
export class ConflictError extends InputError {
  constructor(what: string, problem: string) {
    super(what, problem);
    this.name = 'ConflictError';
  }
}

const USER_ERROR_NAMES = new Set(['InputError', 'NotFoundError', 'ConflictError']);

/** Any of the three (by name too, so errors rebuilt after crossing a process boundary count). */
export function isInputError(err: unknown): err is InputError {
  return err instanceof InputError || (err instanceof Error && USER_ERROR_NAMES.has(err.name) && 'file' in err && 'problem' in err);
}

export function isNotFoundError(err: unknown): err is NotFoundError {
  return isInputError(err) && err.name === 'NotFoundError';
}

export function isConflictError(err: unknown): err is ConflictError {
  return isInputError(err) && err.name === 'ConflictError';
}

/** Longest offending value quoted whole in a message; longer ones are cut (a 50 MB "token" stays one line). */
export const MAX_QUOTED_CHARS = 60;

/**
 * `text` as it may appear inside an error message: whole if short, else its start, an ellipsis and
 * the full length, so a message never echoes megabytes of a bad file.
 */
export function clipValue(text: string, max = MAX_QUOTED_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length.toLocaleString('en-US')} characters)`;
}

/** A value as JSON (strings quoted), cut like clipValue: for echoing what a file or flag held. */
export function quoteValue(value: unknown, max = MAX_QUOTED_CHARS): string {
  if (typeof value === 'string' && value.length > max) {
    return `${JSON.stringify(value.slice(0, max))}… (${value.length.toLocaleString('en-US')} characters)`;
  }
  return clipValue(JSON.stringify(value) ?? String(value), max);
}
