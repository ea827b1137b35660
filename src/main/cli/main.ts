// Command-line entry: `npm run cli -- <command> [flags]`. Each command lives in its own module
// under ./commands and calls the same services as the desktop app; dispatch and error printing are
// in cli.ts.

import { reportFatal, runCli } from './cli';

const argv = process.argv.slice(2);
process.on('uncaughtException', (err) => reportFatal(err, argv));
process.on('unhandledRejection', (err) => reportFatal(err, argv));
runCli(argv).then(
  (code) => process.exit(code),
  (err: unknown) => reportFatal(err, argv),
);
