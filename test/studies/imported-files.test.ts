// Imported trials and heads files (`--trials`, `--heads`) are read once per plan: registering a
// study, or validating a draft, reads each file once, stores its prompts as given, and a file that
// does not fit the spec is refused with an error naming it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as protocolFiles from '../../src/main/studies/import/protocol-files';
import { openStore, type Store } from '../../src/main/store/db';
import { loadTrials } from '../../src/main/store/conditions-repo';
import { registerStudy } from '../../src/main/studies/create-study';
import { validateDraft } from '../../src/main/studies/draft-validation';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';
import { tinySpec } from './study-fixtures';

// The real readers, wrapped so the test can count how often each file is read.
vi.mock('../../src/main/studies/import/protocol-files', async (importOriginal) => {
  const real = await importOriginal<typeof protocolFiles>();
  return { ...real, readTrialsFile: vi.fn(real.readTrialsFile), readHeadsFile: vi.fn(real.readHeadsFile) };
});

const TRIALS = 4;
const TOKENS = 23;

let dir: string;
let store: Store;
let spec: Record<string, unknown>;
let prompts: number[][];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'imported-files-'));
  const modelDir = join(dir, 'model');
  writeTinyModel(modelDir, tinyLlama3()); // 2 layers x 4 heads, vocabulary 96
  store = openStore(join(dir, 'studies.sqlite'));
  // Trial i: tokens 3..25 rotated by i, with the middle token repeated at the end.
  prompts = Array.from({ length: TRIALS }, (_, i) => {
    const order = Array.from({ length: TOKENS }, (_, s) => 3 + ((s + i) % TOKENS));
    return [...order, order[Math.floor(TOKENS / 2)] ?? 0];
  });
  const trialsFile = join(dir, 'trials.json');
  writeFileSync(trialsFile, JSON.stringify(prompts));
  const headsFile = join(dir, 'heads.json');
  writeFileSync(headsFile, JSON.stringify([[1, 2], [0, 3]]));
  const csv = join(dir, 'scores.csv');
  writeFileSync(csv, 'layer,head,scores\n0,0,0.9\n0,1,0.5\n1,2,0.3\n');
  spec = tinySpec(modelDir, {
    permutations: TRIALS,
    trialsFile,
    headsFile,
    scores: { source: 'csv', path: csv },
    groups: [{ headType: 'induction', counts: [0, 1, 2] }],
  });
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  vi.mocked(protocolFiles.readTrialsFile).mockClear();
  vi.mocked(protocolFiles.readHeadsFile).mockClear();
});

describe('imported trials and heads files', () => {
  it('registering a study reads each file once and stores the prompts as given', async () => {
    const id = await registerStudy(store, spec, { hashMemoDir: join(dir, 'hash-memo') });
    expect(vi.mocked(protocolFiles.readTrialsFile)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(protocolFiles.readHeadsFile)).toHaveBeenCalledTimes(1);
    expect(loadTrials(store, id).map((t) => Array.from(t))).toEqual(prompts);
  });

  it('validating a draft reads each file once and previews the imported heads', () => {
    const draft = validateDraft(store, spec);
    expect(draft.errors).toEqual([]);
    expect(vi.mocked(protocolFiles.readTrialsFile)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(protocolFiles.readHeadsFile)).toHaveBeenCalledTimes(1);
    expect(draft.conditions?.map((c) => c.heads)).toEqual([[], [{ layer: 1, head: 2 }], [{ layer: 1, head: 2 }, { layer: 0, head: 3 }]]);
  });

  it('a trials file holding another number of prompts than the spec runs is refused, naming the file', async () => {
    const trialsFile = String(spec.trialsFile);
    await expect(registerStudy(store, { ...spec, permutations: TRIALS + 1 }, { hashMemoDir: join(dir, 'hash-memo') })).rejects.toThrow(
      `${trialsFile}: holds ${TRIALS} prompts, expected spec.permutations = ${TRIALS + 1}`,
    );
    const draft = validateDraft(store, { ...spec, permutations: TRIALS + 1 });
    expect(draft.errors).toEqual([{ field: 'spec.trialsFile', message: `${trialsFile}: holds ${TRIALS} prompts, expected spec.permutations = ${TRIALS + 1}` }]);
  });
});
