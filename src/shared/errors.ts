// One error type for every bad input the app can meet (checkpoint, token set, score CSV, spec).
// The message always names the file (or field) and the problem, so the UI and CLI can show it as is.

export class InputError extends Error {
  constructor(
    /** The file path, or `spec.<field>` for a study-spec field. */
    readonly file: string,
    /** What is wrong, in plain words. */
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'InputError';
  }
}

export function isInputError(err: unknown): err is InputError {
  return err instanceof Error && err.name === 'InputError';
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
