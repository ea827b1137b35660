// The seeded generator against independent references: MurmurHash3_x86_32's published test vectors,
// xoshiro128** outputs from a Python transcription of the reference C code, and seeded streams
// computed by that Python code (the same numbers must come out on every platform).

import { describe, expect, it } from 'vitest';
import {
  createRng,
  createRngFromState,
  hashSeed,
  murmur3Words,
  randomInt,
  sampleWithoutReplacement,
  shuffle,
  type Rng,
} from '../../src/shared/study/prng';

function take(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

describe('MurmurHash3 and xoshiro128**', () => {
  it('murmur3Words matches the published MurmurHash3_x86_32 vectors', () => {
    expect(murmur3Words([], 0)).toBe(0);
    expect(murmur3Words([], 1)).toBe(0x514e28b7);
    expect(murmur3Words([0], 0)).toBe(0x2362f9de);
    expect(murmur3Words([0x61616161], 0x9747b28c)).toBe(0x5a97808a); // "aaaa"
    expect(murmur3Words([0x64636261], 0x9747b28c)).toBe(0xf0478627); // "abcd"
  });

  it('xoshiro128** matches the reference algorithm', () => {
    expect(take(createRngFromState([1, 2, 3, 4]), 6)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    expect(take(createRngFromState([0x12345678, 0x9abcdef0, 0xdeadbeef, 0x0badf00d]), 6)).toEqual([
      2576881682, 1162350735, 808537200, 2062165408, 3804998253, 141604735,
    ]);
  });

  it('createRng(...parts) gives the Python reference streams, seeds above 2^32 included', () => {
    expect(take(createRng(42), 4)).toEqual([2856941348, 1335651858, 2612771047, 3622275919]);
    expect(take(createRng(42, 0x74726961, 137), 4)).toEqual([2433479110, 1026193901, 3478481500, 3776421111]);
    expect(take(createRng(2 ** 40 + 3, 7), 4)).toEqual([3671014512, 3630004464, 2960230312, 4229180025]);
  });

  it('hashSeed separates argument order and the high word', () => {
    const hashes = [hashSeed(42, 0), hashSeed(0, 42), hashSeed(42), hashSeed(1), hashSeed(2 ** 32 + 1)];
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(() => hashSeed(-1)).toThrow(RangeError);
    expect(() => createRng(1.5)).toThrow(RangeError);
  });
});

describe('randomInt, shuffle, sampleWithoutReplacement', () => {
  it('randomInt stays in range and is close to uniform (chi-square, 9 df)', () => {
    const rng = createRng(7);
    const counts = new Array(10).fill(0);
    const draws = 20_000;
    for (let i = 0; i < draws; i++) counts[randomInt(rng, 10)]++;
    const expected = draws / 10;
    const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    console.log(`randomInt(10): chi-square ${chi2.toFixed(2)} (9 df; 99.9% point 27.9)`);
    expect(chi2).toBeLessThan(27.9);
    expect(randomInt(rng, 1)).toBe(0);
    expect(randomInt(rng, 2 ** 32)).toBeLessThan(2 ** 32);
    expect(() => randomInt(rng, 0)).toThrow(RangeError);
    expect(() => randomInt(rng, 2.5)).toThrow(RangeError);
  });

  it('shuffle returns a permutation, leaves its input alone and visits all orders evenly', () => {
    const items = [3, 1, 4, 1, 5, 9, 2, 6];
    const copy = items.slice();
    const shuffled = shuffle(createRng(1), items);
    expect(items).toEqual(copy);
    expect([...shuffled].sort()).toEqual([...items].sort());
    const rng = createRng(2);
    const seen = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = shuffle(rng, ['a', 'b', 'c']).join('');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(seen.size).toBe(6);
    for (const count of seen.values()) expect(Math.abs(count - 1000)).toBeLessThan(120);
  });

  it('shuffle is deterministic for a seed and differs between seeds', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    expect(shuffle(createRng(5, 1), items)).toEqual(shuffle(createRng(5, 1), items));
    expect(shuffle(createRng(5, 1), items)).not.toEqual(shuffle(createRng(5, 2), items));
  });

  it('samples of every size from one state are the prefixes of one shuffle (nested)', () => {
    const items = Array.from({ length: 12 }, (_, i) => i * 10);
    const full = shuffle(createRng(9), items);
    for (let k = 0; k <= items.length; k++) {
      expect(sampleWithoutReplacement(createRng(9), items, k)).toEqual(full.slice(0, k));
    }
    expect(() => sampleWithoutReplacement(createRng(9), items, 13)).toThrow(RangeError);
    expect(() => sampleWithoutReplacement(createRng(9), items, -1)).toThrow(RangeError);
  });
});
