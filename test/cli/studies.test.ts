// `studies rename/delete` and the subcommands' error paths (unknown study: exit 1 naming it; bad
// subcommand or id: exit 2 with usage), on a database filled by a very small `run`.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli';
import { tinyLlama3, writeTinyModel } from '../../tools/fixtures/tiny-models';

let root: string;
const db = () => path.join(root, 'db.sqlite');

function cli(...args: string[]) {
  return runCli(args, { ABLATION_STUDIO_HOME: path.join(root, 'home') }, 90_000);
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-studies-'));
  writeTinyModel(path.join(root, 'm'), tinyLlama3());
  const r = cli('run', '--model_name', path.join(root, 'm'), '--permutations', '2', '--to_abl', '0-1', '--max_heads_abl', '2',
    '--n_tokens', '8', '--provider', 'cpu', '--db', db(), '--output_dir', path.join(root, 'out'), '--name', 'first');
  if (r.code !== 0) throw new Error(`setup run failed: ${r.stderr}`);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('studies', () => {
  it('renames and deletes a study', () => {
    expect(cli('studies', 'list', '--db', db()).stdout).toMatch(/1\s+first\s+done\s+4\/4/);
    const renamed = cli('studies', 'rename', '1', 'induction', 'check', '--db', db());
    expect(renamed.code).toBe(0);
    expect(renamed.stdout).toContain('Study 1 renamed to "induction check".');
    expect(cli('studies', 'list', '--db', db()).stdout).toMatch(/1\s+induction check\s+done/);
    const deleted = cli('studies', 'delete', '1', '--db', db());
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('Deleted study 1 "induction check" (4 results).');
    expect(cli('studies', 'list', '--db', db()).stdout).toContain('No studies yet.');
  });

  it('reports unknown studies, subcommands and ids', () => {
    const show = cli('studies', 'show', '99', '--db', db());
    expect(show.code).toBe(1);
    expect(show.stderr).toContain('error: study 99: no such study in the database');
    const sub = cli('studies', 'frob', '--db', db());
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('unknown subcommand "frob"');
    expect(sub.stderr).toContain('Usage: npm run cli -- studies');
    const id = cli('studies', 'export', 'x1', '--out', root, '--db', db());
    expect(id.code).toBe(2);
    expect(id.stderr).toContain('study id must be a positive integer, got "x1"');
  });
});
