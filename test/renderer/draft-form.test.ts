// The New study form's state <-> spec conversion and its field bookkeeping: what the user typed
// reaches the contract unchanged (so the contract's messages name it), a spec round-trips through
// the form, the paper's setting is scaled to a small model saying what changed, and messages land
// under the right field with the right words.
import { expect, it } from 'vitest';
import { errorsFor, fieldId, fieldLabel, nearestFieldId, withoutFieldPrefix } from '../../src/renderer/src/new-study/field-errors';
import { defaultDraft, fitToModel, formFromSpec, specFromForm } from '../../src/renderer/src/new-study/draft-form';
import { paperPreset } from '../../src/shared/study/presets';
import { parseStudySpec } from '../../src/shared/study/spec';

it('sends what was typed, and a spec survives the round trip through the form', () => {
  const form = defaultDraft('/models/m');
  form.permutations = '';
  form.groups[0] = { headType: 'induction', counts: '0-1-x', mode: 'zero', layerRange: 'full', draws: 4 };
  const raw = specFromForm(form);
  expect(raw.permutations).toBe('');
  expect(raw.groups).toEqual([{ headType: 'induction', counts: '0-1-x', mode: 'zero', layerRange: 'full', draws: 1 }]);

  const spec = paperPreset('/models/m');
  expect(parseStudySpec(specFromForm(formFromSpec(spec)))).toEqual(spec);
  // The protocol and its files travel too; a value bias that is the protocol's default follows it.
  const { valueBias: _studioDefault, ...plain } = spec;
  const script = parseStudySpec({ ...plain, compat: 'script', groups: [spec.groups[0]], tokens: { source: 'file', path: '/t.pkl' }, headsFile: '/h.json' });
  const form2 = formFromSpec(script);
  expect(form2.valueBias).toBe('auto');
  expect(parseStudySpec(specFromForm(form2))).toEqual(script);
  form2.compat = 'studio';
  expect(parseStudySpec(specFromForm(form2)).valueBias).toBe('remove');
  expect(formFromSpec({ ...spec, valueBias: 'keep' }).valueBias).toBe('keep');
});

it("scales the paper's setting to a 4 × 8 model and says what changed", () => {
  const { form, changes } = fitToModel(formFromSpec(paperPreset('/models/m')), { nLayers: 4, nHeads: 8 });
  expect(form.maxHeadsAbl).toBe(16);
  expect(form.groups.map((g) => g.counts)).toEqual(['0-1-5-10', '0-1-5-10']);
  expect(changes).toEqual(['heads considered 50 → 16', 'induction counts 0-1-5-10-20-50 → 0-1-5-10', 'random counts 0-1-5-10-20-50 → 0-1-5-10']);
  expect(() => parseStudySpec(specFromForm(form))).not.toThrow();
  // A group on the lower half (2 layers × 8 heads) caps at 8.
  const lower = formFromSpec(paperPreset('/models/m'));
  lower.groups = lower.groups.map((g) => ({ ...g, layerRange: 'top' }));
  expect(fitToModel(lower, { nLayers: 4, nHeads: 8 }).form.maxHeadsAbl).toBe(8);
  // A draft that fits is left alone.
  expect(fitToModel(form, { nLayers: 4, nHeads: 8 }).changes).toEqual([]);
});

it('places each message under its field, in the words of the form', () => {
  const errors = [
    { field: 'spec.permutations', message: 'spec.permutations: must be a positive integer, got 0' },
    { field: 'spec.groups.1.counts.2', message: 'spec.groups.1.counts.2: must be a non-negative integer, got -1' },
    { field: 'spec', message: 'spec: is not valid' },
  ];
  expect(errorsFor(errors, 'spec.permutations')).toEqual(['must be a positive integer, got 0']);
  expect(errorsFor(errors, 'spec.groups.1.counts')).toEqual(['must be a non-negative integer, got -1']);
  expect(errorsFor(errors, 'spec.groups.0.counts')).toEqual([]);
  expect(withoutFieldPrefix({ field: 'spec.seed', message: 'other text' })).toBe('other text');
  expect(fieldId('spec.groups.1.counts')).toBe('f-groups-1-counts');
  expect(nearestFieldId('spec.groups.1.counts.2', ['spec.groups.1', 'spec.groups.1.counts'])).toBe('f-groups-1-counts');
  expect(nearestFieldId('spec', ['spec.seed'])).toBe('f-spec');
  expect(fieldLabel('spec.groups.1.counts.2')).toBe('Head group 2, head counts');
  expect(fieldLabel('spec.tokens.path')).toBe('Token set');
  expect(fieldLabel('spec')).toBe('The study');
});
