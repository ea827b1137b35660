// Messages between the engine proxy (worker-host.ts, caller's thread) and the worker
// (worker-entry.ts). Big arrays travel as transferred ArrayBuffers; errors travel as plain data
// and are rebuilt on the other side, keeping InputError's name, file and problem.

import { ConflictError, InputError, NotFoundError, isInputError } from '../../../shared/errors';
import type { EngineInfo, EngineProgress } from '../engine-types';
import type { LocalEngineOptions } from './local-engine';

export interface BatchShape {
  batch: number;
  seqLen: number;
}

export type Request =
  | { id: number; op: 'load'; options: LocalEngineOptions }
  | ({ id: number; op: 'probe'; inputIds: BigInt64Array; headKeep: Float32Array; headUniform: Float32Array; headValueBias: Float32Array } & BatchShape)
  | ({ id: number; op: 'patterns'; inputIds: BigInt64Array } & BatchShape)
  | { id: number; op: 'prepare-probe'; layerReuse: boolean }
  | { id: number; op: 'close' };

export type Reply =
  | { kind: 'result'; id: number; value: EngineInfo | Float32Array | Float32Array[] | boolean | null }
  | { kind: 'error'; id: number; error: SerializedError }
  | { kind: 'progress'; event: EngineProgress };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** InputError only. */
  file?: string;
  problem?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (isInputError(err)) {
    return { name: err.name, message: err.message, stack: err.stack, file: err.file, problem: err.problem };
  }
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err) };
}

/** InputError and its kinds, rebuilt by name; null for any other error. */
function userError(name: string, file: string, problem: string): InputError | null {
  if (name === 'InputError') return new InputError(file, problem);
  if (name === 'NotFoundError') return new NotFoundError(file, problem);
  if (name === 'ConflictError') return new ConflictError(file, problem);
  return null;
}

/** Rebuilds the error in the caller's thread; the worker's stack is kept under the caller's. */
export function deserializeError(s: SerializedError): Error {
  const rebuilt = s.file !== undefined && s.problem !== undefined ? userError(s.name, s.file, s.problem) : null;
  const err = rebuilt ?? Object.assign(new Error(s.message), { name: s.name });
  if (s.stack) err.stack = `${err.stack}\n--- in the engine worker ---\n${s.stack}`;
  return err;
}

/** The buffers of `arrays`, to transfer; a view over a larger buffer is copied first so only its bytes move. */
export function ownBuffers<T extends Float32Array | BigInt64Array>(arrays: T[]): { arrays: T[]; buffers: ArrayBuffer[] } {
  const owned = arrays.map((a) =>
    a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer ? a : (a.slice() as T),
  );
  return { arrays: owned, buffers: owned.map((a) => a.buffer as ArrayBuffer) };
}
