// Field messages from studies.validate, keyed the way the form asks for them: a field's own errors
// (`spec.permutations`) and those of its parts (`spec.groups.1.counts.3` belongs to
// `spec.groups.1.counts`). Messages come as "spec.permutations: must be ..."; next to the field the
// prefix is dropped (the label says which field it is).

import type { FieldError } from '../../../shared/ipc/studies';

export function errorsFor(errors: readonly FieldError[], field: string): string[] {
  return errors.filter((e) => e.field === field || e.field.startsWith(`${field}.`)).map((e) => withoutFieldPrefix(e));
}

export function withoutFieldPrefix(error: FieldError): string {
  const prefix = `${error.field}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** Errors no field of the form shows (whole-spec problems): they go in the summary only. */
export function unplacedErrors(errors: readonly FieldError[], placed: readonly string[]): FieldError[] {
  return errors.filter((e) => !placed.some((f) => e.field === f || e.field.startsWith(`${f}.`)));
}
