// How a request or event is declared: a zod schema for its payload and one for its result, so the
// renderer's types, the main side's runtime checks and the tests' drift checks come from one place.
// Domain modules (models.ts, tokens.ts, studies.ts, queue.ts, app.ts, events.ts) use these helpers.

import { z } from 'zod';

export interface RequestDef<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  payload: P;
  result: R;
}

/** A request: `request(payloadSchema, resultSchema)`. Payloads are strict objects (unknown keys are errors). */
export function request<P extends z.ZodType, R extends z.ZodType>(payload: P, result: R): RequestDef<P, R> {
  return { payload, result };
}

/** A request without parameters. */
export const noPayload = z.strictObject({});

/** A positive database id. */
export const idSchema = z.number().int().positive();

/** `{ id }` of a stored thing. */
export const byId = z.strictObject({ id: idSchema });

/** No result beyond success. */
export const nothing = z.null();

/** Milliseconds since the epoch. */
export const epochMs = z.number();

/**
 * A type owned by a shared module (study spec, metrics, lag curve, model spec): carried as is, not
 * re-declared field by field, so fields added there flow through the contract without edits here.
 */
export function shared<T>() {
  return z.custom<T>((value) => value !== undefined);
}
