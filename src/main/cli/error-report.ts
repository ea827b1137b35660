// The command line's one error printer: every failure becomes one `error: ...` line (plus the usage
// for bad arguments) and an exit code; a stack trace only with --debug. Typed errors (InputError,
// UsageError) carry their own words; file-system and SQLite errors a user can cause are put in plain
// words here; anything else is a bug, reported as one line that says so.

import { clipValue, isInputError } from '../../shared/errors';
import { describeFsError } from '../output-paths';
import { UsageError } from './command';

export interface ErrorReport {
  /** What to print on stderr. */
  text: string;
  /** Process exit code: 2 for bad arguments, 1 otherwise. */
  code: number;
}

/** Longest run of non-space characters kept in a message (paths fit; a pasted megabyte does not). */
const MAX_RUN = 300;

/** Cuts every over-long run of non-space characters, so no message floods the terminal. */
export function cutLongRuns(text: string): string {
  return text.replace(new RegExp(`\\S{${MAX_RUN + 1},}`, 'g'), (run) => clipValue(run, MAX_RUN));
}

function systemErrorLine(err: NodeJS.ErrnoException): string | null {
  if (typeof err.code !== 'string' || !/^E[A-Z]+$/.test(err.code)) return null;
  const where = err.path;
  return where ? `${where}: ${describeFsError(err)}` : `${describeFsError(err)} (${err.message})`;
}

export function reportError(err: unknown, usage: string | null, debug: boolean): ErrorReport {
  const stack = debug && err instanceof Error && err.stack ? `\n${err.stack}` : '';
  if (err instanceof UsageError) {
    return { text: `error: ${cutLongRuns(err.message)}${usage ? `\n\n${usage}` : ''}${stack}`, code: 2 };
  }
  if (isInputError(err)) return { text: `error: ${cutLongRuns(err.message)}${stack}`, code: 1 };
  if (err instanceof Error) {
    const system = systemErrorLine(err);
    if (system) return { text: `error: ${cutLongRuns(system)}${stack}`, code: 1 };
    if (err.name === 'SqliteError') {
      const code = (err as Error & { code?: unknown }).code;
      return { text: `error: the study database failed: ${cutLongRuns(err.message)} (${String(code)})${stack}`, code: 1 };
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  const firstLine = cutLongRuns(message.split('\n')[0] ?? '');
  const hint = debug ? '' : ' (an internal error; run again with --debug for the details)';
  return { text: `error: ${firstLine}${hint}${stack}`, code: 1 };
}
