// Which file starts the engine worker. A bundled build (electron-vite, input `engine-worker` in
// electron.vite.config.ts) emits engine-worker.js next to the bundle that contains this code; in
// development and tests (tsx, vitest) the TypeScript entry is reached through worker-bootstrap.mjs,
// which registers tsx inside the worker first.

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Built entry names, in order of preference (the electron-vite input name, then the source name). */
const BUILT_ENTRIES = ['engine-worker.js', 'worker-entry.js'];

export interface WorkerEntry {
  url: URL;
  /** True for the tsx bootstrap (TypeScript source), false for a built .js entry. */
  viaTsx: boolean;
}

/** `hostUrl` is the URL of the module that starts the worker (this file's, or the bundle's). */
export function resolveWorkerEntry(hostUrl: string | URL = import.meta.url): WorkerEntry {
  for (const name of BUILT_ENTRIES) {
    const built = new URL(`./${name}`, hostUrl);
    if (fs.existsSync(fileURLToPath(built))) return { url: built, viaTsx: false };
  }
  const bootstrap = new URL('./worker-bootstrap.mjs', hostUrl);
  if (fs.existsSync(fileURLToPath(bootstrap))) return { url: bootstrap, viaTsx: true };
  const tried = [...BUILT_ENTRIES, 'worker-bootstrap.mjs'].map((n) => fileURLToPath(new URL(`./${n}`, hostUrl)));
  throw new Error(`engine worker entry not found; looked for ${tried.join(', ')}`);
}
