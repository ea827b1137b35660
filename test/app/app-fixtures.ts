// Shared setup for the app's main-process tests: a temp data folder, the bundled demo model (real
// onnxruntime in a separate engine process), a small study spec on it, and helpers to call the
// contract in process (dispatchRequest, exactly what both transports run) and to wait for events.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatchRequest } from '../../src/main/api/dispatch';
import { createStudioApp, defaultDemoModelDir, type StudioApp, type StudioAppOptions } from '../../src/main/app/studio-app';
import { processSpawner, type EngineSpawner } from '../../src/main/engine/runtime/engine-channel';
import { requestDefs, type RequestInput, type RequestName, type RequestResult } from '../../src/shared/ipc/contract';
import type { ApiResult, StudioError } from '../../src/shared/ipc/errors';
import type { EventName, EventPayload } from '../../src/shared/ipc/events';

/** The bundled demo model (4 layers x 8 heads); the app tests need it built. */
export function demoModel(): string {
  const dir = defaultDemoModelDir();
  if (!dir) throw new Error('the demo model is not built (resources/models/demo-induction/config.json missing)');
  return dir;
}

/** Induction scores kept small in tests: 4 sequences of 8 tokens repeated. */
export const TEST_INDUCTION = { seqLen: 8, count: 4 };

/** baseline + induction k1, k2 + random k1 = 4 conditions; prompts of 41 tokens. */
export function smallSpec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'small demo study',
    model: demoModel(),
    permutations: 6,
    maxHeadsAbl: 4,
    tokenCount: 40,
    seed: 11,
    batchSize: 4,
    provider: 'cpu',
    groups: [
      { headType: 'induction', counts: [0, 1, 2] },
      { headType: 'random', counts: [1] },
    ],
    ...overrides,
  };
}

export interface AppWorld {
  dir: string;
  dataDir: string;
  app: StudioApp;
  /** Engine processes started so far (pids), in order. */
  enginePids: number[];
  /** Every event emitted, in order. */
  events: { name: EventName; payload: unknown }[];
  call<K extends RequestName>(name: K, payload?: RequestInput<K>): Promise<ApiResult<RequestResult<K>>>;
  /** The value, or a thrown error with the StudioError's message. */
  value<K extends RequestName>(name: K, payload?: RequestInput<K>): Promise<RequestResult<K>>;
  /** The error of a request that must fail. */
  error<K extends RequestName>(name: K, payload?: unknown): Promise<StudioError>;
  /** Resolves with the first event (from now on) of that name matching `test`. */
  next<E extends EventName>(name: E, test?: (payload: EventPayload<E>) => boolean, timeoutMs?: number): Promise<EventPayload<E>>;
  reopen(): Promise<void>;
  cleanup(): Promise<void>;
}

export function recordingSpawner(pids: number[]): EngineSpawner {
  return (entry) => {
    const channel = processSpawner(entry);
    if (channel.pid !== null) pids.push(channel.pid);
    return channel;
  };
}

export async function setupApp(prefix: string, options: Partial<StudioAppOptions> = {}): Promise<AppWorld> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(dir, 'data');
  const enginePids: number[] = [];
  const events: AppWorld['events'] = [];
  const waiters = new Set<(name: EventName, payload: unknown) => void>();
  const open = () => {
    const app = createStudioApp({ dataDir, transport: 'bridge', spawner: recordingSpawner(enginePids), induction: TEST_INDUCTION, log: () => undefined, ...options });
    app.events.subscribe((name, payload) => {
      events.push({ name, payload });
      for (const w of [...waiters]) w(name, payload);
    });
    return app;
  };
  const world: AppWorld = {
    dir,
    dataDir,
    app: open(),
    enginePids,
    events,
    call: async (name, payload) => {
      const result = await dispatchRequest(world.app.handlers, name, payload ?? {}, () => undefined);
      // Every result must have the contract's declared shape (drift between the sides fails here).
      if (result.ok) requestDefs[name].result.parse(result.value);
      return result as ApiResult<RequestResult<typeof name>>;
    },
    value: async (name, payload) => {
      const result = await world.call(name, payload);
      if (!result.ok) throw new Error(`${name} failed: ${result.error.kind}: ${result.error.message}`);
      return result.value;
    },
    error: async (name, payload) => {
      const result = await dispatchRequest(world.app.handlers, name, payload ?? {}, () => undefined);
      if (result.ok) throw new Error(`${name} succeeded but was expected to fail`);
      return result.error;
    },
    next: (name, test, timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no ${name} event within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (n: EventName, payload: unknown) => {
          if (n !== name || (test && !test(payload as EventPayload<typeof name>))) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(payload as EventPayload<typeof name>);
        };
        waiters.add(waiter);
      }),
    reopen: async () => {
      await world.app.close();
      world.app = open();
    },
    cleanup: async () => {
      await world.app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}
