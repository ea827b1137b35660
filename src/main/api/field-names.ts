// The services name some inputs as the command line knows them (`--revision`, "pasted text"); the
// app's requests name them by their payload field (`revision`, `words.text`), which is what the UI
// shows an error next to. Only plain InputErrors are renamed: not-found and conflict keep their kind.

import { InputError, isInputError } from '../../shared/errors';

/** `err` with its subject renamed from `subject` to `field`, or `err` itself. */
export function asField(err: unknown, subject: string, field: string): unknown {
  if (isInputError(err) && err.file === subject && err.name === 'InputError') return new InputError(field, err.problem);
  return err;
}

/** Runs `work`, rethrowing an error about `subject` as one about `field`. */
export function withField<T>(subject: string, field: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw asField(err, subject, field);
  }
}
