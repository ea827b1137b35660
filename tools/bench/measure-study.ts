// End-to-end: the demo preset's conditions over a few trials, created and run through the study
// services on a temp SQLite database, timed as the runner's progress events report it. Set against
// the raw probe rate this shows what storage (one transaction per batch) and bookkeeping cost.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../src/main/engine/engine-types';
import { openStore } from '../../src/main/store/db';
import { createStudy, getStudy, runStudy, type StudyProgress } from '../../src/main/studies/study-service';
import { demoPreset } from '../../src/shared/study/presets';

export interface StudyRunSetup {
  engine: Engine;
  modelDir: string;
  tmpRoot: string;
  trials: number;
  seqLen: number;
  batchSize: number;
}

export interface StudyRunSamples {
  conditions: number;
  trials: number;
  seqLen: number;
  batch: number;
  rows: number;
  /** createStudy: token set, induction scores (compiles the patterns graph), trials, one transaction. */
  createMs: number;
  /** runStudy until it resolved. */
  runWallMs: number;
  /** Engine time the runner recorded (sum of probe calls), from the study's provenance. */
  engineMs: number;
  /** The last progress event's rowsPerSecond (the rate the UI shows). */
  runnerRowsPerSecond: number;
  progressEvents: number;
  finalStatus: string;
  dbBytes: number;
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export async function measureStudyRun(setup: StudyRunSetup): Promise<StudyRunSamples> {
  const dbPath = join(setup.tmpRoot, 'bench-study.db');
  const store = openStore(dbPath);
  try {
    const spec = {
      ...demoPreset(setup.modelDir),
      name: 'bench: demo preset conditions',
      permutations: setup.trials,
      tokenCount: setup.seqLen - 1,
      batchSize: setup.batchSize,
      provider: 'cpu' as const,
      dtype: 'float32' as const,
    };
    const t0 = performance.now();
    const studyId = await createStudy(store, spec, { engine: setup.engine, modelSource: 'bench' });
    const createMs = performance.now() - t0;

    const events: StudyProgress[] = [];
    const t1 = performance.now();
    const finalStatus = await runStudy(store, studyId, { engine: setup.engine, onProgress: (p) => events.push(p) });
    const runWallMs = performance.now() - t1;

    const study = getStudy(store, studyId);
    const last = events[events.length - 1];
    return {
      conditions: study.conditionCount,
      trials: study.permutations,
      seqLen: study.seqLen,
      batch: study.batchSize,
      rows: study.done,
      createMs,
      runWallMs,
      engineMs: study.provenance.runMs,
      runnerRowsPerSecond: last?.rowsPerSecond ?? 0,
      progressEvents: events.length,
      finalStatus,
      dbBytes: fileBytes(dbPath) + fileBytes(`${dbPath}-wal`),
    };
  } finally {
    store.close();
  }
}
