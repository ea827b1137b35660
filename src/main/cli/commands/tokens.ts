// `tokens`: token sets made from words with a model's own tokenizer (src/main/tokens), stored in the
// study database and written as the seed's pickle or JSON; also lists and exports stored sets.

import { resolve } from 'node:path';
import { defaultDbPath } from '../../app-paths';
import { formatTable } from '../../../shared/study/text-format';
import { databaseFileState, prepareOutputFile } from '../../output-paths';
import { openStore, type Store } from '../../store/db';
import { getTokenSet, listTokenSets } from '../../store/token-sets-repo';
import { buildTokenSet, saveTokenSet, type TokenSetBuild } from '../../tokens/build-token-set';
import { tokenFileKind, writeTokenFile } from '../../tokens/token-set-files';
import { BUNDLED_LISTS, type BundledList, type WordSource } from '../../tokens/word-sources';
import { choiceFlag, intFlag, parseFlags, printUsage, stringFlag, studyIdArg, wantsHelp, type ParsedArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { requireFlag } from './probe';

const USAGE = `Usage: npm run cli -- tokens <subcommand> [flags]

  build --model <m> [--words <file> | --text <words>] [--n <N>] [--seed <s>] [--out <file>]
        Keep the words that are a single token of the model's own tokenizer.json (with and
        without a leading space), sample N of the unique ids with the seed, save the set in the
        database and, with --out, write it as the seed's pickle (.pkl) or as JSON (.json).
        --model     a checkpoint folder, demo, or a repo id / name in the Hugging Face cache
        --words     english (default: the 2,000 words of the demo model), english-short (15,238
                    short words, for real models: Llama-2/Mistral keep ~3,700 of them whole), or a
                    text file of words
        --text      the words themselves, e.g. "cat dog house"
        --n         how many tokens to keep (default: all single-token words)
        --seed      sampling seed (default 42)
        --forms     both|bare|spaced: which forms count (default both: "cat" and " cat")
        --name      the set's name in the database (default: source · model · N tokens, seed S)
  list                              token sets in the database
  export <id> --out <file>          write a stored set as .pkl (seed format) or .json

  --db <file>                       study database (default ${defaultDbPath()})`;

const FLAGS = {
  model: { type: 'string' },
  words: { type: 'string' },
  text: { type: 'string' },
  n: { type: 'string' },
  seed: { type: 'string' },
  forms: { type: 'string' },
  name: { type: 'string' },
  out: { type: 'string' },
  db: { type: 'string' },
} as const;

const command: CliCommand = {
  summary: 'build token sets from words with a model\'s tokenizer; list and export stored sets',
  usage: USAGE,
  async run(argv) {
    if (wantsHelp(argv)) return printUsage(USAGE);
    const args = parseFlags(argv, FLAGS, true);
    const [sub, ...rest] = args.positionals;
    const handler = sub ? SUBCOMMANDS[sub] : undefined;
    if (!handler) throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'missing subcommand');
    return handler(args, rest);
  },
};

export default command;

type Handler = (args: ParsedArgs, positionals: string[]) => Promise<number>;

const SUBCOMMANDS: Record<string, Handler> = {
  async build(args) {
    const wordsFile = stringFlag(args, 'words');
    const text = stringFlag(args, 'text');
    if (wordsFile && text) throw new UsageError('give --words or --text, not both');
    const words: WordSource = text
      ? { kind: 'text', text }
      : wordsFile && !(wordsFile in BUNDLED_LISTS)
        ? { kind: 'file', path: wordsFile }
        : { kind: 'bundled', list: (wordsFile ?? 'english') as BundledList };
    const out = stringFlag(args, 'out');
    // The output file and the database are checked before the tokenizer runs over the words.
    if (out) {
      tokenFileKind(out);
      prepareOutputFile(out, '--out');
    }
    databaseFileState(dbPath(args), '--db');
    const build = buildTokenSet({
      model: requireFlag(args, 'model'),
      words,
      n: intFlag(args, 'n', undefined, 1),
      seed: intFlag(args, 'seed', 42, 0, 2 ** 32 - 1),
      forms: choiceFlag(args, 'forms', ['both', 'bare', 'spaced'], 'both'),
    });
    printBuild(build);
    const id = withStore(args, (store) => saveTokenSet(store, build, stringFlag(args, 'name')));
    console.log(`Saved as token set ${id} in ${dbPath(args)}.`);
    if (out) console.log(`Wrote ${out} (${writeTokenFile(out, build.tokens.map((t) => t.id))}).`);
    return 0;
  },

  async list(args) {
    const sets = withStore(args, listTokenSets, false);
    if (sets.length === 0) {
      console.log('No token sets yet. Build one with `npm run cli -- tokens build --model demo`.');
      return 0;
    }
    const rows = sets.map((s) => [String(s.id), s.name, String(s.n), s.sourcePath ?? '', new Date(s.createdAt).toISOString().slice(0, 16).replace('T', ' ')]);
    console.log(formatTable(['id', 'name', 'tokens', 'source', 'created'], rows, ['right', 'left', 'right', 'left', 'left']));
    return 0;
  },

  async export(args, positionals) {
    const id = studyIdArg(positionals[0], 'token set id');
    const out = requireFlag(args, 'out');
    tokenFileKind(out);
    prepareOutputFile(out, '--out');
    const set = withStore(args, (store) => getTokenSet(store, id), false);
    if (!set) throw new UsageError(`no token set ${id} in ${dbPath(args)} (see \`tokens list\`)`);
    console.log(`Wrote token set ${id} (${set.n} tokens) to ${out} (${writeTokenFile(out, Array.from(set.tokens))}).`);
    return 0;
  },
};

function dbPath(args: ParsedArgs): string {
  return resolve(stringFlag(args, 'db') ?? defaultDbPath());
}

/** Runs `fn` on the database; only `tokens build` may create it (listing and exporting never do). */
function withStore<T>(args: ParsedArgs, fn: (store: Store) => T, create = true): T {
  const store = openStore(dbPath(args), { create });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function printBuild(build: TokenSetBuild): void {
  const { source, leftOut } = build;
  console.log(
    `${source.words} words from ${source.label}: ${build.candidates} distinct single-token ids for ${build.model.name}; ` +
      `kept ${build.tokens.length}${build.tokens.length < build.candidates ? ` (sampled with seed ${build.seed})` : ''}.`,
  );
  if (leftOut.multiToken) console.log(`Left out ${leftOut.multiToken} words split into several tokens (e.g. ${leftOut.examples.join(', ')}).`);
  if (leftOut.special) console.log(`Left out ${leftOut.special} words that are special tokens.`);
  const shown = build.tokens.slice(0, 12).map((t) => [String(t.id), JSON.stringify(t.text)]);
  console.log(formatTable(['id', 'token text'], shown, ['right', 'left']));
  if (build.tokens.length > shown.length) console.log(`... and ${build.tokens.length - shown.length} more.`);
}
