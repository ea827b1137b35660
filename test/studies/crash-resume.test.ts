// Crash safety: a study run in a child process is SIGKILLed at random moments (once during start-up,
// then a few milliseconds after random progress lines, i.e. mid-batch or mid-commit), resumed by a
// fresh process each time, and must end with every result BLOB bitwise equal to an uninterrupted
// run's in another database: none missing, none duplicated, every batch all-or-nothing.
// The child runs as `node --import tsx` (what `npx tsx` does, minus npm's wrapper process, so the
// kill hits the process that holds the database).

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { createStudy } from '../../src/main/studies/study-service';
import { CONDITIONS, TEST_INDUCTION, TRIALS, setupWorld, tinySpec, type StudyWorld } from './study-fixtures';
import { required } from '../../src/shared/checked';

const CHILD = fileURLToPath(new URL('./fixtures/run-study-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BATCH = 2;
/** Each batch's results are held back this long in the child: 25 batches take ~0.5 s to kill into. */
const DELAY_MS = 20;
const TOTAL = CONDITIONS * TRIALS;

let world: StudyWorld;
const dbs = { reference: '', crashed: '' };
const ids = { reference: 0, crashed: 0 };

beforeAll(async () => {
  world = await setupWorld('studio-crash-');
  for (const which of ['reference', 'crashed'] as const) {
    dbs[which] = join(world.dir, `${which}.sqlite`);
    const store = openStore(dbs[which]);
    ids[which] = await createStudy(store, tinySpec(world.modelDir, { batchSize: BATCH }), { engine: world.engine, induction: TEST_INDUCTION });
    store.close();
  }
});
afterAll(() => world.cleanup());

type Kill = { kind: 'none' } | { kind: 'at'; ms: number } | { kind: 'after'; lines: number; delayMs: number };

interface ChildRun {
  killed: boolean;
  code: number | null;
  lines: string[];
  stderr: string;
}

/** Runs the child on a database; kills its whole process group at the chosen moment. */
function runChild(db: string, studyId: number, kill: Kill): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, String(studyId)], {
      cwd: ROOT,
      env: { ...process.env, ABLATION_STUDIO_HOME: world.home, STUDY_CHILD_DELAY_MS: String(DELAY_MS) },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: ChildRun = { killed: false, code: null, lines: [], stderr: '' };
    let exited = false;
    const doKill = () => {
      if (exited || run.killed) return;
      run.killed = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    };
    if (kill.kind === 'at') setTimeout(doKill, kill.ms);
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        run.lines.push(line);
        const progressLines = run.lines.filter((l) => l.startsWith('progress')).length;
        if (kill.kind === 'after' && progressLines === kill.lines) setTimeout(doKill, kill.delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      exited = true;
      run.code = code;
      resolve(run);
    });
  });
}

/** Every result BLOB keyed by `conditionIdx:trialIdx`, checking no key appears twice. */
function readResults(db: string): Map<string, Buffer> {
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn
      .prepare(`SELECT c.idx AS c, r.trial_idx AS t, r.probs AS probs FROM results r JOIN conditions c ON c.id = r.condition_id`)
      .all() as { c: number; t: number; probs: Buffer }[];
    expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
    const map = new Map(rows.map((r) => [`${r.c}:${r.t}`, r.probs]));
    expect(map.size).toBe(rows.length);
    return map;
  } finally {
    conn.close();
  }
}

/** Each batch (BATCH consecutive rows of the trial-major work list) is stored whole or not at all. */
function expectWholeBatches(results: Map<string, Buffer>): void {
  for (let start = 0; start < TOTAL; start += BATCH) {
    const present = [];
    for (let r = start; r < Math.min(start + BATCH, TOTAL); r++) present.push(results.has(`${r % CONDITIONS}:${Math.floor(r / CONDITIONS)}`));
    expect(new Set(present).size, `batch at row ${start}: ${present}`).toBe(1);
  }
}

it('SIGKILLed at random moments and resumed, a study ends bitwise identical to an uninterrupted run', async () => {
  const reference = await runChild(dbs.reference, ids.reference, { kind: 'none' });
  expect(reference.code, reference.stderr).toBe(0);
  const expected = readResults(dbs.reference);
  expect(expected.size).toBe(TOTAL);

  const rand = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));
  const kills: Kill[] = [
    { kind: 'at', ms: rand(0, 300) }, // during start-up: before the engine is even open
    { kind: 'after', lines: 1, delayMs: rand(0, DELAY_MS) }, // during the first batch
    { kind: 'after', lines: rand(2, 14), delayMs: rand(0, DELAY_MS + 5) },
    { kind: 'after', lines: rand(2, 14), delayMs: rand(0, DELAY_MS + 5) },
  ];
  let lastCount = 0;
  let killedWithProgress = 0;
  for (const kill of kills) {
    const run = await runChild(dbs.crashed, ids.crashed, kill);
    const results = readResults(dbs.crashed);
    console.log(`kill ${JSON.stringify(kill)}: killed=${run.killed}, ${run.lines.filter((l) => l.startsWith('progress')).length} progress lines, ${results.size}/${TOTAL} results stored`);
    if (!run.killed) expect(run.code, run.stderr).toBe(0);
    if (run.killed && results.size > lastCount && results.size < TOTAL) killedWithProgress++;
    expect(results.size).toBeGreaterThanOrEqual(lastCount);
    expectWholeBatches(results);
    for (const [key, blob] of results) expect(blob.equals(required(expected, key)), key).toBe(true);
    lastCount = results.size;
  }
  expect(killedWithProgress).toBeGreaterThan(0);

  const final = await runChild(dbs.crashed, ids.crashed, { kind: 'none' });
  expect(final.code, final.stderr).toBe(0);
  expect(final.lines.at(-1)).toBe('status done');
  const results = readResults(dbs.crashed);
  expect(results.size).toBe(TOTAL);
  const differing = [...expected].filter(([k, v]) => !results.get(k)?.equals(v)).map(([k]) => k);
  console.log(`final: ${results.size}/${TOTAL} results, ${differing.length} differ from the uninterrupted run`);
  expect(differing).toEqual([]);

  const store = openStore(dbs.crashed);
  const row = store.db.prepare(`SELECT status, runner_pid, run_ms FROM studies WHERE id = ?`).get(ids.crashed) as Record<string, unknown>;
  store.close();
  expect(row).toMatchObject({ status: 'done', runner_pid: null });
});
