// The one contract between the renderer and the main process: every request (payload and result
// schemas, per domain module) and every event (events.ts). Electron IPC, the browser bridge and
// the tests all derive from these tables, so a request cannot exist on one side only.
//
// The renderer sees `window.api: StudioApi`, e.g. `await api.studies.summary({ id })`, resolving to
// an ApiResult (errors as data, see errors.ts), plus `api.on(event, listener)` returning an
// unsubscribe function. Two transports build it with buildStudioApi: the Electron preload
// (src/preload) and the browser bridge client (bridge-client.ts).

import type { z } from 'zod';
import { appRequests } from './app';
import type { RequestDef } from './define';
import { fail, ok, type ApiResult } from './errors';
import type { EventListener, EventName } from './events';
import { hubRequests } from './hub';
import { modelRequests } from './models';
import { queueRequests } from './queue';
import { studyRequests } from './studies';
import { tokenRequests } from './tokens';

export const requestDefs = {
  ...appRequests,
  ...modelRequests,
  ...tokenRequests,
  ...hubRequests,
  ...studyRequests,
  ...queueRequests,
} as const satisfies Record<string, RequestDef>;

export type RequestName = keyof typeof requestDefs;
/** What the caller passes (optional fields may be left out). */
export type RequestInput<K extends RequestName> = z.input<(typeof requestDefs)[K]['payload']>;
/** What the handler receives, after validation. */
export type RequestPayload<K extends RequestName> = z.output<(typeof requestDefs)[K]['payload']>;
export type RequestResult<K extends RequestName> = z.output<(typeof requestDefs)[K]['result']>;

export const REQUEST_NAMES = Object.keys(requestDefs) as RequestName[];

type DomainOf<K> = K extends `${infer D}.${string}` ? D : never;
export type Domain = DomainOf<RequestName>;

/** A request function; its payload may be omitted when every field is optional. */
type Call<K extends RequestName> =
  Record<never, never> extends RequestInput<K>
    ? (payload?: RequestInput<K>) => Promise<ApiResult<RequestResult<K>>>
    : (payload: RequestInput<K>) => Promise<ApiResult<RequestResult<K>>>;

/** What window.api looks like in the renderer: `api.<domain>.<method>(payload)` and `api.on`. */
export type StudioApi = {
  [D in Domain]: { [K in RequestName as K extends `${D}.${infer M}` ? M : never]: Call<K> };
} & {
  /** Subscribes to a main-process event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
};

export function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(requestDefs, name);
}

/** Splits `studies.summary` into its domain and method. */
export function splitRequestName(name: RequestName): [Domain, string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot) as Domain, name.slice(dot + 1)];
}

/** Validates a payload from the other side: its parsed value, or an input error naming the field. */
export function parseRequest<K extends RequestName>(name: K, payload: unknown): ApiResult<RequestPayload<K>> {
  const result = requestDefs[name].payload.safeParse(payload ?? {});
  if (result.success) return ok(result.data as RequestPayload<K>);
  const issue = result.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const field = [...path, ...(unknownKey === undefined ? [] : [unknownKey])].join('.');
  const problem = unknownKey === undefined ? (issue?.message ?? 'is not valid') : 'is not a known field';
  return fail({ kind: 'input', message: `${name}: ${field || 'payload'}: ${problem}`, field: field || undefined });
}

/** The transport-independent half of a StudioApi: named functions over one `invoke`, plus `on`. */
export function buildStudioApi(
  invoke: (name: RequestName, payload: unknown) => Promise<ApiResult<unknown>>,
  on: StudioApi['on'],
): StudioApi {
  const api: Record<string, Record<string, (payload?: unknown) => Promise<ApiResult<unknown>>>> = {};
  for (const name of REQUEST_NAMES) {
    const [domain, method] = splitRequestName(name);
    (api[domain] ??= {})[method] = (payload?: unknown) => invoke(name, payload ?? {});
  }
  // The mapped type cannot be built key by key in a way TypeScript follows; the loop above covers
  // exactly REQUEST_NAMES, which is what the type enumerates.
  return { ...api, on } as unknown as StudioApi;
}

/** Electron IPC channels: one for requests (name, payload), one for events (name, payload). */
export const IPC_REQUEST_CHANNEL = 'studio:request';
export const IPC_EVENT_CHANNEL = 'studio:event';

/** Browser bridge paths: POST `${API_PREFIX}<name>` (JSON body), GET EVENTS_PATH (Server-Sent Events). */
export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
