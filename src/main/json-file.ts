// Reads a small JSON file (a checkpoint's config.json, shard index and tokenizer files; the CLI's
// prompts, heads and sequences), turning every failure into an InputError that names the file and,
// where V8 reports a position, the line and column of the syntax error.

import { InputError } from '../shared/errors';
import { readInputText } from './input-files';

/** Parses `text`; on a syntax error throws InputError(file, "<what> is not valid JSON: ..."). */
export function parseJsonText(file: string, text: string, what = 'file'): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(file, `${what} is not valid JSON: ${describeJsonError(err, text)}`);
  }
}

export function readJsonFile(file: string): unknown {
  return parseJsonText(file, readInputText(file, { missing: 'does not exist' }));
}

/** Reads a JSON file that must hold an object (not an array, string or null). */
export function readJsonObject(file: string): Record<string, unknown> {
  const value = readJsonFile(file);
  if (!isPlainObject(value)) throw new InputError(file, `must hold a JSON object, found ${jsonKind(value)}`);
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function describeJsonError(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const match = /at position (\d+)/.exec(message);
  if (!match) return message;
  const pos = Number(match[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}
