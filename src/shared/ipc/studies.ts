// Contract, studies domain: validating a draft spec as the user types (field errors, the heads each
// condition will silence, an estimated run time), creating a study (queued at once; preparation runs
// in the queue), the history with filters, a study's full summary, and rename / notes / duplicate /
// delete / export. Specs are validated by the shared studySpecSchema, so new spec fields need no edit
// here; the run mode (spec.compat) and value-bias choice (spec.valueBias) come with their wording for
// the form (COMPAT_CHOICES, VALUE_BIAS_CHOICES).

import { z } from 'zod';
import type { DoseSeries } from '../chart/dose-response';
import type { HeadRef } from '../model-spec';
import type { CompatMode, Condition, ConditionMetrics, LagCurve, StudySpec, StudyStatistics, StudyStatus, ValueBias } from '../study/types';
import { byId, epochMs, idSchema, nothing, request, shared } from './define';
import { studioErrorSchema } from './errors';

export const STUDY_STATUSES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const satisfies readonly StudyStatus[];
export const studyStatusSchema = z.enum(STUDY_STATUSES);
// Compile-time proof that the list names every shared status (a new one must be added here).
const everyStatus: (s: StudyStatus) => (typeof STUDY_STATUSES)[number] = (s) => s;
void everyStatus;

/** What a queued job is doing; `preparing` covers hashing and resolving inputs before compiling. */
export const STUDY_PHASES = ['preparing', 'compiling', 'scoring', 'running', 'exporting'] as const;
export const studyPhaseSchema = z.enum(STUDY_PHASES);
export type StudyPhase = z.infer<typeof studyPhaseSchema>;

export const studyListViewSchema = z.strictObject({
  id: idSchema,
  name: z.string(),
  notes: z.string(),
  status: studyStatusSchema,
  /** Marked running but its process is gone (the app or CLI was killed): resumable. */
  interrupted: z.boolean(),
  /** False until its preparation (scores, conditions, trials) has run in the queue. */
  prepared: z.boolean(),
  /** Why it failed (status failed), as data. */
  error: studioErrorSchema.nullable(),
  modelId: idSchema,
  modelName: z.string(),
  modelPath: z.string(),
  /** The validated spec (defaults filled in). */
  spec: shared<StudySpec>(),
  conditionCount: z.number().int(),
  permutations: z.number().int(),
  seqLen: z.number().int(),
  /** Results stored / conditions x trials. */
  done: z.number().int(),
  total: z.number().int(),
  createdAt: epochMs,
  startedAt: epochMs.nullable(),
  finishedAt: epochMs.nullable(),
});
export type StudyListView = z.infer<typeof studyListViewSchema>;

export const provenanceViewSchema = z.strictObject({
  appVersion: z.string().nullable(),
  ortVersion: z.string().nullable(),
  engineVersion: z.string().nullable(),
  provider: z.string().nullable(),
  dtype: z.string().nullable(),
  modelChecksum: z.string().nullable(),
  compileMs: z.number().nullable(),
  /** Engine time over every run session. */
  runMs: z.number(),
});

/** A resolved condition (shared Condition: key, label, heads...) with its results so far. */
export const conditionViewSchema = z.strictObject({
  condition: shared<Condition>(),
  /** Trials with a result (a contiguous prefix 0..trials-1). */
  trials: z.number().int(),
  curve: shared<LagCurve>().nullable(),
  metrics: shared<ConditionMetrics>().nullable(),
});
export type ConditionView = z.infer<typeof conditionViewSchema>;

export const studySummaryViewSchema = z.strictObject({
  study: studyListViewSchema,
  model: z.strictObject({
    id: idSchema,
    name: z.string(),
    path: z.string(),
    checksum: z.string(),
    family: z.string(),
    nLayers: z.number().int(),
    nHeads: z.number().int(),
  }),
  tokenSet: z.strictObject({ id: idSchema, name: z.string(), n: z.number().int() }),
  scoreSet: z.strictObject({ id: idSchema, source: z.string(), method: z.record(z.string(), z.unknown()) }).nullable(),
  /** The N prompt tokens every trial permutes, ascending. */
  promptTokens: z.array(z.number().int()),
  batchSize: z.number().int(),
  provenance: provenanceViewSchema,
  /** Baseline first, then the spec's groups in order (empty until prepared). */
  conditions: z.array(conditionViewSchema),
  /**
   * The study's statistics (shared/study/types.ts): every condition's estimates, random groups over
   * their draws, induction vs random at matched counts, and the settings used.
   */
  statistics: shared<StudyStatistics>(),
});
export type StudySummaryView = z.infer<typeof studySummaryViewSchema>;

export const trialViewSchema = z.strictObject({
  studyId: idSchema,
  trial: z.number().int(),
  /** The prompt in order (S tokens), each with its word. */
  tokens: z.array(z.strictObject({ id: z.number().int(), text: z.string().nullable() })),
  /** lags[s] of position s. */
  lags: z.array(z.number().int()),
  /** Per condition with a result for this trial: P(next token = prompt token s) at each position s. */
  probs: z.array(z.strictObject({ key: z.string(), values: z.array(z.number()) })),
});
export type TrialView = z.infer<typeof trialViewSchema>;

/** A choice the New study form offers, in plain language. */
export interface SpecChoice<T extends string> {
  value: T;
  label: string;
  description: string;
}

/** spec.compat: how the study is run (README: Reproducing the seed script). */
export const COMPAT_CHOICES: readonly SpecChoice<CompatMode>[] = [
  {
    value: 'studio',
    label: 'Ablation Studio (recommended)',
    description:
      'Every condition sees the same shuffled prompts, so differences between conditions are measured precisely; ' +
      'one layer boundary for all head choices; several random draws are all different.',
  },
  {
    value: 'script',
    label: 'Same as the original script',
    description:
      'Does exactly what run_ablations.py does (its token choice, prompts, random heads, layer ranges and ablation), ' +
      'so a table published with it can be reproduced from the same model, token file, scores and seed.',
  },
];

/** spec.valueBias: what zero ablation does to a head's value bias (default: remove, keep in script mode). */
export const VALUE_BIAS_CHOICES: readonly SpecChoice<ValueBias>[] = [
  {
    value: 'remove',
    label: 'Remove it with the head',
    description: 'A zeroed head adds nothing to the model: its whole output, value bias included, is gone.',
  },
  {
    value: 'keep',
    label: 'Keep it (TransformerLens)',
    description:
      'A zeroed head still adds the constant its value bias contributes, as TransformerLens does by default. ' +
      'Only models with attention biases (GPT-2, Pythia, Qwen2.5) are affected; mean ablation never is.',
  },
];

export const fieldErrorSchema = z.strictObject({ field: z.string(), message: z.string() });
export type FieldError = z.infer<typeof fieldErrorSchema>;

export const conditionPreviewSchema = z.strictObject({
  key: z.string(),
  label: z.string(),
  headType: z.enum(['none', 'induction', 'random']),
  mode: z.enum(['zero', 'mean']),
  layerRange: z.enum(['full', 'top', 'bottom']),
  count: z.number().int(),
  draw: z.number().int(),
  /** The heads silenced; null when they depend on induction scores not computed yet. */
  heads: z.array(shared<HeadRef>()).nullable(),
});
export type ConditionPreview = z.infer<typeof conditionPreviewSchema>;

export const runEstimateSchema = z.strictObject({
  /** Conditions x trials. */
  rows: z.number().int(),
  seqLen: z.number().int(),
  /** Null when this model has no speed measurement yet (compile it, or run a study once). */
  seconds: z.number().nullable(),
  rowsPerSecond: z.number().nullable(),
  /** Where the speed comes from, in words. */
  basis: z.string(),
});
export type RunEstimate = z.infer<typeof runEstimateSchema>;

export const draftValidationSchema = z.strictObject({
  valid: z.boolean(),
  /** Every problem found, each naming its field (`spec.permutations`, `spec.groups.1.counts`...). */
  errors: z.array(fieldErrorSchema),
  /** The completed spec (defaults filled, counts sorted) when the spec itself parses. */
  spec: shared<StudySpec>().nullable(),
  conditions: z.array(conditionPreviewSchema).nullable(),
  /** Which score set the heads were taken from, or why they are not known yet. */
  headsNote: z.string().nullable(),
  estimate: runEstimateSchema.nullable(),
});
export type DraftValidation = z.infer<typeof draftValidationSchema>;

export const studyDraftSchema = z.strictObject({
  /** A spec to edit and create (the copied study's, renamed). */
  spec: shared<StudySpec>(),
  notes: z.string(),
  sourceId: idSchema,
});
export type StudyDraft = z.infer<typeof studyDraftSchema>;

export const exportViewSchema = z.strictObject({
  outDir: z.string(),
  /** Written files, relative to outDir. */
  files: z.array(z.string()),
  /** For a partial export: the trials it holds, of the study's permutations (its files say so too). */
  partial: z.strictObject({ trials: z.number().int(), permutations: z.number().int() }).nullable(),
});
export type ExportView = z.infer<typeof exportViewSchema>;

/** Several studies side by side, as `studies compare` prints and writes them. */
export const compareViewSchema = z.strictObject({
  studies: z.array(z.strictObject({ id: idSchema, name: z.string(), model: z.string() })),
  /** The printed table: one row per study and (mode, layer range, head count). */
  table: z.strictObject({
    header: z.array(z.string()),
    align: z.array(z.enum(['left', 'right'])),
    rows: z.array(z.strictObject({ studyId: idSchema, cells: z.array(z.string()) })),
  }),
  /** compare.csv, byte for byte. */
  csv: z.string(),
  /** P(+1) / baseline P(+1) against heads ablated, per study and head type (shared/chart compareChartSpec). */
  series: z.array(shared<DoseSeries>()),
});
export type CompareView = z.infer<typeof compareViewSchema>;

export const studyListFilterSchema = z.strictObject({
  modelId: idSchema.optional(),
  status: z.array(studyStatusSchema).optional(),
  /** Matched (case-insensitive) against name, notes and model name. */
  text: z.string().max(200).optional(),
  /** Created at or after / before (epoch ms). */
  createdFrom: epochMs.optional(),
  createdTo: epochMs.optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  offset: z.number().int().min(0).optional(),
});
export type StudyListFilter = z.infer<typeof studyListFilterSchema>;

export const studyRequests = {
  /** Checks a draft spec; never fails on a bad spec (the problems are in `errors`). */
  'studies.validate': request(z.strictObject({ spec: z.unknown() }), draftValidationSchema),
  /** Stores the study as queued at once and puts it in the queue; preparation is its first phase. */
  'studies.create': request(z.strictObject({ spec: z.unknown(), notes: z.string().max(20_000).optional() }), studyListViewSchema),
  /** Newest first. */
  'studies.list': request(studyListFilterSchema, z.array(studyListViewSchema)),
  'studies.summary': request(byId, studySummaryViewSchema),
  'studies.trial': request(z.strictObject({ id: idSchema, trial: z.number().int().min(0) }), trialViewSchema),
  'studies.rename': request(z.strictObject({ id: idSchema, name: z.string().trim().min(1).max(200) }), studyListViewSchema),
  'studies.annotate': request(z.strictObject({ id: idSchema, notes: z.string().max(20_000) }), studyListViewSchema),
  /** A copy of the study's spec to edit in the New study form (nothing is stored). */
  'studies.duplicate': request(byId, studyDraftSchema),
  /** Several finished or partial studies side by side (each over the trials it has). */
  'studies.compare': request(
    z.strictObject({
      ids: z
        .array(idSchema)
        .min(1)
        .max(20)
        .refine((ids) => new Set(ids).size === ids.length, 'names a study more than once'),
    }),
    compareViewSchema,
  ),
  /** Deletes a study with all its results; refused while it runs. */
  'studies.delete': request(byId, nothing),
  /**
   * Writes the study folder (the same files as `studies export`) into `outDir` (progress: phase
   * exporting). An unfinished study is refused (input error) unless `partial` asks for its complete
   * trials, in files named and marked as partial.
   */
  'studies.export': request(
    z.strictObject({
      id: idSchema,
      outDir: z.string().trim().min(1),
      modelName: z.string().trim().min(1).optional(),
      partial: z.boolean().optional(),
    }),
    exportViewSchema,
  ),
} as const;
