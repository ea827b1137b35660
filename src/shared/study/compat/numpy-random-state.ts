// numpy's legacy global generator as `np.random.seed(s)` + `np.random.permutation(array)` use it
// (numpy/random/mtrand.pyx, _mt19937.pyx, distributions.c): MT19937 seeded by init_genrand with the
// 32-bit seed, and a Fisher-Yates shuffle from the last element down whose index j in [0, i] comes
// from `random_interval`: masked rejection on 32-bit outputs (arrays under 2^32 items only).

import { at } from '../../checked';
import { Mt19937 } from './mt19937';

/** The largest seed `np.random.seed` accepts: it raises ValueError above 2^32 - 1. */
export const NUMPY_LEGACY_MAX_SEED = 0xffffffff;

export class NumpyRandomState {
  private readonly mt: Mt19937;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > NUMPY_LEGACY_MAX_SEED) {
      throw new RangeError(`np.random.seed takes an integer in [0, 2^32 - 1], got ${seed}`);
    }
    this.mt = Mt19937.fromSeed(seed);
  }

  nextUint32(): number {
    return this.mt.nextUint32();
  }

  /** random_interval(max): uniform in [0, max], by rejection of `next & mask` above max. */
  randomInterval(max: number): number {
    if (max === 0) return 0;
    // Arrays of 2^32 or more items (numpy's 64-bit path) cannot be prompts.
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) throw new RangeError(`random_interval supports max < 2^32 here, got ${max}`);
    const mask = smearRight(max);
    let value: number;
    do value = (this.mt.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** `permutation(array)` of a 1-d array: a shuffled copy, as numpy's in-place shuffle leaves it. */
  permutation<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      const tmp = at(out, j);
      out[j] = at(out, i);
      out[i] = tmp;
    }
    return out;
  }
}

/** The smallest all-ones bit mask that covers `max` (max < 2^32). */
function smearRight(max: number): number {
  let mask = max >>> 0;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}
