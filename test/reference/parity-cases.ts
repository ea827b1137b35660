// The parity tests' shared cases and runner: trial-shaped prompts, the ablation settings every family
// is checked on (none; zero on heads sharing a kv head and in another layer; mean; one batch mixing
// all three with different heads per row), and a runner that compares an engine with the reference.
// The engine comes in through the small ParityEngine interface, so nothing under test/reference
// imports src/main/engine.

import { diffPatterns, diffTokenProbs, formatDiff, maxRelChange, type ProbDiff } from './compare';
import { runReference, type RefModel, type ReferenceAblation } from './forward';
import { makeUniform } from './write-checkpoint';
import { at } from '../../src/shared/checked';

/** What a parity test needs from the app's engine, adapted from its Engine by the test file. */
export interface ParityEngine {
  /** token_probs [B*S] for the rows' ablation settings. */
  probe(ids: number[][], rows: ReferenceAblation[]): Promise<ArrayLike<number>>;
  /** Unablated attention probabilities, per layer [B*H*S*S]. */
  patterns(ids: number[][]): Promise<ArrayLike<number>[]>;
}

export interface ParityCase {
  name: string;
  ids: number[][];
  rows: ReferenceAblation[];
}

/** The trial shape (README: The experiment): a permutation of S-1 distinct tokens, then the one at floor((S-1)/2) again. */
export function trialPrompt(vocab: number, S: number, seed: number): number[] {
  const rng = makeUniform(seed);
  const pool = Array.from({ length: vocab - 3 }, (_, i) => i + 3); // skip the special ids 0-2
  if (pool.length < S - 1) throw new Error(`vocab ${vocab} too small for ${S - 1} distinct tokens`);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [pool[i], pool[j]] = [at(pool, j), at(pool, i)];
  }
  const perm = pool.slice(0, S - 1);
  return [...perm, at(perm, Math.floor((S - 1) / 2))];
}

/**
 * The standard cases for a model of L layers and H query heads. With grouped-query attention
 * (nKvHeads < nHeads) heads (0,0) and (0,1) share kv head 0, so zeroing them tests the mapping.
 */
export function standardCases(shape: { nLayers: number; nHeads: number; nKvHeads: number; vocab: number }, S: number): ParityCase[] {
  const { nLayers: L, nHeads: H, nKvHeads: K, vocab } = shape;
  const p = (seed: number) => trialPrompt(vocab, S, seed);
  const none: ReferenceAblation = { heads: [], mode: 'none' };
  const pair = K < H ? 'two heads sharing a kv head' : 'heads 0 and 1';
  const zero: ReferenceAblation = { heads: [[0, 0], [0, 1], [L - 1, H - 1]], mode: 'zero' };
  const mean: ReferenceAblation = { heads: [[0, H - 2], [L - 1, 0], [L - 1, 1]], mode: 'mean' };
  return [
    { name: 'no ablation', ids: [p(1), p(2)], rows: [none, none] },
    { name: `zero: ${pair} of layer 0 + one in layer ${L - 1}`, ids: [p(1), p(2)], rows: [zero, zero] },
    { name: `mean: heads in layers 0 and ${L - 1}`, ids: [p(1), p(2)], rows: [mean, mean] },
    {
      name: 'one batch mixing none / zero / mean with different heads per row',
      ids: [p(1), p(1), p(1), p(3)],
      rows: [
        none,
        { heads: [[L - 1, 2 % H]], mode: 'zero' },
        { heads: [[0, 0], [0, H - 1]], mode: 'mean' },
        { heads: [[0, 1], [L - 1, 1]], mode: 'zero' },
      ],
    },
  ];
}

export interface CaseResult extends ProbDiff {
  /** Largest relative change the ablation causes in the reference (0 for unablated cases). */
  effect: number;
}

/** Runs one case through both and prints the differences. */
export async function runCase(label: string, engine: ParityEngine, ref: RefModel, c: ParityCase): Promise<CaseResult> {
  const expected = runReference(ref, c.ids, c.rows);
  const got = await engine.probe(c.ids, c.rows);
  const diff = diffTokenProbs(got, expected.tokenProbs);
  const plain = runReference(ref, c.ids, c.rows.map(() => ({ heads: [], mode: 'none' as const })));
  const effect = maxRelChange(plain.tokenProbs, expected.tokenProbs);
  console.log(`${formatDiff(`${label} | ${c.name}`, diff)}; ablation moves probs by up to ${(100 * effect).toFixed(1)}%`);
  return { ...diff, effect };
}

/** Unablated patterns from the engine's patterns graph against the reference's. */
export async function runPatterns(label: string, engine: ParityEngine, ref: RefModel, ids: number[][]): Promise<number> {
  const expected = runReference(ref, ids, ids.map(() => ({ heads: [], mode: 'none' as const })));
  const d = diffPatterns(await engine.patterns(ids), expected.patterns);
  console.log(`${label} | patterns: max |Δ| ${d.toExponential(2)}`);
  return d;
}
