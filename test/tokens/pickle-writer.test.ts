// The seed-format pickle writer against CPython: for each case, the bytes must hash to what
// pickle.dumps(lists, protocol=4) gave (test/fixtures/pickle-writer-cases.json, written by
// tools/pickle-fixtures/write_fixtures.py from the same generator), and read back through the app's
// own pickle reader to the same ids.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePickleTokens } from '../../src/main/studies/import/token-formats';
import { pickleIdLists } from '../../src/main/tokens/pickle-writer';

interface Case {
  name: string;
  length: number;
  sha256: string;
}
const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'pickle-writer-cases.json'), 'utf8')) as { python: string; cases: Case[] };

/** x <- (1103515245 x + 12345) mod 2^31, as in the fixture script. */
function* lcg(seed: number): Generator<number> {
  let x = BigInt(seed);
  for (;;) {
    x = (1103515245n * x + 12345n) % 2n ** 31n;
    yield Number(x);
  }
}
const take = (g: Generator<number>): number => g.next().value as number;
const singletons = (n: number, bound: number, seed: number): number[][] => {
  const g = lcg(seed);
  return Array.from({ length: n }, () => [take(g) % bound]);
};
// The Python comprehension `[128000] + [next(g) % 128000 for _ in range(1 + next(g) % 3)]` draws the
// count first (range() is evaluated before the loop), then the pieces.
function pythonWordLists(n: number, seed: number): number[][] {
  const g = lcg(seed);
  return Array.from({ length: n }, () => {
    const count = 1 + (take(g) % 3);
    return [128000, ...Array.from({ length: count }, () => take(g) % 128000)];
  });
}

const CASES: Record<string, number[][]> = {
  empty: [],
  one: [[5]],
  three: [[1], [2], [3]],
  'int-widths': [[0], [255], [256], [65535], [65536], [2147483647]],
  'empty-inner': [[], [7], []],
  'batch-1000': singletons(1000, 50000, 1),
  'batch-1001': singletons(1001, 50000, 2),
  'frames-20000': singletons(20000, 128256, 3),
  'words-1216': pythonWordLists(1216, 4),
  'long-inner': [Array.from({ length: 2500 }, (_, i) => i), [9], ...singletons(70000, 300, 5)],
};

describe(`pickle writer vs CPython ${fixture.python} pickle.dumps(..., protocol=4)`, () => {
  it('covers every case of the fixture', () => {
    expect(Object.keys(CASES)).toEqual(fixture.cases.map((c) => c.name));
  });

  for (const c of fixture.cases) {
    it(`${c.name}: identical bytes, read back to the same ids`, () => {
      const lists = CASES[c.name] ?? [];
      const bytes = pickleIdLists(lists);
      expect(bytes.length).toBe(c.length);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(c.sha256);
      if (lists.flat().length > 0) expect(parsePickleTokens(c.name, bytes, 2 ** 31)).toEqual(lists.flat());
    });
  }

  it('refuses ids a pickle of token ids cannot hold', () => {
    expect(() => pickleIdLists([[-1]])).toThrow('token id -1 cannot be written: ids are integers from 0 to 2^31 - 1');
    expect(() => pickleIdLists([[2 ** 31]])).toThrow(RangeError);
    expect(() => pickleIdLists([[1.5]])).toThrow(RangeError);
  });
});
