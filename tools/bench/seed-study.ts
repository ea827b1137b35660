// The seed script's default study as the side-by-side bench runs it: `--to_abl 0-1-5-10-20-50
// --mode zero`, over all layers (`--layer_abl full`) or the upper half (`--layer_abl bottom`,
// layers >= floor(L/2)). The bench's checkpoints are random, so they have no induction heads to
// rank: a fixed seeded shuffle of the heads stands in for the score ranking (the cost of a
// condition depends only on which layers its heads are in, not on why they were chosen).

import type { HeadControlRow } from '../../src/main/engine/head-controls';
import type { HeadRef, ModelSpec } from '../../src/shared/model-spec';
import { createRng, shuffle } from '../../src/shared/study/prng';

export const SEED_COUNTS = [0, 1, 5, 10, 20, 50] as const;
export type LayerRange = 'full' | 'bottom';

/** Every head in a fixed seeded order (the stand-in for the induction ranking). */
export function rankedHeads(spec: Pick<ModelSpec, 'nLayers' | 'nHeads'>, seed = 42): HeadRef[] {
  const all = Array.from({ length: spec.nLayers * spec.nHeads }, (_, i) => ({ layer: Math.floor(i / spec.nHeads), head: i % spec.nHeads }));
  return shuffle(createRng(seed), all);
}

/** One row per condition (counts clamped to the heads in range; a count past them is dropped as a duplicate). */
export function seedStudyRows(spec: Pick<ModelSpec, 'nLayers' | 'nHeads'>, range: LayerRange): HeadControlRow[] {
  const lowest = range === 'full' ? 0 : Math.floor(spec.nLayers / 2);
  const pool = rankedHeads(spec).filter((h) => h.layer >= lowest);
  const counts = [...new Set(SEED_COUNTS.map((k) => Math.min(k, pool.length)))];
  return counts.map((k) => ({ heads: pool.slice(0, k), mode: k === 0 ? 'none' : 'zero' }));
}
