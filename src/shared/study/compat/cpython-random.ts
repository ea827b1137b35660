// CPython's `random` module as `random.seed(n)` + `random.sample(population, k)` use it
// (Modules/_randommodule.c, Lib/random.py, CPython 3.11): MT19937 seeded by init_by_array with
// |n|'s 32-bit words, getrandbits(k) = the top k bits of one output (k <= 32), _randbelow by
// rejection, and sample's two algorithms: a shrinking pool when the population is small next to
// the k-set's table size, else repeated draws skipping indices already chosen.

import { at } from '../../checked';
import { Mt19937, uint32Words } from './mt19937';

export class CPythonRandom {
  private readonly mt: Mt19937;

  /** random.seed(n) for an int n (negative seeds use |n|, as CPython does). */
  constructor(seed: number | bigint) {
    const magnitude = BigInt(seed) < 0n ? -BigInt(seed) : BigInt(seed);
    this.mt = Mt19937.fromKey(uint32Words(magnitude));
  }

  /** getrandbits(k) for 1 <= k <= 32. */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 1 || k > 32) throw new RangeError(`getrandbits supports 1..32 bits here, got ${k}`);
    return this.mt.nextUint32() >>> (32 - k);
  }

  /** _randbelow(n): uniform in [0, n) from getrandbits(n.bit_length()), rejecting r >= n. */
  randbelow(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) throw new RangeError(`randbelow needs 1 <= n < 2^32, got ${n}`);
    const bits = 32 - Math.clz32(n);
    let r = this.getrandbits(bits);
    while (r >= n) r = this.getrandbits(bits);
    return r;
  }

  /** random.sample(population, k): k distinct items in selection order. */
  sample<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError('Sample larger than population or is negative');
    return n <= sampleSetSize(k) ? this.sampleFromPool(population, k) : this.sampleBySkipping(population, k);
  }

  private sampleFromPool<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    const pool = [...population];
    const result: T[] = [];
    for (let i = 0; i < k; i++) {
      const j = this.randbelow(n - i);
      result.push(at(pool, j));
      pool[j] = at(pool, n - i - 1); // the last unselected item fills the vacancy
    }
    return result;
  }

  private sampleBySkipping<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    const selected = new Set<number>();
    const result: T[] = [];
    for (let i = 0; i < k; i++) {
      let j = this.randbelow(n);
      while (selected.has(j)) j = this.randbelow(n);
      selected.add(j);
      result.push(at(population, j));
    }
    return result;
  }
}

/**
 * random.sample's switch point: 21 + 4^ceil(log4(3k)) for k > 5, else 21 (Python's estimate of a
 * k-element set's size next to an n-element list). log4 is computed as CPython's math.log(x, 4):
 * ln(x) / ln(4) in doubles.
 */
export function sampleSetSize(k: number): number {
  if (k <= 5) return 21;
  return 21 + 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
}
