// Token-set import: pickles written byte by byte here (protocols 2 and 4) and by real Python
// (test/fixtures/tokens-*.pkl, made with /usr/bin/python3 `pickle.dump(..., protocol=2|4|5)`;
// tokens-large-p5.pkl = 300 lists of 10 ids from random.Random(7).randrange(200000)), plus JSON,
// CSV and TXT, and every kind of bad input with the file named in the message.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importTokenSet, selectTokenSet } from '../../src/main/studies/import/token-set';
import { inputError } from '../helpers/input-error';
import { removeTempDirs, tempFiles } from '../helpers/temp-files';

const fixtures = join(__dirname, '..', 'fixtures');
const { dir, file } = tempFiles('token-set-');
afterAll(removeTempDirs);
const gpt2 = { vocabSize: 50257, specialTokenIds: [50256] };

// Pickle opcodes (Lib/pickle.py).
const PROTO = 0x80, FRAME = 0x95, EMPTY_LIST = 0x5d, MARK = 0x28, APPENDS = 0x65, APPEND = 0x61, STOP = 0x2e;
const BININT1 = 0x4b, BININT2 = 0x4d, BININT = 0x4a, BINPUT = 0x71, BINGET = 0x68, MEMOIZE = 0x94;
const EMPTY_DICT = 0x7d, SETITEM = 0x73, SHORT_BINUNICODE = 0x8c, BINFLOAT = 0x47;

const u16 = (v: number) => [v & 0xff, v >> 8];
const i32 = (v: number) => Array.from(new Uint8Array(Int32Array.of(v).buffer));
const str = (s: string) => [SHORT_BINUNICODE, s.length, ...Buffer.from(s)];

/** Protocol 4 wraps the body in one FRAME with its 8-byte little-endian length. */
function proto4(body: number[]): Uint8Array {
  return Uint8Array.from([PROTO, 4, FRAME, ...u16(body.length), 0, 0, 0, 0, 0, 0, ...body]);
}

describe('pickles written by hand', () => {
  it('reads protocol 2: BINPUT, MARK/APPENDS, BININT1/BININT2/BININT', () => {
    const bytes = [PROTO, 2, EMPTY_LIST, BINPUT, 0, MARK, BININT1, 5, BININT2, ...u16(10000), BININT, ...i32(100000), APPENDS, STOP];
    const result = importTokenSet(file('p2.pkl', Uint8Array.from(bytes)), { vocabSize: 200000, specialTokenIds: [] });
    expect(result).toEqual({ tokens: [5, 10000, 100000], dropped: { special: 0, duplicates: 0 }, sourceCount: 3 });
  });

  it('reads protocol 4 nested lists in a FRAME with MEMOIZE and APPEND', () => {
    const body = [EMPTY_LIST, MEMOIZE, MARK, EMPTY_LIST, MEMOIZE, MARK, BININT1, 1, BININT1, 2, APPENDS, EMPTY_LIST, MEMOIZE, BININT1, 3, APPEND, APPENDS, STOP];
    expect(importTokenSet(file('p4.pickle', proto4(body)), gpt2).tokens).toEqual([1, 2, 3]);
  });

  const bad: [string, number[] | Uint8Array, string][] = [
    ['truncated', [PROTO, 2, EMPTY_LIST, MARK, BININT2, 1], 'truncated pickle: the file ends before the pickle is complete'],
    ['without STOP', [PROTO, 2, EMPTY_LIST, MARK, BININT1, 1, APPENDS], 'truncated pickle: the file ends before the pickle is complete'],
    ['an unknown opcode', [PROTO, 2, 0xff], 'not a valid pickle: unknown opcode 0xff (expected a pickle of nested lists of token ids)'],
    ['a dict', [PROTO, 2, EMPTY_DICT, ...str('a'), BININT1, 1, SETITEM, STOP], 'expected a list of token ids, found a dict or object'],
    ['strings', proto4([EMPTY_LIST, MARK, ...str('abc'), ...str('d'), APPENDS, STOP]), 'expected token ids (integers), found a string ("abc") at index 0 ([0])'],
    ['a float', [PROTO, 2, EMPTY_LIST, MARK, BININT1, 7, BINFLOAT, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, APPENDS, STOP], 'token id 1.5 at index 1 ([1]) is not an integer'],
    ['a negative id', [PROTO, 2, EMPTY_LIST, MARK, BININT1, 7, BININT, ...i32(-3), APPENDS, STOP], 'token id -3 at index 1 ([1]) is negative'],
    ['an id beyond the vocabulary', [PROTO, 2, EMPTY_LIST, MARK, BININT1, 7, BININT2, ...u16(50257), APPENDS, STOP],
      "token id 50257 at index 1 ([1]) is out of range: the model's vocabulary has 50257 ids (0-50256)"],
    ['a list that contains itself', [PROTO, 2, EMPTY_LIST, BINPUT, 0, BINGET, 0, APPEND, STOP], 'the list at [0] contains itself'],
    ['an empty list', [PROTO, 2, EMPTY_LIST, STOP], 'contains no token ids'],
    ['nothing', [PROTO, 2, STOP], 'malformed pickle: it holds no object'],
  ];
  it.each(bad)('rejects %s, naming the file', (name, bytes, problem) => {
    const path = file(`bad-${name.replace(/\W+/g, '-')}.pkl`, Uint8Array.from(bytes));
    const err = inputError(() => importTokenSet(path, gpt2));
    expect(err.message).toBe(`${path}: ${problem}`);
  });
});

describe('pickles written by Python', () => {
  it('tokens-p4.pkl: flattens, keeps each id once, drops special tokens and counts both', () => {
    const path = join(fixtures, 'tokens-p4.pkl'); // [[464, 3290], [1110], [464, 50256], [0, 1, 2]]
    expect(importTokenSet(path, gpt2)).toEqual({ tokens: [0, 1, 2, 464, 1110, 3290], dropped: { special: 1, duplicates: 1 }, sourceCount: 8 });
    expect(importTokenSet(path, gpt2, { dropSpecial: false }).tokens).toEqual([0, 1, 2, 464, 1110, 3290, 50256]);
  });

  it('tokens-large-p5.pkl: 3000 ids up to 199937, 2984 unique, sampled with the seed', () => {
    const path = join(fixtures, 'tokens-large-p5.pkl');
    const vocab = { vocabSize: 200000, specialTokenIds: [] };
    const all = importTokenSet(path, vocab);
    expect(all.sourceCount).toBe(3000);
    expect(all.dropped.duplicates).toBe(16);
    expect(all.tokens.length).toBe(2984);
    expect(all.tokens.slice(0, 5)).toEqual([46, 61, 104, 280, 301]);
    expect(all.tokens.slice(-3)).toEqual([199801, 199930, 199937]);
    const sample = importTokenSet(path, vocab, { n: 500, seed: 42 });
    expect(sample.tokens.length).toBe(500);
    expect(sample.tokens).toEqual([...sample.tokens].sort((a, b) => a - b));
    expect(new Set(sample.tokens).size).toBe(500);
    expect(sample.tokens.every((t) => all.tokens.includes(t))).toBe(true);
    expect(importTokenSet(path, vocab, { n: 500, seed: 42 }).tokens).toEqual(sample.tokens);
    expect(importTokenSet(path, vocab, { n: 500, seed: 43 }).tokens).not.toEqual(sample.tokens);
    expect(inputError(() => importTokenSet(path, vocab, { n: 3000 })).message).toBe(
      `${path}: has only 2984 unique token ids (after dropping 0 special tokens and 16 repeats), fewer than the 3000 needed`,
    );
    expect(inputError(() => importTokenSet(path, { vocabSize: 199937, specialTokenIds: [] })).message).toBe(
      `${path}: token id 199937 at index 2134 ([213][4]) is out of range: the model's vocabulary has 199937 ids (0-199936)`,
    );
  });

  it('tokens-bigids-p2.pkl: ids beyond 2^31 (LONG1) are read exactly', () => {
    const path = join(fixtures, 'tokens-bigids-p2.pkl'); // [[5, 6, 7], [70000, 2**31 - 1, 300], [1, 2**31 + 5, 9]]
    expect(importTokenSet(path, { vocabSize: 2 ** 32, specialTokenIds: [] }).tokens).toEqual([1, 5, 6, 7, 9, 300, 70000, 2 ** 31 - 1, 2 ** 31 + 5]);
    expect(inputError(() => importTokenSet(path, gpt2)).message).toBe(
      `${path}: token id 70000 at index 3 ([1][0]) is out of range: the model's vocabulary has 50257 ids (0-50256)`,
    );
  });

  it('tokens-numpy.pkl: a pickled numpy array is refused with the fix', () => {
    const path = join(fixtures, 'tokens-numpy.pkl');
    expect(inputError(() => importTokenSet(path, gpt2)).message).toMatch(
      /tokens-numpy\.pkl: the pickle holds a Python object \(numpy\.core\.multiarray\._reconstruct\), expected plain nested lists of token ids; save them with pickle\.dump\(ids\.tolist\(\), f\)$/,
    );
  });
});

describe('JSON, CSV and TXT token files', () => {
  it('reads arrays and nested arrays of ints from JSON', () => {
    expect(importTokenSet(file('a.json', '[3, 1, 2, 3]'), gpt2)).toEqual({ tokens: [1, 2, 3], dropped: { special: 0, duplicates: 1 }, sourceCount: 4 });
    expect(importTokenSet(file('b.json', '[[10, 20], [30], []]'), gpt2).tokens).toEqual([10, 20, 30]);
  });

  it('reads one CSV column with or without a token_id/id header', () => {
    expect(importTokenSet(file('a.csv', 'token_id\r\n7\r\n8\r\n\r\n9\r\n'), gpt2).tokens).toEqual([7, 8, 9]);
    expect(importTokenSet(file('b.CSV', '\uFEFFID\n4\n5\n'), gpt2).tokens).toEqual([4, 5]);
    expect(importTokenSet(file('c.csv', '4\n5\n'), gpt2).tokens).toEqual([4, 5]);
  });

  it('reads whitespace-separated ints from TXT', () => {
    expect(importTokenSet(file('a.txt', '1 2\t3\n\n 4  5\n'), gpt2).tokens).toEqual([1, 2, 3, 4, 5]);
  });

  const bad: [string, string, string][] = [
    ['bad.json', '[1, 2', 'invalid JSON: '],
    ['obj.json', '{"ids": [1]}', 'expected a list of token ids, found a dict or object'],
    ['null.json', '[1, null]', 'expected token ids (integers), found None/null at index 1 ([1])'],
    ['frac.json', '[[1], [2.5]]', 'token id 2.5 at index 1 ([1][0]) is not an integer'],
    ['neg.txt', '1 2\n3 -4', 'token id -4 at index 3 (line 2) is negative'],
    ['word.txt', '1 two', '"two" at index 1 (line 1) is not a token id'],
    ['big.txt', '1 50257', "token id 50257 at index 1 (line 1) is out of range: the model's vocabulary has 50257 ids (0-50256)"],
    ['cols.csv', 'token_id\n1,2\n', 'line 2 has 2 columns; expected one column of token ids'],
    ['header.csv', 'token\n1\n', 'unexpected header "token" on line 1; expected "token_id" or "id"'],
    ['word.csv', 'id\n1\nabc\n', '"abc" at index 1 (line 3) is not a token id'],
    ['empty.txt', ' \n', 'contains no token ids'],
    ['tokens.xlsx', '', "unknown token file type '.xlsx': expected .pkl, .pickle, .json, .csv or .txt"],
  ];
  it.each(bad)('rejects %s', (name, content, problem) => {
    const path = file(name, content);
    const err = inputError(() => importTokenSet(path, gpt2));
    expect(err.file).toBe(path);
    expect(err.message.startsWith(`${path}: ${problem}`)).toBe(true);
  });

  it('names a missing file or a folder', () => {
    expect(inputError(() => importTokenSet(join(dir, 'nope.pkl'), gpt2)).message).toBe(`${join(dir, 'nope.pkl')}: file not found`);
    const folder = join(dir, 'folder.json');
    mkdirSync(folder);
    expect(inputError(() => importTokenSet(folder, gpt2)).message).toBe(`${folder}: is a folder, not a file`);
  });
});

describe('selectTokenSet', () => {
  it('depends on the set of ids only, not their order', () => {
    const ids = Array.from({ length: 300 }, (_, i) => (i * 37) % 1000);
    const reversed = [...ids].reverse();
    const vocab = { vocabSize: 1000, specialTokenIds: [0] };
    expect(selectTokenSet('x', ids, vocab, { n: 100, seed: 1 })).toEqual(selectTokenSet('x', reversed, vocab, { n: 100, seed: 1 }));
    expect(selectTokenSet('x', ids, vocab, { n: 299 }).dropped).toEqual({ special: 1, duplicates: 0 });
  });
});
