// The command line as a user runs it (`npx tsx src/main/cli/main.ts ...`), minus npx's own start-up:
// node + tsx's CLI directly, from the repo root, with the test's extra environment (app home,
// Hugging Face cache, demo model) on top of this process's.

import { spawnSync } from 'node:child_process';
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
