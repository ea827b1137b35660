// The statistics flags every command that prints or writes statistics takes (`run`, `demo`,
// `studies show|export|compare`), and the mapping of a bad value's error to the flag's name.

import { InputError, isInputError } from '../../shared/errors';
import type { StatsOptions } from '../../shared/study/types';
import { checkContiguityLags } from '../../shared/study/metrics';
import { intFlag, type ParsedArgs } from './args';

export const STATS_FLAGS = { contiguity_lags: { type: 'string' } } as const;

export const STATS_USAGE = `  --contiguity_lags <k>         forward/backward contiguity over lags 1..k vs -k..-1 (default 5)`;

const FLAG_OF: Record<string, string> = { 'stats.contiguityLags': '--contiguity_lags' };

/** Statistics settings given on the command line (defaults left out). */
export function statsFlags(args: ParsedArgs): Partial<StatsOptions> {
  const contiguityLags = intFlag(args, 'contiguity_lags', undefined, 1);
  return contiguityLags === undefined ? {} : { contiguityLags };
}

/** An InputError about a statistics setting, renamed to the flag that set it; others unchanged. */
function withFlagName(err: unknown): unknown {
  const flag = isInputError(err) ? FLAG_OF[err.file] : undefined;
  return flag && err instanceof InputError ? new InputError(flag, err.problem) : err;
}

/** Runs `work`; an InputError about a statistics setting is re-thrown naming the flag instead. */
export async function namingStatsFlags<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw withFlagName(err);
  }
}

/** Checks the settings against prompts of `seqLen` tokens before a run starts (errors name the flag). */
export function checkStatsFlags(stats: Partial<StatsOptions>, seqLen: number): void {
  try {
    if (stats.contiguityLags !== undefined) checkContiguityLags(stats.contiguityLags, seqLen);
  } catch (err) {
    throw withFlagName(err);
  }
}
