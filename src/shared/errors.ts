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
