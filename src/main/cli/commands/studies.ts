// `studies`: the study database from the command line: list, show (spec, provenance, statistics),
// export (the `run` output layout), compare (several studies in one table and figure), resume
// (after Ctrl-C, a crash or a pause in the app), rename, delete. Every subcommand takes --db
// (default: the app's database).

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LAYER_RANGE_LABELS } from '../../../shared/study/labels';
import { formatCounts, valueBiasOf } from '../../../shared/study/spec';
import type { StudySpec } from '../../../shared/study/types';
import { defaultDbPath } from '../../app-paths';
import { compareCsv, compareFigure, compareRows, compareTable, loadComparedStudy } from '../../export/compare-studies';
import { writeFileAtomic } from '../../export/output-files';
import { writeChartPng } from '../../export/png';
import { summaryTable } from '../../export/summary-table';
import { formatTable } from '../../../shared/study/text-format';
import { folderModelName } from '../../models/resolve-model';
import { prepareOutputFolder } from '../../output-paths';
import type { Store } from '../../store/db';
import { deleteStudy, getStudy, listStudies, renameStudy, studySummary } from '../../studies/study-service';
import { exportStudy } from '../../export/export-study';
import { hasLiveRunner, studyBusyError } from '../../studies/active-runs';
import { UsageError, type CliCommand } from '../command';
import { boolFlag, choiceFlag, parseFlags, stringFlag, studyIdArg, type ParsedArgs } from '../args';
import { withStore } from '../with-store';
import { formatDuration } from '../../../shared/format-duration';
import { reportDone, reportStopped, runWithProgress } from '../study-session';
import { namingStatsFlags, STATS_FLAGS, STATS_USAGE, statsFlags } from '../stats-flags';

const USAGE = `Usage: npm run cli -- studies <subcommand> [args] [--db <file>]

  list                          every study, newest first
  show <id>                     spec, provenance and the metrics table
  export <id> --out <dir>       write tables/, stats/, heads/, figures/, summary.csv and the other
          [--model_name <name>] statistics tables, trials.json, trials_long.csv.gz, provenance.json
                                (name used in file names: default the model's)
          [--partial]           export a study that has not finished: its complete trials, every
                                file named and marked as partial
  compare <id> <id>... --out <dir>  one table (compare.csv) and one figure (compare.png) over
                                several studies: P(+1) change per head count, induction vs random
  resume <id> [--out <dir>]     run what is left of a paused, failed or interrupted study, then
          [--provider auto|cpu|cuda]  export to --out if given
  rename <id> <name>            change a study's name
  delete <id>                   delete a study with all its results

  --db <file>                   study database (default ${defaultDbPath()})
${STATS_USAGE}`;

const FLAGS = {
  db: { type: 'string' },
  out: { type: 'string' },
  model_name: { type: 'string' },
  provider: { type: 'string' },
  partial: { type: 'boolean' },
  ...STATS_FLAGS,
} as const;

const command: CliCommand = {
  summary: 'list, show, export, resume, rename or delete stored studies',
  usage: USAGE,
  async run(argv) {
    const args = parseFlags(argv, FLAGS, true);
    const [sub, ...rest] = args.positionals;
    if (!sub) throw new UsageError('missing subcommand');
    const handler = SUBCOMMANDS[sub];
    if (!handler) throw new UsageError(`unknown subcommand "${sub}"`);
    const dbFlag = stringFlag(args, 'db');
    const dbPath = resolve(dbFlag ?? defaultDbPath());
    // A new user's first `studies list`, before any run has made the default database.
    if (sub === 'list' && dbFlag === undefined && !existsSync(dbPath)) return printNoStudies();
    // Managing studies never creates a database: a mistyped --db is an error, not a new empty file.
    return withStore(dbPath, { create: false }, (store) => namingStatsFlags(() => handler(store, rest, args, dbPath)));
  },
};

export default command;

type Handler = (store: Store, positionals: string[], args: ParsedArgs, dbPath: string) => Promise<number>;

const SUBCOMMANDS: Record<string, Handler> = {
  async list(store) {
    const studies = listStudies(store);
    if (studies.length === 0) return printNoStudies();
    const rows = studies.map((s) => [
      String(s.id),
      s.name,
      s.interrupted ? 'interrupted' : s.status,
      `${s.done}/${s.total}`,
      folderModelName(s.modelPath),
      new Date(s.createdAt).toISOString().slice(0, 16).replace('T', ' '),
    ]);
    console.log(formatTable(['id', 'name', 'status', 'results', 'model', 'created'], rows, ['right', 'left', 'left', 'right', 'left', 'left']));
    return 0;
  },

  async show(store, [id], args) {
    const s = getStudy(store, studyIdArg(id));
    const spec = s.spec;
    const p = s.provenance;
    const when = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
    console.log(`Study ${s.id}: ${s.name}`);
    if (s.notes) console.log(`Notes: ${s.notes}`);
    console.log(`Status: ${s.interrupted ? 'interrupted (resumable)' : s.status}${s.error ? ` — ${s.error}` : ''}; ${s.done}/${s.total} results`);
    console.log(`Created ${when(s.createdAt)} · started ${when(s.startedAt)} · finished ${when(s.finishedAt)}`);
    console.log(`\nModel: ${s.model.path} (${s.model.spec.family}, ${s.model.spec.nLayers} layers x ${s.model.spec.nHeads} heads)`);
    console.log(`Trials: ${spec.permutations} · tokens per prompt: ${spec.tokenCount} (from ${describeTokens(spec.tokens)}) · seed ${spec.seed} · batch ${s.batchSize}`);
    console.log(`Induction scores: ${spec.scores.source === 'csv' ? spec.scores.path : spec.scores.source === 'compute' ? 'computed by the app' : `stored set ${spec.scores.id}`} · max_heads_abl ${spec.maxHeadsAbl}`);
    const mode = spec.compat === 'script' ? 'script (--compat script: as run_ablations.py, unpaired trials)' : 'studio (paired trials)';
    const replay = [spec.trialsFile && `trials from ${spec.trialsFile}`, spec.headsFile && `heads from ${spec.headsFile}`].filter(Boolean).join(' · ');
    console.log(`Mode: ${mode} · value bias under zero ablation: ${valueBiasOf(spec)}${replay ? ` · ${replay}` : ''}`);
    for (const g of spec.groups) {
      const draws = g.headType === 'random' && g.draws > 1 ? `, ${g.draws} draws` : '';
      console.log(`Group: ${g.headType} heads, counts ${formatCounts(g.counts)}, ${g.mode} ablation, --layer_abl ${g.layerRange} (${LAYER_RANGE_LABELS[g.layerRange]})${draws}`);
    }
    console.log(`\nRuntime: app ${p.appVersion ?? '—'}, onnxruntime ${p.ortVersion ?? '—'}, engine ${p.engineVersion ?? '—'}, ${p.provider ?? '—'} (${p.dtype ?? '—'}), compile ${p.compileMs === null ? '—' : formatDuration(p.compileMs / 1000)}, run ${formatDuration(p.runMs / 1000)}`);
    console.log(`\n${summaryTable(studySummary(store, s.id, { stats: statsFlags(args) }))}`);
    return 0;
  },

  async export(store, [id], args) {
    const studyId = studyIdArg(id);
    const out = stringFlag(args, 'out');
    if (!out) throw new UsageError('export needs --out <dir>');
    getStudy(store, studyId);
    const outDir = prepareOutputFolder(out, '--out');
    const result = await exportStudy(store, studyId, outDir, { modelName: stringFlag(args, 'model_name'), partial: boolFlag(args, 'partial'), stats: statsFlags(args) });
    // + summary.csv, trials.json, trials_long.csv.gz, provenance.json (and induction_scores.csv)
    const files = result.tables.length + result.stats.length + result.heads.length + result.figures.length + result.statistics.length + (result.scores ? 5 : 4);
    const mark = result.partial;
    const what = mark ? `study ${studyId} PARTIALLY (${mark.trials} of ${mark.permutations} trials; every file marked partial)` : `study ${studyId}`;
    console.log(`Exported ${what} to ${result.outDir} (${files} files).`);
    return 0;
  },

  async compare(store, ids, args) {
    const out = stringFlag(args, 'out');
    if (!out) throw new UsageError('compare needs --out <dir>');
    if (ids.length === 0) throw new UsageError('compare needs at least one study id');
    const stats = statsFlags(args);
    const studies = ids.map((id) => loadComparedStudy(store, studyIdArg(id), { stats }));
    const rows = compareRows(studies);
    const dir = prepareOutputFolder(out, '--out');
    await writeFileAtomic(join(dir, 'compare.csv'), compareCsv(rows));
    await writeChartPng(join(dir, 'compare.png'), compareFigure(rows));
    console.log(compareTable(rows));
    console.log(`\nChange: P(+1) relative to each study's own baseline. Induction − random: pooled over draws, paired over trials.`);
    console.log(`Wrote ${join(dir, 'compare.csv')} and ${join(dir, 'compare.png')}.`);
    return 0;
  },

  async resume(store, [id], args, dbPath) {
    const studyId = studyIdArg(id);
    const s = getStudy(store, studyId);
    if (hasLiveRunner(store, s)) throw studyBusyError(s);
    const outFlag = stringFlag(args, 'out');
    // Checked before the run, not found unwritable after it.
    const out = outFlag === undefined ? undefined : prepareOutputFolder(outFlag, '--out');
    let status = s.status;
    if (status !== 'done') {
      const provider = choiceFlag(args, 'provider', ['auto', 'cpu', 'cuda'] as const, s.spec.provider);
      status = await runWithProgress(store, studyId, { provider });
      if (status !== 'done') return reportStopped(studyId, status, out ?? '<dir>', dbPath);
    }
    if (out) {
      await reportDone(store, studyId, out, stringFlag(args, 'model_name') ?? folderModelName(s.model.path), dbPath, statsFlags(args));
    } else {
      console.log(`Study ${studyId} is done. Export it with: npm run cli -- studies export ${studyId} --out <dir>`);
    }
    return 0;
  },

  async rename(store, [id, ...words]) {
    const studyId = studyIdArg(id);
    if (words.length === 0) throw new UsageError('rename needs a new name');
    renameStudy(store, studyId, words.join(' '));
    console.log(`Study ${studyId} renamed to "${words.join(' ').trim()}".`);
    return 0;
  },

  async delete(store, [id]) {
    const studyId = studyIdArg(id);
    const s = getStudy(store, studyId);
    deleteStudy(store, studyId);
    console.log(`Deleted study ${studyId} "${s.name}" (${s.done} results).`);
    return 0;
  },
};

function printNoStudies(): number {
  console.log('No studies yet. Start one with `npm run cli -- run` or `npm run demo`.');
  return 0;
}

function describeTokens(tokens: StudySpec['tokens']): string {
  if (tokens.source === 'file') return tokens.path;
  if (tokens.source === 'store') return `stored token set ${tokens.id}`;
  return 'the vocabulary';
}
