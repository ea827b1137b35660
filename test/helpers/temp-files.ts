// Temp folders for a test file (under os.tmpdir(), never in the repo), each remembered so the file
// can remove them all when it ends (`afterAll(removeTempDirs)`), and a writer that puts one named
// file in such a folder and returns its path, for importers that read files by path.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folders tempDir made in this process (one test file per process), not yet removed. */
const made = new Set<string>();

/** A new empty folder `<tmpdir>/<prefix>XXXXXX`, removed by the next removeTempDirs(). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every folder tempDir made so far (for afterAll, or a helper process's exit). */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

export interface TempFiles {
  dir: string;
  /** Writes `content` to `<dir>/<name>` and returns the path. */
  file(name: string, content: string | Uint8Array): string;
}

/** A tempDir with a writer for named files in it. */
export function tempFiles(prefix: string): TempFiles {
  const dir = tempDir(prefix);
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}
