// A small byte-level BPE tokenizer.json in GPT-2's exact format (ByteLevel pre-tokenizer and decoder,
// the 256 byte symbols first, then merges), for token-set tests: "cat" is one token bare and with a
// leading space ("Ġcat"), "dog" only bare, "the" only spaced ("Ġthe"), "house" never; one special
// token, <|endoftext|>.

/** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards. */
function byteSymbols(): string[] {
  const printable = [...range(0x21, 0x7e), ...range(0xa1, 0xac), ...range(0xae, 0xff)];
  const symbols: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) symbols[b] = String.fromCharCode(printable.includes(b) ? b : 256 + extra++);
  // Vocabulary order as GPT-2: printable bytes first, then the remapped ones.
  return [...printable.map((b) => symbols[b] ?? ''), ...range(0, 255).filter((b) => !printable.includes(b)).map((b) => symbols[b] ?? '')];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export const BPE_MERGES = ['c a', 'ca t', 'Ġ cat', 'd o', 'do g', 'Ġ t', 'Ġt h', 'Ġth e'];

export function byteLevelBpeTokenizer(): object {
  const vocab: Record<string, number> = {};
  for (const symbol of byteSymbols()) vocab[symbol] = Object.keys(vocab).length;
  for (const merge of BPE_MERGES) vocab[merge.replace(' ', '')] = Object.keys(vocab).length;
  const endOfText = Object.keys(vocab).length;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: endOfText, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: BPE_MERGES,
    },
  };
}
