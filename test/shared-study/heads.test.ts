// Head selection: layer ranges with one boundary, ranked induction heads with a stated tie rule,
// nested and seeded random draws outside the top induction heads, and resolved conditions.

import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors';
import type { HeadRef } from '../../src/shared/model-spec';
import { layerRangeLayers, randomHeadPool, randomHeads, resolveConditions, topInductionHeads } from '../../src/shared/study/heads';
import { createRng, shuffle } from '../../src/shared/study/prng';
import { parseStudySpec } from '../../src/shared/study/spec';
import type { HeadScore } from '../../src/shared/study/types';
import { at, first } from '../../src/shared/checked';

/** A full score grid with distinct scores from a fixed shuffle (deterministic). */
function grid(nLayers: number, nHeads: number): HeadScore[] {
  const values = shuffle(createRng(123), Array.from({ length: nLayers * nHeads }, (_, i) => i / (nLayers * nHeads)));
  return values.map((score, i) => ({ layer: Math.floor(i / nHeads), head: i % nHeads, score }));
}

const key = (h: HeadRef) => `${h.layer}.${h.head}`;

describe('layerRangeLayers', () => {
  it('splits at floor(L/2): top = lower half, bottom = upper half', () => {
    expect(layerRangeLayers('full', 4)).toEqual([0, 1, 2, 3]);
    expect(layerRangeLayers('top', 4)).toEqual([0, 1]);
    expect(layerRangeLayers('bottom', 4)).toEqual([2, 3]);
    expect(layerRangeLayers('top', 5)).toEqual([0, 1]);
    expect(layerRangeLayers('bottom', 5)).toEqual([2, 3, 4]);
    expect(layerRangeLayers('top', 1)).toEqual([]);
    expect(layerRangeLayers('bottom', 1)).toEqual([0]);
  });
});

describe('topInductionHeads', () => {
  const scores: HeadScore[] = [
    { layer: 0, head: 1, score: 0.2 },
    { layer: 3, head: 0, score: 0.9 },
    { layer: 1, head: 2, score: 0.5 },
    { layer: 1, head: 0, score: 0.5 },
    { layer: 0, head: 0, score: 0.5 },
    { layer: 2, head: 1, score: NaN },
  ];

  it('ranks by score, ties by (layer, head), NaN last', () => {
    expect(topInductionHeads(scores, 'full', 4, 6)).toEqual([
      { layer: 3, head: 0 },
      { layer: 0, head: 0 },
      { layer: 1, head: 0 },
      { layer: 1, head: 2 },
      { layer: 0, head: 1 },
      { layer: 2, head: 1 },
    ]);
  });

  it('stays inside the range and refuses more heads than it has', () => {
    expect(topInductionHeads(scores, 'top', 4, 3)).toEqual([{ layer: 0, head: 0 }, { layer: 1, head: 0 }, { layer: 1, head: 2 }]);
    expect(topInductionHeads(scores, 'bottom', 4, 1)).toEqual([{ layer: 3, head: 0 }]);
    expect(() => topInductionHeads(scores, 'bottom', 4, 3)).toThrow(RangeError);
  });
});

describe('randomHeads', () => {
  const scores = grid(8, 6);

  it('draws only from the range, outside its top maxHeadsAbl heads', () => {
    for (const range of ['full', 'top', 'bottom'] as const) {
      const top = new Set(topInductionHeads(scores, range, 8, 5).map(key));
      const layers = new Set(layerRangeLayers(range, 8));
      for (let draw = 0; draw < 20; draw++) {
        const heads = randomHeads(scores, range, 8, 5, 10, 42, draw);
        expect(new Set(heads.map(key)).size).toBe(10);
        for (const h of heads) {
          expect(layers.has(h.layer)).toBe(true);
          expect(top.has(key(h))).toBe(false);
        }
      }
    }
    expect(randomHeadPool(scores, 'top', 8, 5).length).toBe(4 * 6 - 5);
  });

  it('is nested across counts, seeded, and independent of the order of the scores', () => {
    const ten = randomHeads(scores, 'full', 8, 5, 10, 42, 0);
    for (const k of [0, 1, 3, 7]) expect(randomHeads(scores, 'full', 8, 5, k, 42, 0)).toEqual(ten.slice(0, k));
    const reordered = shuffle(createRng(1), scores);
    expect(randomHeads(reordered, 'full', 8, 5, 10, 42, 0)).toEqual(ten);
    expect(randomHeads(scores, 'full', 8, 5, 10, 42, 1)).not.toEqual(ten);
    expect(randomHeads(scores, 'full', 8, 5, 10, 43, 0)).not.toEqual(ten);
  });

  it('covers the pool evenly over draws', () => {
    const pool = randomHeadPool(scores, 'full', 8, 5);
    const hits = new Map<string, number>();
    const draws = 4300;
    for (let d = 0; d < draws; d++) {
      const h = first(randomHeads(scores, 'full', 8, 5, 1, 42, d));
      hits.set(key(h), (hits.get(key(h)) ?? 0) + 1);
    }
    expect(hits.size).toBe(pool.length);
    const expected = draws / pool.length; // 100 per head
    for (const count of hits.values()) expect(Math.abs(count - expected)).toBeLessThan(45);
  });

  it('refuses more heads than the pool holds', () => {
    expect(() => randomHeads(scores, 'top', 8, 20, 5, 42, 0)).toThrow(/has 4 scored heads outside the top 20/);
  });
});

describe('resolveConditions', () => {
  const shape = { nLayers: 8, nHeads: 6 };
  const scores = grid(8, 6);

  it('puts one baseline first, then each group by count and draw, with stable keys', () => {
    const spec = parseStudySpec({
      model: 'm',
      maxHeadsAbl: 5,
      groups: [
        { headType: 'induction', counts: '0-1-5' },
        { headType: 'random', counts: '0-1-5', draws: 2, layerRange: 'top' },
      ],
    });
    const conditions = resolveConditions(spec, scores, shape);
    expect(conditions.map((c) => c.key)).toEqual([
      'baseline',
      'induction-zero-full-k1',
      'induction-zero-full-k5',
      'random-zero-top-k1-d0',
      'random-zero-top-k1-d1',
      'random-zero-top-k5-d0',
      'random-zero-top-k5-d1',
    ]);
    expect(conditions[0]).toMatchObject({ headType: 'none', count: 0, heads: [] });
    expect(at(conditions, 2).heads).toEqual(topInductionHeads(scores, 'full', 8, 5));
    expect(at(conditions, 2).label).toBe('5 induction heads, zero ablation, all layers');
    expect(at(conditions, 3).label).toBe('1 random head (draw 1 of 2), zero ablation, lower half (near input)');
    expect(at(conditions, 5).heads).toEqual(randomHeads(scores, 'top', 8, 5, 5, 42, 0));
    expect(at(conditions, 5).heads.slice(0, 1)).toEqual(at(conditions, 3).heads);
  });

  it('gives zero and mean groups the same random heads', () => {
    const spec = parseStudySpec({
      model: 'm',
      maxHeadsAbl: 5,
      groups: [{ headType: 'random', counts: [3] }, { headType: 'random', counts: [3], mode: 'mean' }],
    });
    const [, zero, mean] = resolveConditions(spec, scores, shape);
    if (!zero || !mean) throw new Error('expected three conditions');
    expect(zero.key).toBe('random-zero-full-k3-d0');
    expect(mean.key).toBe('random-mean-full-k3-d0');
    expect(mean.heads).toEqual(zero.heads);
  });

  it('names the group when the scored heads cannot supply a count', () => {
    const partial = scores.filter((s) => s.layer >= 4); // a CSV that left out the lower half
    const spec = parseStudySpec({ model: 'm', maxHeadsAbl: 5, groups: [{ headType: 'induction', counts: [2], layerRange: 'top' }] });
    const err = (() => {
      try {
        resolveConditions(spec, partial, shape);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe('spec.groups.0.counts: asked for 2 induction heads but lower half (near input) has 0 scored heads');
  });

  it('rejects scores outside the model', () => {
    const spec = parseStudySpec({ model: 'm', maxHeadsAbl: 5, groups: [{ headType: 'induction', counts: [1] }] });
    expect(() => resolveConditions(spec, [{ layer: 8, head: 0, score: 1 }], shape)).toThrow(RangeError);
  });
});
