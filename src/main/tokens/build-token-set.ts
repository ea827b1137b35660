// The token-set-from-words workflow, the one place the CLI (`tokens build`) and the app call: take
// words (bundled list, pasted text or a file), keep those that are a single token of the model's own
// tokenizer.json, sample N of the unique ids with the seed exactly as token-file imports do
// (studies/import/token-set.ts), and return the set with each id's word for the preview. Saving to
// the store and writing files are separate steps (saveTokenSet, token-set-files.ts).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../shared/errors';
import { loadTokenizer } from '../engine/checkpoint/tokenizer';
import { resolveModel } from '../models/resolve-model';
import { findTokenSet, insertTokenSet, type NewTokenSet } from '../store/token-sets-repo';
import type { Store } from '../store/db';
import { selectTokenSet } from '../studies/import/token-set';
import { readWords, type WordSource } from './word-sources';
import { singleTokenWords, type SpaceForms, type WordToken } from './words-to-tokens';

export interface BuildTokenSetRequest {
  /** A checkpoint folder, `demo`, or a repo id / known name in the Hugging Face cache (as `run --model_name`). */
  model: string;
  words: WordSource;
  /** How many ids to keep (sampled with the seed); all when omitted. */
  n?: number;
  /** Sampling seed; 42 (the seed script's default) when omitted. */
  seed?: number;
  forms?: SpaceForms;
  env?: NodeJS.ProcessEnv;
}

export interface TokenSetBuild {
  model: { name: string; dir: string; vocabSize: number };
  source: { label: string; sourcePath: string | null; words: number };
  seed: number;
  forms: SpaceForms;
  /** The set, ascending by id, each with the word (and exact text) it came from. */
  tokens: WordToken[];
  /** Unique single-token ids before sampling. */
  candidates: number;
  /** Words left out: no single-token form, or only special tokens; a few examples of the first. */
  leftOut: { multiToken: number; special: number; examples: string[] };
}

export function buildTokenSet(req: BuildTokenSetRequest): TokenSetBuild {
  const seed = req.seed ?? 42;
  const forms = req.forms ?? 'both';
  if (req.n !== undefined && (!Number.isInteger(req.n) || req.n < 1)) throw new InputError('token count', `must be a positive integer, got ${req.n}`);
  const model = resolveModel(req.model, { env: req.env });
  const tokenizerPath = join(model.dir, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) {
    throw new InputError(model.dir, "has no tokenizer.json: token sets from words are built with the model's own tokenizer (download the model again, or copy its tokenizer.json here)");
  }
  const tokenizer = loadTokenizer(tokenizerPath);
  const words = readWords(req.words);
  const found = singleTokenWords(tokenizer, words.words, forms);
  const leftOut = { multiToken: found.multiToken.length, special: found.special.length, examples: found.multiToken.slice(0, 8) };
  const count = found.tokens.length;
  if (count === 0 || (req.n !== undefined && count < req.n)) {
    throw new InputError(
      words.sourcePath ?? 'pasted text',
      `only ${count} of its ${words.words.length} words are a single token of ${model.name}'s tokenizer` +
        `${req.n !== undefined ? `, fewer than the ${req.n} asked for` : ''}; ` +
        (req.words.kind === 'bundled' && req.words.list !== 'english-short'
          ? 'use the bundled list of short English words (15,238 words), or ask for fewer'
          : 'add words (common short words work best) or ask for fewer'),
    );
  }
  const vocab = { vocabSize: tokenizer.vocabSize, specialTokenIds: tokenizer.specialTokenIds };
  const chosen = selectTokenSet(words.label, found.tokens.map((t) => t.id), vocab, { n: req.n, seed }).tokens;
  const byId = new Map(found.tokens.map((t) => [t.id, t]));
  return {
    model: { name: model.name, dir: model.dir, vocabSize: tokenizer.vocabSize },
    source: { label: words.label, sourcePath: words.sourcePath, words: words.words.length },
    seed,
    forms,
    tokens: chosen.map((id) => byId.get(id) ?? { id, word: '', text: '' }),
    candidates: count,
    leftOut,
  };
}

/** "english-words · demo-induction · 500 tokens, seed 42". */
export function tokenSetName(build: TokenSetBuild): string {
  const source = build.source.sourcePath ? (build.source.sourcePath.split(/[/\\]/).pop() ?? '').replace(/\.[^.]*$/, '') : 'pasted text';
  return `${source} · ${build.model.name} · ${build.tokens.length} tokens, seed ${build.seed}`;
}

/** Stores the set (or finds the identical one already stored); returns its id. */
export function saveTokenSet(store: Store, build: TokenSetBuild, name = tokenSetName(build)): number {
  const set: NewTokenSet = {
    name,
    sourcePath: build.source.sourcePath,
    tokens: build.tokens.map((t) => t.id),
    droppedSpecial: build.leftOut.special,
  };
  return findTokenSet(store, set) ?? insertTokenSet(store, set);
}
