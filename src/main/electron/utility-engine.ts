// The engine in an Electron utilityProcess (Chromium's own child-process model): the same entry and
// protocol as child_process.fork in plain Node (engine-channel.ts), so a native crash in onnxruntime
// ends that process and fails the study while the window and the queue carry on.

import { fileURLToPath } from 'node:url';
import { utilityProcess } from 'electron';
import type { EngineSpawner } from '../engine/runtime/engine-channel';
import { exitReason } from '../engine/runtime/engine-channel';
import { engineProcessEnv } from '../engine/runtime/engine-process-env';
import type { Reply } from '../engine/runtime/worker-protocol';

export const utilitySpawner: EngineSpawner = (entry) => {
  if (entry.viaTsx) throw new Error('the engine process needs the built engine-worker.js next to the main bundle: run `npm run build`');
  const child = utilityProcess.fork(fileURLToPath(entry.url), [], { serviceName: 'Ablation Studio engine', stdio: 'inherit', env: engineProcessEnv() });
  let gone = false;
  child.on('exit', () => (gone = true));
  return {
    get pid() {
      return child.pid ?? null;
    },
    // Structured clone: typed arrays arrive as typed arrays (copied between processes).
    send: (request) => child.postMessage(request),
    onMessage: (listener) => child.on('message', (message: unknown) => listener(message as Reply)),
    onExit: (listener) => child.on('exit', (code) => listener(exitReason(child.pid ?? null, code, null))),
    // A utility process never keeps Electron's main process alive on its own.
    setBusy: () => undefined,
    terminate: () =>
      new Promise<void>((resolve) => {
        if (gone) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
};
