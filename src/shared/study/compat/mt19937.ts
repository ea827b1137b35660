// MT19937, the Mersenne Twister of Matsumoto & Nishimura (mt19937ar.c, 2002): the core both
// numpy's legacy RandomState and CPython's `random` module run. Only the two seedings they use
// (init_genrand, init_by_array) and the 32-bit output; 32-bit integer arithmetic only.

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

export class Mt19937 {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  /** init_genrand(s): the state from one 32-bit seed. */
  static fromSeed(seed: number): Mt19937 {
    const rng = new Mt19937();
    rng.initGenrand(seed);
    return rng;
  }

  /** init_by_array(key): the state from 32-bit words (the least significant word first). */
  static fromKey(key: readonly number[]): Mt19937 {
    const rng = new Mt19937();
    rng.initGenrand(19650218);
    const mt = rng.mt;
    const length = Math.max(key.length, 1);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, length); k > 0; k--) {
      const prev = mt[i - 1] ?? 0;
      const mixed = Math.imul(prev ^ (prev >>> 30), 1664525);
      mt[i] = ((mt[i] ?? 0) ^ mixed) + (key[j] ?? 0) + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1] ?? 0;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ?? 0;
      const mixed = Math.imul(prev ^ (prev >>> 30), 1566083941);
      mt[i] = ((mt[i] ?? 0) ^ mixed) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1] ?? 0;
        i = 1;
      }
    }
    mt[0] = 0x80000000; // MSB is 1, assuring a non-zero initial array
    return rng;
  }

  private initGenrand(seed: number): void {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ?? 0;
      mt[i] = Math.imul(1812433253, prev ^ (prev >>> 30)) + i;
    }
    this.index = N;
  }

  /** genrand_int32: the next uniform integer in [0, 2^32). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = ((mt[k] ?? 0) & UPPER_MASK) | ((mt[(k + 1) % N] ?? 0) & LOWER_MASK);
        mt[k] = (mt[(k + M) % N] ?? 0) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      this.index = 0;
    }
    let y = this.mt[this.index++] ?? 0;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** A non-negative integer as 32-bit words, least significant first ([0] for 0), as CPython and numpy split seeds. */
export function uint32Words(value: number | bigint): number[] {
  let n = BigInt(value);
  if (n < 0n) throw new RangeError(`expected a non-negative integer, got ${value}`);
  const words: number[] = [];
  do {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  } while (n > 0n);
  return words;
}
