// The script-exact generators against what the real numpy and CPython produced for the same calls
// (test/fixtures/compat-prng.json, written by tools/golden/compat_prng_golden.py; the versions are
// recorded in the fixture): seeding, raw outputs, and every sampling algorithm on both sides of
// its switch points.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CPythonRandom, sampleSetSize } from '../../src/shared/study/compat/cpython-random';
import { defaultRngChoice } from '../../src/shared/study/compat/numpy-choice';
import { NumpyPcg64 } from '../../src/shared/study/compat/numpy-pcg64';
import { NumpyRandomState } from '../../src/shared/study/compat/numpy-random-state';
import { NumpySeedSequence } from '../../src/shared/study/compat/numpy-seed-sequence';

interface Fixture {
  numpy: string;
  python: string;
  seedSequence: { seed: string; pool: number[]; state32: number[]; pcg64_state: string; pcg64_inc: string; pcg64_raw: string[] }[];
  choice: { seed: string; pop: number; size: number; idx: number[] }[];
  legacy: { seed: number; raw: number[]; sizes: number[]; permutations: number[][] }[];
  cpython: { seed: string; getrandbits32: number[]; samples: { n: number; k: number; sample: number[] }[] }[];
}

const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/compat-prng.json'), 'utf8')) as Fixture;

describe('numpy SeedSequence and PCG64', () => {
  it.each(fixture.seedSequence)('seed $seed: pool, generate_state, PCG64 state and raw outputs', (c) => {
    const ss = new NumpySeedSequence(BigInt(c.seed));
    expect(ss.pool).toEqual(c.pool);
    expect(ss.generateState32(8)).toEqual(c.state32);
    const gen = NumpyPcg64.fromSeed(BigInt(c.seed));
    expect(gen.stateAndIncrement).toEqual({ state: BigInt(c.pcg64_state), inc: BigInt(c.pcg64_inc) });
    expect(Array.from({ length: c.pcg64_raw.length }, () => gen.nextUint64().toString())).toEqual(c.pcg64_raw);
  });
});

describe('numpy Generator.choice(replace=False)', () => {
  it('covers both algorithms (Floyd, and the tail shuffle when pop > 10000 and size > pop // 50)', () => {
    const tail = (c: { pop: number; size: number }) => c.pop > 10000 && c.size > Math.floor(c.pop / 50);
    expect(fixture.choice.some(tail)).toBe(true);
    expect(fixture.choice.some((c) => c.pop > 10000 && !tail(c))).toBe(true);
  });

  it.each(fixture.choice)('seed $seed: choice($pop, $size)', (c) => {
    expect(defaultRngChoice(BigInt(c.seed), c.pop, c.size)).toEqual(c.idx);
  });
});

describe('numpy legacy RandomState (np.random.seed + np.random.permutation)', () => {
  it.each(fixture.legacy)('seed $seed: raw MT19937 outputs and successive permutations', (c) => {
    const raw = new NumpyRandomState(c.seed);
    expect(Array.from({ length: c.raw.length }, () => raw.nextUint32())).toEqual(c.raw);
    const rs = new NumpyRandomState(c.seed);
    c.sizes.forEach((size, i) => {
      const items = Array.from({ length: size }, (_, j) => 100 + j);
      expect(rs.permutation(items)).toEqual(c.permutations[i]);
    });
  });

  it('refuses seeds numpy refuses', () => {
    expect(() => new NumpyRandomState(2 ** 32)).toThrow(/2\^32 - 1/);
    expect(() => new NumpyRandomState(-1)).toThrow(RangeError);
  });
});

describe('CPython random (random.seed + random.sample)', () => {
  it('covers both sides of the pool / set switch', () => {
    const samples = fixture.cpython[0]?.samples ?? [];
    expect(samples.some((s) => s.n <= sampleSetSize(s.k))).toBe(true);
    expect(samples.some((s) => s.n > sampleSetSize(s.k))).toBe(true);
    expect(samples.some((s) => s.n === sampleSetSize(s.k))).toBe(true);
    expect(samples.some((s) => s.n === sampleSetSize(s.k) + 1)).toBe(true);
  });

  it.each(fixture.cpython)('seed $seed: getrandbits(32) and sample(range(n), k)', (c) => {
    const rng = new CPythonRandom(BigInt(c.seed));
    expect(Array.from({ length: c.getrandbits32.length }, () => rng.getrandbits(32))).toEqual(c.getrandbits32);
    for (const s of c.samples) {
      const population = Array.from({ length: s.n }, (_, i) => i);
      expect(new CPythonRandom(BigInt(c.seed)).sample(population, s.k), `n=${s.n} k=${s.k}`).toEqual(s.sample);
    }
  });
});

it('the fixture records the versions that produced it', () => {
  expect(fixture.numpy).toMatch(/^\d+\.\d+/);
  expect(fixture.python).toMatch(/^3\.\d+/);
});
