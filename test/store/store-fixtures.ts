// Small helpers for store tests: a temp database folder and plausible rows to insert.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSpec } from '../../src/shared/model-spec';
import type { StudySpec } from '../../src/shared/study/types';

export function tempDir(prefix = 'studio-store-'): { dir: string; dbPath: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, dbPath: join(dir, 'studio.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function fakeModelSpec(): ModelSpec {
  return {
    family: 'llama',
    modelType: 'llama',
    nLayers: 2,
    nHeads: 4,
    nKvHeads: 2,
    headDim: 8,
    hiddenSize: 32,
    intermediateSize: 64,
    vocabSize: 100,
    maxPositions: 128,
    norm: { kind: 'rms', eps: 1e-5, weightOffset: 0 },
    positional: { kind: 'rotary', theta: 10000, rotaryDim: 8, scaling: null },
    attention: {
      qkvBias: false,
      outBias: false,
      scale: 1 / Math.sqrt(8),
      logitSoftcap: null,
      slidingWindow: null,
      localLayers: [false, false],
    },
    mlp: { kind: 'gated', act: 'silu', bias: false },
    block: { parallelResidual: false, postNorms: false },
    embedScale: 1,
    finalLogitSoftcap: null,
    tieWordEmbeddings: false,
  };
}

export function fakeStudySpec(): StudySpec {
  return {
    name: 'fake',
    model: '/models/fake',
    permutations: 3,
    maxHeadsAbl: 2,
    groups: [{ headType: 'induction', counts: [0, 1], mode: 'zero', layerRange: 'full', draws: 1 }],
    tokens: { source: 'vocab' },
    tokenCount: 4,
    scores: { source: 'compute' },
    seed: 42,
    batchSize: 2,
    provider: 'cpu',
    dtype: 'float32',
  };
}
