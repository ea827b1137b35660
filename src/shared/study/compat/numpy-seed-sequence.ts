// numpy's SeedSequence (numpy/random/bit_generator.pyx) for an integer entropy and no spawn key:
// the entropy's 32-bit words hashed into a pool of four words, and generate_state's output words
// (uint64 words are pairs of uint32 words, low word first). 32-bit arithmetic (Math.imul, >>> 0).

import { at } from '../../checked';
import { uint32Words } from './mt19937';

const POOL_SIZE = 4;
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;

/** A multiplier that changes after every use, as numpy's hash_const. */
class HashConst {
  constructor(private value: number) {}

  hashmix(input: number): number {
    let v = (input ^ this.value) >>> 0;
    this.value = Math.imul(this.value, MULT_A) >>> 0;
    v = Math.imul(v, this.value) >>> 0;
    return (v ^ (v >>> XSHIFT)) >>> 0;
  }
}

function mix(x: number, y: number): number {
  const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
  return (r ^ (r >>> XSHIFT)) >>> 0;
}

export class NumpySeedSequence {
  readonly pool: readonly number[];

  /** SeedSequence(entropy) for a non-negative integer entropy. */
  constructor(entropy: number | bigint) {
    const words = uint32Words(entropy);
    const hash = new HashConst(INIT_A);
    const pool = Array.from({ length: POOL_SIZE }, (_, i) => hash.hashmix(words[i] ?? 0));
    for (let src = 0; src < POOL_SIZE; src++) {
      for (let dst = 0; dst < POOL_SIZE; dst++) {
        if (src !== dst) pool[dst] = mix(at(pool, dst), hash.hashmix(at(pool, src)));
      }
    }
    for (let src = POOL_SIZE; src < words.length; src++) {
      for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(at(pool, dst), hash.hashmix(at(words, src)));
    }
    this.pool = pool;
  }

  /** generate_state(n, np.uint32). */
  generateState32(nWords: number): number[] {
    let hashConst = INIT_B;
    return Array.from({ length: nWords }, (_, i) => {
      let v = (at(this.pool, i % POOL_SIZE) ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      v = Math.imul(v, hashConst) >>> 0;
      return (v ^ (v >>> XSHIFT)) >>> 0;
    });
  }

  /** generate_state(n, np.uint64): pairs of uint32 words, the low word first. */
  generateState64(nWords: number): bigint[] {
    const words = this.generateState32(2 * nWords);
    return Array.from({ length: nWords }, (_, i) => (BigInt(at(words, 2 * i + 1)) << 32n) | BigInt(at(words, 2 * i)));
  }
}
