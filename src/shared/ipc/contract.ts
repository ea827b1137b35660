// The one typed contract between the renderer and the main process: every request with its payload
// schema (validated at runtime on the main side) and its result type. Electron IPC (preload +
// src/main/ipc) is derived from this table, so a request cannot exist on one side only.

import { z } from 'zod';
import { first } from '../checked';
import type { StudySummaryView, StudyListView } from './views';

const studyId = z.object({ id: z.number().int().positive() }).strict();

export const requestSchemas = {
  'studies.list': z.object({}).strict(),
  'studies.summary': studyId,
  'studies.rename': z.object({ id: z.number().int().positive(), name: z.string().trim().min(1).max(200) }).strict(),
  'studies.annotate': z.object({ id: z.number().int().positive(), notes: z.string().max(20_000) }).strict(),
  'studies.delete': studyId,
  'studies.pause': studyId,
  'studies.cancel': studyId,
} as const;

export type RequestName = keyof typeof requestSchemas;
export type RequestPayload<K extends RequestName> = z.infer<(typeof requestSchemas)[K]>;

export interface ResponseTypes {
  'studies.list': StudyListView[];
  'studies.summary': StudySummaryView;
  'studies.rename': void;
  'studies.annotate': void;
  'studies.delete': void;
  'studies.pause': boolean;
  'studies.cancel': boolean;
}

export const REQUEST_NAMES = Object.keys(requestSchemas) as RequestName[];

/** What window.api looks like in the renderer: one named async function per request. */
export type StudioApi = {
  [K in RequestName]: (payload: RequestPayload<K>) => Promise<ResponseTypes[K]>;
};

/** The IPC channel of a request (namespaced so no other channel can be invoked). */
export const channelOf = (name: RequestName): string => `studio:${name}`;

/** Parses a payload from the other side; throws a readable error naming the request and field. */
export function parseRequest<K extends RequestName>(name: K, payload: unknown): RequestPayload<K> {
  const result = requestSchemas[name].safeParse(payload);
  if (!result.success) {
    const issue = first(result.error.issues);
    throw new Error(`${name}: ${issue.path.join('.') || 'payload'}: ${issue.message}`);
  }
  return result.data as RequestPayload<K>;
}
