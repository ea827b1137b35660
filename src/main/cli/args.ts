// Flag parsing shared by the CLI commands: node's util.parseArgs (`--flag value` and `--flag=value`,
// as the seed's argparse accepts) with typed getters whose failures are UsageErrors naming the flag.

import { parseArgs } from 'node:util';
import { clipValue } from '../../shared/errors';
import { UsageError } from './command';

export type FlagTypes = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses `argv` against `flags`; unknown flags and missing values are UsageErrors. */
export function parseFlags(argv: string[], flags: FlagTypes, allowPositionals = false): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: joinNegativeValues(argv, flags), options: flags, allowPositionals, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // parseArgs' messages mention its own API ("To specify a positional argument..."); keep the first sentence.
    const [sentence = message] = message.split('. ');
    throw new UsageError(sentence.replace(/^Unknown option '(.+)'$/, 'unknown flag $1'));
  }
}

/**
 * `--seed -1` as `--seed=-1`: parseArgs refuses a value that starts with '-' ("ambiguous"), which
 * would hide the real problem (the number) behind a puzzle about the syntax.
 */
function joinNegativeValues(argv: readonly string[], flags: FlagTypes): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    if (name !== null && flags[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} needs a value`);
  return v;
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** An integer flag in [min, max], or `fallback` when absent. */
export function intFlag(args: ParsedArgs, name: string, fallback: number, min?: number, max?: number): number;
export function intFlag(args: ParsedArgs, name: string, fallback: undefined, min?: number, max?: number): number | undefined;
export function intFlag(args: ParsedArgs, name: string, fallback: number | undefined, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = stringFlag(args, name);
  if (text === undefined) return fallback;
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`--${name} must be an integer, got "${clipValue(text)}"`);
  const value = Number(text);
  if (value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`;
    throw new UsageError(`--${name} must be ${range}, got ${value}`);
  }
  return value;
}

/** One of `choices`, or `fallback` when absent. */
export function choiceFlag<const T extends string>(args: ParsedArgs, name: string, choices: readonly T[], fallback: T): T {
  const text = stringFlag(args, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got "${clipValue(text)}"`);
  }
  return text as T;
}

/** A comma-separated list of `choices` (duplicates removed, order kept), or undefined when absent. */
export function choiceListFlag<const T extends string>(args: ParsedArgs, name: string, choices: readonly T[]): T[] | undefined {
  const text = stringFlag(args, name);
  if (text === undefined) return undefined;
  const items = [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
  if (items.length === 0) throw new UsageError(`--${name} needs at least one of ${choices.join(', ')}`);
  for (const item of items) {
    if (!(choices as readonly string[]).includes(item)) {
      throw new UsageError(`--${name} must list values from ${choices.join(', ')}; got "${clipValue(item)}"`);
    }
  }
  return items as T[];
}

/** A study id positional (a positive integer). */
export function studyIdArg(text: string | undefined, what = 'study id'): number {
  if (text === undefined) throw new UsageError(`missing ${what}`);
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${what} must be a positive integer, got "${clipValue(text)}"`);
  return Number(text);
}

/** `--help` or `-h` anywhere: print the usage instead of running. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

export function printUsage(usage: string): number {
  console.log(usage);
  return 0;
}
