// `npm run serve`: the app in a browser. Builds the renderer first if its build is missing or older
// than its sources, starts the bridge on 127.0.0.1, prints the URL to open (with this launch's
// token), and runs until Ctrl-C, which pauses a running study after its batch and closes the store.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInputError } from '../../shared/errors';
import { appDataDir } from '../app-paths';
import { boolFlag, intFlag, parseFlags, printUsage, stringFlag, wantsHelp } from '../cli/args';
import { UsageError } from '../cli/command';
import { startBridge } from './bridge-server';
import { rendererIsStale } from './renderer-build';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const RENDERER_OUT = join(ROOT, 'out', 'renderer');

const USAGE = `Usage: npm run serve [-- --port <n>] [--host <addr> [--allow-remote]] [--data-dir <dir>] [--no-build]

Starts Ablation Studio for a browser: the same app as the desktop window, on http://127.0.0.1.
Prints the URL to open; it carries a token made for this launch, and every request needs it.

  --port <n>        port to listen on (default 8765; 0 picks any free port)
  --host <addr>     address to listen on (default 127.0.0.1). From another machine, prefer an SSH
                    tunnel: ssh -L 8765:127.0.0.1:8765 <server>, then open the printed URL locally
  --allow-remote    needed for a --host other than loopback (anyone who can reach the port and has
                    the token can use the app)
  --data-dir <dir>  the app's data folder (default ${appDataDir()}; also $ABLATION_STUDIO_HOME)
  --no-build        do not (re)build the renderer before starting`;

async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) return printUsage(USAGE);
  const args = parseFlags(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    'allow-remote': { type: 'boolean' },
    'data-dir': { type: 'string' },
    'no-build': { type: 'boolean' },
  });
  if (!boolFlag(args, 'no-build') && rendererIsStale(ROOT)) {
    console.error('Building the app (electron-vite build): its screens are missing or older than their sources...');
    const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) {
      console.error('error: the build failed (see above); fix it, or start with --no-build to serve the last build');
      return 1;
    }
  }
  const bridge = await startBridge({
    host: stringFlag(args, 'host'),
    port: intFlag(args, 'port', 8765, 0, 65535),
    allowRemote: boolFlag(args, 'allow-remote'),
    dataDir: stringFlag(args, 'data-dir') ?? appDataDir(),
    rendererDir: RENDERER_OUT,
  });
  const info = bridge.app.context.paths;
  console.log(`Ablation Studio is running (data: ${info.dataDir}).`);
  console.log(`Open this URL in a browser (it holds this launch's access token):\n\n  ${bridge.openUrl}\n`);
  console.log('Press Ctrl-C to stop; a running study pauses after its current batch and resumes at the next start.');
  await new Promise<void>((resolve) => {
    const stop = () => {
      console.error('\nStopping: pausing the running study after its batch...');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await bridge.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`error: ${err.message}\n\n${USAGE}`);
    else if (isInputError(err)) console.error(`error: ${err.message}`);
    else console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
