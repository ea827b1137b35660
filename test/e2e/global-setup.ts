// Before the end-to-end tests: build the renderer (electron-vite build) once when its build is
// missing or older than its sources, so the tests always drive the current screens.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rendererIsStale } from '../../src/main/bridge/renderer-build';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  if (!rendererIsStale(root)) return;
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('electron-vite build failed (see above): the end-to-end tests need the built renderer');
}
