// Contract, queue domain: the studies waiting to run, in order, one running at a time; pause,
// resume, cancel, reorder. Every request answers with the whole new state, so a view never has to
// merge partial updates (the queue.changed event carries the same state).

import { z } from 'zod';
import { byId, epochMs, idSchema, noPayload, request } from './define';
import { studioErrorSchema } from './errors';
import { studyPhaseSchema, studyStatusSchema } from './studies';

export const queueEntrySchema = z.strictObject({
  studyId: idSchema,
  name: z.string(),
  modelName: z.string(),
  status: studyStatusSchema,
  /** The running study's phase; null for the others. */
  phase: studyPhaseSchema.nullable(),
  done: z.number().int(),
  total: z.number().int(),
  rowsPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  /** Why it failed, for failed studies. */
  error: studioErrorSchema.nullable(),
  createdAt: epochMs,
});
export type QueueEntry = z.infer<typeof queueEntrySchema>;

export const queueStateSchema = z.strictObject({
  running: queueEntrySchema.nullable(),
  /** In the order they will run. */
  waiting: z.array(queueEntrySchema),
  /** Paused, failed or interrupted studies that can be resumed (newest first). */
  stopped: z.array(queueEntrySchema),
});
export type QueueState = z.infer<typeof queueStateSchema>;

export const queueRequests = {
  'queue.state': request(noPayload, queueStateSchema),
  /** Puts a study that is not done (paused, failed, cancelled, interrupted) at the end of the queue. */
  'queue.enqueue': request(byId, queueStateSchema),
  /** Running: pauses after the current batch (every finished batch is kept). Waiting: leaves the queue. */
  'queue.pause': request(byId, queueStateSchema),
  /** Re-queues a paused, failed or interrupted study (same as enqueue; the name a Resume button wants). */
  'queue.resume': request(byId, queueStateSchema),
  /** Stops a study for good (results so far are kept; it can still be re-queued by hand). */
  'queue.cancel': request(byId, queueStateSchema),
  /** The waiting studies' new order: exactly the ids now waiting, each once. */
  'queue.reorder': request(z.strictObject({ ids: z.array(idSchema) }), queueStateSchema),
} as const;
