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
