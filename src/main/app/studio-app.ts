// The app's main-process half, without any transport: open the store in the data folder, restore
// the queue (re-queueing a study the app was running when it stopped), and wire the contract's
// handlers and events. Electron (src/main/index.ts) and the browser bridge (src/main/bridge) both
// build one; closing shuts down in order: the queue (the running study pauses after its batch and
// stays first in line), the engines (closed by their jobs), model tasks and downloads (a stopped
// download resumes next time), then the store.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHandlers } from '../api/handlers';
import type { PickPath } from '../api/api-deps';
import type { ErrorLog, Handlers } from '../api/dispatch';
import { hubDownloads } from '../api/hub-handlers';
import type { EngineSpawner } from '../engine/runtime/engine-channel';
import { processSpawner } from '../engine/runtime/engine-channel';
import type { InductionParams } from '../models/induction-scores';
import { bundledDemoDir } from '../models/resolve-model';
import { openStore } from '../store/db';
import { engineOpener } from '../studies/engine-source';
import { StudyQueue } from '../studies/queue';
import { queueStateView } from '../studies/queue-view';
import type { StudioContext } from './context';
import { EventHub } from './event-hub';
import type { SecretCodec } from '../hub/hub-token';
import { ModelTasks } from './model-tasks';

export interface StudioAppOptions {
  /** The app's data folder (database, compiled graphs, hash memos). */
  dataDir: string;
  /** Default `<dataDir>/studio.sqlite`. */
  dbPath?: string;
  transport: 'electron' | 'bridge';
  /** Where engines run: default a separate process (child_process.fork); Electron passes its utilityProcess. */
  spawner?: EngineSpawner;
  /** The bundled demo model's folder; default the one in the source tree or $ABLATION_STUDIO_DEMO_MODEL, when built. */
  demoModelDir?: string | null;
  env?: NodeJS.ProcessEnv;
  /** A native open dialog (Electron). */
  pickPath?: PickPath | null;
  /** The OS keychain for the saved Hugging Face token (Electron's safeStorage); default none (a 0600 file). */
  secrets?: SecretCodec | null;
  /** Induction-score computation for studies that compute theirs (tests make it small). */
  induction?: Partial<InductionParams>;
  log?: ErrorLog;
}

export interface StudioApp {
  readonly handlers: Handlers;
  readonly events: EventHub;
  readonly queue: StudyQueue;
  readonly context: StudioContext;
  /** Queue, then engines, then store. Idempotent. */
  close(): Promise<void>;
}

export function defaultDemoModelDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = env.ABLATION_STUDIO_DEMO_MODEL || bundledDemoDir();
  return existsSync(join(dir, 'config.json')) ? dir : null;
}

export function createStudioApp(options: StudioAppOptions): StudioApp {
  const env = options.env ?? process.env;
  const dataDir = options.dataDir;
  const graphsDir = join(dataDir, 'graphs');
  const paths = { dataDir, dbPath: options.dbPath ?? join(dataDir, 'studio.sqlite'), graphsDir, hashMemoDir: join(graphsDir, 'hash-memo') };
  const store = openStore(paths.dbPath);
  const context: StudioContext = {
    store,
    paths,
    openEngine: engineOpener(graphsDir, options.spawner ?? processSpawner),
    demoModelDir: options.demoModelDir === undefined ? defaultDemoModelDir(env) : options.demoModelDir,
    env,
  };
  const events = new EventHub();
  const queue = new StudyQueue(store, () => ({ openEngine: context.openEngine, induction: options.induction }), options.log);
  const tasks = new ModelTasks();
  queue.subscribe((e) => {
    if (e.type === 'changed') events.emit('queue.changed', queueStateView(store, queue));
    else if (e.type === 'progress') {
      const { status: _status, ...progress } = e.progress;
      events.emit('study.progress', progress);
    } else if (e.type === 'finished') events.emit('study.finished', { studyId: e.studyId, status: e.status });
    else if (e.type === 'failed') events.emit('study.failed', { studyId: e.studyId, error: e.error });
    else events.emit('studies.changed', { studyId: e.studyId, change: 'updated' });
  });
  const secrets = options.secrets ?? null;
  const downloads = hubDownloads(context, events, secrets, options.log);
  const handlers = createHandlers({ ctx: context, hub: events, queue, tasks, downloads, secrets, transport: options.transport, pickPath: options.pickPath ?? null });
  queue.restore();

  let closing: Promise<void> | null = null;
  return {
    handlers,
    events,
    queue,
    context,
    close: () =>
      (closing ??= (async () => {
        await queue.stop();
        tasks.cancelAll();
        downloads.cancelAll();
        await Promise.all([tasks.idle(), downloads.idle()]);
        store.close();
      })()),
  };
}
