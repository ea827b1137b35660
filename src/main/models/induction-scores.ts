// Induction scores of a model as a score set ready to store: the app's computation (random repeated
// sequences drawn from the vocabulary without special tokens, engine/induction.ts) with its method
// recorded. Studies that compute their scores and the Models screen both call this, so the same
// parameters give the same stored set (found again instead of stored twice).

import type { HeadScore } from '../../shared/study/types';
import type { Engine } from '../engine/engine-types';
import { computeInductionScores } from '../engine/induction';
import type { NewScoreSet } from '../store/score-sets-repo';
import { promptableIds, readModelVocabulary } from '../engine/checkpoint/special-tokens';
import { checkFiniteScores } from '../engine/finite-outputs';

export interface InductionParams {
  /** Length T of each random sequence (the prompt is 2T); capped at half the model's positions. */
  seqLen: number;
  /** Number of sequences averaged. */
  count: number;
}

export const INDUCTION_DEFAULTS: InductionParams = { seqLen: 50, count: 20 };

export interface ComputedScores {
  scores: HeadScore[];
  set: Omit<NewScoreSet, 'modelId'>;
}

/** `onProgress(done, total)` after each batch of sequences; throwing from it stops the computation. */
export async function computeScoreSet(
  engine: Pick<Engine, 'info' | 'patterns'>,
  modelDir: string,
  params: Partial<InductionParams> & { seed: number },
  onProgress?: (done: number, total: number) => void,
): Promise<ComputedScores> {
  const model = engine.info.spec;
  const seqLen = Math.min(params.seqLen ?? INDUCTION_DEFAULTS.seqLen, Math.floor(model.maxPositions / 2));
  const count = params.count ?? INDUCTION_DEFAULTS.count;
  const pool = promptableIds(readModelVocabulary(modelDir, model.vocabSize));
  const result = await computeInductionScores(engine, { seqLen, count, seed: params.seed }, pool, { onProgress });
  checkFiniteScores(result.scores, modelDir);
  const method = { ...result.method } as Record<string, unknown>;
  return { scores: result.scores, set: { method, source: 'computed', sourcePath: null, scores: result.scores } };
}
