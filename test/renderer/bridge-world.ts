// Component tests talk to the real main-process code: `npm run serve`'s program on a temp data
// folder (real SQLite store, real engine processes) in its own Node process (the component tests'
// happy-dom globals are not Node's), reached through the same bridge client the page uses.
// `openBridgeWorld()` starts it and points the renderer's api.ts at it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBridgeApi, type BridgeApi } from '../../src/shared/ipc/bridge-client';
import { useStudioApi } from '../../src/renderer/src/api';
import { startTsxProcess } from '../helpers/spawn-tsx';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEMO_MODEL = join(ROOT, 'resources', 'models', 'demo-induction');

export interface BridgeWorld {
  api: BridgeApi;
  close(): Promise<void>;
}

/** Starts the server, resolving once it prints its URL (or failing with what it wrote). */
function startServer(dataDir: string) {
  return startTsxProcess('src/main/bridge/serve.ts', ['--port', '0', '--no-build', '--data-dir', dataDir], ({ stdout, stderr }) => {
    const match = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]+)/.exec(stdout + stderr);
    return match?.[1] && match[2] ? { url: match[1], token: match[2] } : undefined;
  });
}

export async function openBridgeWorld(prefix: string): Promise<BridgeWorld> {
  const dir = mkdtempSync(join(tmpdir(), `renderer-${prefix}-`));
  const { child, info, exited } = await startServer(join(dir, 'data'));
  const { url, token } = info;
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
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
