// A browser bridge and a local test hub in a process of their own, for component tests: those run in
// a simulated browser (happy-dom) whose globals (URL, fetch) are a page's, so the app's Node side
// cannot run in the same process, just as it would not in a real browser. The process prints one
// JSON line `{ url, token, endpoint, dataDir, cacheDir, demoModel }` once both listen, and stops when
// its standard input closes (the test ending, or dying).
//
// Run as: node --import tsx test/helpers/bridge-with-hub.ts <dir>

import { join } from 'node:path';
import { startBridge } from '../../src/main/bridge/bridge-server';
import { defaultDemoModelDir } from '../../src/main/app/studio-app';
import { testRepos, USERS } from '../hub/hub-fixtures';
import { startHubServer } from './hub-server';

async function main(dir: string): Promise<void> {
  const hub = await startHubServer(testRepos().repos, USERS);
  const cacheDir = join(dir, 'hf-cache');
  // No token from the machine: HF_HOME is the test's own folder and no HF_TOKEN is passed on.
  const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: cacheDir, HF_HOME: join(dir, 'hf-home') };
  const dataDir = join(dir, 'data');
  const bridge = await startBridge({ dataDir, env, rendererDir: null, induction: { seqLen: 8, count: 4 }, log: () => undefined });
  process.stdout.write(`${JSON.stringify({ url: bridge.url, token: bridge.token, endpoint: hub.endpoint, dataDir, cacheDir, demoModel: defaultDemoModelDir() })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void bridge.close().then(() => hub.close()).then(() => process.exit(0));
  });
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: bridge-with-hub.ts <dir>');
void main(dir);
