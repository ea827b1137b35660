// Writes a finished (or partial) study's output folder in the seed's layout plus our additions:
//   tables/*.csv  `Lag,Mean Probability` (seed)     stats/*.csv   + SD, SEM, CI, N
//   heads/*.json  resolved heads per group (seed)   figures/*.png lag plots (linear, log) + dose-response
//   summary.csv, comparisons.csv, random_draws.csv, peak_lag_shares.csv   the statistics (stats-csv.ts)
//   trials.json, trials_long.csv.gz   token orders + per-trial probs
//   induction_scores.csv  the head scores used      provenance.json  spec, engine, versions, file list
// Every file appears whole or not at all (output-files.ts); provenance.json is written last. A
// partial export marks every file, in its name and inside. Pure on its inputs: the store adapter
// (export-study.ts) calls it.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Condition, ConditionGroup, ConditionMetrics, HeadScore, LagCurve, StudySpec, StudyStatistics } from '../../shared/study/types';
import { ensureFolder } from '../output-paths';
import { formatScoreCsv } from '../studies/import/score-csv';
import { lagStatsCsv, lagTableCsv, scriptTableCsv } from './csv';
import type { HeadRef } from '../../shared/model-spec';
import * as names from './file-names';
import { conditionFigure, doseFigure, groupFigure, ZOOM_LAGS, type FigureContext, type FigureJob } from '../../shared/chart/study-figures';
import { markCsv, partialFileName, partialNote, sweepTemporaryFiles, writeFileAtomic, type PartialMark } from './output-files';
import { writeChartPng } from './png';
import { comparisonsCsv, peakSharesCsv, randomDrawsCsv, summaryCsv, summaryRows } from './stats-csv';
import { writeTrialsJson } from './trials-json';
import { writeTrialsLong } from './trials-long';
import { at } from '../../shared/checked';
import { trialOffset } from '../../shared/study/compat/script-conditions';

export interface StudyOutputData {
  studyId?: number;
  /** Model name used in file names and titles (the seed's --model_name, or the folder's name). */
  modelName: string;
  spec: StudySpec;
  conditions: Condition[];
  /** Lag curve per condition key (conditions without results are skipped). */
  curves: Record<string, LagCurve>;
  /** The study's statistics (shared/study/study-statistics.ts), conditions in `conditions` order. */
  statistics: StudyStatistics;
  /** Every trial's prompt (S token ids), in trial order. */
  loadTrials: () => ArrayLike<number>[] | Promise<ArrayLike<number>[]>;
  /** A condition's probabilities, one Float32Array of S values per trial, in trial order. */
  loadProbs: (conditionKey: string) => Float32Array[] | Promise<Float32Array[]>;
  /** The study's provenance record (engine, versions, timings), written as is. */
  provenance: unknown;
  /** A token id's text for trials_long.csv.gz (empty text when no tokenizer is at hand). */
  tokenText?: (id: number) => string;
  /** The head scores the study used (induction_scores.csv); none for studies without scores. */
  scores?: readonly HeadScore[];
  /** Set for a study exported before it finished: what the files hold. */
  partial?: PartialMark;
  /** Per spec group, every head its selection chose (script mode writes them all in heads/*.json). */
  groupHeads?: HeadRef[][];
}

export interface OutputOptions {
  /** Render PNG figures (default true). */
  figures?: boolean;
  /** Write trials.json (default true). */
  trialsJson?: boolean;
  /** Write trials_long.csv.gz (default true). */
  trialsLong?: boolean;
}

export interface WrittenOutputs {
  outDir: string;
  tables: string[];
  stats: string[];
  heads: string[];
  figures: string[];
  summary: string;
  /** comparisons.csv, random_draws.csv, peak_lag_shares.csv. */
  statistics: string[];
  trials: string | null;
  trialsLong: string | null;
  scores: string | null;
  provenance: string;
  /** Set when the files are a partial export. */
  partial: PartialMark | null;
}

/** The conditions of a group: the shared baseline, then the group's ablations by count and draw. */
export function groupMembers(group: ConditionGroup, conditions: readonly Condition[]): Condition[] {
  const baseline = conditions.filter((c) => c.headType === 'none');
  const own = conditions
    .filter((c) => c.headType === group.headType && c.mode === group.mode && c.layerRange === group.layerRange)
    .sort((a, b) => a.count - b.count || a.draw - b.draw);
  return [...baseline, ...own];
}

export async function writeStudyOutputs(outDir: string, data: StudyOutputData, options: OutputOptions = {}): Promise<WrittenOutputs> {
  const { spec, conditions, curves, statistics } = data;
  const metrics = metricsByKey(statistics);
  const model = data.modelName;
  const mark = data.partial ?? null;
  const P = names.permLabel(spec.permutations, mark?.trials);
  const folders = [outDir, ...['tables', 'stats', 'heads', 'figures'].map((sub) => join(outDir, sub))];
  for (const folder of folders) ensureFolder(folder, 'the export');
  sweepTemporaryFiles(folders);
  const out: WrittenOutputs = {
    outDir,
    tables: [],
    stats: [],
    heads: [],
    figures: [],
    summary: '',
    statistics: [],
    trials: null,
    trialsLong: null,
    scores: null,
    provenance: '',
    partial: mark,
  };
  const put = async (rel: string, text: string, list?: string[]) => {
    await writeFileAtomic(join(outDir, rel), text);
    list?.push(join(outDir, rel));
  };

  const ctx: FigureContext = {
    // Titles have little room: the short form of the mark.
    model: mark ? `PARTIAL (${mark.trials} of ${mark.permutations} trials) ${model}` : model,
    trials: mark?.trials ?? spec.permutations,
    seed: spec.seed,
  };
  const jobs: FigureJob[] = [];
  for (const group of spec.groups) {
    const ref = { ...group, draws: group.headType === 'random' ? group.draws : 1 };
    const members = groupMembers(group, conditions);
    for (const c of members) {
      if (c.headType === 'none' && !group.counts.includes(0)) continue;
      const curve = curves[c.key];
      if (!curve) continue;
      const stem = names.conditionStem(model, P, ref, c);
      const table = spec.compat === 'script' ? scriptTableCsv(curve.lags, await data.loadProbs(c.key)) : lagTableCsv(curve);
      await put(names.tableFile(stem), markCsv(table, mark), out.tables);
      await put(names.statsFile(stem), markCsv(lagStatsCsv(curve), mark), out.stats);
      // One figure per count as the seed draws; further random draws are in the tables and the dose-response band.
      if (c.draw === 0) jobs.push(conditionFigure(ctx, c, curve, names.conditionFigureFile(stem)));
    }
    await put(names.headsFile(model, ref, mark !== null), headsJson(group, members, mark, data.groupHeads?.[spec.groups.indexOf(group)]), out.heads);
    for (const lagWindow of [undefined, ZOOM_LAGS]) {
      for (const logScale of [false, true]) {
        jobs.push(groupFigure(ctx, group, members, curves, names.groupFigureFile(model, P, ref, lagWindow, logScale), { lagWindow, logScale }));
      }
    }
  }
  jobs.push(doseFigure(ctx, conditions, metrics, spec.groups, names.doseResponseFile(model, P)));

  const summaryName = partialFileName(names.SUMMARY_FILE, mark);
  await put(summaryName, markCsv(summaryCsv(summaryRows(conditions, statistics)), mark));
  out.summary = join(outDir, summaryName);
  const statisticsFiles: [string, string][] = [
    [names.COMPARISONS_FILE, comparisonsCsv(statistics.comparisons)],
    [names.RANDOM_DRAWS_FILE, randomDrawsCsv(statistics.drawSummaries)],
    [names.PEAK_SHARES_FILE, peakSharesCsv(statistics)],
  ];
  for (const [name, text] of statisticsFiles) await put(partialFileName(name, mark), markCsv(text, mark), out.statistics);

  if (data.scores && data.scores.length > 0) {
    const scoresName = partialFileName(names.INDUCTION_SCORES_FILE, mark);
    await put(scoresName, markCsv(formatScoreCsv(data.scores), mark));
    out.scores = join(outDir, scoresName);
  }

  if (options.figures ?? true) {
    // Drawing is synchronous; PNG encoding (most of the time) runs on libuv's thread pool, so a few
    // figures in flight overlap encoding with drawing. Each holds a 1920 x 1440 canvas (11 MB).
    const inFlight = Math.max(1, Math.min(4, availableParallelism()));
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = at(jobs, next++);
        await writeChartPng(join(outDir, job.file), job.spec);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    out.figures.push(...jobs.map((job) => join(outDir, job.file)));
  }

  const withResults = conditions.filter((c) => curves[c.key]);
  if (options.trialsJson ?? true) {
    out.trials = join(outDir, partialFileName(names.TRIALS_FILE, mark));
    await writeTrialsJson(
      out.trials,
      await data.loadTrials(),
      withResults.map((c) => ({
        key: c.key,
        label: c.label,
        heads: c.heads,
        mode: c.headType === 'none' ? 'none' : c.mode,
        loadProbs: () => data.loadProbs(c.key),
        ...(spec.compat === 'script' ? { trialOffset: trialOffset(spec, c) } : {}),
      })),
      mark ? partialJson(mark) : undefined,
    );
  }

  if (options.trialsLong ?? true) {
    out.trialsLong = join(outDir, names.trialsLongFile(mark !== null));
    const longConditions = withResults.map((condition) => ({ condition, loadProbs: () => data.loadProbs(condition.key), trialOffset: trialOffset(spec, condition) }));
    const note = mark ? partialNote(mark) : undefined;
    await writeTrialsLong(out.trialsLong, await data.loadTrials(), longConditions, data.tokenText ?? (() => ''), note);
  }

  // Last: a provenance file means the export is complete.
  out.provenance = join(outDir, partialFileName(names.PROVENANCE_FILE, mark));
  const provenance = {
    ...(mark ? { partial: partialJson(mark) } : {}),
    app: 'Ablation Studio',
    exportedAt: new Date().toISOString(),
    studyId: data.studyId ?? null,
    model,
    spec,
    conditions: conditions.map((c) => ({ ...c, heads: c.heads.map((h) => [h.layer, h.head]) })),
    provenance: data.provenance,
    // How the statistics were computed (README "Statistics"): level, contiguity lags, bootstrap.
    statistics: statistics.options,
    files: relativeFiles(outDir, out),
  };
  await writeFileAtomic(out.provenance, JSON.stringify(provenance, null, 2) + '\n');
  return out;
}

function metricsByKey(statistics: StudyStatistics): Record<string, ConditionMetrics> {
  const out: Record<string, ConditionMetrics> = {};
  for (const { key, metrics } of statistics.conditions) if (metrics) out[key] = metrics;
  return out;
}

function partialJson(mark: PartialMark): Record<string, unknown> {
  return { note: partialNote(mark), trials: mark.trials, permutations: mark.permutations, status: mark.status };
}

/**
 * The seed's heads file (head_type, layer_abl, mode, heads) plus every condition's own list; `heads`
 * is the group's whole selection where known (script mode: all max_heads_abl heads, as the script).
 */
function headsJson(group: ConditionGroup, members: readonly Condition[], mark: PartialMark | null, selected?: readonly HeadRef[]): string {
  const own = members.filter((c) => c.headType !== 'none');
  const pairs = (c: Condition) => c.heads.map((h) => [h.layer, h.head]);
  const pairsOf = (c: Condition | undefined) => (c ? pairs(c) : []);
  const largest = (draw: number) => own.filter((c) => c.draw === draw).sort((a, b) => b.count - a.count)[0];
  const draws = [...new Set(own.map((c) => c.draw))].sort((a, b) => a - b);
  const body: Record<string, unknown> = {
    ...(mark ? { partial: partialJson(mark) } : {}),
    head_type: group.headType,
    layer_abl: group.layerRange,
    mode: group.mode,
    // The seed lists max_heads_abl heads; ours lists the heads of the largest count run (counts are nested).
    heads: selected ? selected.map((h) => [h.layer, h.head]) : pairsOf(largest(0)),
  };
  if (draws.length > 1) body.draws = draws.map((d) => pairsOf(largest(d)));
  body.conditions = own.map((c) => ({ key: c.key, label: c.label, count: c.count, draw: c.draw, heads: pairs(c) }));
  return JSON.stringify(body, null, 2) + '\n';
}

function relativeFiles(outDir: string, out: WrittenOutputs): Record<string, string[] | string | null> {
  const rel = (p: string) => p.slice(outDir.length + 1);
  return {
    tables: out.tables.map(rel),
    stats: out.stats.map(rel),
    heads: out.heads.map(rel),
    figures: out.figures.map(rel),
    summary: rel(out.summary),
    statistics: out.statistics.map(rel),
    trials: out.trials ? rel(out.trials) : null,
    trialsLong: out.trialsLong ? rel(out.trialsLong) : null,
    scores: out.scores ? rel(out.scores) : null,
  };
}
