// Distinct random head draws (DESIGN.md §1, studio mode). A draw is one seeded permutation of the
// pool (the range's heads outside its top maxHeadsAbl); k heads = its first k, so counts are nested.
// A draw whose first k heads are, as a set, an earlier draw's first k at any count k the study runs
// is redrawn: attempt a of draw d uses createRng(seed, RNG_DOMAIN.randomHeads, range code, d) for
// a = 0 (the stream every draw used before) and createRng(..., d, a) for a >= 1, until it differs.

import type { HeadRef } from '../model-spec';
import { createRng, RNG_DOMAIN, sampleWithoutReplacement } from './prng';

/** Gives up on a draw after this many attempts (only reachable when nearly every set is taken). */
const MAX_ATTEMPTS = 100_000;

/** C(n, k) as a float (exact below 2^53; only compared with a number of draws). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const m = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= m; i++) c = (c * (n - m + i)) / i;
  return Math.round(c);
}

/** The permutation prefix of draw `draw`, attempt `attempt` (attempt 0: the original stream). */
export function drawAttempt(pool: readonly HeadRef[], length: number, seed: number, rangeCode: number, draw: number, attempt: number): HeadRef[] {
  const rng = attempt === 0 ? createRng(seed, RNG_DOMAIN.randomHeads, rangeCode, draw) : createRng(seed, RNG_DOMAIN.randomHeads, rangeCode, draw, attempt);
  return sampleWithoutReplacement(rng, pool, length);
}

/** Why `draws` distinct sets of `count` heads cannot come from a pool of `poolSize`, or null. */
export function distinctDrawsProblem(poolSize: number, count: number, draws: number): string | null {
  const sets = binomial(poolSize, count);
  if (draws <= sets) return null;
  return (
    `${draws} distinct draws of ${count} random heads are impossible: ${poolSize} heads give only ${sets} ` +
    `different set${sets === 1 ? '' : 's'} of ${count}; lower the draws or that count`
  );
}

function setKey(heads: readonly HeadRef[]): string {
  return heads
    .map((h) => h.layer * 1_000_003 + h.head)
    .sort((a, b) => a - b)
    .join(',');
}

/**
 * Draws 0..D-1 (D = the most draws any count asks for), each the first max(count) heads of its
 * accepted permutation. `drawsAtCount` maps each head count k to how many draws run at k; draw d
 * must differ from draws 0..d-1 at every k with d < drawsAtCount(k). Throws RangeError when some
 * count has fewer distinct head sets than draws.
 */
export function distinctRandomDraws(
  pool: readonly HeadRef[],
  drawsAtCount: ReadonlyMap<number, number>,
  seed: number,
  rangeCode: number,
): HeadRef[][] {
  const counts = [...drawsAtCount.keys()].filter((k) => k > 0);
  if (counts.length === 0) return [];
  const length = Math.max(...counts);
  if (length > pool.length) throw new RangeError(`asked for ${length} random heads but only ${pool.length} are available`);
  for (const k of counts) {
    const problem = distinctDrawsProblem(pool.length, k, drawsAtCount.get(k) ?? 0);
    if (problem) throw new RangeError(problem);
  }
  const taken = new Map(counts.map((k) => [k, new Set<string>()]));
  const total = Math.max(...drawsAtCount.values());
  const accepted: HeadRef[][] = [];
  for (let draw = 0; draw < total; draw++) {
    const checked = counts.filter((k) => draw < (drawsAtCount.get(k) ?? 0));
    let heads: HeadRef[] | null = null;
    for (let attempt = 0; heads === null; attempt++) {
      if (attempt === MAX_ATTEMPTS) throw new RangeError(`could not find a random draw ${draw + 1} distinct from the earlier ones in ${MAX_ATTEMPTS} attempts`);
      const candidate = drawAttempt(pool, length, seed, rangeCode, draw, attempt);
      if (checked.every((k) => !taken.get(k)?.has(setKey(candidate.slice(0, k))))) heads = candidate;
    }
    for (const k of checked) taken.get(k)?.add(setKey(heads.slice(0, k)));
    accepted.push(heads);
  }
  return accepted;
}
