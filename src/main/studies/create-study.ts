// Creating a study: resolve every input (model, token set, head scores) into stored rows, resolve the
// conditions and generate every trial's token order, then write it all in ONE transaction, so a bad
// input (a malformed CSV, a head outside the model, too few tokens) leaves the database untouched.
// All slow or failing work (engine, files, score computation) happens before the transaction.

import { basename, resolve } from 'node:path';
import { InputError } from '../../shared/errors';
import { resolveConditions } from '../../shared/study/heads';
import { parseStudySpec, validateSpecAgainstModel } from '../../shared/study/spec';
import { trialPrompt } from '../../shared/study/trials';
import type { HeadScore, StudySpec } from '../../shared/study/types';
import { promptableIds, readModelVocabulary } from '../engine/checkpoint/special-tokens';
import type { Engine } from '../engine/engine-types';
import { checkFiniteScores } from '../engine/finite-outputs';
import { computeInductionScores } from '../engine/induction';
import { readModelSpec } from '../engine/load-engine';
import { faultPoint } from '../fault-hook';
import { inTransaction, type Store } from '../store/db';
import { insertConditions, insertTrial } from '../store/conditions-repo';
import { findModelByChecksum, upsertModel } from '../store/models-repo';
import { findScoreSet, getScoreSet, insertScoreSet, type NewScoreSet } from '../store/score-sets-repo';
import { insertStudy } from '../store/studies-repo';
import { findTokenSet, getTokenSet, insertTokenSet, type NewTokenSet } from '../store/token-sets-repo';
import { openStudyEngine, type OpenEngine } from './engine-source';
import { importScoreCsv } from './import/score-csv';
import { selectTokenSet, importTokenSet, type VocabInfo } from './import/token-set';

/** Induction-score computation when the spec says `scores: {source: 'compute'}`. */
export interface InductionParams {
  /** Length T of each random sequence (the prompt is 2T); capped at half the model's positions. */
  seqLen: number;
  /** Number of sequences averaged. */
  count: number;
}

export const INDUCTION_DEFAULTS: InductionParams = { seqLen: 50, count: 20 };

export interface CreateStudyDeps {
  /** An open engine on the spec's model (left open). Without it one is opened and closed here. */
  engine?: Engine;
  openEngine?: OpenEngine;
  induction?: Partial<InductionParams>;
  /** Recorded with a new model row: 'folder' (default), 'demo', 'hf-cache'... */
  modelSource?: string;
  notes?: string;
}

/** Validates the spec, resolves and stores everything the study needs; returns the new study's id. */
export async function createStudy(store: Store, rawSpec: unknown, deps: CreateStudyDeps = {}): Promise<number> {
  const spec = parseStudySpec(rawSpec);
  spec.model = resolve(spec.model);
  const engine = deps.engine ?? (await openStudyEngine({ path: spec.model }, spec, deps.openEngine));
  try {
    return await prepareAndWrite(store, spec, engine, deps);
  } finally {
    if (!deps.engine) await engine.close();
  }
}

/**
 * Everything about a study's inputs that can be checked without an engine (the spec, the model's
 * config, token and score files), so a bad input is reported before a long compile. createStudy
 * checks them again; this only moves the errors earlier.
 */
export function precheckStudy(rawSpec: unknown): void {
  const spec = parseStudySpec(rawSpec);
  const model = readModelSpec(resolve(spec.model));
  validateSpecAgainstModel(spec, model, null);
  if (spec.tokens.source === 'file') {
    const vocab = readModelVocabulary(resolve(spec.model), model.vocabSize);
    importTokenSet(resolve(spec.tokens.path), vocab, { n: spec.tokenCount, seed: spec.seed });
  }
  if (spec.scores.source === 'csv') importScoreCsv(resolve(spec.scores.path), model);
}

async function prepareAndWrite(store: Store, spec: StudySpec, engine: Engine, deps: CreateStudyDeps): Promise<number> {
  const model = engine.info.spec;
  validateSpecAgainstModel(spec, model, null);
  const vocab = readModelVocabulary(spec.model, model.vocabSize);
  const pool = tokenPool(store, spec, vocab);
  // Too small a pool is reported by selectTokenSet, naming the file (or stored set) it came from.
  const sample = selectTokenSet(pool.label, pool.set.tokens, vocab, { n: spec.tokenCount, seed: spec.seed }).tokens;
  const scores = await headScores(store, spec, engine, vocab, deps.induction);
  const conditions = resolveConditions(spec, scores.scores, model);
  const trials = Array.from({ length: spec.permutations }, (_, i) => trialPrompt(spec.seed, i, sample));

  return inTransaction(store, () => {
    const modelId = upsertModel(store, {
      path: spec.model,
      spec: model,
      checksum: engine.info.checkpointHash,
      source: deps.modelSource ?? 'folder',
    });
    const tokenSetId = pool.id ?? findTokenSet(store, pool.set) ?? insertTokenSet(store, pool.set);
    const scoreSetId = scores.id ?? findScoreSet(store, { ...scores.set, modelId }) ?? insertScoreSet(store, { ...scores.set, modelId });
    const studyId = insertStudy(store, {
      name: spec.name,
      notes: deps.notes,
      spec,
      modelId,
      tokenSetId,
      scoreSetId,
      promptTokens: sample,
      seed: spec.seed,
      permutations: spec.permutations,
      seqLen: sample.length + 1,
      batchSize: spec.batchSize,
    });
    insertConditions(store, studyId, conditions);
    trials.forEach((tokens, i) => insertTrial(store, studyId, i, tokens));
    faultPoint('study-create');
    return studyId;
  });
}

interface PoolChoice {
  /** Named in errors. */
  label: string;
  /** An existing token set, or null for a new one (`set`). */
  id: number | null;
  set: NewTokenSet & { tokens: number[] };
}

/** The pool prompts are sampled from: an imported file, a stored set, or the whole vocabulary. */
function tokenPool(store: Store, spec: StudySpec, vocab: VocabInfo): PoolChoice {
  const src = spec.tokens;
  if (src.source === 'file') {
    const path = resolve(src.path);
    const imported = importTokenSet(path, vocab);
    const set = { name: basename(path), sourcePath: path, tokens: imported.tokens, droppedSpecial: imported.dropped.special };
    return { label: path, id: null, set };
  }
  if (src.source === 'store') {
    const stored = getTokenSet(store, src.id);
    if (!stored) throw new InputError('spec.tokens.id', `no token set ${src.id} in the database`);
    const bad = stored.tokens.find((t) => t >= vocab.vocabSize);
    if (bad !== undefined) throw new InputError('spec.tokens.id', `token set ${src.id} holds id ${bad}, outside this model's vocabulary (${vocab.vocabSize})`);
    const set = { name: stored.name, sourcePath: stored.sourcePath, tokens: Array.from(stored.tokens), droppedSpecial: stored.droppedSpecial };
    return { label: `token set ${src.id}`, id: stored.id, set };
  }
  const tokens = promptableIds(vocab);
  const set = { name: `vocabulary of ${basename(spec.model)}`, sourcePath: null, tokens, droppedSpecial: vocab.specialTokenIds.length };
  return { label: `the vocabulary of ${spec.model}`, id: null, set };
}

interface ScoreChoice {
  id: number | null;
  set: Omit<NewScoreSet, 'modelId'>;
  scores: HeadScore[];
}

async function headScores(
  store: Store,
  spec: StudySpec,
  engine: Engine,
  vocab: VocabInfo,
  params: Partial<InductionParams> = {},
): Promise<ScoreChoice> {
  const model = engine.info.spec;
  const src = spec.scores;
  if (src.source === 'csv') {
    const path = resolve(src.path);
    const scores = importScoreCsv(path, model);
    return { id: null, scores, set: { method: { kind: 'csv', file: basename(path) }, source: 'csv', sourcePath: path, scores } };
  }
  if (src.source === 'store') {
    const stored = getScoreSet(store, src.id);
    if (!stored) throw new InputError('spec.scores.id', `no score set ${src.id} in the database`);
    const owner = findModelByChecksum(store, engine.info.checkpointHash);
    if (owner?.id !== stored.modelId) throw new InputError('spec.scores.id', `score set ${src.id} was made for another model`);
    return { id: stored.id, scores: stored.scores, set: { ...stored, scores: stored.scores } };
  }
  const seqLen = Math.min(params.seqLen ?? INDUCTION_DEFAULTS.seqLen, Math.floor(model.maxPositions / 2));
  const count = params.count ?? INDUCTION_DEFAULTS.count;
  const pool = promptableIds(vocab);
  const result = await computeInductionScores(engine, { seqLen, count, seed: spec.seed }, pool);
  checkFiniteScores(result.scores, spec.model);
  const method = result.method as unknown as Record<string, unknown>;
  return { id: null, scores: result.scores, set: { method, source: 'computed', sourcePath: null, scores: result.scores } };
}
