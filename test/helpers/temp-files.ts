// A temp folder for a test file's inputs (under os.tmpdir(), never in the repo) and a writer that
// puts one named file in it and returns its path, for importers that read files by path.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempFiles {
  dir: string;
  /** Writes `content` to `<dir>/<name>` and returns the path. */
  file(name: string, content: string | Uint8Array): string;
}

export function tempFiles(prefix: string): TempFiles {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}
