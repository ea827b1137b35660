// The study spec at runtime: a zod schema with the seed's defaults, the seed's `--to_abl` count
// format, and the checks that need the model (head counts per layer range, token set size).
// Every failure is an InputError naming the field, e.g. `spec.permutations: must be a positive integer, got -3`.

import { z } from 'zod';
import { first } from '../checked';
import { InputError, quoteValue } from '../errors';
import { layerRangeLayers } from './heads';
import { LAYER_RANGE_LABELS } from './labels';
import { distinctDrawsProblem } from './random-draws';
import { NUMPY_LEGACY_MAX_SEED } from './compat/numpy-random-state';
import type { ConditionGroup, ModelShape, StudySpec, ValueBias } from './types';

/** The seed script's defaults (run_ablations.py), one to one, plus the app's own settings. */
export const DEFAULT_COUNTS: readonly number[] = [0, 1, 5, 10, 20, 50];
export const STUDY_DEFAULTS = {
  permutations: 300,
  maxHeadsAbl: 50,
  mode: 'zero',
  layerRange: 'full',
  seed: 42,
  tokenCount: 500,
  draws: 1,
  // Trials per forward pass (not a seed flag): larger is faster until memory runs out.
  batchSize: 8,
  provider: 'auto',
  dtype: 'auto',
} as const;

function show(value: unknown): string {
  if (typeof value === 'string') return quoteValue(value);
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : String(value);
}

/** Error text `must be <what>, got <value>` (or `is required` when the field is absent). */
function mustBe(what: string) {
  return (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : `must be ${what}, got ${show(iss.input)}`);
}

/** Upper limits of the spec's counts, stated in every message that enforces them. */
export const SPEC_LIMITS = {
  permutations: 1_000_000,
  maxHeadsAbl: 1_000_000,
  tokenCount: 1_000_000,
  draws: 1000,
  batchSize: 4096,
} as const;

/** An integer in [min, max]; a value over the limit is told the limit. */
function int(min: number, max: number, what: string) {
  const error = mustBe(what);
  const overLimit = (iss: { input?: unknown }) => `must be at most ${max}, got ${show(iss.input)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error: overLimit });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: mustBe(`one of ${values.join(', ')}`) });
}

const nonEmptyPath = z.string({ error: mustBe('a file path') })
  .trim()
  .min(1, { error: 'must be a file path, got an empty string' });

function normalizeCounts(value: unknown, field: string): number[] {
  if (typeof value === 'string') return parseCounts(value, field);
  if (!Array.isArray(value) || value.length === 0) {
    throw new InputError(field, `must be a list of head counts like [0, 1, 5] or "0-1-5", got ${show(value)}`);
  }
  value.forEach((count, i) => {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      throw new InputError(`${field}.${i}`, `must be a non-negative integer, got ${show(count)}`);
    }
  });
  return sortedUnique(value as number[], field);
}

function sortedUnique(counts: number[], field: string): number[] {
  const sorted = [...counts].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new InputError(field, `lists ${sorted[i]} twice`);
  }
  return sorted;
}

/**
 * The seed's `--to_abl` format: counts joined by '-', e.g. '0-1-5-10-20-50'. Returned ascending
 * (order carries no meaning); duplicates and anything but non-negative integers are errors.
 */
export function parseCounts(text: string, field = 'spec.counts'): number[] {
  const parts = text.trim().split('-').map((p) => p.trim());
  if (text.trim() === '') throw new InputError(field, 'must list head counts like 0-1-5-10, got an empty string');
  const counts = parts.map((part) => {
    if (!/^\d+$/.test(part)) {
      throw new InputError(field, `must be non-negative integers joined by '-' like 0-1-5-10, got ${quoteValue(text)} (bad part ${quoteValue(part)})`);
    }
    return Number(part);
  });
  return sortedUnique(counts, field);
}

/** Counts back in the seed's format: [0, 1, 5] -> '0-1-5'. */
export function formatCounts(counts: readonly number[]): string {
  return counts.join('-');
}

const countsSchema = z.unknown().optional().transform((value, ctx) => {
  if (value === undefined) return [...DEFAULT_COUNTS];
  try {
    return normalizeCounts(value, 'counts');
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // Keep the sub-path (e.g. counts.3) in the issue path, the problem in the message.
    const sub = err.file.split('.').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    ctx.issues.push({ code: 'custom', message: err.problem, input: value, path: sub });
    return z.NEVER;
  }
});

const groupSchema = z.strictObject({
  headType: oneOf(['induction', 'random'] as const),
  counts: countsSchema,
  mode: oneOf(['zero', 'mean'] as const).default(STUDY_DEFAULTS.mode),
  layerRange: oneOf(['full', 'top', 'bottom'] as const).default(STUDY_DEFAULTS.layerRange),
  draws: int(1, SPEC_LIMITS.draws, 'a positive integer').default(STUDY_DEFAULTS.draws),
});

function sourceOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { source?: unknown }).source : value;
}

const tokensSchema = z.discriminatedUnion(
  'source',
  [
    z.strictObject({ source: z.literal('file'), path: nonEmptyPath }),
    z.strictObject({ source: z.literal('store'), id: int(1, Number.MAX_SAFE_INTEGER, 'a positive integer') }),
    z.strictObject({ source: z.literal('vocab') }),
  ],
  { error: (iss) => `must be "file" (with a path), "store" (with an id) or "vocab"; got ${show(sourceOf(iss.input))}` },
);

const scoresSchema = z.discriminatedUnion(
  'source',
  [
    z.strictObject({ source: z.literal('compute') }),
    z.strictObject({ source: z.literal('csv'), path: nonEmptyPath }),
    z.strictObject({ source: z.literal('store'), id: int(1, Number.MAX_SAFE_INTEGER, 'a positive integer') }),
  ],
  { error: (iss) => `must be "compute", "csv" (with a path) or "store" (with an id); got ${show(sourceOf(iss.input))}` },
);

export const studySpecSchema = z.strictObject({
  name: z.string({ error: mustBe('text') }).trim().default(''),
  model: nonEmptyPath,
  permutations: int(1, SPEC_LIMITS.permutations, 'a positive integer').default(STUDY_DEFAULTS.permutations),
  maxHeadsAbl: int(1, SPEC_LIMITS.maxHeadsAbl, 'a positive integer').default(STUDY_DEFAULTS.maxHeadsAbl),
  groups: z
    .array(groupSchema, { error: (iss) => `must be a list of head groups, got ${show(iss.input)}` })
    .min(1, { error: 'must hold at least one head group' })
    // The seed runs one head type per invocation; induction is its subject.
    .default((): ConditionGroup[] => [{ headType: 'induction', counts: [...DEFAULT_COUNTS], mode: 'zero', layerRange: 'full', draws: 1 }]),
  tokens: tokensSchema.default({ source: 'vocab' }),
  // N >= 2 so that lags -1, 0 and +1 all exist.
  tokenCount: int(2, SPEC_LIMITS.tokenCount, 'an integer of at least 2').default(STUDY_DEFAULTS.tokenCount),
  scores: scoresSchema.default({ source: 'compute' }),
  seed: int(0, Number.MAX_SAFE_INTEGER, 'a non-negative integer').default(STUDY_DEFAULTS.seed),
  batchSize: int(1, SPEC_LIMITS.batchSize, 'a positive integer').default(STUDY_DEFAULTS.batchSize),
  provider: oneOf(['auto', 'cpu', 'cuda'] as const).default(STUDY_DEFAULTS.provider),
  dtype: oneOf(['float32', 'float16', 'auto'] as const).default(STUDY_DEFAULTS.dtype),
  compat: oneOf(['studio', 'script'] as const).default('studio'),
  valueBias: oneOf(['keep', 'remove'] as const).optional(),
  trialsFile: nonEmptyPath.optional(),
  headsFile: nonEmptyPath.optional(),
});

// Compile-time proof that the schema's output is the shared StudySpec type.
const schemaMatchesType: (s: z.output<typeof studySpecSchema>) => StudySpec = (s) => s;
void schemaMatchesType;

function genericMessage(iss: { code?: string; input?: unknown; expected?: unknown }): string {
  if (iss.code === 'invalid_type' && iss.input === undefined) return 'is required';
  if (iss.code === 'invalid_type') {
    const expected = String(iss.expected);
    return `must be ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}, got ${show(iss.input)}`;
  }
  return `is not valid (${iss.code ?? 'unknown problem'})`;
}

/** The default study name: the model folder's name and the head types, e.g. "gpt2: induction vs random". */
export function defaultStudyName(model: string, groups: readonly ConditionGroup[]): string {
  const folder = model.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || model;
  const types = [...new Set(groups.map((g) => g.headType))].join(' vs ');
  return `${folder}: ${types}`;
}

type SpecIssue = z.core.$ZodIssue;

/** One schema issue as an InputError naming its field (`spec.groups.1.counts`). */
function issueError(issue: SpecIssue): InputError {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') return new InputError(['spec', ...path, issue.keys[0]].join('.'), 'is not a known field');
  return new InputError(['spec', ...path].join('.'), issue.message);
}

/**
 * Every problem of a draft spec at once, each naming its field (a form shows them all): the
 * schema's issues, or else the first of parseStudySpec's cross-field checks. Empty when it parses.
 */
export function studySpecProblems(input: unknown): InputError[] {
  const result = studySpecSchema.safeParse(input, { error: genericMessage });
  if (!result.success) return result.error.issues.map(issueError);
  try {
    parseStudySpec(input);
    return [];
  } catch (err) {
    if (err instanceof InputError) return [err];
    throw err;
  }
}

/** Validates and completes a spec (defaults filled, counts sorted); throws InputError naming the field. */
export function parseStudySpec(input: unknown): StudySpec {
  const result = studySpecSchema.safeParse(input, { error: genericMessage });
  if (!result.success) throw issueError(first(result.error.issues));
  const spec: StudySpec = result.data;
  spec.groups.forEach((group, g) => {
    // Induction heads are deterministic: several draws would repeat one condition.
    if (group.headType === 'induction') group.draws = 1;
    const twin = spec.groups.findIndex((o) => o.headType === group.headType && o.mode === group.mode && o.layerRange === group.layerRange);
    if (twin !== g) {
      throw new InputError(`spec.groups.${g}`, `repeats group ${twin} (${group.headType}, ${group.mode}, ${group.layerRange}); merge their counts`);
    }
    const over = group.counts.find((c) => c > spec.maxHeadsAbl);
    // The script silently truncates such a count to its max_heads_abl selected heads.
    if (group.headType === 'induction' && over !== undefined && spec.compat !== 'script') {
      throw new InputError(`spec.groups.${g}.counts`, `${over} exceeds maxHeadsAbl ${spec.maxHeadsAbl} (the most induction heads considered)`);
    }
  });
  if (spec.name === '') spec.name = defaultStudyName(spec.model, spec.groups);
  spec.valueBias ??= valueBiasOf(spec);
  if (spec.compat === 'script') checkScriptSpec(spec);
  return spec;
}

/** The spec's value-bias choice, or its mode's default: the script's TransformerLens keeps it. */
export function valueBiasOf(spec: Pick<StudySpec, 'compat' | 'valueBias'>): ValueBias {
  return spec.valueBias ?? (spec.compat === 'script' ? 'keep' : 'remove');
}

/**
 * What script-exact mode cannot express: one draw per random group (the script has one), one list
 * of counts run in the order given (its trial stream runs through them in order), a seed numpy's
 * legacy np.random.seed accepts, and a token file to take np.unique of.
 */
function checkScriptSpec(spec: StudySpec): void {
  const counts = spec.groups[0]?.counts ?? [];
  spec.groups.forEach((group, g) => {
    if (group.draws !== 1) throw new InputError(`spec.groups.${g}.draws`, `must be 1 in script mode (the script draws random heads once), got ${group.draws}`);
    if (formatCounts(group.counts) !== formatCounts(counts)) {
      throw new InputError(`spec.groups.${g}.counts`, `must equal group 0's counts in script mode (${formatCounts(counts)}): the trials follow one list of counts`);
    }
  });
  if (spec.seed > NUMPY_LEGACY_MAX_SEED) throw new InputError('spec.seed', `must be at most ${NUMPY_LEGACY_MAX_SEED} in script mode (np.random.seed refuses larger seeds), got ${spec.seed}`);
  if (spec.tokens.source === 'vocab') throw new InputError('spec.tokens', 'script mode takes np.unique of a token file (the script\'s --tokens_path): give a file or a stored token set');
}

export interface ModelLimits extends ModelShape {
  /** Longest prompt the model takes, if known. */
  maxPositions?: number;
}

/**
 * Checks a parsed spec against the model and the token set (null: size not known yet). Random
 * draws need `max count` heads outside the top `maxHeadsAbl` of their range.
 */
export function validateSpecAgainstModel(spec: StudySpec, model: ModelLimits, tokenSetSize: number | null): void {
  // Script mode selects heads as the script does (its own checks, when conditions are resolved);
  // imported heads are checked against the model when read.
  const ownSelection = spec.compat !== 'script' && !spec.headsFile;
  (ownSelection ? spec.groups : []).forEach((group, g) => {
    const layers = layerRangeLayers(group.layerRange, model.nLayers).length;
    const label = LAYER_RANGE_LABELS[group.layerRange];
    const rangeHeads = layers * model.nHeads;
    if (layers === 0) {
      throw new InputError(`spec.groups.${g}.layerRange`, `${label} has no layers in a ${model.nLayers}-layer model`);
    }
    const where = `${label} has only ${rangeHeads} heads (${layers} layers x ${model.nHeads})`;
    if (spec.maxHeadsAbl > rangeHeads) {
      throw new InputError('spec.maxHeadsAbl', `is ${spec.maxHeadsAbl} but ${where}`);
    }
    const maxCount = Math.max(...group.counts);
    if (maxCount > rangeHeads) {
      throw new InputError(`spec.groups.${g}.counts`, `asks for ${maxCount} heads but ${where}`);
    }
    const available = rangeHeads - spec.maxHeadsAbl;
    if (group.headType === 'random' && maxCount > available) {
      throw new InputError(
        `spec.groups.${g}.counts`,
        `asks for ${maxCount} random heads outside the top ${spec.maxHeadsAbl} induction heads, but ${label} has only ${available} (${rangeHeads} - ${spec.maxHeadsAbl}); lower maxHeadsAbl or the counts`,
      );
    }
    // Random draws are distinct head sets at every count (random-draws.ts).
    for (const k of group.headType === 'random' ? group.counts.filter((c) => c > 0) : []) {
      const problem = distinctDrawsProblem(available, k, group.draws);
      if (problem) throw new InputError(`spec.groups.${g}.draws`, `${problem} (${label} has ${available} heads outside the top ${spec.maxHeadsAbl})`);
    }
  });
  if (tokenSetSize !== null && spec.tokenCount > tokenSetSize) {
    throw new InputError('spec.tokenCount', `is ${spec.tokenCount} but the token set has only ${tokenSetSize} tokens`);
  }
  if (model.maxPositions !== undefined && spec.tokenCount + 1 > model.maxPositions) {
    throw new InputError('spec.tokenCount', `prompts of ${spec.tokenCount + 1} tokens exceed the model's ${model.maxPositions} positions`);
  }
}
