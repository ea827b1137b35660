// Where the words of a token set come from: a bundled English word list (resources/word-lists: the
// 2,000 words of the demo model's vocabulary, or 15,238 short words that real models' tokenizers
// keep whole), text pasted into the app, or a word file. All go through one rule: words are
// separated by white space, punctuation around a word is dropped ("(cat)," -> "cat"), case is kept
// (tokenizers are case-sensitive), repeats are dropped.

import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../shared/errors';

export const BUNDLED_LISTS = {
  english: { file: 'english-words.txt', label: 'the bundled English word list (2,000 words)' },
  'english-short': { file: 'english-short-words.txt', label: 'the bundled list of short English words (15,238 words)' },
} as const;
export type BundledList = keyof typeof BUNDLED_LISTS;

export type WordSource = { kind: 'bundled'; list?: BundledList } | { kind: 'text'; text: string } | { kind: 'file'; path: string };

export interface Words {
  words: string[];
  /** For names and messages: "the bundled English word list", "the pasted text", the file path. */
  label: string;
  /** Stored with the token set: the file the words came from, if any. */
  sourcePath: string | null;
}

/** Word files larger than this are almost certainly not word lists (a corpus, a binary). */
const MAX_WORD_FILE_BYTES = 64 * 1024 * 1024;

export function bundledWordListPath(list: BundledList = 'english'): string {
  return fileURLToPath(new URL(`../../../resources/word-lists/${BUNDLED_LISTS[list].file}`, import.meta.url));
}

/** The distinct words of a text, in order of first appearance. */
export function wordsFromText(text: string): string[] {
  const seen = new Set<string>();
  for (const raw of text.split(/\s+/u)) {
    const word = raw.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, '');
    if (word && /[\p{L}\p{N}]/u.test(word)) seen.add(word);
  }
  return [...seen];
}

export function readWords(source: WordSource): Words {
  if (source.kind === 'text') {
    const words = wordsFromText(source.text);
    if (words.length === 0) throw new InputError('pasted text', 'contains no words');
    return { words, label: 'the pasted text', sourcePath: null };
  }
  const path = source.kind === 'bundled' ? bundledWordListPath(source.list) : source.path;
  const words = wordsFromText(readTextFile(path));
  if (words.length === 0) throw new InputError(path, 'contains no words (expected words separated by spaces or new lines)');
  return { words, label: source.kind === 'bundled' ? BUNDLED_LISTS[source.list ?? 'english'].label : path, sourcePath: path };
}

function readTextFile(path: string): string {
  let bytes: Buffer;
  try {
    if (statSync(path).size > MAX_WORD_FILE_BYTES) throw new InputError(path, `is larger than ${MAX_WORD_FILE_BYTES / 2 ** 20} MB: not a word list`);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a word file' : `cannot be read (${code ?? String(err)})`);
  }
  if (bytes.includes(0)) throw new InputError(path, 'is a binary file, not a text file of words');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(path, 'is not UTF-8 text; save the word list as UTF-8');
  }
}
