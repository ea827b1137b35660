// A bad input found anywhere while creating a study leaves the database exactly as it was: no study,
// no token set, no score set, no model row (everything is written in one transaction, at the end).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/main/store/db';
import { createStudy } from '../../src/main/studies/study-service';
import { isInputError } from '../../src/shared/errors';
import { TEST_INDUCTION, setupWorld, tinySpec, type StudyWorld } from './study-fixtures';

let world: StudyWorld;
let store: Store;

beforeAll(async () => {
  world = await setupWorld('studio-bad-');
  store = openStore(join(world.dir, 'studies.sqlite'));
});
afterAll(async () => {
  store.close();
  await world.cleanup();
});

const TABLES = ['models', 'token_sets', 'score_sets', 'head_scores', 'studies', 'conditions', 'trials', 'results'];

function counts(): Record<string, number> {
  return Object.fromEntries(TABLES.map((t) => [t, store.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]));
}

async function rejection(spec: Record<string, unknown>): Promise<Error> {
  try {
    await createStudy(store, spec, { engine: world.engine, induction: TEST_INDUCTION });
  } catch (err) {
    expect(isInputError(err), String(err)).toBe(true);
    return err as Error;
  }
  throw new Error('createStudy accepted a bad input');
}

describe('bad inputs', () => {
  it('a score CSV naming a head outside the model: nothing written, the file named', async () => {
    const csv = join(world.dir, 'scores.csv');
    writeFileSync(csv, 'layer,head,scores\n0,0,0.9\n0,1,0.5\n5,1,0.3\n');
    const tokens = join(world.dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify(Array.from({ length: 40 }, (_, i) => i + 3)));
    const before = counts();
    const err = await rejection(tinySpec(world.modelDir, { scores: { source: 'csv', path: csv }, tokens: { source: 'file', path: tokens } }));
    expect(err.message.startsWith(`${csv}:`)).toBe(true);
    console.log(`rejected: ${err.message}`);
    expect(counts()).toEqual(before);
    expect(before.studies).toBe(0);
  });

  it('a token file with fewer tokens than the prompt needs: nothing written', async () => {
    const tokens = join(world.dir, 'few.json');
    writeFileSync(tokens, JSON.stringify([3, 4, 5, 6]));
    const err = await rejection(tinySpec(world.modelDir, { tokens: { source: 'file', path: tokens } }));
    expect(err.message).toMatch(/few\.json: has only 4 unique token ids/);
    expect(counts().token_sets).toBe(0);
  });

  it('leaves an existing database untouched too (spec errors, missing stored sets, too many heads)', async () => {
    await createStudy(store, tinySpec(world.modelDir, { permutations: 2 }), { engine: world.engine, induction: TEST_INDUCTION });
    const before = counts();
    expect(before.studies).toBe(1);
    expect((await rejection(tinySpec(world.modelDir, { permutations: -3 }))).message).toMatch(/^spec\.permutations:/);
    expect((await rejection(tinySpec(world.modelDir, { tokens: { source: 'store', id: 99 } }))).message).toMatch(/^spec\.tokens\.id: no token set 99/);
    expect((await rejection(tinySpec(world.modelDir, { scores: { source: 'store', id: 99 } }))).message).toMatch(/^spec\.scores\.id:/);
    const tooMany = { groups: [{ headType: 'random', counts: [0, 7] }] };
    expect((await rejection(tinySpec(world.modelDir, tooMany))).message).toMatch(/^spec\.groups\.0\.counts:/);
    expect(counts()).toEqual(before);
  });
});
