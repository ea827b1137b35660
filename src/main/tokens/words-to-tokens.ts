// Which words are a single token of a model's tokenizer: each word is encoded as it is ("cat") and
// with the leading space most words carry inside a sentence (" cat"; GPT-2/Llama-3 byte-level BPE
// write it 'Ġcat', SentencePiece '▁cat'). Every form that encodes to exactly one id is a candidate;
// an id keeps the first word and form that produced it, so ids are unique. Special tokens (BOS, EOS,
// pad, chat markers) never enter a token set.

import type { LoadedTokenizer } from '../engine/checkpoint/tokenizer';

export type SpaceForms = 'both' | 'bare' | 'spaced';

export interface WordToken {
  id: number;
  word: string;
  /** Exactly what was encoded: the word, or the word after one space. */
  text: string;
}

export interface WordTokenization {
  /** Unique ids, in order of first appearance in the word list. */
  tokens: WordToken[];
  /** Words with no single-token form (left out), in list order. */
  multiToken: string[];
  /** Words whose only single tokens are special tokens (left out). */
  special: string[];
  /** Single-token forms whose id an earlier word or form already had. */
  repeats: number;
}

export function singleTokenWords(tokenizer: LoadedTokenizer, words: readonly string[], forms: SpaceForms = 'both'): WordTokenization {
  const special = new Set(tokenizer.specialTokenIds);
  const byId = new Map<number, WordToken>();
  const result: WordTokenization = { tokens: [], multiToken: [], special: [], repeats: 0 };
  for (const word of words) {
    const texts = forms === 'both' ? [word, ` ${word}`] : forms === 'bare' ? [word] : [` ${word}`];
    let single = 0;
    let onlySpecial = true;
    for (const text of texts) {
      const ids = tokenizer.encode(text);
      const id = ids[0];
      if (ids.length !== 1 || id === undefined) continue;
      single++;
      if (special.has(id)) continue;
      onlySpecial = false;
      if (byId.has(id)) {
        result.repeats++;
        continue;
      }
      const token = { id, word, text };
      byId.set(id, token);
      result.tokens.push(token);
    }
    if (single === 0) result.multiToken.push(word);
    else if (onlySpecial) result.special.push(word);
  }
  return result;
}
