// A study run from the command line, shared by `run`, `demo` and `studies resume`: the study job
// (the app's queue runs the same one: engine loading, preparation, the run) printed as it goes, a
// progress line (Ctrl-C pauses), and the reports printed when a study stops early or finishes
// (outputs written, metrics table, where things are).

import type { StatsOptions, StudySpec } from '../../shared/study/types';
import { defaultDbPath } from '../app-paths';
import { exportStudy, type StudyExport } from '../export/export-study';
import { summaryTable } from '../export/summary-table';
import type { ResolvedModel } from '../models/resolve-model';
import { prepareOutputFolder } from '../output-paths';
import type { Store } from '../store/db';
import { runStudyJob, type JobProgress, type StudyJobOptions } from '../studies/study-job';
import { getStudy, precheckStudy, registerStudy, type StudyStatus } from '../studies/study-service';
import { stepPrinter } from './engine-progress';
import { withStore } from './with-store';
import { formatDuration } from '../../shared/format-duration';

export interface RunPlan {
  model: ResolvedModel;
  /** Raw spec (parseStudySpec validates it in registerStudy). */
  spec: Omit<StudySpec, 'name'> & { name?: string };
  outDir: string;
  /** The flag that named outDir, for messages (`--output_dir`, `--out`). */
  outFlag: string;
  dbPath: string;
  /** Things the user should know (ignored flags, dtype mapping, token source, differences from the script). */
  notes: string[];
  /** Statistics settings other than the defaults (--contiguity_lags). */
  stats?: Partial<StatsOptions>;
}

export interface RunOutcome {
  /** Process exit code: 0 done, 130 paused by Ctrl-C, 1 cancelled. */
  code: number;
  studyId: number;
  /** The written outputs, when the study finished. */
  output: StudyExport | null;
}

/**
 * Runs a plan in the order that fails fastest and leaves least behind: inputs checked, then the
 * output folder made and proved writable, then the database opened (created if new), then the
 * engine loaded and the study created and run.
 */
export async function runPlan(plan: RunPlan): Promise<RunOutcome> {
  precheckStudy(plan.spec);
  prepareOutputFolder(plan.outDir, plan.outFlag);
  return withStore(plan.dbPath, { create: true }, (store) => createAndRun(store, plan));
}

/** Creates the plan's study, runs it, and on completion writes the outputs and prints the report. */
export async function createAndRun(store: Store, plan: RunPlan): Promise<RunOutcome> {
  console.error(plan.spec.scores.source === 'compute' ? 'Preparing the study (computing induction scores)...' : 'Preparing the study...');
  const studyId = await registerStudy(store, plan.spec, { modelSource: plan.model.source });
  const status = await runWithProgress(store, studyId, {
    onPrepared: (engine) => {
      const study = getStudy(store, studyId);
      console.error(`Study ${studyId} "${study.name}": ${study.conditionCount} conditions x ${study.permutations} trials, prompt length ${study.seqLen}, on ${engine.info.provider} (${engine.info.dtype})`);
    },
  });
  if (status !== 'done') return { code: reportStopped(studyId, status, plan.outDir, plan.dbPath), studyId, output: null };
  const output = await reportDone(store, studyId, plan.outDir, plan.model.name, plan.dbPath, plan.stats);
  return { code: 0, studyId, output };
}

/** The job's steps before running (hashing, compiling, scoring) as `[phase] message` lines on stderr. */
function enginePrinter(stream: NodeJS.WriteStream) {
  const print = stepPrinter(stream);
  return (p: JobProgress) => print(p.phase, p.message, p.phase === 'compiling' ? (p.fraction ?? undefined) : undefined);
}

/**
 * Runs (or resumes) a study's job with progress on stderr: engine loading, preparation, then a
 * progress line. The first Ctrl-C pauses after the current batch (every finished batch is already
 * stored); a second one quits at once.
 */
export async function runWithProgress(
  store: Store,
  studyId: number,
  opts: Pick<StudyJobOptions, 'provider' | 'batchSize' | 'onPrepared'> = {},
): Promise<StudyStatus> {
  const controller = new AbortController();
  const progress = progressLine(process.stderr);
  const engine = enginePrinter(process.stderr);
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    progress.note('Pausing after the current batch... (Ctrl-C again to quit now)');
  };
  process.on('SIGINT', onSigint);
  try {
    return await runStudyJob(store, studyId, {
      ...opts,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'running') progress.update(p);
        // Scoring: its start and end, and steps without a fraction (the probe graph loading again after it), not every sequence.
        else if (p.phase !== 'scoring' || p.fraction === null || p.fraction === 0 || p.fraction === 1) engine(p);
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
    progress.finish();
  }
}

/** One updating line on a terminal; on a pipe, a plain line every 10% (and at the end). */
export function progressLine(stream: NodeJS.WriteStream) {
  const tty = Boolean(stream.isTTY);
  let lastDraw = 0;
  let lastDecile = -1;
  let drawn = false;
  let latest: JobProgress | null = null;
  const text = (p: JobProgress) => {
    const pct = p.total ? ((100 * p.done) / p.total).toFixed(1) : '0.0';
    const rate = p.rowsPerSecond !== null ? ` · ${p.rowsPerSecond.toFixed(1)} rows/s` : '';
    const running = (p.status ?? 'running') === 'running';
    const eta = p.etaSeconds !== null && running ? ` · ETA ${formatDuration(p.etaSeconds)}` : '';
    return `study ${p.studyId}: ${p.done}/${p.total} (${pct}%)${rate}${eta}${running ? '' : ` · ${p.status}`}`;
  };
  const draw = (p: JobProgress) => {
    if (tty) stream.write(`\r${text(p)}\x1b[K`);
    else stream.write(`${text(p)}\n`);
    drawn = true;
  };
  return {
    update: (p: JobProgress) => {
      latest = p;
      const now = Date.now();
      const decile = p.total ? Math.floor((10 * p.done) / p.total) : 0;
      const final = (p.status ?? 'running') !== 'running';
      if (tty ? now - lastDraw >= 200 || final : decile !== lastDecile || final) {
        lastDraw = now;
        lastDecile = decile;
        draw(p);
      }
    },
    note: (message: string) => stream.write(`${tty && drawn ? '\n' : ''}${message}\n`),
    finish: () => {
      if (tty && latest) draw(latest);
      if (tty && drawn) stream.write('\n');
    },
  };
}


export function reportStopped(studyId: number, status: StudyStatus, outDir: string, dbPath: string): number {
  const db = dbPath === defaultDbPath() ? '' : ` --db ${dbPath}`;
  console.log(`Study ${studyId} ${status}. Results so far are saved in ${dbPath}.`);
  console.log(`Resume with: npm run cli -- studies resume ${studyId} --out ${outDir}${db}`);
  return status === 'paused' ? 130 : 1;
}

/** Writes the outputs, then prints the metrics table and where everything is. */
export async function reportDone(
  store: Store,
  studyId: number,
  outDir: string,
  modelName: string,
  dbPath: string,
  stats: Partial<StatsOptions> = {},
): Promise<StudyExport> {
  console.error('Writing tables, figures and trials...');
  const out = await exportStudy(store, studyId, outDir, { modelName, stats });
  const study = getStudy(store, studyId);
  const runtime = study.provenance;
  console.log(`\nStudy ${studyId} "${study.name}" done: ${study.permutations} trials, engine time ${formatDuration(runtime.runMs / 1000)} on ${runtime.provider} (${runtime.dtype}).\n`);
  console.log(summaryTable(out.studySummary));
  console.log('\nP(+1): probability of the token that followed the earlier occurrence of the repeated token.');
  console.log(`\nOutputs in ${outDir}:`);
  console.log(`  figures/     ${out.figures.length} PNG: lag plots per condition and per group (linear and log), dose-response`);
  console.log(`  tables/      ${out.tables.length} CSV: Lag,Mean Probability (the seed's tables)`);
  console.log(`  stats/       ${out.stats.length} CSV: + SD, SEM, 95% CI, N`);
  console.log(`  heads/       ${out.heads.length} JSON: heads ablated per condition`);
  console.log('  summary.csv  comparisons.csv  random_draws.csv  peak_lag_shares.csv: the statistics, one row per condition / comparison');
  console.log(`  trials.json  trials_long.csv.gz  provenance.json${out.scores ? '  induction_scores.csv' : ''}`);
  const dose = out.figures.find((f) => f.endsWith('_dose_response.png'));
  if (dose) console.log(`Dose-response figure: ${dose}`);
  console.log(`Database: ${dbPath} (study ${studyId})`);
  return out;
}
