// Comparing the app engine's outputs with the reference's, for the parity tests. Probabilities are
// compared absolutely AND relatively (with a large vocabulary most probabilities are ~1e-5, where
// an absolute 1e-4 proves nothing). Pure functions over plain arrays: nothing here imports the engine.

import { at } from '../../src/shared/checked';

/** Max |a[i] - b[i]|; NaN when either side holds one; throws when the lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cannot compare ${a.length} values with ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(at(a, i) - at(b, i)));
  return max;
}

export interface ProbDiff {
  maxAbs: number;
  /** Max |engine - ref| / ref over reference probabilities above `floor`. */
  maxRel: number;
  /** How many probabilities the relative check covered. */
  relCount: number;
}

/** engine: token_probs [B*S] row-major; ref: [B][S]. */
export function diffTokenProbs(engine: ArrayLike<number>, ref: number[][], floor = 1e-9): ProbDiff {
  const flat = ref.flat();
  if (engine.length !== flat.length) throw new Error(`engine gave ${engine.length} probabilities, reference ${flat.length}`);
  let maxAbs = 0;
  let maxRel = 0;
  let relCount = 0;
  flat.forEach((r, i) => {
    const d = Math.abs(at(engine, i) - r);
    if (!(d <= maxAbs)) maxAbs = d; // NaN propagates into the maximum
    if (r > floor) {
      relCount++;
      const rel = d / r;
      if (!(rel <= maxRel)) maxRel = rel;
    }
  });
  return { maxAbs, maxRel, relCount };
}

/** engine: per layer [B*H*S*S]; ref: [B][L][H][S][S]. Max absolute difference over everything. */
export function diffPatterns(engine: ArrayLike<number>[], ref: number[][][][][]): number {
  const B = ref.length;
  const L = at(ref, 0).length;
  if (engine.length !== L) throw new Error(`engine gave ${engine.length} pattern layers, reference ${L}`);
  let max = 0;
  for (let l = 0; l < L; l++) {
    const flat = ref.flatMap((row) => at(row, l).flat(2));
    if (at(engine, l).length !== flat.length) throw new Error(`layer ${l}: engine pattern has ${at(engine, l).length} values, reference ${flat.length} (B=${B})`);
    flat.forEach((r, i) => {
      const d = Math.abs(at(at(engine, l), i) - r);
      if (!(d <= max)) max = d;
    });
  }
  return max;
}

/** The largest relative change between two reference runs: how much an ablation moves the output. */
export function maxRelChange(a: number[][], b: number[][]): number {
  let max = 0;
  a.forEach((row, i) => row.forEach((v, j) => (max = Math.max(max, Math.abs(v - at(at(b, i), j)) / v))));
  return max;
}

export function formatDiff(label: string, d: ProbDiff): string {
  return `${label}: max |Δ| ${d.maxAbs.toExponential(2)}, max rel ${d.maxRel.toExponential(2)} (${d.relCount} probs > 1e-9)`;
}
