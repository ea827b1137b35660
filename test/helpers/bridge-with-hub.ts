// A browser bridge and a local test hub in a process of their own, for component tests: those run in
// a simulated browser (happy-dom) whose globals (URL, fetch) are a page's, so the app's Node side
// cannot run in the same process, just as it would not in a real browser. The process prints one
// JSON line `{ url, token, endpoint, dataDir, cacheDir, demoModel }` once both listen, and stops when
// its standard input closes (the test ending, or dying). A line `{"stall":{"path":p,"afterBytes":n}}`
// on its input makes the hub stall the next transfer of file p after n bytes, and the process prints
// `{"stalled":p}` when it does.
//
// Run as: node --import tsx test/helpers/bridge-with-hub.ts <dir>

import { join } from 'node:path';
import { startBridge } from '../../src/main/bridge/bridge-server';
import { defaultDemoModelDir } from '../../src/main/app/studio-app';
import { testRepos, USERS } from '../hub/hub-fixtures';
import { startHubServer } from './hub-server';
import { removeTempDirs } from './temp-files';

async function main(dir: string): Promise<void> {
  const hub = await startHubServer(testRepos().repos, USERS);
  const cacheDir = join(dir, 'hf-cache');
  // No token from the machine: HF_HOME is the test's own folder and no HF_TOKEN is passed on.
  const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: cacheDir, HF_HOME: join(dir, 'hf-home') };
  const dataDir = join(dir, 'data');
  const bridge = await startBridge({ dataDir, env, rendererDir: null, induction: { seqLen: 8, count: 4 }, log: () => undefined });
  process.stdout.write(`${JSON.stringify({ url: bridge.url, token: bridge.token, endpoint: hub.endpoint, dataDir, cacheDir, demoModel: defaultDemoModelDir() })}\n`);
  let input = '';
  process.stdin.on('data', (chunk: Buffer) => {
    input += chunk.toString();
    for (let nl = input.indexOf('\n'); nl >= 0; nl = input.indexOf('\n')) {
      const { stall } = JSON.parse(input.slice(0, nl)) as { stall: { path: string; afterBytes: number } };
      input = input.slice(nl + 1);
      hub.addFault({ kind: 'stall', ...stall, times: 1, onStall: () => process.stdout.write(`${JSON.stringify({ stalled: stall.path })}\n`) });
    }
  });
  process.stdin.on('end', () => {
    void bridge
      .close()
      .then(() => hub.close())
      .then(() => {
        removeTempDirs();
        process.exit(0);
      });
  });
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: bridge-with-hub.ts <dir>');
void main(dir);
