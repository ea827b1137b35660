// Distinct random draws: at every count a study runs, no two draws silence the same head set; a draw
// that would repeat one is redrawn from the seed (so draws that do not collide keep their heads),
// counts stay nested, and impossible requests fail naming the spec field.

import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors';
import type { HeadRef } from '../../src/shared/model-spec';
import { randomHeadPool, randomHeads, resolveConditions } from '../../src/shared/study/heads';
import { binomial, distinctRandomDraws, drawAttempt } from '../../src/shared/study/random-draws';
import { parseStudySpec, validateSpecAgainstModel } from '../../src/shared/study/spec';
import type { HeadScore } from '../../src/shared/study/types';

/** 4 layers x 8 heads (the demo model's shape), distinct scores. */
const scores: HeadScore[] = Array.from({ length: 32 }, (_, i) => ({ layer: Math.floor(i / 8), head: i % 8, score: ((i * 37) % 32) / 32 }));
const pool = randomHeadPool(scores, 'full', 4, 8);
const setOf = (heads: readonly HeadRef[]) => heads.map((h) => `${h.layer}.${h.head}`).sort().join(' ');
const demoCounts = new Map([[1, 5], [2, 5], [4, 5], [8, 5]]);

describe('distinctRandomDraws', () => {
  it('never repeats a head set at any count, over 300 seeds of the demo setting', () => {
    let redrawn = 0;
    for (let seed = 0; seed < 300; seed++) {
      const draws = distinctRandomDraws(pool, demoCounts, seed, 0);
      expect(draws).toHaveLength(5);
      for (const k of demoCounts.keys()) expect(new Set(draws.map((d) => setOf(d.slice(0, k)))).size).toBe(5);
      draws.forEach((d, i) => {
        expect(new Set(d.map((h) => `${h.layer}.${h.head}`)).size).toBe(8);
        if (setOf(d) !== setOf(drawAttempt(pool, 8, seed, 0, i, 0))) redrawn++;
      });
    }
    // With 24 heads, five first heads collide about a third of the time (1 - 24·23·22·21·20 / 24^5).
    console.log(`draws redrawn to stay distinct: ${redrawn} of 1500`);
    expect(redrawn).toBeGreaterThan(100);
  });

  it('keeps the original stream for every draw that does not collide, and the first draw always', () => {
    for (let seed = 0; seed < 50; seed++) {
      const draws = distinctRandomDraws(pool, demoCounts, seed, 0);
      expect(draws[0]).toEqual(randomHeads(scores, 'full', 4, 8, 8, seed, 0));
    }
    // Seed 42: draws 2 and 5 used to silence the same single head; now draw 5 is redrawn.
    const before = [0, 1, 2, 3, 4].map((d) => randomHeads(scores, 'full', 4, 8, 8, 42, d));
    const after = distinctRandomDraws(pool, demoCounts, 42, 0);
    const firstHeads = before.map((d) => setOf(d.slice(0, 1)));
    console.log(`seed 42, first heads before: ${firstHeads.join(', ')}; after: ${after.map((d) => setOf(d.slice(0, 1))).join(', ')}`);
    after.forEach((d, i) => {
      const collided = firstHeads.slice(0, i).includes(firstHeads[i] ?? '');
      if (!collided) expect(d).toEqual(before[i]);
    });
  });

  it('is a pure function of its inputs; fewer draws are a prefix of more', () => {
    const five = distinctRandomDraws(pool, demoCounts, 7, 0);
    expect(distinctRandomDraws(pool, demoCounts, 7, 0)).toEqual(five);
    expect(distinctRandomDraws(pool, new Map([[1, 3], [2, 3], [4, 3], [8, 3]]), 7, 0)).toEqual(five.slice(0, 3));
    expect(distinctRandomDraws(pool, demoCounts, 7, 1)).not.toEqual(five);
  });

  it('asks distinctness at a count only among the draws run at that count', () => {
    // 3 heads: one set of 3, so only one draw may run at k = 3, while k = 1 runs 3 draws.
    const small = pool.slice(0, 3);
    const draws = distinctRandomDraws(small, new Map([[1, 3], [3, 1]]), 5, 0);
    expect(new Set(draws.map((d) => setOf(d.slice(0, 1)))).size).toBe(3);
  });

  it('finds every set when draws equal the number of sets, and refuses more', () => {
    const five = pool.slice(0, 5);
    const draws = distinctRandomDraws(five, new Map([[4, 5]]), 3, 0);
    expect(new Set(draws.map((d) => setOf(d.slice(0, 4)))).size).toBe(5);
    expect(() => distinctRandomDraws(five, new Map([[4, 6]]), 3, 0)).toThrow(
      '6 distinct draws of 4 random heads are impossible: 5 heads give only 5 different sets of 4; lower the draws or that count',
    );
    expect([binomial(24, 8), binomial(5, 2), binomial(8, 8), binomial(8, 9), binomial(24, 1)]).toEqual([735471, 10, 1, 0, 24]);
  });
});

describe('distinct draws in a study', () => {
  const shape = { nLayers: 4, nHeads: 8 };

  it('resolves the demo preset into 20 random conditions with 5 different head sets per count', () => {
    const spec = parseStudySpec({
      model: 'm',
      maxHeadsAbl: 8,
      groups: [
        { headType: 'induction', counts: [0, 1, 2, 4, 8] },
        { headType: 'random', counts: [0, 1, 2, 4, 8], draws: 5 },
      ],
    });
    const random = resolveConditions(spec, scores, shape).filter((c) => c.headType === 'random');
    expect(random).toHaveLength(20);
    for (const k of [1, 2, 4, 8]) expect(new Set(random.filter((c) => c.count === k).map((c) => setOf(c.heads))).size).toBe(5);
    // Nested: each draw's k heads are the first k of its 8.
    for (const c of random) expect(c.heads).toEqual(random.find((x) => x.draw === c.draw && x.count === 8)?.heads.slice(0, c.count));
  });

  it('names the group when its draws cannot be distinct (at resolution and against the model)', () => {
    const spec = parseStudySpec({
      model: 'm',
      maxHeadsAbl: 24,
      groups: [
        { headType: 'induction', counts: [1] },
        { headType: 'random', counts: [1, 8], draws: 2 },
      ],
    });
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        return (err as InputError).message;
      }
      return 'no error';
    };
    expect(message(() => resolveConditions(spec, scores, shape))).toBe(
      'spec.groups.1.draws: 2 distinct draws of 8 random heads are impossible: 8 heads give only 1 different set of 8; ' +
        'lower the draws or that count (all layers has 8 scored heads outside the top 24)',
    );
    expect(message(() => validateSpecAgainstModel(spec, shape, null))).toBe(
      'spec.groups.1.draws: 2 distinct draws of 8 random heads are impossible: 8 heads give only 1 different set of 8; ' +
        'lower the draws or that count (all layers has 8 heads outside the top 24)',
    );
  });
});
