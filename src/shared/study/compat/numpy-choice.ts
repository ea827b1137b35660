// `np.random.default_rng(seed).choice(pop, size, replace=False)` (numpy/random/_generator.pyx,
// numpy >= 1.17, shuffle=True, no p): Floyd's algorithm followed by a Fisher-Yates shuffle of the
// result, or, when pop > 10000 and size > pop // 50, a partial "tail" shuffle of arange(pop) whose
// last `size` entries are the sample. Bounded integers are Lemire's method on 32-bit draws
// (random_bounded_uint64 for ranges below 2^32, the only ones a token set can need).

import { at } from '../../checked';
import { NumpyPcg64 } from './numpy-pcg64';

/** Tail shuffle above this population (and above pop // 50 samples), as numpy's heuristic. */
const TAIL_SHUFFLE_MIN_POPULATION = 10000;
const TAIL_SHUFFLE_CUTOFF = 50;

/** random_bounded_uint64(0, rng) for rng < 2^32: uniform in [0, rng] by Lemire's multiply-and-reject. */
export function boundedUint32(gen: NumpyPcg64, rng: number): number {
  if (rng === 0) return 0;
  if (rng === 0xffffffff) return gen.nextUint32();
  if (!Number.isInteger(rng) || rng < 0 || rng > 0xffffffff) throw new RangeError(`bounded draws need a range below 2^32, got ${rng}`);
  const rngExcl = BigInt(rng + 1);
  let m = BigInt(gen.nextUint32()) * rngExcl;
  let leftover = Number(m & 0xffffffffn);
  if (leftover < rng + 1) {
    const threshold = (0xffffffff - rng) % (rng + 1);
    while (leftover < threshold) {
      m = BigInt(gen.nextUint32()) * rngExcl;
      leftover = Number(m & 0xffffffffn);
    }
  }
  return Number(m >> 32n);
}

/** _shuffle_int(n, first, data): swap data[i] with a uniform data[j], j in [0, i], for i = n-1 down to `first`. */
function shuffleInt(gen: NumpyPcg64, n: number, first: number, data: number[]): void {
  for (let i = n - 1; i >= first; i--) {
    const j = boundedUint32(gen, i);
    const tmp = at(data, j);
    data[j] = at(data, i);
    data[i] = tmp;
  }
}

/** Generator.choice(pop, size, replace=False) with PCG64 `gen`: indices into range(pop), in numpy's order. */
export function choiceWithoutReplacement(gen: NumpyPcg64, pop: number, size: number): number[] {
  if (!Number.isInteger(pop) || pop < 1) throw new RangeError(`population must be a positive integer, got ${pop}`);
  if (!Number.isInteger(size) || size < 0 || size > pop) {
    throw new RangeError('Cannot take a larger sample than population when replace is False');
  }
  if (pop > TAIL_SHUFFLE_MIN_POPULATION && size > Math.floor(pop / TAIL_SHUFFLE_CUTOFF)) {
    const idx = Array.from({ length: pop }, (_, i) => i);
    shuffleInt(gen, pop, Math.max(pop - size, 1), idx);
    return idx.slice(pop - size);
  }
  // Floyd: for j = pop-size .. pop-1 take a uniform t in [0, j], or j itself when t was taken.
  const chosen = new Set<number>();
  const out: number[] = [];
  for (let j = pop - size; j < pop; j++) {
    const t = boundedUint32(gen, j);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    out.push(pick);
  }
  shuffleInt(gen, size, 1, out);
  return out;
}

/** `np.random.default_rng(seed).choice(pop, size, replace=False)`. */
export function defaultRngChoice(seed: number | bigint, pop: number, size: number): number[] {
  return choiceWithoutReplacement(NumpyPcg64.fromSeed(seed), pop, size);
}
