// The fault tests' world and tools: a tiny checkpoint, the `run` flags of a small study (5 conditions
// x 6 trials in batches of 2: 15 batches, 29 output files), the CLI run as one process with the
// fault hook, and the comparison of two output folders (every file byte for byte; provenance.json
// minus its clock readings).

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { FAULT_ENV } from '../../src/main/fault-hook';
import { spawnCli, type CliProcessResult } from '../helpers/run-cli';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';

export const CONDITIONS = 5;
export const TRIALS = 6;
export const BATCH = 2;
export const BATCHES = (CONDITIONS * TRIALS) / BATCH;

export interface FaultWorld {
  dir: string;
  model: string;
  home: string;
  cleanup(): void;
}

export function faultWorld(prefix: string): FaultWorld {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const model = join(dir, 'model');
  writeTinyModel(model, tinyLlama3());
  return { dir, model, home: join(dir, 'home'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `run` with the seed's flags for the small study, into `db` and `out`. */
export function runArgs(world: FaultWorld, db: string, out: string): string[] {
  return [
    'run', '--model_name', world.model, '--permutations', String(TRIALS), '--to_abl', '0-1-2', '--head_types', 'induction,random',
    '--max_heads_abl', '2', '--n_tokens', '16', '--batch_size', String(BATCH), '--seed', '7', '--provider', 'cpu',
    '--db', db, '--output_dir', out,
  ];
}

/** The CLI as one process, with the fault hook's rule if given. */
export function cli(world: FaultWorld, args: string[], fault?: string, onSpawn?: (pid: number) => void): Promise<CliProcessResult> {
  return spawnCli(args, { ABLATION_STUDIO_HOME: world.home, [FAULT_ENV]: fault ?? '' }, 120_000, onSpawn);
}

export function killedByHook(r: CliProcessResult): boolean {
  return r.signal === 'SIGKILL';
}

/** Study 1's row and result count, or null when the database has no study yet. */
export function studyState(db: string): { status: string; results: number } | null {
  if (!existsSync(db)) return null;
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const row = conn.prepare(`SELECT status FROM studies WHERE id = 1`).get() as { status: string } | undefined;
    return row ? { status: row.status, results: conn.prepare(`SELECT count(*) FROM results`).pluck().get() as number } : null;
  } finally {
    conn.close();
  }
}

/** Every result BLOB keyed `condition:trial`, after an integrity check of the file. */
export function resultBlobs(db: string): Map<string, Buffer> {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const check = conn.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`${db}: integrity_check says ${String(check)}`);
    const rows = conn
      .prepare(`SELECT c.idx AS c, r.trial_idx AS t, r.probs AS probs FROM results r JOIN conditions c ON c.id = r.condition_id`)
      .all() as { c: number; t: number; probs: Buffer }[];
    return new Map(rows.map((r) => [`${r.c}:${r.t}`, r.probs]));
  } finally {
    conn.close();
  }
}

/** Relative paths of every file under `dir`, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

/** provenance.json without what a clock decides (export, creation, start and finish times, timings). */
function stableProvenance(text: string): unknown {
  const p = JSON.parse(text) as Record<string, unknown> & { provenance: Record<string, unknown> & { runtime: Record<string, unknown> } };
  delete p.exportedAt;
  for (const key of ['createdAt', 'startedAt', 'finishedAt']) delete p.provenance[key];
  delete p.provenance.runtime.compileMs;
  delete p.provenance.runtime.runMs;
  return p;
}

/** Files that differ between two export folders (by name or bytes); [] when they are the same export. */
export function exportDifferences(expectedDir: string, actualDir: string): string[] {
  const expected = listFiles(expectedDir);
  const actual = listFiles(actualDir);
  const diffs = [...expected.filter((f) => !actual.includes(f)).map((f) => `missing ${f}`), ...actual.filter((f) => !expected.includes(f)).map((f) => `extra ${f}`)];
  for (const file of expected.filter((f) => actual.includes(f))) {
    const a = readFileSync(join(expectedDir, file));
    const b = readFileSync(join(actualDir, file));
    const same = file === 'provenance.json' ? JSON.stringify(stableProvenance(a.toString())) === JSON.stringify(stableProvenance(b.toString())) : a.equals(b);
    if (!same) diffs.push(`differs ${file}`);
  }
  return diffs;
}
