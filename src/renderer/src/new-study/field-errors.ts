// Field messages from studies.validate, keyed the way the form asks for them: a field's own errors
// (`spec.permutations`) and those of its parts (`spec.groups.1.counts.3` belongs to
// `spec.groups.1.counts`). Messages come as "spec.permutations: must be ..."; next to the field the
// prefix is dropped (the label says which field it is).

import type { FieldError } from '../../../shared/ipc/studies';

export function errorsFor(errors: readonly FieldError[], field: string): string[] {
  return errors.filter((e) => e.field === field || e.field.startsWith(`${field}.`)).map((e) => withoutFieldPrefix(e));
}

export function withoutFieldPrefix(error: FieldError): string {
  const prefix = `${error.field}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** The form control's element id for a spec field (`spec.groups.1.counts` → `f-groups-1-counts`). */
export function fieldId(field: string): string {
  return `f-${field.replace(/^spec\.?/, '').replace(/\./g, '-') || 'spec'}`;
}

/** aria-describedby of a field's control: its FieldHelp help line, and its first error while it has one. */
export function describedBy(field: string, errorCount: number): string {
  const id = fieldId(field);
  return `${id}-help${errorCount > 0 ? ` ${id}-error` : ''}`;
}

/** The element a summary link jumps to: the field itself, or its nearest ancestor on the form. */
export function nearestFieldId(field: string, placed: readonly string[]): string {
  const owner = [...placed].sort((a, b) => b.length - a.length).find((f) => field === f || field.startsWith(`${f}.`));
  return fieldId(owner ?? 'spec');
}

/** The form's words for a spec field (the summary names fields as their labels do). */
const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  model: 'Model',
  permutations: 'Trials (permutations)',
  maxHeadsAbl: 'Heads considered',
  groups: 'Head groups',
  tokens: 'Token set',
  tokenCount: 'Tokens per prompt',
  scores: 'Induction scores',
  seed: 'Seed',
  batchSize: 'Batch size',
  provider: 'Device',
  dtype: 'Precision',
  compat: 'Protocol',
  valueBias: 'Value bias under zero ablation',
  trialsFile: 'Prompts file',
  headsFile: 'Heads file',
};
const GROUP_FIELD_LABELS: Record<string, string> = { headType: 'heads', counts: 'head counts', mode: 'ablation', layerRange: 'layers', draws: 'random draws' };

export function fieldLabel(field: string): string {
  const parts = field.replace(/^spec\.?/, '').split('.');
  const [top, index, sub] = parts;
  if (top === 'groups' && index !== undefined && /^\d+$/.test(index)) {
    const group = `Head group ${Number(index) + 1}`;
    return sub === undefined ? group : `${group}, ${GROUP_FIELD_LABELS[sub] ?? sub}`;
  }
  return (top && FIELD_LABELS[top]) || 'The study';
}
