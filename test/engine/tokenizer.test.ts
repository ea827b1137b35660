// loadTokenizer on real tokenizer.json files: the word-level one the test checkpoints carry, a
// GPT-2-style byte-level BPE, the plain-JSON fallback, and bad files.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTokenizer, openCheckpoint } from '../../src/main/engine/checkpoint';
import { InputError } from '../../src/shared/errors';
import { tinyVocabWords, wordLevelTokenizer } from '../../tools/fixtures/hf-checkpoint';
import { tinyQwen2, writeTinyModel } from '../../tools/fixtures/tiny-models';

const root = mkdtempSync(join(tmpdir(), 'tokenizer-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function writeTokenizer(json: unknown, config?: string): string {
  const dir = join(root, `t${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'tokenizer.json'), typeof json === 'string' ? json : JSON.stringify(json));
  if (config !== undefined) writeFileSync(join(dir, 'tokenizer_config.json'), config);
  return join(dir, 'tokenizer.json');
}

function expectInputError(fn: () => unknown, file: string, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(InputError);
  expect((caught as InputError).file).toBe(file);
  expect((caught as InputError).problem).toMatch(pattern);
}

/** GPT-2-like byte-level BPE: 'Ġ' marks a leading space. */
const byteLevelBpe = {
  version: '1.0',
  added_tokens: [{ id: 8, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: {
    type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false,
    byte_fallback: false, vocab: { t: 0, h: 1, e: 2, 'Ġ': 3, th: 4, the: 5, 'Ġthe': 6, 'Ġt': 7 }, merges: ['t h', 'th e', 'Ġ the', 'Ġ t'],
  },
};

describe('loadTokenizer', () => {
  it('round-trips every token of a word-level tokenizer', () => {
    const words = tinyVocabWords(93);
    const path = writeTokenizer(wordLevelTokenizer(words));
    const tok = loadTokenizer(path);
    expect(tok.vocabSize).toBe(96);
    expect(tok.specialTokenIds).toEqual([0, 1, 2]);
    const all = ['<unk>', '<s>', '</s>', ...words];
    let bad = 0;
    all.forEach((t, id) => {
      if (tok.decode(id) !== t || tok.tokenToId(t) !== id) bad++;
    });
    expect(bad).toBe(0);
    expect(tok.tokenToId('not-a-word')).toBeUndefined();
    expect(tok.encode(`${words[5]} ${words[0]}  ${words[92]}`)).toEqual([8, 3, 95]);
    expect(tok.encode('zzzz')).toEqual([0]);
    expect(() => tok.decode(96)).toThrow(RangeError);
    expect(() => tok.decode(-1)).toThrow(RangeError);
  });

  it('loads the tokenizer a test checkpoint carries, covering its vocab_size', () => {
    const dir = join(root, `m${n++}`);
    const model = tinyQwen2();
    writeTinyModel(dir, model);
    const cp = openCheckpoint(dir);
    expect(cp.tokenizerPath).toBe(join(dir, 'tokenizer.json'));
    expect(loadTokenizer(cp.tokenizerPath ?? cp.dir).vocabSize).toBe(model.config.vocab_size);
    cp.close();
  });

  it('decodes byte-level BPE tokens to their text (GPT-2 style) and honours tokenizer_config.json', () => {
    const path = writeTokenizer(byteLevelBpe, JSON.stringify({ clean_up_tokenization_spaces: true, eos_token: '<|endoftext|>' }));
    const tok = loadTokenizer(path);
    expect(tok.vocabSize).toBe(9);
    expect(tok.specialTokenIds).toEqual([8]);
    expect(tok.decode(6)).toBe(' the');
    expect(tok.decode(8)).toBe('<|endoftext|>');
    expect(tok.tokenToId('Ġthe')).toBe(6);
    expect(tok.encode('the the')).toEqual([5, 6]);
  });

  it('falls back to the JSON vocabulary when the library cannot build the pipeline', () => {
    const json = { ...byteLevelBpe, pre_tokenizer: { type: 'SomethingFromTheFuture' } };
    const path = writeTokenizer(json);
    const tok = loadTokenizer(path);
    expect(tok.vocabSize).toBe(9);
    expect(tok.specialTokenIds).toEqual([8]);
    expect(tok.decode(6)).toBe('Ġthe'); // raw token text: no decoder in the fallback
    expect(tok.tokenToId('<|endoftext|>')).toBe(8);
    expectInputError(() => tok.encode('the'), path, /cannot encode text with this tokenizer \(Unknown PreTokenizer type: SomethingFromTheFuture\)/);
  });

  it('rejects bad files with the file named', () => {
    const bad = writeTokenizer('{"model": {"type": "WordLevel",\n "vocab": {"a": 0,}}}');
    expectInputError(() => loadTokenizer(bad), bad, /not valid JSON.*line 2/);
    const noModel = writeTokenizer({ added_tokens: [] });
    expectInputError(() => loadTokenizer(noModel), noModel, /must have a 'model' object/);
    const badAdded = writeTokenizer({ ...wordLevelTokenizer(['a']), added_tokens: [{ content: 'x' }] });
    expectInputError(() => loadTokenizer(badAdded), badAdded, /added_tokens\[0\] must have an integer 'id'/);
    const badConfig = writeTokenizer(wordLevelTokenizer(['a']), '{"unk_token": ');
    expectInputError(() => loadTokenizer(badConfig), badConfig.replace('tokenizer.json', 'tokenizer_config.json'), /not valid JSON/);
    const missing = join(root, 'nowhere', 'tokenizer.json');
    expectInputError(() => loadTokenizer(missing), missing, /does not exist/);
  });
});
