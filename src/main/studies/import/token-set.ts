// Imports a token set (the ids prompts are made of): read a token-id file (token-formats.ts), keep each
// id once, drop the tokenizer's special tokens, and take a seeded sample of N. The result depends
// only on the SET of ids in the file (plus N and the seed): ids are sorted before sampling, and the
// sample is returned sorted ascending (trials shuffle it anyway).

import { InputError } from '../../../shared/errors';
import { createRng, RNG_DOMAIN, sampleWithoutReplacement } from '../../../shared/study/prng';
import { readInputFile } from '../../input-files';
import { parseTokenFile, tokenFileFormat } from './token-formats';

export interface VocabInfo {
  vocabSize: number;
  specialTokenIds: number[];
}

export interface TokenSetOptions {
  /** Tokens to keep (the spec's tokenCount); all when omitted. */
  n?: number;
  /** Sampling seed (the study seed); 42, the seed's default, when omitted. */
  seed?: number;
  /** Drop the tokenizer's special tokens (BOS, EOS, pad...): default true. */
  dropSpecial?: boolean;
}

export interface ImportedTokenSet {
  /** Unique ids, ascending. */
  tokens: number[];
  /** Ids left out before sampling: special tokens (unique ids) and repeats of an earlier id. */
  dropped: { special: number; duplicates: number };
  /** Ids in the file, repeats included. */
  sourceCount: number;
}

/**
 * From ids (file order, already range-checked) to a token set: unique, special tokens dropped,
 * then `n` sampled without replacement by the seeded generator (createRng(seed, tokenSample)).
 * `file` names the source in errors.
 */
export function selectTokenSet(file: string, ids: readonly number[], vocab: VocabInfo, opts: TokenSetOptions = {}): ImportedTokenSet {
  const { n, seed = 42, dropSpecial = true } = opts;
  if (ids.length === 0) throw new InputError(file, 'contains no token ids');
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  const duplicates = ids.length - unique.length;
  const special = new Set(dropSpecial ? vocab.specialTokenIds : []);
  const kept = unique.filter((id) => !special.has(id));
  const dropped = { special: unique.length - kept.length, duplicates };
  if (n === undefined) return { tokens: kept, dropped, sourceCount: ids.length };
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`token count must be a positive integer, got ${n}`);
  if (kept.length < n) {
    throw new InputError(
      file,
      `has only ${kept.length} unique token ids (after dropping ${dropped.special} special tokens and ${duplicates} repeats), fewer than the ${n} needed`,
    );
  }
  const sample = sampleWithoutReplacement(createRng(seed, RNG_DOMAIN.tokenSample), kept, n).sort((a, b) => a - b);
  return { tokens: sample, dropped, sourceCount: ids.length };
}

/**
 * Reads a token file (.pkl/.pickle: the seed's format, .json, .csv, .txt) and selects the token set.
 * Every problem is an InputError naming the file.
 */
export function importTokenSet(path: string, vocab: VocabInfo, opts: TokenSetOptions = {}): ImportedTokenSet {
  const format = tokenFileFormat(path);
  const bytes = readInputFile(path);
  return selectTokenSet(path, parseTokenFile(path, bytes, format, vocab.vocabSize), vocab, opts);
}
