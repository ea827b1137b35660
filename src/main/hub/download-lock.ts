// One download of a repo at a time across this app's processes (the desktop app and the CLI may
// both be asked): a lock file holding the owner's pid in the cache's `.locks` folder. A lock whose
// process is gone (killed, crashed) is taken over, so a kill -9 never blocks the next download.
// huggingface_hub's own `.locks/<repo>/<etag>.lock` files are flock()ed, not owned; ours has its own
// name so neither tool mistakes the other's for a held lock.

import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../shared/errors';
import { repoFolderName } from './hub-repo';

export interface DownloadLock {
  release(): void;
}

export function lockRepoDownload(cacheDir: string, repoId: string): DownloadLock {
  const dir = join(cacheDir, '.locks', repoFolderName(repoId));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'ablation-studio-download.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new InputError(repoId, `is already being downloaded by process ${owner}; wait for it to finish (or stop it), then download again.`);
      }
      rmSync(path, { force: true }); // left by a process that no longer runs
    }
  }
  throw new InputError(repoId, `could not take the download lock ${path}; another download keeps starting. Try again.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
