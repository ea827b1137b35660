// Starts test/helpers/bridge-with-hub.ts in a child process and resolves with what it printed.
// Component tests (happy-dom) talk to it over HTTP, as the renderer talks to `npm run serve`.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitUntil } from './wait-for';

// __dirname (vitest defines it), not import.meta.url: a happy-dom test's URL class is the page's.
const REPO = path.resolve(__dirname, '../..');

export interface SpawnedBridge {
  url: string;
  token: string;
  endpoint: string;
  dataDir: string;
  cacheDir: string;
  demoModel: string;
  dir: string;
  /** Makes the hub stall the next transfer of `path` after `afterBytes`; resolves once it has stalled. */
  stall(path: string, afterBytes: number): { stalled: Promise<void> };
  stop(): Promise<void>;
}

export function spawnBridgeWithHub(): Promise<SpawnedBridge> {
  const dir = mkdtempSync(path.join(tmpdir(), 'renderer-bridge-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/bridge-with-hub.ts', dir], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let started = false;
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return new Promise((resolve, reject) => {
    child.on('close', (code) => reject(new Error(`the bridge process ended (${code}) before it listened: ${err}`)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (!out.includes('\n') || !line || started) return;
      started = true;
      const info = JSON.parse(line) as Omit<SpawnedBridge, 'dir' | 'stall' | 'stop'>;
      resolve({
        ...info,
        dir,
        stall: (path, afterBytes) => {
          const line = `${JSON.stringify({ stalled: path })}\n`;
          const before = out.split(line).length;
          child.stdin?.write(`${JSON.stringify({ stall: { path, afterBytes } })}\n`);
          return { stalled: waitUntil(() => out.split(line).length > before, `the hub to stall ${path} after ${afterBytes} bytes`) };
        },
        stop: async () => {
          child.stdin?.end();
          await exited;
          rmSync(dir, { recursive: true, force: true });
        },
      });
    });
  });
}
