// Contract, events pushed from the main process: the queue's state, a study's progress through its
// phases, its end, changes to the lists (studies, models, token sets) a view may be showing, and
// model downloads from the Hugging Face hub.
// A renderer that reloads (or reconnects) resynchronises from queue.state; the bridge also sends
// the current queue state first on every new event stream.

import { z } from 'zod';
import { idSchema } from './define';
import { studioErrorSchema } from './errors';
import { downloadJobSchema } from './hub';
import { queueStateSchema } from './queue';
import { studyPhaseSchema } from './studies';

export const studyProgressSchema = z.strictObject({
  studyId: idSchema,
  phase: studyPhaseSchema,
  /** Rows (condition x trial) with a stored result, and all rows. */
  done: z.number().int(),
  total: z.number().int(),
  /** Measured in this run session; null until a batch is done (and outside the running phase). */
  rowsPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  /** Progress within the phase (0..1), where known: compiling, scoring, exporting, running. */
  fraction: z.number().nullable(),
  /** What is happening, in words ("Compiling the probe graph (float32)"). */
  message: z.string(),
});
export type StudyProgressEvent = z.infer<typeof studyProgressSchema>;

export const modelProgressSchema = z.strictObject({
  modelId: idSchema.nullable(),
  path: z.string(),
  task: z.enum(['add', 'compile', 'scores']),
  stage: z.enum(['hash', 'compile', 'load', 'measure', 'scoring']),
  fraction: z.number().nullable(),
  message: z.string(),
});
export type ModelProgressEvent = z.infer<typeof modelProgressSchema>;

export const eventSchemas = {
  'queue.changed': queueStateSchema,
  'study.progress': studyProgressSchema,
  /** The study stopped without error: done, paused (by the user or at shutdown) or cancelled. */
  'study.finished': z.strictObject({ studyId: idSchema, status: z.enum(['done', 'paused', 'cancelled']) }),
  'study.failed': z.strictObject({ studyId: idSchema, error: studioErrorSchema }),
  'studies.changed': z.strictObject({ studyId: idSchema, change: z.enum(['created', 'updated', 'deleted']) }),
  'model.progress': modelProgressSchema,
  /** A model was added, removed or got a new score set or compiled graph. */
  'models.changed': z.strictObject({ modelId: idSchema.nullable() }),
  'tokens.changed': z.strictObject({ tokenSetId: idSchema.nullable() }),
  /** A model download's progress, per file and overall; also its end (state done, failed or cancelled, with the error). */
  'hub.progress': downloadJobSchema,
} as const;

export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;
export type EventListener<E extends EventName> = (payload: EventPayload<E>) => void;
export const EVENT_NAMES = Object.keys(eventSchemas) as EventName[];
