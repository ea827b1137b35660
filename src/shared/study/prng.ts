// Seeded randomness for studies: the same numbers on every platform, in Node and in the browser.
// Generator: xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c),
// 32-bit integer arithmetic only (Math.imul, >>> 0), so no floating-point or engine differences.
// Seeding: the 128-bit state is four MurmurHash3_x86_32 hashes of the seed parts (four lane seeds),
// so `createRng(seed, domain, i)` is a pure function of its arguments (per-trial streams, no skipping).

import { at } from '../checked';

export interface Rng {
  /** Next uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Next uniform float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number;
}

const TWO_32 = 4294967296;

/** Domain tags keep independent streams apart (trial orders, random-head draws, token sampling, bootstrap). */
export const RNG_DOMAIN = {
  trial: 0x74726961, // 'tria'
  randomHeads: 0x68656164, // 'head'
  tokenSample: 0x746f6b73, // 'toks'
  bootstrap: 0x626f6f74, // 'boot'
} as const;

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * MurmurHash3_x86_32 of 32-bit words (each word = 4 little-endian bytes), as the reference C code.
 */
export function murmur3Words(words: readonly number[], seed = 0): number {
  let h = seed >>> 0;
  for (const word of words) {
    let k = Math.imul(word >>> 0, 0xcc9e2d51);
    k = rotl(k, 15);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = rotl(h, 13);
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= words.length * 4;
  return fmix32(h);
}

/** Non-negative safe integers become two 32-bit words (low, high), so seeds above 2^32 still count. */
function seedWords(parts: readonly number[]): number[] {
  const words: number[] = [];
  for (const part of parts) {
    if (!Number.isSafeInteger(part) || part < 0) {
      throw new RangeError(`seed parts must be non-negative safe integers, got ${part}`);
    }
    words.push(part % TWO_32, Math.floor(part / TWO_32));
  }
  return words;
}

/** A 32-bit hash of seed parts (e.g. a per-trial seed from (study seed, trial index)). */
export function hashSeed(...parts: number[]): number {
  return murmur3Words(seedWords(parts), 0);
}

const LANE_SEEDS = [0x9e3779b9, 0x7f4a7c15, 0xf39cc060, 0x5ced1a6f] as const;

type State = readonly [number, number, number, number];

class Xoshiro128StarStar implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(state: State) {
    [this.s0, this.s1, this.s2, this.s3] = [state[0] >>> 0, state[1] >>> 0, state[2] >>> 0, state[3] >>> 0];
    // The all-zero state is the generator's one fixed point.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  nextFloat(): number {
    return this.nextUint32() / TWO_32;
  }
}

/** A generator whose state is the raw xoshiro128** state (for reference test vectors). */
export function createRngFromState(state: State): Rng {
  return new Xoshiro128StarStar(state);
}

/** A generator seeded by any number of non-negative integers: a pure function of them. */
export function createRng(...seedParts: number[]): Rng {
  const words = seedWords(seedParts);
  const lane = (i: 0 | 1 | 2 | 3): number => murmur3Words(words, LANE_SEEDS[i]);
  return new Xoshiro128StarStar([lane(0), lane(1), lane(2), lane(3)]);
}

/** Uniform integer in [0, n), unbiased (rejects the top partial block of 2^32). */
export function randomInt(rng: Rng, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > TWO_32) {
    throw new RangeError(`randomInt needs an integer n in [1, 2^32], got ${n}`);
  }
  const limit = TWO_32 - (TWO_32 % n);
  for (;;) {
    const x = rng.nextUint32();
    if (x < limit) return x % n;
  }
}

/**
 * The first `k` steps of a forward Fisher–Yates shuffle on a copy: position i takes a uniform pick
 * from positions i..n-1. Returns the whole (partially) shuffled copy.
 */
function partialShuffle<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const out = items.slice();
  const n = out.length;
  for (let i = 0; i < Math.min(k, n - 1); i++) {
    const j = i + randomInt(rng, n - i);
    [out[i], out[j]] = [at(out, j), at(out, i)];
  }
  return out;
}

/** A uniformly random permutation (forward Fisher–Yates); the input is not modified. */
export function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  return partialShuffle(rng, items, items.length);
}

/**
 * k distinct items, uniformly, in draw order. From the same generator state this is exactly
 * `shuffle(rng, items).slice(0, k)`, so samples of different sizes from one state are nested.
 */
export function sampleWithoutReplacement<T>(rng: Rng, items: readonly T[], k: number): T[] {
  if (!Number.isInteger(k) || k < 0 || k > items.length) {
    throw new RangeError(`cannot sample ${k} of ${items.length} items without replacement`);
  }
  return partialShuffle(rng, items, k).slice(0, k);
}
