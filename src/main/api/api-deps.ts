// What the request handlers work with: the services' context, the event hub, the study queue, the
// Models screen's long tasks, and what the transport offers (a native file dialog in Electron).

import type { StudioContext } from '../app/context';
import type { EventHub } from '../app/event-hub';
import type { ModelTasks } from '../app/model-tasks';
import type { StudyQueue } from '../studies/queue';
import type { RequestPayload } from '../../shared/ipc/contract';

export type PickPath = (request: RequestPayload<'app.pickPath'>) => Promise<string | null>;

export interface ApiDeps {
  ctx: StudioContext;
  hub: EventHub;
  queue: StudyQueue;
  tasks: ModelTasks;
  transport: 'electron' | 'bridge';
  /** A native open dialog (Electron); null in a browser. */
  pickPath: PickPath | null;
}
