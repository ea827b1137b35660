// The main side of the contract, independent of transport: validate a request's payload, call its
// handler, and turn whatever happens into an ApiResult. User errors (InputError and its not-found /
// conflict kinds) become their kind with the file or field; anything else is logged with its stack
// and reported as `internal` (a programming error is never dressed up as bad input).

import { isInputError } from '../../shared/errors';
import {
  isRequestName,
  parseRequest,
  type RequestName,
  type RequestPayload,
  type RequestResult,
} from '../../shared/ipc/contract';
import { errorKindOf, fail, ok, type ApiResult, type StudioError } from '../../shared/ipc/errors';

export type Handlers = {
  [K in RequestName]: (payload: RequestPayload<K>) => RequestResult<K> | Promise<RequestResult<K>>;
};

export type ErrorLog = (message: string, err: unknown) => void;

const defaultLog: ErrorLog = (message, err) => console.error(message, err);

/** Validates and runs one request; never throws. */
export async function dispatchRequest(
  handlers: Handlers,
  name: string,
  payload: unknown,
  log: ErrorLog = defaultLog,
): Promise<ApiResult<unknown>> {
  if (!isRequestName(name)) return fail({ kind: 'not-found', message: `There is no request named "${name}".` });
  const parsed = parseRequest(name, payload);
  if (!parsed.ok) return parsed;
  try {
    return ok(await callHandler(handlers, name, parsed.value));
  } catch (err) {
    return fail(toStudioError(err, name, log));
  }
}

function callHandler<K extends RequestName>(handlers: Handlers, name: K, payload: RequestPayload<K>) {
  return handlers[name](payload);
}

/** An error as the contract's data. `spec.*` and flag-like names go to `field`, paths to `file`. */
export function toStudioError(err: unknown, context: string, log: ErrorLog = defaultLog): StudioError {
  if (isInputError(err)) {
    const kind = errorKindOf(err);
    const where = isFieldName(err.file) ? { field: err.file } : isFilePath(err.file) ? { file: err.file } : {};
    return { kind, message: err.message, ...where };
  }
  log(`${context}: unexpected error`, err);
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'internal', message: `Something went wrong (${context}): ${message}` };
}

/** `outDir`, `spec.groups.1.counts`, `--host`: a request field or a flag, not a file or a thing ("study 3"). */
function isFieldName(name: string): boolean {
  return /^[A-Za-z_]\w*(\.\w+)*$/.test(name) || /^--?[a-z][\w-]*$/.test(name);
}

function isFilePath(name: string): boolean {
  return /^([A-Za-z]:)?[\\/]/.test(name) || /^\.{1,2}[\\/]/.test(name);
}
