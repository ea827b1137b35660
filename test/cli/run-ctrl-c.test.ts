// Ctrl-C in a terminal signals the whole foreground process group: `run` pauses after the batch in
// flight (exit 130, every finished batch stored, nothing failed) and `studies resume` completes the
// study. The terminal is imitated by starting the CLI as a process-group leader and signalling the group.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait-for';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';

const REPO = path.resolve(__dirname, '../..');
let root = '';
const env = () => ({ ...process.env, ABLATION_STUDIO_HOME: path.join(root, 'home') });
const db = () => path.join(root, 'db.sqlite');

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-ctrl-c-'));
  writeTinyModel(path.join(root, 'm'), tinyLlama3());
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe.runIf(process.platform !== 'win32')('Ctrl-C during `run`', () => {
  it('pauses the study and `studies resume` finishes it', async () => {
    const args = ['run', '--model_name', path.join(root, 'm'), '--permutations', '1500', '--to_abl', '0-1-2', '--max_heads_abl', '2',
      '--n_tokens', '20', '--batch_size', '6', '--provider', 'cpu', '--db', db(), '--output_dir', path.join(root, 'out')];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/main.ts', ...args], { cwd: REPO, env: env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    let code: number | null | undefined;
    child.on('exit', (exitCode) => (code = exitCode));
    try {
      // Some rows stored, not all: progress lines on a pipe come every 10%.
      await waitUntil(() => /study 1: [1-9]\d*\/\d+ \([1-8]\d\.\d%\)/.test(stderr), 'a progress line between 10% and 89%');
      process.kill(-(child.pid ?? 0), 'SIGINT');
      await waitUntil(() => code !== undefined, 'the CLI to exit after Ctrl-C', { timeoutMs: 60_000 });
      if (code !== 130) console.log(stderr);
      expect(stderr).toContain('Pausing after the current batch');
      expect(stderr).not.toMatch(/was killed|failed/);
      expect(code).toBe(130);
    } finally {
      if (child.exitCode === null) process.kill(-(child.pid ?? 0), 'SIGKILL');
    }

    const listed = runCli(['studies', 'list', '--db', db()], env(), 60_000);
    const [, done, total] = /1\s+\S.*?\s+paused\s+(\d+)\/(\d+)/.exec(listed.stdout) ?? [];
    expect(listed.stdout).toMatch(/paused/);
    expect(Number(done)).toBeGreaterThan(0);
    expect(Number(done)).toBeLessThan(Number(total));

    const resumed = runCli(['studies', 'resume', '1', '--db', db(), '--out', path.join(root, 'out')], env(), 120_000);
    if (resumed.code !== 0) console.log(resumed.stdout, resumed.stderr);
    expect(resumed.code).toBe(0);
    expect(runCli(['studies', 'list', '--db', db()], env(), 60_000).stdout).toMatch(/1\s+\S.*?\s+done\s+(\d+)\/\1/);
  });
});
