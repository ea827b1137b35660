// Which token ids a model can be prompted with, and which special tokens (BOS, EOS, pad...) must be
// left out of prompts. tokenizer.json lists them all; without it, the ids named in config.json,
// generation_config.json and tokenizer_config.json are the ones that can be known, and the caller
// is told exactly that instead of "special tokens excluded".

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainObject, readJsonObject } from '../../json-file';
import { loadTokenizer } from './tokenizer';

export interface ModelVocabulary {
  /** Ids prompts may use: the smaller of the model's and the tokenizer's vocabulary. */
  vocabSize: number;
  /** Special-token ids to leave out, ascending. */
  specialTokenIds: number[];
  /** Where the special ids came from, for messages and notes. */
  specialSource: 'tokenizer.json' | 'config files' | 'none';
}

/** Config keys that name special-token ids (an int, or a list of ints for several EOS tokens). */
const SPECIAL_ID_KEYS = ['bos_token_id', 'eos_token_id', 'pad_token_id', 'unk_token_id', 'sep_token_id', 'cls_token_id', 'mask_token_id', 'decoder_start_token_id'];
const CONFIG_FILES = ['config.json', 'generation_config.json'];

export function readModelVocabulary(modelDir: string, modelVocabSize: number): ModelVocabulary {
  const tokenizerPath = join(modelDir, 'tokenizer.json');
  if (existsSync(tokenizerPath)) {
    const tok = loadTokenizer(tokenizerPath);
    // Embedding matrices are often padded past the tokenizer: those rows are no tokens at all.
    return { vocabSize: Math.min(tok.vocabSize, modelVocabSize), specialTokenIds: tok.specialTokenIds, specialSource: 'tokenizer.json' };
  }
  const ids = new Set<number>();
  for (const name of CONFIG_FILES) {
    const path = join(modelDir, name);
    if (!existsSync(path)) continue;
    const config = readJsonObject(path);
    for (const key of SPECIAL_ID_KEYS) for (const id of [config[key]].flat()) addId(ids, id, modelVocabSize);
  }
  const tokenizerConfig = join(modelDir, 'tokenizer_config.json');
  if (existsSync(tokenizerConfig)) {
    const decoder = readJsonObject(tokenizerConfig).added_tokens_decoder;
    if (isPlainObject(decoder)) {
      for (const [id, token] of Object.entries(decoder)) if (isPlainObject(token) && token.special === true) addId(ids, Number(id), modelVocabSize);
    }
  }
  const specialTokenIds = [...ids].sort((a, b) => a - b);
  return { vocabSize: modelVocabSize, specialTokenIds, specialSource: specialTokenIds.length ? 'config files' : 'none' };
}

function addId(ids: Set<number>, value: unknown, vocabSize: number): void {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < vocabSize) ids.add(value);
}

/** One line for the user: which special tokens are left out of the prompts, and how that is known. */
export function describeSpecialTokens(vocab: ModelVocabulary): string {
  const ids = vocab.specialTokenIds;
  const list = ids.length > 8 ? `${ids.slice(0, 8).join(', ')}, ... (${ids.length})` : ids.join(', ');
  if (vocab.specialSource === 'tokenizer.json') return `special tokens excluded (${ids.length}, listed in tokenizer.json)`;
  if (vocab.specialSource === 'config files') {
    return `no tokenizer.json: excluded only the special token ids the config files name (${list}); any others stay in the prompts`;
  }
  return 'no tokenizer.json and no special token ids in config.json: NO special tokens could be excluded from the prompts';
}

/** Every id prompts may use: 0..vocabSize-1 without the special tokens. */
export function promptableIds(vocab: Pick<ModelVocabulary, 'vocabSize' | 'specialTokenIds'>): number[] {
  const special = new Set(vocab.specialTokenIds);
  const ids: number[] = [];
  for (let id = 0; id < vocab.vocabSize; id++) if (!special.has(id)) ids.push(id);
  return ids;
}
