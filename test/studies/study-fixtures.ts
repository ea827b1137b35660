// Shared setup for study tests: a tiny Llama-3-style checkpoint on disk, a real engine on it (CPU),
// and a small spec (5 conditions x 10 trials, S = 24) that runs in well under a second.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '../../src/main/engine/load-engine';
import type { Engine } from '../../src/main/engine/engine-types';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';

export interface StudyWorld {
  dir: string;
  modelDir: string;
  /** ABLATION_STUDIO_HOME for child processes (its graphs/ folder is the engine's cache). */
  home: string;
  engine: Engine;
  cleanup(): Promise<void>;
}

/** Induction-score computation kept small: 4 sequences of 8 tokens repeated. */
export const TEST_INDUCTION = { seqLen: 8, count: 4 };

export async function setupWorld(prefix: string): Promise<StudyWorld> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const modelDir = join(dir, 'model');
  const home = join(dir, 'home');
  writeTinyModel(modelDir, tinyLlama3()); // 2 layers x 4 heads, vocabulary 96
  const engine = await loadEngine({ modelDir, cacheDir: join(home, 'graphs'), provider: 'cpu' });
  return {
    dir,
    modelDir,
    home,
    engine,
    cleanup: async () => {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** baseline + induction k1, k2 + random k1, k2 (outside the top 2) = 5 conditions; 10 trials of S = 24. */
export function tinySpec(modelDir: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'tiny study',
    model: modelDir,
    permutations: 10,
    maxHeadsAbl: 2,
    tokenCount: 23,
    seed: 7,
    batchSize: 4,
    provider: 'cpu',
    dtype: 'float32',
    groups: [
      { headType: 'induction', counts: [0, 1, 2] },
      { headType: 'random', counts: [1, 2] },
    ],
    ...overrides,
  };
}

export const CONDITIONS = 5;
export const TRIALS = 10;
export const SEQ_LEN = 24;
