// The bad-input corpus's shared world, built once per test run: a good tiny checkpoint, a study
// database holding two earlier studies (one done; one paused part-way and claimed by a live
// process), a fingerprint of that database, and a per-case context whose helpers write the case's
// bad files and spell its command line. Commands run in-process through runCli, output captured.

import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import Database from 'better-sqlite3';
import { runCli } from '../../src/main/cli/cli';
import { tinyLlama3, writeTinyModel, type TinyModel } from '../../tools/fixtures/tiny-models';

export interface CliOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command line in this process, capturing everything it prints. */
export async function runInProcess(argv: string[]): Promise<CliOutput> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { log: console.log, error: console.error, out: process.stdout.write, err: process.stderr.write };
  console.log = (...args: unknown[]) => void out.push(`${format(...args)}\n`);
  console.error = (...args: unknown[]) => void err.push(`${format(...args)}\n`);
  process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const code = await runCli(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    console.log = saved.log;
    console.error = saved.error;
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}

export interface CorpusWorld {
  root: string;
  home: string;
  /** A good checkpoint folder. */
  model: string;
  /** The study database with the earlier studies. */
  db: string;
  /** The live process that holds study 2 (a stand-in for another app window running it). */
  holder: ChildProcess;
  /** The good model's built graph cache (for the cached-graph cases to copy and damage). */
  graphs: string;
  /** The good model's probe output for PROMPTS, as written by `probe`. */
  probeReference: string;
  cleanup(): void;
}

/** Small study flags, valid for the tiny model (2 layers x 4 heads, vocabulary 96, 128 positions). */
export const SMALL_STUDY = ['--permutations', '2', '--to_abl', '0-1', '--max_heads_abl', '2', '--n_tokens', '8', '--provider', 'cpu'];
export const PROMPTS = '[[5, 6, 7, 5], [9, 10, 11, 9]]';

export async function buildWorld(): Promise<CorpusWorld> {
  const root = mkdtempSync(join(tmpdir(), 'studio-corpus-'));
  const home = join(root, 'home');
  process.env.ABLATION_STUDIO_HOME = home;
  const model = join(root, 'model');
  writeTinyModel(model, tinyLlama3());
  const db = join(root, 'studies.sqlite');
  for (const name of ['first', 'second']) {
    const r = await runInProcess(['run', '--model_name', model, ...SMALL_STUDY, '--db', db, '--output_dir', join(root, name), '--name', name]);
    if (r.code !== 0) throw new Error(`setup run failed: ${r.stderr}`);
  }
  const holder = spawn('sleep', ['3600'], { stdio: 'ignore' });
  const conn = new Database(db);
  conn.prepare(`DELETE FROM results WHERE trial_idx >= 1 AND condition_id IN (SELECT id FROM conditions WHERE study_id = 2)`).run();
  conn.prepare(`UPDATE studies SET status = 'paused', finished_at = NULL, runner_pid = ? WHERE id = 2`).run(holder.pid);
  conn.close();
  const prompts = join(root, 'prompts.json');
  writeFileSync(prompts, PROMPTS);
  const probeReference = join(root, 'probe-reference.json');
  const p = await runInProcess(['probe', '--model', model, '--prompts', prompts, '--out', probeReference, '--provider', 'cpu']);
  if (p.code !== 0) throw new Error(`setup probe failed: ${p.stderr}`);
  // The good model's graphs alone (cases with broken models add their own folders to the cache).
  const graphs = join(root, 'good-graphs');
  cpSync(join(home, 'graphs'), graphs, { recursive: true });
  return {
    root,
    home,
    model,
    db,
    holder,
    graphs,
    probeReference,
    cleanup: () => {
      holder.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** sha256 over every row of every table (and integrity_check's verdict): equal means untouched. */
export function databaseFingerprint(file: string): string {
  const conn = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hash = createHash('sha256').update(String(conn.pragma('integrity_check', { simple: true })));
    const tables = conn.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[];
    for (const t of tables) {
      for (const row of conn.prepare(`SELECT * FROM "${t}"`).raw().all()) hash.update(JSON.stringify(row, (_, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
    }
    return hash.digest('hex');
  } finally {
    conn.close();
  }
}

/** What a case's command line and bad files are built from. */
export class CaseContext {
  readonly dir: string;

  constructor(
    readonly world: CorpusWorld,
    index: number,
  ) {
    this.dir = join(world.root, `case-${index}`);
    mkdirSync(this.dir);
  }

  /** Writes a file of the case and returns its path. */
  file(name: string, content: string | Uint8Array): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** A copy of the good checkpoint, changed by `edit` (in memory) and then `files` (on disk). */
  model(edit?: (m: TinyModel) => void, files?: (dir: string) => void, dtype?: 'F32' | 'BF16' | 'F16'): string {
    const m = tinyLlama3();
    edit?.(m);
    const dir = join(this.dir, 'model');
    writeTinyModel(dir, m, { dtype });
    files?.(dir);
    return dir;
  }

  /** A copy of the world's graph cache, for damaging. */
  graphs(): string {
    const dir = join(this.dir, 'graphs');
    cpSync(this.world.graphs, dir, { recursive: true });
    return dir;
  }

  /** `run` of the small study on `model` (default: the good one) into the shared database. */
  run(...extra: string[]): string[] {
    return ['run', '--model_name', this.world.model, ...SMALL_STUDY, '--db', this.world.db, '--output_dir', this.path('out'), ...extra];
  }

  /** `probe` of two prompts; later flags override earlier ones. */
  probe(...extra: string[]): string[] {
    return ['probe', '--model', this.world.model, '--prompts', join(this.world.root, 'prompts.json'), '--out', this.path('probs.json'), '--provider', 'cpu', ...extra];
  }

  induction(...extra: string[]): string[] {
    return ['induction', '--model', this.world.model, '--seq-len', '8', '--count', '2', '--out', this.path('scores.csv'), '--provider', 'cpu', ...extra];
  }

  /** `studies <args>` on the shared database (a later --db in `args` wins). */
  studies(...args: string[]): string[] {
    return ['studies', '--db', this.world.db, ...args];
  }
}
