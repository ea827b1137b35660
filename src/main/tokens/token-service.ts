// Token sets for the app: list them, import a token file (the seed's pickle, JSON, CSV or TXT; ids
// checked against a model's vocabulary and its special tokens dropped when a model is given), build
// one from words with a model's tokenizer, preview the first ids with their words, export one as the
// seed's pickle or JSON, and delete one no study uses.

import { basename, isAbsolute, resolve } from 'node:path';
import { ConflictError, InputError, NotFoundError } from '../../shared/errors';
import type { TokenBuildResult, TokenImportResult, TokenPreview, TokenSetView } from '../../shared/ipc/tokens';
import type { StudioContext } from '../app/context';
import { readModelVocabulary } from '../engine/checkpoint/special-tokens';
import { requestedModel } from '../models/model-service';
import { inTransaction } from '../store/db';
import { countStudiesByTokenSet, deleteTokenSetRow, findTokenSet, getTokenSet, insertTokenSet, listTokenSets, type TokenSetRecord } from '../store/token-sets-repo';
import { importTokenSet, type VocabInfo } from '../studies/import/token-set';
import { tokenWords } from '../studies/study-views';
import { buildTokenSet, saveTokenSet, type BuildTokenSetRequest } from './build-token-set';
import { tokenFileKind, writeTokenFile, type TokenFileKind } from './token-set-files';

/** Without a model, ids are only checked to be non-negative int32 (what the store holds). */
const ANY_VOCABULARY: VocabInfo = { vocabSize: 2 ** 31 - 1, specialTokenIds: [] };
const DEFAULT_PREVIEW = 50;

function setView(set: Omit<TokenSetRecord, 'tokens'>, studies: Map<number, number>): TokenSetView {
  return {
    id: set.id,
    name: set.name,
    sourcePath: set.sourcePath,
    n: set.n,
    droppedSpecial: set.droppedSpecial,
    createdAt: set.createdAt,
    studies: studies.get(set.id) ?? 0,
  };
}

function requireTokenSet(ctx: StudioContext, id: number): TokenSetRecord {
  const set = getTokenSet(ctx.store, id);
  if (!set) throw new NotFoundError(`token set ${id}`, 'no such token set in the database');
  return set;
}

export function listTokenSetViews(ctx: StudioContext): TokenSetView[] {
  const studies = countStudiesByTokenSet(ctx.store);
  return listTokenSets(ctx.store).map((s) => setView(s, studies));
}

export function importTokenFile(ctx: StudioContext, path: string, opts: { modelId?: number; name?: string } = {}): TokenImportResult {
  const file = resolve(path);
  const vocab = opts.modelId === undefined ? ANY_VOCABULARY : modelVocabulary(ctx, opts.modelId);
  const imported = importTokenSet(file, vocab);
  const row = { name: opts.name ?? basename(file), sourcePath: file, tokens: imported.tokens, droppedSpecial: imported.dropped.special };
  const id = inTransaction(ctx.store, () => findTokenSet(ctx.store, row) ?? insertTokenSet(ctx.store, row));
  return { set: setView(requireTokenSet(ctx, id), countStudiesByTokenSet(ctx.store)), sourceCount: imported.sourceCount, dropped: imported.dropped };
}

function modelVocabulary(ctx: StudioContext, modelId: number): VocabInfo {
  const model = requestedModel(ctx, modelId);
  return readModelVocabulary(model.path, model.spec.vocabSize);
}

/** The set's first ids (ascending) with their words from the model's tokenizer (else the demo model's). */
export function previewTokenSet(ctx: StudioContext, id: number, opts: { modelId?: number; count?: number } = {}): TokenPreview {
  const set = requireTokenSet(ctx, id);
  const modelDir = opts.modelId === undefined ? ctx.demoModelDir : requestedModel(ctx, opts.modelId).path;
  const words = modelDir ? tokenWords(modelDir) : null;
  const ids = Array.from(set.tokens.subarray(0, opts.count ?? DEFAULT_PREVIEW));
  return { id, n: set.n, tokens: ids.map((t) => ({ id: t, text: words ? words(t) : null })) };
}

export function deleteTokenSet(ctx: StudioContext, id: number): void {
  requireTokenSet(ctx, id);
  const used = countStudiesByTokenSet(ctx.store).get(id) ?? 0;
  if (used > 0) throw new ConflictError(`token set ${id}`, `is used by ${used} ${used === 1 ? 'study' : 'studies'}; delete them first`);
  deleteTokenSetRow(ctx.store, id);
}

/** Builds a token set from words with the model's tokenizer (see build-token-set.ts) and stores it. */
export function buildStoredTokenSet(ctx: StudioContext, req: Omit<BuildTokenSetRequest, 'env'>, name?: string): TokenBuildResult {
  const build = buildTokenSet({ ...req, env: ctx.env });
  const id = inTransaction(ctx.store, () => saveTokenSet(ctx.store, build, name));
  return {
    set: setView(requireTokenSet(ctx, id), countStudiesByTokenSet(ctx.store)),
    model: { name: build.model.name, path: build.model.dir },
    source: { label: build.source.label, words: build.source.words },
    seed: build.seed,
    forms: build.forms,
    candidates: build.candidates,
    leftOut: build.leftOut,
    preview: build.tokens.map((t) => ({ id: t.id, word: t.word, text: t.text })),
  };
}

const EXTENSION: Record<TokenFileKind, string> = { pickle: '.pkl', json: '.json' };

/**
 * Writes a stored set to an absolute path in `format`; a path without an extension gets the
 * format's, one whose extension names the other format is refused (the file would not read back).
 */
export function exportTokenSet(ctx: StudioContext, id: number, format: TokenFileKind, path: string): { path: string; format: TokenFileKind; n: number } {
  const set = requireTokenSet(ctx, id);
  if (!isAbsolute(path)) throw new InputError('path', `must be an absolute file path, got ${JSON.stringify(path)}`);
  const target = /\.[^./\\]+$/.test(path) ? path : `${path}${EXTENSION[format]}`;
  const kind = tokenFileKind(target);
  if (kind !== format) throw new InputError(target, `ends in the ${kind} extension but the format asked for is ${format}: name it *${EXTENSION[format]}`);
  writeTokenFile(target, Array.from(set.tokens));
  return { path: target, format, n: set.n };
}
