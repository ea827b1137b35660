// The bad-input corpus: every way a user can hand the command line a broken file, flag, database or
// output path, one table row each. Every row asserts the exit code, an `error:` line that names the
// file or flag and says what is wrong (one line, no stack trace, no megabytes echoed), and that the
// study database with its earlier studies is untouched and passes integrity_check. Rows run in this
// process through runCli; `spawn` rows run as their own process, where a hang is the risk.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/run-cli';
import { CaseContext, buildWorld, databaseFingerprint, runInProcess, type CliOutput, type CorpusWorld } from './corpus-world';
import { BAD_INPUTS, type BadInput } from './corpus-cases';

let world: CorpusWorld;
let fingerprint: string;

beforeAll(async () => {
  world = await buildWorld();
  fingerprint = databaseFingerprint(world.db);
}, 300_000);
afterAll(() => world.cleanup());

const STACK_LINE = /^\s+at .+[(:]\d+/m;

function runCase(c: BadInput, x: CaseContext, args: string[]): Promise<CliOutput> {
  if (!c.spawn) return runInProcess(args);
  return spawnCli(args, { ABLATION_STUDIO_HOME: world.home, ...c.env?.(x) }, 60_000);
}

describe('bad-input corpus', () => {
  it(`has at least 80 cases in every category`, () => {
    const kinds = new Map<string, number>();
    for (const c of BAD_INPUTS) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    console.log(`${BAD_INPUTS.length} cases: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(80);
    expect([...kinds.keys()].sort()).toEqual(['cached graph', 'checkpoint', 'config', 'database', 'flags', 'output path', 'score csv', 'token file', 'tokenizer']);
  });

  BAD_INPUTS.forEach((c, i) => {
    it(`${c.kind}: ${c.name}`, async () => {
      const x = new CaseContext(world, i);
      const args = c.args(x);
      const before = c.dbFile ? snapshot(c.dbFile(x)) : null;
      const r = await runCase(c, x, args);
      const output = `${r.stdout}${r.stderr}`;
      expect(r.code, output).toBe(c.exit);
      expect(output).not.toMatch(STACK_LINE);
      const names = c.names(x);
      if (c.exit === 0) {
        expect(output).toContain(names);
        expect(output).toMatch(c.says);
      } else {
        const line = r.stderr.split('\n').find((l) => l.startsWith('error: '));
        expect(line, output).toBeDefined();
        expect(line).toContain(names);
        expect(line).toMatch(c.says);
        expect(line?.length ?? 0).toBeLessThan(600);
      }
      c.check?.(x, r);
      // The earlier studies are exactly as they were, and the file passes integrity_check.
      expect(databaseFingerprint(world.db)).toBe(fingerprint);
      if (c.dbFile && before !== null) expect(snapshot(c.dbFile(x)), 'the database file given was changed').toBe(before);
    });
  });
});

/** A database file's bytes (or absence), to prove a refused file was not written to. */
function snapshot(file: string): string {
  return existsSync(file) && statSync(file).isFile() ? readFileSync(file).toString('base64') : existsSync(file) ? 'folder' : 'absent';
}
