// Component tests talk to the real main-process code: `npm run serve`'s program on a temp data
// folder (real SQLite store, real engine processes) in its own Node process (the component tests'
// happy-dom globals are not Node's), reached through the same bridge client the page uses.
// `openBridgeWorld()` starts it and points the renderer's api.ts at it.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBridgeApi, type BridgeApi } from '../../src/shared/ipc/bridge-client';
import { useStudioApi } from '../../src/renderer/src/api';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEMO_MODEL = join(ROOT, 'resources', 'models', 'demo-induction');

export interface BridgeWorld {
  api: BridgeApi;
  close(): Promise<void>;
}

/** Starts the server, resolving with the URL it prints (or failing with what it wrote). */
function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string; token: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/bridge/serve.ts'), '--port', '0', '--no-build', '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]+)/.exec(output);
      if (match?.[1] && match[2]) resolve({ child, url: match[1], token: match[2] });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before printing its URL:\n${output}`)));
  });
}

export async function openBridgeWorld(prefix: string): Promise<BridgeWorld> {
  const dir = mkdtempSync(join(tmpdir(), `renderer-${prefix}-`));
  const { child, url, token } = await startServer(join(dir, 'data'));
  // The page's origin is the server's, as when the bridge serves the renderer (happy-dom's fetch
  // applies the same-origin policy, and the bridge refuses cross-origin calls).
  (globalThis as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${url}/`);
  const api = createBridgeApi(url, token);
  useStudioApi(api);
  return {
    api,
    close: async () => {
      useStudioApi(null);
      api.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
