// trials_long.csv.gz: a failed export leaves neither the file nor its temporary part behind, and a
// probability row that does not match its trial's prompt is refused (the rows would be mislabelled).

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTrialsLong } from '../../src/main/export/trials-long';
import { condition } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'trials-long-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeTrialsLong', () => {
  it('leaves nothing behind when loading a condition fails', async () => {
    const path = join(dir, 'failed.csv.gz');
    const conditions = [
      { condition: condition('baseline', 'none', 0), loadProbs: () => [Float32Array.of(0.1, 0.2, 0.3)] },
      { condition: condition('induction-k1', 'induction', 1), loadProbs: () => Promise.reject(new Error('database is locked')) },
    ];
    await expect(writeTrialsLong(path, [Int32Array.of(5, 6, 5)], conditions, () => '')).rejects.toThrow('database is locked');
    expect(existsSync(path)).toBe(false);
    // Not even the hidden temporary file it was written under.
    expect(readdirSync(dir).filter((f) => f.includes('failed'))).toEqual([]);
  });

  it('refuses a probability row whose length is not its prompt length', async () => {
    const path = join(dir, 'ragged.csv.gz');
    const conditions = [{ condition: condition('baseline', 'none', 0), loadProbs: () => [Float32Array.of(0.1, 0.2)] }];
    await expect(writeTrialsLong(path, [Int32Array.of(5, 6, 5)], conditions, () => '')).rejects.toThrow(
      'trial 0 of baseline: 2 probabilities, prompt of 3 tokens',
    );
    expect(existsSync(path)).toBe(false);
  });
});
