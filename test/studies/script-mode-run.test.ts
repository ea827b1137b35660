// A script-mode study through the runner: each condition runs its own block of the stored prompts
// (the script's unpaired stream), with the value bias kept, and a run paused mid-way and resumed
// ends bitwise equal to an uninterrupted one. Checked row by row against the engine called directly
// on the prompt the condition should have seen.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildHeadControls } from '../../src/main/engine/head-controls';
import { openStore } from '../../src/main/store/db';
import { listConditions, loadTrials } from '../../src/main/store/conditions-repo';
import { loadResultBlobs } from '../../src/main/store/results-repo';
import { blobFloat32 } from '../../src/main/store/blobs';
import { createStudy, runStudy } from '../../src/main/studies/study-service';
import { at } from '../../src/shared/checked';
import { TEST_INDUCTION, setupWorld, tinySpec, type StudyWorld } from './study-fixtures';
import { maxAbsDiff } from '../reference/compare';

let world: StudyWorld;
beforeAll(async () => {
  world = await setupWorld('studio-script-mode-');
});
afterAll(() => world.cleanup());

it('runs each count on its own block of prompts, and resumes a paused run to the same bits', async () => {
  const tokens = join(world.dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify(Array.from({ length: 60 }, (_, i) => 3 + i)));
  const spec = tinySpec(world.modelDir, {
    compat: 'script',
    tokens: { source: 'file', path: tokens },
    permutations: 4,
    groups: [{ headType: 'induction', counts: [1, 2] }, { headType: 'random', counts: [1, 2] }],
  });
  const results: Buffer[][][] = [];
  for (const pause of [false, true]) {
    const store = openStore(join(world.dir, `script-${pause}.sqlite`));
    try {
      const id = await createStudy(store, spec, { engine: world.engine, induction: TEST_INDUCTION });
      if (pause) {
        const abort = new AbortController();
        const first = await runStudy(store, id, { engine: world.engine, signal: abort.signal, onProgress: (p) => p.done >= 4 && abort.abort() });
        expect(first).toBe('paused');
      }
      expect(await runStudy(store, id, { engine: world.engine })).toBe('done');
      const trials = loadTrials(store, id);
      const conditions = listConditions(store, id);
      expect(trials).toHaveLength(2 * 4); // one block of 4 prompts per count
      results.push(conditions.map((c) => loadResultBlobs(store, c.id).map((r) => r.probs)));
      if (pause) continue;
      // Row by row: condition with the c-th count, trial t = the engine on stored prompt c * 4 + t.
      for (const c of conditions) {
        const block = [1, 2].indexOf(c.count);
        const blobs = loadResultBlobs(store, c.id);
        expect(blobs).toHaveLength(4);
        for (const [t, blob] of blobs.entries()) {
          const prompt = at(trials, block * 4 + t);
          const controls = buildHeadControls(world.engine.info.spec, [{ heads: c.heads, mode: c.mode }], 'test', 'keep');
          const direct = await world.engine.probe({ batch: 1, seqLen: prompt.length, inputIds: prompt, ...controls });
          const stored = blobFloat32(blob.probs);
          expect(maxAbsDiff(stored, direct), `${c.key} trial ${t}`).toBeLessThan(1e-6);
        }
      }
    } finally {
      store.close();
    }
  }
  const [uninterrupted, resumed] = results;
  expect(resumed?.map((rows) => rows.map((b) => b.toString('hex')))).toEqual(uninterrupted?.map((rows) => rows.map((b) => b.toString('hex'))));
});
