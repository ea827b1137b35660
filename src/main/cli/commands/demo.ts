// `demo` (`npm run demo`): the demo preset (induction vs random heads, counts 0-1-2-4-8, zero
// ablation, all layers, 300 trials, seed 42) on the bundled demo model, written to
// ./studio-output/demo and the default database. Fails clearly while the demo model is not built.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { demoPreset } from '../../../shared/study/presets';
import { SPEC_LIMITS } from '../../../shared/study/spec';
import { defaultDbPath } from '../../app-paths';
import { relativeDropLines } from '../../export/summary-table';
import { DEMO_MODEL_NAME, resolveModel } from '../../models/resolve-model';
import { type CliCommand } from '../command';
import { intFlag, parseFlags, stringFlag } from '../args';
import { runPlan, type RunPlan } from '../study-session';
import { demoTargets, formatDemoTargets } from '../demo-targets';
import { checkStatsFlags, STATS_FLAGS, statsFlags } from '../stats-flags';

const USAGE = `Usage: npm run demo [-- --out <dir>] [--db <file>] [--permutations <n>] [--batch_size <n>] [--contiguity_lags <k>]

Runs the demo study on the bundled demo model (resources/models/demo-induction): induction heads
vs random heads (5 random draws), 0-1-2-4-8 heads silenced by zero ablation in all layers,
300 shuffled prompts of 500 tokens, seed 42. Prints P(+1) with its 95% CI per condition, the
paired difference and relative change from baseline, the curve's shape, induction vs random heads
at each count, and the relative drop at 4 heads; writes figures and tables.

  --out <dir>         output folder (default ./studio-output/demo)
  --db <file>         study database (default ${defaultDbPath()})
  --permutations <n>  fewer trials for a quicker look (default 300)
  --batch_size <n>    prompts per forward pass
  --contiguity_lags <k>  contiguity measure over lags 1..k vs -k..-1 (default 5)`;

/** Heads count whose relative drop the demo reports. */
const REPORT_COUNT = 4;

const command: CliCommand = {
  summary: 'run the demo study on the bundled demo model',
  usage: USAGE,
  async run(argv) {
    const args = parseFlags(argv, {
      out: { type: 'string' },
      db: { type: 'string' },
      permutations: { type: 'string' },
      batch_size: { type: 'string' },
      ...STATS_FLAGS,
    });
    const model = resolveModel(DEMO_MODEL_NAME);
    const spec = demoPreset(model.dir);
    spec.permutations = intFlag(args, 'permutations', spec.permutations, 2, SPEC_LIMITS.permutations);
    spec.batchSize = intFlag(args, 'batch_size', spec.batchSize, 1, SPEC_LIMITS.batchSize);
    const tokens = join(model.dir, 'tokens.json');
    if (existsSync(tokens)) spec.tokens = { source: 'file', path: tokens };
    const stats = statsFlags(args);
    checkStatsFlags(stats, spec.tokenCount + 1);
    const plan: RunPlan = {
      model,
      spec,
      outDir: resolve(stringFlag(args, 'out') ?? join('studio-output', 'demo')),
      outFlag: '--out',
      dbPath: resolve(stringFlag(args, 'db') ?? defaultDbPath()),
      notes: [],
      stats,
    };
    const outcome = await runPlan(plan);
    if (!outcome.output) return outcome.code;
    const lines = relativeDropLines(outcome.output.studySummary, REPORT_COUNT);
    if (lines.length) console.log(`\nRelative drop at ${REPORT_COUNT} heads:\n  ${lines.join('\n  ')}`);
    const targets = demoTargets(outcome.output.studySummary, REPORT_COUNT);
    if (targets.length) console.log(`\nDemo model targets:\n${formatDemoTargets(targets)}`);
    return 0;
  },
};

export default command;
