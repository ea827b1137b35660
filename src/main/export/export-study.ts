// Export of a stored study (`studies export`, the end of `run` and `demo`): reads the study, its
// summary (lag curves + metrics from the study service), trials and per-trial results from the
// store and writes the output folder (write-outputs.ts).

import type { Store } from '../store/db';
import { loadTrials } from '../store/conditions-repo';
import { getScoreSet } from '../store/score-sets-repo';
import { getTokenSet } from '../store/token-sets-repo';
import { getStudy, loadConditionResults, studySummary, type StudySummary } from '../studies/study-service';
import type { ConditionMetrics, LagCurve } from '../../shared/study/types';
import { folderModelName } from '../models/resolve-model';
import { writeStudyOutputs, type OutputOptions, type WrittenOutputs } from './write-outputs';
import { required } from '../../shared/checked';

export interface ExportOptions extends OutputOptions {
  /** Name used in file names and titles (default: the model folder's, or its Hugging Face repo's, name). */
  modelName?: string;
}

export interface StudyExport extends WrittenOutputs {
  summary: string;
  /** The summary the files were written from (for printing the metrics table). */
  studySummary: StudySummary;
}

export async function exportStudy(store: Store, studyId: number, outDir: string, options: ExportOptions = {}): Promise<StudyExport> {
  const detail = getStudy(store, studyId);
  const summary = studySummary(store, studyId);
  const curves: Record<string, LagCurve> = {};
  const metrics: Record<string, ConditionMetrics> = {};
  for (const c of summary.conditions) {
    if (c.curve) curves[c.condition.key] = c.curve;
    if (c.metrics) metrics[c.condition.key] = c.metrics;
  }
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
      metrics,
      loadTrials: () => loadTrials(store, studyId),
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
    },
    options,
  );
  return { ...out, studySummary: summary };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
