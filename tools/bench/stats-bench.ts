// Statistics and tidy-export benchmark: times studyStatistics (with and without the peak-lag
// bootstrap) and writing trials_long.csv.gz on a stored study, or on a synthetic study shaped like
// the demo's (25 conditions x 300 trials x 501 lags: sharp +1 peaks and two flat curves), and writes
// a JSON report. `npx tsx tools/bench/stats-bench.ts [--db <file> --study <id>] [--repeats n] --out r.json`

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeTrialsLong } from '../../src/main/export/trials-long';
import { loadTrials, listConditions } from '../../src/main/store/conditions-repo';
import { openStore } from '../../src/main/store/db';
import { loadResults } from '../../src/main/store/results-repo';
import { getStudyRecord } from '../../src/main/store/studies-repo';
import { createRng } from '../../src/shared/study/prng';
import { studyStatistics } from '../../src/shared/study/study-statistics';
import type { Condition } from '../../src/shared/study/types';
import { memorySnapshot } from './memory';
import { distribution, roundDistribution } from './stats';

interface Study {
  source: string;
  conditions: Condition[];
  rows: Float32Array[][];
  trials: Int32Array[];
  seed: number;
}

/** The demo's shape: baseline, induction k = 1, 2, 4, 8 (the last two flat), 4 counts x 5 random draws. */
function syntheticStudy(): Study {
  const S = 501;
  const n = 300;
  const rng = createRng(2024);
  const make = (key: string, headType: Condition['headType'], count: number, draw: number): Condition => ({
    key, label: key, headType, mode: 'zero', layerRange: 'full', count, draw, heads: [],
  });
  const conditions = [make('baseline', 'none', 0, 0)];
  for (const k of [1, 2, 4, 8]) conditions.push(make(`induction-k${k}`, 'induction', k, 0));
  for (const k of [1, 2, 4, 8]) for (let d = 0; d < 5; d++) conditions.push(make(`random-k${k}-d${d}`, 'random', k, d));
  const rows = conditions.map((c) =>
    Array.from({ length: n }, () => {
      const row = Float32Array.from({ length: S }, () => 1e-4 * (0.5 + rng.nextFloat()));
      if (!(c.headType === 'induction' && c.count >= 4)) row[(S - 1) / 2 + 1] = 0.5 + 0.4 * rng.nextFloat();
      return row;
    }),
  );
  const trials = Array.from({ length: n }, () => Int32Array.from({ length: S }, (_, s) => 3 + s));
  return { source: 'synthetic (demo-shaped)', conditions, rows, trials, seed: 42 };
}

function storedStudy(db: string, studyId: number): Study {
  const store = openStore(db);
  try {
    const conditions = listConditions(store, studyId);
    const rows = conditions.map((c) => loadResults(store, c.id).map((r) => r.probs));
    const seed = getStudyRecord(store, studyId)?.seed ?? 0;
    return { source: `${db} study ${studyId}`, conditions, rows, trials: loadTrials(store, studyId), seed };
  } finally {
    store.close();
  }
}

async function timed(repeats: number, work: () => unknown): Promise<number[]> {
  const ms: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await work();
    ms.push(performance.now() - t0);
  }
  return ms;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { db: { type: 'string' }, study: { type: 'string' }, repeats: { type: 'string' }, out: { type: 'string' } } });
  const repeats = Number(values.repeats ?? 3);
  const study = values.db ? storedStudy(values.db, Number(values.study ?? 1)) : syntheticStudy();
  const input = { conditions: study.conditions, rows: study.rows, seed: study.seed };
  const withBootstrap = await timed(repeats, () => studyStatistics(input));
  const withoutBootstrap = await timed(repeats, () => studyStatistics(input, { bootstrapResamples: 1 }));
  const dir = mkdtempSync(join(tmpdir(), 'stats-bench-'));
  const path = join(dir, 'trials_long.csv.gz');
  const long = study.conditions.map((condition, i) => ({ condition, loadProbs: () => study.rows[i] ?? [] }));
  const trialsLong = await timed(repeats, () => writeTrialsLong(path, study.trials, long, (id) => `w${id}`));
  const bytes = statSync(path).size;
  rmSync(dir, { recursive: true, force: true });
  const seqLen = study.rows[0]?.[0]?.length ?? 0;
  const report = {
    schema: 1,
    date: new Date().toISOString(),
    source: study.source,
    conditions: study.conditions.length,
    trials: study.rows[0]?.length ?? 0,
    seqLen,
    repeats,
    statisticsMs: roundDistribution(distribution(withBootstrap), 1),
    statisticsWithoutBootstrapMs: roundDistribution(distribution(withoutBootstrap), 1),
    trialsLong: { ms: roundDistribution(distribution(trialsLong), 1), bytes, rows: study.rows.reduce((a, r) => a + r.length * seqLen, 0) },
    memory: memorySnapshot('end'),
  };
  const text = JSON.stringify(report, null, 2) + '\n';
  if (values.out) writeFileSync(values.out, text);
  process.stdout.write(text);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
