// Command-line options of the engine benchmark (`npm run bench:engine -- ...`). Every option has a
// default sized for a 2-core machine; bad values fail with InputError naming the flag.

import { parseArgs } from 'node:util';
import { InputError } from '../../src/shared/errors';

export interface BenchOptions {
  /** Checkpoint folder; null = the bundled demo model if present, else a synthetic llama. */
  modelDir: string | null;
  /** Report path; null = bench/report-<date>.json under the current folder. */
  out: string | null;
  /** Timed passes per batch size (after one warm-up). */
  repeats: number;
  batches: number[];
  seqLen: number;
  /** onnxruntime intra-op threads (0 = its default). */
  threads: number;
  /** Cold compiles (each into an empty cache) and cached loads. */
  loadRepeats: number;
  /** Trials of the end-to-end study run (0 skips it). */
  studyTrials: number;
  help: boolean;
}

export const BENCH_DEFAULTS: Omit<BenchOptions, 'modelDir' | 'out' | 'help'> = {
  repeats: 5,
  batches: [1, 4, 8, 16],
  // The demo preset's prompt: 500 tokens + the repeated one.
  seqLen: 501,
  threads: 0,
  // Compiles are the slowest step; three give a median without eating the time budget.
  loadRepeats: 3,
  studyTrials: 20,
};

export const BENCH_USAGE = `Usage: npm run bench:engine -- [options]
  --model <dir>        checkpoint folder (default: resources/models/demo-induction if it holds a model,
                       else a synthetic llama written to a temp folder)
  --out <file>         report JSON (default: bench/report-<date>.json)
  --repeats <n>        timed passes per batch size after one warm-up (default ${BENCH_DEFAULTS.repeats})
  --batches <list>     batch sizes, comma separated (default ${BENCH_DEFAULTS.batches.join(',')})
  --seq-len <n>        prompt length S (default ${BENCH_DEFAULTS.seqLen})
  --threads <n>        onnxruntime intra-op threads, 0 = its default (default ${BENCH_DEFAULTS.threads})
  --load-repeats <n>   cold compiles and cached loads (default ${BENCH_DEFAULTS.loadRepeats})
  --study-trials <n>   trials of the end-to-end study run, 0 skips it (default ${BENCH_DEFAULTS.studyTrials})`;

function integer(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new InputError(`--${flag}`, `must be an integer of at least ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function batchList(text: string | undefined): number[] {
  if (text === undefined) return [...BENCH_DEFAULTS.batches];
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new InputError('--batches', 'must list batch sizes like 1,4,8,16, got an empty list');
  const sizes = parts.map((p) => integer('batches', p, 0, 1));
  return [...new Set(sizes)].sort((a, b) => a - b);
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: 'string' },
        out: { type: 'string' },
        repeats: { type: 'string' },
        batches: { type: 'string' },
        'seq-len': { type: 'string' },
        threads: { type: 'string' },
        'load-repeats': { type: 'string' },
        'study-trials': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new InputError('bench arguments', (err as Error).message);
  }
  const str = (name: string) => values[name] as string | undefined;
  return {
    modelDir: str('model') ?? null,
    out: str('out') ?? null,
    repeats: integer('repeats', str('repeats'), BENCH_DEFAULTS.repeats, 1),
    batches: batchList(str('batches')),
    // S >= 3 so the prompt has a repeated token and both neighbours.
    seqLen: integer('seq-len', str('seq-len'), BENCH_DEFAULTS.seqLen, 3),
    threads: integer('threads', str('threads'), BENCH_DEFAULTS.threads, 0),
    loadRepeats: integer('load-repeats', str('load-repeats'), BENCH_DEFAULTS.loadRepeats, 1),
    studyTrials: integer('study-trials', str('study-trials'), BENCH_DEFAULTS.studyTrials, 0),
    help: values.help === true,
  };
}
