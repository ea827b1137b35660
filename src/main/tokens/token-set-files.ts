// Writes a token set to a file the app (and the seed script) read back: `.pkl` / `.pickle` in the
// seed's pickle format (one list per token, like the seed's per-word lists, without its BOS ids since
// special tokens are never in a set), `.json` a plain array of ids (what the app's JSON import takes).
// Written to a temporary file and renamed, so a failed write never leaves half a file.

import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { InputError } from '../../shared/errors';
import { prepareOutputFile } from '../output-paths';
import { pickleIdLists } from './pickle-writer';

export type TokenFileKind = 'pickle' | 'json';

export function tokenFileKind(path: string): TokenFileKind {
  const ext = /\.[^./\\]+$/.exec(path)?.[0].toLowerCase() ?? '';
  if (ext === '.pkl' || ext === '.pickle') return 'pickle';
  if (ext === '.json') return 'json';
  throw new InputError(path, `unknown token file type ${ext ? `'${ext}'` : '(no extension)'}: use .pkl (the seed's pickle format) or .json`);
}

export function tokenFileBytes(ids: readonly number[], kind: TokenFileKind): Uint8Array {
  return kind === 'pickle' ? pickleIdLists(ids.map((id) => [id])) : Buffer.from(`${JSON.stringify(ids)}\n`, 'utf8');
}

/** Writes `ids` to `path` in the format its extension names; returns that format. */
export function writeTokenFile(path: string, ids: readonly number[]): TokenFileKind {
  const kind = tokenFileKind(path);
  const target = prepareOutputFile(path, 'the token file');
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, tokenFileBytes(ids, kind));
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(path, `cannot be written (${code ?? String(err)})`);
  }
  return kind;
}
