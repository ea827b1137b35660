// Output paths checked BEFORE any work starts: a folder to write into (created one level at a time),
// a file to write, a database file. Each problem is an InputError naming the path and the flag.
// Folders are never made with mkdirSync's `recursive` option: on Node 20 it spins forever on paths
// the kernel refuses without a usual error (e.g. /proc/x), so we walk up to the nearest existing
// ancestor ourselves and create the missing levels one by one.

import { closeSync, mkdirSync, openSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../shared/errors';

/** Plain words for the file-system errors users meet. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the disk';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOENT':
      return 'the file system does not allow creating it there';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return code ?? (err instanceof Error ? err.message : String(err));
  }
}

/** stat, or null where nothing exists (a file standing in for a parent folder counts as nothing). */
function statOrNull(path: string, label: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new InputError(path, `cannot be checked for ${label} (${describeFsError(err)})`);
  }
}

/**
 * Makes `dir` an existing folder, creating missing levels one at a time. `label` names what the
 * folder is for in messages (e.g. `--output_dir`).
 */
export function ensureFolder(dirIn: string, label: string): string {
  const dir = resolve(dirIn);
  const missing: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    const stats = statOrNull(current, label);
    if (stats) {
      if (stats.isDirectory()) break;
      if (current === dir) throw new InputError(dir, `is a file, not a folder (${label} needs a folder)`);
      throw new InputError(dir, `cannot be created for ${label}: ${current} is a file, not a folder`);
    }
    if (dirname(current) === current) throw new InputError(dir, `cannot be created for ${label}: ${current} does not exist`);
    missing.push(current);
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statOrNull(level, label)?.isDirectory()) continue;
      throw new InputError(dir, `cannot be created for ${label}: creating ${level} failed (${describeFsError(err)})`);
    }
  }
  return dir;
}

/** Creates and removes a scratch file in `dir`: the one check that catches read-only mounts and ACLs. */
function checkWritable(dir: string, subject: string, label: string): void {
  const probe = join(dir, `.ablation-studio-write-check-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (err) {
    throw new InputError(subject, `cannot be written for ${label}: ${dir} is not writable (${describeFsError(err)})`);
  }
}

/** A folder that outputs will be written into: created if missing, and proved writable. */
export function prepareOutputFolder(dir: string, label: string): string {
  const abs = ensureFolder(dir, label);
  checkWritable(abs, abs, label);
  return abs;
}

/**
 * A file that will be written at the end of the work (e.g. `probe --out`): not a folder, its folder
 * created and writable, and the file itself writable if it exists. The file is not created here.
 */
export function prepareOutputFile(fileIn: string, label: string): string {
  const file = resolve(fileIn);
  const stats = statOrNull(file, label);
  if (stats?.isDirectory()) throw new InputError(file, `is a folder; ${label} needs a file name`);
  if (stats && !stats.isFile()) throw new InputError(file, `is not a regular file; ${label} needs a file name`);
  ensureFolder(dirname(file), label);
  if (stats) {
    try {
      closeSync(openSync(file, 'r+'));
    } catch (err) {
      throw new InputError(file, `cannot be written for ${label} (${describeFsError(err)})`);
    }
  } else {
    checkWritable(dirname(file), file, label);
  }
  return file;
}

/** What a database path holds before it is opened. */
export type DatabaseFileState = 'absent' | 'file';

/** The database path's kind: a missing file, or a regular file; a folder or device is an error. */
export function databaseFileState(file: string, label: string): DatabaseFileState {
  const stats = statOrNull(file, label);
  if (!stats) return 'absent';
  if (stats.isDirectory()) throw new InputError(file, `is a folder; ${label} needs a database file`);
  if (!stats.isFile()) throw new InputError(file, `is not a regular file; ${label} needs a database file`);
  return 'file';
}
