// The layer-reuse decision of a study: the share of layer runs its own batches save (worked out by
// hand on small cases), the threshold on the seed study's shapes, and the runner switching a real
// engine to the decided mode (results equal to the whole graph's within 1e-6).

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadControlRow } from '../../src/main/engine/head-controls';
import { openStore, type Store } from '../../src/main/store/db';
import { listConditions } from '../../src/main/store/conditions-repo';
import { loadResults } from '../../src/main/store/results-repo';
import { createStudy, runStudy } from '../../src/main/studies/study-service';
import { REUSE_MIN_SAVED, reuseSaving, wantsLayerReuse, type ReuseInputs } from '../../src/main/studies/study-reuse';
import { seedStudyRows } from '../../tools/bench/seed-study';
import { TEST_INDUCTION, setupWorld, tinySpec, type StudyWorld } from './study-fixtures';
import { maxAbsDiff } from '../reference/compare';

const L4 = { nLayers: 4, nHeads: 2 };
const baseline: HeadControlRow = { heads: [], mode: 'none' };
const top: HeadControlRow = { heads: [{ layer: 3, head: 0 }], mode: 'zero' };
const third: HeadControlRow = { heads: [{ layer: 2, head: 1 }], mode: 'zero' };

function inputs(conditions: HeadControlRow[], over: Partial<ReuseInputs> = {}): ReuseInputs {
  return { spec: L4, conditions, trialOffsets: conditions.map(() => 0), batchSize: conditions.length, valueBias: 'remove', ...over };
}

describe('reuseSaving', () => {
  it('counts the layers a trial shares below each condition’s lowest ablated layer', () => {
    // Layers 0-1: one run; layer 2: baseline+top share, third apart (2); layer 3: all apart (3). 7 of 12.
    expect(reuseSaving(inputs([baseline, top, third]))).toBeCloseTo(5 / 12, 12);
  });

  it('runs identical conditions once', () => {
    expect(reuseSaving(inputs([third, third]))).toBeCloseTo(1 / 2, 12);
  });

  it('saves nothing when each batch holds one row, or when conditions have their own prompts (script mode)', () => {
    expect(reuseSaving(inputs([baseline, top, third], { batchSize: 1 }))).toBe(0);
    expect(reuseSaving(inputs([baseline, top, third], { trialOffsets: [0, 10, 20] }))).toBe(0);
  });

  it('follows the study’s batches when a trial is split over two of them', () => {
    // Batches of 2 over trial-major rows [t0: b, top, third | t1: b, top, third]: (b0,top0) (third0,b1) (top1,third1).
    // Runs per batch over layers 0..3: 1+1+1+2 = 5; two prompts: 2+2+2+2 = 8; 1+1+2+2 = 6. 19 of 24.
    expect(reuseSaving(inputs([baseline, top, third], { batchSize: 2 }))).toBeCloseTo(5 / 24, 12);
  });

  it('on a GPT-2-small shape: the upper-half seed study reuses, the all-layer one does not', () => {
    const gpt2 = { nLayers: 12, nHeads: 12 };
    const bottom = seedStudyRows(gpt2, 'bottom');
    const full = seedStudyRows(gpt2, 'full');
    const at = (rows: HeadControlRow[]) => ({ spec: gpt2, conditions: rows, trialOffsets: rows.map(() => 0), batchSize: 8, valueBias: 'remove' as const });
    console.log(`saved: bottom ${reuseSaving(at(bottom)).toFixed(3)}, full ${reuseSaving(at(full)).toFixed(3)} (threshold ${REUSE_MIN_SAVED})`);
    expect(wantsLayerReuse(at(bottom))).toBe(true);
    expect(wantsLayerReuse(at(full))).toBe(false);
  });
});

describe('the runner applies the decision to its engine', () => {
  let world: StudyWorld;
  let store: Store;
  beforeAll(async () => {
    world = await setupWorld('study-reuse-');
    store = openStore(join(world.dir, 'studies.sqlite'));
  });
  afterAll(async () => {
    store.close();
    await world.cleanup();
  });

  const probsOf = (id: number) =>
    listConditions(store, id).flatMap((c) => loadResults(store, c.id).map((r) => ({ key: `${c.idx}:${r.trialIdx}`, probs: r.probs })));

  it('switches to reuse for an upper-layer study, and back when its batches hold one row; same probabilities', async () => {
    // The tiny model has 2 layers: `bottom` silences heads of layer 1 only, so every condition shares layer 0.
    const upper = tinySpec(world.modelDir, { name: 'upper', groups: [{ headType: 'induction', counts: [0, 1, 2], layerRange: 'bottom' }] });
    const upperId = await createStudy(store, upper, { engine: world.engine, induction: TEST_INDUCTION });
    expect(world.engine.info.layerReuse).toBe(false);
    expect(await runStudy(store, upperId, { engine: world.engine })).toBe('done');
    expect(world.engine.info.layerReuse).toBe(true);

    const again = await createStudy(store, { ...upper, name: 'upper, whole graph', batchSize: 1 }, { engine: world.engine, induction: TEST_INDUCTION });
    expect(await runStudy(store, again, { engine: world.engine })).toBe('done');
    expect(world.engine.info.layerReuse).toBe(false); // one row per batch: nothing to share

    const reused = probsOf(upperId);
    const whole = new Map(probsOf(again).map((r) => [r.key, r.probs]));
    expect(reused.length).toBeGreaterThan(0);
    let maxDiff = 0;
    for (const r of reused) {
      const w = whole.get(r.key);
      expect(w).toBeDefined();
      maxDiff = Math.max(maxDiff, maxAbsDiff(r.probs, w ?? []));
    }
    console.log(`upper-layer study with reuse vs the whole graph: max |diff| = ${maxDiff}`);
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
  });
});
