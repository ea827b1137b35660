// The command line without the process around it: `runCli(argv)` dispatches to a command module
// under ./commands and resolves to the exit code, printing every failure through error-report.ts.
// main.ts is the process entry; tests call runCli in-process.

import type { CliCommand } from './command';
import { printUsage, wantsHelp } from './args';
import { reportError } from './error-report';

const COMMANDS: Record<string, () => Promise<{ default: CliCommand }>> = {
  probe: () => import('./commands/probe'),
  induction: () => import('./commands/induction'),
  run: () => import('./commands/run'),
  studies: () => import('./commands/studies'),
  demo: () => import('./commands/demo'),
  models: () => import('./commands/models'),
  tokens: () => import('./commands/tokens'),
};

/** `--debug` anywhere: stack traces for errors (it is removed before the command sees its flags). */
export const DEBUG_FLAG = '--debug';

async function printHelp(): Promise<void> {
  console.log('Ablation Studio command line\n\nUsage: npm run cli -- <command> [flags]\n');
  for (const [name, load] of Object.entries(COMMANDS)) {
    const { default: command } = await load();
    console.log(`  ${name.padEnd(10)} ${command.summary}`);
  }
  console.log(`\n  ${DEBUG_FLAG.padEnd(10)} with any command: print the stack trace of an error`);
}

export async function runCli(argvIn: readonly string[]): Promise<number> {
  const debug = argvIn.includes(DEBUG_FLAG);
  const [name, ...argv] = argvIn.filter((a) => a !== DEBUG_FLAG);
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    await printHelp();
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`error: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  const { default: command } = await load();
  if (wantsHelp(argv)) return printUsage(command.usage);
  try {
    return await command.run(argv);
  } catch (err) {
    const report = reportError(err, command.usage, debug);
    console.error(report.text);
    return report.code;
  }
}

/** For failures outside a command's promise (a crashed worker's stray error): one line, exit 1. */
export function reportFatal(err: unknown, argv: readonly string[]): never {
  console.error(reportError(err, null, argv.includes(DEBUG_FLAG)).text);
  process.exit(1);
}
