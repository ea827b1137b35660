// Contract, models domain: the checkpoints the app knows (the bundled demo model, folders the user
// added, checkpoints found in the local Hugging Face cache), their details and compiled graphs, and
// their induction-score sets (computed by the app with progress, or imported from a CSV).

import { z } from 'zod';
import type { ModelSpec } from '../model-spec';
import { byId, epochMs, idSchema, noPayload, nothing, request, shared } from './define';

export const MODEL_SOURCES = ['bundled', 'folder', 'hf-cache'] as const;
export const providerChoiceSchema = z.enum(['auto', 'cpu', 'cuda']);

/** Layers, heads and sizes from config.json (null when the config cannot be read). */
export const modelShapeSchema = z.strictObject({
  family: z.string(),
  modelType: z.string(),
  nLayers: z.number().int(),
  /** Query heads per layer. */
  nHeads: z.number().int(),
  nKvHeads: z.number().int(),
  headDim: z.number().int(),
  hiddenSize: z.number().int(),
  vocabSize: z.number().int(),
  maxPositions: z.number().int(),
});
export type ModelShape = z.infer<typeof modelShapeSchema>;

export const modelViewSchema = z.strictObject({
  /** Stored model id; null for a checkpoint found on disk but not added yet (add it to use it). */
  id: idSchema.nullable(),
  /** Checkpoint folder: what a study spec's `model` field takes. */
  path: z.string(),
  /** Short name for lists and file names (the folder's, or the Hugging Face repo's). */
  name: z.string(),
  source: z.enum(MODEL_SOURCES),
  /** Hugging Face repo id and snapshot revision, for cache entries. */
  repoId: z.string().nullable(),
  revision: z.string().nullable(),
  shape: modelShapeSchema.nullable(),
  /** Weight dtype(s) as stored in the safetensors files, e.g. "BF16" or "F32". */
  weightsDtype: z.string().nullable(),
  /** Bytes of weight files. */
  sizeBytes: z.number().nullable(),
  /** sha256 of the checkpoint (known once added). */
  checksum: z.string().nullable(),
  /** tokenizer.json present (needed for words in previews and special-token handling). */
  tokenizer: z.boolean(),
  /** Why the checkpoint cannot be used (unsupported family, broken config), or null. */
  problem: z.string().nullable(),
  /** Whether a probe graph for this engine version is cached (no compilation needed). */
  compiled: z.boolean(),
  scoreSets: z.number().int(),
  studies: z.number().int(),
  addedAt: epochMs.nullable(),
});
export type ModelView = z.infer<typeof modelViewSchema>;

export const compiledGraphSchema = z.strictObject({
  variant: z.enum(['probe', 'patterns']),
  dtype: z.enum(['float32', 'float16']),
  /** The probe as one graph per layer (layer reuse): cached when every layer is; size and path cover them all / the first. */
  layers: z.boolean(),
  cached: z.boolean(),
  sizeBytes: z.number().nullable(),
  path: z.string(),
});
export type CompiledGraphView = z.infer<typeof compiledGraphSchema>;

/** A measured engine speed on this model (from compilation or from study runs). */
export const throughputSchema = z.strictObject({
  provider: z.string(),
  dtype: z.string(),
  seqLen: z.number().int(),
  batchSize: z.number().int(),
  rowsPerSecond: z.number(),
  measuredAt: epochMs,
});
export type ThroughputView = z.infer<typeof throughputSchema>;

export const modelDetailsSchema = z.strictObject({
  model: modelViewSchema,
  /** The full canonical description (families, norms, rotary, attention flags). */
  spec: shared<ModelSpec>().nullable(),
  files: z.array(z.strictObject({ name: z.string(), sizeBytes: z.number(), dtype: z.string().nullable() })),
  graphs: z.array(compiledGraphSchema),
  throughput: z.array(throughputSchema),
});
export type ModelDetails = z.infer<typeof modelDetailsSchema>;

export const scoreSetViewSchema = z.strictObject({
  id: idSchema,
  modelId: idSchema,
  source: z.enum(['computed', 'csv']),
  /** How they were obtained: the computation's parameters, or the CSV file. */
  method: z.record(z.string(), z.unknown()),
  sourcePath: z.string().nullable(),
  createdAt: epochMs,
  /** Heads with a score. */
  heads: z.number().int(),
  /** The best head, for lists. */
  top: z.strictObject({ layer: z.number().int(), head: z.number().int(), score: z.number() }).nullable(),
});
export type ScoreSetView = z.infer<typeof scoreSetViewSchema>;

const headScore = z.strictObject({ layer: z.number().int(), head: z.number().int(), score: z.number() });
const headRef = z.strictObject({ layer: z.number().int(), head: z.number().int() });

export const scoreSetDetailSchema = z.strictObject({
  set: scoreSetViewSchema,
  /** Ranked: score descending, ties by layer then head. */
  scores: z.array(headScore),
  /** Heads of the model without a score (a CSV may leave some out; those are never ablated). */
  missing: z.array(headRef),
});
export type ScoreSetDetail = z.infer<typeof scoreSetDetailSchema>;

/** Induction-score computation parameters (defaults: 20 random sequences of 50 tokens, seed 42). */
export const scoreComputeSchema = z.strictObject({
  modelId: idSchema,
  seqLen: z.number().int().min(2).max(4096).optional(),
  count: z.number().int().min(1).max(10_000).optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  provider: providerChoiceSchema.optional(),
});

export const modelRequests = {
  /** Stored models, then the bundled demo model and Hugging Face cache checkpoints not added yet. */
  'models.list': request(noPayload, z.array(modelViewSchema)),
  /** Validates (config, family, layers x heads, weights, tokenizer), hashes and stores a checkpoint folder. */
  'models.add': request(z.strictObject({ path: z.string().trim().min(1) }), modelViewSchema),
  /** Removes a model from the list (hidden while studies still use it; its files are never touched). */
  'models.remove': request(byId, nothing),
  'models.details': request(byId, modelDetailsSchema),
  /** Compiles the probe graph (progress: model.progress) and measures its speed once. */
  'models.compile': request(z.strictObject({ id: idSchema, provider: providerChoiceSchema.optional() }), modelDetailsSchema),
  /** Cancels the model's running compile or score computation; false if none runs. */
  'models.cancel': request(byId, z.boolean()),
  'scores.list': request(z.strictObject({ modelId: idSchema }), z.array(scoreSetViewSchema)),
  'scores.get': request(byId, scoreSetDetailSchema),
  /** Computes induction scores (progress: model.progress, task 'scores') and stores them. */
  'scores.compute': request(scoreComputeSchema, scoreSetDetailSchema),
  /** Imports a seed-format CSV (`layer,head,scores`, any column order). */
  'scores.import': request(z.strictObject({ modelId: idSchema, path: z.string().trim().min(1) }), scoreSetDetailSchema),
} as const;
