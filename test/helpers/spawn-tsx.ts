// A program of this repository in a Node process of its own (`node --import tsx <script>`, from the
// repo root), for component tests: they run in a simulated browser (happy-dom) whose globals are a
// page's, so the app's Node side runs beside them, as `npm run serve` runs beside a real browser.
// The start resolves once the program's output says it is ready, and fails with that output if the
// program ends first.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

// __dirname (vitest defines it), not import.meta.url: a happy-dom test's URL class is the page's.
const REPO = path.resolve(__dirname, '../..');

export interface TsxProcess<T> {
  child: ChildProcess;
  /** What `ready` found in the output. */
  info: T;
  /** Everything the process has written to stdout so far. */
  stdout(): string;
  /** Resolves with the exit code once the process has ended and its output closed. */
  exited: Promise<number | null>;
}

/**
 * Starts `script` (relative to the repo root) with `args`; `ready` is asked after each chunk of
 * output and returns what the test needs once the program is ready, else undefined.
 */
export function startTsxProcess<T>(script: string, args: string[], ready: (output: { stdout: string; stderr: string }) => T | undefined): Promise<TsxProcess<T>> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let started = false;
    const check = () => {
      if (started) return;
      const info = ready(output);
      if (info === undefined) return;
      started = true;
      resolve({ child, info, stdout: () => output.stdout, exited });
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output.stdout += chunk.toString();
      check();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output.stderr += chunk.toString();
      check();
    });
    void exited.then((code) => {
      if (!started) reject(new Error(`${script} ended (${code}) before it was ready:\n${output.stderr}${output.stdout}`));
    });
  });
}
