// Which file starts the engine worker: a built worker-entry.js beside the bundle wins, else the tsx
// bootstrap beside the TypeScript source; the real source folder resolves to the bootstrap.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveWorkerEntry } from '../../src/main/engine/runtime/worker-path';

let dir: string | null = null;
afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

describe('resolveWorkerEntry', () => {
  it('picks a built engine-worker.js next to the bundle, else the bootstrap, else fails clearly', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-path-'));
    const host = pathToFileURL(path.join(dir, 'index.js')).href;
    expect(() => resolveWorkerEntry(host)).toThrow(/engine worker entry not found/);
    fs.writeFileSync(path.join(dir, 'worker-bootstrap.mjs'), '');
    expect(resolveWorkerEntry(host)).toEqual({ url: new URL('./worker-bootstrap.mjs', host), viaTsx: true });
    fs.writeFileSync(path.join(dir, 'worker-entry.js'), '');
    expect(resolveWorkerEntry(host)).toEqual({ url: new URL('./worker-entry.js', host), viaTsx: false });
    fs.writeFileSync(path.join(dir, 'engine-worker.js'), ''); // electron-vite's input name wins
    expect(resolveWorkerEntry(host)).toEqual({ url: new URL('./engine-worker.js', host), viaTsx: false });
  });

  it('uses the tsx bootstrap from the source tree', () => {
    const entry = resolveWorkerEntry();
    expect(entry.viaTsx).toBe(true);
    expect(entry.url.pathname.endsWith('/src/main/engine/runtime/worker-bootstrap.mjs')).toBe(true);
  });
});
