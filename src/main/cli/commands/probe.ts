// `probe`: runs the probe graph on given token-id prompts, optionally with heads ablated, and writes
// P(next token = prompt[s]) at the last position for every prompt position s. The low-level check
// behind every study (and the parity tests against a reference implementation).

import fs from 'node:fs';
import { graphCacheDir } from '../../app-paths';
import type { EngineOptions } from '../../engine/engine-types';
import { buildHeadControls } from '../../engine/head-controls';
import { checkFiniteProbs } from '../../engine/finite-outputs';
import { readModelSpec } from '../../engine/load-engine';
import { readJsonFile } from '../../json-file';
import { readHeadsFile, validatePrompts } from '../../studies/import/protocol-files';
import { prepareOutputFile, prepareOutputFolder } from '../../output-paths';
import { choiceFlag, intFlag, parseFlags, stringFlag, type FlagTypes, type ParsedArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { loadEngineWithProgress } from '../engine-progress';
import { first } from '../../../shared/checked';

/** More CPU threads than any machine has cores. */
const MAX_THREADS = 1024;

/** Flags shared by the commands that load an engine. */
export const ENGINE_FLAGS = {
  model: { type: 'string' },
  provider: { type: 'string' },
  threads: { type: 'string' },
  'cache-dir': { type: 'string' },
  batch: { type: 'string' },
} as const satisfies FlagTypes;

export const ENGINE_FLAGS_USAGE = `  --provider auto|cpu|cuda  execution provider (default auto: CUDA where its binaries are
                            installed, see \`npm run install-cuda\`, else CPU)
  --threads <n>             CPU threads (default 0: onnxruntime picks one per core)
  --cache-dir <dir>         compiled-graph cache (default: the app data folder's graphs/,
                            or $ABLATION_STUDIO_HOME/graphs)`;

export function requireFlag(args: ParsedArgs, name: string): string {
  const value = stringFlag(args, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

/** Engine options from the shared flags (checked before anything is loaded). */
export function engineOptionsFromFlags(args: ParsedArgs): Omit<EngineOptions, 'onProgress'> {
  const cacheDir = stringFlag(args, 'cache-dir');
  return {
    modelDir: requireFlag(args, 'model'),
    cacheDir: cacheDir === undefined ? graphCacheDir() : prepareOutputFolder(cacheDir, '--cache-dir'),
    provider: choiceFlag(args, 'provider', ['auto', 'cpu', 'cuda'], 'auto'),
    // onnxruntime starts every thread it is asked for: a typo of 99999 would never finish starting.
    threads: intFlag(args, 'threads', 0, 0, MAX_THREADS),
  };
}

/** Writes a result file checked earlier by prepareOutputFile: complete, or not at all. */
export function writeOutput(file: string, text: string): void {
  const temp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

const USAGE = `Usage: npm run cli -- probe --model <dir> --prompts <prompts.json> --out <out.json> [options]

For each prompt, runs the model once and reads the softmax over the vocabulary at the LAST
position, gathered at every prompt token id: probs[p][s] = P(next token = prompts[p][s]).

Required:
  --model <dir>             Hugging Face checkpoint folder (config.json + *.safetensors)
  --prompts <file>          JSON array of prompts, each an array of token ids, all the same length,
                            e.g. [[12, 7, 99, 7], [5, 8, 13, 8]]
  --out <file>              output JSON: {"probs": [[...], ...], "provider": "cpu", "dtype": "float32"}
Options:
  --heads <file>            JSON array of [layer, head] pairs (0-based) ablated in every prompt,
                            e.g. [[0, 3], [5, 1]]
  --mode zero|mean          how those heads are ablated (default zero): zero silences the head's
                            output; mean makes it attend uniformly over its causal prefix
  --value_bias keep|remove  zero ablation keeps the heads' value bias b_V (TransformerLens's
                            folding) or removes it with their output (default remove)
  --batch <n>               prompts per forward pass (default 8)
${ENGINE_FLAGS_USAGE}

Example:
  npm run cli -- probe --model ./my-model --prompts prompts.json --heads heads.json --mode mean --out probs.json`;

const command: CliCommand = {
  summary: 'P(next token) at the last position for given prompts, optionally with heads ablated',
  usage: USAGE,
  async run(argv) {
    const args = parseFlags(argv, { ...ENGINE_FLAGS, prompts: { type: 'string' }, heads: { type: 'string' }, mode: { type: 'string' }, value_bias: { type: 'string' }, out: { type: 'string' } });
    const options = engineOptionsFromFlags(args);
    const promptsFile = requireFlag(args, 'prompts');
    const headsFile = stringFlag(args, 'heads');
    const out = prepareOutputFile(requireFlag(args, 'out'), '--out');
    const batchSize = intFlag(args, 'batch', 8, 1);
    const mode = choiceFlag(args, 'mode', ['zero', 'mean'], 'zero');
    const valueBias = choiceFlag(args, 'value_bias', ['keep', 'remove'], 'remove');

    // Validate every input before the (possibly long) compile.
    const spec = readModelSpec(options.modelDir);
    const prompts = validatePrompts(readJsonFile(promptsFile), spec.vocabSize, promptsFile, spec.maxPositions);
    const heads = headsFile ? readHeadsFile(headsFile, spec) : [];
    const rowMode = heads.length ? mode : 'none';

    const engine = await loadEngineWithProgress(options);
    try {
      const S = first(prompts).length; // validatePrompts: non-empty, equal lengths
      const probs: number[][] = [];
      for (let start = 0; start < prompts.length; start += batchSize) {
        const rows = prompts.slice(start, start + batchSize);
        const controls = buildHeadControls(spec, rows.map(() => ({ heads, mode: rowMode })), headsFile, valueBias);
        const result = await engine.probe({ batch: rows.length, seqLen: S, inputIds: rows.flat(), ...controls });
        checkFiniteProbs(result, S, options.modelDir, (b) => `prompt ${start + b}`);
        for (let b = 0; b < rows.length; b++) probs.push(Array.from(result.subarray(b * S, (b + 1) * S)));
      }
      writeOutput(out, JSON.stringify({ probs, provider: engine.info.provider, dtype: engine.info.dtype }) + '\n');
      console.log(`Wrote ${prompts.length} x ${S} probabilities to ${out} (${engine.info.provider}, ${engine.info.dtype}${engine.info.fromCache ? ', cached graph' : ''})`);
      return 0;
    } finally {
      await engine.close();
    }
  },
};

export default command;
