// Where the engine runs, behind one message protocol (worker-protocol.ts): a worker thread (the CLI
// and tests: cheap to start), or a separate OS process, so that a native crash in onnxruntime ends
// that process and fails the study instead of taking the app down (VS Code's extension host model).
// In plain Node the process is a child_process.fork of the same entry; Electron's utilityProcess
// spawner (src/main/electron/utility-engine.ts) implements the same EngineChannel.

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Reply, Request } from './worker-protocol';
import { disableOrtTelemetry } from './ort-telemetry';
import { engineProcessEnv } from './engine-process-env';
import { resolveWorkerEntry, type WorkerEntry } from './worker-path';

export interface EngineChannel {
  /** The engine's OS process id, or null when it runs in a thread of this process. */
  readonly pid: number | null;
  send(request: Request, transfer: ArrayBuffer[]): void;
  onMessage(listener: (reply: Reply) => void): void;
  /** Called once when the engine side is gone, with the reason in words. */
  onExit(listener: (reason: string) => void): void;
  /** While false, the channel does not keep this process alive (only pending requests should). */
  setBusy(busy: boolean): void;
  terminate(): Promise<void>;
}

/** Starts the engine's side (the entry resolved by worker-path.ts) and returns the channel to it. */
export type EngineSpawner = (entry: WorkerEntry) => EngineChannel;

export const threadSpawner: EngineSpawner = (entry) => {
  // The tsx bootstrap registers its own loader; inherited loader flags (vitest's, tsx's CLI) are dropped.
  const worker = new Worker(entry.url, entry.viaTsx ? { execArgv: [] } : {});
  worker.unref();
  return {
    pid: null,
    send: (request, transfer) => worker.postMessage(request, transfer),
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) => {
      let reported = false;
      const once = (reason: string) => {
        if (!reported) listener(reason);
        reported = true;
      };
      worker.on('error', (err) => once(`the engine worker failed: ${err.message}`));
      worker.on('exit', (code) => once(`the engine worker exited (code ${code})`));
    },
    setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
    terminate: async () => {
      await worker.terminate();
    },
  };
};

/**
 * A child_process.fork of the engine entry. `advanced` serialization is the structured clone, so
 * typed arrays arrive as typed arrays (copied: processes share no memory).
 */
export const processSpawner: EngineSpawner = (entry) => {
  const child = fork(fileURLToPath(entry.url), [], {
    env: engineProcessEnv(),
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid ?? null;
  child.unref();
  child.channel?.unref();
  let gone = false;
  child.on('exit', () => (gone = true));
  return {
    pid,
    send: (request) => child.send(request),
    onMessage: (listener) => child.on('message', (m) => listener(m as Reply)),
    onExit: (listener) => {
      child.on('error', (err) => {
        if (!gone) listener(`the engine process could not run: ${err.message}`);
      });
      child.on('exit', (code, signal) => listener(exitReason(pid, code, signal)));
    },
    setBusy: (busy) => {
      if (busy) {
        child.ref();
        child.channel?.ref();
      } else {
        child.unref();
        child.channel?.unref();
      }
    },
    terminate: () =>
      new Promise<void>((resolve) => {
        if (gone || child.exitCode !== null || child.signalCode !== null) return resolve();
        // Referenced while it winds down: a caller awaiting the exit must not see its event loop end first.
        child.ref();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
};

export function exitReason(pid: number | null, code: number | null, signal: string | null): string {
  const how = signal ? `was killed (${signal})` : `exited with code ${code ?? 'unknown'}`;
  return `the engine process${pid === null ? '' : ` (pid ${pid})`} ${how}`;
}

export function spawnEngine(spawner: EngineSpawner = threadSpawner): EngineChannel {
  disableOrtTelemetry();
  return spawner(resolveWorkerEntry());
}
