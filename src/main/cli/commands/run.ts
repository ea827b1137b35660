// `run`: the seed script's command line (run_ablations.py's flags, verbatim) on our engine: creates a
// study in the database, runs it with live progress (Ctrl-C pauses; resumable), then writes the
// seed's output layout plus our statistics and prints a summary table. The run itself (engine
// loading, progress, reports) is ../study-session.ts, shared with `demo` and `studies resume`.

import { join, resolve } from 'node:path';
import { formatCounts, parseCounts, parseStudySpec, SPEC_LIMITS, STUDY_DEFAULTS } from '../../../shared/study/spec';
import { scriptDifferences } from '../../../shared/study/compat/script-differences';
import type { ModelSpec } from '../../../shared/model-spec';
import type { StudySpec } from '../../../shared/study/types';
import { defaultDbPath } from '../../app-paths';
import { describeSpecialTokens, readModelVocabulary } from '../../engine/checkpoint/special-tokens';
import { readModelSpec } from '../../engine/load-engine';
import { resolveModel } from '../../models/resolve-model';
import { UsageError, type CliCommand } from '../command';
import { choiceFlag, choiceListFlag, intFlag, parseFlags, stringFlag, type ParsedArgs } from '../args';
import { defaultTokenSource, withDefaultTokens } from '../../studies/study-plan';
import { runPlan, type RunPlan } from '../study-session';
import { checkStatsFlags, STATS_FLAGS, statsFlags } from '../stats-flags';

const HEAD_TYPES = ['induction', 'random'] as const;

const USAGE = `Usage: npm run cli -- run --model_name <name|folder> [flags]

Runs an attention-head ablation study the way the seed script (run_ablations.py) does, with the
same flags, and writes its output layout (figures/*.png, tables/*.csv with Lag,Mean Probability,
heads/*.json) plus statistics, a summary, every trial's probabilities and the study database.

Seed flags:
  --model_name <m>          checkpoint folder, \`demo\`, a Hugging Face repo id (org/name) or a seed
                            name (Llama-3.1-8B-Instruct, Mistral-7B-Instruct-v0.1, gemma-2-9b, ...)
                            found in the local Hugging Face cache (nothing is downloaded)
  --permutations <n>        trials: shuffled prompts per condition (default 300)
  --max_heads_abl <n>       random heads are drawn outside the top n induction heads (default 50)
  --head_type induction|random   which heads to ablate (default induction)
  --to_abl <k-k-...>        head counts, 0 = no-ablation baseline (default 0-1-5-10-20-50;
                            1-5-10-20-50 under --compat script)
  --mode zero|mean          zero: remove the head; mean: it attends uniformly (default zero)
  --layer_abl full|top|bottom    full: all layers; top: LOWER half (near input);
                            bottom: UPPER half (near output) (default full)
  --tokens_path <file>      token ids to build prompts from (.pkl as the seed's, .json, .csv, .txt);
                            default: the model folder's tokens.json, else the whole vocabulary
                            without special tokens
  --induction_scores_csv <file>  head scores (layer,head,scores); default: computed by the app
                            and saved as <output_dir>/induction_scores.csv
  --output_dir <dir>        default outputs/ablations/<model name>
  --seed <n>                default 42
  --dtype <t>               bfloat16 | float16 | float32 | auto (default auto). The engine runs
                            float16 on CUDA and float32 on CPU; bfloat16/float16 mean "half
                            precision where the GPU runs" and map to auto
  --n_devices <n>           accepted for compatibility and ignored: one engine per process
  --show                    accepted and ignored (figures are always saved)
Our flags:
  --compat studio|script    studio (default): paired trials, one layer boundary, distinct random
                            draws; script: exactly what run_ablations.py does (its numpy and
                            CPython random calls, layer ranges, defaults and TransformerLens's zero
                            ablation), so its published tables can be reproduced
  --value_bias keep|remove  zero ablation keeps a head's value bias b_V (TransformerLens folds it
                            into the output bias) or removes it with the head's output
                            (default: remove; keep under --compat script)
  --trials <file.json>      run exactly these prompts (a list of token-id lists); under --compat
                            script, permutations x counts of them, consumed in the script's order
  --heads <file.json>       silence exactly these heads ([[layer, head], ...] or a heads JSON with a
                            "heads" list): count k takes the first k
  --head_types induction,random  several groups sharing the baseline and the trials
  --draws <R>               random-head draws per count (default 1; R > 1 gives a band)
  --n_tokens <N>            distinct tokens per prompt (default 500; prompt length N + 1); under
                            --compat script the script's n_unique: at most N of the file's ids
  --batch_size <n>          prompts per forward pass (default ${STUDY_DEFAULTS.batchSize})
  --provider auto|cpu|cuda  execution provider (default auto)
  --name <text>             study name
  --db <file>               study database (default ${defaultDbPath()})
  --contiguity_lags <k>     contiguity measure over lags 1..k vs -k..-1 (default 5)

Ctrl-C pauses after the current batch; resume with \`npm run cli -- studies resume <id> --out <dir>\`.

Example (the seed's bash/run_ablations.sh):
  npm run cli -- run --model_name Llama-3.1-8B-Instruct --permutations 300 --max_heads_abl 50 \\
    --head_type induction --to_abl 0-1-5-10-20-50 --mode zero --layer_abl full \\
    --induction_scores_csv llama_scores.csv --output_dir outputs/ablations/Llama-3.1-8B-Instruct`;

export const RUN_FLAGS = {
  model_name: { type: 'string' },
  permutations: { type: 'string' },
  max_heads_abl: { type: 'string' },
  head_type: { type: 'string' },
  to_abl: { type: 'string' },
  mode: { type: 'string' },
  layer_abl: { type: 'string' },
  tokens_path: { type: 'string' },
  induction_scores_csv: { type: 'string' },
  output_dir: { type: 'string' },
  seed: { type: 'string' },
  dtype: { type: 'string' },
  n_devices: { type: 'string' },
  show: { type: 'boolean' },
  compat: { type: 'string' },
  value_bias: { type: 'string' },
  trials: { type: 'string' },
  heads: { type: 'string' },
  head_types: { type: 'string' },
  draws: { type: 'string' },
  n_tokens: { type: 'string' },
  batch_size: { type: 'string' },
  provider: { type: 'string' },
  name: { type: 'string' },
  db: { type: 'string' },
  ...STATS_FLAGS,
} as const;

/** Flags -> what to run. Throws UsageError for bad flags, InputError for a model not found. */
export function planRun(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): RunPlan {
  const notes: string[] = [];
  const modelName = stringFlag(args, 'model_name');
  if (!modelName) throw new UsageError('--model_name is required');
  const model = resolveModel(modelName, { env });

  const single = choiceFlag(args, 'head_type', HEAD_TYPES, 'induction');
  const several = choiceListFlag(args, 'head_types', HEAD_TYPES);
  if (several && args.values.head_type !== undefined && (several.length !== 1 || several[0] !== single)) {
    throw new UsageError('give --head_type or --head_types, not both');
  }
  const headTypes = several ?? [single];
  const compat = choiceFlag(args, 'compat', ['studio', 'script'] as const, 'studio');
  const toAbl = stringFlag(args, 'to_abl') ?? (compat === 'script' ? SCRIPT_COUNTS : '0-1-5-10-20-50');
  const counts = parseCounts(toAbl, '--to_abl');
  // The script's trial stream runs through the counts in the order given; ours are kept ascending.
  if (compat === 'script' && toAbl.split('-').map((part) => Number(part)).join('-') !== formatCounts(counts)) {
    throw new UsageError(`--to_abl: under --compat script give the counts in ascending order (the trials follow them), got ${toAbl}`);
  }
  const mode = choiceFlag(args, 'mode', ['zero', 'mean'] as const, 'zero');
  const layerRange = choiceFlag(args, 'layer_abl', ['full', 'top', 'bottom'] as const, 'full');
  const draws = intFlag(args, 'draws', 1, 1, SPEC_LIMITS.draws);
  if (draws > 1 && !headTypes.includes('random')) notes.push('--draws only applies to random heads; ignored');

  const dtypeFlag = choiceFlag(args, 'dtype', ['bfloat16', 'float16', 'float32', 'auto'] as const, 'auto');
  const dtype = dtypeFlag === 'float32' ? 'float32' : 'auto';
  if (dtypeFlag === 'bfloat16' || dtypeFlag === 'float16') {
    notes.push(`--dtype ${dtypeFlag}: the engine runs float16 on CUDA and float32 on CPU (no bfloat16)`);
  }
  const nDevices = intFlag(args, 'n_devices', undefined, 1);
  if (nDevices !== undefined && nDevices > 1) notes.push(`--n_devices ${nDevices} ignored: one engine (one device) per process`);

  const tokensPath = stringFlag(args, 'tokens_path');
  const tokens: StudySpec['tokens'] = tokensPath ? { source: 'file', path: resolve(tokensPath) } : defaultTokenSource(model.dir);
  if (!tokensPath && tokens.source === 'file') notes.push(`tokens: the model's token set ${tokens.path}`);
  // Read now: a broken checkpoint is reported before any folder is made or engine loaded.
  const modelSpec = readModelSpec(model.dir);
  const vocab = readModelVocabulary(model.dir, modelSpec.vocabSize);
  if (tokens.source === 'vocab') notes.push(`tokens: sampled from the vocabulary; ${describeSpecialTokens(vocab)}`);
  else if (vocab.specialSource !== 'tokenizer.json') notes.push(describeSpecialTokens(vocab));
  const scoresCsv = stringFlag(args, 'induction_scores_csv');
  const trialsFile = stringFlag(args, 'trials');
  const headsFile = stringFlag(args, 'heads');
  const tokenCount = intFlag(args, 'n_tokens', STUDY_DEFAULTS.tokenCount, 2, SPEC_LIMITS.tokenCount);
  const stats = statsFlags(args);
  checkStatsFlags(stats, tokenCount + 1);

  const spec: RunPlan['spec'] = {
    name: stringFlag(args, 'name'),
    model: model.dir,
    permutations: intFlag(args, 'permutations', STUDY_DEFAULTS.permutations, 1, SPEC_LIMITS.permutations),
    maxHeadsAbl: intFlag(args, 'max_heads_abl', STUDY_DEFAULTS.maxHeadsAbl, 1, SPEC_LIMITS.maxHeadsAbl),
    groups: headTypes.map((headType) => ({ headType, counts, mode, layerRange, draws: headType === 'random' ? draws : 1 })),
    tokens,
    tokenCount,
    scores: scoresCsv ? { source: 'csv', path: resolve(scoresCsv) } : { source: 'compute' },
    seed: intFlag(args, 'seed', STUDY_DEFAULTS.seed, 0),
    batchSize: intFlag(args, 'batch_size', STUDY_DEFAULTS.batchSize, 1, SPEC_LIMITS.batchSize),
    provider: choiceFlag(args, 'provider', ['auto', 'cpu', 'cuda'] as const, 'auto'),
    dtype,
    compat,
    ...(args.values.value_bias === undefined ? {} : { valueBias: choiceFlag(args, 'value_bias', ['keep', 'remove'] as const, 'remove') }),
    ...(trialsFile === undefined ? {} : { trialsFile: resolve(trialsFile) }),
    ...(headsFile === undefined ? {} : { headsFile: resolve(headsFile) }),
  };
  return {
    model,
    spec,
    outDir: resolve(stringFlag(args, 'output_dir') ?? join('outputs', 'ablations', model.name)),
    outFlag: '--output_dir',
    dbPath: resolve(stringFlag(args, 'db') ?? defaultDbPath()),
    notes: [...notes, ...differenceNotes(spec, modelSpec)],
    stats,
  };
}

/** The script's default --to_abl: no baseline. */
const SCRIPT_COUNTS = '1-5-10-20-50';

/** The differences from the seed script this run has, once each (README: Reproducing the seed script). */
function differenceNotes(rawSpec: RunPlan['spec'], model: ModelSpec): string[] {
  const spec = parseStudySpec(withDefaultTokens(rawSpec));
  return scriptDifferences(spec, { valueBiases: model.attention.qkvBias }).map((d) => `differs from the script: ${d}`);
}

const command: CliCommand = {
  summary: 'run an ablation study with the seed script\'s flags and write its outputs',
  usage: USAGE,
  async run(argv) {
    const plan = planRun(parseFlags(argv, RUN_FLAGS));
    for (const note of plan.notes) console.error(`note: ${note}`);
    return (await runPlan(plan)).code;
  },
};

export default command;
