// Token sets from words: on the demo model's word-level tokenizer (every bundled word is one token;
// unknown words become the special <unk> and are left out), on a byte-level BPE tokenizer.json
// written here (bare and space-prefixed forms, multi-token words, special tokens), with the seeded
// sample checked against importing the same ids from a file, and saving to a real SQLite store.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors';
import { loadTokenizer } from '../../src/main/engine/checkpoint/tokenizer';
import { getTokenSet, openStore } from '../../src/main/store';
import { importTokenSet } from '../../src/main/studies/import/token-set';
import { buildTokenSet, saveTokenSet, tokenSetName } from '../../src/main/tokens/build-token-set';
import { bundledWordListPath, wordsFromText } from '../../src/main/tokens/word-sources';
import { singleTokenWords } from '../../src/main/tokens/words-to-tokens';
import { byteLevelBpeTokenizer } from './bpe-tokenizer';
import { removeTempDirs, tempDir } from '../helpers/temp-files';

const dir = tempDir('token-words-');
afterAll(removeTempDirs);

function bpeModel(): string {
  const model = join(dir, 'bpe-model');
  mkdirSync(model, { recursive: true });
  writeFileSync(join(model, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
  writeFileSync(join(model, 'tokenizer.json'), JSON.stringify(byteLevelBpeTokenizer()));
  return model;
}

describe('words from text', () => {
  it('splits on white space, drops surrounding punctuation and repeats, keeps case and inner marks', () => {
    expect(wordsFromText('The cat, the "dog"; (cat) well-known don\'t\n\tThe 2024 — ...')).toEqual(['The', 'cat', 'the', 'dog', 'well-known', "don't", '2024']);
  });
});

describe('token sets from words on the demo model', () => {
  it('the bundled list: 2,000 single-token words, unique ids, no special token', () => {
    const build = buildTokenSet({ model: 'demo', words: { kind: 'bundled' } });
    expect(build.source).toEqual({ label: 'the bundled English word list (2,000 words)', sourcePath: bundledWordListPath(), words: 2000 });
    expect(build.candidates).toBe(2000);
    expect(build.tokens).toHaveLength(2000);
    const ids = build.tokens.map((t) => t.id);
    expect(new Set(ids).size).toBe(2000);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids.some((id) => id < 3)).toBe(false); // <unk> <s> </s>
    // The demo vocabulary lists the words in order after the three specials.
    expect(build.tokens.slice(0, 2)).toEqual([
      { id: 3, word: 'abandons', text: 'abandons' },
      { id: 4, word: 'abeam', text: 'abeam' },
    ]);
  });

  it('N sampled with the seed: the same ids as importing every candidate id from a file', () => {
    const all = buildTokenSet({ model: 'demo', words: { kind: 'bundled' } }).tokens.map((t) => t.id);
    const file = join(dir, 'all.json');
    writeFileSync(file, JSON.stringify(all));
    const tokenizer = loadTokenizer(join(__dirname, '..', '..', 'resources', 'models', 'demo-induction', 'tokenizer.json'));
    const vocab = { vocabSize: tokenizer.vocabSize, specialTokenIds: tokenizer.specialTokenIds };
    for (const seed of [42, 7]) {
      const built = buildTokenSet({ model: 'demo', words: { kind: 'bundled' }, n: 500, seed }).tokens.map((t) => t.id);
      expect(built).toHaveLength(500);
      expect(built).toEqual(importTokenSet(file, vocab, { n: 500, seed }).tokens);
    }
    const a = buildTokenSet({ model: 'demo', words: { kind: 'bundled' }, n: 500, seed: 42 }).tokens;
    const b = buildTokenSet({ model: 'demo', words: { kind: 'bundled' }, n: 500, seed: 43 }).tokens;
    expect(a).not.toEqual(b);
  });

  it('pasted text: unknown words become <unk> (special) and are left out', () => {
    const build = buildTokenSet({ model: 'demo', words: { kind: 'text', text: 'abeam, zzzqx abandons abeam' } });
    expect(build.tokens.map((t) => t.word)).toEqual(['abandons', 'abeam']);
    expect(build.leftOut).toEqual({ multiToken: 0, special: 1, examples: [] });
  });

  it('too few single-token words for N, a missing word file, a binary one: each a clear error', () => {
    const err = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err(() => buildTokenSet({ model: 'demo', words: { kind: 'text', text: 'abeam abandons' }, n: 3 }))).toBe(
      "pasted text: only 2 of its 2 words are a single token of demo-induction's tokenizer, fewer than the 3 asked for; add words (common short words work best) or ask for fewer",
    );
    const missing = join(dir, 'nope.txt');
    expect(err(() => buildTokenSet({ model: 'demo', words: { kind: 'file', path: missing } }))).toBe(`${missing}: file not found`);
    const binary = join(dir, 'words.bin');
    writeFileSync(binary, Buffer.from([0x63, 0x61, 0x74, 0x00, 0x01]));
    expect(err(() => buildTokenSet({ model: 'demo', words: { kind: 'file', path: binary } }))).toBe(`${binary}: is a binary file, not a text file of words`);
    expect(err(() => buildTokenSet({ model: 'demo', words: { kind: 'text', text: ' ... ' } }))).toBe('pasted text: contains no words');
  });

  it('saved in the store, once for the same set', () => {
    const store = openStore(join(dir, 'studio.sqlite'));
    try {
      const build = buildTokenSet({ model: 'demo', words: { kind: 'bundled' }, n: 100 });
      const id = saveTokenSet(store, build);
      expect(saveTokenSet(store, build)).toBe(id);
      const stored = getTokenSet(store, id);
      expect(stored?.name).toBe('english-words · demo-induction · 100 tokens, seed 42');
      expect(stored?.name).toBe(tokenSetName(build));
      expect(Array.from(stored?.tokens ?? [])).toEqual(build.tokens.map((t) => t.id));
      expect(stored?.sourcePath).toBe(bundledWordListPath());
    } finally {
      store.close();
    }
  });
});

describe('token sets from words on a byte-level BPE tokenizer', () => {
  it('keeps each single-token form (bare, spaced) once, leaves out multi-token words', () => {
    const model = bpeModel();
    const tokenizer = loadTokenizer(join(model, 'tokenizer.json'));
    const found = singleTokenWords(tokenizer, ['cat', 'dog', 'the', 'house', 'cat']);
    expect(found.tokens.map((t) => [t.text, tokenizer.decode(t.id)])).toEqual([
      ['cat', 'cat'],
      [' cat', ' cat'],
      ['dog', 'dog'],
      [' the', ' the'],
    ]);
    expect(found.multiToken).toEqual(['house']);
    expect(found.repeats).toBe(2); // the second "cat", both forms
    expect(singleTokenWords(tokenizer, ['cat', 'the'], 'bare').tokens.map((t) => t.text)).toEqual(['cat']);
    expect(singleTokenWords(tokenizer, ['cat', 'the'], 'spaced').tokens.map((t) => t.text)).toEqual([' cat', ' the']);
    const special = new Set(tokenizer.specialTokenIds);
    expect(special.size).toBe(1);
    expect(found.tokens.some((t) => special.has(t.id))).toBe(false);
  });

  it('builds, with the words left out listed', () => {
    const build = buildTokenSet({ model: bpeModel(), words: { kind: 'text', text: 'cat dog the house' } });
    expect(build.tokens.map((t) => t.text).sort()).toEqual([' cat', ' the', 'cat', 'dog']);
    expect(build.leftOut).toEqual({ multiToken: 1, special: 0, examples: ['house'] });
  });
});
