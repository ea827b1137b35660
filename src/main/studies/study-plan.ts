// Planning a study, without writing anything: validate the spec (the model folder's token set by
// default, as the seed's bundled pickle is), read the model's shape and vocabulary, pick the token
// pool and sample the prompt tokens, and resolve head scores that need no engine (a CSV, a stored
// set). Imported trials and heads files are read here, once per plan. The conditions and the
// trials are resolved here when the scores are known, else later (conditionsOf) once they exist.

import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../../shared/errors';
import type { HeadRef, ModelSpec } from '../../shared/model-spec';
import { baselineCondition, resolveConditions } from '../../shared/study/heads';
import { parseStudySpec, validateSpecAgainstModel } from '../../shared/study/spec';
import { trialPrompt } from '../../shared/study/trials';
import type { Condition, HeadScore, StudySpec } from '../../shared/study/types';
import { promptableIds, readModelVocabulary, type ModelVocabulary } from '../engine/checkpoint/special-tokens';
import { readModelSpec } from '../engine/load-engine';
import type { Store } from '../store/db';
import { findModelByChecksum } from '../store/models-repo';
import { getScoreSet, type NewScoreSet } from '../store/score-sets-repo';
import { getTokenSet, type NewTokenSet } from '../store/token-sets-repo';
import { importScoreCsv } from './import/score-csv';
import { importTokenSet, selectTokenSet } from './import/token-set';
import { readHeadsFile, readTrialsFile } from './import/protocol-files';
import { scriptConditions, scriptGroupHeads, storedTrialCount } from '../../shared/study/compat/script-conditions';
import { scriptTokens, scriptTrials } from '../../shared/study/compat/script-protocol';
import { at } from '../../shared/checked';

/** The file of a model folder that holds its own token set (the demo model ships one). */
export const MODEL_TOKENS_FILE = 'tokens.json';

/** The token source a study uses when its spec names none: the model folder's tokens.json, else the vocabulary. */
export function defaultTokenSource(modelDir: string): StudySpec['tokens'] {
  const bundled = join(resolve(modelDir), MODEL_TOKENS_FILE);
  return existsSync(bundled) ? { source: 'file', path: bundled } : { source: 'vocab' };
}

/** The raw spec with the default token source filled in where it gives none. */
export function withDefaultTokens(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const spec = raw as Record<string, unknown>;
  if (spec.tokens !== undefined || typeof spec.model !== 'string' || spec.model.trim() === '') return raw;
  return { ...spec, tokens: defaultTokenSource(spec.model) };
}

export interface PoolChoice {
  /** Named in errors. */
  label: string;
  /** An existing token set, or null for a new one (`set`). */
  id: number | null;
  set: NewTokenSet & { tokens: number[] };
}

export interface ScoreChoice {
  /** An existing score set, or null for a new one (`set`). */
  id: number | null;
  set: Omit<NewScoreSet, 'modelId'>;
  scores: HeadScore[];
}

/** What the spec's `trialsFile` and `headsFile` hold, each read once (null where it names none). */
export interface ImportedFiles {
  trials: { file: string; prompts: number[][] } | null;
  heads: { file: string; heads: HeadRef[] } | null;
}

/** The study's conditions (baseline first) and its trials' token orders. */
export interface StudyParts {
  conditions: Condition[];
  trials: number[][];
}

export interface StudyPlan {
  spec: StudySpec;
  model: ModelSpec;
  vocab: ModelVocabulary;
  pool: PoolChoice;
  imported: ImportedFiles;
  /** The N prompt tokens, ascending. */
  sample: number[];
  /** Null when the scores are to be computed by the engine. */
  scores: ScoreChoice | null;
  /** The conditions and trials from `scores`; null exactly when `scores` is. */
  parts: StudyParts | null;
}

/** Validates everything that needs no engine; throws InputError naming the field or file. */
export function planStudy(store: Store, rawSpec: unknown, checksum: string): StudyPlan {
  const spec = parseStudySpec(withDefaultTokens(rawSpec));
  spec.model = resolve(spec.model);
  if (spec.trialsFile) spec.trialsFile = resolve(spec.trialsFile);
  if (spec.headsFile) spec.headsFile = resolve(spec.headsFile);
  const model = readModelSpec(spec.model);
  validateSpecAgainstModel(spec, model, null);
  const vocab = readModelVocabulary(spec.model, model.vocabSize);
  const pool = tokenPool(store, spec, vocab);
  const imported = readImportedFiles(spec, model);
  const sample = promptTokens(spec, vocab, pool, imported);
  const scores = knownScores(store, spec, model, checksum);
  // With scores in hand, resolving the conditions now reports a count the scored heads cannot supply.
  const parts = scores ? conditionsOf({ spec, model, sample, imported }, scores.scores) : null;
  return { spec, model, vocab, pool, imported, sample, scores, parts };
}

/** Reads and checks the spec's imported trials and heads files (paths already resolved). */
export function readImportedFiles(spec: StudySpec, model: ModelSpec): ImportedFiles {
  const { trialsFile, headsFile } = spec;
  return {
    trials: trialsFile ? { file: trialsFile, prompts: readTrialsFile(trialsFile, model.vocabSize, model.maxPositions) } : null,
    heads: headsFile ? { file: headsFile, heads: readHeadsFile(headsFile, model) } : null,
  };
}

/**
 * The N tokens prompts are made of: an imported trials file's first prompt without its repeated
 * token; in script mode the script's own selection (np.unique, then numpy's choice when more than
 * N); else a seeded sample of N (too small a pool is reported by selectTokenSet, naming its source).
 */
function promptTokens(spec: StudySpec, vocab: ModelVocabulary, pool: PoolChoice, imported: ImportedFiles): number[] {
  if (imported.trials) return at(imported.trials.prompts, 0).slice(0, -1);
  if (spec.compat === 'script') return scriptTokens(pool.set.tokens, spec.seed, spec.tokenCount);
  return selectTokenSet(pool.label, pool.set.tokens, vocab, { n: spec.tokenCount, seed: spec.seed }).tokens;
}

/** The study's conditions (baseline first) and its trials' token orders, once scores are known. */
export function conditionsOf(plan: Pick<StudyPlan, 'spec' | 'model' | 'sample' | 'imported'>, scores: readonly HeadScore[]): StudyParts {
  const { spec, model, sample, imported } = plan;
  const conditions = studyConditions(spec, model, scores, imported.heads);
  const count = storedTrialCount(spec);
  if (imported.trials) {
    const { file, prompts } = imported.trials;
    if (prompts.length !== count) {
      const need = spec.compat === 'script' ? `${count} (${spec.permutations} per count, counts in order, as the script's stream)` : `spec.permutations = ${count}`;
      throw new InputError(file, `holds ${prompts.length} prompts, expected ${need}`);
    }
    return { conditions, trials: prompts };
  }
  if (spec.compat === 'script') return { conditions, trials: scriptTrials(sample, spec.seed, count / spec.permutations, spec.permutations) };
  return { conditions, trials: Array.from({ length: count }, (_, i) => trialPrompt(spec.seed, i, sample)) };
}

/** Script mode: per group, every head the script selects (or the imported list), for its heads file. */
export function selectedGroupHeads(spec: StudySpec, model: ModelSpec, scores: readonly HeadScore[]): HeadRef[][] {
  if (spec.headsFile) {
    const imported = readHeadsFile(spec.headsFile, model);
    return spec.groups.map(() => imported);
  }
  return spec.groups.map((group, g) => scriptGroupHeads(spec, group, g, scores, model));
}

/**
 * Conditions: the script's (script mode), or nested prefixes of an imported heads list (with a
 * baseline in studio mode), or our own selection.
 */
function studyConditions(spec: StudySpec, model: ModelSpec, scores: readonly HeadScore[], importedHeads: ImportedFiles['heads']): Condition[] {
  if (!importedHeads) {
    if (spec.compat === 'script') return scriptConditions(spec, (group, g) => scriptGroupHeads(spec, group, g, scores, model));
    return resolveConditions(spec, scores, model);
  }
  const { file, heads: imported } = importedHeads;
  if (spec.compat !== 'script') {
    const over = spec.groups.flatMap((g) => g.counts).find((k) => k > imported.length);
    if (over !== undefined) throw new InputError(file, `lists ${imported.length} heads but the study runs ${over}`);
  }
  const conditions = scriptConditions(spec, () => imported);
  if (spec.compat === 'script' || conditions.some((c) => c.headType === 'none')) return conditions;
  return [baselineCondition(spec.groups[0]?.mode ?? 'zero'), ...conditions];
}

/** The pool prompts are sampled from: an imported file, a stored set, or the whole vocabulary. */
function tokenPool(store: Store, spec: StudySpec, vocab: ModelVocabulary): PoolChoice {
  const src = spec.tokens;
  if (src.source === 'file') {
    const path = resolve(src.path);
    // The script's np.unique keeps special tokens (BOS...).
    const imported = importTokenSet(path, vocab, { dropSpecial: spec.compat !== 'script' });
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

/** Scores from a CSV or a stored set; null when they are to be computed. */
function knownScores(store: Store, spec: StudySpec, model: ModelSpec, checksum: string): ScoreChoice | null {
  const src = spec.scores;
  if (src.source === 'csv') {
    const path = resolve(src.path);
    const scores = importScoreCsv(path, model);
    return { id: null, scores, set: { method: { kind: 'csv', file: basename(path) }, source: 'csv', sourcePath: path, scores } };
  }
  if (src.source === 'store') {
    const stored = getScoreSet(store, src.id);
    if (!stored) throw new InputError('spec.scores.id', `no score set ${src.id} in the database`);
    const owner = findModelByChecksum(store, checksum);
    if (owner?.id !== stored.modelId) throw new InputError('spec.scores.id', `score set ${src.id} was made for another model`);
    return { id: stored.id, scores: stored.scores, set: { ...stored, scores: stored.scores } };
  }
  return null;
}
