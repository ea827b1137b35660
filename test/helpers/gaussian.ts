// Standard normal samples from the study generator (Box-Muller), for simulations in the statistics tests.

import type { Rng } from '../../src/shared/study/prng';

/** One N(0, 1) draw from two (0, 1] uniforms. */
export function gaussian(rng: Rng): number {
  const u = 1 - rng.nextFloat();
  const v = rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
