// Study spec validation: the seed's defaults, one InputError naming the field per problem, the
// seed's `--to_abl` count format, and the checks against the model's shape and the token set.

import { describe, expect, it } from 'vitest';
import { formatCounts, parseCounts, parseStudySpec, validateSpecAgainstModel } from '../../src/shared/study/spec';
import { inputError } from '../helpers/input-error';
import { at } from '../../src/shared/checked';

describe('parseStudySpec', () => {
  it("fills the seed's defaults", () => {
    const spec = parseStudySpec({ model: '/models/Llama-3.1-8B-Instruct/' });
    expect(spec).toEqual({
      name: 'Llama-3.1-8B-Instruct: induction',
      model: '/models/Llama-3.1-8B-Instruct/',
      permutations: 300,
      maxHeadsAbl: 50,
      groups: [{ headType: 'induction', counts: [0, 1, 5, 10, 20, 50], mode: 'zero', layerRange: 'full', draws: 1 }],
      tokens: { source: 'vocab' },
      tokenCount: 500,
      scores: { source: 'compute' },
      seed: 42,
      batchSize: 8,
      provider: 'auto',
      dtype: 'auto',
      compat: 'studio',
      valueBias: 'remove',
    });
  });

  it('script mode keeps the value bias by default and refuses what the script cannot do', () => {
    const script = { model: 'm', compat: 'script', tokens: { source: 'file', path: 't.pkl' } };
    expect(parseStudySpec(script).valueBias).toBe('keep');
    expect(parseStudySpec({ ...script, valueBias: 'remove' }).valueBias).toBe('remove');
    expect(parseStudySpec({ model: 'm', valueBias: 'keep' }).valueBias).toBe('keep');
    // Induction counts above maxHeadsAbl are truncated as the script does, not refused.
    expect(parseStudySpec({ ...script, maxHeadsAbl: 5, groups: [{ headType: 'induction', counts: [1, 10] }] }).groups[0]?.counts).toEqual([1, 10]);
    expect(() => parseStudySpec({ ...script, groups: [{ headType: 'random', counts: [1, 5], draws: 2 }] })).toThrow(/spec\.groups\.0\.draws: must be 1 in script mode/);
    expect(() =>
      parseStudySpec({ ...script, groups: [{ headType: 'random', counts: [1, 5] }, { headType: 'induction', counts: [1] }] }),
    ).toThrow(/spec\.groups\.1\.counts: must equal group 0's counts/);
    expect(() => parseStudySpec({ ...script, seed: 2 ** 32 })).toThrow(/spec\.seed: must be at most 4294967295/);
    expect(() => parseStudySpec({ model: 'm', compat: 'script' })).toThrow(/spec\.tokens: script mode takes np\.unique of a token file/);
    expect(() => parseStudySpec({ model: 'm', compat: 'paired' })).toThrow(/spec\.compat: must be one of studio, script/);
    expect(() => parseStudySpec({ model: 'm', valueBias: 'fold' })).toThrow(/spec\.valueBias: must be one of keep, remove/);
  });

  it('fills group defaults and takes counts as a list or in the seed format, sorted', () => {
    const spec = parseStudySpec({
      model: 'm',
      groups: [
        { headType: 'random', counts: '0-10-5', draws: 3 },
        { headType: 'induction', counts: [5, 0], layerRange: 'top', mode: 'mean', draws: 4 },
      ],
    });
    expect(spec.groups[0]).toEqual({ headType: 'random', counts: [0, 5, 10], mode: 'zero', layerRange: 'full', draws: 3 });
    // Induction selection is deterministic: one draw.
    expect(spec.groups[1]).toEqual({ headType: 'induction', counts: [0, 5], mode: 'mean', layerRange: 'top', draws: 1 });
  });

  const cases: [string, unknown, string][] = [
    ['negative permutations', { model: 'm', permutations: -3 }, 'spec.permutations: must be a positive integer, got -3'],
    ['text for a number', { model: 'm', permutations: '300' }, 'spec.permutations: must be a positive integer, got "300"'],
    ['fractional seed', { model: 'm', seed: 1.5 }, 'spec.seed: must be a non-negative integer, got 1.5'],
    ['tokenCount 1', { model: 'm', tokenCount: 1 }, 'spec.tokenCount: must be an integer of at least 2, got 1'],
    ['missing model', {}, 'spec.model: is required'],
    ['empty model', { model: '  ' }, 'spec.model: must be a file path, got an empty string'],
    ['unknown field', { model: 'm', permutaions: 3 }, 'spec.permutaions: is not a known field'],
    ['unknown group field', { model: 'm', groups: [{ headType: 'random', extra: 1 }] }, 'spec.groups.0.extra: is not a known field'],
    ['bad head type', { model: 'm', groups: [{ headType: 'foo' }] }, 'spec.groups.0.headType: must be one of induction, random, got "foo"'],
    ['bad mode', { model: 'm', groups: [{ headType: 'random', mode: 'half' }] }, 'spec.groups.0.mode: must be one of zero, mean, got "half"'],
    ['negative count', { model: 'm', groups: [{ headType: 'induction', counts: [0, -1] }] }, 'spec.groups.0.counts.1: must be a non-negative integer, got -1'],
    ['duplicate count', { model: 'm', groups: [{ headType: 'induction', counts: [5, 5] }] }, 'spec.groups.0.counts: lists 5 twice'],
    ['no groups', { model: 'm', groups: [] }, 'spec.groups: must hold at least one head group'],
    ['repeated group', { model: 'm', groups: [{ headType: 'random' }, { headType: 'random' }] }, 'spec.groups.1: repeats group 0 (random, zero, full); merge their counts'],
    ['zero draws', { model: 'm', groups: [{ headType: 'random', draws: 0 }] }, 'spec.groups.0.draws: must be a positive integer, got 0'],
    ['bad token source', { model: 'm', tokens: { source: 'x' } }, 'spec.tokens.source: must be "file" (with a path), "store" (with an id) or "vocab"; got "x"'],
    ['token file without path', { model: 'm', tokens: { source: 'file' } }, 'spec.tokens.path: is required'],
    ['bad score source', { model: 'm', scores: { source: 'csv', path: '' } }, 'spec.scores.path: must be a file path, got an empty string'],
    ['bad provider', { model: 'm', provider: 'tpu' }, 'spec.provider: must be one of auto, cpu, cuda, got "tpu"'],
    ['not an object', 5, 'spec: must be an object, got 5'],
    ['induction count over maxHeadsAbl', { model: 'm', maxHeadsAbl: 10 }, 'spec.groups.0.counts: 20 exceeds maxHeadsAbl 10 (the most induction heads considered)'],
  ];
  it.each(cases)('rejects %s, naming the field', (_, input, message) => {
    expect(inputError(() => parseStudySpec(input)).message).toBe(message);
  });

  it('allows random counts above maxHeadsAbl (checked against the model instead)', () => {
    expect(at(parseStudySpec({ model: 'm', maxHeadsAbl: 2, groups: [{ headType: 'random', counts: [0, 8] }] }).groups, 0).counts).toEqual([0, 8]);
  });
});

describe('parseCounts', () => {
  it('reads the seed format and writes it back', () => {
    expect(parseCounts('0-1-5-10-20-50')).toEqual([0, 1, 5, 10, 20, 50]);
    expect(parseCounts(' 8 - 0-2 ')).toEqual([0, 2, 8]);
    expect(formatCounts(parseCounts('0-1-5'))).toBe('0-1-5');
  });

  it.each([
    ['', 'spec.counts: must list head counts like 0-1-5-10, got an empty string'],
    ['0-1-x', `spec.counts: must be non-negative integers joined by '-' like 0-1-5-10, got "0-1-x" (bad part "x")`],
    ['0--2', `spec.counts: must be non-negative integers joined by '-' like 0-1-5-10, got "0--2" (bad part "")`],
    ['0-1.5', `spec.counts: must be non-negative integers joined by '-' like 0-1-5-10, got "0-1.5" (bad part "1.5")`],
    ['0-1-1', 'spec.counts: lists 1 twice'],
  ])('rejects %j', (text, message) => {
    expect(inputError(() => parseCounts(text)).message).toBe(message);
  });

  it('names the field it is given', () => {
    expect(inputError(() => parseCounts('a', '--to_abl')).file).toBe('--to_abl');
  });
});

describe('validateSpecAgainstModel', () => {
  const shape = { nLayers: 12, nHeads: 12 }; // GPT-2 small: 144 heads, 72 per half
  const spec = (input: object) => parseStudySpec({ model: 'm', ...input });

  it('accepts the paper setting on a 144-head model with a 1000-token set', () => {
    expect(() => validateSpecAgainstModel(spec({ groups: [{ headType: 'induction' }, { headType: 'random' }] }), shape, 1000)).not.toThrow();
  });

  it.each([
    ['maxHeadsAbl above the range', { maxHeadsAbl: 80, groups: [{ headType: 'induction', counts: [0, 5], layerRange: 'top' }] },
      'spec.maxHeadsAbl: is 80 but lower half (near input) has only 72 heads (6 layers x 12)'],
    ['random heads short of the pool', { maxHeadsAbl: 50, groups: [{ headType: 'random', counts: [0, 30], layerRange: 'bottom' }] },
      'spec.groups.0.counts: asks for 30 random heads outside the top 50 induction heads, but upper half (near output) has only 22 (72 - 50); lower maxHeadsAbl or the counts'],
    ['a count above the range', { maxHeadsAbl: 10, groups: [{ headType: 'random', counts: [0, 100], layerRange: 'top' }] },
      'spec.groups.0.counts: asks for 100 heads but lower half (near input) has only 72 heads (6 layers x 12)'],
    ['more tokens than the set', { tokenCount: 600, groups: [{ headType: 'induction' }] }, 'spec.tokenCount: is 600 but the token set has only 500 tokens'],
  ])('rejects %s', (_, input, message) => {
    expect(inputError(() => validateSpecAgainstModel(spec(input), shape, 500)).message).toBe(message);
  });

  it('rejects an empty lower half and prompts longer than the model', () => {
    const one = spec({ maxHeadsAbl: 1, groups: [{ headType: 'induction', counts: [0, 1], layerRange: 'top' }] });
    expect(inputError(() => validateSpecAgainstModel(one, { nLayers: 1, nHeads: 4 }, null)).message).toBe(
      'spec.groups.0.layerRange: lower half (near input) has no layers in a 1-layer model',
    );
    const long = spec({ tokenCount: 1024 });
    expect(inputError(() => validateSpecAgainstModel(long, { ...shape, maxPositions: 1024 }, null)).message).toBe(
      "spec.tokenCount: prompts of 1025 tokens exceed the model's 1024 positions",
    );
  });
});
