// Whether the built renderer (electron-vite's out/renderer) is missing or older than the sources
// it is built from, so `npm run serve` can rebuild it before serving.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest modification time of the files under `dir` (0 when absent). */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The renderer build is stale when a renderer or shared source is newer than its index.html. */
export function rendererIsStale(root: string): boolean {
  const built = join(root, 'out', 'renderer', 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(newestMtime(join(root, 'src', 'renderer')), newestMtime(join(root, 'src', 'shared')));
  return sources > statSync(built).mtimeMs;
}

