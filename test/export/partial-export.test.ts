// Exporting a study that has not finished: refused unless asked for; when asked for, every file is
// named and marked as partial and holds exactly the trials every condition has, with numbers equal
// to those of a finished study cut to the same trials (its first n trials are the same trials).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportStudy } from '../../src/main/export/export-study';
import { openStore, type Store } from '../../src/main/store/db';
import { createStudy, pauseStudy, runStudy } from '../../src/main/studies/study-service';
import { listFiles } from '../reliability/fault-schedule';
import { TEST_INDUCTION, setupWorld, tinySpec, type StudyWorld } from '../studies/study-fixtures';
import { removeTempDirs, tempDir } from '../helpers/temp-files';

let world: StudyWorld;
let store: Store;
let paused: number;
/** Complete trials of the paused study. */
let n: number;

beforeAll(async () => {
  world = await setupWorld('studio-partial-');
  store = openStore(join(world.dir, 'studies.sqlite'));
  paused = await createStudy(store, tinySpec(world.modelDir), { engine: world.engine, induction: TEST_INDUCTION });
  // 5 conditions x 10 trials in batches of 4: pause after 3 batches (12 rows: trials 0-1 whole, trial 2 in part).
  await runStudy(store, paused, { engine: world.engine, onProgress: (p) => p.done >= 12 && pauseStudy(store, paused) });
  n = 2;
});
afterAll(async () => {
  store.close();
  await world.cleanup();
  removeTempDirs();
});

describe('partial export', () => {
  it('is refused unless asked for', async () => {
    const out = tempDir('partial-refused-');
    await expect(exportStudy(store, paused, out, { figures: false })).rejects.toThrow(/^study \d+: is not finished \(paused, 12 of 50 results\)/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('names and marks every file, and holds the complete trials only', async () => {
    const out = tempDir('partial-');
    const result = await exportStudy(store, paused, out, { partial: true });
    expect(result.partial).toEqual({ trials: n, permutations: 10, status: 'paused' });
    const files = listFiles(out);
    console.log(`partial export: ${files.length} files, e.g. ${files.slice(0, 3).join(', ')}`);
    for (const file of files) {
      expect(file, 'named partial').toMatch(/partial/);
      const text = readFileSync(join(out, file));
      if (file.endsWith('.csv')) expect(text.toString().split('\n')[0]).toBe(`# PARTIAL export: ${n} of 10 trials (study paused); not the finished study`);
      if (file.endsWith('.json')) expect(JSON.parse(text.toString()).partial).toMatchObject({ trials: n, permutations: 10, status: 'paused' });
    }
    expect(files.filter((f) => f.endsWith('.png')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith('tables/'))[0]).toMatch(/_perm2of10_partial_abl/);
    const trials = JSON.parse(readFileSync(join(out, 'trials_partial.json'), 'utf8')) as { trials: number[][]; conditions: { probs: number[][] }[] };
    expect(trials.trials).toHaveLength(n);
    for (const c of trials.conditions) expect(c.probs).toHaveLength(n);
    const stats = readFileSync(join(out, files.find((f) => f.startsWith('stats/')) ?? ''), 'utf8').trim().split('\n');
    expect(stats[1]).toBe('Lag,Mean Probability,SD,SEM,CI Low,CI High,N');
    expect(stats[2]?.split(',').at(-1)).toBe(String(n));
  });

  it('after the study finishes, a partial table equals the finished one cut to the same trials', async () => {
    const out = tempDir('partial-then-');
    const partial = await exportStudy(store, paused, out, { partial: true, figures: false });
    expect(await runStudy(store, paused, { engine: world.engine })).toBe('done');
    const full = await exportStudy(store, paused, join(out, 'full'), { figures: false });
    expect(full.partial).toBeNull();
    const partialProbs = JSON.parse(readFileSync(partial.trials ?? '', 'utf8')) as { conditions: { key: string; probs: number[][] }[] };
    const fullProbs = JSON.parse(readFileSync(full.trials ?? '', 'utf8')) as { conditions: { key: string; probs: number[][] }[] };
    for (const c of partialProbs.conditions) {
      expect(c.probs).toEqual(fullProbs.conditions.find((f) => f.key === c.key)?.probs.slice(0, n));
    }
    expect(listFiles(join(out, 'full')).filter((f) => f.includes('partial'))).toEqual([]);
  });
});
