// Reading a file the user named (a token file, a score CSV, a JSON input, a checkpoint's config):
// only regular files are read, so /dev/zero, a named pipe or a terminal is refused at once instead
// of being read forever; every failure is an InputError naming the file.

import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../shared/errors';
import { describeFsError } from './output-paths';

export interface ReadInputOptions {
  /** What to say when the file is missing (default "file not found"). */
  missing?: string;
}

export function readInputFile(path: string, opts: ReadInputOptions = {}): Buffer {
  let isFile: boolean;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) throw new InputError(path, 'is a folder, not a file');
    isFile = stats.isFile();
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' || code === 'ENOTDIR' ? (opts.missing ?? 'file not found') : `cannot be read (${describeFsError(err)})`);
  }
  if (!isFile) throw new InputError(path, 'is not a regular file (a device, pipe or socket); give a file');
  try {
    return readFileSync(path);
  } catch (err) {
    throw new InputError(path, `cannot be read (${describeFsError(err)})`);
  }
}

/** The file as UTF-8 text, without a leading byte-order mark. */
export function readInputText(path: string, opts: ReadInputOptions = {}): string {
  const text = readInputFile(path, opts).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
