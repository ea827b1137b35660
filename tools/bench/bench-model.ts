// Which checkpoint the benchmark runs: the --model folder, else the bundled demo model when its
// folder holds one, else a synthetic Llama-3-style checkpoint (random weights, the sizes below)
// written to a temp folder with the shared fixture builders, so the bench needs nothing downloaded.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/shared/errors';
import { tinyLlama3, writeTinyModel, type TinyOptions } from '../fixtures/tiny-models';

export const DEMO_MODEL_DIR = fileURLToPath(new URL('../../resources/models/demo-induction', import.meta.url));

/** Big enough that matmuls dominate and the demo preset resolves (8 induction + 8 random heads of 32);
 * small enough to compile in seconds. maxPositions covers S = 501. */
export const SYNTHETIC_MODEL: TinyOptions = {
  seed: 11,
  hidden: 128,
  layers: 4,
  heads: 8,
  kvHeads: 2,
  headDim: 16,
  intermediate: 384,
  vocab: 2000,
  maxPositions: 1024,
};

export interface BenchModel {
  dir: string;
  source: 'argument' | 'demo' | 'synthetic';
  /** The helper's options when synthetic. */
  synthetic: TinyOptions | null;
}

export function resolveBenchModel(modelDir: string | null, tmpRoot: string): BenchModel {
  if (modelDir !== null) {
    const dir = resolve(modelDir);
    if (!existsSync(join(dir, 'config.json'))) throw new InputError(dir, 'no config.json here: not a checkpoint folder');
    return { dir, source: 'argument', synthetic: null };
  }
  if (existsSync(join(DEMO_MODEL_DIR, 'config.json'))) return { dir: DEMO_MODEL_DIR, source: 'demo', synthetic: null };
  const dir = join(tmpRoot, 'synthetic-llama');
  writeTinyModel(dir, tinyLlama3(SYNTHETIC_MODEL));
  return { dir, source: 'synthetic', synthetic: SYNTHETIC_MODEL };
}
