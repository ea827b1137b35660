// `induction`: computes every head's induction score (engine/induction.ts) and writes the seed's score CSV
// (`layer,head,scores`, best first), which `run --induction_scores_csv` and the app can import.

import { describeSpecialTokens, promptableIds, readModelVocabulary } from '../../engine/checkpoint/special-tokens';
import { checkFiniteScores } from '../../engine/finite-outputs';
import { computeInductionScores, validateSequences, type InductionSource } from '../../engine/induction';
import { readModelSpec } from '../../engine/load-engine';
import { prepareOutputFile } from '../../output-paths';
import { writeScoreCsv } from '../../studies/import/score-csv';
import { UsageError, type CliCommand } from '../command';
import { intFlag, parseFlags, stringFlag } from '../args';
import { readJsonFile } from '../../json-file';
import { loadEngineWithProgress } from '../engine-progress';
import { ENGINE_FLAGS, ENGINE_FLAGS_USAGE, engineOptionsFromFlags, requireFlag } from './probe';

const DEFAULT_SEQ_LEN = 50;
const DEFAULT_COUNT = 20;
const DEFAULT_SEED = 42;

const USAGE = `Usage: npm run cli -- induction --model <dir> --out <scores.csv>
         [--seq-len T --count N --seed K | --sequences <seqs.json>] [options]

Scores every attention head as an induction head: N random sequences of T distinct tokens
(no special tokens, no BOS) are each repeated twice; a head's score is its mean attention from
each position i of the second copy to position i - T + 1 (the token that followed the earlier
occurrence of token i). 1 = a perfect induction head.

Required:
  --model <dir>             Hugging Face checkpoint folder (config.json + *.safetensors)
  --out <file>              CSV with columns layer,head,scores, sorted by score (highest first)
Sequences (random by default):
  --seq-len <T>             tokens per sequence before repetition (default ${DEFAULT_SEQ_LEN})
  --count <N>               number of sequences (default ${DEFAULT_COUNT})
  --seed <K>                seed of the token draw (default ${DEFAULT_SEED})
  --sequences <file>        instead: a JSON array of first copies (token-id arrays of equal
                            length), e.g. [[5, 9, 2, 7], [3, 8, 1, 4]]; each is repeated twice
Options:
  --batch <n>               sequences per forward pass (default 4)
${ENGINE_FLAGS_USAGE}

Example:
  npm run cli -- induction --model ./my-model --seq-len 50 --count 20 --seed 42 --out scores.csv`;

const command: CliCommand = {
  summary: 'compute every head\'s induction score and write the seed-format score CSV',
  usage: USAGE,
  async run(argv) {
    const args = parseFlags(argv, {
      ...ENGINE_FLAGS,
      'seq-len': { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      sequences: { type: 'string' },
      out: { type: 'string' },
    });
    const options = engineOptionsFromFlags(args);
    const out = prepareOutputFile(requireFlag(args, 'out'), '--out');
    const batchSize = intFlag(args, 'batch', 4, 1);
    const sequencesFile = stringFlag(args, 'sequences');
    const random = ['seq-len', 'count', 'seed'].some((name) => stringFlag(args, name) !== undefined);
    if (sequencesFile && random) throw new UsageError('give either --sequences or --seq-len/--count/--seed, not both');

    // Validate inputs before the (possibly long) compile.
    const spec = readModelSpec(options.modelDir);
    let source: InductionSource;
    let pool: number[] | undefined;
    if (sequencesFile) {
      source = { sequences: validateSequences(readJsonFile(sequencesFile), spec.vocabSize, sequencesFile, spec.maxPositions) };
    } else {
      source = {
        seqLen: intFlag(args, 'seq-len', DEFAULT_SEQ_LEN, 2),
        count: intFlag(args, 'count', DEFAULT_COUNT, 1),
        seed: intFlag(args, 'seed', DEFAULT_SEED, 0),
      };
      const vocab = readModelVocabulary(options.modelDir, spec.vocabSize);
      if (vocab.specialSource !== 'tokenizer.json') console.error(`note: ${describeSpecialTokens(vocab)}`);
      pool = promptableIds(vocab);
      // Checked before the engine loads: the sequence must fit the model twice over, of distinct tokens.
      if (2 * source.seqLen > spec.maxPositions) {
        throw new UsageError(`--seq-len ${source.seqLen} repeated twice exceeds the model's ${spec.maxPositions} positions; at most ${Math.floor(spec.maxPositions / 2)}`);
      }
      if (source.seqLen > pool.length) {
        throw new UsageError(`--seq-len ${source.seqLen} needs that many distinct tokens, but the model has ${pool.length} besides its special tokens`);
      }
    }

    const engine = await loadEngineWithProgress(options);
    try {
      const result = await computeInductionScores(engine, source, pool, {
        batchSize,
        source: sequencesFile,
        onProgress: (done, total) => console.error(`[induction] ${done}/${total} sequences`),
      });
      checkFiniteScores(result.scores, options.modelDir);
      writeScoreCsv(out, result.scores);
      console.log(`Method: ${JSON.stringify(result.method)}`);
      console.log(`Top ${Math.min(10, result.scores.length)} heads (layer, head, score):`);
      for (const s of result.scores.slice(0, 10)) console.log(`  L${s.layer} H${s.head}  ${s.score.toFixed(4)}`);
      console.log(`Wrote ${result.scores.length} scores to ${out} (${engine.info.provider}, ${engine.info.dtype})`);
      return 0;
    } finally {
      await engine.close();
    }
  },
};

export default command;
