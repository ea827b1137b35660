// Command-line entry: `npm run cli -- <command> [flags]`. Each command lives in its own module
// under ./commands and calls the same services as the desktop app.

import { isInputError } from '../../shared/errors';
import { UsageError, type CliCommand } from './command';

const COMMANDS: Record<string, () => Promise<{ default: CliCommand }>> = {
  probe: () => import('./commands/probe'),
  induction: () => import('./commands/induction'),
  run: () => import('./commands/run'),
  studies: () => import('./commands/studies'),
  demo: () => import('./commands/demo'),
  models: () => import('./commands/models'),
  tokens: () => import('./commands/tokens'),
};

async function printHelp(): Promise<void> {
  console.log('Ablation Studio command line\n\nUsage: npm run cli -- <command> [flags]\n');
  for (const [name, load] of Object.entries(COMMANDS)) {
    const { default: command } = await load();
    console.log(`  ${name.padEnd(10)} ${command.summary}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help') {
    await printHelp();
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`Unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  const { default: command } = await load();
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\n\n${command.usage}`);
      return 2;
    }
    if (isInputError(err)) {
      console.error(`error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
