// The engine's one public constructor: `loadEngine(options)` opens a checkpoint, compiles (or
// fetches from the cache) its graph and starts an onnxruntime session, all in a worker thread,
// and resolves to an Engine proxy. Call `close()` when done: it ends the worker.

import type { ModelSpec } from '../../shared/model-spec';
import { openCheckpoint } from './checkpoint';
import type { Engine, EngineOptions } from './engine-types';
import { resolveFamily } from './families/registry';
import { startEngineWorker } from './runtime/worker-host';

export type { Engine, EngineInfo, EngineOptions, EngineProgress, ProbeBatch } from './engine-types';

export function loadEngine(options: EngineOptions): Promise<Engine> {
  return startEngineWorker(options, options.spawner);
}

/** The model's shape from config.json alone (no hashing, no compile): for validating input early. */
export function readModelSpec(modelDir: string): ModelSpec {
  const checkpoint = openCheckpoint(modelDir);
  try {
    return resolveFamily(checkpoint.config, checkpoint.configPath).parseConfig(checkpoint.config, checkpoint.configPath);
  } finally {
    checkpoint.close();
  }
}
