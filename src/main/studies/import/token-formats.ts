// Readers for token-id files: the seed's pickle (nested lists of ints, protocols 0-5, parsed by the
// `pickleparser` package), JSON (array or nested arrays), one-column CSV and whitespace-separated
// TXT. Each returns the ids flattened in file order, each already checked to be an id of the model.

import { Parser } from 'pickleparser';
import { InputError, quoteValue } from '../../../shared/errors';

export type TokenFileFormat = 'pickle' | 'json' | 'csv' | 'txt';

/** Checks one raw id; `index` is its position in the flattened file, `where` a human location. */
function checkId(file: string, value: unknown, index: number, where: string, vocabSize: number): number {
  const at = `at index ${index} (${where})`;
  if (typeof value === 'bigint') {
    // pickleparser returns LONG4 ints as bigint; any that size is out of range.
    throw new InputError(file, `token id ${value} ${at} is out of range: the model's vocabulary has ${vocabSize} ids (0-${vocabSize - 1})`);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(file, `expected token ids (integers), found ${describe(value)} ${at}`);
  }
  if (!Number.isInteger(value)) throw new InputError(file, `token id ${value} ${at} is not an integer`);
  if (value < 0) throw new InputError(file, `token id ${value} ${at} is negative`);
  if (value >= vocabSize) {
    throw new InputError(file, `token id ${value} ${at} is out of range: the model's vocabulary has ${vocabSize} ids (0-${vocabSize - 1})`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `a string (${quoteValue(value)})`;
  if (typeof value === 'boolean') return `a bool (${value})`;
  if (typeof value === 'number') return `a number (${value})`;
  if (value === null || value === undefined) return 'None/null';
  if (value instanceof Uint8Array || value instanceof Int8Array || value instanceof Uint8ClampedArray) return 'bytes';
  if (value instanceof Map) return 'a dict';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a dict or object' : typeof value;
}

/** Flattens nested lists depth-first; every leaf must be an id. Rejects self-containing lists. */
function flattenNested(file: string, root: unknown, vocabSize: number): number[] {
  if (!Array.isArray(root)) throw new InputError(file, `expected a list of token ids, found ${describe(root)}`);
  const ids: number[] = [];
  const onPath = new Set<unknown[]>();
  const walk = (list: unknown[], path: string): void => {
    if (onPath.has(list)) throw new InputError(file, `the list at ${path || 'top level'} contains itself`);
    if (onPath.size >= 64) throw new InputError(file, `lists are nested more than 64 deep at ${path}`);
    onPath.add(list);
    list.forEach((item, i) => {
      const itemPath = `${path}[${i}]`;
      if (Array.isArray(item)) walk(item, itemPath);
      else ids.push(checkId(file, item, ids.length, itemPath, vocabSize));
    });
    onPath.delete(list);
  };
  walk(root, '');
  return ids;
}

class PickleGlobalError extends Error {}

/** What went wrong inside pickleparser, in words a user can act on. */
function pickleProblem(err: unknown, bytes: Uint8Array): string {
  if (err instanceof PickleGlobalError) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  // The parser's own TypeErrors ("Cannot read properties of undefined") mean the bytes are no pickle at all.
  if (err instanceof TypeError || err instanceof RangeError) return `not a pickle file (${describeStart(bytes)}); expected the seed's pickle of token ids`;
  if (/end of file|more bytes|end of line/i.test(message)) return 'truncated pickle: the file ends before the pickle is complete';
  const opcode = /Unsupported opcode '(\d+)'/.exec(message);
  if (opcode) {
    return `not a valid pickle: unknown opcode 0x${Number(opcode[1]).toString(16).padStart(2, '0')} (expected a pickle of nested lists of token ids)`;
  }
  return `malformed pickle: ${message}`;
}

/** What a file starts with, for telling a user which file they passed: printable text, else hex. */
function describeStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 24);
  const text = Buffer.from(head).toString('latin1');
  if (/^[\x20-\x7e\t\r\n]*$/.test(text)) return `it starts with ${quoteValue(text)}`;
  return `it starts with bytes ${Buffer.from(head.subarray(0, 8)).toString('hex')}`;
}

export function parsePickleTokens(file: string, bytes: Uint8Array, vocabSize: number): number[] {
  const parser = new Parser({
    // Plain lists of ints need no Python classes; a class reference means e.g. a numpy array or a tensor.
    nameResolver: {
      resolve(module: string, name: string): never {
        throw new PickleGlobalError(
          `the pickle holds a Python object (${module}.${name}), expected plain nested lists of token ids; ` +
            'save them with pickle.dump(ids.tolist(), f)',
        );
      },
    },
  });
  let root: unknown;
  try {
    root = parser.parse(bytes);
  } catch (err) {
    throw new InputError(file, pickleProblem(err, bytes));
  }
  if (root === undefined) throw new InputError(file, 'malformed pickle: it holds no object');
  return flattenNested(file, root, vocabSize);
}

export function parseJsonTokens(file: string, text: string, vocabSize: number): number[] {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, `invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return flattenNested(file, root, vocabSize);
}

/** A number written as text ('12', '+3', '1.5', '1e3'); anything else is not an id. */
function numberFromText(file: string, text: string, index: number, where: string): number {
  const value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(value)) throw new InputError(file, `${quoteValue(text)} at index ${index} (${where}) is not a token id`);
  return value;
}

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
}

/** One column of ids, optionally under a `token_id` or `id` header. */
export function parseCsvTokens(file: string, text: string, vocabSize: number): number[] {
  const ids: number[] = [];
  let sawFirst = false;
  lines(text).forEach((raw, lineIndex) => {
    const cell = raw.trim().replace(/^"(.*)"$/, '$1').trim();
    if (cell === '') return;
    const where = `line ${lineIndex + 1}`;
    if (raw.includes(',')) {
      throw new InputError(file, `${where} has ${raw.split(',').length} columns; expected one column of token ids`);
    }
    if (!sawFirst) {
      sawFirst = true;
      if (!/^[+-]?[\d.]/.test(cell)) {
        if (/^(token_id|id)$/i.test(cell)) return;
        throw new InputError(file, `unexpected header ${quoteValue(cell)} on ${where}; expected "token_id" or "id"`);
      }
    }
    ids.push(checkId(file, numberFromText(file, cell, ids.length, where), ids.length, where, vocabSize));
  });
  return ids;
}

/** Integers separated by any whitespace, across lines. */
export function parseTxtTokens(file: string, text: string, vocabSize: number): number[] {
  const ids: number[] = [];
  lines(text).forEach((raw, lineIndex) => {
    const where = `line ${lineIndex + 1}`;
    for (const word of raw.split(/\s+/)) {
      if (word === '') continue;
      ids.push(checkId(file, numberFromText(file, word, ids.length, where), ids.length, where, vocabSize));
    }
  });
  return ids;
}

const EXTENSIONS: Record<string, TokenFileFormat> = {
  '.pkl': 'pickle',
  '.pickle': 'pickle',
  '.json': 'json',
  '.csv': 'csv',
  '.txt': 'txt',
};

/** Format from the file name's extension (case-insensitive); InputError for anything else. */
export function tokenFileFormat(file: string): TokenFileFormat {
  const match = /(\.[^./\\]+)$/.exec(file);
  const ext = match?.[1]?.toLowerCase() ?? '';
  const format = EXTENSIONS[ext];
  if (!format) {
    throw new InputError(file, `unknown token file type ${ext ? `'${ext}'` : '(no extension)'}: expected .pkl, .pickle, .json, .csv or .txt`);
  }
  return format;
}

/** Flattened, checked ids of a token file's bytes in the given format. */
export function parseTokenFile(file: string, bytes: Uint8Array, format: TokenFileFormat, vocabSize: number): number[] {
  if (format === 'pickle') return parsePickleTokens(file, bytes, vocabSize);
  const text = new TextDecoder('utf-8').decode(bytes);
  if (format === 'json') return parseJsonTokens(file, text, vocabSize);
  if (format === 'csv') return parseCsvTokens(file, text, vocabSize);
  return parseTxtTokens(file, text, vocabSize);
}
