// Free-space check before a download starts: the bytes still to fetch against what the file system
// holding the cache has free for this user (statfs bavail), so a 16 GB model does not die at 90%.

import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../shared/errors';
import { formatBytes } from '../../shared/format-bytes';

/** Free bytes for this user on the file system of `dir` (or of its nearest existing parent). */
export function freeBytes(dir: string): number {
  let probe = dir;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  const fs = statfsSync(probe);
  return fs.bavail * fs.bsize;
}

/** InputError naming the cache folder when `needed` bytes do not fit. */
export function checkFreeSpace(dir: string, needed: number, what: string): void {
  if (needed <= 0) return;
  const free = freeBytes(dir);
  if (needed > free) {
    throw new InputError(
      dir,
      `${what} needs ${formatBytes(needed)} more, but only ${formatBytes(free)} is free on this disk. ` +
        'Free some space, or point HF_HUB_CACHE (or HF_HOME) at a disk with room, then download again.',
    );
  }
}
