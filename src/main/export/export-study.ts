// Export of a stored study (`studies export`, the end of `run` and `demo`, the app's Export): reads
// the study, its summary (lag curves + statistics from the study service), trials and per-trial
// results from the store, and the model's tokenizer for token texts, and writes the output folder
// (write-outputs.ts). A study that has not finished is refused unless a partial export is asked
// for; that one holds the trials every condition has, and says so.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../shared/errors';
import type { Store } from '../store/db';
import { loadTrials } from '../store/conditions-repo';
import { getScoreSet } from '../store/score-sets-repo';
import { getTokenSet } from '../store/token-sets-repo';
import { getStudy, loadConditionResults, studySummary, type StudyDetail, type StudySummary } from '../studies/study-service';
import { completeTrials } from '../studies/study-results';
import { selectedGroupHeads } from '../studies/study-plan';
import type { LagCurve, StatsOptions } from '../../shared/study/types';
import { loadTokenizer } from '../engine/checkpoint';
import { folderModelName } from '../models/resolve-model';
import { writeStudyOutputs, type OutputOptions, type WrittenOutputs } from './write-outputs';
import { required } from '../../shared/checked';

export interface ExportOptions extends OutputOptions {
  /** Name used in file names and titles (default: the model folder's, or its Hugging Face repo's, name). */
  modelName?: string;
  /** Statistics settings other than the defaults (e.g. the contiguity lags). */
  stats?: Partial<StatsOptions>;
  /** Export a study that has not finished, marked as partial (otherwise such a study is refused). */
  partial?: boolean;
  /** Progress in words, with the fraction done where known. */
  onProgress?: (fraction: number | null, message: string) => void;
}

export interface StudyExport extends WrittenOutputs {
  summary: string;
  /** The summary the files were written from (for printing the metrics table). */
  studySummary: StudySummary;
}

export async function exportStudy(store: Store, studyId: number, outDir: string, options: ExportOptions = {}): Promise<StudyExport> {
  const detail = getStudy(store, studyId);
  const finished = detail.status === 'done' && detail.done === detail.total;
  if (!finished && !options.partial) throw unfinished(detail);
  const partialTrials = finished ? undefined : completeTrials(studySummary(store, studyId));
  if (partialTrials === 0) {
    throw new InputError(`study ${studyId}`, `has no complete trial yet (${detail.done} of ${detail.total} results); there is nothing to export`);
  }
  const summary = studySummary(store, studyId, { maxTrials: partialTrials, stats: options.stats });
  options.onProgress?.(0, `Writing study ${studyId} to ${outDir}`);
  const curves: Record<string, LagCurve> = {};
  for (const c of summary.conditions) if (c.curve) curves[c.condition.key] = c.curve;
  const byKey = new Map(detail.conditions.map((c) => [c.key, c]));
  const trialsOf = new Map(summary.conditions.map((c) => [c.condition.key, c.trials]));
  const tokenSet = getTokenSet(store, detail.tokenSetId);
  const scoreSet = detail.scoreSetId === null ? undefined : getScoreSet(store, detail.scoreSetId);

  const out = await writeStudyOutputs(
    outDir,
    {
      studyId,
      modelName: options.modelName ?? folderModelName(detail.spec.model),
      spec: detail.spec,
      conditions: detail.conditions.map(({ id: _id, studyId: _s, idx: _i, ...c }) => c),
      curves,
      statistics: summary.statistics,
      tokenText: tokenTexts(detail.model.path),
      // A partial export lists the trials it holds, not the ones still to run.
      // (In script mode every condition has its own block: all stored trials are listed.)
      loadTrials: () => loadTrials(store, studyId).slice(0, detail.spec.compat === 'script' ? undefined : partialTrials),
      // The same trials the summary used: 0..n-1 (results are stored trial-major, so a paused
      // study's conditions each hold such a prefix), so probs[t] is always trial t.
      loadProbs: (key) => {
        const r = loadConditionResults(store, studyId, required(byKey, key).id);
        const n = Math.min(trialsOf.get(key) ?? 0, r.trials);
        return Array.from({ length: n }, (_, t) => r.probs.slice(t * r.seqLen, (t + 1) * r.seqLen));
      },
      provenance: {
        name: detail.name,
        notes: detail.notes,
        status: detail.status,
        createdAt: iso(detail.createdAt),
        startedAt: iso(detail.startedAt),
        finishedAt: iso(detail.finishedAt),
        results: { done: detail.done, total: detail.total },
        runtime: detail.provenance,
        model: {
          path: detail.model.path,
          checksum: detail.model.checksum,
          source: detail.model.source,
          family: detail.model.spec.family,
          layers: detail.model.spec.nLayers,
          heads: detail.model.spec.nHeads,
        },
        tokenSet: tokenSet
          ? { id: tokenSet.id, name: tokenSet.name, sourcePath: tokenSet.sourcePath, size: tokenSet.tokens.length }
          : null,
        promptTokens: Array.from(detail.promptTokens),
        seqLen: detail.seqLen,
        batchSize: detail.batchSize,
        inductionScores: scoreSet ? { id: scoreSet.id, source: scoreSet.source, sourcePath: scoreSet.sourcePath, method: scoreSet.method } : null,
      },
      scores: scoreSet?.scores,
      groupHeads: detail.spec.compat === 'script' ? selectedGroupHeads(detail.spec, detail.model.spec, scoreSet?.scores ?? []) : undefined,
      partial: partialTrials === undefined ? undefined : { trials: partialTrials, permutations: detail.permutations, status: detail.interrupted ? 'interrupted' : detail.status },
    },
    options,
  );
  options.onProgress?.(1, `Exported study ${studyId} to ${outDir}`);
  return { ...out, studySummary: summary };
}

function unfinished(detail: StudyDetail): InputError {
  const status = detail.interrupted ? 'interrupted' : detail.status;
  return new InputError(
    `study ${detail.id}`,
    `is not finished (${status}, ${detail.done} of ${detail.total} results): resume it first (studies resume ${detail.id}), ` +
      'or ask for a partial export (--partial), whose files are named and marked as partial',
  );
}

/** Token texts from the model folder's tokenizer.json; empty texts when it is gone or unreadable. */
function tokenTexts(modelPath: string): (id: number) => string {
  const path = join(modelPath, 'tokenizer.json');
  if (!existsSync(path)) return () => '';
  try {
    const tokenizer = loadTokenizer(path);
    return (id) => (id >= 0 && id < tokenizer.vocabSize ? tokenizer.decode(id) : '');
  } catch {
    return () => '';
  }
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
