// A folder's entries for picking paths from a browser (the bridge has no native dialog): folders
// first, then files, by name; dot files left out; checkpoint folders (config.json inside) marked.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../../shared/errors';
import type { FileEntry, FolderListing } from '../../shared/ipc/app';

/** Entries listed at most (a folder of a million files stays responsive). */
const MAX_ENTRIES = 5000;

export function listFolder(dir: string, extensions?: readonly string[]): FolderListing {
  if (!isAbsolute(dir)) throw new InputError('dir', `must be an absolute folder path, got ${JSON.stringify(dir)}`);
  const folder = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'folder does not exist' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${code ?? String(err)})`;
    throw new InputError(folder, problem);
  }
  const wanted = extensions?.map((e) => `.${e.toLowerCase()}`);
  const entries: FileEntry[] = [];
  for (const name of names.sort((a, b) => a.localeCompare(b))) {
    if (name.startsWith('.') || entries.length >= MAX_ENTRIES) continue;
    const path = join(folder, name);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      continue; // a dangling link or a file removed meanwhile
    }
    if (stat.isDirectory()) {
      entries.push({ name, path, kind: 'folder', sizeBytes: null, isCheckpoint: existsSync(join(path, 'config.json')) });
    } else if (!wanted || wanted.includes(extname(name).toLowerCase())) {
      entries.push({ name, path, kind: 'file', sizeBytes: stat.size, isCheckpoint: false });
    }
  }
  entries.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'folder' ? -1 : 1));
  const parent = dirname(folder);
  return { dir: folder, parent: parent === folder ? null : parent, entries };
}
