// Starts test/helpers/bridge-with-hub.ts in a child process and resolves with what it printed.
// Component tests (happy-dom) talk to it over HTTP, as the renderer talks to `npm run serve`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTsxProcess } from './spawn-tsx';
import { waitUntil } from './wait-for';

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

type BridgeInfo = Omit<SpawnedBridge, 'dir' | 'stall' | 'stop'>;

export async function spawnBridgeWithHub(): Promise<SpawnedBridge> {
  const dir = mkdtempSync(path.join(tmpdir(), 'renderer-bridge-'));
  // Its first line of output is the JSON of what it started.
  const { child, info, stdout, exited } = await startTsxProcess('test/helpers/bridge-with-hub.ts', [dir], ({ stdout: out }) => {
    const nl = out.indexOf('\n');
    return nl < 0 ? undefined : (JSON.parse(out.slice(0, nl)) as BridgeInfo);
  }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    ...info,
    dir,
    stall: (path, afterBytes) => {
      const line = `${JSON.stringify({ stalled: path })}\n`;
      const before = stdout().split(line).length;
      child.stdin?.write(`${JSON.stringify({ stall: { path, afterBytes } })}\n`);
      return { stalled: waitUntil(() => stdout().split(line).length > before, `the hub to stall ${path} after ${afterBytes} bytes`) };
    },
    stop: async () => {
      child.stdin?.end();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
