// The InputError a call throws, for tests that then check the file and the problem it names
// (`<file>: <problem>`, src/shared/errors.ts). Shared by the study and engine family tests.

import { expect } from 'vitest';
import { InputError } from '../../src/shared/errors';

/** The InputError `fn` throws (failing the test if it throws anything else or nothing). */
export function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}
