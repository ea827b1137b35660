// The script's selection rules that need no random numbers (its two layer boundaries, its induction
// ranking, its truncation of counts) and the spec-level bookkeeping of script mode (trial blocks).
// The random draws themselves are checked against the real numpy / CPython in compat-prng.test.ts
// and test/cli/run-compat-script.test.ts.

import { describe, expect, it } from 'vitest';
import { scriptConditions, storedTrialCount, trialOffset } from '../../src/shared/study/compat/script-conditions';
import { scriptDifferences } from '../../src/shared/study/compat/script-differences';
import { scriptInductionHeads, scriptLayers, scriptRandomHeads, scriptTokens } from '../../src/shared/study/compat/script-protocol';
import { parseStudySpec } from '../../src/shared/study/spec';

describe('script layer ranges', () => {
  it('puts layer int(L/2) in "top" for induction heads but in "bottom" (or nowhere) for random heads', () => {
    expect(scriptLayers('top', 4, 'induction')).toEqual([0, 1, 2]);
    expect(scriptLayers('bottom', 4, 'induction')).toEqual([3]);
    expect(scriptLayers('top', 4, 'random')).toEqual([0, 1]);
    expect(scriptLayers('bottom', 4, 'random')).toEqual([2, 3]);
    // Odd L: half = 2; the random pools are layers 0-1 and 3-4, layer 2 in neither.
    expect(scriptLayers('top', 5, 'random')).toEqual([0, 1]);
    expect(scriptLayers('bottom', 5, 'random')).toEqual([3, 4]);
    expect(scriptLayers('full', 3, 'random')).toEqual([0, 1, 2]);
  });
});

describe('script head selection', () => {
  const scores = [
    { layer: 0, head: 0, score: 0.5 },
    { layer: 3, head: 1, score: 0.9 },
    { layer: 1, head: 1, score: 0.5 },
    { layer: 2, head: 0, score: 0.7 },
  ];

  it('ranks by score descending with ties in file order, within the range, at most max_heads_abl', () => {
    expect(scriptInductionHeads(scores, 'full', 4, 3)).toEqual([{ layer: 3, head: 1 }, { layer: 2, head: 0 }, { layer: 0, head: 0 }]);
    expect(scriptInductionHeads(scores, 'top', 4, 10)).toEqual([{ layer: 2, head: 0 }, { layer: 0, head: 0 }, { layer: 1, head: 1 }]);
  });

  it('refuses a pool smaller than max_heads_abl with the script\'s message', () => {
    expect(() => scriptRandomHeads({ nLayers: 2, nHeads: 2 }, 'top', [], 3, 1)).toThrow('Not enough non-induction heads to sample: need 3, have 2');
  });

  it('gives count k the first k heads, the whole list past its end, and a baseline only for count 0', () => {
    const spec = parseStudySpec({ model: 'm', compat: 'script', tokens: { source: 'file', path: 't' }, permutations: 4, groups: [{ headType: 'random', counts: [1, 3] }] });
    const heads = [{ layer: 0, head: 1 }, { layer: 1, head: 0 }];
    const conditions = scriptConditions(spec, () => heads);
    expect(conditions.map((c) => [c.key, c.heads.length])).toEqual([['random-zero-full-k1', 1], ['random-zero-full-k3', 2]]);
    expect(conditions[1]?.label).toContain('truncated as the script does');
    expect(conditions.map((c) => trialOffset(spec, c))).toEqual([0, 4]);
    expect(storedTrialCount(spec)).toBe(8);
    const withBaseline = parseStudySpec({ ...spec, groups: [{ headType: 'random', counts: [0, 1] }] });
    expect(scriptConditions(withBaseline, () => heads).map((c) => c.key)).toEqual(['baseline', 'random-zero-full-k1']);
  });
});

it('takes np.unique of the ids, keeping them all when there are at most N', () => {
  expect(scriptTokens([5, 1, 5, 3, 1], 42, 3)).toEqual([1, 3, 5]);
  expect(scriptTokens([5, 1, 5, 3, 1, 9], 42, 3)).toHaveLength(3);
});

it('lists the studio differences that apply, and none of them in script mode', () => {
  const studio = parseStudySpec({ model: 'm', groups: [{ headType: 'random', counts: [0, 1], layerRange: 'top' }] });
  const notes = scriptDifferences(studio, { valueBiases: true });
  expect(notes.some((n) => n.startsWith('layer boundary'))).toBe(true);
  expect(notes.some((n) => n.startsWith('zero ablation removes'))).toBe(true);
  const full = scriptDifferences(parseStudySpec({ model: 'm' }), { valueBiases: false });
  expect(full.some((n) => n.startsWith('layer boundary') || n.startsWith('zero ablation'))).toBe(false);
  const script = scriptDifferences(parseStudySpec({ ...studio, valueBias: undefined, compat: 'script', tokens: { source: 'file', path: 't' } }), { valueBiases: true });
  expect(script.some((n) => n.startsWith('trials are paired') || n.startsWith('layer boundary'))).toBe(false);
  expect(script.some((n) => n.startsWith('value bias kept'))).toBe(true);
});
