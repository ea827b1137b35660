// Creating a study, in two steps that can run together or apart:
// - register: plan it (study-plan.ts: spec, model, token set, scores that need no engine) and store
//   it as queued, in ONE transaction, so a bad input leaves the database untouched. The app does
//   this when the user presses Run; it is quick (a model added before is recognised by its memoised hash).
// - prepare: the slow part, on an engine: compute induction scores if the spec asks for them,
//   resolve the conditions, generate every trial's token order, and store them in one transaction.
//   The queue runs this as a study's first phase.
// createStudy (the CLI, tests) does both with an engine in hand and writes everything at once.

import { join, resolve } from 'node:path';
import { ConflictError, InputError, NotFoundError } from '../../shared/errors';
import { parseStudySpec, validateSpecAgainstModel } from '../../shared/study/spec';
import { readModelVocabulary } from '../engine/checkpoint/special-tokens';
import { readModelSpec } from '../engine/load-engine';
import { graphCacheDir } from '../app-paths';
import type { Engine } from '../engine/engine-types';
import { checkpointChecksum } from '../models/checkpoint-info';
import { computeScoreSet, INDUCTION_DEFAULTS, type InductionParams } from '../models/induction-scores';
import { faultPoint } from '../fault-hook';
import { inTransaction, type Store } from '../store/db';
import { insertConditions, insertTrial, listConditions } from '../store/conditions-repo';
import { getModel, upsertModel } from '../store/models-repo';
import { findScoreSet, getScoreSet, insertScoreSet, type NewScoreSet } from '../store/score-sets-repo';
import { getStudyRecord, insertStudy, setStudyScoreSet } from '../store/studies-repo';
import { findTokenSet, getTokenSet, insertTokenSet } from '../store/token-sets-repo';
import type { StudySpec } from '../../shared/study/types';
import { openStudyEngine, type OpenEngine } from './engine-source';
import { importScoreCsv } from './import/score-csv';
import { importTokenSet } from './import/token-set';
import { readHeadsFile, readTrialsFile } from './import/protocol-files';
import { conditionsOf, planStudy, readImportedFiles, type StudyParts, type StudyPlan } from './study-plan';

export { INDUCTION_DEFAULTS, type InductionParams };

export interface CreateStudyDeps {
  /** An open engine on the spec's model (left open). Without it one is opened and closed here. */
  engine?: Engine;
  openEngine?: OpenEngine;
  induction?: Partial<InductionParams>;
  /** Recorded with a new model row: 'folder' (default), 'bundled', 'hf-cache'... */
  modelSource?: string;
  notes?: string;
  /** Where per-file checkpoint hashes are memoised (default: the app's graph cache's). */
  hashMemoDir?: string;
  /** Hashing progress while registering (0..1). */
  onHashProgress?: (fraction: number) => void;
}

export interface PrepareDeps {
  induction?: Partial<InductionParams>;
  /** Score computation progress: sequences done / total. Throwing from it stops the preparation. */
  onScoring?: (done: number, total: number) => void;
}

/** Validates the spec, resolves and stores everything the study needs; returns the new study's id. */
export async function createStudy(store: Store, rawSpec: unknown, deps: CreateStudyDeps = {}): Promise<number> {
  // Spec errors are reported before an engine is opened.
  const spec = parseStudySpec(rawSpec);
  const engine = deps.engine ?? (await openStudyEngine({ path: resolve(spec.model) }, spec, deps.openEngine));
  try {
    const plan = planStudy(store, rawSpec, engine.info.checkpointHash);
    checkDtype(plan, engine);
    const scores = plan.scores ?? { id: null, ...(await computeScoreSet(engine, plan.spec.model, { ...deps.induction, seed: plan.spec.seed })) };
    const parts = plan.parts ?? conditionsOf(plan, scores.scores);
    return writeStudy(store, plan, engine.info.checkpointHash, deps, { ...scores, ...parts });
  } finally {
    if (!deps.engine) await engine.close();
  }
}

/**
 * Everything about a study's inputs that can be checked without an engine or a database (the spec,
 * the model's config, token and score files), so a bad input is reported before a long compile.
 */
export function precheckStudy(rawSpec: unknown): void {
  const spec = parseStudySpec(rawSpec);
  const model = readModelSpec(resolve(spec.model));
  validateSpecAgainstModel(spec, model, null);
  if (spec.tokens.source === 'file') {
    const vocab = readModelVocabulary(resolve(spec.model), model.vocabSize);
    // The script takes however many unique ids the file has, up to N.
    const sample = spec.compat === 'script' || spec.trialsFile ? {} : { n: spec.tokenCount, seed: spec.seed };
    importTokenSet(resolve(spec.tokens.path), vocab, sample);
  }
  if (spec.scores.source === 'csv') importScoreCsv(resolve(spec.scores.path), model);
  if (spec.trialsFile) readTrialsFile(resolve(spec.trialsFile), model.vocabSize, model.maxPositions);
  if (spec.headsFile) readHeadsFile(resolve(spec.headsFile), model);
}

/**
 * Stores the study as queued without an engine: prepared at once when its scores are known (CSV,
 * stored set), else left for prepareStudy. Returns the new study's id.
 */
export async function registerStudy(store: Store, rawSpec: unknown, deps: CreateStudyDeps = {}): Promise<number> {
  const memoDir = deps.hashMemoDir ?? join(graphCacheDir(), 'hash-memo');
  const checksum = await checkpointChecksum(resolve(parseStudySpec(rawSpec).model), memoDir, deps.onHashProgress);
  const plan = planStudy(store, rawSpec, checksum);
  const parts = plan.scores && plan.parts ? { ...plan.scores, ...plan.parts } : null;
  return writeStudy(store, plan, checksum, deps, parts);
}

/** Whether the study's conditions and trials are stored (it can run). */
export function isPrepared(store: Store, studyId: number): boolean {
  return listConditions(store, studyId).length > 0;
}

/** Computes what a registered study still lacks (scores, conditions, trials) on `engine`, and stores it. */
export async function prepareStudy(store: Store, studyId: number, engine: Engine, deps: PrepareDeps = {}): Promise<void> {
  const study = getStudyRecord(store, studyId);
  if (!study) throw new NotFoundError(`study ${studyId}`, 'no such study in the database');
  if (isPrepared(store, studyId)) return;
  const model = getModel(store, study.modelId);
  const tokens = getTokenSet(store, study.tokenSetId);
  if (!model || !tokens) throw new Error(`study ${studyId} lost its model or token set row`);
  if (engine.info.checkpointHash !== model.checksum) {
    throw new ConflictError(model.path, `the checkpoint changed since study ${studyId} was created (checksum ${model.checksum.slice(0, 12)}, now ${engine.info.checkpointHash.slice(0, 12)})`);
  }
  checkDtype(study, engine);
  const stored = study.scoreSetId === null ? null : getScoreSet(store, study.scoreSetId);
  const scores = stored
    ? { id: stored.id, scores: stored.scores }
    : { id: null, ...(await computeScoreSet(engine, model.path, { ...deps.induction, seed: study.spec.seed }, deps.onScoring)) };
  const imported = readImportedFiles(study.spec, model.spec);
  const parts = conditionsOf({ spec: study.spec, model: model.spec, sample: Array.from(study.promptTokens), imported }, scores.scores);
  inTransaction(store, () => {
    // Another runner (the CLI on the same database) may have prepared it meanwhile.
    if (!getStudyRecord(store, studyId) || isPrepared(store, studyId)) return;
    if (scores.id === null && 'set' in scores) setStudyScoreSet(store, studyId, storeScoreSet(store, { ...scores.set, modelId: model.id }));
    writeParts(store, studyId, parts);
  });
}

/** A spec asking for a dtype the engine does not run is refused before any work. */
function checkDtype(holder: { spec: StudySpec }, engine: Engine): void {
  const { dtype } = holder.spec;
  if (dtype !== 'auto' && dtype !== engine.info.dtype) {
    throw new InputError('spec.dtype', `is ${dtype} but the engine runs ${engine.info.dtype} on ${engine.info.provider}`);
  }
}

interface Parts extends StudyParts {
  id: number | null;
  set: Omit<NewScoreSet, 'modelId'>;
}

function writeStudy(store: Store, plan: StudyPlan, checksum: string, deps: CreateStudyDeps, parts: Parts | null): number {
  const { spec, pool } = plan;
  return inTransaction(store, () => {
    const modelId = upsertModel(store, { path: spec.model, spec: plan.model, checksum, source: deps.modelSource ?? 'folder' });
    const tokenSetId = pool.id ?? findTokenSet(store, pool.set) ?? insertTokenSet(store, pool.set);
    const scoreSetId = parts ? (parts.id ?? storeScoreSet(store, { ...parts.set, modelId })) : null;
    const studyId = insertStudy(store, {
      name: spec.name,
      notes: deps.notes,
      spec,
      modelId,
      tokenSetId,
      scoreSetId,
      promptTokens: plan.sample,
      seed: spec.seed,
      permutations: spec.permutations,
      seqLen: plan.sample.length + 1,
      batchSize: spec.batchSize,
    });
    if (parts) writeParts(store, studyId, parts);
    faultPoint('study-create');
    return studyId;
  });
}

function storeScoreSet(store: Store, set: NewScoreSet): number {
  return findScoreSet(store, set) ?? insertScoreSet(store, set);
}

function writeParts(store: Store, studyId: number, parts: Pick<Parts, 'conditions' | 'trials'>): void {
  insertConditions(store, studyId, parts.conditions);
  parts.trials.forEach((tokens, i) => insertTrial(store, studyId, i, tokens));
}
