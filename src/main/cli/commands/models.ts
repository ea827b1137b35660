// `models`: get checkpoints from the Hugging Face hub into the standard Hugging Face cache, and see or
// change which access token downloads use. The work is done by src/main/hub (the same services the
// app's Models screen calls); this file parses flags and prints progress.

import { appDataDir } from '../../app-paths';
import { prepareOutputFolder } from '../../output-paths';
import { formatBytes } from '../../../shared/format-bytes';
import { downloadModel } from '../../hub/download-model';
import type { DownloadProgress } from '../../hub/download-progress';
import { hubEndpoint } from '../../hub/hub-repo';
import { clearHubToken, findHubToken, hfCliTokenPath, hubTokenStatus, saveHubToken, TOKEN_ENV_VARS, type TokenPlaces } from '../../hub/hub-token';
import { downloadCacheDir } from '../../hub/cache-layout';
import { parseFlags, printUsage, stringFlag, wantsHelp } from '../args';
import { UsageError, type CliCommand } from '../command';
import { formatDuration } from '../../../shared/format-duration';

const USAGE = `Usage: npm run cli -- models <subcommand>

  download <org/name> [--revision <r>] [--cache-dir <dir>]
        Download a model from the Hugging Face hub: config.json, the safetensors weights (+ index)
        and the tokenizer files only, into the Hugging Face cache that Python tools share
        (default ${safeCacheDir()}; set HF_HUB_CACHE or HF_HOME to change it). Interrupted
        downloads resume where they stopped. HF_ENDPOINT selects another hub (e.g. a mirror).
  token status        which token downloads use, and where it comes from
  token set           save a token for the app (read from standard input; not echoed on a terminal)
  token clear         forget the token saved by the app

Tokens are looked up in ${TOKEN_ENV_VARS.join(', ')}, then the token saved by the app,
then the Hugging Face CLI's token file (${hfCliTokenPath()}). Gated models (Llama, Gemma...) need
a token whose account accepted the model's licence on its hub page.`;

function safeCacheDir(): string {
  try {
    return downloadCacheDir();
  } catch {
    return '~/.cache/huggingface/hub';
  }
}

const FLAGS = { revision: { type: 'string' }, 'cache-dir': { type: 'string' } } as const;

const command: CliCommand = {
  summary: 'download models from the Hugging Face hub; show or set the access token',
  usage: USAGE,
  async run(argv) {
    if (wantsHelp(argv)) return printUsage(USAGE);
    const args = parseFlags(argv, FLAGS, true);
    const [sub, ...rest] = args.positionals;
    const places: TokenPlaces = { dataDir: appDataDir() };
    if (sub === 'download') {
      if (rest.length !== 1) throw new UsageError(rest.length ? `one repo id expected, got ${rest.join(' ')}` : 'missing repo id (org/name)');
      const cacheDir = stringFlag(args, 'cache-dir');
      return download(rest[0] ?? '', stringFlag(args, 'revision'), cacheDir && prepareOutputFolder(cacheDir, '--cache-dir'), places);
    }
    if (sub === 'token') return token(rest, places);
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'missing subcommand');
  },
};

export default command;

async function download(repoId: string, revision: string | undefined, cacheDir: string | undefined, places: TokenPlaces): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new Interrupted());
  process.on('SIGINT', onSigint);
  const line = progressPrinter(process.stderr);
  try {
    const token = findHubToken(places);
    console.error(`Downloading ${repoId}${revision ? `@${revision}` : ''} from ${hubEndpoint()} ${token ? `with ${token.source}` : 'without a token'}`);
    const model = await downloadModel({ repoId, revision, cacheDir, token, signal: controller.signal, onProgress: line.update });
    line.finish();
    for (const warning of model.warnings) console.error(`warning: ${warning}`);
    console.log(
      `${model.repoId}@${model.revision} (commit ${model.commit.slice(0, 12)}): ${model.files.length} files, ` +
        `${formatBytes(model.bytesDownloaded)} downloaded, ${formatBytes(model.bytesReused)} already in the cache.\n` +
        `Checkpoint folder: ${model.dir}\n` +
        `Use it with: npm run cli -- run --model_name ${model.repoId} ...  (or --model_name ${model.dir})`,
    );
    return 0;
  } catch (err) {
    line.finish();
    if (!(err instanceof Interrupted)) throw err;
    console.error('Stopped. Finished files and the partial file are kept: run the same command again to resume.');
    return 130;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

class Interrupted extends Error {
  override name = 'Interrupted';
}

/** A line per second (updating in place on a terminal) and one line per finished file. */
function progressPrinter(stream: NodeJS.WriteStream) {
  const tty = Boolean(stream.isTTY);
  const finished = new Set<string>();
  let last = 0;
  let open = false;
  const end = (): void => {
    if (open && tty) stream.write('\n');
    open = false;
  };
  return {
    update(p: DownloadProgress): void {
      for (const f of p.files) {
        if (f.state !== 'done' || finished.has(f.path)) continue;
        finished.add(f.path);
        end();
        stream.write(`  ${f.path} (${formatBytes(f.bytesTotal)}) ✓\n`);
      }
      if (p.stage !== 'downloading' || Date.now() - last < 1000) return;
      last = Date.now();
      const pct = p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 0;
      const rate = p.rate > 0 ? `, ${formatBytes(p.rate)}/s` : '';
      const eta = p.etaSeconds !== null && p.rate > 0 ? `, ETA ${formatDuration(p.etaSeconds)}` : '';
      const text = `${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)} (${pct}%)${rate}${eta}, ${p.filesDone}/${p.files.length} files`;
      stream.write(tty ? `\r${text}\x1b[K` : `${text}\n`);
      open = tty;
    },
    finish: end,
  };
}

async function token(rest: string[], places: TokenPlaces): Promise<number> {
  const [action] = rest;
  if (action === 'status' || action === undefined) {
    const status = hubTokenStatus(places);
    if (status.active) console.log(`Downloads use ${status.active.source}: ${status.active.masked}`);
    else console.log(`No Hugging Face token: public models only. Set ${TOKEN_ENV_VARS[0]} or run \`npm run cli -- models token set\`.`);
    if (status.savedUnreadable) {
      console.log('The desktop app saved a token in the system keychain; the command line cannot read it (set HF_TOKEN here).');
    } else if (status.saved && status.active?.kind !== 'app') {
      console.log(`(A token saved by the app (${status.saved}) is overridden by the one above.)`);
    }
    return 0;
  }
  if (action === 'set') {
    const where = saveHubToken(await readSecretLine('Hugging Face token: '), places);
    console.log(`Saved ${where === 'keychain' ? 'in the system keychain' : `in ${places.dataDir} (readable by you only)`}.`);
    return 0;
  }
  if (action === 'clear') {
    clearHubToken(places);
    console.log('The token saved by the app is gone.');
    return 0;
  }
  throw new UsageError(`unknown token action "${action}" (status, set, clear)`);
}

/** What ends the typed token: Enter, Ctrl-C (cancel), Ctrl-D (end of input). */
const CTRL_C = String.fromCharCode(3);
const LINE_ENDS = ['\r', '\n', CTRL_C, String.fromCharCode(4)];

/** One line from standard input; on a terminal, typed without echo. */
async function readSecretLine(prompt: string): Promise<string> {
  const input = process.stdin;
  if (input.isTTY) {
    process.stderr.write(prompt);
    input.setRawMode(true);
  }
  let text = '';
  try {
    for await (const chunk of input) {
      text += String(chunk);
      if (LINE_ENDS.some((c) => text.includes(c))) break;
    }
  } finally {
    if (input.isTTY) {
      input.setRawMode(false);
      process.stderr.write('\n');
    }
    input.pause();
  }
  if (text.includes(CTRL_C)) throw new UsageError('cancelled');
  return text.slice(0, Math.min(...LINE_ENDS.map((c) => text.indexOf(c)).filter((i) => i >= 0), text.length));
}
