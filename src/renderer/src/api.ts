// The renderer's one door to the main process: the StudioApi from the Electron preload or, in a
// browser, a bridge client for the server that served the page (obtained once). Stores call
// `request(api => api.<domain>.<method>(...))`, which never throws: a transport failure or a bug
// becomes an ApiResult error with a readable message, so every screen can show it in place.

import { connectStudioApi } from '../../shared/ipc/connect';
import type { StudioApi } from '../../shared/ipc/contract';
import type { ApiResult, StudioError } from '../../shared/ipc/errors';
import type { EventListener, EventName } from '../../shared/ipc/events';

export type { ApiResult, StudioError };

let current: StudioApi | null = null;

/** The app's API; connects on first use. */
export function studioApi(): StudioApi {
  current ??= connectStudioApi();
  return current;
}

/** Uses this API from now on (component tests pass a bridge client for a bridge they started). */
export function useStudioApi(api: StudioApi | null): void {
  current = api;
}

/** Runs one request; a thrown error (no token, server gone, a bug) becomes an internal error result. */
export async function request<T>(call: (api: StudioApi) => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
  try {
    return await call(studioApi());
  } catch (err) {
    return { ok: false, error: { kind: 'internal', message: readableMessage(err) } };
  }
}

/** A thrown value as one sentence (never a stack trace). */
export function readableMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return typeof err === 'string' ? err : 'Something went wrong (no details were given).';
}

/** Subscribes to a main-process event; a page without an API (no token) just gets no events. */
export function onEvent<E extends EventName>(event: E, listener: EventListener<E>): () => void {
  try {
    return studioApi().on(event, listener);
  } catch {
    return () => undefined;
  }
}
