// Induction-score sets of a model, for the Models screen: list them, read one (ranked, with the
// heads it leaves out), compute a new one on the engine (with progress, stoppable), or import the
// seed's CSV. Identical sets are found again rather than stored twice.

import { basename, resolve } from 'node:path';
import { NotFoundError } from '../../shared/errors';
import type { ScoreSetDetail, ScoreSetView } from '../../shared/ipc/models';
import type { HeadRef } from '../../shared/model-spec';
import { compareHeadScores } from '../../shared/study/heads';
import type { HeadScore } from '../../shared/study/types';
import type { StudioContext } from '../app/context';
import type { EngineProgress } from '../engine/engine-types';
import { inTransaction } from '../store/db';
import { findScoreSet, getScoreSet, insertScoreSet, listScoreSets, type NewScoreSet, type ScoreSetRecord } from '../store/score-sets-repo';
import { readScoreCsv } from '../studies/import/score-csv';
import { computeScoreSet, type InductionParams } from './induction-scores';
import { requestedModel } from './model-service';

function setView(set: Omit<ScoreSetRecord, 'scores'>, scores: readonly HeadScore[]): ScoreSetView {
  const top = [...scores].sort(compareHeadScores)[0];
  return {
    id: set.id,
    modelId: set.modelId,
    source: set.source,
    method: set.method,
    sourcePath: set.sourcePath,
    createdAt: set.createdAt,
    heads: scores.length,
    top: top ? { layer: top.layer, head: top.head, score: top.score } : null,
  };
}

/** The model's heads that have no score in the set, by (layer, head). */
function missingHeads(nLayers: number, nHeads: number, scores: readonly HeadScore[]): HeadRef[] {
  const scored = new Set(scores.map((s) => s.layer * nHeads + s.head));
  const missing: HeadRef[] = [];
  for (let layer = 0; layer < nLayers; layer++) {
    for (let head = 0; head < nHeads; head++) if (!scored.has(layer * nHeads + head)) missing.push({ layer, head });
  }
  return missing;
}

export function listScoreSetViews(ctx: StudioContext, modelId: number): ScoreSetView[] {
  requestedModel(ctx, modelId);
  return listScoreSets(ctx.store, modelId).map((set) => setView(set, getScoreSet(ctx.store, set.id)?.scores ?? []));
}

export function scoreSetDetail(ctx: StudioContext, id: number): ScoreSetDetail {
  const set = getScoreSet(ctx.store, id);
  if (!set) throw new NotFoundError(`score set ${id}`, 'no such score set in the database');
  const model = requestedModel(ctx, set.modelId);
  return { set: setView(set, set.scores), scores: [...set.scores].sort(compareHeadScores), missing: missingHeads(model.nLayers, model.nHeads, set.scores) };
}

function storeSet(ctx: StudioContext, set: NewScoreSet): number {
  return inTransaction(ctx.store, () => findScoreSet(ctx.store, set) ?? insertScoreSet(ctx.store, set));
}

/** Computes the model's induction scores on an engine; `signal` stops it between batches. */
export async function computeScores(
  ctx: StudioContext,
  modelId: number,
  params: Partial<InductionParams> & { seed?: number; provider?: 'auto' | 'cpu' | 'cuda' },
  opts: { signal?: AbortSignal; onEngine?: (e: EngineProgress) => void; onScoring?: (done: number, total: number) => void } = {},
): Promise<ScoreSetDetail> {
  const model = requestedModel(ctx, modelId);
  const engine = await ctx.openEngine({ modelDir: model.path, provider: params.provider ?? 'auto', signal: opts.signal, onProgress: opts.onEngine });
  try {
    const seed = params.seed ?? 42;
    const computed = await computeScoreSet(engine, model.path, { seqLen: params.seqLen, count: params.count, seed }, (done, total) => {
      opts.signal?.throwIfAborted();
      opts.onScoring?.(done, total);
    });
    return scoreSetDetail(ctx, storeSet(ctx, { ...computed.set, modelId }));
  } finally {
    await engine.close();
  }
}

/** Imports a seed-format CSV (`layer,head,scores`) for the model; heads it leaves out are listed in `missing`. */
export function importScores(ctx: StudioContext, modelId: number, path: string): ScoreSetDetail {
  const model = requestedModel(ctx, modelId);
  const file = resolve(path);
  const { scores } = readScoreCsv(file, model);
  return scoreSetDetail(ctx, storeSet(ctx, { modelId, method: { kind: 'csv', file: basename(file) }, source: 'csv', sourcePath: file, scores }));
}
