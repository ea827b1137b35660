// Loads a Hugging Face tokenizer.json (plus tokenizer_config.json beside it, if any) for what the app
// needs of a tokenizer: vocabulary size, special-token ids, and id <-> token for display and for
// token-set import. Built on @huggingface/tokenizers, with a plain-JSON fallback (see below).

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { InputError } from '../../../shared/errors';
import { isPlainObject, jsonKind, readJsonObject } from '../../json-file';

export interface LoadedTokenizer {
  /** 1 + the largest token id (model vocabulary and added tokens). */
  vocabSize: number;
  /** Ids of added tokens marked `special: true`, ascending. */
  specialTokenIds: number[];
  /** The text of one token as the tokenizer's decoder renders it (e.g. GPT-2's 'Ġthe' -> ' the'). */
  decode(id: number): string;
  tokenToId(tok: string): number | undefined;
  /** Token ids of `text`, without BOS/EOS or other template tokens. */
  encode(text: string): number[];
}

interface AddedTokenJson {
  id: number;
  content: string;
  special?: boolean;
}

export function loadTokenizer(path: string): LoadedTokenizer {
  const json = readJsonObject(path);
  if (!isPlainObject(json.model)) throw new InputError(path, `must have a 'model' object, found ${jsonKind(json.model)}`);
  const added = readAddedTokens(path, json.added_tokens);
  const configPath = join(dirname(path), 'tokenizer_config.json');
  const config = existsSync(configPath) ? readJsonObject(configPath) : {};

  // The library reads these five keys unconditionally; HF always writes them, hand-made files may not.
  const full = { normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, ...json, added_tokens: added };
  // WordLevel models fall to the library's "Legacy" model, which takes unk_token from the config.
  const model = json.model as Record<string, unknown>;
  const libConfig = { unk_token: model.unk_token, ...config };
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(full, libConfig);
  } catch (err) {
    // The library lacks some components (e.g. newer pre-tokenizers); ids and tokens do not depend on
    // them, so read the vocabulary from the JSON directly. decode() then returns the raw token text,
    // and encode() cannot run the tokenizer's pipeline.
    return fromJson(path, model, added, err instanceof Error ? err.message : String(err));
  }
  const vocab = tok.get_vocab(true);
  let maxId = -1;
  for (const id of vocab.values()) if (id > maxId) maxId = id;
  const vocabSize = maxId + 1;
  const specialTokenIds = added.filter((t) => t.special).map((t) => t.id).sort((a, b) => a - b);
  return {
    vocabSize,
    specialTokenIds,
    decode(id) {
      checkId(id, vocabSize);
      if (tok.id_to_token(id) === undefined) return '';
      return tok.decode([id], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
    },
    tokenToId: (t) => tok.token_to_id(t),
    encode: (text) => tok.encode(text, { add_special_tokens: false }).ids,
  };
}

function fromJson(path: string, model: Record<string, unknown>, added: AddedTokenJson[], why: string): LoadedTokenizer {
  const toId = new Map<string, number>();
  const vocab = model.vocab;
  if (Array.isArray(vocab)) {
    // Unigram: [[piece, score], ...], the id is the index.
    vocab.forEach((entry, id) => Array.isArray(entry) && typeof entry[0] === 'string' && toId.set(entry[0], id));
  } else if (isPlainObject(vocab)) {
    for (const [t, id] of Object.entries(vocab)) if (typeof id === 'number') toId.set(t, id);
  } else {
    throw new InputError(path, `model.vocab must be an object or an array, found ${jsonKind(vocab)}`);
  }
  for (const t of added) toId.set(t.content, t.id);
  const toToken: string[] = [];
  for (const [t, id] of toId) toToken[id] = t;
  const vocabSize = toToken.length;
  return {
    vocabSize,
    specialTokenIds: added.filter((t) => t.special).map((t) => t.id).sort((a, b) => a - b),
    decode(id) {
      checkId(id, vocabSize);
      return toToken[id] ?? '';
    },
    tokenToId: (t) => toId.get(t),
    encode() {
      throw new InputError(path, `cannot encode text with this tokenizer (${why}); token ids and tokens still work`);
    },
  };
}

function readAddedTokens(path: string, raw: unknown): AddedTokenJson[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new InputError(path, `'added_tokens' must be an array, found ${jsonKind(raw)}`);
  return raw.map((t, i) => {
    if (!isPlainObject(t) || !Number.isInteger(t.id) || (t.id as number) < 0 || typeof t.content !== 'string') {
      throw new InputError(path, `added_tokens[${i}] must have an integer 'id' and a string 'content'`);
    }
    return t as unknown as AddedTokenJson;
  });
}

function checkId(id: number, vocabSize: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
    throw new RangeError(`token id ${id} is outside the vocabulary (0..${vocabSize - 1})`);
  }
}

