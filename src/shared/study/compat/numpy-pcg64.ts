// numpy's PCG64 bit generator (numpy/random/_pcg64.pyx, pcg64.h): the 128-bit LCG with XSL-RR
// output, seeded as `PCG64(SeedSequence(seed))` seeds it (state and increment from four uint64
// words of generate_state), and its 32-bit output that hands out each 64-bit draw in two halves
// (low half first). 128-bit arithmetic in BigInt.

import { at } from '../../checked';
import { NumpySeedSequence } from './numpy-seed-sequence';

const MASK_64 = (1n << 64n) - 1n;
const MASK_128 = (1n << 128n) - 1n;
const MULTIPLIER = 0x2360ed051fc65da44385df649fccf645n;

export class NumpyPcg64 {
  private state = 0n;
  private readonly increment: bigint;
  private bufferedHalf: number | null = null;

  /** PCG64(SeedSequence(seed)), the bit generator of `np.random.default_rng(seed)`. */
  static fromSeed(seed: number | bigint): NumpyPcg64 {
    const words = new NumpySeedSequence(seed).generateState64(4);
    const initState = (at(words, 0) << 64n) | at(words, 1);
    const initSeq = (at(words, 2) << 64n) | at(words, 3);
    return new NumpyPcg64(initState, initSeq);
  }

  /** pcg64_srandom_r(initState, initSeq). */
  constructor(initState: bigint, initSeq: bigint) {
    this.increment = ((initSeq << 1n) | 1n) & MASK_128;
    this.step();
    this.state = (this.state + initState) & MASK_128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * MULTIPLIER + this.increment) & MASK_128;
  }

  /** The 128-bit state and increment, as numpy's `bit_generator.state` shows them. */
  get stateAndIncrement(): { state: bigint; inc: bigint } {
    return { state: this.state, inc: this.increment };
  }

  /** next_uint64: step, then XSL-RR of the new state. */
  nextUint64(): bigint {
    this.step();
    const xored = ((this.state >> 64n) ^ this.state) & MASK_64;
    const rot = this.state >> 122n;
    return ((xored >> rot) | (xored << ((64n - rot) & 63n))) & MASK_64;
  }

  /** next_uint32: the low half of a fresh 64-bit draw, then its high half. */
  nextUint32(): number {
    if (this.bufferedHalf !== null) {
      const half = this.bufferedHalf;
      this.bufferedHalf = null;
      return half;
    }
    const next = this.nextUint64();
    this.bufferedHalf = Number(next >> 32n);
    return Number(next & 0xffffffffn);
  }
}
