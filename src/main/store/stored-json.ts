// JSON the store keeps whole (study specs, model specs, score-set methods) is re-validated when read
// back, against the shape of the version it was written with (a `*_version` column), so a future
// change of shape is a migration of these readers, never a silent `undefined` field. Rows written
// by a newer app are refused with a clear message.

import { z } from 'zod';
import { InputError, isInputError } from '../../shared/errors';
import type { ModelSpec } from '../../shared/model-spec';
import { parseStudySpec } from '../../shared/study/spec';
import type { StudySpec } from '../../shared/study/types';

/** Versions written by this app. */
export const STUDY_SPEC_VERSION = 1;
export const MODEL_SPEC_VERSION = 1;
export const SCORE_METHOD_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positiveInt = z.number().int().positive();

const modelSpecSchema: z.ZodType<ModelSpec> = z.object({
  family: z.enum(['llama', 'gemma2', 'gpt2', 'gpt_neox']),
  modelType: z.string(),
  nLayers: positiveInt,
  nHeads: positiveInt,
  nKvHeads: positiveInt,
  headDim: positiveInt,
  hiddenSize: positiveInt,
  intermediateSize: positiveInt,
  vocabSize: positiveInt,
  maxPositions: positiveInt,
  norm: z.object({ kind: z.enum(['rms', 'layer']), eps: finite, weightOffset: z.union([z.literal(0), z.literal(1)]) }),
  positional: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('rotary'),
      theta: finite,
      rotaryDim: positiveInt,
      scaling: z
        .object({
          type: z.literal('llama3'),
          factor: finite,
          lowFreqFactor: finite,
          highFreqFactor: finite,
          originalMaxPositions: positiveInt,
        })
        .nullable(),
    }),
    z.object({ kind: z.literal('learned') }),
  ]),
  attention: z.object({
    qkvBias: z.boolean(),
    outBias: z.boolean(),
    scale: finite,
    logitSoftcap: finite.nullable(),
    slidingWindow: positiveInt.nullable(),
    localLayers: z.array(z.boolean()),
  }),
  mlp: z.object({ kind: z.enum(['gated', 'plain']), act: z.enum(['silu', 'gelu_tanh', 'gelu']), bias: z.boolean() }),
  block: z.object({ parallelResidual: z.boolean(), postNorms: z.boolean() }),
  embedScale: finite,
  finalLogitSoftcap: finite.nullable(),
  tieWordEmbeddings: z.boolean(),
});

/**
 * How a score set was obtained: an object naming its `kind` (engine/induction.ts's methods
 * 'repeated-random' / 'repeated-given', or 'csv' with the file) plus that method's parameters.
 */
const scoreMethodSchema = z.looseObject({ kind: z.string().min(1) });

function checkVersion(where: string, what: string, version: number, current: number): void {
  if (version > current) {
    throw new InputError(where, `its ${what} was written by a newer version of Ablation Studio (shape ${version}, this app reads up to ${current}); open it with a newer app`);
  }
}

function parseJson(where: string, what: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(where, `its stored ${what} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function checked<T>(where: string, what: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || what;
  throw new InputError(where, `its stored ${what} is not valid: ${field}: ${issue?.message ?? 'unknown problem'}`);
}

/** `where` names the row in errors, e.g. `study 3 in /data/studio.sqlite`. */
export function readStoredStudySpec(where: string, text: string, version: number): StudySpec {
  checkVersion(where, 'study spec', version, STUDY_SPEC_VERSION);
  const value = parseJson(where, 'study spec', text);
  try {
    // The shared parser fills defaults of fields added since the row was written.
    return parseStudySpec(value);
  } catch (err) {
    if (isInputError(err)) throw new InputError(where, `its stored study spec is not valid: ${err.message}`);
    throw err;
  }
}

export function readStoredModelSpec(where: string, text: string, version: number): ModelSpec {
  checkVersion(where, 'model spec', version, MODEL_SPEC_VERSION);
  return checked(where, 'model spec', modelSpecSchema, parseJson(where, 'model spec', text));
}

export function readStoredScoreMethod(where: string, text: string, version: number): Record<string, unknown> {
  checkVersion(where, 'score method', version, SCORE_METHOD_VERSION);
  return checked(where, 'score method', scoreMethodSchema, parseJson(where, 'score method', text));
}
