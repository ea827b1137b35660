// What the request handlers work with: the services' context, the event hub, the study queue, the
// Models screen's long tasks and model downloads, the OS keychain (Electron's safeStorage) where
// there is one, and what the transport offers (a native file dialog in Electron).

import type { StudioContext } from '../app/context';
import type { EventHub } from '../app/event-hub';
import type { HubDownloads } from '../app/hub-downloads';
import type { ModelTasks } from '../app/model-tasks';
import type { SecretCodec } from '../hub/hub-token';
import type { StudyQueue } from '../studies/queue';
import type { RequestPayload } from '../../shared/ipc/contract';

export type PickPath = (request: RequestPayload<'app.pickPath'>) => Promise<string | null>;

export interface ApiDeps {
  ctx: StudioContext;
  hub: EventHub;
  queue: StudyQueue;
  tasks: ModelTasks;
  downloads: HubDownloads;
  /** Encrypts the saved hub token with the OS keychain (Electron); null: a 0600 file instead. */
  secrets: SecretCodec | null;
  transport: 'electron' | 'bridge';
  /** A native open dialog (Electron); null in a browser. */
  pickPath: PickPath | null;
}
