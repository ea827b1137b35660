// trials.json: every trial's token order and every condition's per-trial probabilities, for anyone
// who wants to redo the statistics elsewhere. Probabilities are written with the fewest digits that
// parse back to the stored float32 bit for bit (numpy: np.float32(value)); streamed, as it is large.

import { open, rm } from 'node:fs/promises';
import type { HeadRef } from '../../shared/model-spec';
import { faultPoint } from '../fault-hook';
import { commitFile, exportWriteError, temporaryName } from './output-files';

export interface TrialsJsonCondition {
  key: string;
  label: string;
  heads: HeadRef[];
  /** 'none' for the baseline. */
  mode: 'none' | 'zero' | 'mean';
  /** Loads the condition's probabilities, one Float32Array of S values per trial, in trial order. */
  loadProbs: () => Float32Array[] | Promise<Float32Array[]>;
  /** Its trial t is trials[trialOffset + t]: 0 when trials are paired (script mode: its own block). */
  trialOffset?: number;
}

/** Shortest decimal text that rounds back to the same float32 (JSON has no NaN: null). */
export function float32Text(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  const f = Math.fround(x);
  // toPrecision's forms (`0.25`, `1.5e-7`, `1e+2`) are all valid JSON numbers.
  return f.toPrecision(shortestDigits(f));
}

/** Most model probabilities need 7 or 8 significant digits: the search starts there. */
const FIRST_GUESS_DIGITS = 7;

/**
 * Fewest significant digits (1..9; 9 always suffice for a float32) whose rounding parses back to f.
 * Searching from a guess instead of from 1 makes trials.json much faster to write (the demo has 3.8
 * million probabilities). Valid because a digit count that round-trips makes every larger one
 * round-trip: the nearest p+1-digit decimal is at least as close to f. (Where f's rounding interval
 * is lopsided, at powers of two, the test checks every one of them.)
 */
function shortestDigits(f: number): number {
  let p = FIRST_GUESS_DIGITS;
  if (roundTrips(f, p)) {
    while (p > 1 && roundTrips(f, p - 1)) p--;
    return p;
  }
  while (p < 9 && !roundTrips(f, p)) p++;
  return p;
}

function roundTrips(f: number, digits: number): boolean {
  return Math.fround(Number(f.toPrecision(digits))) === f;
}

/**
 * Shape: {"trials": [[ids...], ...], "conditions": [{"key","label","heads": [[l,h],...],"mode",["trial_offset",]"probs": [[...], ...]}]},
 * `trial_offset` (script mode only) says where the condition's trials start in "trials".
 * preceded by `"partial": <partial>` for a partial export. Written under a temporary name, renamed when complete.
 */
export async function writeTrialsJson(
  path: string,
  trials: readonly ArrayLike<number>[],
  conditions: readonly TrialsJsonCondition[],
  partial?: unknown,
): Promise<void> {
  const temp = temporaryName(path);
  try {
    await writeTrialsFile(temp, trials, conditions, partial);
  } catch (err) {
    await rm(temp, { force: true });
    throw exportWriteError(path, err);
  }
  await commitFile(temp, path);
}

async function writeTrialsFile(
  path: string,
  trials: readonly ArrayLike<number>[],
  conditions: readonly TrialsJsonCondition[],
  partial: unknown,
): Promise<void> {
  const file = await open(path, 'w');
  let buffer: string[] = [];
  let size = 0;
  const write = async (text: string) => {
    buffer.push(text);
    size += text.length;
    if (size > 1 << 20) await flush();
  };
  const flush = async () => {
    await file.write(buffer.join(''));
    buffer = [];
    size = 0;
    faultPoint('export-chunk');
  };
  try {
    await write(partial === undefined ? '{"trials": [\n' : `{"partial": ${JSON.stringify(partial)},\n"trials": [\n`);
    for (const [t, trial] of trials.entries()) {
      await write(`  [${Array.from(trial).join(', ')}]${t + 1 < trials.length ? ',' : ''}\n`);
    }
    await write('],\n"conditions": [\n');
    for (const [c, cond] of conditions.entries()) {
      const heads = JSON.stringify(cond.heads.map((h) => [h.layer, h.head]));
      await write(
        `{"key": ${JSON.stringify(cond.key)}, "label": ${JSON.stringify(cond.label)}, "heads": ${heads}, ` +
          `"mode": ${JSON.stringify(cond.mode)}, ${cond.trialOffset === undefined ? '' : `"trial_offset": ${cond.trialOffset}, `}"probs": [\n`,
      );
      const probs = await cond.loadProbs();
      for (const [t, row] of probs.entries()) {
        const parts = Array.from(row, (x) => float32Text(x));
        await write(`  [${parts.join(', ')}]${t + 1 < probs.length ? ',' : ''}\n`);
      }
      await write(`]}${c + 1 < conditions.length ? ',' : ''}\n`);
    }
    await write(']}\n');
    await flush();
  } finally {
    await file.close();
  }
}
