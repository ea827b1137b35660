// Small helpers for store tests: a temp database folder, plausible rows, and a whole study seeded
// through the repositories.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSpec } from '../../src/shared/model-spec';
import type { Store } from '../../src/main/store/db';
import { insertConditions, insertTrial } from '../../src/main/store/conditions-repo';
import { upsertModel } from '../../src/main/store/models-repo';
import { insertResult } from '../../src/main/store/results-repo';
import { insertScoreSet } from '../../src/main/store/score-sets-repo';
import { insertStudy } from '../../src/main/store/studies-repo';
import { insertTokenSet } from '../../src/main/store/token-sets-repo';
import type { Condition, StudySpec } from '../../src/shared/study/types';

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
    compat: 'studio',
    valueBias: 'remove',
  };
}

/** The spec as stored before the run mode and value-bias choice existed (read back as studio / remove). */
export function fakeOldStudySpec(): Omit<StudySpec, 'compat' | 'valueBias'> {
  const { compat: _compat, valueBias: _valueBias, ...old } = fakeStudySpec();
  return old;
}

export const FAKE_CONDITIONS: Condition[] = [
  { key: 'baseline', label: 'Baseline', headType: 'none', mode: 'zero', layerRange: 'full', count: 0, draw: 0, heads: [] },
  {
    key: 'induction-zero-full-k2',
    label: 'Induction, 2 heads',
    headType: 'induction',
    mode: 'zero',
    layerRange: 'full',
    count: 2,
    draw: 0,
    heads: [{ layer: 1, head: 3 }, { layer: 0, head: 2 }],
  },
];

/**
 * Through the repositories: a model (shared by every call), a token set, a score set and one study
 * `name` with the two FAKE_CONDITIONS, two trials of S = 5 and every result stored.
 */
export function seedStudy(store: Store, name = 's'): { studyId: number; conditionIds: number[]; scoreSetId: number; modelId: number } {
  const modelId = upsertModel(store, { path: '/m', spec: fakeModelSpec(), checksum: 'abc', source: 'folder' });
  const tokenSetId = insertTokenSet(store, { name: 't', sourcePath: null, tokens: [5, 6, 7, 8], droppedSpecial: 1 });
  const scoreSetId = insertScoreSet(store, {
    modelId,
    method: { kind: 'induction', seqLen: 16 },
    source: 'computed',
    sourcePath: null,
    scores: [{ layer: 0, head: 0, score: 0.25 }],
  });
  const studyId = insertStudy(store, {
    name,
    spec: fakeStudySpec(),
    modelId,
    tokenSetId,
    scoreSetId,
    promptTokens: [5, 6, 7, 8],
    seed: 42,
    permutations: 2,
    seqLen: 5,
    batchSize: 2,
  });
  const conditionIds = insertConditions(store, studyId, FAKE_CONDITIONS);
  insertTrial(store, studyId, 0, [5, 6, 7, 8, 7]);
  insertTrial(store, studyId, 1, [8, 7, 6, 5, 6]);
  for (const c of conditionIds) for (const t of [0, 1]) insertResult(store, c, t, new Float32Array(5).fill(t + c));
  return { studyId, conditionIds, scoreSetId, modelId };
}
