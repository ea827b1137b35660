// The command line as a user runs it (`npx tsx src/main/cli/main.ts ...`), minus npx's own start-up:
// node + tsx's CLI directly, from the repo root, with the test's extra environment (app home,
// Hugging Face cache, demo model) on top of this process's.

import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const TSX_CLI = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface CliResult {
  /** Exit status; null when the process was killed (e.g. past timeoutMs). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): CliResult {
  const r = spawnSync(process.execPath, [TSX_CLI, 'src/main/cli/main.ts', ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface CliProcessResult extends CliResult {
  /** The signal that ended the process (SIGKILL for a fault-hook kill), else null. */
  signal: NodeJS.Signals | null;
  pid: number;
}

/**
 * The CLI as ONE process (`node --import tsx`, no tsx wrapper), asynchronously, so a test can run
 * two at once, and a self-inflicted SIGKILL ends the very process that holds the database.
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, onSpawn?: (pid: number) => void): Promise<CliProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/main.ts', ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    if (child.pid !== undefined) onSpawn?.(child.pid);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, pid: child.pid ?? -1 });
    });
  });
}
