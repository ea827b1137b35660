// The shape every CLI command module exports (src/main/cli/commands/<name>.ts, default export).

export interface CliCommand {
  /** One line for `help`. */
  summary: string;
  /** Full usage text, shown on bad arguments. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** Thrown for bad command-line arguments: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
