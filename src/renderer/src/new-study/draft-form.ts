// The New study form's state and its conversion to and from a study spec. The form keeps what the
// user typed (counts as "0-1-5-10" text, numbers possibly empty), so the spec it sends to
// studies.validate can be wrong and get field messages back; nothing here second-guesses the contract.

import { layerRangeLayers } from '../../../shared/study/heads';
import { STUDY_DEFAULTS, DEFAULT_COUNTS, formatCounts, valueBiasOf } from '../../../shared/study/spec';
import type { AblationMode, CompatMode, HeadType, LayerRange, ProviderChoice, StudySpec, ValueBias } from '../../../shared/study/types';

/** A number input's value: v-model.number leaves '' when the box is empty. */
export type NumberField = number | '';

export interface GroupForm {
  headType: HeadType;
  /** The seed's --to_abl format, e.g. "0-1-5-10-20-50". */
  counts: string;
  mode: AblationMode;
  layerRange: LayerRange;
  draws: NumberField;
}

export interface DraftForm {
  name: string;
  model: string;
  permutations: NumberField;
  maxHeadsAbl: NumberField;
  groups: GroupForm[];
  tokens: StudySpec['tokens'];
  tokenCount: NumberField;
  scores: StudySpec['scores'];
  seed: NumberField;
  batchSize: NumberField;
  provider: ProviderChoice;
  dtype: StudySpec['dtype'];
  compat: CompatMode;
  /** 'auto': the protocol's own choice (removed in studio mode, kept in script mode). */
  valueBias: 'auto' | ValueBias;
  /** Optional files of prompts / heads to use instead of generated ones ('' = none). */
  trialsFile: string;
  headsFile: string;
}

export function defaultGroup(headType: HeadType = 'induction'): GroupForm {
  return { headType, counts: formatCounts(DEFAULT_COUNTS), mode: STUDY_DEFAULTS.mode, layerRange: STUDY_DEFAULTS.layerRange, draws: STUDY_DEFAULTS.draws };
}

/** The seed's defaults: induction heads 0-1-5-10-20-50, zero ablation, all layers, 300 trials. */
export function defaultDraft(model = ''): DraftForm {
  return {
    name: '',
    model,
    permutations: STUDY_DEFAULTS.permutations,
    maxHeadsAbl: STUDY_DEFAULTS.maxHeadsAbl,
    groups: [defaultGroup('induction')],
    tokens: { source: 'vocab' },
    tokenCount: STUDY_DEFAULTS.tokenCount,
    scores: { source: 'compute' },
    seed: STUDY_DEFAULTS.seed,
    batchSize: STUDY_DEFAULTS.batchSize,
    provider: STUDY_DEFAULTS.provider,
    dtype: STUDY_DEFAULTS.dtype,
    compat: 'studio',
    valueBias: 'auto',
    trialsFile: '',
    headsFile: '',
  };
}

/** A (possibly partial) spec, e.g. a duplicated study's or a preset's, as form state; gaps get defaults. */
export function formFromSpec(spec: Partial<StudySpec>): DraftForm {
  const base = defaultDraft(spec.model ?? '');
  return {
    ...base,
    name: spec.name ?? base.name,
    permutations: spec.permutations ?? base.permutations,
    maxHeadsAbl: spec.maxHeadsAbl ?? base.maxHeadsAbl,
    groups: spec.groups?.map((g) => ({ headType: g.headType, counts: formatCounts(g.counts), mode: g.mode, layerRange: g.layerRange, draws: g.draws })) ?? base.groups,
    tokens: spec.tokens ? { ...spec.tokens } : base.tokens,
    tokenCount: spec.tokenCount ?? base.tokenCount,
    scores: spec.scores ? { ...spec.scores } : base.scores,
    seed: spec.seed ?? base.seed,
    batchSize: spec.batchSize ?? base.batchSize,
    provider: spec.provider ?? base.provider,
    dtype: spec.dtype ?? base.dtype,
    compat: spec.compat ?? base.compat,
    // A value bias that is its protocol's default stays 'auto', so switching protocol moves it along.
    valueBias: spec.valueBias && spec.valueBias !== valueBiasOf({ compat: spec.compat }) ? spec.valueBias : 'auto',
    trialsFile: spec.trialsFile ?? '',
    headsFile: spec.headsFile ?? '',
  };
}

/** What the form asks for, as the raw spec the contract validates (an empty box stays visible as ''). */
export function specFromForm(form: DraftForm): Record<string, unknown> {
  return {
    name: form.name,
    model: form.model,
    permutations: form.permutations,
    maxHeadsAbl: form.maxHeadsAbl,
    groups: form.groups.map((g) => ({
      headType: g.headType,
      counts: g.counts,
      mode: g.mode,
      layerRange: g.layerRange,
      // Induction heads are deterministic: one draw whatever the box says.
      draws: g.headType === 'induction' ? 1 : g.draws,
    })),
    tokens: form.tokens,
    tokenCount: form.tokenCount,
    scores: form.scores,
    seed: form.seed,
    batchSize: form.batchSize,
    provider: form.provider,
    dtype: form.dtype,
    compat: form.compat,
    ...(form.valueBias === 'auto' ? {} : { valueBias: form.valueBias }),
    ...(form.trialsFile.trim() ? { trialsFile: form.trialsFile } : {}),
    ...(form.headsFile.trim() ? { headsFile: form.headsFile } : {}),
  };
}

/** What fitToModel changed, in words (empty when the draft already fits). */
export interface FitResult {
  form: DraftForm;
  changes: string[];
}

/**
 * Scales a draft (typically the paper's preset, made for models with hundreds of heads) to a small
 * model: at most half of the smallest layer range's heads count as induction heads, so random
 * heads can be drawn from the other half, and counts above that are dropped.
 */
export function fitToModel(form: DraftForm, shape: { nLayers: number; nHeads: number }): FitResult {
  const changes: string[] = [];
  const rangeHeads = (range: LayerRange) => layerRangeLayers(range, shape.nLayers).length * shape.nHeads;
  const smallest = Math.min(...form.groups.map((g) => rangeHeads(g.layerRange)));
  const cap = Math.max(1, Math.floor(smallest / 2));
  const maxHeadsAbl = typeof form.maxHeadsAbl === 'number' && form.maxHeadsAbl <= cap ? form.maxHeadsAbl : cap;
  if (maxHeadsAbl !== form.maxHeadsAbl) changes.push(`heads considered ${String(form.maxHeadsAbl)} → ${maxHeadsAbl}`);
  const groups = form.groups.map((g) => {
    const counts = g.counts.split('-').map((c) => c.trim());
    const kept = counts.filter((c) => !/^\d+$/.test(c) || Number(c) <= maxHeadsAbl);
    if (kept.length === counts.length) return g;
    changes.push(`${g.headType} counts ${g.counts} → ${kept.join('-')}`);
    return { ...g, counts: kept.join('-') };
  });
  return { form: { ...form, maxHeadsAbl, groups }, changes };
}
