// The Models screen's workflows: the list (stored models, the bundled demo model, checkpoints in the
// local Hugging Face cache), adding a folder (validated, hashed, stored), removing one, its details
// (config, files, compiled graphs, measured speeds), and compiling it with a short speed measurement.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConflictError, InputError, NotFoundError } from '../../shared/errors';
import type { ModelDetails, ModelView } from '../../shared/ipc/models';
import { STUDY_DEFAULTS } from '../../shared/study/spec';
import type { EngineProgress } from '../engine/engine-types';
import type { StudioContext } from '../app/context';
import { countStudiesByModel, deleteModelRow, getModel, listModels, setModelHidden, upsertModel, type ModelRecord } from '../store/models-repo';
import { listScoreSets } from '../store/score-sets-repo';
import { insertThroughput, listThroughput } from '../store/throughput-repo';
import { promptableIds, readModelVocabulary } from '../engine/checkpoint/special-tokens';
import { checkpointChecksum } from './checkpoint-info';
import { compiledGraphs, isCompiled } from './compiled-graphs';
import { summarizeCheckpoint, type CheckpointSummary } from './checkpoint-summary';
import { folderModelName, listHfCacheCheckpoints, resolveModel } from './resolve-model';

type Source = ModelView['source'];

/** Prompt length of the speed measurement: the seed's (500 tokens + the repeat), within the model's positions. */
const MEASURE_SEQ_LEN = 501;

/** The model a request names; a NotFoundError for an id the database does not have. */
export function requestedModel(ctx: StudioContext, id: number): ModelRecord {
  const model = getModel(ctx.store, id);
  if (!model) throw new NotFoundError(`model ${id}`, 'no such model in the database');
  return model;
}

function view(ctx: StudioContext, path: string, source: Source, summary: CheckpointSummary, stored: ModelRecord | null, studies = 0, extra: { repoId?: string; revision?: string } = {}): ModelView {
  return {
    id: stored?.id ?? null,
    path,
    name: extra.repoId?.split('/').pop() ?? (source === 'bundled' ? 'demo-induction' : folderModelName(path)),
    source,
    repoId: extra.repoId ?? null,
    revision: extra.revision ?? null,
    shape: summary.shape,
    weightsDtype: summary.weightsDtype,
    sizeBytes: summary.sizeBytes,
    checksum: stored?.checksum ?? null,
    tokenizer: summary.tokenizer,
    problem: stored && !existsSync(path) ? `${path}: the checkpoint folder is gone` : summary.problem,
    compiled: isCompiled(ctx.paths.graphsDir, stored?.checksum ?? null, summary.shape?.nLayers ?? null),
    scoreSets: stored ? listScoreSets(ctx.store, stored.id).length : 0,
    studies,
    addedAt: stored?.addedAt ?? null,
  };
}

function sourceOf(ctx: StudioContext, record: ModelRecord): Source {
  if (ctx.demoModelDir && resolve(record.path) === resolve(ctx.demoModelDir)) return 'bundled';
  return record.source === 'hf-cache' ? 'hf-cache' : 'folder';
}

export function modelView(ctx: StudioContext, record: ModelRecord): ModelView {
  const studies = countStudiesByModel(ctx.store).get(record.id) ?? 0;
  return view(ctx, record.path, sourceOf(ctx, record), summarizeCheckpoint(record.path), record, studies);
}

/** Stored models (oldest first), then the demo model and Hugging Face cache checkpoints not added yet. */
export function listModelViews(ctx: StudioContext): ModelView[] {
  const stored = listModels(ctx.store);
  const studies = countStudiesByModel(ctx.store);
  const known = new Set(stored.map((m) => resolve(m.path)));
  const views = stored.map((m) => view(ctx, m.path, sourceOf(ctx, m), summarizeCheckpoint(m.path), m, studies.get(m.id) ?? 0));
  if (ctx.demoModelDir && !known.has(resolve(ctx.demoModelDir))) {
    views.push(view(ctx, ctx.demoModelDir, 'bundled', summarizeCheckpoint(ctx.demoModelDir), null));
  }
  for (const hit of listHfCacheCheckpoints(ctx.env)) {
    if (!known.has(resolve(hit.dir))) views.push(view(ctx, hit.dir, 'hf-cache', summarizeCheckpoint(hit.dir), null, 0, hit));
  }
  return views;
}

/**
 * Validates a checkpoint folder (a Hugging Face cache repo folder or `demo` work too), hashes it
 * (progress 0..1) and stores it; adding it again finds the same row (and shows a removed one again).
 */
export async function addModel(ctx: StudioContext, path: string, onHash?: (fraction: number) => void): Promise<ModelView> {
  const resolved = path.trim() === 'demo' && ctx.demoModelDir ? { dir: ctx.demoModelDir, source: 'bundled' as const } : resolveModel(path, { env: ctx.env });
  const summary = summarizeCheckpoint(resolved.dir);
  if (summary.problem || !summary.spec) throw new InputError(resolved.dir, summary.problem ?? 'cannot be read');
  if (!summary.tokenizer) {
    throw new InputError(resolved.dir, 'has no tokenizer.json: the app needs it to leave special tokens out of prompts and to show words');
  }
  const checksum = await checkpointChecksum(resolved.dir, ctx.paths.hashMemoDir, onHash);
  const id = upsertModel(ctx.store, { path: resolved.dir, spec: summary.spec, checksum, source: resolved.source });
  return modelView(ctx, requestedModel(ctx, id));
}

/** Deletes the model row (with its score sets); while studies use it, only hides it. Files are never touched. */
export function removeModel(ctx: StudioContext, id: number): void {
  requestedModel(ctx, id);
  if ((countStudiesByModel(ctx.store).get(id) ?? 0) > 0) setModelHidden(ctx.store, id, true);
  else deleteModelRow(ctx.store, id);
}

export function modelDetails(ctx: StudioContext, id: number): ModelDetails {
  const record = requestedModel(ctx, id);
  const summary = summarizeCheckpoint(record.path);
  const graphs = compiledGraphs(ctx.paths.graphsDir, record.checksum, record.spec.nLayers);
  const throughput = listThroughput(ctx.store, id).map((t) => ({
    provider: t.provider,
    dtype: t.dtype,
    seqLen: t.seqLen,
    batchSize: t.batchSize,
    rowsPerSecond: (1000 * t.rows) / t.ms,
    measuredAt: t.measuredAt,
  }));
  return { model: modelView(ctx, record), spec: record.spec, files: summary.files, graphs, throughput };
}

/** Compiles the probe graph (or finds it cached) and measures rows/s on one batch of the default size. */
export async function compileModel(
  ctx: StudioContext,
  id: number,
  opts: { provider?: 'auto' | 'cpu' | 'cuda'; signal?: AbortSignal; onProgress?: (e: EngineProgress) => void; onMeasure?: (message: string) => void } = {},
): Promise<ModelDetails> {
  const record = requestedModel(ctx, id);
  const engine = await ctx.openEngine({ modelDir: record.path, provider: opts.provider ?? 'auto', signal: opts.signal, onProgress: opts.onProgress });
  try {
    if (engine.info.checkpointHash !== record.checksum) {
      throw new ConflictError(record.path, `the checkpoint changed since it was added (checksum ${record.checksum.slice(0, 12)}, now ${engine.info.checkpointHash.slice(0, 12)}); add it again`);
    }
    const { spec } = engine.info;
    const S = Math.min(MEASURE_SEQ_LEN, spec.maxPositions);
    const B = STUDY_DEFAULTS.batchSize;
    const pool = promptableIds(readModelVocabulary(record.path, spec.vocabSize));
    const inputIds = Array.from({ length: B * S }, (_, i) => pool[(i * 7919) % pool.length] ?? 0);
    const controls = { headKeep: new Float32Array(B * spec.nLayers * spec.nHeads).fill(1), headUniform: new Float32Array(B * spec.nLayers * spec.nHeads) };
    opts.onMeasure?.(`Measuring speed: ${B} prompts of ${S} tokens`);
    await engine.probe({ batch: B, seqLen: S, inputIds, ...controls }); // warm-up: first runs allocate
    opts.signal?.throwIfAborted();
    const t0 = performance.now();
    await engine.probe({ batch: B, seqLen: S, inputIds, ...controls });
    const ms = performance.now() - t0;
    insertThroughput(ctx.store, { modelId: id, provider: engine.info.provider, dtype: engine.info.dtype, seqLen: S, batchSize: B, rows: B, ms, source: 'compile' });
  } finally {
    await engine.close();
  }
  return modelDetails(ctx, id);
}
